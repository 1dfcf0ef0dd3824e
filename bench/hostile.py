"""Peak memory of importing each hostile file (tests/hostile/corpus.py) at the red team's sizes.

    python bench/hostile.py [--out bench/results/hostile.json]

Each file is imported into a fresh SQLite store in its own spawned child process, whose peak resident
set (ru_maxrss, an upper bound: see `_own_peak_mib`) is then that import's; a child importing a
three-row CSV gives the baseline of the interpreter and its libraries. Writes the outcome (refused
with its one-line cause, or the counts), the seconds and the peak per file, and fails if any file
under 10 MB peaks above 300 MiB or does not end as the corpus expects.
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

from tests.hostile import corpus  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "hostile.json"
CEILING_MIB = 300
SMALL_FILE_BYTES = 10_000_000


def _import_one(path: str, db: str, queue: mp.Queue) -> None:
    from athar.ingest import UnreadableFile, import_file
    from athar.store import open_store

    engine = open_store(f"sqlite:///{db}")
    t0 = time.perf_counter()
    outcome: dict = {}
    try:
        result = import_file(engine, Path(path), "hostile", user="bench")
        outcome = {"stored": result.stored, "quarantined": result.quarantined, "encoding": result.encoding}
    except UnreadableFile as e:
        outcome = {"refused": e.cause}
    except Exception as e:  # the benchmark records what a sound import must not do
        outcome = {"crashed": f"{e.__class__.__name__}: {str(e)[:200]}"}
    outcome["seconds"] = round(time.perf_counter() - t0, 2)
    outcome["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    outcome["own_peak_rss_mib"] = _own_peak_mib()
    engine.dispose()
    queue.put(outcome)


def _own_peak_mib() -> int | None:
    """This process's own peak (VmHWM). Linux keeps ru_maxrss across exec, so a spawned child's
    ru_maxrss is at least its parent's resident size when it forked: an upper bound, used for the
    ceiling; VmHWM belongs to the child's own address space."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024)
    except OSError:
        pass
    return None


def _in_child(path: Path, db: Path) -> dict:
    ctx = mp.get_context("spawn")
    queue: mp.Queue = ctx.Queue()
    proc = ctx.Process(target=_import_one, args=(str(path), str(db), queue))
    proc.start()
    try:
        outcome = queue.get(timeout=600)
    finally:
        proc.join(timeout=60)
        if proc.is_alive():
            proc.kill()
    return outcome


def _as_expected(attack: corpus.Attack, outcome: dict) -> bool:
    if attack.refused is not None:
        return attack.refused in outcome.get("refused", "")
    return (outcome.get("stored"), outcome.get("quarantined")) == (attack.stored, attack.quarantined)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    report: dict = {
        "benchmark": "hostile",
        "ceiling_mib_for_files_under_10_mb": CEILING_MIB,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load_avg": os.getloadavg()},
        "files": {},
    }
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        baseline = folder / "baseline.csv"
        baseline.write_text(
            "record_id,full_name\n" + "".join(f"{i},{n}\n" for i, n in enumerate(corpus.arabic_names(3))),
            "utf-8",
        )
        report["baseline"] = _in_child(baseline, folder / "baseline.db")
        for name, attack in corpus.full_size_corpus().items():
            work = folder / name
            work.mkdir()
            t0 = time.perf_counter()
            path = attack.build(work)
            built = round(time.perf_counter() - t0, 1)
            outcome = _in_child(path, work / "store.db")
            size = path.stat().st_size
            entry = {"file": path.name, "bytes": size, "build_seconds": built, **outcome}
            entry["as_expected"] = _as_expected(attack, outcome)
            report["files"][name] = entry
            print(name, json.dumps(entry, ensure_ascii=False), file=sys.stderr)
            if not entry["as_expected"]:
                failures.append(f"{name}: {outcome}")
            if size < SMALL_FILE_BYTES and outcome["peak_rss_mib"] > CEILING_MIB:
                failures.append(f"{name}: peak {outcome['peak_rss_mib']} MiB > {CEILING_MIB} MiB")
            path.unlink()
    small = [f["peak_rss_mib"] for f in report["files"].values() if f["bytes"] < SMALL_FILE_BYTES]
    report["max_peak_rss_mib_files_under_10_mb"] = max(small)
    report["failures"] = failures
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert not failures, failures
    return report


if __name__ == "__main__":
    main()
