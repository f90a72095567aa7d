"""Small helpers over query results: a metric's total rows, and its values as plain JSON.

pandas only; no streamlit, no database.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd


def clean(value: Any) -> Any:
    """A value from a DataFrame as plain JSON: None for missing, Python numbers, 4 decimals."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        return round(value, 4)
    return value


def totals(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows whose product_line is null: the grouping-sets totals (one, or one per month)."""
    return frame[frame["product_line"].isna()]


def total_row(frame: pd.DataFrame) -> dict[str, Any]:
    """The total row of a metric (see totals()), as plain Python values."""
    rows = totals(frame)
    if rows.empty:
        return {}
    return {k: clean(v) for k, v in rows.iloc[0].items() if k != "product_line"}
