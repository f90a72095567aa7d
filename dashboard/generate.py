"""Seeded generator of exports in the real vendor shapes: the sample data and the benchmark.

`python -m dashboard.generate --out sample_data` rebuilds the bundled sample. The story it
tells: Mobile App's first response slipped after the v3 launch (August 2026); deflection
climbed after the help-center push (May 2026); a handful of bugs older than five years are
still open; Mobile App's first replies within SLA (business hours) and its CSAT fall with the
slower replies after the launch.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import random
from pathlib import Path

PRODUCT_LINES = ("Billing", "Mobile App", "Analytics", "Integrations")
TAGS = {"Billing": "billing", "Mobile App": "mobile_app", "Analytics": "analytics", "Integrations": "integrations"}
PROJECTS = {"Billing": "BILL", "Mobile App": "MOB", "Analytics": "ANA", "Integrations": "INT"}
SHARE = {"Billing": 0.3, "Mobile App": 0.3, "Analytics": 0.2, "Integrations": 0.2}
CHANNELS = (("email", 0.5), ("web", 0.3), ("chat", 0.15), ("api", 0.05))
PRIORITIES = (("low", 0.3), ("normal", 0.5), ("high", 0.15), ("urgent", 0.05))
LAUNCH = dt.datetime(2026, 8, 1, tzinfo=dt.UTC)
HELP_CENTER_PUSH = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
START = dt.datetime(2024, 11, 1, tzinfo=dt.UTC)
END = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Business hours and SLA targets: the support team works Berlin office hours (a lunch break on
# Fridays), Billing has its own New York team.
SCHEDULES_TOML = """
[[schedules]]                             # no product_lines: the default schedule
name = "eu-support"
timezone = "Europe/Berlin"
holidays = ["2024-12-25", "2024-12-26", "2025-01-01", "2025-12-25", "2025-12-26", "2026-01-01"]

[schedules.hours]
mon = ["09:00-17:00"]
tue = ["09:00-17:00"]
wed = ["09:00-17:00"]
thu = ["09:00-17:00"]
fri = ["09:00-13:00", "14:00-17:00"]

[[schedules]]
name = "us-billing"
timezone = "America/New_York"
product_lines = ["Billing"]
holidays = ["2024-12-25", "2025-07-04", "2025-12-25", "2026-07-03"]
hours = { mon = ["08:00-18:00"], tue = ["08:00-18:00"], wed = ["08:00-18:00"], thu = ["08:00-18:00"] }

[sla]
basis = "business"
first_response_hours = { urgent = 1, high = 4, normal = 8, low = 24, default = 8 }
resolution_hours = { urgent = 24, high = 48, normal = 120, low = 240, default = 120 }
"""
HEALTH_TOML = (
    """\
# Settings for the bundled sample data (see the README for every key).
timezone = "UTC"

[sources.zendesk]
product_line_from = "tag"
"""
    'product_lines = { billing = "Billing", mobile_app = "Mobile App", analytics = "Analytics", '
    'integrations = "Integrations" }\n'
    """
[sources.jira]
timezone = "Europe/Berlin"
product_line_from = "project"
product_lines = { BILL = "Billing", MOB = "Mobile App", ANA = "Analytics", INT = "Integrations" }

[sources.github]
product_line_from = "repository"
product_lines = { "acme/mobile-app" = "Mobile App" }

[targets]                                 # keys: dotted paths into the kpis JSON
"first_response.median_hours" = 4
"resolution.median_hours" = 48
"deflection.rate_pct" = 40

