"""The `kpis` figures of a period: the one object `product-health kpis` prints and the digest
(digest.py) reads, so whatever the figures carry (data_as_of, revisions) reaches both. No
streamlit, no plotly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dashboard.build import LoadReport
from dashboard.db import Warehouse
from dashboard.filters import Filters
from dashboard.metrics import kpis
from dashboard.store import packs_dir


def figures_of(warehouse: Warehouse, report: LoadReport, filters: Filters) -> dict[str, Any]:
    """The `product-health kpis` object for `filters` (`report`: the load the model came from,
    whose folder's packs archive says what moved since the month's last pack)."""
    return kpis(warehouse, filters, packs_dir(Path(report.data_dir)))
