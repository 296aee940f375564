"""Headline cards of the committee pages: a figure with a plain note under it (no arrow, no colour)."""

from __future__ import annotations


def note_card(column, label: str, value: str, note: str | None = None) -> None:
    """One headline figure; ``note`` is context (a share, a date), not a change, so it carries no arrow."""
    column.metric(label, value, delta=note or None, delta_color="off", delta_arrow="off", border=True)
