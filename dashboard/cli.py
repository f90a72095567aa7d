"""The command line: `product-health check | kpis | tickets | report | send | alert | serve`. Exit 2 for
usage errors, 3 when a message could not be sent."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from dashboard import PROJECT_ROOT, SAMPLE_DATA_DIR, period_args
from dashboard.build import LoadReport, Progress
from dashboard.db import Warehouse
from dashboard.delivery import DeliveryError
from dashboard.errors import ProductHealthError
from dashboard.filters import BASES, Filters
from dashboard.mapping import field_values, format_field_values
from dashboard.store import open_warehouse, packs_dir
from dashboard.zones import check_zone

EXIT_OK, EXIT_DATA_PROBLEM, EXIT_USAGE, EXIT_NOT_SENT = 0, 1, 2, 3


def _data_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data", type=Path, default=SAMPLE_DATA_DIR, help="folder with the exports (default: sample_data)"
    )
    parser.add_argument("--config", type=Path, default=None, help="settings file (default: <data>/health.toml)")


def _period_options(parser: argparse.ArgumentParser) -> None:
    """The period and filters of `kpis` and `tickets` (_filters reads them)."""
    parser.add_argument(
        "--from",
        dest="start",
        help="first day, YYYY-MM-DD (default: the last calendar month the data covers to its end)",
    )
    parser.add_argument("--to", dest="end", help="last day, inclusive (default: the end of that month)")
    parser.add_argument("--product-line", action="append", default=[], help="repeat for several; default all")
    parser.add_argument("--timezone", help="reporting time zone (default: from the settings, else UTC)")
    parser.add_argument(
        "--basis",
        choices=BASES,
        default="calendar",
        help="hours of the first-response and resolution medians: calendar, or business ([[schedules]])",
    )


def _dry_run_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dry-run",
        nargs="?",
        const=Path("."),
        type=Path,
        metavar="OUTDIR",
        help="write the e-mails (.eml) and chat payloads (.json) into OUTDIR (default: here) instead of sending",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="product-health", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="what each export file was read as; exits 1 if any file failed")
    _data_options(check)
    check.add_argument("--json", action="store_true", help="print the report as one JSON object")
    check.add_argument(
        "--access",
        action="store_true",
        help="check the sign-in set-up instead: the secrets file's [auth] against the provider's discovery document",
    )
    check.add_argument("--secrets", type=Path, default=None, help="with --access: the secrets file (as for serve)")

    kpis = sub.add_parser("kpis", help="the four KPIs for a period, with the previous period")
    _data_options(kpis)
    _period_options(kpis)
    kpis.add_argument("--format", choices=("json", "csv", "table"), default="json")

    tickets = sub.add_parser("tickets", help="the tickets (bugs, sessions) behind one number of `kpis`")
    _data_options(tickets)
    tickets.add_argument(
        "--metric", required=True, help="a kpis JSON path, e.g. sla.first_response.breached (a wrong one lists them)"
    )
    _period_options(tickets)
    tickets.add_argument("--priority", action="append", default=[], help="repeat for several; default all")
    tickets.add_argument("--channel", action="append", default=[], help="repeat for several; default all")
    tickets.add_argument("--format", choices=("json", "csv"), default="json")

    report = sub.add_parser("report", help="write the monthly meeting pack: one self-contained HTML file")
    _data_options(report)
    report.add_argument("--month", required=True, help="the month, YYYY-MM")
    report.add_argument("--out", type=Path, required=True, help="the HTML file to write")
    report.add_argument("--product-line", action="append", default=[], help="repeat for several; default all")
    report.add_argument("--timezone", help="reporting time zone (default: from the settings, else UTC)")

    send = sub.add_parser(
        "send", help="send the month's digest: e-mail with the pack attached, and/or chat ([delivery])"
    )
    _data_options(send)
    send.add_argument("--month", help="the month, YYYY-MM (default: the latest complete month of the data)")
    _dry_run_option(send)

    alert = sub.add_parser("alert", help="send one message when a target is missed or a number got worse; once")
    _data_options(alert)
    alert.add_argument("--days", type=int, help="also the last N days of the data against the N days before")
    _dry_run_option(alert)

    serve = sub.add_parser("serve", help="open the dashboard")
    _data_options(serve)
    serve.add_argument("--port", type=int, default=8501)
    serve.add_argument(
        "--secrets",
        type=Path,
        default=None,
        help="the sign-in settings (secrets.toml with [auth]); default: ./.streamlit/secrets.toml where serve is "
        "started, then ~/.streamlit/secrets.toml",
    )
    return parser


def format_check(report: LoadReport) -> str:
    lines = [f"Data folder: {report.data_dir}", f"Settings: {report.settings_path or '(defaults)'}", ""]
    for f in report.files:
        status = "FAILED" if f.error else ("REJECTED ROWS" if f.rows_rejected else "ok")
        lines.append(f"{f.path}  [{status}]")
        if f.error:
            lines.append(f"  error: {f.error}")
            continue
        lines.append(f"  read as: {f.format} -> {f.entity or 'nothing'}")
        lines.append(f"  rows loaded: {f.rows_loaded}   rows rejected: {f.rows_rejected}")
        lines.append(f"  covers: {f.first_at or '-'} .. {f.last_at or '-'}")
        lines.append(f"  product lines: {', '.join(f.product_lines) or '-'}")
        for note in f.notes:
            lines.append(f"  note: {note}")
        for reject in f.rejects[:20]:
            lines.append(f"  rejected {reject.where()}: {reject.reason}")
        if len(f.rejects) > 20:
            lines.append(f"  ... and {f.rows_rejected - 20} more rejected rows")
    for note in report.notes:
        lines.append(f"note: {note}")
    counts = report.counts
    lines.append("")
    lines.append(
        f"Model: {counts.get('tickets', 0)} tickets, {counts.get('issues', 0)} issues, "
        f"{counts.get('self_service_rows', 0)} self-service rows; data as of {report.data_as_of or '-'}"
    )
    lines.append("Result: " + ("some files failed or had rejected rows" if report.failed else "all files loaded"))
    return "\n".join(lines)


def _flatten(prefix: str, value: Any, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(f"{prefix}.{key}" if prefix else key, inner, out)
    elif isinstance(value, list) and any(isinstance(item, dict) for item in value):
        for index, item in enumerate(value, start=1):  # e.g. the still-hurting bugs, one key per field
            _flatten(f"{prefix}.{index}", item, out)
    elif isinstance(value, list):
        out[prefix] = ";".join(map(str, value))
    else:
        out[prefix] = value


def format_kpis(result: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(result, indent=2)
    flat: dict[str, Any] = {}
    _flatten("", result, flat)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["metric", "value"])
        writer.writerows(flat.items())
        return buffer.getvalue()
    width = max(map(len, flat))
    return "\n".join(f"{k.ljust(width)}  {'-' if v is None else v}" for k, v in flat.items())


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "serve":
            return _serve(args)
        if getattr(args, "timezone", None):
            check_zone(args.timezone, "--timezone")
        if args.command == "check" and args.access:
            return _check_access(args)
        if args.command == "tickets":  # before the load: a wrong key is answered at once
            from dashboard.rows import kpi_of

            kpi_of(args.metric)
        progress = _terminal_progress()
        try:
            warehouse, report = open_warehouse(args.data, args.config, progress=progress)
        finally:
            if progress is not None and progress.stage != "starting":
                sys.stderr.write("\r\033[K")  # the progress line goes; the answer follows
                sys.stderr.flush()
        if args.command == "check":
            fields = field_values(warehouse)
            if args.json:
                print(
                    json.dumps(
                        report.as_dict()
                        | {
                            "product_line_fields": [
                                {
                                    "source": f.source,
                                    "field": f.field,
                                    "unmatched_keys": f.unmatched_keys,
                                    "warnings": f.warnings(),
                                    "values": [{"value": v, "rows": n, "mapped": m} for v, n, m in f.values],
                                }
                                for f in fields
                            ]
                        },
                        indent=2,
                    )
                )
            else:
                print(format_check(report) + format_field_values(fields))
            return EXIT_DATA_PROBLEM if report.failed else EXIT_OK
        if args.command == "report":
            return _report(args, warehouse, report)
        if args.command == "tickets":
            return _tickets(args, warehouse)
        if args.command in ("send", "alert"):
            from dashboard.sending import alert_command, send_command

            return (send_command if args.command == "send" else alert_command)(args, warehouse, report)
        from dashboard.figures import figures_of

        print(format_kpis(figures_of(warehouse, report, _filters(args, warehouse)), args.format))
        return EXIT_OK
    except DeliveryError as exc:
        print(f"product-health: not sent: {exc}", file=sys.stderr)
        return EXIT_NOT_SENT
    except ProductHealthError as exc:
        print(f"product-health: error: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _check_access(args: argparse.Namespace) -> int:
    """`check --access`: the sign-in set-up against the provider (access_check.py); exit 1 on a problem."""
    from dashboard.access_check import check_access, read_auth
    from dashboard.settings import load_settings

    settings = load_settings(args.data, args.config)
    findings = check_access(read_auth(secrets_files(args.secrets)), settings)
    print("\n".join(map(str, findings)))
    return EXIT_OK if all(finding.ok for finding in findings) else EXIT_DATA_PROBLEM


def _filters(args: argparse.Namespace, warehouse: Warehouse) -> Filters:
    """The Filters of `kpis` and `tickets` (_period_options); priorities and channels where asked."""
    from dashboard.metrics import coverage

    timezone = args.timezone or warehouse.settings.timezone  # both checked against DuckDB's zones
    # Each day as written, a real range, inside the data; a missing side from its last month.
    start, end = period_args.period(args.start, args.end, coverage(warehouse, timezone), dt.date.today())
    return Filters(
        start=start,
        end=end,
        timezone=timezone,
        product_lines=tuple(args.product_line),
        priorities=tuple(getattr(args, "priority", ())),
        channels=tuple(getattr(args, "channel", ())),
        basis=args.basis,
    )


def _tickets(args: argparse.Namespace, warehouse: Warehouse) -> int:
    """The rows behind one number (dashboard/rows.py): JSON, or a formula-safe CSV."""
    from dashboard.downloads import csv_bytes
    from dashboard.metrics import check_filters
    from dashboard.rows import as_json, rows

    filters = _filters(args, warehouse)
    check_filters(warehouse, filters)
    frame = rows(warehouse, args.metric, filters)
    if args.format == "csv":
        sys.stdout.write(csv_bytes(frame).decode("utf-8"))
    else:
        print(json.dumps(as_json(args.metric, filters, frame), indent=2))
    return EXIT_OK


def _report(args: argparse.Namespace, warehouse: Warehouse, report: LoadReport) -> int:
    from dashboard.metrics import check_filters, coverage
    from dashboard.pack import month_filters, pack_with_record
    from dashboard.revisions import save

    timezone = args.timezone or warehouse.settings.timezone
    first, last = period_args.month(args.month, "--month", dt.date.today())
    period_args.in_the_data(first, last, coverage(warehouse, timezone))
    filters = month_filters(args.month, timezone, tuple(args.product_line))
    check_filters(warehouse, filters)
    html, recorded = pack_with_record(warehouse, report, filters)
    try:
        args.out.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise ProductHealthError(f"cannot write {args.out}: {exc.strerror}") from None
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB): the meeting pack for {args.month}")
    if recorded is not None:  # only a pack that was written is recorded
        packs = packs_dir(Path(report.data_dir))
        try:
            path = save(packs, filters, recorded)
        except OSError as exc:
            raise ProductHealthError(f"cannot record the pack's figures in {packs}: {exc.strerror}") from None
        print(f"recorded its figures in {path}: a later dashboard or pack of {args.month} says what moved since")
    if report.failed:
        print(
            "product-health: some export files failed or had rejected rows; run `product-health check`", file=sys.stderr
        )
        return EXIT_DATA_PROBLEM
    return EXIT_OK


def _terminal_progress() -> Progress | None:
    """A load's progress on one line of stderr when it is a terminal (not when piped or in CI
    logs): the file being read, files done, rows so far."""
    if not sys.stderr.isatty():
        return None
    width = max(20, shutil.get_terminal_size().columns - 1)

    def show(progress: Progress) -> None:
        sys.stderr.write("\r\033[K" + progress.text()[:width])
        sys.stderr.flush()

    return Progress(on_change=show)


def secrets_files(given: Path | None, start: Path | None = None) -> list[Path]:
    """The secrets files (sign-in settings) the dashboard reads: `given` (--secrets), else the
    ones that exist of ~/.streamlit/secrets.toml and ./.streamlit/secrets.toml in the folder
    `serve` is started from (`start`; the later one wins a key both set). `serve` moves to the
    project's folder before Streamlit starts, so Streamlit alone would look there instead."""
    if given is not None:
        if not given.is_file():
            raise ProductHealthError(f"--secrets {given}: no such file")
        return [given.resolve()]
    found = [Path.home() / ".streamlit" / "secrets.toml", (start or Path.cwd()) / ".streamlit" / "secrets.toml"]
    return list(dict.fromkeys(path.resolve() for path in found if path.is_file()))


def _serve(args: argparse.Namespace) -> int:
    env = dict(os.environ, PRODUCT_HEALTH_DATA=str(args.data.resolve()))
    if args.config:
        env["PRODUCT_HEALTH_CONFIG"] = str(args.config.resolve())
    secrets = secrets_files(args.secrets)
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(PROJECT_ROOT / "dashboard" / "server.py"),
        "--server.port",
        str(args.port),
    ]
    # Always named, so that the project folder's own .streamlit/ is never read by accident.
    for path in secrets or [Path.cwd() / ".streamlit" / "secrets.toml"]:
        command += ["--secrets.files", str(path)]
    # Streamlit takes this process's place, so a stop signal (Ctrl-C, `kill`, a service
    # manager) reaches the server itself instead of leaving it running without its parent.
    os.chdir(PROJECT_ROOT)
    os.execve(sys.executable, command, env)


if __name__ == "__main__":
    sys.exit(main())
