"""LCMCR's speed on twenty lists: 10,000 Gibbs iterations on the Colombian child-recruitment table
(tests/data, HRDAG's verdata), the case a timed unit test used to hold to a minute.

    python bench/lcmcr_speed.py [--iterations 10000] [--out bench/results/lcmcr_speed.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TABLE = ROOT / "tests" / "data" / "mse" / "colombia_child_recruitment_1999_male_verdata_20lists.json"
TARGET_SECONDS = 60


def main(argv: list[str] | None = None) -> dict:
    from athar.estimate import CaptureHistories, lcmcr

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "lcmcr_speed.json")
    args = parser.parse_args(argv)
    hist = CaptureHistories.from_json(TABLE)
    load = [round(x, 1) for x in os.getloadavg()]
    wall, cpu = time.perf_counter(), time.process_time()
    result = lcmcr(hist, iterations=args.iterations, burnin=0, thinning=10, chains=1)
    report = {
        "bench": "lcmcr_speed",
        "python": platform.python_version(),
        "cpus_visible": os.cpu_count(),
        "lists": hist.k,
        "observed": hist.n_observed,
        "iterations": args.iterations,
        "seconds": round(time.perf_counter() - wall, 2),
        "cpu_seconds": round(time.process_time() - cpu, 2),
        "load_average_before": load,
        "posterior_mean": round(float(result.mean), 1),
        "target_seconds": TARGET_SECONDS,
    }
    report["met"] = report["seconds"] <= TARGET_SECONDS
    args.out.write_text(json.dumps(report, indent=1) + "\n")
    print(json.dumps(report, indent=1))
    return report


if __name__ == "__main__":
    main()
