"""Does each estimator's interval hold the true total as often as it claims, across the ways lists go wrong?

A simulation study over scenario families x number of lists x population size, each cell
replicated ``--reps`` times. Every method runs on the same replicates. Families:

* ``independent``: everyone equally findable, lists independent (every method's home ground).
* ``latent_classes``: 35% easy to find, 65% hard, each list catching the classes at its own rates.
* ``rasch``: continuous heterogeneity: ``logit p_ij = a_j + theta_i``, ``theta ~ N(0, 1)``; one
  hidden visibility raises every list's chance alike (no finite set of interactions is exact).
* ``positive_dependence``: list B copies 40% of list A's people.
* ``negative_dependence``: lists that never meet: 40% of the missing are dead; the last list (a
  morgue) holds only the dead, the one before it (returnees) only the living.
* ``sparse``: a small population caught rarely (a few dozen observed).

For each method and cell: coverage of the nominal 95% interval with its Monte Carlo standard
error ``sqrt(c (1 - c) / reps)``, median relative error, median absolute relative error, median
relative interval width, failures and seconds. Per-replicate (estimate, low, high) are kept in the
JSON so that combination rules can be judged on the same draws without re-running.

    nice -n 10 .venv/bin/python bench/estimate.py --families independent,rasch --reps 40
    nice -n 5 .venv/bin/python bench/estimate.py --speed 1600000   # the default's time on 5 lists
    nice -n 5 .venv/bin/python bench/estimate.py --speed 1600000 --uncertain-pairs 100000  # + 20 draws
    .venv/bin/python bench/estimate.py --table bench/results/estimate_*.json --docs docs/estimation.md
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from athar.estimate import CaptureHistories, bma_estimate, lcmcr_estimate  # noqa: E402
from athar.estimate.api import Estimate, average_estimate, loglinear_estimate  # noqa: E402
from athar.estimate.linkage_draws import DEFAULT_DRAWS, UncertainLinks  # noqa: E402

Triple = tuple[float, float, float]
# a method's (estimate, low, high), with a fourth figure where the method records whether a rule of
# its own applied (``mh_average``: 1.0 when the envelope rule set the interval)
Draw = tuple[float, ...]
Method = Callable[[CaptureHistories], Draw]
Simulator = Callable[[int, int, np.random.Generator], CaptureHistories]


# ----- populations ---------------------------------------------------------------------------


def _histories(caught: np.ndarray) -> CaptureHistories:
    k = caught.shape[1]
    cells = caught.astype(np.int64) @ (1 << np.arange(k))
    counts = np.bincount(cells, minlength=1 << k)
    rows = [(tuple((c >> j) & 1 for j in range(k)), int(n)) for c, n in enumerate(counts) if c and n]
    return CaptureHistories.from_rows([chr(65 + j) for j in range(k)], rows)


def _rates(k: int, high: float, low: float) -> np.ndarray:
    return np.linspace(high, low, k)


def independent(n: int, k: int, rng: np.random.Generator) -> CaptureHistories:
    return _histories(rng.random((n, k)) < _rates(k, 0.3, 0.12))


def latent_classes(n: int, k: int, rng: np.random.Generator) -> CaptureHistories:
    easy = rng.random(n) < 0.35
    p = np.where(easy[:, None], _rates(k, 0.5, 0.3), _rates(k, 0.06, 0.14))
    return _histories(rng.random((n, k)) < p)


def rasch(n: int, k: int, rng: np.random.Generator) -> CaptureHistories:
    a = np.log(_rates(k, 0.28, 0.14) / (1 - _rates(k, 0.28, 0.14))) - 0.3
    theta = rng.normal(0.0, 1.0, n)
    p = 1 / (1 + np.exp(-(a[None, :] + theta[:, None])))
    return _histories(rng.random((n, k)) < p)


def positive_dependence(n: int, k: int, rng: np.random.Generator) -> CaptureHistories:
    caught = rng.random((n, k)) < _rates(k, 0.3, 0.12)
    caught[:, 1] |= caught[:, 0] & (rng.random(n) < 0.4)
    return _histories(caught)


def negative_dependence(n: int, k: int, rng: np.random.Generator) -> CaptureHistories:
    dead = rng.random(n) < 0.4
    caught = rng.random((n, k)) < _rates(k, 0.3, 0.15)
    caught[:, -1] &= dead  # the morgue holds only the dead
    caught[:, -2] &= ~dead  # the returnee list only the living
    return _histories(caught)


def sparse(n: int, k: int, rng: np.random.Generator) -> CaptureHistories:
    return _histories(rng.random((n, k)) < _rates(k, 0.12, 0.06))


FAMILIES: dict[str, Simulator] = {
    "independent": independent,
    "latent_classes": latent_classes,
    "rasch": rasch,
    "positive_dependence": positive_dependence,
    "negative_dependence": negative_dependence,
    "sparse": sparse,
}
# sparse strata are small by definition: its sizes replace the grid's
SPARSE_SIZES = (150, 400)


# ----- methods -------------------------------------------------------------------------------


def methods(n_boot: int, lcmcr_iterations: int, names: Iterable[str] | None) -> dict[str, Method]:
    def loglinear(search: str, interval: str, criterion: str = "bic") -> Method:
        def run(h: CaptureHistories) -> Triple:
            e = loglinear_estimate(
                h, search=search, criterion=criterion, interval=interval, n_boot=n_boot, seed=1
            )
            return e.estimate, e.ci_low, e.ci_high

        return run

    def latent(h: CaptureHistories) -> Triple:
        it = lcmcr_iterations
        e = lcmcr_estimate(h, iterations=it, burnin=it, thinning=max(it // 1000, 1), chains=2, seed=1)
        return e.estimate, e.ci_low, e.ci_high

    def averaged(h: CaptureHistories) -> Triple:
        e = bma_estimate(h)
        return e.estimate, e.ci_low, e.ci_high

    # the envelope leaves the AIC average's estimate alone and reports the AIC interval, so one
    # run serves both methods on a table (``mh_average_aic``'s seconds are then near zero)
    done: dict[bytes, Estimate] = {}

    def envelope_average(h: CaptureHistories) -> Estimate:
        key = h.cell_counts().tobytes()
        if key not in done:
            if len(done) > 1000:
                done.clear()
            done[key] = average_estimate(h)
        return done[key]

    def heterogeneity_average(h: CaptureHistories) -> Draw:
        e = envelope_average(h)
        applied = e.details["heterogeneity_envelope"]["applied"]
        return e.estimate, e.ci_low, e.ci_high, float(applied)

    def aic_average(h: CaptureHistories) -> Triple:
        e = envelope_average(h)
        low, high = e.details["heterogeneity_envelope"]["aic_interval"]
        return e.estimate, low, high

    every: dict[str, Method] = {
        "loglinear_stepwise_bca": loglinear("stepwise", "bca"),
        "loglinear_stepwise_waldlog": loglinear("stepwise", "wald-log"),
        "loglinear_stepwise_profile": loglinear("stepwise", "profile"),
        "loglinear_downhill_bic_profile": loglinear("downhill", "profile"),
        "loglinear_exhaustive_bic_profile": loglinear("exhaustive", "profile"),
        "lcmcr": latent,
        "bma": averaged,
        "mh_average": heterogeneity_average,
        "mh_average_aic": aic_average,
    }
    if names is None:
        return every
    return {name: every[name] for name in names}


# ----- running -------------------------------------------------------------------------------


def run_cell(family: str, k: int, n: int, reps: int, ms: dict[str, Method], seed: int) -> dict[str, object]:
    rng = np.random.default_rng([seed, k, n, list(FAMILIES).index(family)])
    reps_h = [FAMILIES[family](n, k, rng) for _ in range(reps)]
    cell: dict[str, object] = {
        "family": family,
        "lists": k,
        "true_total": n,
        "reps": reps,
        "mean_observed": round(statistics.mean(h.n_observed for h in reps_h), 1),
        "methods": {},
    }
    for name, method in ms.items():
        if name == "loglinear_exhaustive_bic_profile" and k > 5:
            continue  # 32,768 models per replicate: the downhill search stands in for it
        draws: list[Draw | None] = []
        start = time.perf_counter()
        for h in reps_h:
            try:
                draws.append(method(h))
            except (ValueError, np.linalg.LinAlgError, FloatingPointError):
                draws.append(None)
        seconds = time.perf_counter() - start
        summary = summarise(draws, n) | {"seconds_per_rep": round(seconds / reps, 3)}
        cell["methods"][name] = summary | {
            "draws": [None if d is None else [round(v, 1) for v in d] for d in draws]
        }  # type: ignore[index]
        print(f"  {family} K={k} N={n} {name}: {summary}", file=sys.stderr, flush=True)
    return cell


def summarise(draws: list[Draw | None], truth: float) -> dict[str, float | int | None]:
    ok = [d for d in draws if d is not None and math.isfinite(d[0])]
    if not ok:
        return {"done": 0, "failed": len(draws)}
    hits = [lo <= truth <= hi for _, lo, hi, *_ in ok]
    c = sum(hits) / len(ok)
    err = [(e - truth) / truth for e, *_ in ok]
    width = [(hi - lo) / truth if math.isfinite(hi) else math.inf for _, lo, hi, *_ in ok]
    flags = [d[3] for d in ok if len(d) > 3]
    return {
        "done": len(ok),
        "failed": len(draws) - len(ok),
        "coverage_95": round(c, 3),
        "coverage_mc_se": round(math.sqrt(max(c * (1 - c), 0.25 / len(ok)) / len(ok)), 3),
        "median_relative_error": round(statistics.median(err), 4),
        "median_abs_relative_error": round(statistics.median(map(abs, err)), 4),
        "median_relative_width": round(statistics.median(width), 4),
    } | ({"rule_applied": round(sum(flags) / len(flags), 3)} if flags else {})


# ----- the table -----------------------------------------------------------------------------


def family_table(cells: list[dict]) -> dict[str, dict[str, dict[str, float | int]]]:
    """Pool each method's replicates over the cells of a family (coverage, errors, widths)."""
    out: dict[str, dict[str, dict[str, float | int]]] = {}
    for cell in cells:
        for name, m in cell["methods"].items():
            slot = out.setdefault(cell["family"], {}).setdefault(
                name, {"hits": 0, "n": 0, "failed": 0, "err": [], "width": [], "seconds": 0.0}
            )
            truth = cell["true_total"]
            for d in m["draws"]:
                if d is None or d[0] is None:
                    slot["failed"] += 1
                    continue
                e, lo, hi = d[:3]
                slot["n"] += 1
                slot["hits"] += lo <= truth <= hi
                slot["err"].append((e - truth) / truth)
                slot["width"].append((hi - lo) / truth)
            slot["seconds"] += m.get("seconds_per_rep", 0) * len(m["draws"])
    table: dict[str, dict[str, dict[str, float | int]]] = {}
    for fam, per in out.items():
        for name, s in per.items():
            n = s["n"]
            if not n:
                continue
            c = s["hits"] / n
            table.setdefault(fam, {})[name] = {
                "reps": n,
                "failed": s["failed"],
                "coverage_95": round(c, 3),
                "coverage_mc_se": round(math.sqrt(max(c * (1 - c), 0.25 / n) / n), 3),
                "median_abs_relative_error": round(statistics.median(map(abs, s["err"])), 3),
                "median_relative_error": round(statistics.median(s["err"]), 3),
                "median_relative_width": round(statistics.median(s["width"]), 3),
                "seconds_per_rep": round(s["seconds"] / (n + s["failed"]), 2),
            }
    return table


