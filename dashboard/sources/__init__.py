"""One reader per export format; `recognise()` picks the reader by the file's content.

A reader appends a file's rows to its raw table (`raw_<format>`: fixed text columns plus
_file, _row, _line). Typing and renaming to canonical names is the staging SQL's job.
"""

from __future__ import annotations

from dashboard.errors import ProductHealthError
from dashboard.sources.base import FileReport, HeaderMap, Sniffed, sniff
from dashboard.sources.formats import CUSTOM_FORMAT, FORMATS, Format, custom_matches

__all__ = ["FORMATS", "CUSTOM_FORMAT", "Format", "FileReport", "Sniffed", "recognise", "sniff"]


def recognise(sniffed: Sniffed, custom_sources: tuple = ()) -> tuple[Format, object | None]:
    """The format of a sniffed file, with the matching custom mapping if any."""
    if sniffed.kind == "json":
        for fmt in FORMATS:
            if fmt.matches_json(sniffed.document):
                return fmt, None
        raise ProductHealthError(f"{sniffed.path}: JSON of an unknown shape: {_describe(sniffed.document)}")
    hmap = HeaderMap(sniffed.header)
    for fmt in FORMATS:
        if fmt.matches_csv(hmap):
            return fmt, None
    for custom in custom_sources:
        if custom_matches(hmap, custom):
            return CUSTOM_FORMAT, custom
    shown = ", ".join(sniffed.header[:8]) + (" ..." if len(sniffed.header) > 8 else "")
    raise ProductHealthError(
        f"{sniffed.path}: line 1: not a supported export (columns: {shown}); "
        "see the README for the formats read, or map its columns in [[custom]] in health.toml"
    )


def _describe(document: object) -> str:
    if isinstance(document, dict):
        return "an object with keys " + ", ".join(list(document)[:8])
    if isinstance(document, list):
        first = document[0] if document else None
        inner = f" of objects with keys {', '.join(list(first)[:6])}" if isinstance(first, dict) else ""
        return f"an array of {len(document)} items{inner}"
    return type(document).__name__
