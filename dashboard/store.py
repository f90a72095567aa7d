"""The only opener of a model: `open_warehouse` gives the persisted model of a data folder
(a DuckDB file per state of the folder, so a restart does not re-read gigabytes of exports),
or one built in memory.

Top of the load path: store -> build (settings_tables, ingest, layers, report) -> db, with
folder (the one walk of the data folder) and settings (health.toml, cached by file identity).

Where: `<data folder>/.product-health/` (the loader skips dot-folders), or, when the data
folder is read-only, `~/.cache/product-health/<hash of the folder path>/`;
`PRODUCT_HEALTH_CACHE` overrides the root.

The model of a folder is `model-<key>.duckdb`, where the key is a hash of the folder's
fingerprint (every export's path and identity, see folder.py), the settings file, and the
code that reads and models them. Opening a folder whose key has a model opens that file
read-only (the warm start).
Otherwise the newest earlier model of the same settings and code is copied to a temporary file
and refreshed there (refresh.py: only new and changed files are read, and only the rows and
months they touch recomputed), or, when there is none or most of the exports' bytes changed, a
full build is made there (the raw rows of unchanged link and event files copied from an earlier
model; ticket, issue and session exports read again: their raw rows are not kept);
either way the reason is logged, and the file is renamed into place (an atomic rename: readers
see the old model or the new one, never half of one). Older models are then removed; a process
still reading one keeps its open file until it is done.

Each file's identity (size, modification and change times, inode) is recorded as it was
*before* the file was read, so a file that changes during a build is read again by the next one. One build at a
time per folder (a lock file, `.build.lock`): several servers on one data folder (replicas)
wait for each other's build and then open its result; the lock holder removes temporary
files that a killed build left behind.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

try:
    import fcntl
except ImportError:  # not on Windows: builds there are not serialised between processes
    fcntl = None  # type: ignore[assignment]

from dashboard import PROJECT_ROOT, QUERIES_DIR
from dashboard.build import Build, LoadReport, Progress
from dashboard.config import CONFIG_FILE_NAME, Settings
from dashboard.db import Warehouse
from dashboard.errors import ProductHealthError
from dashboard.folder import FolderState, file_identity, folder_state
from dashboard.logs import log
from dashboard.settings import load_settings
from dashboard.sources.base import FileReport, Reject
from dashboard.sources.formats import ALL_FORMATS

KEPT_RAW = [fmt for fmt in ALL_FORMATS if fmt.keeps_raw]
KEPT_RAW_ENTITIES = {fmt.entity for fmt in KEPT_RAW}

STORE_DIR_NAME = ".product-health"
# DuckDB's buffer memory per model (it spills to disk beyond): a share of the machine's memory,
# at least MIN and at most MAX, so that a build's peak RSS (DuckDB's buffers plus Python and
# DuckDB's own overhead) stays within 6 GB. PRODUCT_HEALTH_MEMORY_LIMIT overrides.
MEMORY_SHARE = 0.6
MIN_MEMORY_LIMIT_MB = 1024
MAX_MEMORY_LIMIT_MB = 5 * 1024


# The modules whose code decides what a model holds (with sources/*.py and queries/**/*.sql).
LOAD_PATH = (
    "db.py",
    "folder.py",
    "compressed.py",  # what a compressed file is reported as
    "build.py",
    "settings_tables.py",
    "ingest.py",
    "layers.py",
    "precomputed.py",
    "refresh.py",
    "catalogue.py",  # which trends are kept with the model
    "report.py",
    "store.py",
    "config.py",
    "settings.py",
    "zones.py",
)


def _code_version() -> str:
    """Changes when the readers, the model's SQL or this layer change: old models are not reused."""
    digest = hashlib.sha256(duckdb.__version__.encode())
    sources = sorted((PROJECT_ROOT / "dashboard" / "sources").glob("*.py"))
    others = [PROJECT_ROOT / "dashboard" / name for name in LOAD_PATH]
    for path in [*sources, *others, *sorted(QUERIES_DIR.rglob("*.sql"))]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