[targets."Mobile App"]                    # a product line's own, over the ones above
"first_response.median_hours" = 6
"sla.first_response.met_pct" = 85
""" + SCHEDULES_TOML
)


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([w[0] for w in weighted], [w[1] for w in weighted])[0]


def _iso(ts: dt.datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def _jira_date(ts: dt.datetime) -> str:
    hour = ts.hour % 12 or 12
    noon = "AM" if ts.hour < 12 else "PM"
    return f"{ts.day:02d}/{MONTH_ABBR[ts.month - 1]}/{ts.year % 100:02d} {hour}:{ts.minute:02d} {noon}"


def _random_time(rng: random.Random, start: dt.datetime, end: dt.datetime) -> dt.datetime:
    return start + dt.timedelta(seconds=rng.randrange(int((end - start).total_seconds())))


def make_tickets(rng: random.Random, count: int, start: dt.datetime = START, end: dt.datetime = END) -> list[dict]:
    """Ticket facts (not yet in any vendor's shape), with the sample's story built in."""
    tickets = []
    lines = list(SHARE)
    weights = [SHARE[x] for x in lines]
    for number in range(1, count + 1):
        created = _random_time(rng, start, end)
        line = rng.choices(lines, weights)[0]
        if line == "Mobile App" and created >= LAUNCH and rng.random() < 0.35:
            line = "Mobile App"  # the launch brought extra Mobile App tickets
        median_reply_h = 2.5
        if line == "Mobile App" and created >= LAUNCH:
            median_reply_h = 9.0
        reply_h = None if rng.random() < 0.06 else rng.lognormvariate(math.log(median_reply_h), 0.9)
        solve_h = rng.lognormvariate(math.log(30), 1.1) + (reply_h or 0)
        solved = created + dt.timedelta(hours=solve_h)
        is_solved = solved < end and rng.random() < 0.93
        status = (
            ("closed" if rng.random() < 0.6 else "solved")
            if is_solved
            else rng.choice(("open", "pending", "hold", "new"))
        )
        tickets.append(
            {
                "id": number,
                "created": created,
                "line": line,
                "channel": _pick(rng, CHANNELS),
                "priority": _pick(rng, PRIORITIES),
                "requester": 10_000 + rng.randrange(max(count // 3, 10)),
                "reply_h": reply_h if reply_h is None or created + dt.timedelta(hours=reply_h) < end else None,
                "solved": solved if is_solved else None,
                "status": status,
                "reopens": 1 if rng.random() < 0.08 else 0,
                "merged": is_solved and rng.random() < 0.02,
                "deleted": rng.random() < 0.005,
            }
        )
    return tickets


def _metric_set(t: dict) -> dict:
    reply = None if t["reply_h"] is None else round(t["reply_h"] * 60)
    full = None if t["solved"] is None else round((t["solved"] - t["created"]).total_seconds() / 60)
    return {
        "ticket_id": t["id"],
        "reopens": t["reopens"],
        "replies": 0 if reply is None else 1 + t["reopens"],
        "solved_at": _iso(t["solved"]) if t["solved"] else None,
        "reply_time_in_minutes": {"calendar": reply, "business": None if reply is None else round(reply * 0.45)},
        "full_resolution_time_in_minutes": {"calendar": full, "business": None if full is None else round(full * 0.4)},
    }


def _zendesk_ticket(t: dict, updated: dt.datetime, deleted: bool = False) -> dict:
    tags = [TAGS[t["line"]], f"priority_{t['priority']}", *t.get("link_tags", ())]
    if t["merged"]:
        tags.append("closed_by_merge")
    return {
        "url": f"https://acme.zendesk.com/api/v2/tickets/{t['id']}.json",
        "id": t["id"],
        "via": {"channel": t["channel"], "source": {"from": {}, "to": {}, "rel": None}},
        "created_at": _iso(t["created"]),
        "updated_at": _iso(updated),
        "type": "question",
        "subject": t.get("subject") or f"{t['line']} question #{t['id']}",
        "priority": t["priority"],
        "status": "deleted" if deleted else t["status"],
        "requester_id": t["requester"],
        "group_id": 360000 + list(SHARE).index(t["line"]),
        "brand_id": 1,
        "tags": tags,
        "custom_fields": [],
        "satisfaction_rating": _satisfaction(t),
        "generated_timestamp": int(updated.timestamp()),
    }


def _satisfaction(t: dict) -> dict | None:
    """The CSAT survey of a solved ticket, from the ticket's own generator (so no other figure
    of the sample changes): about half are only offered; a slow or missing first reply is
    rated bad far more often (Mobile App's CSAT falls after the v3 launch)."""
    if t["solved"] is None:
        return None
    rng = random.Random(t["id"] * 1_000_003 + 15)
    roll = rng.random()
    if roll < 0.5:
        return {"score": "offered"}
    if roll < 0.55:
        return {"score": "unoffered"}
    slow = t["reply_h"] is None or t["reply_h"] > 6
    return {"score": "good" if rng.random() < (0.55 if slow else 0.92) else "bad"}


def write_zendesk_json(tickets: list[dict], folder: Path, pages: int = 4) -> list[Path]:
    """Incremental export pages sorted by update time; each page repeats a few tickets of the
    previous one (as the API does) in an older version, and a few tickets are deleted."""
    folder.mkdir(parents=True, exist_ok=True)
    ordered = sorted(tickets, key=lambda t: t["solved"] or t["created"])
    size = math.ceil(len(ordered) / pages)
    paths = []
    for index in range(pages):
        chunk = ordered[index * size : (index + 1) * size]
        body, metrics = [], []
        if index > 0:  # overlap: an older version of the previous page's last tickets
            for t in ordered[index * size - 5 : index * size]:
                older = dict(t, status="open")
                body.append(_zendesk_ticket(older, t["created"]))
        for t in chunk:
            updated = t["solved"] or t["created"] + dt.timedelta(hours=t["reply_h"] or 1)
            body.append(_zendesk_ticket(t, updated, deleted=t["deleted"]))
            metrics.append(_metric_set(t))
        page = {
            "tickets": body,
            "metric_sets": metrics,
            "count": len(body),
            "end_of_stream": index == pages - 1,
            "next_page": None
            if index == pages - 1
            else f"https://acme.zendesk.com/api/v2/incremental/tickets.json?start_time={index}",
            "end_time": int((chunk[-1]["solved"] or chunk[-1]["created"]).timestamp()) if chunk else 0,
        }
        path = folder / f"incremental-tickets-{index + 1:02d}.json"
        path.write_text(json.dumps(page, separators=(",", ":")), encoding="utf-8")
        paths.append(path)
    return paths


ZENDESK_CSV_HEADER = [
    "Id",
    "Requester id",
    "Group",
    "Status",
    "Priority",
    "Via",
    "Created at",
    "Updated at",
    "Solved at",
    "Reopens",
    "Replies",
    "First reply time in minutes",
    "First reply time in minutes within business hours",
    "Full resolution time in minutes",
    "Full resolution time in minutes within business hours",
    "Tags",
]


def write_zendesk_csv(tickets: list[dict], path: Path) -> Path:
    """The Support CSV export: naive account-zone timestamps, capitalised statuses."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fmt = "%Y-%m-%d %H:%M:%S"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(ZENDESK_CSV_HEADER)
        for t in tickets:
            m = _metric_set(t)
            reply, full = m["reply_time_in_minutes"], m["full_resolution_time_in_minutes"]
            tags = [TAGS[t["line"]]] + (["closed_by_merge"] if t["merged"] else [])
            writer.writerow(
                [
                    t["id"],
                    t["requester"],
                    t["line"] + " Support",
                    t["status"].capitalize(),
                    t["priority"].capitalize(),
                    t["channel"].capitalize(),
                    t["created"].strftime(fmt),
                    (t["solved"] or t["created"]).strftime(fmt),
                    t["solved"].strftime(fmt) if t["solved"] else "",
                    t["reopens"],
                    m["replies"],
                    "" if reply["calendar"] is None else reply["calendar"],
                    "" if reply["business"] is None else reply["business"],
                    "" if full["calendar"] is None else full["calendar"],
                    "" if full["business"] is None else full["business"],
                    " ".join(tags),
                ]
            )
    return path


JIRA_HEADER = [
    "Summary",
    "Issue key",
    "Issue id",
    "Issue Type",
    "Status",
    "Project key",
    "Project name",
    "Project type",
    "Priority",
    "Resolution",
    "Created",
    "Updated",
    "Resolved",
    "Labels",
    "Labels",
    "Component/s",
    "Description",
    "Custom field (Zendesk Ticket Count)",
    "Status Category",
]
OLD_BUGS = (
    ("BILL", "Invoice PDF shows the wrong VAT rate for reverse-charge customers", 2019, 3),
    ("MOB", "App logs users out after the phone's clock changes time zone", 2019, 9),
    ("INT", "Webhook retries deliver the same event twice after a timeout", 2020, 2),
    ("ANA", "CSV export of reports drops rows past 65,536", 2020, 6),
    ("BILL", "Proration on plan downgrade charges a full month", 2020, 10),
)


def make_issues(rng: random.Random, count: int, start: dt.datetime = START, end: dt.datetime = END) -> list[dict]:
    issues = []
    counters = dict.fromkeys(PROJECTS.values(), 100)
    for project, title, year, month in OLD_BUGS:
        counters[project] += 1
        created = dt.datetime(year, month, 14, 10, 30, tzinfo=dt.UTC)
        issues.append(
            {
                "project": project,
                "number": counters[project],
                "title": title,
                "type": "Bug",
                "created": created,
                "resolved": None,
                "resolution": "",
                "labels": ["customer-reported"],
                "tickets": rng.randint(300, 2500),
            }
        )
    lines = list(PROJECTS.values())
    for _ in range(count - len(issues)):
        project = rng.choice(lines)
        counters[project] += 1
        created = _random_time(rng, start - dt.timedelta(days=365), end)
        is_bug = rng.random() < 0.45
        fix_days = rng.lognormvariate(math.log(20 if is_bug else 35), 1.0)
        resolved = created + dt.timedelta(days=fix_days)
        done = resolved < end and rng.random() < 0.85
        resolution = ""
        if done:
            resolution = rng.choices(["Done", "Won't Do", "Duplicate"], [0.85, 0.1, 0.05])[0]
        issues.append(
            {
                "project": project,
                "number": counters[project],
                "title": f"{'Fix' if is_bug else 'Add'} "
                f"{rng.choice(['export', 'login', 'sync', 'invoice', 'chart', 'webhook'])} "
                f"{rng.choice(['timeout', 'rounding', 'crash', 'option', 'filter', 'limit'])}",
                "type": "Bug" if is_bug else rng.choice(["Story", "Task"]),
                "created": created,
                "resolved": resolved if done else None,
                "resolution": resolution,
                "labels": [rng.choice(["backend", "frontend", "customer-reported"])] if rng.random() < 0.6 else [],
                "tickets": rng.randint(0, 40) if is_bug and rng.random() < 0.3 else 0,
            }
        )
    return issues


def write_jira_csv(issues: list[dict], path: Path, tz: str = "Europe/Berlin") -> Path:
    """Jira's CSV: BOM, repeated Labels, '12/Mar/24 3:15 PM' dates in the exporting user's zone."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(tz)
    path.parent.mkdir(parents=True, exist_ok=True)
    names = {v: k for k, v in PROJECTS.items()}
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(JIRA_HEADER)
        for i, issue in enumerate(issues):
            local = issue["created"].astimezone(zone)
            resolved = issue["resolved"].astimezone(zone) if issue["resolved"] else None
            labels = issue["labels"] + [""] * (2 - len(issue["labels"]))
            writer.writerow(
                [
                    issue["title"],
                    f"{issue['project']}-{issue['number']}",
                    10_000 + i,
                    issue["type"],
                    "Done" if resolved else rng_status(i),
                    issue["project"],
                    names[issue["project"]],
                    "software",
                    "Medium",
                    issue["resolution"],
                    _jira_date(local),
                    _jira_date(resolved or local),
                    _jira_date(resolved) if resolved else "",
                    labels[0],
                    labels[1],
                    "",
                    "Steps to reproduce:\n1. open the page\n2. see the problem" if issue["type"] == "Bug" else "",
                    issue["tickets"] or "",
                    "Done" if resolved else ("To Do" if i % 3 else "In Progress"),
                ]
            )
    return path


def rng_status(i: int) -> str:
    return ("To Do", "In Progress", "In Review")[i % 3]


def write_github_json(rng: random.Random, path: Path, count: int = 150) -> Path:
    """GitHub REST issues of the mobile app's repository, pull requests mixed in."""
    items = []
    for number in range(1, count + 1):
        created = _random_time(rng, START, END)
        is_pr = rng.random() < 0.3
        closed = created + dt.timedelta(days=rng.lognormvariate(math.log(10), 1.0))
        is_closed = closed < END and rng.random() < 0.8
        labels = [{"name": "bug"}] if rng.random() < 0.5 else [{"name": "enhancement"}]
        item = {
            "url": f"https://api.github.com/repos/acme/mobile-app/issues/{number}",
            "repository_url": "https://api.github.com/repos/acme/mobile-app",
            "html_url": f"https://github.com/acme/mobile-app/{'pull' if is_pr else 'issues'}/{number}",
            "number": number,
            "title": f"{'Crash' if labels[0]['name'] == 'bug' else 'Support'} in "
            f"{rng.choice(['login', 'sync', 'camera', 'push'])}",
            "labels": labels,
            "state": "closed" if is_closed else "open",
            "created_at": _iso(created),
            "updated_at": _iso(closed if is_closed else created),
            "closed_at": _iso(closed) if is_closed else None,
            "state_reason": (rng.choices(["completed", "not_planned"], [0.85, 0.15])[0] if is_closed else None),
        }
        if is_pr:
            item["pull_request"] = {"url": item["url"].replace("issues", "pulls")}
        items.append(item)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(items, indent=1), encoding="utf-8")
    return path


