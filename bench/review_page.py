"""The review page's explanation at first sight: a linked store of synthetic lists, and the time to
explain (`athar.linkage.explain.explain`, what /review and `athar explain` call) review tasks that
no one has opened yet.

    nice -n 10 python bench/review_page.py [--persons 3000] [--tasks 40] [--store DIR]

The first explanation in a process builds the scorer (the linker over the run's saved model) and is
reported on its own; then each of `--tasks` distinct open review tasks is explained once, as a
reviewer working down the queue sees them: wall-clock and CPU seconds, median and 95th percentile.
Then the same through the page, in a new app over a copy of the store: `GET /review` (the queue,
the two records, the explanation in plain words, the audit entry), each pair judged "unsure" after
its view so that every view is of the next task.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import select  # noqa: E402

from athar.accounts.users import create_user  # noqa: E402
from athar.demo import import_synthetic_lists  # noqa: E402
from athar.linkage.explain import explain  # noqa: E402
from athar.linkage.review import open_tasks, record_judgement  # noqa: E402
from athar.linkage.run import LinkOptions, link  # noqa: E402
from athar.store import open_store  # noqa: E402
from athar.store.tables import User  # noqa: E402
from athar.synth import generate  # noqa: E402
from athar.web import WebSettings, create_app  # noqa: E402
from athar.web.sessions import COOKIE, start_session  # noqa: E402

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


def page_views(db: Path, views: int) -> list[tuple[float, float]]:
    """`GET /review` up to `views` + 1 times in a new app over a copy of `db` (the first view builds
    the scorer), judging each pair shown so that the next view shows the next task."""
    copy = db.with_name("review-page-views.db")
    shutil.copy(db, copy)
    app = create_app(str(copy), WebSettings())
    engine = app.state.engine
    create_user(engine, "bench-reviewer", "admin", "Bench", "correct horse battery staple")
    with engine.connect() as conn:
        user_id = conn.execute(select(User.id).where(User.name == "bench-reviewer")).scalar_one()
    client = TestClient(app, base_url="https://testserver")
    session = start_session(engine, user_id, "bench", app.state.settings)
    client.cookies.set(app.state.settings.cookie_prefix + COOKIE, session)
    timings = []
    for _ in range(views + 1):
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get("/review")
        timings.append((time.perf_counter() - wall, time.process_time() - cpu))
        assert response.status_code == 200, response.status_code
        pair = [re.search(rf'name="{side}" value="([^"]+)"', response.text) for side in ("left", "right")]
        if pair[0] is None or pair[1] is None:
            break
        record_judgement(engine, pair[0][1], pair[1][1], "unsure", "bench-reviewer", None)
    engine.dispose()
    copy.unlink()
    return timings


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "p50": round(statistics.median(ordered), 4),
        "p95": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 4),
    }


def summary(first: tuple[float, float], views: list[tuple[float, float]]) -> dict:
    return {
        "scorer_build_and_first_view": {"wall_s": round(first[0], 4), "cpu_s": round(first[1], 4)},
        "views": len(views),
        "first_view": {
            "wall_s": percentiles([v[0] for v in views]),
            "cpu_s": percentiles([v[1] for v in views]),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=3_000)
    parser.add_argument("--tasks", type=int, default=40)
    parser.add_argument("--store", type=Path, default=Path("/tmp/athar-bench-review-page"))
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    args.store.mkdir(parents=True, exist_ok=True)
    db = build(args.store, args.persons)
    engine = open_store(str(db))
    tasks = open_tasks(engine, limit=args.tasks + 1)
    if len(tasks) < 2:
        raise SystemExit("too few open review tasks: raise --persons")
    first = timed(engine, tasks[0])
    explained = [timed(engine, task) for task in tasks[1:]]
    engine.dispose()
    pages = page_views(db, len(explained))
    result = {
        "persons": args.persons,
        "explain": {
            "what": "explain(engine, left, right) of distinct open review tasks, each its first view",
            **summary(first, explained),
        },
        "page": {
            "what": "GET /review in a new app over a copy of the store, each view the next task",
            **summary(pages[0], pages[1:]),
        },
        "machine": platform.platform(),
        "python": platform.python_version(),
        "load_average": os.getloadavg(),
    }
    # a run of older code kept in the file for comparison ("before_..." keys) stays there
    if args.out.exists():
        kept = json.loads(args.out.read_text(encoding="utf-8"))
        result.update({k: v for k, v in kept.items() if k.startswith("before_")})
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
