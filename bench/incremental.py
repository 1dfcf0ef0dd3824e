"""Incremental linkage: a new list of 10,000 records into a linked store, timed step by step.

    nice -n 10 python bench/incremental.py [--persons 200000] [--new 10000] [--seed 1]
        [--compare-full] [--out bench/results/incremental.json]

`athar synth` lists for `--persons` persons; the last `--new` rows of the families' reports are held
back as a second families' list (same kind, so the model is not stale for it). The rest is imported
into a fresh SQLite store and linked in full; then the held-back list is imported and `athar link`
runs incrementally (only pairs with a new record are scored, with the saved model). The JSON gives
both runs' seconds and peak memory per step, how many person ids the incremental run kept, and the
accuracy of its persons against truth.csv. With `--compare-full`, a full run (retrained) follows on
the same store, and the JSON also gives its accuracy and how far the two partitions agree.

Each run is in its own process so that its peak memory is its own.
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing as mp
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.linkage import _peak_rss_mib, score  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "incremental.json"
THRESHOLD = 0.9
HELD_BACK_SOURCE = "families_late"


def hold_back(lists: Path, new: int) -> Path:
    """Move the last `new` rows of families.csv into families_late.csv (same header); returns it."""
    path = lists / "families.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    if new >= len(body):
        raise SystemExit(f"families.csv has only {len(body):,} rows: ask for fewer --new")
    late = lists / f"{HELD_BACK_SOURCE}.csv"
    for target, part in ((path, body[:-new]), (late, body[-new:])):
        with target.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(header)
            writer.writerows(part)
    return late


def _link(db: str, full: bool, queue: mp.Queue) -> None:
    from athar.exports import current_records
    from athar.linkage.run import LinkOptions, link
    from athar.store import open_store

    engine = open_store(db)
    t0 = time.perf_counter()
    summary = link(engine, LinkOptions(full=full, threshold=THRESHOLD, user="bench"))
    seconds = time.perf_counter() - t0
    assignment = {(r["source"], r["record_id"]): r["person_id"] for r in current_records(engine)}
    queue.put(
        {
            "mode": summary.mode,
            "seconds": round(seconds, 1),
            "steps": summary.seconds,
            "peak_rss_mib_after_step": summary.peak_rss_mib,
            "records": summary.records,
            "new_records": summary.new_records,
            "pairs_scored": summary.pairs_scored,
            "persons": summary.persons,
            "persons_created": summary.persons_created,
            "merges": summary.merges,
            "splits": summary.splits,
            "model_stale": summary.model_stale,
            "peak_rss_mib": _peak_rss_mib(),
            "assignment": assignment,
        }
    )


def _in_process(db: str, full: bool) -> dict:
    queue: mp.Queue = mp.Queue()
    process = mp.get_context("fork").Process(target=_link, args=(db, full, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def partition_agreement(a: dict, b: dict) -> dict:
    """How far two assignments of the same records agree as partitions: pairwise F1 of one against the
    other, and how many records sit in a person whose record set differs."""
    groups_a: dict = {}
    groups_b: dict = {}
    for key, pid in a.items():
        groups_a.setdefault(pid, set()).add(key)
    for key, pid in b.items():
        groups_b.setdefault(pid, set()).add(key)
    sets_b = {frozenset(s) for s in groups_b.values()}
    differing = sum(len(s) for s in groups_a.values() if frozenset(s) not in sets_b)
    return {"pairwise": score(a, b), "records_in_differing_persons": differing}


def run(persons: int, new: int, seed: int, workdir: Path, compare_full: bool) -> dict:
    from athar.demo import SYNTHETIC_KINDS, import_synthetic_lists
    from athar.ingest import import_file
    from athar.store import open_store
    from athar.synth import generate

    lists = workdir / f"lists-{persons}"
    t0 = time.perf_counter()
    generate(lists, persons=persons, seed=seed)
    synth_seconds = time.perf_counter() - t0
    late = hold_back(lists, new)
    with (lists / "truth.csv").open(encoding="utf-8") as f:
        truth = {(r["source"], r["record_id"]): r["person_id"] for r in csv.DictReader(f)}
    truth.update({(HELD_BACK_SOURCE, k[1]): v for k, v in truth.items() if k[0] == "families"})

    db = str(workdir / f"athar-{persons}.db")
    engine = open_store(db)
    t0 = time.perf_counter()
    import_synthetic_lists(engine, lists, user="bench")
    import_seconds = time.perf_counter() - t0
    engine.dispose()

    first = _in_process(db, full=True)
    engine = open_store(db)
    t0 = time.perf_counter()
    import_file(engine, late, HELD_BACK_SOURCE, user="bench", kind=SYNTHETIC_KINDS["families"])
    new_import_seconds = time.perf_counter() - t0
    engine.dispose()
    incremental = _in_process(db, full=False)

    before, after = first.pop("assignment"), incremental.pop("assignment")
    kept = sum(1 for k, pid in before.items() if after.get(k) == pid)
    result = {
        "persons": persons,
        "records_before": first["records"],
        "new_records": incremental["new_records"],
        "synth_seconds": round(synth_seconds, 1),
        "import_seconds": round(import_seconds, 1),
        "new_list_import_seconds": round(new_import_seconds, 1),
        "full_before": first,
        "incremental": {
            **incremental,
            "records_keeping_their_person_id": kept,
            "records_before": len(before),
            "accuracy": score(after, truth),
        },
    }
    if compare_full:
        full = _in_process(db, full=True)
        assignment = full.pop("assignment")
        result["full_after"] = {**full, "accuracy": score(assignment, truth)}
        result["incremental_against_full_after"] = partition_agreement(after, assignment)
    return result


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", default="200000", help="comma-separated sizes")
    parser.add_argument("--new", type=int, default=10_000, help="records in the new list")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--compare-full", action="store_true", help="also retrain in full and compare")
    parser.add_argument("--out", default=str(RESULTS))
    args = parser.parse_args(argv)
    started = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="athar-bench-incremental-") as tmp:
        sizes = [
            run(int(n), args.new, args.seed, Path(tmp), args.compare_full) for n in args.persons.split(",")
        ]
    out = {
        "benchmark": "incremental linkage",
        "threshold": THRESHOLD,
        "cpus": os.cpu_count(),
        "load_avg_at_start": list(started),
        "sizes": sizes,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(out, indent=1))
    return out


if __name__ == "__main__":
    main()