CODE_VERSION = _code_version()


def memory_limit() -> str:
    """DuckDB's memory_limit for a model: PRODUCT_HEALTH_MEMORY_LIMIT, else MEMORY_SHARE of the
    machine's memory within [MIN_MEMORY_LIMIT_MB, MAX_MEMORY_LIMIT_MB]."""
    if os.environ.get("PRODUCT_HEALTH_MEMORY_LIMIT"):
        return os.environ["PRODUCT_HEALTH_MEMORY_LIMIT"]
    try:
        machine_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    except (ValueError, OSError, AttributeError):  # not on this system: the floor
        machine_mb = 0
    return f"{min(max(int(MEMORY_SHARE * machine_mb), MIN_MEMORY_LIMIT_MB), MAX_MEMORY_LIMIT_MB)}MB"


def store_dir(data_dir: Path) -> Path:
    """Where the models of `data_dir` live; created if needed."""
    root = os.environ.get("PRODUCT_HEALTH_CACHE")
    folder_hash = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:12]
    candidates = (
        [Path(root) / folder_hash]
        if root
        else [
            data_dir / STORE_DIR_NAME,
            Path.home() / ".cache" / "product-health" / folder_hash,
        ]
    )
    for candidate in candidates:
        try:
            candidate.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=candidate, prefix=".probe-"):
                pass
            return candidate
        except OSError:
            continue
    raise ProductHealthError(f"nowhere to keep the model of {data_dir}: set PRODUCT_HEALTH_CACHE to a writable folder")


def packs_dir(data_dir: Path) -> Path:
    """The packs archive of `data_dir` (dashboard/revisions.py): beside its models."""
    return store_dir(Path(data_dir)) / "packs"


def model_key(state: FolderState, settings: Settings) -> tuple[str, str]:
    """(key of this state of the folder, key of the settings and code alone)."""
    base = hashlib.sha256(CODE_VERSION.encode())
    settings_path = settings.path or state.data_dir / CONFIG_FILE_NAME
    if settings_path.is_file():
        base.update(settings_path.read_bytes())
    for schedule in settings.schedules:  # a holidays file is part of the settings
        if schedule.holidays_file is not None and schedule.holidays_file.is_file():
            base.update(schedule.holidays_file.read_bytes())
    base_key = base.hexdigest()[:16]
    return hashlib.sha256(f"{base_key}\0{state.fingerprint}".encode()).hexdigest()[:16], base_key


# -- the data report, kept inside the model file -----------------------------------------------


def _report_json(report: LoadReport) -> str:
    return json.dumps(dataclasses.asdict(report))


def _file_report(data: dict[str, Any]) -> FileReport:
    data = dict(data)
    data["rejects"] = [Reject(**r) for r in data["rejects"]]
    return FileReport(**data)


def _load_report(text: str) -> LoadReport:
    data = json.loads(text)
    data["files"] = [_file_report(f) for f in data["files"]]
    return LoadReport(**data)


# -- open or build --------------------------------------------------------------------------------


def open_warehouse(
    data_dir: Path,
    config_path: Path | None = None,
    threads: int | None = None,
    persist: bool = True,
    state: FolderState | None = None,
    progress: Progress | None = None,
) -> tuple[Warehouse, LoadReport]:
    """Settings + model in one call: what the CLI and the dashboard use.

    persist=True opens the persisted model of the folder, building (or updating) it first
    when the files changed; persist=False reads everything into memory. `state` is the walk
    of the folder the caller already made (data.py takes its fingerprint); else it is walked here.
    `progress` follows a build (nothing happens to it when the persisted model is opened).
    """
    # One spelling per folder ('data', './data', '/srv/data'): the paths in the model and
    # its key are absolute, so every spelling opens the same model.
    data_dir = Path(data_dir).resolve()
    settings = load_settings(data_dir, config_path)
    if state is None or state.data_dir != data_dir:
        state = folder_state(data_dir, config_path)
    if persist:
        return open_model(state, settings, threads, progress)
    warehouse = Warehouse(settings, threads=threads)
    report = Build(warehouse).load_folder(state, progress=progress)
    return warehouse, report


