"""Data: what was loaded from which file, what was rejected and why, and how fresh it is."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.views import current_model

report = current_model().report
st.header("Data")
st.caption(f"Folder {report.data_dir} · settings {report.settings_path or '(defaults)'} · "
           f"loaded {report.loaded_at[:16].replace('T', ' ')} UTC · data as of "
           f"{(report.data_as_of or '-')[:16].replace('T', ' ')} UTC")
counts = report.counts
cols = st.columns(3)
cols[0].metric("Tickets", f"{counts.get('tickets', 0):,}")
cols[1].metric("Issues", f"{counts.get('issues', 0):,}")
cols[2].metric("Self-service rows", f"{counts.get('self_service_rows', 0):,}")
if not report.files:
    st.info("The data folder has no export files. Put Zendesk, Freshdesk, Jira, GitHub, Linear or self-service "
            "exports in it (any sub-folder); see the README for the formats.")
rows = [{
    "File": f.path, "Read as": f.error and "failed" or f.format, "Entity": f.entity, "Rows loaded": f.rows_loaded,
    "Rows rejected": f.rows_rejected, "From": (f.first_at or "")[:10], "To": (f.last_at or "")[:10],
    "Product lines": ", ".join(f.product_lines), "Modified": (f.modified_at or "")[:16].replace("T", " "),
} for f in report.files]
st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
for f in report.files:
    if f.error:
        st.error(f.error)
    if f.rejects:
        with st.expander(f"{f.rows_rejected} rejected rows in {f.path}"):
            st.dataframe(pd.DataFrame([{"Where": r.where(), "Reason": r.reason} for r in f.rejects]),
                         hide_index=True, width="stretch")
    for note in f.notes:
        st.caption(f"{f.path}: {note}")
for note in report.notes:
    st.caption(note)
