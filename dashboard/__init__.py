"""Product Health: the four support/engineering KPIs from exported files."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
QUERIES_DIR = PROJECT_ROOT / "queries"
SAMPLE_DATA_DIR = PROJECT_ROOT / "sample_data"
