"""Model averaging over decomposable graphs reproduces dga and Madigan-York, and covers known totals.

Expected figures are read from ``tests/data/mse``: ``published`` entries (Madigan and York 1997
via HRDAG's dga tests; log-linear papers) and, for dga's five-list example, which has no
published figure, the ``computed_here`` values of dga 2.0.2 run on the same table.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from scipy.special import gammaln

from athar.estimate import CaptureHistories, bma, bma_estimate, decomposable_graphs
from athar.estimate.service import compute_estimates

DATA = Path(__file__).parent / "data" / "mse"


def table(name: str) -> tuple[CaptureHistories, dict]:
    raw = json.loads((DATA / f"{name}.json").read_text("utf-8"))
    return CaptureHistories.from_json(raw), raw


@pytest.mark.parametrize(("p", "count"), [(3, 8), (4, 61), (5, 822), (6, 18154)])
def test_decomposable_graph_counts_match_the_literature(p, count):
    assert len(decomposable_graphs(p)) == count  # OEIS A058862


def test_a_four_cycle_without_chord_is_not_decomposable_and_cliques_cover_every_list():
    graphs = decomposable_graphs(4)
    cycle = ((0, 1), (0, 2), (1, 3), (2, 3))
    assert all(g.edges != cycle for g in graphs)
    for g in graphs:
        union = 0
        for c in g.cliques:
            union |= c
        assert union == 0b1111
        assert len(g.cliques) - len(g.separators) >= 1


def test_dga_five_list_example_is_reproduced():
    """dga's own example: delta 0.5, prior 1/N, Nmissing 1..300."""
    hist, raw = table("madigan_york_5lists_dga_example")
    ref = raw["computed_here"][0]
    res = bma(hist, delta=0.5, n_missing=np.arange(1, 301))
    assert res.bayes_relative == pytest.approx(ref["estimate"], abs=0.05)
    assert res.interval(0.95) == (ref["ci_low"], ref["ci_high"])
    assert res.mean == pytest.approx(617.8, abs=0.05)
    assert (res.median, res.mode) == (616, 614)


def test_madigan_york_three_list_figures_are_reproduced():
    """Spina bifida: negative-binomial prior on N, delta 1; dga asserts these against the paper."""
    hist, raw = table("spina_bifida_madigan_york_3lists")
    pub = raw["published"][0]
    a, b = 13.14, 55.17

    def log_prior(n: np.ndarray) -> np.ndarray:
        return n * np.log(b) - (n + a) * np.log(1 + b) + gammaln(n + a) - gammaln(n + 1) - gammaln(a)

    res = bma(hist, delta=1.0, n_missing=np.arange(1, 301), log_prior=log_prior, keep_by_model=True)
    assert round(res.bayes_relative) == pub["estimate"]
    assert res.mode == pub["posterior_mode"]
    top = int(np.argmax(res.model_probs))
    assert round(res.model_probs[top], 2) == 0.37
    weights, totals = res.by_model[top], res.totals
    assert round(np.sum(weights / totals) / np.sum(weights / totals**2)) == 731
    assert totals[np.argmax(weights)] == 729


def test_grid_found_from_the_data_agrees_with_dga_grid():
    hist, _ = table("madigan_york_5lists_dga_example")
    fixed = bma(hist, delta=0.5, n_missing=np.arange(0, 301))
    auto = bma(hist, delta=0.5)
    assert auto.median == fixed.median
    assert auto.interval() == pytest.approx(fixed.interval(), abs=1)
    assert auto.model_probs.sum() == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("name", "method_contains"),
    [
        ("kosovo_1999_killings_4lists", "lowest B"),
        ("korea_palembang_comfort_women_3lists", "lowest B"),
        ("western_us_sex_trafficking_5lists", "stepwise"),
        ("new_orleans_trafficking_5lists_n185", "stepwise"),
        ("uk_2013_modern_slavery_5lists", "lowest B"),
        ("uk_2013_modern_slavery_6lists", "all-model BIC method but the sear"),
    ],
)
def test_model_average_falls_inside_the_published_intervals(name, method_contains):
    hist, raw = table(name)
    pub = next(
        p
        for p in raw["published"]
        if method_contains in p["method"] and p["ci_low"] is not None and p["ci_high"] is not None
    )
    est = bma_estimate(hist)
    assert pub["ci_low"] <= est.estimate <= pub["ci_high"]
    assert est.ci_low < pub["ci_high"] and est.ci_high > pub["ci_low"]
    assert est.ci_low <= est.estimate <= est.ci_high


def _simulate(n_total: int, catch: list[float], seed: int, copy: float = 0.0) -> CaptureHistories:
    rng = np.random.default_rng(seed)
    caught = rng.random((n_total, len(catch))) < np.array(catch)
    caught[:, 1] |= caught[:, 0] & (rng.random(n_total) < copy)
    rows = [(tuple(int(v) for v in r), 1) for r in caught if r.any()]
    return CaptureHistories.from_rows([chr(65 + j) for j in range(len(catch))], rows)


@pytest.mark.parametrize("copy", [0.0, 0.4])
def test_interval_covers_a_known_total_with_independent_or_copying_lists(copy):
    covered = 0
    for seed in range(10):
        hist = _simulate(2000, [0.3, 0.2, 0.25, 0.15], seed, copy)
        est = bma_estimate(hist)
        covered += est.ci_low <= 2000 <= est.ci_high
    assert covered >= 8


def test_copying_lists_put_posterior_weight_on_their_edge():
    hist = _simulate(3000, [0.3, 0.2, 0.25, 0.15], 7, copy=0.5)
    res = bma(hist)
    graphs = decomposable_graphs(4)
    with_edge = sum(res.model_probs[g] for g, graph in enumerate(graphs) if (0, 1) in graph.edges)
    assert with_edge > 0.95


def test_lists_that_do_not_bound_the_total_are_reported():
    # two lists that never meet: nothing in the data says how many neither holds
    hist = CaptureHistories.from_rows(["A", "B", "C"], [((1, 0, 0), 40), ((0, 1, 0), 30), ((0, 0, 1), 20)])
    est = bma_estimate(hist)
    assert any("do not bound" in w for w in est.warnings)


def test_bma_is_a_method_of_the_estimate_service():
    hist, _ = table("spina_bifida_madigan_york_3lists")
    (est,) = compute_estimates(hist, method="bma")
    assert est.method.startswith("BMA")
    assert est.details["graphs"] == 8
    assert est.details["delta"] == 2.0**-3


def test_a_posterior_held_by_the_saturated_graph_is_reported():
    """Large lists with heterogeneous visibility reject every graph but the complete one, under
    which N is not identified: the estimate collapses towards the number observed, and says so."""
    rng = np.random.default_rng(5)
    n = 100_000
    theta = rng.normal(0.0, 1.0, n)
    logit = np.array([-1.2, -1.5, -1.8, -2.0])[None, :] + theta[:, None]
    caught = rng.random((n, 4)) < 1 / (1 + np.exp(-logit))
    cells = caught.astype(np.int64) @ (1 << np.arange(4))
    counts = np.bincount(cells, minlength=16)
    hist = CaptureHistories.from_rows(
        list("ABCD"), [(tuple((c >> j) & 1 for j in range(4)), int(counts[c])) for c in range(1, 16)]
    )
    est = bma_estimate(hist)
    assert any("saturated model" in w for w in est.warnings)
