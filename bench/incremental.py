"""Incremental linkage: a new list of 10,000 records into a linked store, timed step by step.

    nice -n 10 python bench/incremental.py [--persons 200000] [--new 10000] [--seed 1]
        [--workdir DIR] [--relink] [--trials N] [--profile] [--compare-full]
        [--out bench/results/incremental.json]

`athar synth` lists for `--persons` persons; the last `--new` rows of the families' reports are held
back as a second families' list (same kind, so the model is not stale for it). The rest is imported
into a fresh SQLite store and linked in full; then the held-back list is imported and `athar link`
runs incrementally (only pairs with a new record are scored, with the saved model). The JSON gives
both runs' seconds (wall and CPU, this process and its forked helpers) and peak memory per step,
how many person ids the incremental run kept, and the accuracy of its persons against truth.csv.
With `--compare-full`, a full run (retrained) follows on the same store, and the JSON also gives its
accuracy and how far the two partitions agree.

With `--workdir`, each stage is kept in `DIR/persons-N/` and reused by the next call: the lists,
the imported store (`imported.db`), and the store linked in full with the files beside it
(`base.db`, `base.*`); `--relink` links `imported.db` in full again (after a change to what a full
run writes). Each incremental trial links a copy of `base.db` and the files beside it, so trials can
be repeated (`--trials`) and the base stays as the full run left it. Without `--workdir` everything
is in a temporary folder.

Each run is in its own process so that its peak memory and CPU time are its own.
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing as mp
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.linkage import THRESHOLD, _peak_rss_mib, profile_summary, score  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "incremental.json"
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


def cpu_seconds() -> float:
    """CPU time of this process and of the children it has waited for (the features step's forked
    half), user and system."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _link(db: str, full: bool, profile: bool, queue: mp.Queue) -> None:
    from athar.exports import current_records
    from athar.linkage.run import LinkOptions, link
    from athar.store import open_store

    engine = open_store(db)
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    t0, c0 = time.perf_counter(), cpu_seconds()
    summary = link(engine, LinkOptions(full=full, threshold=THRESHOLD, user="bench"))
    seconds, cpu = time.perf_counter() - t0, cpu_seconds() - c0
    extra = {}
    if profiler is not None:
        import pstats

        profiler.disable()
        extra = {"profile": profile_summary(pstats.Stats(profiler))}
    assignment = {(r["source"], r["record_id"]): r["person_id"] for r in current_records(engine)}
    queue.put(
        {
            "mode": summary.mode,
            "seconds": round(seconds, 1),
            "cpu_seconds": round(cpu, 1),
            "steps": summary.seconds,
            "cpu_seconds_per_step": summary.cpu_seconds,
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
            "load_avg_after": list(os.getloadavg()),
            **extra,
            "assignment": assignment,
        }
    )


def _in_process(db: str, full: bool, profile: bool = False) -> dict:
    queue: mp.Queue = mp.Queue()
    process = mp.get_context("fork").Process(target=_link, args=(db, full, profile, queue))
    load_before = list(os.getloadavg())
    process.start()
    result = queue.get()
    process.join()
    return {**result, "load_avg_before": load_before}


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


def copy_store(store: Path, to: Path) -> None:
    """`store` and the files and folders beside it that share its stem (`base.db`,
    `base.linkage-features/`, `base.search.npz`, ...) as `to` and the same under its stem; what `to`
    had is removed first."""
    for old in to.parent.glob(f"{to.stem}.*"):
        shutil.rmtree(old) if old.is_dir() else old.unlink()
    for path in store.parent.glob(f"{store.stem}.*"):
        if path.name.endswith(("-wal", "-shm", "-journal")):
            continue
        target = to.parent / (to.stem + path.name[len(store.stem) :])
        shutil.copytree(path, target) if path.is_dir() else shutil.copyfile(path, target)


