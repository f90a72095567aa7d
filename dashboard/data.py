"""The dashboard's caches, and the only module with st.cache_*: the model loaded once per
data version (st.cache_resource), every query's result shared by all sessions and pages
(RESULTS), and what each page shows per filter state (st.cache_data: the overview, the pack,
the filter choices, what the data covers).

The data folder comes from the command line / environment, never from the browser. Cache
keys carry a fingerprint of the export files, so new or changed exports show up on the
next interaction without a restart.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import SAMPLE_DATA_DIR, mapping, pack, revisions, tiles
from dashboard import rows as behind
from dashboard.build import LoadReport, Progress
from dashboard.db import Warehouse, read_sql
from dashboard.errors import ProductHealthError
from dashboard.filters import PRESETS, Filters
from dashboard.folder import FolderState, folder_state
from dashboard.logs import log
from dashboard.metrics import Coverage, known_values, plain_definition, run_all, run_metric
from dashboard.metrics import coverage as data_coverage
from dashboard.metrics import data_as_of as cutoff
from dashboard.store import open_warehouse, packs_dir


def data_dir() -> Path:
    return Path(os.environ.get("PRODUCT_HEALTH_DATA") or SAMPLE_DATA_DIR)


def config_path() -> Path | None:
    value = os.environ.get("PRODUCT_HEALTH_CONFIG")
    return Path(value) if value else None


@dataclass(frozen=True)
class Model:
    warehouse: Warehouse
    report: LoadReport
    fingerprint: str


@dataclass(frozen=True)
class RefreshFailure:
    """New exports arrived but loading them stopped; the last good model is still served."""

    message: str
    since: str  # UTC, when the failure was first seen


# Per data folder (and settings file): the newest model that loaded, and failed fingerprints.
_LAST_GOOD: dict[tuple[str, str | None], Model] = {}
_FAILED: dict[tuple[str, str | None, str], RefreshFailure] = {}


def _open(folder: str, config: str | None, key: str, state: FolderState | None, progress: Progress | None) -> Model:
    warehouse, report = open_warehouse(
        Path(folder), Path(config) if config else None, threads=None, state=state, progress=progress
    )
    return Model(warehouse, report, key)


@st.cache_resource(max_entries=2, show_spinner=False)
def _load(folder: str, config: str | None, key: str, _opened: Model | None = None) -> Model:
    """The model of (folder, settings, fingerprint), kept for every session: `_opened` when the
    caller has just opened it (on a worker thread, with progress), else opened here."""
    return _opened if _opened is not None else _open(folder, config, key, None, None)


# Loads running in the background, by (folder, settings, fingerprint): every session that asks
# for one while it runs waits for the same load and shows the same progress.
_LOADING: dict[tuple[str, str | None, str], tuple[Future, Progress]] = {}
_LOADING_LOCK = threading.Lock()
_LOADER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="product-health-load")
_READY: set[tuple[str, str | None, str]] = set()  # loaded into _load's cache by this process


def _job(folder: str, config: str | None, key: str, state: FolderState) -> tuple[Future, Progress]:
    """The load of (folder, settings, fingerprint) running on the loader thread, started if needed."""
    with _LOADING_LOCK:
        job = _LOADING.get((folder, config, key))
        if job is None:
            progress = Progress()
            future = _LOADER.submit(_open, folder, config, key, state, progress)  # no st.* on that thread
            job = _LOADING[(folder, config, key)] = (future, progress)
    return job


def _load_with_progress(folder: str, config: str | None, key: str, state: FolderState) -> Model:
    """_load, showing which file is being read and how far the load has got (a first open of a
    large folder takes a minute) instead of one spinner: the load runs on a worker thread while
    this script thread draws its progress. A model already loaded is returned at once."""
    job_key = (folder, config, key)
    if job_key in _READY:
        return _load(folder, config, key)  # cached: no thread, no progress bar
    future, progress = _job(folder, config, key, state)
    bar = None
    while not future.done():
        if progress.stage != "starting":  # a warm open (the persisted model) shows nothing
            bar = bar or st.empty()
            with bar.container():
                st.progress(progress.fraction)
                st.text(progress.text())  # plain text: file names are the user's, not markdown
        wait([future], timeout=0.25)
    if bar is not None:
        bar.empty()
    with _LOADING_LOCK:
        _LOADING.pop(job_key, None)
    model = _load(folder, config, key, _opened=future.result())
    _READY.add(job_key)
    return model


# Per data folder (and settings file): the refresh running while its last good model is served.
_REFRESHING: dict[tuple[str, str | None], tuple[Future, Progress]] = {}


def refreshing() -> Progress | None:
    """How far the refresh of the current folder's model has got while the previous model is
    served (None when none runs): the entry script shows a note and this progress."""
    config = config_path()
    job = _REFRESHING.get((str(data_dir()), str(config) if config else None))
    return job[1] if job is not None and not job[0].done() else None


def _model(key: str) -> Model:
    """The model of fingerprint `key` (already loaded: the entry script asked for it)."""
    config = config_path()
    return _load(str(data_dir()), str(config) if config else None, key)


def _warehouse(key: str) -> Warehouse:
    return _model(key).warehouse


def model() -> tuple[Model, RefreshFailure | None]:
    """The model of the current data folder; rebuilt when its files change.

    While a rebuild runs, the last good model is served (refreshing() says how far it got);
    the first rerun after it is done switches to the new one. When a rebuild stops halfway (a
    file vanishes, memory or disk runs out), the last good model keeps being served with the
    failure, and that state of the folder is not retried until its files change again. The
    entry script calls this once per rerun (it walks the folder for the fingerprint); pages
    take the model from views.current_model().
    """
    folder, config = data_dir(), config_path()
    place = (str(folder), str(config) if config else None)
    state = folder_state(folder.resolve(), config)  # the one walk of this rerun; a load reads it
    key = state.fingerprint
    failed = _FAILED.get((*place, key))
    if failed is not None and place in _LAST_GOOD:
        return _LAST_GOOD[place], failed
    last = _LAST_GOOD.get(place)
    if last is not None and last.fingerprint != key and (*place, key) not in _READY:
        # New exports: the model is brought up to date on the loader thread while the last good
        # one keeps answering (a model another server built opens at once: waited for briefly).
        future, progress = _job(*place, key, state)
        if not future.done():
            wait([future], timeout=0.5)
        if not future.done():
            _REFRESHING[place] = (future, progress)
            return last, None
    _REFRESHING.pop(place, None)
    try:
        loaded = _load_with_progress(*place, key, state)
    except Exception as exc:
        message = str(exc) if isinstance(exc, ProductHealthError) else f"{type(exc).__name__}: {exc}"
        if place not in _LAST_GOOD:
            raise ProductHealthError(message) from exc
        failure = RefreshFailure(message, dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"))
        _FAILED[(*place, key)] = failure
        return _LAST_GOOD[place], failure
    _LAST_GOOD[place] = loaded
    warm(loaded)
    return loaded, None


class Results:
    """Every query's result by (model fingerprint, query, filters), shared by all sessions and
    pages: the overview of one state reuses another's (Sep's period is Oct's previous one, the
    sparklines' 12 months are the same for a month, its quarter and its year). Thread-safe; a
    query asked for while it runs is waited for, not run twice. Callers get their own copy.
    The least recently used results go first beyond `size` entries or `budget` bytes (the
    still-hurting list of ten million tickets is 54 MB). A background caller (the warm-up)
    starts a query only while no page is being drawn (`busy`) and no other query runs: a
    click never shares the two cores with it."""

    def __init__(self, size: int = 4096, budget: int = 1 << 30) -> None:
        self.size, self.budget = size, budget
        self._done: OrderedDict[tuple[str, str, Filters], Future] = OrderedDict()
        self._bytes: dict[tuple[str, str, Filters], int] = {}
        self._total = 0  # sum of _bytes
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._busy = 0  # pages being drawn and foreground queries running now

    @contextmanager
    def busy(self) -> Iterator[None]:
        """While a page is drawn (all its queries, and the gaps between them), the warm-up waits."""
        with self._lock:
            self._busy += 1
        try:
            yield
        finally:
            with self._lock:
                self._busy -= 1
                self._idle.notify_all()

    def get(self, model: Model, name: str, filters: Filters, background: bool = False) -> pd.DataFrame:
        query = (model.fingerprint, name, filters)
        with self._lock:
            if background:
                self._idle.wait_for(lambda: self._busy == 0)
            found = self._done.get(query)
            mine = found is None
            if mine:
                found = self._done[query] = Future()
            else:
                self._done.move_to_end(query)
        if mine:
            with nullcontext() if background else self.busy():
                try:
                    frame = run_metric(model.warehouse, name, filters)
                except BaseException as exc:
                    with self._lock:
                        if self._done.get(query) is found:  # a failure is not kept
                            del self._done[query]
                    found.set_exception(exc)
                    raise
                size = int(frame.memory_usage(deep=True).sum())
                with self._lock:
                    if self._done.get(query) is found:  # not dropped (or replaced) meanwhile
                        self._total += size - self._bytes.get(query, 0)
                        self._bytes[query] = size
                    found.set_result(frame)
                    self._evict(keep=query)
        return found.result().copy()

    def get_all(self, model: Model, queries: list[tuple[str, Filters]]) -> dict[tuple[str, Filters], pd.DataFrame]:
        """get() of each (name, filters) query, as many at once as the machine has cores."""
        return run_all(queries, lambda name, filters: self.get(model, name, filters))

    def _evict(self, keep: tuple[str, str, Filters]) -> None:
        """Drop the least recently used finished results while over `size` or `budget`."""
        for query in list(self._done):
            if len(self._done) <= self.size and self._total <= self.budget:
                return
            if query != keep and self._done[query].done():
                del self._done[query]
                self._total -= self._bytes.pop(query, 0)

    def clear(self) -> None:
        with self._lock:
            self._done.clear()
            self._bytes.clear()
            self._total = 0

    def __contains__(self, query: tuple[str, str, Filters]) -> bool:
        with self._lock:
            found = self._done.get(query)
            return found is not None and found.done() and found.exception() is None


RESULTS = Results()


def metric(name: str, filters: Filters, key: str) -> pd.DataFrame:
    """A query's result for the pages, through RESULTS (no st.cache_data: it would pickle
    every frame again on each rerun)."""
    return RESULTS.get(_model(key), name, filters)


# The presets a meeting clicks through, warmed once per model: their overviews' queries run on
# a background thread after the model loads, so the first click on each is a cached one.
_WARMER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="product-health-warm")
_WARMED: set[str] = set()


def warm(model: Model, today: dt.date | None = None) -> Future | None:
    """Start running the overview queries of every preset period for all product lines on
    `model` (once per model and process); None when already started."""
    with _LOADING_LOCK:
        if model.fingerprint in _WARMED:
            return None
        _WARMED.add(model.fingerprint)
    return _WARMER.submit(_warm, model, today or dt.date.today())


def _warm(model: Model, today: dt.date) -> None:
    started = time.perf_counter()
    timezone = model.warehouse.settings.timezone
    spans = data_coverage(model.warehouse, timezone)
    periods = [Filters(*spans.preset(name, today), timezone) for name in PRESETS if name != "Custom"]
    queries = list(dict.fromkeys(q for period in periods for q in tiles.overview_queries(period, spans)))
    try:
        for name, period in queries:
            RESULTS.get(model, name, period, background=True)
    except Exception as exc:  # the pages run them again and show what failed
        log.warning("warming the overview stopped: %s", exc)
        return
    log.info(
        "warmed the overview of %d periods: %d queries in %.1f s",
        len(periods),
        len(queries),
        time.perf_counter() - started,
    )


@st.cache_data(ttl=3600, max_entries=8, show_spinner=False)
def choices(key: str) -> dict[str, list[str]]:
    return known_values(_warehouse(key))


@st.cache_data(ttl=3600, max_entries=8, show_spinner=False)
def coverage(timezone: str, key: str) -> Coverage:
    return data_coverage(_warehouse(key), timezone)


@st.cache_data(ttl=3600, max_entries=8, show_spinner=False)
def data_as_of(key: str) -> str | None:
    """The data's cut-off (metrics.data_as_of): what the SLA statuses are judged at."""
    return cutoff(_warehouse(key))


