"""How far a load has got (`Progress`), for whoever shows it. No streamlit, no DuckDB."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Progress:
    """How far a load has got, for whoever shows it: the dashboard reads it from another thread
    while the load runs, the CLI prints it on each change (`on_change`). Only the load writes it."""

    files_total: int = 0
    files_done: int = 0
    bytes_total: int = 0
    bytes_done: int = 0
    rows: int = 0
    current: str = ""  # the file being read, relative to the data folder
    stage: str = "starting"  # starting | waiting (for another process's build) | reading | building | done
    on_change: Callable[[Progress], None] | None = field(default=None, repr=False)

    def update(self, **changes: Any) -> None:
        for name, value in changes.items():
            setattr(self, name, value)
        if self.on_change is not None:
            self.on_change(self)

    @property
    def fraction(self) -> float:
        """0..1: reading is the first 90 % (by bytes), building the model the rest."""
        if self.stage == "done":
            return 1.0
        if self.stage == "building":
            return 0.92
        return 0.9 * self.bytes_done / self.bytes_total if self.bytes_total else 0.0

    def text(self) -> str:
        if self.stage == "waiting":
            return "Waiting for another process that is building the model of this folder ..."
        if self.stage == "reading" and self.current:
            return (
                f"Reading {self.current} (file {self.files_done + 1} of {self.files_total}); {self.rows:,} rows so far"
            )
        if self.stage == "building":
            return f"Building the model from {self.rows:,} rows of {self.files_total} files ..."
        if self.stage == "reading" and self.files_done:
            return f"Read {self.files_done} of {self.files_total} files; {self.rows:,} rows so far"
        return "Reading the exports ..."
