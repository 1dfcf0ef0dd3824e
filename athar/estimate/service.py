"""Estimates and the HTML report from capture histories: what ``athar estimate`` and ``athar report``
compute (the printing is ``athar.cli.estimate``'s).

The store is not touched here: the caller passes either a CSV path or ready capture histories
(overall and, optionally, per stratum).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from athar.estimate.errors import EstimateError

from . import comparison
from .api import (
    AVERAGE_METHOD,
    DEFAULT_LCMCR_SEED,
    Estimate,
    average_estimate,
    bma_estimate,
    lcmcr_estimate,
    loglinear_estimate,
)
from .default import default_estimate
from .histories import CaptureHistories
from .linkage_draws import UncertainLinks, with_linkage_draws
from .report import render_report
from .strata import StratifiedEstimate, estimate_strata

METHODS = ("auto", "average", "loglinear", "lcmcr", "bma", "both")
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
    links: UncertainLinks | None = None,
    linkage_draws: int = 0,
    progress: Callable[[float], None] | None = None,
) -> list[Estimate]:
    """The estimates asked for; a method that cannot run on this table is left out.

    With ``links`` (the linkage's uncertain pairs, ``athar.estimate.from_store.uncertain_links``) and
    ``linkage_draws`` > 0, the estimates carry the linkage's uncertainty
    (:mod:`athar.estimate.linkage_draws`): LCMCR shares its chain among the draws; BMA and
    log-linear estimates are repeated per draw (with the method the table as linked chose) and
    mixed. ``progress`` is called now and then with the share of the work done (0 to 1).
    """
    options: dict[str, Any] = {
        "method": method,
        "search": search,
        "criterion": criterion,
        "max_order": max_order,
        "interval": interval,
        "n_boot": n_boot,
        "iterations": iterations,
        "seed": seed,
    }
    tables: list[CaptureHistories] = []
    if links is not None and not links.empty and linkage_draws > 0:
        rng = np.random.default_rng(seed or 0)
        tables = [links.draw(rng) for _ in range(linkage_draws)]
    report = progress or (lambda _share: None)
    main_share = 0.5 if tables else 1.0
    out = _estimates(hist, **options, tables=tables, on_progress=lambda f: report(f * main_share))
    if links is None or not out:
        report(1.0)
        return out
    done = [0]

    def on_draw() -> None:
        done[0] += 1
        report(main_share + (1 - main_share) * done[0] / max(len(tables) * len(out), 1))

    for est in out:
        if "linkage_draws" in est.details:
            continue  # LCMCR: its chain already ran across the draws
        per_draw = {**options, "method": _method_option(est)}

        def estimator(
            h: CaptureHistories, per_draw: dict[str, Any] = per_draw, averaged: tuple = est.averaged
        ) -> Estimate:
            if averaged:  # the models the linked table's average weighed, refitted on the draw
                return average_estimate(h, models=averaged)
            return _estimates(h, **per_draw)[0]

        with_linkage_draws(est, links, tables, estimator, seed=seed or 0, on_draw=on_draw)
    report(1.0)
    return out


def _method_option(est: Estimate) -> str:
    """The ``method`` that repeats ``est`` on another table (a draw of the linkage)."""
    name = est.method.removeprefix("default: ")
    if name.startswith("BMA"):
        return "bma"
    if name == AVERAGE_METHOD:
        return "average"
    return "loglinear"


def _estimates(
    hist: CaptureHistories,
    method: str,
    search: str,
    criterion: str,
    max_order: int | None,
    interval: str,
    n_boot: int,
    iterations: int,
    seed: int | None,
    tables: Sequence[CaptureHistories] = (),
    on_progress: Callable[[float], None] | None = None,
) -> list[Estimate]:
    if method not in METHODS:
        raise EstimateError(f"unknown method {method!r}: one of {', '.join(METHODS)}")
    out: list[Estimate] = []
    skipped: list[str] = []
    if method == "bma":
        return [bma_estimate(hist)]
    if method == "average":
        return [average_estimate(hist)]
    if method == "auto":
        return [
            default_estimate(hist, iterations=iterations, seed=seed, tables=tables, on_progress=on_progress)
        ]
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
        out.append(
            lcmcr_estimate(
                hist,
                iterations=iterations,
                burnin=iterations,
                tables=tables,
                on_progress=on_progress,
                **kwargs,
            )
        )
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
    links: UncertainLinks | None = None,
    linkage_draws: int = 0,
) -> list[Estimate]:
    """The default estimate (the headline every interface quotes) and, when ``compare``, the other
    methods after it as labelled comparisons (``athar.estimate.comparison``); a comparison that
    cannot run on this table is left out. The log-linear comparison is stepwise BIC with a profile
    interval: quick, and said to be too narrow. With ``links`` and ``linkage_draws`` the headline
    carries the linkage's uncertainty (:func:`compute_estimates`); the comparisons do not."""
    headline = compute_estimates(
        hist, method="auto", iterations=iterations, seed=seed, links=links, linkage_draws=linkage_draws
    )[0]
    others: list[Estimate] = []
    if compare:
        chosen = comparison.default_chosen(headline)
        runs = {
            "log-linear": lambda: loglinear_estimate(hist, search="stepwise", interval="profile"),
            "LCMCR": lambda: lcmcr_estimate(
                hist,
                iterations=iterations,
                burnin=iterations,
                seed=DEFAULT_LCMCR_SEED if seed is None else seed,
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


@dataclass(frozen=True)
class EstimatesByStratum:
    """What `athar estimate` prints and `athar report` draws: the overall estimates (the headline
    first), the strata as estimated, and each stratum's title in words."""

    overall: list[Estimate]
    stratified: StratifiedEstimate
    titles: dict[str, str]


def estimates_with_strata(
    hist: CaptureHistories,
    strata: Mapping[Any, CaptureHistories] | None = None,
    *,
    compare: bool = False,
    links: UncertainLinks | None = None,
    linkage_draws: int = 0,
    progress: Callable[[str], None] | None = None,
    **options: Any,
) -> EstimatesByStratum:
    """The overall estimates (``method="auto"``: the headline and, with ``compare``, the other methods
    as comparisons), with the linkage's uncertain pairs drawn in, then the strata, small ones pooled.
    ``options`` are :func:`compute_estimates`'; ``progress`` is called before each of the two parts."""
    step = progress or (lambda _what: None)
    step("all lists")
    if options.get("method", "auto") == "auto":
        overall = headline_estimates(
            hist,
            compare=compare,
            seed=options.get("seed", DEFAULT_SEED),
            iterations=options.get("iterations", DEFAULT_ITERATIONS),
            links=links,
            linkage_draws=linkage_draws,
        )
    else:
        overall = compute_estimates(hist, **options, links=links, linkage_draws=linkage_draws)
    if strata:
        step("strata")
    stratified = estimate_by_stratum(strata or {}, **options)
    return EstimatesByStratum(overall, stratified, stratum_titles(stratified, strata or {}))


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
    links: UncertainLinks | None = None,
    linkage_draws: int | None = None,
) -> Path:
    """Write the self-contained HTML report to ``out`` and return its path.

    ``method="auto"``: the default estimate as the headline, the other methods as labelled
    comparisons, and the default alone for each stratum (small strata pooled). With ``links`` the
    headline draws the linkage's uncertain pairs in (``linkage_draws``, by default as many as
    `athar estimate` draws), so both quote one figure. ``progress`` is called with what is about to
    be computed."""
    from .linkage_draws import DEFAULT_DRAWS

    hist = load_histories(histories_csv, histories)
    done = estimates_with_strata(
        hist,
        strata,
        compare=True,
        links=links,
        linkage_draws=DEFAULT_DRAWS if linkage_draws is None else linkage_draws,
        progress=progress,
        method=method,
        search=search,
        criterion=criterion,
        max_order=max_order,
        interval=interval,
        iterations=iterations,
        seed=seed,
    )
    per = {done.titles[s.label]: (s.histories, s.estimates) for s in done.stratified.strata}
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_report(hist, done.overall, per, title), encoding="utf-8")
    return out


def estimate_by_stratum(
    strata: Mapping[Any, CaptureHistories], level: float = 0.95, **options: Any
) -> StratifiedEstimate:
    """Estimates per stratum (keys as :func:`athar.estimate.histories.stratify` gives them), small
    strata pooled by ``athar.estimate.strata.POOLING_RULE``, and the total as the sum of the strata's
    first estimate. ``options`` are :func:`compute_estimates`' (no linkage draws within strata)."""
    labelled = {stratum_label(key): h for key, h in strata.items()}
    seed = options.get("seed") or 0
    return estimate_strata(labelled, lambda h: compute_estimates(h, **options), level=level, seed=seed)


def stratum_titles(stratified: StratifiedEstimate, keys: Iterable[object]) -> dict[str, str]:
    """Each stratum's label in words for a reader (governorates named, ``athar.estimate.report
    .stratum_title``), a pooled stratum's first member included; JSON keeps the labels."""
    from .report import stratum_title

    titles = {stratum_label(key): stratum_title(key) for key in keys}
    out = {}
    for s in stratified.strata:
        head, sep, tail = s.label.partition(" + ")
        out[s.label] = titles.get(head, head) + sep + tail
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
        raise EstimateError(
            "no capture histories: pass --histories F.csv (one 0/1 column per list plus count)"
        )
    return CaptureHistories.from_csv(histories_csv)
