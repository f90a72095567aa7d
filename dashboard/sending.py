"""`product-health send` and `product-health alert`: the month they look at, the [delivery]
settings they need, and what they print. The messages are digest.py's and alerts.py's, the
sending delivery.py's. No streamlit.
"""

from __future__ import annotations

import argparse
import datetime as dt

from dashboard import period_args
from dashboard.build import LoadReport
from dashboard.config import Delivery
from dashboard.db import Warehouse
from dashboard.errors import ProductHealthError
from dashboard.filters import Filters
from dashboard.formatting import period_label
from dashboard.metrics import coverage
from dashboard.pack import month_filters
from dashboard.store import store_dir


def delivery_of(warehouse: Warehouse) -> Delivery:
    """The [delivery] settings, with somewhere to send to."""
    delivery = warehouse.settings.delivery
    where = warehouse.settings.path or "the settings file (health.toml beside the exports)"
    if delivery is None:
        raise ProductHealthError(f"{where}: no [delivery] section: nowhere to send (see the README's Delivery)")
    if not delivery.mails and not delivery.webhooks():
        raise ProductHealthError(
            f"{where}: [delivery] sets neither to, product_lines, slack_webhook_url_env nor teams_webhook_url_env"
        )
    return delivery


def latest_month(warehouse: Warehouse, month: str | None) -> Filters:
    """`--month`, else the latest complete month of the data (as `kpis` and the dashboard open on)."""
    timezone = warehouse.settings.timezone
    if month:
        first, last = period_args.month(month, "--month", dt.date.today())
        period_args.in_the_data(first, last, coverage(warehouse, timezone))
        return month_filters(month, timezone)
    start, _ = coverage(warehouse, timezone).default_month(dt.date.today())
    return month_filters(f"{start:%Y-%m}", timezone)


def send_command(args: argparse.Namespace, warehouse: Warehouse, report: LoadReport) -> int:
    from dashboard.delivery import deliver, write_outbox
    from dashboard.digest import outbox

    delivery = delivery_of(warehouse)
    filters = latest_month(warehouse, args.month)
    box = outbox(warehouse, report, filters, delivery)
    if args.dry_run is not None:
        written = write_outbox(box, args.dry_run, f"digest-{filters.start:%Y-%m}")
        print(f"dry run: wrote {len(written)} files into {args.dry_run}: {', '.join(p.name for p in written)}")
        return 0
    deliver(delivery, box)
    print(
        f"sent the digest for {period_label(filters)}: {len(box.mails)} e-mails"
        + "".join(f", a {service} message" for service, _ in box.chats)
    )
    return 0


def alert_command(args: argparse.Namespace, warehouse: Warehouse, report: LoadReport) -> int:
    from dashboard.alerts import alert, channels, findings, scopes, state_path
    from dashboard.digest import view_link

    delivery = delivery_of(warehouse)
    if not channels(delivery):
        raise ProductHealthError("alerts go to [delivery] to and to the chat webhooks: set to or a *_webhook_url_env")
    if args.days is not None and not 0 < args.days <= 366:
        raise ProductHealthError(f"--days {args.days}: must be 1 to 366")
    month = latest_month(warehouse, None)
    last_day = coverage(warehouse, month.timezone).main_last_day(dt.date.today())
    found = {
        scope: findings(warehouse, report, period, scope)
        for scope, period in scopes(month, args.days, last_day).items()
    }
    done = alert(
        delivery, found, state_path(store_dir(args.data)), view_link(delivery.dashboard_url, month), args.dry_run
    )
    total = sum(map(len, found.values()))
    print(f"alert: {total} findings standing; " + ("; ".join(done) if done else "nothing new to send"))
    return 0