def write_sessions_csv(
    rng: random.Random, path: Path, count: int, start: dt.datetime = START, end: dt.datetime = END
) -> Path:
    """One row per help-center / chatbot session; the resolved share climbs after the push."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = list(SHARE)
    weights = [SHARE[x] for x in lines]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["session_id", "started_at", "product_line", "channel", "outcome"])
        for number in range(1, count + 1):
            started = _random_time(rng, start, end)
            resolved_share = 0.22 if started < HELP_CENTER_PUSH else 0.45
            outcome = rng.choices(
                ["resolved", "escalated", "abandoned"], [resolved_share, 0.25, 0.75 - resolved_share]
            )[0]
            writer.writerow(
                [
                    f"s{number}",
                    started.strftime("%Y-%m-%d %H:%M:%S"),
                    rng.choices(lines, weights)[0],
                    rng.choice(["help_center", "chatbot"]),
                    outcome,
                ]
            )
    return path


# How often a ticket of the bug's product line is about it, before / from the v3 launch;
# ANA-101 stopped generating tickets after a help-center workaround (January 2026).
OLD_BUG_RATES = {
    "BILL-101": (0.04, 0.04),
    "MOB-101": (0.02, 0.08),
    "INT-101": (0.03, 0.03),
    "ANA-101": (0.03, 0.0),
    "BILL-102": (0.015, 0.015),
}
WORKAROUND = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def make_links(rng: random.Random, tickets: list[dict], issues: list[dict], github: list[dict]) -> list[dict]:
    """Tie tickets to the bugs they are about, as support teams do: most through Zendesk's
    Jira integration (the links export), some by tagging the ticket with the issue key, and
    GitHub issues by pasting the issue URL into the subject. Returns the links-export rows."""
    keyed = {f"{i['project']}-{i['number']}": (index, i) for index, i in enumerate(issues)}
    by_line: dict[str, list[dict]] = {}
    for t in tickets:
        by_line.setdefault(t["line"], []).append(t)
    pairs: list[tuple[dict, str]] = []
    for key, (before, after) in OLD_BUG_RATES.items():
        line = next(name for name, project in PROJECTS.items() if key.startswith(project + "-"))
        for t in by_line[line]:
            rate = after if t["created"] >= (WORKAROUND if key == "ANA-101" else LAUNCH) else before
            if rng.random() < rate:
                pairs.append((t, key))
    # Bugs that hurt for a while and were fixed, and recent bugs (too young to be "still hurting").
    fixed = [
        k for k, (_, i) in keyed.items() if i["type"] == "Bug" and i["resolution"] == "Done" and i["created"] >= START
    ]
    recent = {
        i["project"]: k
        for k, (_, i) in reversed(keyed.items())
        if i["type"] == "Bug" and not i["resolved"] and i["created"] >= END - dt.timedelta(days=60)
    }
    for key in [*rng.sample(fixed, 8), *recent.values()]:
        issue = keyed[key][1]
        stop = issue["resolved"] or END
        line = next(name for name, project in PROJECTS.items() if project == issue["project"])
        window = [t for t in by_line[line] if issue["created"] <= t["created"] < stop]
        count = rng.randint(5, 40) if issue["resolved"] else rng.randint(3, 12)
        pairs.extend((t, key) for t in rng.sample(window, min(len(window), count)))
    rows = []
    for t, key in pairs:
        if rng.random() < 0.3:
            t.setdefault("link_tags", []).append(key.lower())
        else:
            rows.append(
                {
                    "ticket_id": t["id"],
                    "issue_id": 10_000 + keyed[key][0],
                    "issue_key": key,
                    "created_at": _iso(t["created"] + dt.timedelta(hours=2)),
                }
            )
    open_bugs = [
        g for g in github if "pull_request" not in g and g["state"] == "open" and g["labels"][0]["name"] == "bug"
    ]
    for g in open_bugs[:2]:
        created = dt.datetime.fromisoformat(g["created_at"].replace("Z", "+00:00"))
        window = [t for t in by_line["Mobile App"] if t["created"] >= created and "subject" not in t]
        for t in rng.sample(window, min(len(window), 25)):
            t["subject"] = f"{g['title']} again, see {g['html_url']}"
    return rows


def write_links_csv(rows: list[dict], path: Path) -> Path:
    """The Zendesk Jira links export (GET /api/v2/jira/links) saved as CSV."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ["ticket_id", "issue_id", "issue_key", "created_at"])
        writer.writeheader()
        writer.writerows(sorted(rows, key=lambda r: (r["created_at"], r["ticket_id"])))
    return path


