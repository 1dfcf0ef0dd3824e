"""The body page at scale: a linked store of synthetic lists with a grave of bodies, and the time to
draw `/remains/{id}` (the body's candidates ranked among every open missing person, with evidence).

    nice -n 10 python bench/remains_page.py [--persons 20000] [--bodies 20] [--store DIR]

Two figures, as medians over the bodies: the first view after the store changed (the pool of missing
persons is built: every current record read and merged, as every view did before the pool was kept)
and a view while the store stands (the pool is reused). Wall-clock and
CPU seconds of the whole request through the app, sign-in session and audit included.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
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
from athar.linkage.run import LinkOptions, link  # noqa: E402
from athar.remains.importer import import_remains  # noqa: E402
from athar.remains.postmortem import COLUMNS  # noqa: E402
from athar.remains.sites import add_site  # noqa: E402
from athar.store import open_store  # noqa: E402
from athar.store.tables import RemainsCase, User  # noqa: E402
from athar.synth import generate  # noqa: E402
from athar.synth.remains import generate as generate_remains  # noqa: E402
from athar.web import WebSettings, create_app  # noqa: E402
from athar.web.sessions import COOKIE, start_session  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "remains_page.json"


def build(folder: Path, persons: int, bodies: int) -> Path:
    """A linked store of `persons` synthetic persons and a grave of `bodies` bodies (kept and reused)."""
    db = folder / "athar.db"
    if db.exists():
        return db
    generate(folder / "lists", persons=persons, seed=7)
    engine = open_store(str(db))
    import_synthetic_lists(engine, folder / "lists")
    link(engine, LinkOptions(user="bench"))
    add_site(engine, "Grave", "mass_grave", "bench", place="Homs", used_from=2011, used_to=2016)
    with (folder / "bodies.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, list(COLUMNS), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(generate_remains(persons=200, bodies=bodies, seed=5).bodies)
    import_remains(engine, folder / "bodies.csv", "Grave", user="bench", today=dt.date(2026, 1, 1))
    create_user(engine, "bench-admin", "admin", "Bench", "correct horse battery staple")
    engine.dispose()
    return db


def timed(client: TestClient, path: str) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return time.perf_counter() - wall, time.process_time() - cpu


def median(pairs: list[tuple[float, float]]) -> dict[str, float]:
    return {
        "wall_s": round(statistics.median(p[0] for p in pairs), 4),
        "cpu_s": round(statistics.median(p[1] for p in pairs), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--bodies", type=int, default=20)
    parser.add_argument("--store", type=Path, default=Path("/tmp/athar-bench-remains-page"))
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    args.store.mkdir(parents=True, exist_ok=True)
    db = build(args.store, args.persons, args.bodies)
    app = create_app(str(db), WebSettings())
    engine = app.state.engine
    with engine.connect() as conn:
        ids = list(conn.execute(select(RemainsCase.id).order_by(RemainsCase.id)).scalars())
        user_id = conn.execute(select(User.id).where(User.name == "bench-admin")).scalar_one()
    client = TestClient(app, base_url="https://testserver")
    session = start_session(engine, user_id, "bench", app.state.settings)
    client.cookies.set(app.state.settings.cookie_prefix + COOKIE, session)

    first, kept = [], []
    for remains_id in ids:
        app.state.remains_pools = None  # a store that has just changed: the pool is built
        first.append(timed(client, f"/remains/{remains_id}"))
        kept.append(timed(client, f"/remains/{remains_id}"))
    result = {
        "persons": args.persons,
        "bodies": len(ids),
        "page": "/remains/{id}",
        "first_view_after_a_change": median(first),
        "while_the_store_stands": median(kept),
        "machine": platform.platform(),
        "python": platform.python_version(),
        "load_average": os.getloadavg(),
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
