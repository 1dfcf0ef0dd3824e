"""Estimates and the HTML report from capture histories: what ``athar estimate`` and ``athar report``
compute (the printing is ``athar.cli.estimate``'s).

The store is not touched here: the caller passes either a CSV path or ready capture histories
(overall and, optionally, per stratum).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from . import comparison
from .api import Estimate, bma_estimate, lcmcr_estimate, loglinear_estimate
from .default import default_estimate
from .histories import CaptureHistories
from .report import render_report

METHODS = ("auto", "loglinear", "lcmcr", "bma", "both")
# The seed every interface uses unless told otherwise, so that the CLI, the report and the web
# dashboard quote the same default figure for one store.
DEFAULT_SEED = 0
DEFAULT_ITERATIONS = 10_000


def compute_estimates(
    hist: CaptureHistories,
    method: str = "loglinear",
    search: str = "auto",
    criterion: str = "bic",
    max_order: int | None = None,
    interval: str = "profile",
    n_boot: int = 1000,
    iterations: int = 10_000,
    seed: int | None = None,
) -> list[Estimate]:
    """The estimates asked for; a method that cannot run on this table is left out."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}: one of {', '.join(METHODS)}")
    out: list[Estimate] = []
    skipped: list[str] = []
    if method == "bma":
        return [bma_estimate(hist)]
    if method == "auto":
        return [default_estimate(hist, iterations=iterations, seed=seed)]
    if method in ("loglinear", "both"):
        kwargs = {"seed": seed} if seed is not None else {}
        try:
            out.append(
                loglinear_estimate(
                    hist,
                    search=search,
                    criterion=criterion,
                    max_order=max_order,
                    interval=interval,
                    n_boot=n_boot,
                    **kwargs,
                )
            )
        except ValueError as exc:
            if method == "loglinear":
                raise
            skipped.append(f"no log-linear estimate: {exc}")
    if method in ("lcmcr", "both") and hist.drop_empty_lists().k >= 2:
        kwargs = {"seed": seed} if seed is not None else {}
        out.append(lcmcr_estimate(hist, iterations=iterations, burnin=iterations, **kwargs))
        out[-1].warnings.extend(skipped)
    if len(out) == 2:
        a, b = out
        low, high = sorted((a.estimate, b.estimate))
        if low > 0 and high > 1.3 * low:
            note = (
                f"log-linear ({a.estimate:,.0f}) and latent-class ({b.estimate:,.0f}) estimates differ by "
                "more than 30%: heterogeneity in who gets listed, or the model choice, drives the answer"
            )
            for e in out:
                e.warnings.append(note)
    return out


def headline_estimates(
    hist: CaptureHistories,
    *,
    compare: bool = False,
    seed: int | None = DEFAULT_SEED,
    iterations: int = DEFAULT_ITERATIONS,
) -> list[Estimate]:
    """The default estimate (the headline every interface quotes) and, when ``compare``, the other
    methods after it as labelled comparisons (``athar.estimate.comparison``); a comparison that
    cannot run on this table is left out. The log-linear comparison is stepwise BIC with a profile
    interval: quick, and said to be too narrow."""
    headline = default_estimate(hist, iterations=iterations, seed=seed)
    others: list[Estimate] = []
    if compare:
        chosen = comparison.default_chosen(headline)
        runs = {
            "log-linear": lambda: loglinear_estimate(hist, search="stepwise", interval="profile"),
            "LCMCR": lambda: lcmcr_estimate(
                hist, iterations=iterations, burnin=iterations, **({"seed": seed} if seed is not None else {})
            ),
            "BMA": lambda: bma_estimate(hist),
        }
        for family, run in runs.items():
            if family == chosen:
                continue
            try:
                others.append(run())
            except ValueError:
                continue
    return comparison.label(headline, others)


def write_report(
    out: Path,
    histories_csv: Path | None = None,
    *,
    histories: CaptureHistories | None = None,
    strata: Mapping[Any, CaptureHistories] | None = None,
    method: str = "auto",
    search: str = "auto",
    criterion: str = "bic",
    max_order: int | None = None,
    interval: str = "profile",
    iterations: int = DEFAULT_ITERATIONS,
    seed: int | None = DEFAULT_SEED,
    title: str = "Athar: how many are missing",
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Write the self-contained HTML report to ``out`` and return its path.

    ``method="auto"``: the default estimate as the headline, the other methods as labelled
    comparisons, and the default alone for each stratum. ``progress`` is called with what is about
    to be computed (one call per estimate: ``1 + len(strata)`` calls)."""
    from .report import stratum_title

    hist = load_histories(histories_csv, histories)
    step = progress or (lambda _what: None)
    options: dict[str, Any] = {
        "method": method,
        "search": search,
        "criterion": criterion,
        "max_order": max_order,
        "interval": interval,
        "iterations": iterations,
        "seed": seed,
    }
    step("all lists")
    if method == "auto":
        overall = headline_estimates(hist, compare=True, seed=seed, iterations=iterations)
    else:
        overall = compute_estimates(hist, **options)
    per = {}
    for key, h in (strata or {}).items():
        label = stratum_title(key)
        step(label)
        per[label] = (h, safe_estimates(h, options))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_report(hist, overall, per, title), encoding="utf-8")
    return out


def stratum_label(key: object) -> str:
    """``("Homs", 2013)`` -> ``"Homs / 2013"``; missing values show as ``unknown``."""
    if isinstance(key, tuple):
        return " / ".join("unknown" if v is None else str(v) for v in key) or "all"
    return "unknown" if key is None else str(key)


def load_histories(histories_csv: Path | None, histories: CaptureHistories | None) -> CaptureHistories:
    if histories is not None:
        return histories
    if histories_csv is None:
        raise ValueError("no capture histories: pass --histories F.csv (one 0/1 column per list plus count)")
    return CaptureHistories.from_csv(histories_csv)


def safe_estimates(h: CaptureHistories, options: dict) -> list[Estimate]:
    """Estimates for one stratum; a stratum too thin to estimate gets none, not an error."""
    try:
        return compute_estimates(h, **options)
    except ValueError:
        return []
