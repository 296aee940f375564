"""Declaration store of the Thái Bình checkpoint dashboard.

Schema, reference data, risk rule, import, queries and simulator. This package never imports
streamlit: the dashboard asks it for DataFrames and plain values.
"""