def _truth(lists: Path) -> dict:
    with (lists / "truth.csv").open(encoding="utf-8") as f:
        truth = {(r["source"], r["record_id"]): r["person_id"] for r in csv.DictReader(f)}
    truth.update({(HELD_BACK_SOURCE, k[1]): v for k, v in truth.items() if k[0] == "families"})
    return truth


def prepared(persons: int, new: int, seed: int, folder: Path, relink: bool, link: bool = True) -> dict:
    """The lists, the imported store and the store linked in full in `folder`, each made unless an
    earlier call left it; what making them took, read back from `folder/made.json` when reused."""
    from athar.demo import import_synthetic_lists
    from athar.store import open_store
    from athar.synth import generate

    folder.mkdir(parents=True, exist_ok=True)
    lists = folder / "lists"
    made = folder / "made.json"
    info = json.loads(made.read_text(encoding="utf-8")) if made.exists() else {}
    if not (lists / f"{HELD_BACK_SOURCE}.csv").exists():
        t0 = time.perf_counter()
        generate(lists, persons=persons, seed=seed)
        info["synth_seconds"] = round(time.perf_counter() - t0, 1)
        hold_back(lists, new)
        info["seed"] = seed
        (folder / "imported.db").unlink(missing_ok=True)
    imported, base = folder / "imported.db", folder / "base.db"
    if not imported.exists():
        building = folder / "importing.db"
        building.unlink(missing_ok=True)
        engine = open_store(str(building))
        t0 = time.perf_counter()
        import_synthetic_lists(engine, lists, user="bench")
        info["import_seconds"] = round(time.perf_counter() - t0, 1)
        engine.dispose()
        building.rename(imported)
        base.unlink(missing_ok=True)
        made.write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
    if not link:
        return info
    if relink or not base.exists():
        copy_store(imported, folder / "linking.db")
        first = _in_process(str(folder / "linking.db"), full=True)
        info["full_before"] = {**first, "assignment": None}
        info["assignment_file"] = "made-assignment.json"
        (folder / "made-assignment.json").write_text(
            json.dumps([[s, r, p] for (s, r), p in first["assignment"].items()]), encoding="utf-8"
        )
        copy_store(folder / "linking.db", base)
        for path in folder.glob("linking.*"):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        made.write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
    info = json.loads(made.read_text(encoding="utf-8"))
    before = json.loads((folder / "made-assignment.json").read_text(encoding="utf-8"))
    info["full_before"]["assignment"] = {(s, r): p for s, r, p in before}
    return info


def recache(store: Path) -> None:
    """Make the feature cache beside a store linked in full again with this code (what a full run
    of it would leave: the rows of every record under the run's roles and config), without linking
    again: the cache is keyed by the code and data that make rows, so any change to them empties it."""
    from athar.linkage import feature_cache, steps
    from athar.store import open_store

    engine = open_store(str(store))
    loaded = steps.load(engine, full=False, cache=feature_cache.cache_for(engine))
    if loaded.cached is None:
        steps.make_features(loaded)
    engine.dispose()


def new_list_on_a_copy(folder: Path) -> tuple[Path, float]:
    """A copy of `folder`'s base store with the held-back list imported, and the import's seconds."""
    from athar.demo import SYNTHETIC_KINDS
    from athar.ingest import import_file
    from athar.store import open_store

    trial = folder / "trial.db"
    copy_store(folder / "base.db", trial)
    engine = open_store(str(trial))
    t0 = time.perf_counter()
    late = folder / "lists" / f"{HELD_BACK_SOURCE}.csv"
    import_file(engine, late, HELD_BACK_SOURCE, user="bench", kind=SYNTHETIC_KINDS["families"])
    seconds = time.perf_counter() - t0
    engine.dispose()
    return trial, seconds


