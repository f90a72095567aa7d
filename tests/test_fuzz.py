"""Fuzzing: mutated real exports and random bytes through every reader.

The readers (sniff, recognise, Format.load) may raise only ProductHealthError, with a
message; whatever they let into the raw tables must build into the model. CI runs a short
run; a longer one by hand: PH_FUZZ_EXAMPLES=5000 python -m pytest tests/test_fuzz.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard import SAMPLE_DATA_DIR
from dashboard.build import Build, LoadReport
from dashboard.config import Settings
from dashboard.db import Warehouse
from dashboard.errors import ProductHealthError
from dashboard.sources import recognise, sniff
from dashboard.sources.base import FileReport
from tests.conftest import REAL_EXPORTS

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("PH_FUZZ_EXAMPLES", "150"))
CORPUS_GOOD = Path(__file__).parent / "corpus" / "good"


def _seeds() -> list[tuple[str, bytes]]:
    """The head of every real export and sample file (whole records mostly): mutation seeds."""
    paths = sorted(REAL_EXPORTS.glob("*.*")) if REAL_EXPORTS.is_dir() else []
    paths += sorted(p for p in SAMPLE_DATA_DIR.rglob("*.*") if p.suffix in (".csv", ".json"))
    paths += sorted(CORPUS_GOOD.iterdir())
    seeds = []
    for path in paths:
        if path.suffix not in (".csv", ".json"):
            continue
        with path.open("rb") as handle:
            seeds.append((path.suffix, handle.read(24_000)))
    return seeds


SEEDS = _seeds()


@st.composite
def mutated(draw) -> tuple[str, bytes]:
    suffix, data = draw(st.sampled_from(SEEDS))
    data = bytearray(data)
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "duplicate", "special"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=40))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 400))]
        elif kind == "truncate":
            del data[at:]
        elif kind == "duplicate":
            end = data.find(b"\n", at)
            data[at:at] = data[at : end + 1 if end >= 0 else len(data)]
        else:
            data[at:at] = draw(
                st.sampled_from(
                    [
                        b'"',
                        b",",
                        b"\n",
                        b"\r",
                        b"\x00",
                        b"{",
                        b"]",
                        b"\xff\xfe",
                        b"1900-01-01 00:00:00",
                        b"-99999999",
                        b"9" * 30,
                        b"\t",
                        b";",
                    ]
                )
            )
    return suffix, bytes(data)


def _read(tmp_path: Path, suffix: str, data: bytes) -> None:
    path = tmp_path / f"fuzzed{suffix}"
    path.write_bytes(data)
    build = Build(Warehouse(Settings()))
    try:
        report = FileReport(path=str(path))
        try:
            sniffed = sniff(path)
            fmt, custom = recognise(sniffed, ())
            fmt.load(build.con, sniffed, Settings(), report, custom)
        except ProductHealthError as exc:
            assert str(exc).strip(), "an error without a message"
            return
        load = LoadReport(data_dir=str(tmp_path), files=[report])
        build.build_model(load)  # whatever a reader accepted must model
    finally:
        build.close()


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=mutated())
def test_mutated_exports_raise_only_our_error(tmp_path, case) -> None:
    _read(tmp_path, *case)


@settings(
    max_examples=max(EXAMPLES // 3, 20), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(suffix=st.sampled_from([".csv", ".json"]), data=st.binary(max_size=3000))
def test_random_bytes_raise_only_our_error(tmp_path, suffix, data) -> None:
    _read(tmp_path, suffix, data)


def test_the_seeds_cover_every_format() -> None:
    if not REAL_EXPORTS.is_dir():
        pytest.skip("the shared real exports are not here")
    assert len(SEEDS) >= 15