def open_model(
    state: FolderState, settings: Settings, threads: int | None = None, progress: Progress | None = None
) -> tuple[Warehouse, LoadReport]:
    """The model of the walked folder as it is now: the persisted one, or a freshly built one."""
    data_dir = state.data_dir
    if not data_dir.is_dir():
        raise ProductHealthError(f"{data_dir}: no such folder; point --data at the folder with your exports")
    folder = store_dir(data_dir)
    key, base_key = model_key(state, settings)
    target = folder / f"model-{key}.duckdb"
    opened = _try_open(target, settings, threads)
    if opened is not None:
        return opened
    with _build_lock(folder, lambda: progress.update(stage="waiting") if progress else None):
        # Another process (a replica) may have built this state while we waited.
        opened = _try_open(target, settings, threads)
        if opened is not None:
            return opened
        _remove_leftovers(folder)
        _build(state, settings, folder, target, key, base_key, threads, progress)
    return _open(target, settings, threads)


def _try_open(target: Path, settings: Settings, threads: int | None) -> tuple[Warehouse, LoadReport] | None:
    if not target.is_file():
        return None
    try:
        return _open(target, settings, threads)
    except (duckdb.Error, KeyError, ValueError, TypeError):
        return None  # a damaged or foreign file (or one removed meanwhile): build it again


@contextmanager
def _build_lock(folder: Path, waiting: Callable[[], None] | None = None):
    """Hold the folder's build lock (waiting for another process's build to finish; `waiting`
    is called first when it has to)."""
    with open(folder / ".build.lock", "a+b") as handle:
        if fcntl is not None:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if waiting is not None:
                    waiting()
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _remove_leftovers(folder: Path) -> None:
    """Temporary files of builds that were killed (kill -9, power loss): with the lock held,
    no build is running, so any that exist are stale."""
    for leftover in [*folder.glob(".model-*.tmp"), *folder.glob(".model-*.tmp.wal")]:
        log.info("removing %s, left by a build that did not finish", leftover)
        leftover.unlink(missing_ok=True)


def _open(path: Path, settings: Settings, threads: int | None) -> tuple[Warehouse, LoadReport]:
    warehouse = Warehouse(settings, threads=threads, path=path, read_only=True, memory_limit=memory_limit())
    try:
        text = warehouse.con.execute("select report from ph_meta").fetchone()[0]
        return warehouse, _load_report(text)
    except BaseException:
        warehouse.close()
        raise


def _previous(folder: Path, target: Path, base_key: str) -> tuple[Path | None, str]:
    """The newest earlier model built with the same settings and code, or why there is none."""

    def modified(path: Path) -> float:
        try:
            return path.stat().st_mtime
        except OSError:  # removed meanwhile by another process's build
            return 0.0

    reason = "no earlier model of this folder"
    for path in sorted(folder.glob("model-*.duckdb"), key=modified, reverse=True):
        if path == target or not path.is_file():
            continue
        try:
            with duckdb.connect(str(path), read_only=True) as con:
                base, code = con.execute("select base_key, code from ph_meta").fetchone()
        except (duckdb.Error, TypeError):  # no row: TypeError unpacking None
            continue
        if base == base_key:
            return path, ""
        if reason.startswith("no earlier"):  # the newest one's: why it cannot be refreshed
            reason = (
                "the code version changed"
                if code != CODE_VERSION
                else "the settings changed (health.toml, a schedule, its holidays)"
            )
    return None, reason


