"""Compressed files in the data folder, named like exports or not: recognised by their first bytes
(never by the name alone), so `tickets.csv` that is really gzip is reported as gzip, with what
to do, instead of as "a binary file". Only the export itself is read (the readers take plain
CSV and JSON); a compressed copy is one failed file in the report and the rest still loads.
No DuckDB and no streamlit here.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from dashboard.errors import ProductHealthError

# (first bytes, what it is, the command that unpacks it, its usual suffix), as each format's
# specification writes them. Stream compressors get `-dc` (to standard output): they work whatever
# the file's name, where `gunzip tickets.csv` refuses a name without .gz.
SIGNATURES: tuple[tuple[bytes, str, str, str], ...] = (
    (b"\x1f\x8b", "gzip-compressed", "gzip -dc", ".gz"),
    (b"PK\x03\x04", "a zip archive", "unzip", ".zip"),
    (b"PK\x05\x06", "an empty zip archive", "unzip", ".zip"),
    (b"PK\x07\x08", "a zip archive", "unzip", ".zip"),
    (b"\xfd7zXZ\x00", "xz-compressed", "xz -dc", ".xz"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed", "zstd -dc", ".zst"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", "7z x", ".7z"),
    (b"Rar!\x1a\x07", "a RAR archive", "unrar x", ".rar"),
    (b"\x04\x22\x4d\x18", "lz4-compressed", "lz4 -dc", ".lz4"),
    (b"\x1f\x9d", "compressed with Unix compress (.Z)", "uncompress -c", ".Z"),
)
BZIP2 = ("bzip2-compressed", "bzip2 -dc", ".bz2")
TAR = ("a tar archive", "tar -xf", ".tar")
_BZIP2_BLOCKS = (b"1AY&SY", b"\x17rE8P\x90")  # after 'BZh1'..'BZh9': a first block, or the end (empty)


def compression_of(raw: bytes) -> tuple[str, str, str] | None:
    """(what it is, the command that unpacks it, its usual suffix) when `raw`, a file's first
    bytes, starts like a compressed file or an archive; None for anything else."""
    for magic, what, tool, suffix in SIGNATURES:
        if raw.startswith(magic):
            return what, tool, suffix
    if raw[:3] == b"BZh" and raw[3:4] in b"123456789" and len(raw) >= 4 and raw[4:10] in _BZIP2_BLOCKS:
        return BZIP2
    if raw[257:262] == b"ustar":
        return TAR
    return None


def unpack_hint(name: str, tool: str, suffix: str) -> str:
    """The command that gives the export itself: an archive unpacks in place; a compressed
    file is written beside it, without its suffix (or as NAME-unpacked when it has none)."""
    if not tool.endswith(("-dc", "-c")):
        return f"{tool} {shlex.quote(name)}"
    stem, dot, ext = name.rpartition(".")
    plain = (
        name[: -len(suffix)] if name.endswith(suffix) else (f"{stem}-unpacked{dot}{ext}" if dot else f"{name}-unpacked")
    )
    return f"{tool} {shlex.quote(name)} > {shlex.quote(plain)}"


def refuse_compressed(path: Path, raw: bytes) -> None:
    """Raise the file's error when its first bytes are a compressed file's or an archive's."""
    found = compression_of(raw)
    if found is None:
        return
    what, tool, suffix = found
    archive = what.startswith(("a ", "an "))
    raise ProductHealthError(
        f"{path}: this is {what if archive else what + ' data'}, not a CSV or JSON export (found by its "
        f"first bytes, whatever its name): only exports as written are read; unpack it "
        f"({unpack_hint(path.name, tool, suffix)}) and move the {'archive' if archive else 'compressed file'} "
        "out of the data folder"
    )