@st.cache_data(ttl=3600, max_entries=8, show_spinner=False)
def field_values(key: str) -> list[mapping.FieldValues]:
    return mapping.field_values(_warehouse(key))


@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def overview(filters: Filters, key: str) -> tiles.Overview:
    """The overview of one filter state; its queries run concurrently, each through RESULTS."""
    model, spans = _model(key), coverage(filters.timezone, key)
    frames = RESULTS.get_all(model, tiles.overview_queries(filters, spans))
    return tiles.overview(frames, filters, spans, model.report.counts, model.warehouse.settings)


@st.cache_data(ttl=3600, max_entries=8, show_spinner=False)
def _packs(key: str) -> Path:
    """The packs archive of the model's data folder (store.packs_dir probes the folder: once)."""
    return packs_dir(Path(_model(key).report.data_dir))


def revision_note(filters: Filters, key: str) -> dict | None:
    """'Revised since the pack of …' for the overview (revisions.note), or None: read from the
    packs archive at each run, not cached, so a pack recorded meanwhile is seen at once."""
    model, shown = _model(key), overview(filters, key)
    found, moves = revisions.since_last_pack(_packs(key), filters, shown.figures, model.warehouse.settings)
    return revisions.note(found, moves, shown.now["sla"]["as_of"])


@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def rows_on_screen(path: str, filters: Filters, key: str, bug: str | None = None) -> tuple[int, pd.DataFrame]:
    """The list a click opens (rows.screen): how many rows are behind the number, the largest."""
    return behind.screen(_warehouse(key), path, filters, bug)


def all_rows(path: str, filters: Filters, key: str, bug: str | None = None) -> pd.DataFrame:
    """Every row behind the number (the CSV), read when asked for: not cached, it may be long."""
    return behind.rows(_warehouse(key), path, filters, bug)


@st.cache_data(ttl=3600, max_entries=8, show_spinner=False)
def meeting_pack(filters: Filters, key: str) -> str:
    model = _model(key)
    return pack.meeting_pack(model.warehouse, model.report, filters)


@st.cache_data(show_spinner=False)
def definition(name: str) -> tuple[str, str]:
    """A metric's definition in plain words, and its whole SQL file (the technical header first)."""
    return plain_definition(name), read_sql(f"metrics/{name}")
