"""Linkage on a Spark standalone cluster that the bench starts and stops itself, checked against DuckDB.

    python bench/spark.py --persons 20000 --compare-persons 5000
    python bench/spark.py --persons 875000 --compare-persons 0 --driver-memory 6g  # a million records,
        # the whole store compared with DuckDB's persons
    python bench/spark.py --persons 4400000 --compare-persons 690000 --partitions 64 \\
        --worker-memory 10g --executor-memory 9g --driver-memory 8g     # the issue's 5M / 1M records

Synthetic lists of `--persons` persons (about 1.14 records each, counting those in no list) are
imported into a SQLite store; a master and `--workers` workers start on 127.0.0.1
(athar.linkage.spark_cluster), and `athar link --engine spark --spark-master spark://… --full` links
the store on them, as a user would, while /proc is sampled for the resident memory of the driver
(Athar's Python and its JVM), the executors and the daemons. Then a subset of the same lists (every
record of the first `--compare-persons` listed persons of the truth, about 1.45 records each, so
duplicates stay together) is linked on the cluster and on DuckDB, and the two partitions are
compared: the share of records whose fellow members are the same, the pairs each scored, and each
one's pairwise precision and recall against the truth.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.linkage import score  # noqa: E402
from bench.process_memory import PeakMemory  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "spark.json"
LISTS = ("families", "detention", "returnees", "morgue")
ATHAR = Path(sys.executable).parent / "athar"


def same_partition(a: dict, b: dict) -> float:
    """Share of records whose fellow members are the same under both partitions (as in
    tests/test_linkage_spark.py)."""

    def groups(assignment: dict) -> dict:
        out: dict = defaultdict(set)
        for key, pid in assignment.items():
            out[pid].add(key)
        return {key: frozenset(out[pid]) for key, pid in assignment.items()}

    ga, gb = groups(a), groups(b)
    return sum(ga[k] == gb[k] for k in a) / len(a)


def read_truth(lists: Path) -> dict[tuple[str, str], str]:
    with (lists / "truth.csv").open(encoding="utf-8") as f:
        return {(r["source"], r["record_id"]): r["person_id"] for r in csv.DictReader(f)}


def write_subset(lists: Path, out: Path, persons: int) -> None:
    """The lists' rows of the first `persons` listed persons (by id), with their truth, each list in
    its own encoding (the detention register is Windows-1256)."""
    from athar.ingest.encoding import decode

    truth = read_truth(lists)
    keep = set(sorted(set(truth.values()))[:persons])
    out.mkdir(parents=True, exist_ok=True)
    for name in LISTS:
        path = lists / f"{name}.csv"
        decoded = decode(path.read_bytes(), str(path))
        reader = csv.DictReader(io.StringIO(decoded.text, newline=""))
        fields = list(reader.fieldnames or [])
        record_id = fields[0]  # every synthetic list starts with its record number, under its own header
        rows = [r for r in reader if truth[(name, r[record_id])] in keep]
        with (out / f"{name}.csv").open(
            "w", encoding=decoded.encoding, errors="surrogateescape", newline=""
        ) as f:
            writer = csv.DictWriter(f, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)
    with (out / "truth.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["source", "record_id", "person_id"])
        writer.writerows([s, r, p] for (s, r), p in truth.items() if p in keep)


def import_lists(lists: Path, db: Path) -> float:
    from athar.demo import import_synthetic_lists
    from athar.store import open_store

    t0 = time.perf_counter()
    engine = open_store(str(db))
    import_synthetic_lists(engine, lists, user="bench")
    engine.dispose()
    return round(time.perf_counter() - t0, 1)


def assignment_of(db: Path) -> dict:
    from athar.exports import current_records
    from athar.store import open_store

    engine = open_store(str(db))
    out = {(r["source"], r["record_id"]): r["person_id"] for r in current_records(engine)}
    engine.dispose()
    return out


def athar_link(db: Path, env: dict[str, str], *engine_args: str, cluster_groups: Sequence[int] = ()) -> dict:
    """`athar link --full --json` in its own process, with its memory (and the cluster's) sampled."""
    t0 = time.perf_counter()
    command = [str(ATHAR), "link", "--full", "--json", "--db", str(db), *engine_args]
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    with (
        subprocess.Popen(command, env=env, text=True, **pipes) as proc,
        PeakMemory(proc.pid, cluster_groups) as memory,
    ):
        stdout, stderr = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{stderr[-4000:]}")
    summary = json.loads(stdout.strip().splitlines()[-1])
    return {
        "seconds": round(time.perf_counter() - t0, 1),
        "steps": summary["seconds"],
        "records": summary["records"],
        "pairs_scored": summary["pairs_scored"],
        "persons": summary["persons"],
        "memory": memory.as_json(),
    }


def spark_env(args: argparse.Namespace, checkpoints: Path) -> dict[str, str]:
    return {
        **os.environ,
        "ATHAR_SPARK_DRIVER_MEMORY": args.driver_memory,
        "ATHAR_SPARK_EXECUTOR_MEMORY": args.executor_memory,
        "ATHAR_SPARK_PARTITIONS": str(args.partitions),
        "ATHAR_SPARK_CHECKPOINT_DIR": str(checkpoints),
    }


def main(argv: list[str] | None = None) -> dict:
    from athar.linkage.spark_cluster import ClusterSpec, live_processes, standalone_cluster
    from athar.synth import generate

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=20000)
    parser.add_argument(
        "--compare-persons",
        type=int,
        default=5000,
        help="link a subset of this many listed persons on both engines; 0: the full store itself",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cores-per-worker", type=int, default=1)
    parser.add_argument("--worker-memory", default="3g")
    parser.add_argument("--executor-memory", default="2g")
    parser.add_argument("--driver-memory", default="4g")
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--workdir", type=Path, default=None, help="keep lists, stores and logs here")
    parser.add_argument(
        "--store",
        type=Path,
        default=None,
        help="a store these lists were imported into (the workdir's lists-PERSONS-SEED, kept from an"
        " earlier run): copied rather than generating and importing again",
    )
    args = parser.parse_args(argv)

    report: dict = {
        "benchmark": "spark",
        "cpus": os.cpu_count(),
        "load_avg_at_start": os.getloadavg(),
        "cluster": {
            "kind": "Spark standalone on 127.0.0.1, started and stopped by the bench",
            "workers": args.workers,
            "cores_per_worker": args.cores_per_worker,
            "worker_memory": args.worker_memory,
            "executor_memory": args.executor_memory,
            "driver_memory": args.driver_memory,
            "shuffle_partitions": args.partitions,
        },
        "persons": args.persons,
    }
    with tempfile.TemporaryDirectory() as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        lists, subset = work / f"lists-{args.persons}-{args.seed}", work / f"subset-{args.compare_persons}"
        full_db = work / "full.db"
        subset_spark_db, subset_duck_db = work / "subset-spark.db", work / "subset-duck.db"
        for db in (full_db, subset_spark_db, subset_duck_db):
            db.unlink(missing_ok=True)
        if args.store is not None:  # lists and store made by an earlier run: neither made again
            if not (lists / "truth.csv").is_file():
                parser.error(f"--store needs the lists it was imported from in {lists}")
            shutil.copyfile(args.store, full_db)
            report["store_copied_from"] = str(args.store)
        else:
            t0 = time.perf_counter()
            generate(lists, persons=args.persons, seed=args.seed)
            report["synth_seconds"] = round(time.perf_counter() - t0, 1)
            report["import_seconds"] = import_lists(lists, full_db)
        compared_whole = args.compare_persons == 0
        if compared_whole:  # the full run itself is compared: DuckDB links a copy of the store
            subset = lists
            shutil.copyfile(full_db, subset_duck_db)
        else:
            write_subset(lists, subset, args.compare_persons)
            import_lists(subset, subset_spark_db)
            import_lists(subset, subset_duck_db)

        spec = ClusterSpec(
            workers=args.workers, cores_per_worker=args.cores_per_worker, memory_per_worker=args.worker_memory
        )
        env = spark_env(args, work / "checkpoints")
        t0 = time.perf_counter()
        with standalone_cluster(spec, logs=work / "cluster") as cluster:
            report["cluster"]["start_seconds"] = round(time.perf_counter() - t0, 1)
            master = ("--engine", "spark", "--spark-master", cluster.master_url)
            report["spark"] = athar_link(full_db, env, *master, cluster_groups=cluster.pids)
            print("spark", json.dumps(report["spark"]), file=sys.stderr)
            save(report, args.out)  # the long run is kept if what follows fails
            if compared_whole:
                subset_spark_db, subset_on_spark = full_db, report["spark"]
            else:
                subset_on_spark = athar_link(subset_spark_db, env, *master, cluster_groups=cluster.pids)
            apps = cluster.status()["completedapps"]
            report["cluster"]["apps_run"] = [{"name": a["name"], "cores": a["cores"]} for a in apps]
            daemons = cluster.pids
        report["cluster"]["processes_left_after_stop"] = len(live_processes(daemons))
        subset_on_duckdb = athar_link(subset_duck_db, env, "--engine", "duckdb")
        truth = read_truth(subset)
        on_spark, on_duckdb = assignment_of(subset_spark_db), assignment_of(subset_duck_db)
        report["subset"] = {
            "persons": args.compare_persons or args.persons,
            "whole_store": compared_whole,
            "records": len(truth),
            "spark": {**subset_on_spark, "accuracy": score(on_spark, truth)},
            "duckdb": {**subset_on_duckdb, "accuracy": score(on_duckdb, truth)},
            "same_partition": round(same_partition(on_duckdb, on_spark), 4),
            "pairs_scored_ratio_spark_to_duckdb": round(
                subset_on_spark["pairs_scored"] / max(1, subset_on_duckdb["pairs_scored"]), 4
            ),
        }
    save(report, args.out)
    return report


def save(report: dict, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