def _build(
    state: FolderState,
    settings: Settings,
    folder: Path,
    target: Path,
    key: str,
    base_key: str,
    threads: int | None,
    progress: Progress | None = None,
) -> None:
    """Build the model of `state` into `target`: a refresh of a copy of the previous model when
    there is one of the same settings and code (refresh.py), else a full build (logged with why)."""
    data_dir = state.data_dir
    handle, name = tempfile.mkstemp(dir=folder, prefix=f".model-{key}-", suffix=".tmp")
    os.close(handle)
    os.unlink(name)  # DuckDB creates the file itself
    tmp = Path(name)
    started = time.monotonic()
    previous, reason = _previous(folder, target, base_key)
    known = _known_files(previous) if previous is not None else {}
    reason = reason or _too_much_changed(known, state)
    refresh = previous is not None and not reason
    if refresh:
        log.info("refreshing the model of %s from %s", data_dir, previous.name)
    else:
        log.info("full build of the model of %s: %s", data_dir, reason)
    try:
        if refresh:
            shutil.copyfile(previous, tmp)  # the previous model stays open for readers meanwhile
        build = Build(Warehouse(settings, threads=threads, path=tmp, memory_limit=memory_limit()), refresh=refresh)
        try:
            reuse = _Keeper(build, known, state) if refresh else _Reuser(build, previous)
            report = _load(build, state, reuse, progress)
            _record(build.con, key, base_key, report, reuse)
        finally:
            build.close()
        os.replace(tmp, target)
    finally:
        for leftover in (tmp, Path(f"{tmp}.wal")):
            leftover.unlink(missing_ok=True)
    for old in folder.glob("model-*.duckdb"):
        if old != target:
            old.unlink(missing_ok=True)
            Path(f"{old}.wal").unlink(missing_ok=True)
    log.info(
        "%s the model of %s: %d files (%d read, %d unchanged and %s), %d failed, %d rows rejected (%.1f s)",
        "refreshed" if refresh else "built",
        data_dir,
        len(report.files),
        reuse.read,
        reuse.copied,
        "kept" if refresh else "copied",
        sum(1 for f in report.files if f.error),
        sum(f.rows_rejected for f in report.files),
        time.monotonic() - started,
    )


def _load(build: Build, state: FolderState, reuse: Callable[[Path], FileReport | None], progress: Progress | None):
    """build.load_folder, an unexpected failure (out of memory or disk) saying where it stopped."""
    try:
        return build.load_folder(state, reuse=reuse, progress=progress)
    except ProductHealthError:
        raise
    except Exception as exc:
        detail = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
        raise ProductHealthError(
            f"loading stopped while {build.stage}: {type(exc).__name__}" + (f": {detail}" if detail else "")
        ) from exc


def _record(con: duckdb.DuckDBPyConnection, key: str, base_key: str, report: LoadReport, reuse: Any) -> None:
    """ph_meta (keys, code version, the data report) and ph_files (each file's identity and
    reader report, for the next build), then a checkpoint."""
    con.execute("create or replace table ph_meta (key varchar, base_key varchar, code varchar, report varchar)")
    con.execute(
        "insert into ph_meta values ($key, $base, $code, $report)",
        {"key": key, "base": base_key, "code": CODE_VERSION, "report": _report_json(report)},
    )
    con.execute("create or replace table ph_files (path varchar, identity varchar, reader varchar)")
    # Identities as taken before each file was read: one that changed since is read again.
    rows = [(f.path, reuse.states.get(f.path, ""), reuse.readers.get(f.path, "")) for f in report.files]
    if rows:
        con.executemany("insert into ph_files values (?, ?, ?)", rows)
    con.execute("detach database if exists previous")
    con.execute("checkpoint")


def _known_files(previous: Path) -> dict[str, tuple[str, str]]:
    """path -> (identity, reader report) of every file of the model `previous`."""
    with duckdb.connect(str(previous), read_only=True) as con:
        return {p: (i, r) for p, i, r in con.execute("select path, identity, reader from ph_files").fetchall()}