def run(
    persons: int,
    new: int,
    seed: int,
    workdir: Path,
    compare_full: bool,
    relink: bool,
    trials: int,
    profile: bool,
) -> dict:

    folder = workdir / f"persons-{persons}"
    info = prepared(persons, new, seed, folder, relink)
    lists = folder / "lists"
    truth = _truth(lists)
    first = info["full_before"]
    before = first.pop("assignment")

    runs = []
    for _trial in range(trials):
        trial, new_import_seconds = new_list_on_a_copy(folder)
        incremental = _in_process(str(trial), full=False)
        runs.append((incremental, new_import_seconds))
        print(persons, "incremental", incremental["seconds"], "s", incremental["steps"], file=sys.stderr)
    incremental, new_import_seconds = min(runs, key=lambda r: r[0]["seconds"])
    after = incremental.pop("assignment")
    kept = sum(1 for k, pid in before.items() if after.get(k) == pid)
    result = {
        "persons": persons,
        "records_before": first["records"],
        "new_records": incremental["new_records"],
        "synth_seconds": info.get("synth_seconds"),
        "import_seconds": info.get("import_seconds"),
        "new_list_import_seconds": round(new_import_seconds, 1),
        "full_before": first,
        "incremental_trials": [
            {
                "seconds": r["seconds"],
                "cpu_seconds": r["cpu_seconds"],
                "load_avg_before": r["load_avg_before"],
            }
            for r, _s in runs
        ],
        "incremental": {
            **incremental,
            "records_keeping_their_person_id": kept,
            "records_before": len(before),
            "accuracy": score(after, truth),
        },
    }
    if profile:
        trial, _seconds = new_list_on_a_copy(folder)
        profiled = _in_process(str(trial), full=False, profile=True)
        result["incremental_profiled"] = {"steps_under_profiler": profiled["steps"], **profiled["profile"]}
    if compare_full:
        full = _in_process(str(folder / "trial.db"), full=True)
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
    parser.add_argument("--workdir", help="keep (and reuse) the lists and stores here")
    parser.add_argument("--relink", action="store_true", help="link the imported store in full again")
    parser.add_argument("--trials", type=int, default=1, help="incremental runs, each on a copy; best kept")
    parser.add_argument("--profile", action="store_true", help="one more incremental run under cProfile")
    parser.add_argument("--compare-full", action="store_true", help="also retrain in full and compare")
    parser.add_argument("--out", default=str(RESULTS))
    parser.add_argument(
        "--recache", action="store_true", help="make base.db's feature cache anew with this code first"
    )
    parser.add_argument("--import-only", action="store_true", help="make the lists and imported store only")
    parser.add_argument(
        "--merge", action="store_true", help="keep the other sizes already in --out, replacing these"
    )
    args = parser.parse_args(argv)
    started = os.getloadavg()
    if args.import_only:
        for n in args.persons.split(","):
            folder = Path(args.workdir) / f"persons-{n}"
            print(prepared(int(n), args.new, args.seed, folder, relink=False, link=False))
        return {}
    if args.recache:
        for n in args.persons.split(","):
            recache(Path(args.workdir) / f"persons-{n}" / "base.db")
    with tempfile.TemporaryDirectory(prefix="athar-bench-incremental-") as tmp:
        workdir = Path(args.workdir) if args.workdir else Path(tmp)
        sizes = [
            run(
                int(n),
                args.new,
                args.seed,
                workdir,
                args.compare_full,
                args.relink,
                args.trials,
                args.profile,
            )
            for n in args.persons.split(",")
        ]
    if args.merge and Path(args.out).exists():
        done = {s["persons"] for s in sizes}
        kept = [
            s
            for s in json.loads(Path(args.out).read_text(encoding="utf-8"))["sizes"]
            if s["persons"] not in done
        ]
        sizes = sorted(kept + sizes, key=lambda s: s["persons"])
    out = {
        "benchmark": "incremental linkage",
        "threshold": THRESHOLD,
        "cpus": os.cpu_count(),
        "load_avg_at_start": list(started),
        "sizes": sizes,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(
        json.dumps(
            {**out, "sizes": [{k: v for k, v in s.items() if k != "incremental_profiled"} for s in sizes]},
            indent=1,
        )
    )
    return out


if __name__ == "__main__":
    main()
