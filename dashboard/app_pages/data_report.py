"""Data: what was loaded from which file, what was rejected and why, how fresh it is, and
what the product-line fields hold (with a settings snippet to name them)."""

from __future__ import annotations

import os

import pandas as pd
import streamlit as st

from dashboard import data, mapping
from dashboard.formatting import day, when
from dashboard.tiles import Tile
from dashboard.views import company_totals, count, current_filters, current_model, show_table, show_tiles

model = current_model()
report = model.report
st.header("Data", anchor=False)
coverage = data.coverage(model.warehouse.settings.timezone, model.fingerprint)
span = f"covers {day(coverage.first_day)} – {day(coverage.last_day)} · " if coverage.first_day else ""
st.caption(
    f"Folder {report.data_dir} · settings {report.settings_path or '(defaults)'} · {span}"
    f"data as of {when(report.data_as_of)} · loaded {when(report.loaded_at)}"
)
if report.failed:
    st.warning(
        "Some export files failed or had rejected rows (below): check them before presenting these numbers.",
        icon=":material/warning:",
    )
# A viewer restricted to some product lines ([access.product_lines]) sees no company-wide counts
# unless [access] show_company_totals: the files' rows are every line's.
totals = company_totals()
if not totals:
    st.info(
        "The files' row counts are company-wide, so they are not shown to an account that sees only some "
        "product lines ([access] show_company_totals).",
        icon=":material/lock:",
    )
else:
    counts = report.counts
    show_tiles(
        [
            Tile("Tickets", count(counts.get("tickets", 0))),
            Tile("Issues", count(counts.get("issues", 0))),
            Tile("Self-service rows", count(counts.get("self_service_rows", 0))),
        ]
    )
    if not report.files:
        st.info(
            "The data folder has no export files. Put Zendesk, Freshdesk, Jira, GitHub, Linear or self-service "
            "exports in it (any sub-folder); see the README for the formats."
        )
    rows = [
        {
            "File": os.path.relpath(f.path, report.data_dir),
            "Read as": f.error and "failed" or f.format,
            "Entity": f.entity,
            "Rows loaded": f.rows_loaded,
            "Rows rejected": f.rows_rejected,
            "From": (f.first_at or "")[:10],
            "To": (f.last_at or "")[:10],
            "Product lines": ", ".join(f.product_lines),
            "Modified": (f.modified_at or "")[:16].replace("T", " "),
        }
        for f in report.files
    ]
    if rows:
        show_table(pd.DataFrame(rows), {}, meeting_rows=12)
    for f in report.files:
        if f.error:
            st.error(f.error)
        if f.rejects:
            with st.expander(f"{f.rows_rejected} rejected rows in {f.path}"):
                st.dataframe(
                    pd.DataFrame([{"Where": r.where(), "Reason": r.reason} for r in f.rejects]),
                    hide_index=True,
                    width="stretch",
                )
        for note in f.notes:
            st.caption(f"{f.path}: {note}")
    for note in report.notes:
        st.caption(note)

fields = data.field_values(model.fingerprint)
if fields:
    st.subheader("Product lines", anchor=False)
    st.caption(
        "The values of each source's product-line field, most rows first. Name the product lines with "
        "`product_lines` under `[sources.<name>]` in health.toml (see the README)."
    )
    for item in fields:
        for warning in item.warnings():
            st.warning(warning, icon=":material/rule:")
    values = pd.DataFrame(
        [
            {
                "Source": item.source,
                "Field": item.field or "(fixed)",
                "Value": "(empty)" if value is None else value,
                "Rows": rows,
                "Product line": item.mapping.get(value, "") if mapped else "",
            }
            for item in fields
            for value, rows, mapped in item.values[:25]
            if totals or (mapped and item.mapping.get(value) in current_filters().lines)
        ]
    )
    show_table(values, {}, meeting_rows=12)
    if snippets := mapping.unmapped_snippets(fields):
        st.caption("No mapping yet: paste this into health.toml and edit the names on the right.")
        st.code("\n\n".join(snippets), language="toml")
