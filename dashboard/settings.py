"""The settings of a data folder, as the dashboard and the command line use them: the settings
file's sections (config.py), its [sources.<name>] checked against the format registry
(sources/settings.py), and a per-process cache by file identity, so that the dashboard, which
asks on every click, reads and checks `health.toml` only when it (or a holidays CSV it names)
changes. No streamlit.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

from dashboard.config import CONFIG_FILE_NAME, Checker, Settings, parse_settings, read_settings_file, settings_file
from dashboard.folder import file_identity
from dashboard.sources.settings import source_settings

_KEPT = 32  # settings files remembered (a process reads one or two; tests make many)
_CACHE: dict[Path, tuple[str, tuple[tuple[Path, str], ...], Settings]] = {}
_LOCK = threading.Lock()


def settings_of(raw: dict[str, Any], path: Path, text: str = "") -> Settings:
    """The settings a settings file's TOML gives: its sections, then its sources' rules."""
    settings = parse_settings(raw, path, text)
    sources = source_settings(settings.sources, raw.get("sources", {}), Checker(path, text))
    return replace(settings, sources=sources)


def load_settings(data_dir: Path | None = None, config_path: Path | None = None) -> Settings:
    """The settings of `config_path`, else of `<data_dir>/health.toml`, else the defaults; read
    again only when the file's identity (size, times, inode) or a holidays file's has changed."""
    path = settings_file(data_dir, config_path)
    if path is None:
        return replace(Settings(), sources=source_settings({}, {}, Checker(Path(CONFIG_FILE_NAME))))
    identity = _identity(path)  # taken before the read: a change during it is read next time
    with _LOCK:
        cached = _CACHE.get(path)
    if cached and identity and cached[0] == identity and all(_identity(p) == i for p, i in cached[1]):
        return cached[2]
    raw, check = read_settings_file(path)
    settings = settings_of(raw, path, check.text)
    if identity:
        holidays = tuple((s.holidays_file, _identity(s.holidays_file)) for s in settings.schedules if s.holidays_file)
        with _LOCK:
            _CACHE.pop(path, None)
            _CACHE[path] = (identity, holidays, settings)
            while len(_CACHE) > _KEPT:
                del _CACHE[next(iter(_CACHE))]
    return settings


def _identity(path: Path) -> str:
    try:
        return file_identity(path.stat())
    except OSError:
        return ""