# The sample's story as events: the trend charts and the meeting pack mark them.
EVENTS_CSV = (
    "date,label,product_line,end_date\n"
    f"{HELP_CENTER_PUSH:%Y-%m-%d},Help-center push,,{HELP_CENTER_PUSH:%Y-%m}-31\n"
    f"{LAUNCH:%Y-%m-%d},v3 launch,Mobile App,\n"
)


def write_sample(out: Path, tickets: int = 20_000, seed: int = 7) -> None:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / "health.toml").write_text(HEALTH_TOML, encoding="utf-8")
    (out / "events.csv").write_text(EVENTS_CSV, encoding="utf-8")
    ticket_rows = make_tickets(rng, tickets)
    issue_rows = make_issues(rng, 700)
    github = write_github_json(rng, out / "github" / "mobile-app-issues.json")
    write_sessions_csv(rng, out / "self-service" / "help-center-sessions.csv", tickets * 2)
    # Links last, from their own generator, so they change no other figure of the sample.
    links = make_links(random.Random(seed + 1), ticket_rows, issue_rows, json.loads(github.read_text("utf-8")))
    write_zendesk_json(ticket_rows, out / "zendesk")
    write_jira_csv(issue_rows, out / "jira" / "jira-export.csv")
    write_links_csv(links, out / "links" / "zendesk-jira-links.csv")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--tickets", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    write_sample(args.out, args.tickets, args.seed)


if __name__ == "__main__":
    main()
