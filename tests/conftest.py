"""Shared fixtures: warehouses over the sample data, the real exports, and hand-made folders."""

from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dashboard import PROJECT_ROOT, SAMPLE_DATA_DIR
from dashboard.build import LoadReport
from dashboard.db import Warehouse
from dashboard.store import open_warehouse

REAL_EXPORTS = PROJECT_ROOT.parent / "shared" / "real-exports"


@pytest.fixture(scope="session", autouse=True)
def model_store(tmp_path_factory) -> Iterator[Path]:
    """Persisted models go to a folder of the test session, not into sample_data/ or the
    shared real exports (test_store.py tests the default places)."""
    root = tmp_path_factory.mktemp("models")
    os.environ["PRODUCT_HEALTH_CACHE"] = str(root)
    yield root
    data = sys.modules.get("dashboard.data")
    if data is not None:  # the dashboard's warm-ups finish while pytest still captures their log line
        data._WARMER.submit(lambda: None).result()


@pytest.fixture(scope="session")
def sample() -> tuple[Warehouse, LoadReport]:
    return open_warehouse(SAMPLE_DATA_DIR)


@pytest.fixture(scope="session")
def real() -> tuple[Warehouse, LoadReport]:
    if not REAL_EXPORTS.is_dir():
        pytest.skip(f"the shared real exports are not at {REAL_EXPORTS}")
    return open_warehouse(REAL_EXPORTS, persist=False)  # the shared folder is not ours to write in


FolderLoader = Callable[..., tuple[Warehouse, LoadReport]]


@pytest.fixture
def load_files(tmp_path: Path) -> FolderLoader:
    """Write {relative path: text or bytes} into a fresh folder and load it."""

    def load(files: dict[str, str | bytes], **options) -> tuple[Warehouse, LoadReport]:
        folder = tmp_path / f"data{len(list(tmp_path.iterdir()))}"
        folder.mkdir()
        for name, content in files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
        return open_warehouse(folder, **options)

    return load


def file_report(report: LoadReport, name: str):
    matches = [f for f in report.files if f.path.endswith(name)]
    assert matches, f"{name} not in report: {[f.path for f in report.files]}"
    return matches[0]
