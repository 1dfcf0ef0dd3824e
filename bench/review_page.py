"""The review page's explanation at first sight: a linked store of synthetic lists, and the time to
explain (`athar.linkage.explain.explain`, what /review and `athar explain` call) review tasks that
no one has opened yet.

    nice -n 10 python bench/review_page.py [--persons 3000] [--tasks 40] [--store DIR]

The first explanation in a process builds the scorer (the linker over the run's saved model) and is
reported on its own; then each of `--tasks` distinct open review tasks is explained once, as a
reviewer working down the queue sees them: wall-clock and CPU seconds, median and 95th percentile.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from athar.demo import import_synthetic_lists  # noqa: E402
from athar.linkage.explain import explain  # noqa: E402
from athar.linkage.review import open_tasks  # noqa: E402
from athar.linkage.run import LinkOptions, link  # noqa: E402
from athar.store import open_store  # noqa: E402
from athar.synth import generate  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "review_page.json"


def build(folder: Path, persons: int) -> Path:
    """A linked store of `persons` synthetic persons (kept and reused)."""
    db = folder / "athar.db"
    if db.exists():
        return db
    generate(folder / "lists", persons=persons, seed=7)
    engine = open_store(str(db))
    import_synthetic_lists(engine, folder / "lists")
    link(engine, LinkOptions(user="bench"))
    engine.dispose()
    return db


def timed(engine, task: dict) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    explain(engine, task["left"], task["right"])
    return time.perf_counter() - wall, time.process_time() - cpu


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "p50": round(statistics.median(ordered), 4),
        "p95": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=3_000)
    parser.add_argument("--tasks", type=int, default=40)
    parser.add_argument("--store", type=Path, default=Path("/tmp/athar-bench-review-page"))
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    args.store.mkdir(parents=True, exist_ok=True)
    engine = open_store(str(build(args.store, args.persons)))
    tasks = open_tasks(engine, limit=args.tasks + 1)
    if len(tasks) < 2:
        raise SystemExit("too few open review tasks: raise --persons")
    build_wall, build_cpu = timed(engine, tasks[0])
    views = [timed(engine, task) for task in tasks[1:]]
    result = {
        "persons": args.persons,
        "tasks": len(views),
        "what": "explain(engine, left, right) of distinct open review tasks, each its first view",
        "scorer_build_and_first_explanation": {"wall_s": round(build_wall, 4), "cpu_s": round(build_cpu, 4)},
        "first_view": {
            "wall_s": percentiles([v[0] for v in views]),
            "cpu_s": percentiles([v[1] for v in views]),
        },
        "machine": platform.platform(),
        "python": platform.python_version(),
        "load_average": os.getloadavg(),
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
