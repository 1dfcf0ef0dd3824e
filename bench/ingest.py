"""Rows per second for importing synthetic lists into SQLite and PostgreSQL.

    python bench/ingest.py [--records 1000000] [--engines sqlite,postgresql] [--out bench/results/ingest.json]

Generates `athar synth` lists holding about --records rows in all, then imports the four lists into a
fresh store per engine, each engine in its own process (so peak memory is that engine's). PostgreSQL is
a throwaway local cluster started from the machine's binaries (skipped, and said so, when absent).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from athar.ingest import import_file  # noqa: E402
from athar.store import open_store  # noqa: E402
from athar.synth import generate  # noqa: E402
from athar.synth.inclusion import SOURCES  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "ingest.json"


def _records_per_person(seed: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        summary = generate(Path(tmp), persons=20_000, seed=seed)
    return sum(summary.records_by_source.values()) / summary.persons


def _import_all(url: str, lists_dir: str, queue: mp.Queue) -> None:
    engine = open_store(url)
    per_file = []
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for source in SOURCES:
        name = f"{source}.csv"
        t0 = time.perf_counter()
        result = import_file(engine, Path(lists_dir) / name, source, user="bench")
        per_file.append(
            {
                "file": name,
                "rows": result.read,
                "stored": result.stored,
                "quarantined": result.quarantined,
                "seconds": round(time.perf_counter() - t0, 2),
            }
        )
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    rows = sum(f["rows"] for f in per_file)
    queue.put(
        {
            "rows": rows,
            "seconds": round(wall, 2),
            "cpu_seconds": round(cpu, 2),
            "rows_per_second": round(rows / wall),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "files": per_file,
        }
    )
    engine.dispose()


def _run(url: str, lists_dir: Path) -> dict:
    ctx = mp.get_context("spawn")
    queue: mp.Queue = ctx.Queue()
    proc = ctx.Process(target=_import_all, args=(url, str(lists_dir), queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    engines = args.engines.split(",")

    persons = round(args.records / _records_per_person(args.seed))
    report: dict = {
        "benchmark": "ingest",
        "target_records": args.records,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load_avg": os.getloadavg()},
        "results": {},
    }
    with tempfile.TemporaryDirectory() as tmp:
        lists_dir = Path(tmp) / "lists"
        t0 = time.perf_counter()
        summary = generate(lists_dir, persons=persons, seed=args.seed)
        report["synth"] = {
            "persons": persons,
            "records": sum(summary.records_by_source.values()),
            "seconds": round(time.perf_counter() - t0, 1),
        }
        if "sqlite" in engines:
            report["results"]["sqlite"] = _run(f"sqlite:///{Path(tmp) / 'bench.db'}", lists_dir)
            print("sqlite", json.dumps(report["results"]["sqlite"]), file=sys.stderr)
        if "postgresql" in engines:
            from tests import postgres_server

            bindir = postgres_server.find_bindir()
            if bindir is None:
                report["results"]["postgresql"] = {
                    "skipped": "no PostgreSQL binaries (initdb) on this machine"
                }
                print("postgresql skipped: no PostgreSQL binaries on this machine", file=sys.stderr)
            else:
                server = postgres_server.start(bindir, durable=True)
                try:
                    report["results"]["postgresql"] = _run(server.url("postgres"), lists_dir)
                finally:
                    server.stop()
                print("postgresql", json.dumps(report["results"]["postgresql"]), file=sys.stderr)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return report


if __name__ == "__main__":
    main()