def markdown(table: dict[str, dict[str, dict[str, float | int]]]) -> str:
    lines = [
        "| family | method | reps | coverage (± 95% MC error) | median rel. error | median abs. rel. error "
        "| median rel. width | s/rep |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for fam, per in table.items():
        for name, s in per.items():
            lines.append(
                f"| {fam} | {name} | {s['reps']} | {s['coverage_95']:.2f} ± {1.96 * s['coverage_mc_se']:.2f} "
                f"| {s['median_relative_error']:+.3f} | {s['median_abs_relative_error']:.3f} "
                f"| {s['median_relative_width']:.3f} | {s['seconds_per_rep']} |"
            )
    return "\n".join(lines) + "\n"


def cells_markdown(cells: list[dict]) -> str:
    """One row per cell for the default: coverage with its 95% Monte Carlo error, the same
    replicates with the AIC average's interval alone, how often the envelope rule applied, errors,
    width."""
    lines = [
        "| family | lists | N | observed | reps | default coverage (± 95% MC) | AIC weights only "
        "| envelope applied | median rel. error | median rel. width (AIC only) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for cell in sorted(cells, key=lambda c: (list(FAMILIES).index(c["family"]), c["lists"], c["true_total"])):
        d = cell["methods"].get("default_rule")
        if d is None or not d.get("done"):
            continue
        c, n = d["coverage_95"], d["done"]
        mc = 1.96 * math.sqrt(c * (1 - c) / n)
        aic = cell["methods"].get("mh_average_aic", {})
        aic_cov = f"{aic['coverage_95']:.2f}" if aic.get("done") else "–"
        aic_width = f" ({aic['median_relative_width']:.3f})" if aic.get("done") else ""
        applied = f"{d['rule_applied']:.2f}" if "rule_applied" in d else "–"
        lines.append(
            f"| {cell['family']} | {cell['lists']} | {cell['true_total']:,} | {cell['mean_observed']:,.0f} "
            f"| {n} | {c:.2f} ± {mc:.2f} | {aic_cov} | {applied} | {d['median_relative_error']:+.3f} "
            f"| {d['median_relative_width']:.3f}{aic_width} |"
        )
    return "\n".join(lines) + "\n"


def load_cells(paths: Iterable[Path]) -> list[dict]:
    """Cells of several runs, each with the default rule added as a method of its own."""
    cells = []
    for path in paths:
        run = json.loads(Path(path).read_text("utf-8"))
        for cell in run["cells"]:
            add_default_rule(cell)
            cells.append(cell)
    return cells


def add_default_rule(cell: dict) -> None:
    """``athar.estimate.default``'s rule on the cell's replicates: the heterogeneity average up to
    twelve lists (every cell of this study), LCMCR beyond."""
    from athar.estimate.loglinear import MAX_LISTS

    ms = cell["methods"]
    chosen = "mh_average" if cell["lists"] <= MAX_LISTS else "lcmcr"
    if chosen in ms:
        ms["default_rule"] = dict(ms[chosen])


def write_docs_table(docs: Path, table_md: str, runs: list[str], marker: str = "estimate") -> None:
    """Replace the text between the bench markers in ``docs`` (or append it)."""
    begin, end = f"<!-- bench:{marker} begin -->", f"<!-- bench:{marker} end -->"
    block = f"{begin}\nFrom {', '.join(runs)}.\n\n{table_md}{end}"
    text = docs.read_text("utf-8") if docs.exists() else ""
    if begin in text and end in text:
        text = text[: text.index(begin)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    docs.write_text(text, encoding="utf-8")


def uncertain_band(h: CaptureHistories, pairs: int, rng: np.random.Generator) -> UncertainLinks:
    """A wide review band on a simulated table, for timing: each of the ``pairs`` gets a match
    probability uniform on 0.05-0.95 and is, with that probability, a person on two or more lists
    split into two pieces (a random part of its lists and the rest), else two people each on one
    list, different lists. The linkage as it stands joins the pairs at 0.5 or more, so it is wrong
    both ways; everyone else is fixed. ``athar.estimate.from_store.uncertain_links`` builds the same
    structure from a store. The probabilities are right on average but blind to what the pieces
    look like (a split three-list person and two one-list people get the same), unlike a linkage's:
    the estimates it gives are not a test of the draws' coverage."""
    k = h.k
    masks = np.array([sum(b << j for j, b in enumerate(hist)) for hist in h.counts], dtype=np.int64)
    counts = np.array(list(h.counts.values()), dtype=np.int64)
    sizes = np.array([bin(int(m)).count("1") for m in masks])
    people = np.repeat(np.arange(len(masks)), counts)  # one entry per person: its cell
    multi, single = np.flatnonzero(sizes[people] >= 2), np.flatnonzero(sizes[people] == 1)
    probability = rng.uniform(0.05, 0.95, pairs)
    same = rng.random(pairs) < probability
    split_p, other_p = probability[same], probability[~same]
    splits = rng.choice(multi, size=min(len(split_p), len(multi)), replace=False)
    others = rng.choice(single, size=min(2 * (pairs - len(splits)), len(single)), replace=False)
    others = others[: len(others) // 2 * 2].reshape(-1, 2)
    others = others[masks[people[others[:, 0]]] != masks[people[others[:, 1]]]]
    taken = np.bincount(people[np.concatenate([splits, others.ravel()])], minlength=len(masks))
    fixed = CaptureHistories(
        h.lists, {hist: int(c - t) for hist, c, t in zip(h.counts, counts, taken, strict=True) if c > t}
    )
    piece_lists: list[int] = []
    uncertain: list[tuple[int, int, float]] = []
    pieces_now: list[int] = []

    def pair(first: int, second: int, p: float) -> None:
        a = len(piece_lists)
        piece_lists.extend((first, second))
        uncertain.append((a, a + 1, p))
        pieces_now.extend((a, a) if p >= 0.5 else (a, a + 1))

    for person, p in zip(splits, split_p, strict=False):
        mask = int(masks[people[person]])
        bits = [j for j in range(k) if mask >> j & 1]
        part = 0
        while part in (0, mask):  # a nonempty proper part of the person's lists
            part = sum(1 << j for j in bits if rng.random() < 0.5)
        pair(part, mask ^ part, float(p))
    for (one, two), p in zip(others, other_p, strict=False):
        pair(int(masks[people[one]]), int(masks[people[two]]), float(p))
    order = sorted(range(len(uncertain)), key=lambda i: -uncertain[i][2])  # likeliest first
    return UncertainLinks(
        fixed=fixed,
        piece_lists=piece_lists,
        piece_counted=[True] * len(piece_lists),
        uncertain=[uncertain[i] for i in order],
        pieces_now=pieces_now,
    )


def speed(persons: int, lists: int, families: list[str], out: Path, draws: int = 20, pairs: int = 0) -> dict:
    """The default (``athar.estimate.default``) on one table per family: wall and CPU seconds,
    with the machine's load, which inflates wall time on a shared machine. With ``draws`` and
    ``pairs``, also as ``athar estimate`` runs it on linked records from the store: the linkage's
    ``pairs`` unjudged pairs (:func:`uncertain_band`) drawn ``draws`` times (the default's 20), the
    default repeated per draw (refitting the models the linked table's average kept) and mixed."""
    from athar.estimate.default import default_estimate
    from athar.estimate.service import compute_estimates

    rows = []
    for fam in families:
        rng = np.random.default_rng([2026, lists, persons])
        h = FAMILIES[fam](persons, lists, rng)
        links = uncertain_band(h, pairs, rng) if pairs and draws else None
        if links is not None:
            h = links.current()  # the table as linked
        wall, cpu = time.perf_counter(), time.process_time()
        e = default_estimate(h)
        row = {
            "family": fam,
            "observed": h.n_observed,
            "estimate": round(e.estimate, 1),
            "interval": [round(e.ci_low, 1), round(e.ci_high, 1)],
            "envelope_applied": e.details.get("heterogeneity_envelope", {}).get("applied"),
            "models_fitted": e.details.get("models_fitted"),
            "models_averaged": len(e.averaged),
            "wall_seconds": round(time.perf_counter() - wall, 3),
            "cpu_seconds": round(time.process_time() - cpu, 3),
            "load_average_1min": round(os.getloadavg()[0], 2),
        }
        if links is not None:
            wall, cpu = time.perf_counter(), time.process_time()
            d = compute_estimates(h, method="auto", seed=0, links=links, linkage_draws=draws)[0]
            ld = d.details["linkage_draws"]
            row["with_linkage_draws"] = {
                "draws": draws,
                "uncertain_pairs": len(links.uncertain),
                "observed_per_draw": ld["observed_per_draw"],
                "estimate": round(d.estimate, 1),
                "interval": [round(d.ci_low, 1), round(d.ci_high, 1)],
                "wall_seconds": round(time.perf_counter() - wall, 3),
                "cpu_seconds": round(time.process_time() - cpu, 3),
                "load_average_1min": round(os.getloadavg()[0], 2),
            }
        rows.append(row)
        print(rows[-1], file=sys.stderr, flush=True)
    result = {
        "bench": "estimate_speed",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "lists": lists,
        "persons_simulated": persons,
        "linkage_draws": draws if pairs else 0,
        "uncertain_pairs": pairs,
        "target_seconds": 30,
        "note": "cpu_seconds is the process's CPU time (time.process_time), wall_seconds is wall time on a "
        "shared 2-core machine at the load given; with_linkage_draws is the whole of what athar estimate "
        "runs (the default on the linked table, the draws, the refits per draw, the mixture). The band "
        "(bench/estimate.py's uncertain_band) is a timing fixture, not a coverage test",
        "runs": rows,
    }
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--families", default=",".join(FAMILIES), help="comma-separated families")
    ap.add_argument("--lists", default="5", help="numbers of lists, comma-separated (3 to 6)")
    ap.add_argument("--sizes", default="2000", help="true totals, comma-separated (sparse uses its own)")
    ap.add_argument("--reps", type=int, default=40)
    ap.add_argument("--methods", default=None, help="comma-separated method names (default: all)")
    ap.add_argument("--n-boot", type=int, default=100, help="bootstrap resamples for BCa")
    ap.add_argument("--lcmcr-iterations", type=int, default=5000, help="burn-in and kept iterations")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument(
        "--speed",
        type=int,
        default=None,
        metavar="PERSONS",
        help="time the default on one table of PERSONS simulated per family (--lists, first value) instead",
    )
    ap.add_argument(
        "--linkage-draws",
        type=int,
        default=DEFAULT_DRAWS,
        help="with --speed and --uncertain-pairs: draws of the linkage, as athar estimate's default",
    )
    ap.add_argument(
        "--uncertain-pairs",
        type=int,
        default=0,
        metavar="PAIRS",
        help="with --speed: also time the default with this many unjudged pairs drawn (a review band)",
    )
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--table", nargs="*", type=Path, help="summarise these result files instead of running")
    ap.add_argument("--docs", type=Path, default=None, help="write the family table into this Markdown file")
    ap.add_argument(
        "--cells",
        nargs="*",
        type=Path,
        help="with --docs: also write the default's per-cell table of these result files",
    )
    args = ap.parse_args()

    if args.table:
        cells = load_cells(args.table)
        table = family_table(cells)
        md = markdown(table)
        print(md)
        if args.docs:
            write_docs_table(args.docs, md, [p.name for p in args.table])
        if args.cells:
            cells_md = cells_markdown(load_cells(args.cells))
            print(cells_md)
            if args.docs:
                write_docs_table(args.docs, cells_md, [p.name for p in args.cells], "estimate-cells")
        return

    if args.speed:
        families = [f for f in args.families.split(",") if f in ("independent", "rasch", "latent_classes")]
        out = args.out or ROOT / "bench" / "results" / "estimate_speed.json"
        speed(
            args.speed, int(args.lists.split(",")[0]), families, out, args.linkage_draws, args.uncertain_pairs
        )
        return

    ms = methods(args.n_boot, args.lcmcr_iterations, args.methods.split(",") if args.methods else None)
    families = [f for f in args.families.split(",") if f]
    lists = [int(v) for v in args.lists.split(",")]
    sizes = [int(v) for v in args.sizes.split(",")]
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    out = args.out or ROOT / "bench" / "results" / f"estimate_{'_'.join(families)}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    cells: list[dict] = []
    result: dict = {}
    for fam in families:
        for k in lists:
            for n in SPARSE_SIZES if fam == "sparse" else sizes:
                cells.append(run_cell(fam, k, n, args.reps, ms, args.seed))
                # written after every cell, so a run cut short keeps what it finished
                result = {
                    "bench": "estimate",
                    "when": started,
                    "machine": {
                        "python": platform.python_version(),
                        "cpus": os.cpu_count(),
                        "platform": platform.platform(),
                    },
                    "settings": {
                        key: (str(v) if isinstance(v, Path) else v)
                        for key, v in vars(args).items()
                        if key != "table"
                    },
                    "nominal_level": 0.95,
                    "families": family_table(cells),
                    "cells": cells,
                }
                out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(markdown(result["families"]))


if __name__ == "__main__":
    main()
