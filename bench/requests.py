"""Tracing requests: intake to ranked candidates (p50/p95/p99) and bulk import rate, over a big index.

    python bench/requests.py [--persons 1000000] [--intakes 300] [--bulk 2000] [--out FILE.json]

As in bench/search.py, `athar synth` writes the lists for ``--persons`` people and the search index
is built from their records under their true person ids (linkage at a million persons takes most of
an hour and does not change what is measured here). Each intake is a public-form request for one of
those persons (another rendering of the name, from persons.csv), stored in a fresh SQLite store with
its sealed contact, record, event, audit entry and outbox message, and ranked against the index:
the time is `submit_request` end to end. The bulk phase imports one CSV of ``--bulk`` requests with
candidates through `import_requests`, as `athar requests import` does.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
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
    from search import list_records  # bench/search.py

    from athar.protect import DataKey, FieldCipher, KeyRing
    from athar.requests.bulk import import_requests
    from athar.requests.intake import submit_request
    from athar.search import PersonIndex
    from athar.store import open_store
    from athar.synth import generate

    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="athar_bench_requests_"))
    report: dict = {
        "python": platform.python_version(),
        "cpus_visible": os.cpu_count(),
        "persons": args.persons,
    }
    lists = workdir / "lists"
    t = time.perf_counter()
    generate(lists, persons=args.persons, seed=args.seed)
    report["synth_seconds"] = round(time.perf_counter() - t, 1)
    t = time.perf_counter()
    index = PersonIndex.from_records(list_records(lists))
    report["index_build_seconds"] = round(time.perf_counter() - t, 1)
    report["persons_indexed"] = len(index)
    with (lists / "persons.csv").open(encoding="utf-8") as f:
        people = [p for p in csv.DictReader(f) if p["given_name_latin"]]
    rng = random.Random(args.seed)
    chosen = rng.sample(people, args.intakes + args.bulk)
    cipher = FieldCipher(KeyRing(DataKey.generate()))
    engine = open_store(f"sqlite:///{workdir / 'athar.db'}")

    for p in chosen[:10]:  # warm-up: first-touch costs of the index and the store
        submit_request(engine, _form(p, rng, "latin"), "Bench Org", cipher, index)
    latencies, hits = [], 0
    for i, p in enumerate(chosen[10 : args.intakes]):
        t = time.perf_counter()
        result = submit_request(engine, _form(p, rng, "ar" if i % 2 else "latin"), "Bench Org", cipher, index)
        latencies.append((time.perf_counter() - t) * 1000)
        hits += bool(result.candidates) and result.candidates[0]["person_id"] == p["person_id"]
    report["intake_ms"] = {
        "requests": len(latencies),
        "p50": round(_percentile(latencies, 50), 2),
        "p95": round(_percentile(latencies, 95), 2),
        "p99": round(_percentile(latencies, 99), 2),
        "max": round(max(latencies), 2),
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
    t = time.perf_counter()
    result = import_requests(engine, bulk_file, "Bench Bulk Org", cipher, index, user="bench")
    seconds = time.perf_counter() - t
    report["bulk"] = {
        "rows": result.read,
        "stored": result.stored,
        "quarantined": result.quarantined,
        "seconds": round(seconds, 2),
        "requests_per_second": round(result.stored / seconds, 1),
        "with_candidates": sum(bool(r["candidates"]) for r in result.requests),
    }
    t = time.perf_counter()
    result = import_requests(engine, bulk_file, "Bench Bulk Org 2", cipher, None, user="bench")
    report["bulk_without_candidates_requests_per_second"] = round(
        result.stored / (time.perf_counter() - t), 1
    )
    engine.dispose()
    report["targets"] = {"intake_p95_ms": 300, "bulk_requests_per_second": 500}
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--intakes", type=int, default=300)
    parser.add_argument("--bulk", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir")
    parser.add_argument("--out", default=str(RESULTS))
    args = parser.parse_args()
    report = run(args)
    text = json.dumps(report, indent=1, ensure_ascii=False)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
