"""Bring a copy of the previous model up to date with the folder as it is now, by work in
proportion to what changed (store.py copies the previous model file, runs this on the copy,
and renames it into place). No streamlit.

What changes, file by file: a file that is gone or whose identity changed has its staged rows
(and the raw rows of a link or event file) deleted; a new or changed file is read (ingest.py)
into raw rows that live for this refresh only (Format.keeps_raw) and staged. Then each table of
the model, in the build's order (layers.build_order):

  keyed tables (KEYED)   the rows of the keys the changed files touch (their old rows and their
                         new ones: ticket ids, issue keys) are deleted and recomputed by the
                         table's own SQL from queries/, run with what it reads restricted to
                         those keys (the SQL is the full build's; only its input is narrowed);
  other tables           recomputed whole when anything they read changed, else left alone
                         (the link, schedule, event and self-service tables: small, or only
                         touched when their own files change); stg_self_service ranked again
                         from its own rows and the new files' (RESTAGED); a COMPARED table that
                         came out the same, or a LINKED one no changed key meets, changes
                         nothing after it;
  precomputed trends     only the months touched (MONTH_SPANS over the rows that changed, the
                         months the data's range gained, and the months a moved cut-off can
                         change) are recomputed, by the trend's own SQL over those months.

The result equals a full build of the same folder (tests/test_refresh.py compares every fct_
and pre_ table and the kpis JSON after seeded adds, replaces and removals).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import duckdb

from dashboard import precomputed
from dashboard.catalogue import precomputed_trends
from dashboard.db import bound, read_sql
from dashboard.filters import Filters, months_back
from dashboard.layers import Relation, build_order, create_build_only, existing_relations, model_relations
from dashboard.sources.formats import ALL_FORMATS


@dataclass(frozen=True)
class Keyed:
    """A table whose rows belong to one key each, recomputed for the changed keys only."""

    keys: tuple[str, ...]  # the key columns (the same in the table and in what it reads)
    reads: str  # the relation it reads rows from, narrowed to the changed keys
    entity: str  # whose key set: tickets | issues


# stg_tickets and stg_issues keep every staged row with its _file (the version_rank over them
# says which counts): the rows of a changed file are deleted by _file, those of a new file are
# staged from its raw rows alone. fct_tickets and fct_issues are one row per key of them.
# A keyed mart's other inputs must give the same row for a key whatever else changed:
# fct_tickets reads fct_open_hours/fct_open_marks, rebuilt when the data's span moves, but a
# ticket's business hours and deadlines are differences of open time, the same from any start.
KEYED = {
    "stg_tickets": Keyed(("source", "ticket_id"), "stg_union_tickets", "tickets"),
    "stg_issues": Keyed(("source", "issue_key"), "stg_union_issues", "issues"),
    "fct_tickets": Keyed(("source", "ticket_id"), "stg_tickets", "tickets"),
    "fct_issues": Keyed(("source", "issue_key"), "stg_issues", "issues"),
}
# Staged tables that are not keyed, over raw rows a model does not keep (Format.keeps_raw):
# when their files change they are ranked again whole, by their own SQL, over their own rows
# of the files kept and the new files' staged rows (the view they read).
RESTAGED = {"stg_self_service": "stg_union_self_service"}
# Small tables recomputed whole and compared with what they were: unchanged, what reads them
# is left alone (the business-hours calendar's span, in whole years).
COMPARED = {"fct_open_span", "stg_ticket_issue_refs"}
# Tables that read the keyed marts only for the tickets their links name (the ticket ids of
# stg_ticket_issue_refs): when only the marts changed, and neither a changed ticket key is
# among those ids nor any issue changed, they are as they were.
LINKED = {"fct_link_refs", "fct_ticket_issue_links"}
# ph_file_times (each file's modification time) changes with every file added; its one reader,
# stg_self_service, joins it by the _file of its own rows, so it is not a change by itself.
NOT_A_CHANGE = {"ph_file_times"}
# The months a row of a fact table counts in for the precomputed trends: from the month of the
# first expression to that of the second; a null second means through the last month (an open
# ticket or bug is in every later month's backlog).
MONTH_SPANS = {
    "fct_tickets": (
        "least(created_at, updated_at, first_reply_at, solved_at, closed_at)",
        "case when closed_at is not null then greatest(created_at, updated_at, first_reply_at, solved_at, "
        "closed_at, first_response_due_at, resolution_due_at) end",
    ),
    "fct_issues": (
        "least(created_at, updated_at, resolved_at)",
        "case when resolved_at is not null then greatest(created_at, updated_at, resolved_at) end",
    ),
    "fct_self_service": ("started_at", "started_at"),
    "fct_ticket_issue_links": ("ticket_created_at", "ticket_created_at"),
}


# The candidates for the data's cut-off (the newest of each kind of ticket instant): whichever
# the SLA verdict is judged at, it moved only if one of these did (_touched).
CUTOFFS = "select max(created_at), max(updated_at), max(solved_at), max(first_reply_at) from fct_tickets"


def _narrowed(sql: str, relation: str, replacement: str) -> str:
    """`sql` reading `replacement` wherever it read `relation` (after from or join)."""
    return re.sub(rf"\b(from|join)(\s+){relation}\b", rf"\1\2{replacement}", sql, flags=re.IGNORECASE)


def _match(keys: tuple[str, ...], left: str, right: str) -> str:
    return " and ".join(f"{left}.{k} is not distinct from {right}.{k}" for k in keys)


class Refresh:
    """One refresh of the model on `con` (a writable copy of the previous model)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, timezone: str) -> None:
        self.con = con
        self.timezone = timezone
        self.dropped: list[str] = []  # files whose rows were deleted (gone or changed)
        self.added: list[str] = []  # files read now
        self.changed: set[str] = set()  # what lost rows: raw tables, RESTAGED tables (as their view)
        # The (first, last) months of the fact rows that changed (MONTH_SPANS; None: open-ended)
        self.ranges: set[tuple[dt.date | None, dt.date | None]] = set()
        self.scratch: set[str] = set()  # work tables to drop at the end
        for entity in ("tickets", "issues"):
            keys = ", ".join(f"{k} varchar" for k in KEYED[f"stg_{entity}"].keys)
            con.execute(f"create or replace temp table ph_keys_{entity} ({keys})")

    def drop_file(self, path: str) -> None:
        """Delete the rows of a file that is gone or changed, noting the keys they had."""
        for name, keyed in KEYED.items():
            if name.startswith("stg_"):
                cols = ", ".join(keyed.keys)
                self.con.execute(
                    f"insert into ph_keys_{keyed.entity} select distinct {cols} from {name} where _file = $f",
                    {"f": path},
                )
                self.con.execute(f"delete from {name} where _file = $f", {"f": path})
        for name, view in RESTAGED.items():
            if self.con.execute(f"delete from {name} where _file = $f", {"f": path}).fetchone()[0]:
                self.changed.add(view)
        for fmt in ALL_FORMATS:
            if fmt.forget(self.con, path):
                self.changed.add(fmt.table)
        self.dropped.append(path)

    def apply(self) -> None:
        """Update every table of the model after the files were dropped and read."""
        con = self.con
        con.execute(
            "create or replace temp table ph_new_files as select unnest($f::varchar[]) as _file", {"f": self.added}
        )
        changed = set(self.changed)
        if self.added:  # the raw tables the files read now added rows to (one query)
            found = con.execute(
                "select "
                + ", ".join(
                    f"exists (select 1 from {fmt.table} where _file in (select _file from ph_new_files))"
                    for fmt in ALL_FORMATS
                )
            ).fetchone()
            changed |= {fmt.table for fmt, rows in zip(ALL_FORMATS, found, strict=True) if rows}
        old_cutoff = con.execute(CUTOFFS).fetchone()
        create_build_only(con)  # the staging views over the files read now
        relations = model_relations()
        existing = existing_relations(con)
        for relation in build_order(relations, existing - relations.keys()):
            reads = relation.reads - NOT_A_CHANGE
            if relation.name in KEYED:
                if self._keyed(relation, KEYED[relation.name]):
                    changed.add(relation.name)
            elif relation.kind == "view":
                if reads & changed:
                    changed.add(relation.name)
            elif (
                reads & changed
                and not (relation.name in LINKED and reads & changed <= KEYED.keys() and not self._links_touched())
                and self._whole(relation, RESTAGED.get(relation.name))
            ):
                changed.add(relation.name)
        self._precomputed(old_cutoff)
        for name in ("ph_new_files", "ph_keys_tickets", "ph_keys_issues", *self.scratch):
            con.execute(f"drop table if exists {name}")

    def _keyed(self, relation: Relation, keyed: Keyed) -> bool:
        """Recompute the rows of `relation` for the changed keys; False when there are none."""
        con, name = self.con, relation.name
        keyset, cols = f"ph_keys_{keyed.entity}", ", ".join(keyed.keys)
        staged = keyed.reads.startswith("stg_union_")
        if staged:  # a staged table: the new files' rows, staged once
            con.execute(
                f"create or replace temp table ph_rows as select * from {keyed.reads} "
                "where _file in (select _file from ph_new_files)"
            )
            con.execute(f"insert into {keyset} select distinct {cols} from ph_rows")
        if not con.execute(f"select exists (select 1 from {keyset})").fetchone()[0]:
            con.execute("drop table if exists ph_rows")
            return False
        # The key's rows now in the table: a narrow look first (new tickets have none).
        self._rows_of_keys(name, keyed, staged)
        if staged:  # the key's rows of the files kept (ranked again) and the new files' rows
            con.execute(
                "create or replace temp table ph_input as select * exclude (version_rank) from ph_old "
                "union all by name select * from ph_rows"
            )
        # A mart reads the keys' staged rows as the staged table's refresh just computed them:
        # it reads the ranked rows (version_rank = 1) of a key, all of which that recomputed.
        source = "ph_input" if staged else f"ph_staged_{keyed.entity}"
        target = f"ph_staged_{keyed.entity}" if staged else f"ph_new_{name}"
        con.execute(f"create or replace temp table {target} as {_narrowed(relation.sql, keyed.reads, source)}")
        con.execute(f"insert into {name} by name select * from {target}")
        if name in MONTH_SPANS:
            con.execute(f"alter table ph_old rename to ph_old_{name}")
            self._diff(name)
        for table in ("ph_rows", "ph_input", "ph_old", f"ph_new_{name}"):
            con.execute(f"drop table if exists {table}")
        self.scratch.add(f"ph_staged_{keyed.entity}")
        return True

    def _rows_of_keys(self, name: str, keyed: Keyed, staged: bool) -> None:
        """Move the rows of `name` with a changed key into ph_old (of a staged table, its
        rows that are not rejected: the rejected rows of the files kept stay)."""
        con, keyset = self.con, f"ph_keys_{keyed.entity}"
        match = _match(keyed.keys, "t", "k")
        where = "t.reject_reason is null" if staged else "true"
        cols = ", ".join(f"t.{k}" for k in (*keyed.keys, *(["reject_reason"] if staged else [])))
        found = con.execute(
            f"select exists (select 1 from (select {cols} from {name} as t) as t "
            f"semi join {keyset} as k on {match} where {where})"
        ).fetchone()[0]
        if not found:
            con.execute(f"create or replace temp table ph_old as select * from {name} limit 0")
            return
        con.execute(
            f"create or replace temp table ph_old as select * from {name} as t "
            f"semi join {keyset} as k on {match} where {where}"
        )
        con.execute(f"delete from {name} as t using {keyset} as k where {match} and {where}")

    def _links_touched(self) -> bool:
        """Whether a changed key can change a LINKED table: an issue changed, or a changed
        ticket is one a link names."""
        return self.con.execute(
            "select exists (select 1 from ph_keys_issues) or exists (select 1 from stg_ticket_issue_refs as r "
            "semi join ph_keys_tickets as k on k.ticket_id = r.ticket_id)"
        ).fetchone()[0]

    def _whole(self, relation: Relation, staged: str | None = None) -> bool:
        """Recompute a table whole (something it reads changed); False when a COMPARED table
        came out the same. `staged`: the view of the new files' staged rows a RESTAGED table
        reads, read with the table's own rows."""
        con, name, sql = self.con, relation.name, relation.sql
        if name in MONTH_SPANS or name in COMPARED:
            con.execute(f"create or replace temp table ph_old_{name} as select * from {name}")
        if staged:
            con.execute(
                f"create or replace temp table ph_input as select * exclude (version_rank) from {name} "
                f"union all by name select * from {staged}"
            )
            sql = _narrowed(sql, staged, "ph_input")
        con.execute(f"create or replace table {name} as {sql}")
        if staged:
            con.execute("drop table ph_input")
        if name in COMPARED:
            same = not con.execute(
                f"select exists ((select * from ph_old_{name} except all select * from {name}) "
                f"union all (select * from {name} except all select * from ph_old_{name}))"
            ).fetchone()[0]
            con.execute(f"drop table ph_old_{name}")
            return not same
        if name in MONTH_SPANS:
            self._diff(name, new=name)  # the table itself: no copy of it
        return True

    def _diff(self, name: str, new: str = "") -> None:
        """Note the months (MONTH_SPANS) of the rows of ph_old_<name> and `new` (ph_new_<name>
        by default) that are not in both; drop ph_old_<name>."""
        con, old, new = self.con, f"ph_old_{name}", new or f"ph_new_{name}"
        if not con.execute(f"select exists (select 1 from {old})").fetchone()[0]:
            rows = new  # new keys only (an added file's tickets): every row is a change
        elif not con.execute(f"select exists (select 1 from {new})").fetchone()[0]:
            rows = old
        else:
            rows = (
                f"((select * from {old} except all select * from {new}) "
                f"union all (select * from {new} except all select * from {old}))"
            )
        start, end = MONTH_SPANS[name]
        self.ranges |= set(
            con.execute(
                f"select distinct date_trunc('month', timezone($tz, {start}))::date, "
                f"date_trunc('month', timezone($tz, {end}))::date from {rows}",
                {"tz": self.timezone},
            ).fetchall()
        )
        con.execute(f"drop table {old}")

    def _touched(self, first: dt.date, last: dt.date, old_cutoff: tuple) -> set[dt.date]:
        """The months whose precomputed rows may have changed (MONTH_SPANS over the changed rows).

        The SLA verdict may depend on the data's cut-off (the newest ticket instant, CUTOFFS):
        when it moved, a ticket's verdict can change only if one of its deadlines is after the
        earlier of the two cut-offs, so the months from the first such ticket's creation to the
        last are touched too (whatever the verdict's exact rule: no other ticket's can move)."""
        con, tz = self.con, self.timezone
        ranges = set(self.ranges)
        cutoff = con.execute(CUTOFFS).fetchone()
        if cutoff != old_cutoff:
            known = [c for c in (*cutoff, *old_cutoff) if c is not None]
            earlier = min(known) if known else None
            found = con.execute(
                "select min(date_trunc('month', timezone($tz, created_at)))::date from fct_tickets "
                "where $cut is null or greatest(first_response_due_at, resolution_due_at) > $cut",
                {"tz": tz, "cut": earlier},
            ).fetchone()[0]
            ranges.add((found, None))
        months: set[dt.date] = set()
        for start_month, end_month in ranges:
            month, end_month = max(start_month or first, first), min(end_month or last, last)
            while month <= end_month:
                months.add(month)
                month = months_back(month, -1)
        return months

    def _precomputed(self, old_cutoff: tuple) -> None:
        """Recompute the precomputed trends' touched months (and the months the range gained)."""
        con, tz = self.con, self.timezone
        old = con.execute("select first_month, last_month from pre_range").fetchone()
        sql = read_sql(precomputed.RANGE)
        con.execute(f"create or replace table pre_range as {sql}", bound(sql, {"tz": tz}, precomputed.RANGE))
        new = con.execute("select first_month, last_month from pre_range").fetchone()
        if old is None or new is None:  # no data before or now: the whole thing
            precomputed.write(con, tz)
            return
        first, last = new
        months = self._touched(first, last, old_cutoff)
        month = first
        while month <= last:  # the months the range gained
            if not old[0] <= month <= old[1]:
                months.add(month)
            month = months_back(month, -1)
        runs: list[list[dt.date]] = []
        for month in sorted(months):
            if runs and months_back(runs[-1][-1], -1) == month:
                runs[-1].append(month)
            else:
                runs.append([month])
        for name in precomputed_trends():
            table = f"pre_{name}"
            con.execute(
                f"delete from {table} where month_start < $first or month_start > $last "
                "or month_start in (select unnest($months::date[]))",
                {"first": first, "last": last, "months": sorted(months)},
            )
            trend = read_sql(f"metrics/{name}")
            for run in runs:
                params = Filters(run[0], months_back(run[-1], -1) - dt.timedelta(days=1), tz).params()
                con.execute(
                    f"insert into {table} by name select * from ({trend}) "
                    "where month_start >= $run_first and month_start <= $run_last",
                    {**bound(trend, params, name), "run_first": run[0], "run_last": run[-1]},
                )