# A refresh does the work of what changed; past this share of the exports' bytes new or
# changed, a full build (which reads those bytes anyway) is quicker.
FULL_BUILD_SHARE = 0.5


def _too_much_changed(known: dict[str, tuple[str, str]], state: FolderState) -> str:
    """Why a refresh is not worth it ('' when it is)."""
    if not known:
        return ""
    sizes = {path: int(identity.split(":")[0]) for path, identity in state.identities.items()}
    changed = sum(size for path, size in sizes.items() if known.get(path, ("", ""))[0] != state.identities[path])
    if changed > FULL_BUILD_SHARE * sum(sizes.values()):
        return f"{changed:,} of the exports' {sum(sizes.values()):,} bytes are new or changed"
    return ""


def _known(
    path: Path, known: dict[str, tuple[str, str]], states: dict[str, str]
) -> tuple[tuple[str, str] | None, bool]:
    """The previous model's (identity, reader report) of `path`, and whether the file is
    unchanged since; notes the file's identity now in `states`."""
    found = known.get(str(path))
    try:
        identity = file_identity(path.stat())
    except OSError:
        return found, False
    states[str(path)] = identity
    return found, bool(found and found[0] == identity and found[1])


class _Keeper:
    """For a refresh: the files unchanged since the previous model keep their rows (in its
    copy); the rows of files gone or changed are dropped, and new and changed files read."""

    def __init__(self, build: Build, known: dict[str, tuple[str, str]], state: FolderState) -> None:
        self.build, self.known = build, known
        self.refresh = build.refresh
        self.readers: dict[str, str] = {}
        self.states: dict[str, str] = {}  # each file's identity before it was read
        self.read = self.copied = 0
        present = {str(e) for e in state.entries if isinstance(e, Path)}
        for path in sorted(set(known) - present):  # gone from the folder
            self.refresh.drop_file(path)

    def __call__(self, path: Path) -> FileReport | None:
        known, unchanged = _known(path, self.known, self.states)
        if unchanged:
            self.readers[str(path)] = known[1]
            self.copied += 1
            return _file_report(json.loads(known[1]))
        if known is not None:
            self.refresh.drop_file(str(path))
        self.read += 1
        report = self.build.load_file(path)
        self.refresh.added.append(str(path))
        self.readers[str(path)] = json.dumps(dataclasses.asdict(report))
        return report


class _Reuser:
    """Copies the raw rows of unchanged files from the previous model where it kept them (not
    those of tickets, issues and sessions, see Format.keeps_raw: those files are read again);
    remembers every file's reader report (as loaded, before the model's figures are added) for
    the next build."""

    def __init__(self, build: Build, previous: Path | None) -> None:
        self.build = build
        self.readers: dict[str, str] = {}
        self.states: dict[str, str] = {}  # each file's identity before it was read
        self.known: dict[str, tuple[str, str]] = {}
        self.read = self.copied = 0
        if previous is not None:
            build.con.execute("attach $path as previous (read_only)", {"path": str(previous)})
            for path, identity, reader in build.con.execute(
                "select path, identity, reader from previous.ph_files"
            ).fetchall():
                self.known[path] = (identity, reader)

    def __call__(self, path: Path) -> FileReport | None:
        known, unchanged = _known(path, self.known, self.states)
        reader = json.loads(known[1]) if unchanged else None
        if reader is not None and reader["entity"] in KEPT_RAW_ENTITIES:
            for fmt in KEPT_RAW:
                self.build.con.execute(
                    f"insert into {fmt.table} select * from previous.{fmt.table} where _file = $file",
                    {"file": str(path)},
                )
            self.readers[str(path)] = known[1]
            self.copied += 1
            return _file_report(reader)
        self.read += 1
        report = self.build.load_file(path)
        self.readers[str(path)] = json.dumps(dataclasses.asdict(report))
        return report
