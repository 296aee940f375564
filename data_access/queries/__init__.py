"""The read side: every figure the dashboard shows, one function per figure, as DataFrames, in one
module per page (``overview``, ``live_map``, ``traffic``, ``high_risk``, ``adoption``, ``quality``,
``imports``, ``hot_zones``) and ``checkpoints`` for the reference data they share. Every figure takes
the page run's ``now`` and counts only declarations stamped before it; the exact-window method they
rest on is in ``_core``.
"""
