"""Load on the web application: concurrent staff signing in, then reviewing pairs and opening persons.

    python bench/load.py [--users 50] [--seconds 30] [--persons 1000] [--out bench/results/load.json]

Builds a linked store of synthetic lists in a temporary folder, serves it with `athar serve
--insecure-http` (one uvicorn process, as deployed) on 127.0.0.1 only, and runs --users asyncio clients
(httpx), each with its own cookies: GET /login, POST /login (argon2), then in a loop GET /dashboard,
GET /review, POST /review/judgements (same/different/unsure at random, CSRF token from the page),
GET /persons/{id}, GET /api/v1/sources. Stops by itself after --seconds (every request has a 30 s
timeout; the run is cancelled at --seconds + 30). Writes p50/p95/max latency and error counts per route.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx

HOST = "127.0.0.1"
PASSWORD = "load test password, long enough"
CSRF = re.compile(r'name="csrf-token" content="([0-9a-f]+)"')


def build_store(folder: Path, persons: int, users: int) -> tuple[str, list[str], str]:
    """A linked store, `users` investigators of Alpha (which owns the families list), persons to open."""
    from sqlalchemy import select, update

    from athar.accounts.organisations import ensure_organisation
    from athar.accounts.tokens import create_token
    from athar.accounts.users import create_user
    from athar.ingest import import_file
    from athar.linkage.run import LinkOptions, link
    from athar.store import open_store
    from athar.store.tables import Membership, Source
    from athar.synth import generate

    generate(folder, persons=persons, seed=7)
    path = folder / "athar.db"
    engine = open_store(str(path))
    for name in ("families", "detention", "returnees", "morgue"):
        import_file(engine, folder / f"{name}.csv", name)
    link(engine, LinkOptions(user="load"))
    with engine.begin() as conn:
        org = ensure_organisation(conn, "Alpha")
        conn.execute(update(Source).where(Source.name == "families").values(organisation_id=org))
        person_ids = list(conn.execute(select(Membership.person_id).distinct().limit(2000)).scalars())
    for i in range(users):
        create_user(engine, f"load-{i:02d}", "investigator", "Alpha", PASSWORD)
    token = create_token(engine, "Alpha", "investigator", label="load")
    engine.dispose()
    return str(path), person_ids, token


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(db: str, port: int) -> subprocess.Popen:
    code = (
        f"from athar.web.server import serve; serve({db!r}, host={HOST!r}, port={port}, insecure_http=True)"
    )
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen([sys.executable, "-c", code], env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://{HOST}:{port}/login", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the server did not start")


class Stats:
    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    async def call(self, client: httpx.AsyncClient, route: str, method: str, url: str, ok=(200,), **kw):
        start = time.perf_counter()
        try:
            response = await client.request(method, url, **kw)
        except httpx.HTTPError as error:
            self.errors[route][type(error).__name__] += 1
            return None
        self.latency[route].append(time.perf_counter() - start)
        if response.status_code not in ok:
            self.errors[route][str(response.status_code)] += 1
        return response


async def user(n: int, base: str, persons: list[str], token: str, stats: Stats, stop: float) -> None:
    rng = random.Random(n)
    async with httpx.AsyncClient(base_url=base, timeout=30, follow_redirects=False) as client:
        page = await stats.call(client, "GET /login", "GET", "/login")
        if page is None:
            return
        data = {"name": f"load-{n:02d}", "password": PASSWORD, "csrf_token": CSRF.search(page.text).group(1)}
        signed = await stats.call(client, "POST /login", "POST", "/login", ok=(303,), data=data)
        if signed is None or signed.status_code != 303:
            return
        while time.monotonic() < stop:
            await stats.call(client, "GET /dashboard", "GET", "/dashboard")
            review = await stats.call(client, "GET /review", "GET", "/review")
            left = review and re.search(r'name="left" value="([^"]+)"', review.text)
            if left and rng.random() < 0.5:
                right = re.search(r'name="right" value="([^"]+)"', review.text).group(1)
                form = {
                    "csrf_token": CSRF.search(review.text).group(1),
                    "left": left.group(1),
                    "right": right,
                    "decision": rng.choice(("same", "different", "unsure")),
                }
                await stats.call(
                    client, "POST /review/judgements", "POST", "/review/judgements", ok=(303,), data=form
                )
            await stats.call(
                client, "GET /persons/{id}", "GET", f"/persons/{rng.choice(persons)}", ok=(200, 404)
            )
            await stats.call(
                client, "GET /api/v1/sources", "GET", "/api/v1/sources",
                headers={"Authorization": f"Bearer {token}"},
            )  # fmt: skip


async def run(base: str, users: int, seconds: float, persons: list[str], token: str) -> Stats:
    stats = Stats()
    stop = time.monotonic() + seconds
    tasks = [user(n, base, persons, token, stats, stop) for n in range(users)]
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=seconds + 30)
    return stats


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--persons", type=int, default=1000)
    parser.add_argument("--out", default="bench/results/load.json")
    args = parser.parse_args()
    if not 1 <= args.users <= 200 or not 1 <= args.seconds <= 600:
        parser.error("--users 1..200 and --seconds 1..600 keep the run bounded")

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        db, persons, token = build_store(Path(tmp), args.persons, args.users)
        print(f"store built in {time.perf_counter() - t0:.1f} s; {len(persons)} persons", file=sys.stderr)
        port = free_port()
        server = start_server(db, port)
        try:
            started = time.perf_counter()
            stats = asyncio.run(run(f"http://{HOST}:{port}", args.users, args.seconds, persons, token))
            elapsed = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(10)

    routes = {}
    for route, values in sorted(stats.latency.items()):
        routes[route] = {
            "requests": len(values),
            "p50_ms": round(percentile(values, 50) * 1000, 1),
            "p95_ms": round(percentile(values, 95) * 1000, 1),
            "max_ms": round(max(values) * 1000, 1),
            "errors": dict(stats.errors.get(route, {})),
        }
    total = sum(r["requests"] for r in routes.values())
    result = {
        "benchmark": "web load: concurrent signed-in staff on one uvicorn process, SQLite store",
        "users": args.users,
        "seconds": round(elapsed, 1),
        "persons_in_synthetic_lists": args.persons,
        "requests": total,
        "requests_per_second": round(total / elapsed, 1),
        "errors": sum(sum(r["errors"].values()) for r in routes.values()),
        "routes": routes,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
