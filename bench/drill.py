"""The rows behind a number (`product-health tickets`, dashboard/rows.py): seconds per key over
seeded filter choices (bench/run.py's filter_choices), on a loaded model.

    PYTHONPATH=. python3 bench/drill.py [--data DIR] [--choices 20] [--threads 2] [--json]

Prints, per key, the median and max seconds of what the dialog reads (the count and the largest
rows.SCREEN_ROWS rows) and of all the rows (`tickets`, the CSV), and the median row count; then
drill_s and full_s: the median of the keys' medians, and the max over every key and choice. Figures, not assertions: the
machine may be shared. The time includes making the DataFrame, most of it for long lists.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from bench.run import _filters, filter_choices  # noqa: E402


def measure(data: Path, choices: int, threads: int) -> dict[str, Any]:
    from dashboard.rows import drill_keys, rows, screen
    from dashboard.store import open_warehouse

    warehouse, _ = open_warehouse(data, threads=threads)
    picks = [_filters(choice) for choice in filter_choices(choices)]
    rows(warehouse, "tickets_created", picks[0])  # first touch of the model's files
    per_key: dict[str, Any] = {}
    for key in drill_keys():
        shown, full, counts = [], [], []
        for filters in picks:
            started = time.perf_counter()  # what the dialog reads: the count, the largest rows
            counts.append(screen(warehouse, key, filters)[0])
            shown.append(time.perf_counter() - started)
            started = time.perf_counter()  # what `product-health tickets` and the CSV read: all of them
            rows(warehouse, key, filters)
            full.append(time.perf_counter() - started)
        per_key[key] = {
            "median_s": statistics.median(shown),
            "max_s": max(shown),
            "full_median_s": statistics.median(full),
            "full_max_s": max(full),
            "rows": statistics.median(counts),
        }
    return {
        "data": str(data),
        "choices": choices,
        "keys": per_key,
        "drill_s": _spread(per_key, "median_s", "max_s"),
        "full_s": _spread(per_key, "full_median_s", "full_max_s"),
    }


def _spread(per_key: dict[str, Any], median: str, worst: str) -> dict[str, float]:
    """The median of the keys' medians, and the max over every key and choice."""
    return {
        "median": statistics.median(row[median] for row in per_key.values()),
        "max": max(row[worst] for row in per_key.values()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT / "sample_data")
    parser.add_argument("--choices", type=int, default=20, help="seeded filter choices (default 20)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    args = parser.parse_args(argv)
    result = measure(args.data, args.choices, args.threads)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{'key':36} {'median s':>9} {'max s':>8} {'all: median':>12} {'max':>7} {'rows':>8}")
    for key, row in result["keys"].items():
        print(
            f"{key:36} {row['median_s']:9.3f} {row['max_s']:8.3f} {row['full_median_s']:12.3f} "
            f"{row['full_max_s']:7.3f} {row['rows']:8.0f}"
        )
    print(
        f"drill_s (the dialog: the count and the largest rows): median {result['drill_s']['median']:.3f} s, "
        f"max {result['drill_s']['max']:.3f} s; all rows (tickets command, CSV): median "
        f"{result['full_s']['median']:.3f} s, max {result['full_s']['max']:.3f} s; "
        f"{len(result['keys'])} keys x {args.choices} choices ({args.data})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
