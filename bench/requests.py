"""Tracing requests: intake to ranked candidates (p50/p95/p99) and bulk import rate, over a big index.

    python bench/requests.py [--persons 1000000] [--intakes 300] [--bulk 2000] [--concurrent 100]
                             [--out FILE.json]

As in bench/search.py, `athar synth` writes the lists for ``--persons`` people and the search index
is built from their records under their true person ids (linkage at a million persons takes most of
an hour and does not change what is measured here); both are kept in ``--workdir`` for the next run.
Each intake is a public-form request for one of those persons (another rendering of the name, from
persons.csv), stored in a fresh SQLite store with its sealed contact, record, event, audit entry and
outbox message, and ranked against the index: the time is `submit_request` end to end (wall clock
and CPU). The bulk phase imports one CSV of ``--bulk`` requests with candidates through
`import_requests`, as `athar requests import` does (ranked by the batched search,
`athar.search.batch`, in a pool of worker processes when two cores or more are idle:
`athar.requests.ranking`), with how often the true person comes first; then the same file ranked in
one process and in a pool of two whatever the load (the three must give the same candidates), and
without candidates, which is the cost of storing alone; then a file of ``--cold-bulk`` other
requests is imported by a new process, which loads the index and builds what it derives from it as
`athar requests import` does, timed from the process's start. CPU time counts the pool's workers (their
rusage), and the load average is written beside every figure: the machine is shared. The concurrent
phase starts a throwaway PostgreSQL (tests/postgres_server.py, durable settings) and submits
``--concurrent`` public-form requests at once from as many threads, then counts what was stored:
every submission answered with a reference, every reference stored once, no error.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

RESULTS = ROOT / "bench" / "results" / "requests.json"
BULK_COLUMNS = (
    "request_id",
    "given_name",
    "father_name",
    "family_name",
    "mother_name",
    "sex",
    "birth_date",
    "requester_name",
    "requester_relationship",
    "requester_phone",
    "requester_email",
    "circumstances",
)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def _form(p: dict, rng: random.Random, script: str) -> dict[str, str]:
    return {
        "given_name": p[f"given_name_{script}"],
        "father_name": p[f"father_name_{script}"],
        "family_name": p[f"family_name_{script}"],
        "mother_name": p[f"mother_name_{script}"],
        "sex": p["sex"],
        "birth_date": p["birth_date"][:4],
        "requester_name": "Bench Requester",
        "requester_relationship": "brother",
        "requester_phone": f"+96393{rng.randrange(10**6, 10**7)}",
        "requester_email": f"bench{rng.randrange(10**9, 10**10)}@example.org",
        "preferred_channel": "email",
        "language": "ar" if script == "ar" else "en",
    }


def run(args) -> dict:
    from search import cached_index, synthetic_lists  # bench/search.py

    from athar.protect import DataKey, FieldCipher, KeyRing
    from athar.requests.intake import submit_request
    from athar.store import open_store

    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="athar_bench_requests_"))
    report: dict = {
        "python": platform.python_version(),
        "cpus_visible": os.cpu_count(),
        "persons": args.persons,
        "load_average_at_start": [round(x, 1) for x in os.getloadavg()],
    }
    lists = synthetic_lists(workdir, args.persons, args.seed, report)
    index = cached_index(workdir, lists, args.persons, args.seed, report)
    report["persons_indexed"] = len(index)
    with (lists / "persons.csv").open(encoding="utf-8") as f:
        people = [p for p in csv.DictReader(f) if p["given_name_latin"]]
    rng = random.Random(args.seed)
    chosen = rng.sample(people, args.intakes + args.bulk)
    cipher = FieldCipher(KeyRing(DataKey.generate()))
    for old in workdir.glob("athar.db*"):  # the store of an earlier run in this --workdir
        old.unlink()
    engine = open_store(f"sqlite:///{workdir / 'athar.db'}")

    for p in chosen[:10]:  # warm-up: first-touch costs of the index and the store
        submit_request(engine, _form(p, rng, "latin"), "Bench Org", cipher, index)
    latencies, cpu, hits = [], [], 0
    for i, p in enumerate(chosen[10 : args.intakes]):
        t, c = time.perf_counter(), time.process_time()
        result = submit_request(engine, _form(p, rng, "ar" if i % 2 else "latin"), "Bench Org", cipher, index)
        latencies.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        hits += bool(result.candidates) and result.candidates[0]["person_id"] == p["person_id"]
    report["intake_ms"] = {
        "requests": len(latencies),
        "p50": round(_percentile(latencies, 50), 2),
        "p95": round(_percentile(latencies, 95), 2),
        "p99": round(_percentile(latencies, 99), 2),
        "max": round(max(latencies), 2),
    }
    # CPU time of each intake (one thread): what the wall clock would be on an idle core
    report["intake_cpu_ms"] = {
        "p50": round(_percentile(cpu, 50), 2),
        "p95": round(_percentile(cpu, 95), 2),
        "p99": round(_percentile(cpu, 99), 2),
    }
    report["intake_true_person_first"] = round(hits / len(latencies), 3)

    bulk_file = workdir / "requests.csv"
    with bulk_file.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, BULK_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for i, p in enumerate(chosen[args.intakes :]):
            writer.writerow(
                {
                    "request_id": f"B-{i}",
                    **_form(p, rng, "latin" if i % 2 else "ar"),
                    "circumstances": "taken_from_home",
                }
            )
    truth = [p["person_id"] for p in chosen[args.intakes :]]
    # as `athar requests import` ranks (a pool only when cores are idle), then in one process and
    # in a pool of two whatever the load: all three must give the same candidates
    result, report["bulk"] = _bulk(engine, bulk_file, "Bench Bulk Org", cipher, index, truth, None)
    alone, report["bulk_one_process"] = _bulk(engine, bulk_file, "Bench Bulk Org 1", cipher, index, truth, 0)
    pooled, report["bulk_pool_of_2"] = _bulk(engine, bulk_file, "Bench Bulk Org 3", cipher, index, truth, 2)
    answers = [[r["candidates"] for r in x.requests] for x in (result, alone, pooled)]
    report["bulk"]["same_candidates_one_process_and_pool"] = answers[0] == answers[1] == answers[2]
    report["candidate_search_cpu_ms_per_request"] = _search_cpu(index, chosen[args.intakes :][:500], rng)
    _result, report["bulk_without_candidates"] = _bulk(
        engine, bulk_file, "Bench Bulk Org 2", cipher, None, truth, 0
    )
    report["load_average_after_bulk"] = [round(x, 1) for x in os.getloadavg()]
    engine.dispose()
    if args.cold_bulk:
        report["bulk_cold_process"] = _cold_bulk(workdir, people, rng, args.cold_bulk)
    if args.concurrent:
        report["postgresql_concurrent"] = _concurrent(args.concurrent, chosen, rng, cipher, index)
    report["targets"] = {"intake_p95_ms": 300, "bulk_requests_per_second": 500, "concurrent_lost": 0}
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    report["cpu_seconds_total"] = round(sum(u.ru_utime + u.ru_stime for u in usage), 1)  # pools' too
    report["peak_rss_mib"] = round(usage[0].ru_maxrss / 1024, 1)
    report["load_average_at_end"] = [round(x, 1) for x in os.getloadavg()]
    return report


def _cpu_seconds() -> float:
    """CPU seconds of this process and of its children that have ended (a ranking pool's workers)."""
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    return sum(u.ru_utime + u.ru_stime for u in usage)


def _bulk(engine, bulk_file: Path, org: str, cipher, index, truth: list[str], workers: int | None):
    """One import of the bulk file (``workers``: as `import_requests` takes them), its wall and CPU
    time (the pool's workers included), the load beside them, and with candidates how often the
    true person comes first and among the candidates."""
    from athar.names.compare import _token_similarity
    from athar.requests.bulk import import_requests
    from athar.requests.ranking import busy_cores, pool_workers

    _token_similarity.cache_clear()  # each phase compares its names afresh
    if index is not None:
        index.__dict__.pop("vocab_table", None)  # and learns their features afresh
    load = [round(x, 1) for x in os.getloadavg()]
    busy = round(busy_cores(), 2)
    if workers is None and index is not None:
        workers = pool_workers(len(truth), load=busy)  # what import_requests decides now
    t, c = time.perf_counter(), _cpu_seconds()
    result = import_requests(engine, bulk_file, org, cipher, index, user="bench", workers=workers)
    seconds, cpu = time.perf_counter() - t, _cpu_seconds() - c
    out = {
        "rows": result.read,
        "stored": result.stored,
        "quarantined": result.quarantined,
        "ranking_workers": workers if index is not None else 0,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "cpu_ms_per_request": round(cpu / result.stored * 1000, 2),
        "requests_per_second": round(result.stored / seconds, 1),
        "requests_per_cpu_second": round(result.stored / cpu, 1),
        "load_average_before": load,
        "busy_cores_before": busy,
        "load_average_after": [round(x, 1) for x in os.getloadavg()],
    }
    if index is not None:
        firsts = [r["candidates"][0]["person_id"] if r["candidates"] else None for r in result.requests]
        found = [{c["person_id"] for c in r["candidates"]} for r in result.requests]
        out["with_candidates"] = sum(bool(r["candidates"]) for r in result.requests)
        out["true_person_first"] = round(
            sum(f == p for f, p in zip(firsts, truth, strict=True)) / len(truth), 4
        )
        out["true_person_in_candidates"] = round(
            sum(p in f for f, p in zip(found, truth, strict=True)) / len(truth), 4
        )
    return result, out


def _cold_bulk(workdir: Path, people: list[dict], rng: random.Random, n: int) -> dict:
    """A file of ``n`` other requests imported by a new process, as `athar requests import` runs:
    the index loaded from its file and its derived arrays built on first use (the phases above run
    in a process that has paid for them), the pool chosen as the importer chooses. The wall clock
    counts from the process's start (interpreter and imports included) to the import's end."""
    import subprocess

    path = workdir / "requests_cold.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, BULK_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for i, p in enumerate(rng.sample(people, n)):
            form = _form(p, rng, "latin" if i % 2 else "ar")
            writer.writerow({"request_id": f"C-{i}", **form, "circumstances": "taken_from_home"})
    load = [round(x, 1) for x in os.getloadavg()]
    t = time.perf_counter()
    child = subprocess.run(
        [sys.executable, __file__, "--cold-child", str(workdir), str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - t
    out = json.loads(child.stdout)
    out["seconds_from_process_start"] = round(seconds, 2)
    out["requests_per_second_from_process_start"] = round(out["stored"] / seconds, 1)
    out["load_average_before"] = load
    return out


def _cold_child(workdir: Path, path: Path) -> None:
    """The new process of `_cold_bulk`: prints its import's figures as JSON."""
    t0 = time.perf_counter()
    from athar.protect import DataKey, FieldCipher, KeyRing
    from athar.requests.bulk import import_requests
    from athar.requests.ranking import pool_workers
    from athar.search import PersonIndex
    from athar.store import open_store

    imported = time.perf_counter()
    index = PersonIndex.load(workdir / "built_index.npz")
    loaded = time.perf_counter()
    for old in workdir.glob("cold.db*"):
        old.unlink()
    engine = open_store(f"sqlite:///{workdir / 'cold.db'}")
    cipher = FieldCipher(KeyRing(DataKey.generate()))
    with path.open(encoding="utf-8") as f:
        rows = sum(1 for _ in f) - 1  # one request a line: the file's names hold no line break
    workers = pool_workers(rows)
    t, c = time.perf_counter(), _cpu_seconds()
    result = import_requests(engine, path, "Bench Cold Org", cipher, index, user="bench", workers=workers)
    seconds, cpu = time.perf_counter() - t, _cpu_seconds() - c
    report = {
        "rows": result.read,
        "stored": result.stored,
        "quarantined": result.quarantined,
        "ranking_workers": workers,
        "python_imports_seconds": round(imported - t0, 2),
        "index_load_seconds": round(loaded - imported, 2),
        "import_seconds": round(seconds, 2),
        "import_cpu_seconds": round(cpu, 2),
        "requests_per_second_of_the_import": round(result.stored / seconds, 1),
        "with_candidates": sum(bool(r["candidates"]) for r in result.requests),
    }
    print(json.dumps(report))


def _search_cpu(index, people: list[dict], rng: random.Random) -> dict:
    """CPU milliseconds per request of ranking candidates one at a time and batched, on the same
    requests (CPU time: the wall clock of a shared machine says more about the neighbours)."""
    from athar.names.compare import _token_similarity
    from athar.requests.intake import rank_candidates, rank_many

    records = [
        {k: v or None for k, v in _form(p, rng, "latin" if i % 2 else "ar").items() if k in BULK_COLUMNS}
        for i, p in enumerate(people)
    ]
    _token_similarity.cache_clear()
    index.__dict__.pop("vocab_table", None)
    t = time.process_time()
    alone = [rank_candidates(index, r) for r in records]
    single = time.process_time() - t
    _token_similarity.cache_clear()
    index.__dict__.pop("vocab_table", None)
    t = time.process_time()
    batched = rank_many(index, [(r, None) for r in records])
    many = time.process_time() - t
    return {
        "requests": len(records),
        "one_at_a_time": round(single / len(records) * 1000, 2),
        "batched": round(many / len(records) * 1000, 2),
        "same_candidates": alone == batched,
    }


def _concurrent(n: int, chosen: list[dict], rng: random.Random, cipher, index) -> dict:
    """``n`` public-form submissions at once on PostgreSQL: how many were answered, stored, lost."""
    from concurrent.futures import ThreadPoolExecutor

    from sqlalchemy import func, select

    from athar.requests.intake import submit_request
    from athar.store import open_store
    from athar.store.tables import TracingRequest
    from tests import postgres_server

    bindir = postgres_server.find_bindir()
    if bindir is None:
        return {"skipped": "no PostgreSQL binaries (initdb) on this machine"}
    server = postgres_server.start(bindir, durable=True)
    try:
        engine = open_store(server.url("postgres"))
        forms = [_form(p, rng, "ar" if i % 2 else "latin") for i, p in enumerate(chosen[:n])]
        # The organisation exists before the public form is opened to families.
        submit_request(engine, forms[0], "Bench PG Org", cipher, index)

        def submit(form: dict[str, str]) -> tuple[str | None, str | None, float]:
            t = time.perf_counter()
            try:
                result = submit_request(engine, form, "Bench PG Org", cipher, index)
            except Exception as e:
                return None, type(e).__name__, time.perf_counter() - t
            return result.reference, None, time.perf_counter() - t

        t = time.perf_counter()
        with ThreadPoolExecutor(max_workers=n) as pool:
            outcomes = list(pool.map(submit, forms))
        wall = time.perf_counter() - t
        references = [r for r, _e, _s in outcomes if r]
        with engine.connect() as conn:
            stored = conn.execute(
                select(func.count()).where(TracingRequest.reference.in_(references))
            ).scalar_one()
            total = conn.execute(select(func.count()).select_from(TracingRequest)).scalar_one()
        engine.dispose()
    finally:
        server.stop()
    errors: dict[str, int] = {}
    for _r, e, _s in outcomes:
        if e:
            errors[e] = errors.get(e, 0) + 1
    latencies = [s * 1000 for _r, _e, s in outcomes]
    return {
        "submissions": n,
        "answered": len(references),
        "stored": stored,
        "requests_in_store": total,  # the submissions and the one made before
        "lost": n - stored,
        "errors": errors,
        "distinct_references": len(set(references)),
        "wall_seconds": round(wall, 2),
        "p95_ms": round(_percentile(latencies, 95), 1),
        "max_ms": round(max(latencies), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--intakes", type=int, default=300)
    parser.add_argument("--bulk", type=int, default=2000)
    parser.add_argument("--concurrent", type=int, default=100, help="0: skip the PostgreSQL phase")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir")
    parser.add_argument("--out", default=str(RESULTS))
    parser.add_argument(
        "--cold-bulk", type=int, default=10_000, help="requests imported by a new process (0: skip)"
    )
    parser.add_argument("--cold-child", nargs=2, metavar=("WORKDIR", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cold_child:
        _cold_child(Path(args.cold_child[0]), Path(args.cold_child[1]))
        return
    report = run(args)
    text = json.dumps(report, indent=1, ensure_ascii=False)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
