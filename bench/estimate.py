"""Does the estimate's interval hold the true total as often as it claims? And how fast is it?

Three simulations with known totals and dependent lists, each replicated (default 100 times):

* ``dependent_lists``: everyone equally findable, but lists feed each other (A -> B, C -> D).
* ``heterogeneous_population``: latent classes (easy and hard to find) plus a direct dependence
  (being on list A makes list B likelier), so no model here is exactly right.
* ``synth``: ``athar.synth.generate`` (when installed): the true total is the rows of persons.csv,
  the capture histories come from truth.csv (person -> sources), record linkage taken as perfect.

For each method the bench reports coverage of the nominal 95% interval, median relative error of
the point estimate, and median relative interval width. Speed: a six-list model search and a
10,000-iteration LCMCR run on the 20-list Colombian table.

    .venv/bin/python bench/estimate.py [--reps 100] [--out bench/results/estimate.json]
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from athar.estimate import CaptureHistories, lcmcr, select_model  # noqa: E402
from athar.estimate.api import loglinear_estimate  # noqa: E402

DATA = ROOT / "tests" / "data" / "mse"
Method = Callable[[CaptureHistories], tuple[float, float, float]]


def simulate_dependent(n_total: int, rng: np.random.Generator) -> CaptureHistories:
    """Five lists, everyone equally findable, but lists feed each other: A -> B and C -> D."""
    caught = rng.random((n_total, 5)) < np.array([0.25, 0.15, 0.2, 0.12, 0.1])
    caught[:, 1] |= caught[:, 0] & (rng.random(n_total) < 0.3)
    caught[:, 3] |= caught[:, 2] & (rng.random(n_total) < 0.25)
    rows = [(tuple(int(v) for v in r), 1) for r in caught if r.any()]
    return CaptureHistories.from_rows(["A", "B", "C", "D", "E"], rows)


def simulate_heterogeneous(n_total: int, rng: np.random.Generator) -> CaptureHistories:
    """Five lists; 35% of people easy to find, 65% hard; list B likelier for those on list A."""
    easy = rng.random(n_total) < 0.35
    p = np.where(easy[:, None], [0.45, 0.35, 0.4, 0.3, 0.25], [0.12, 0.08, 0.1, 0.15, 0.06])
    caught = rng.random((n_total, 5)) < p
    boost = caught[:, 0] & (rng.random(n_total) < 0.25)
    caught[:, 1] |= boost
    rows = [(tuple(int(v) for v in r), 1) for r in caught if r.any()]
    return CaptureHistories.from_rows(["A", "B", "C", "D", "E"], rows)


SCENARIOS = {
    "dependent_lists": (
        simulate_dependent,
        "5 lists, homogeneous catchability, direct dependence A->B and C->D (log-linear territory)",
    ),
    "heterogeneous_population": (
        simulate_heterogeneous,
        "5 lists; latent classes (35% easy, 65% hard to find) plus list B likelier for those on A",
    ),
}


def synth_replicate(persons: int, seed: int) -> tuple[CaptureHistories, int] | None:
    try:
        from athar.synth import generate
    except ImportError:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp), persons=persons, seed=seed)
        with open(Path(tmp) / "persons.csv", encoding="utf-8", newline="") as fh:
            n_true = sum(1 for _ in csv.DictReader(fh))
        members: dict[str, set[str]] = {}
        with open(Path(tmp) / "truth.csv", encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                members.setdefault(row["person_id"], set()).add(row["source"])
    lists = sorted({s for v in members.values() for s in v})
    return CaptureHistories.from_memberships(members.items(), lists), n_true


def methods(lcmcr_iterations: int, bca_boot: int) -> dict[str, Method]:
    def loglinear(search: str, criterion: str, interval: str) -> Method:
        def run(h: CaptureHistories) -> tuple[float, float, float]:
            e = loglinear_estimate(h, search=search, criterion=criterion, interval=interval, n_boot=bca_boot)
            return e.estimate, e.ci_low, e.ci_high

        return run

    def latent(h: CaptureHistories) -> tuple[float, float, float]:
        r = lcmcr(h, iterations=lcmcr_iterations, burnin=lcmcr_iterations // 2, thinning=5, chains=1)
        lo, hi = r.interval(0.95)
        return r.median, lo, hi

    out: dict[str, Method] = {
        "loglinear_bic_profile": loglinear("exhaustive", "bic", "profile"),
        "loglinear_aic_profile": loglinear("exhaustive", "aic", "profile"),
        "loglinear_stepwise_waldlog": loglinear("stepwise", "", "wald-log"),
        "lcmcr": latent,
    }
    if bca_boot:
        out["loglinear_stepwise_bca"] = loglinear("stepwise", "", "bca")
    return out


def evaluate(
    replicates: list[tuple[CaptureHistories, int]], ms: dict[str, Method]
) -> dict[str, dict[str, float | int]]:
    out = {}
    for name, method in ms.items():
        hits, errors, widths, failed = 0, [], [], 0
        start = time.perf_counter()
        for hist, truth in replicates:
            try:
                est, lo, hi = method(hist)
            except ValueError:
                failed += 1
                continue
            hits += lo <= truth <= hi
            errors.append((est - truth) / truth)
            widths.append((hi - lo) / truth if math.isfinite(hi) else math.inf)
        done = len(replicates) - failed
        out[name] = {
            "replications": done,
            "failed": failed,
            "coverage_95": round(hits / done, 3) if done else None,
            "median_relative_error": round(statistics.median(errors), 4) if errors else None,
            "median_abs_relative_error": round(statistics.median(map(abs, errors)), 4) if errors else None,
            "median_relative_width": round(statistics.median(widths), 4) if widths else None,
            "seconds": round(time.perf_counter() - start, 1),
        }
        print(f"  {name}: {out[name]}", file=sys.stderr)
    return out


def speed() -> dict[str, float]:
    uk6 = CaptureHistories.from_json(DATA / "uk_2013_modern_slavery_6lists.json")
    colombia = CaptureHistories.from_json(DATA / "colombia_child_recruitment_1999_male_verdata_20lists.json")
    t = time.perf_counter()
    sel = select_model(uk6, "downhill", "bic", max_order=6)
    downhill = time.perf_counter() - t
    t = time.perf_counter()
    step = select_model(uk6, "stepwise")
    stepwise = time.perf_counter() - t
    t = time.perf_counter()
    full = select_model(uk6, "exhaustive", "bic", max_order=2)
    exhaustive = time.perf_counter() - t
    t = time.perf_counter()
    lcmcr(colombia, iterations=10_000, burnin=0, thinning=10, chains=1)
    lc = time.perf_counter() - t
    return {
        "six_list_downhill_bic_seconds": round(downhill, 2),
        "six_list_downhill_models_fitted": len(sel.fitted),
        "six_list_stepwise_seconds": round(stepwise, 2),
        "six_list_stepwise_models_fitted": len(step.fitted),
        "six_list_exhaustive_order2_seconds": round(exhaustive, 2),
        "six_list_exhaustive_order2_models": len(full.fitted),
        "lcmcr_10000_iterations_20_lists_seconds": round(lc, 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=100)
    ap.add_argument("--n-total", type=int, default=2000, help="population size in the own simulation")
    ap.add_argument("--synth-persons", type=int, default=3000)
    ap.add_argument("--lcmcr-iterations", type=int, default=4000)
    ap.add_argument(
        "--bca-boot", type=int, default=200, help="resamples for a stepwise BCa method (0: leave it out)"
    )
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "estimate.json")
    ap.add_argument("--skip-speed", action="store_true")
    args = ap.parse_args()

    rng = np.random.default_rng(args.seed)
    ms = methods(args.lcmcr_iterations, args.bca_boot)
    result: dict = {
        "bench": "estimate",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "settings": vars(args) | {"out": str(args.out)},
        "nominal_level": 0.95,
    }
    for name, (simulate, description) in SCENARIOS.items():
        print(f"{name}: N={args.n_total}, {args.reps} replications", file=sys.stderr)
        reps = [(simulate(args.n_total, rng), args.n_total) for _ in range(args.reps)]
        result[name] = {
            "description": description,
            "true_total": args.n_total,
            "mean_observed": round(statistics.mean(h.n_observed for h, _ in reps), 1),
            "methods": evaluate(reps, ms),
        }
    first = synth_replicate(args.synth_persons, args.seed)
    if first is None:
        result["synth"] = {"skipped": "athar.synth is not installed"}
    else:
        print(f"synth: {args.synth_persons} persons, {args.reps} replications", file=sys.stderr)
        reps = [first] + [synth_replicate(args.synth_persons, args.seed + i) for i in range(1, args.reps)]
        result["synth"] = {
            "description": (
                "athar.synth.generate; truth.csv linkage taken as perfect; total = rows of persons.csv"
            ),
            "lists": list(first[0].lists),
            "mean_true_total": round(statistics.mean(t for _, t in reps), 1),
            "mean_observed": round(statistics.mean(h.n_observed for h, _ in reps), 1),
            "methods": evaluate(reps, ms),
        }
    if not args.skip_speed:
        result["speed"] = speed()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
