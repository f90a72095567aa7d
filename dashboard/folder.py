"""The data folder as it is now: one walk gives every export, what is skipped, and one fingerprint.

No DuckDB and no streamlit here; the load path (build.py, store.py) and data.py read a
FolderState instead of walking the folder themselves.
"""

from __future__ import annotations

import hashlib
import os
import stat as stat_module
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.config import CONFIG_FILE_NAME
from dashboard.sources.base import special_file_kind

SKIPPED_NAMES = {CONFIG_FILE_NAME, ".DS_Store", "Thumbs.db"}
# Documentation and code kept beside exports; listed in the report as ignored, never read.
IGNORED_SUFFIXES = {".md", ".markdown", ".rst", ".toml", ".yaml", ".yml", ".py", ".sql", ".pdf", ".png", ".jpg"}

# A folder with an export's name (tickets.csv/) is walked like any folder; when it holds nothing
# to read, the report says so rather than showing nothing.
EXPORT_LIKE_SUFFIXES = (".csv", ".tsv", ".txt", ".json", ".jsonl", ".ndjson", ".gz", ".zip", ".bz2", ".xz", ".zst")
EMPTY_EXPORT_FOLDER = (
    "a folder named like an export file, with nothing in it to read: put the export itself in the data folder"
)


def shown(path: Path | str) -> str:
    """A path as text that can always be printed: bytes that are not UTF-8 as \\x escapes."""
    return os.fsencode(path).decode("utf-8", errors="backslashreplace")


@dataclass(frozen=True)
class Skipped:
    """Something in the data folder that is not read, and why (a failure in the report)."""

    path: str  # printable (see shown())
    reason: str


def _list_folder(folder: Path) -> list[os.DirEntry]:
    """The entries of one folder, by name (tests replace this to refuse a folder, as a
    permission error would for a user other than root)."""
    with os.scandir(folder) as entries:
        return sorted(entries, key=lambda e: e.name)


def scan_folder(data_dir: Path) -> list[tuple[Path, os.stat_result] | Skipped]:
    """Every candidate export under `data_dir` at any depth with its stat as the walk saw it,
    in a stable order, and every entry the walk cannot or will not read: folders it cannot
    open, names that are not UTF-8, broken links, paths too long to open, FIFOs, sockets and
    devices (never opened). Linked folders are followed, each real folder once."""
    found: list[tuple[Path, os.stat_result] | Skipped] = []
    seen: set[tuple[int, int]] = set()

    def visit(folder: Path) -> None:
        try:
            entries = _list_folder(folder)
        except OSError as exc:
            found.append(
                Skipped(
                    shown(folder), f"this folder cannot be opened ({exc.strerror or exc}): its exports are not read"
                )
            )
            return
        for entry in entries:
            name = entry.name
            if name.startswith(".") or name in SKIPPED_NAMES:
                continue
            path = folder / name
            try:
                name.encode("utf-8")
            except UnicodeEncodeError:
                found.append(
                    Skipped(shown(path), "the name is not UTF-8 text (shown with \\x escapes): rename it to read it")
                )
                continue
            try:
                st = os.stat(path)
            except FileNotFoundError:
                if entry.is_symlink():
                    found.append(
                        Skipped(
                            shown(path), f"a broken link: it points to {shown(os.readlink(path))}, which does not exist"
                        )
                    )
                else:
                    found.append(Skipped(shown(path), "the file disappeared while the folder was read"))
                continue
            except OSError as exc:
                found.append(Skipped(shown(path), f"cannot be opened ({exc.strerror or exc})"))
                continue
            if stat_module.S_ISDIR(st.st_mode):
                if (st.st_dev, st.st_ino) not in seen:  # a link loop or a second path to one folder
                    seen.add((st.st_dev, st.st_ino))
                    before = len(found)
                    visit(path)
                    if len(found) == before and name.lower().endswith(EXPORT_LIKE_SUFFIXES):
                        found.append(Skipped(shown(path), EMPTY_EXPORT_FOLDER))
            elif stat_module.S_ISREG(st.st_mode):
                found.append((path, st))
            else:
                found.append(
                    Skipped(shown(path), f"{special_file_kind(st.st_mode)}, not a regular file: skipped, never opened")
                )

    try:
        root = data_dir.stat()
        seen.add((root.st_dev, root.st_ino))
    except OSError:
        pass
    visit(data_dir)
    return found


def file_identity(stat: os.stat_result) -> str:
    """What tells one version of a file from another: size, modification and change times, and
    the inode (a file replaced by an atomic rename, or copied with its old mtime, is new)."""
    return f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ctime_ns}:{stat.st_dev}:{stat.st_ino}"


@dataclass(frozen=True)
class FolderState:
    """One walk of a data folder: its exports and what it skipped, in walk order; each
    export's identity as the walk saw it (before it is read); the settings file's identity."""

    data_dir: Path
    entries: tuple[Path | Skipped, ...] = ()
    identities: dict[str, str] = field(default_factory=dict)  # str(path) -> file_identity
    settings_identity: str = ""

    @property
    def fingerprint(self) -> str:
        """Changes when any export or the settings file is added, removed, resized or touched,
        or when what the walk skips changes."""
        digest = hashlib.sha256()
        for entry in self.entries:
            if isinstance(entry, Skipped):
                digest.update(f"skipped\0{entry.path}\0{entry.reason}\n".encode())
            else:
                digest.update(f"{entry}\0{self.identities[str(entry)]}\n".encode())
        digest.update(f"settings\0{self.settings_identity}\n".encode())
        return digest.hexdigest()[:16]


def folder_state(data_dir: Path, config_path: Path | None = None) -> FolderState:
    """Walk `data_dir` once (nothing when it is not a folder)."""
    scanned = scan_folder(data_dir) if data_dir.is_dir() else []
    entries = tuple(e if isinstance(e, Skipped) else e[0] for e in scanned)
    identities = {str(e[0]): file_identity(e[1]) for e in scanned if not isinstance(e, Skipped)}
    settings = config_path or data_dir / CONFIG_FILE_NAME
    try:
        settings_identity = f"{settings}\0{file_identity(settings.stat())}"
    except OSError:
        settings_identity = ""
    return FolderState(data_dir, entries, identities, settings_identity)


def fingerprint(data_dir: Path, config_path: Path | None = None) -> str:
    """The fingerprint of the folder as it is now (one walk)."""
    return folder_state(data_dir, config_path).fingerprint
