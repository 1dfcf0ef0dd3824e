"""Bayesian latent-class capture-recapture (LCMCR; Manrique-Vallier 2016, Biometrics 72:1246).

The model HRDAG uses for Colombia, Syria and elsewhere. People fall into latent classes; within
a class the lists catch people independently, with list-and-class probabilities ``lambda``.
Class weights follow a stick-breaking (Dirichlet-process) prior truncated at ``K`` classes with
concentration ``alpha ~ Gamma(a, b)``; ``lambda ~ Beta(1, 1)``; the prior on the population
is ``p(N) ∝ 1/N``. Mixing over classes captures heterogeneity in catchability, the main way
that lists come to depend on each other.

The Gibbs sampler augments the data with the unobserved persons (Manrique-Vallier 2016, Sect.
3). It works on counts per distinct capture history instead of per person, so one iteration
costs the same for 1,000 or 100,000 persons:

1. the number unobserved, ``n0 | pi, lambda ~ NegBin(n, 1 - p0)`` with
   ``p0 = sum_k pi_k prod_j (1 - lambda_jk)``, truncated at ``20 n`` as LCMCR does, and their
   classes;
2. the classes of the observed persons, a multinomial draw per capture history;
3. ``lambda_jk ~ Beta(1 + caught, 1 + not caught)`` within class ``k``;
4. the sticks ``V_k ~ Beta(1 + n_k, alpha + n_{>k})`` and ``pi``;
5. ``alpha ~ Gamma(a + K - 1, b - sum log(1 - V_k))``.

Checked against the R package (LCMCR 0.4.14, ``src/NPLCM_CR_Basic_Freq.cpp``): the same full
conditionals, priors (``lambda ~ Beta(1, 1)``, ``alpha ~ Gamma(0.25, 0.25)``), 500-iteration
warm-up with ``alpha = 0.3 / K`` fixed and lambda at the lists' observed shares, and relabelling
of the classes by weight after it; ``n0`` truncated at ``20 n``. Differences that remain, and why:
``K`` defaults to HRDAG's ``min(2**J - 1, 15)`` (the package's ``lcmCR`` defaults to 5); two
chains by default, so that split R-hat can compare them (the package runs one and gives no
diagnostics); optional label-swap moves (a posterior-preserving Metropolis step the package
lacks). Burn-in, iterations and thinning mean what ``lcmCR_PostSampl``'s ``burnin``,
``samples * thinning`` and ``thinning`` mean; the defaults of :func:`athar.estimate.lcmcr_estimate`
(10,000 burn-in, 10,000 iterations, thinning 10) are the package's. On the package's Kosovo
example (K = 10, 10,000 burn-in, 1,000 draws at thinning 100) both give a median near 10,400.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from athar.estimate.errors import EstimateError

from .histories import CaptureHistories, cell_patterns

RE_BURNIN = 200  # iterations on each linkage draw's table before its draws are kept
PROGRESS_EVERY = 250  # iterations between two calls of ``on_progress``
WARMUP = 500


@dataclass
class LCMCRResult:
    """Posterior draws of N and convergence diagnostics (one column per chain)."""

    n_observed: int
    draws: np.ndarray  # shape (n_draws, n_chains)
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def pooled(self) -> np.ndarray:
        return self.draws.reshape(-1)

    @property
    def median(self) -> float:
        return float(np.median(self.pooled))

    @property
    def mean(self) -> float:
        return float(np.mean(self.pooled))

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        lo, hi = np.quantile(self.pooled, [(1 - level) / 2, (1 + level) / 2])
        return float(lo), float(hi)

    def diagnostics(self) -> dict[str, float]:
        """Effective sample size, split R-hat over all chain halves, and Geweke z per chain."""
        return {
            "ess": effective_sample_size(self.draws),
            "rhat": split_rhat(self.draws),
            "geweke_z_max": float(max(abs(geweke_z(self.draws[:, c])) for c in range(self.draws.shape[1]))),
        }

    def converged(self) -> bool:
        d = self.diagnostics()
        return d["rhat"] < 1.05 and d["ess"] >= 200


def lcmcr(
    hist: CaptureHistories,
    k_max: int | None = None,
    iterations: int = 10_000,
    burnin: int = 10_000,
    thinning: int = 10,
    chains: int = 2,
    a_alpha: float = 0.25,
    b_alpha: float = 0.25,
    seed: int = 19481210,
    label_swaps: int = 5,
    tables: Sequence[CaptureHistories] = (),
    on_progress: Callable[[float], None] | None = None,
) -> LCMCRResult:
    """Run ``chains`` independent chains; keep every ``thinning``-th of ``iterations`` after burn-in.

    ``k_max`` defaults to HRDAG's choice, ``min(2**J - 1, 15)``. ``label_swaps`` Metropolis
    label-swap proposals per iteration help the chain between labellings (0: plain LCMCR).

    ``tables``: other versions of the same table (draws of the linkage, over the same lists). The
    chain burns in on ``hist``, then spends an equal share of ``iterations`` on each table, after
    ``RE_BURNIN`` iterations to settle on it: the kept draws are the mixture of the tables'
    posteriors (Sadinle 2018) at the cost of about one run, not one run per table.
    ``on_progress`` is called now and then with the share of the work done (0 to 1).
    """
    hist = hist.drop_empty_lists()
    if hist.k < 2:
        raise EstimateError("LCMCR needs at least two lists holding someone")
    k = k_max if k_max is not None else min(2**hist.k - 1, 15)
    x = cell_patterns(hist.k).astype(float)
    counts = [hist.cell_counts()] + [t.select(hist.lists).cell_counts() for t in tables]
    plan = _plan(len(tables), burnin, iterations)
    steps = sum(n for _t, n, _keep in plan)
    seeds = np.random.SeedSequence(seed).spawn(chains)
    runs = []
    for number, s in enumerate(seeds):

        def tick(step: int, number: int = number) -> None:
            if on_progress is not None:
                on_progress((number * steps + step) / (chains * steps))

        rng = np.random.default_rng(s)
        runs.append(_chain(x, counts, plan, k, thinning, a_alpha, b_alpha, rng, label_swaps, tick))
    if on_progress is not None:
        on_progress(1.0)
    settings = {
        "K": k,
        "iterations": iterations,
        "burnin": burnin,
        "thinning": thinning,
        "chains": chains,
        "a_alpha": a_alpha,
        "b_alpha": b_alpha,
        "seed": seed,
        "label_swaps": label_swaps,
        "lists": list(hist.lists),
        **({"linkage_tables": len(tables), "re_burnin": RE_BURNIN} if tables else {}),
    }
    return LCMCRResult(hist.n_observed, np.column_stack(runs), settings)


Plan = list[tuple[int, int, bool]]  # (table, iterations, kept?) in order


def _plan(extra_tables: int, burnin: int, iterations: int) -> Plan:
    """Warm-up and burn-in on table 0; then the kept iterations on table 0, or shared among the
    other tables, each after ``RE_BURNIN`` iterations that are not kept."""
    plan = [(0, WARMUP, False), (0, burnin, False)]
    if not extra_tables:
        return [*plan, (0, iterations, True)]
    share = max(iterations // extra_tables, 1)
    for t in range(1, extra_tables + 1):
        plan += [(t, RE_BURNIN, False), (t, share, True)]
    return plan


def _chain(
    patterns: np.ndarray,
    counts: list[np.ndarray],
    plan: Plan,
    k: int,
    thinning: int,
    a_alpha: float,
    b_alpha: float,
    rng: np.random.Generator,
    label_swaps: int = 0,
    tick: Callable[[int], None] | None = None,
) -> np.ndarray:
    table = plan[0][0]
    x, c = patterns[counts[table] > 0], counts[table][counts[table] > 0].astype(np.int64)
    n = int(c.sum())
    # start as Manrique-Vallier's LCMCR does: every class catches like the list's share of the
    # observed, four large classes, a tiny alpha held fixed for a 500-iteration warm-up. Starting
    # from few or identical classes instead can leave the chain in a two-class state for a
    # million iterations on sparse many-list tables.
    lam = np.repeat(np.clip(x.T @ c / n, 1e-6, 1 - 1e-6)[:, None], k, axis=1)
    alpha = 0.3 / k
    pi = np.full(k, 0.1 / (k - 4)) if k > 4 else np.zeros(k)
    pi[: min(k, 4)] = 0.9 / min(k, 4)
    log_pi = np.log(pi / pi.sum())
    keep = np.empty(sum(steps for _t, steps, kept in plan if kept) // thinning + len(plan))
    kept = 0
    xt = x.T
    it = -WARMUP - 1  # below 0: warm-up, alpha held fixed
    step = 0
    since_kept = 0
    for next_table, steps, keeping in plan:
        if next_table != table:
            table = next_table
            x, c = patterns[counts[table] > 0], counts[table][counts[table] > 0].astype(np.int64)
            n, xt = int(c.sum()), x.T
        for _ in range(steps):
            it += 1
            step += 1
            if tick is not None and step % PROGRESS_EVERY == 0:
                tick(step)
            lam, log_pi, alpha, n0 = _iteration(
                x, xt, c, n, k, lam, log_pi, alpha, it, a_alpha, b_alpha, rng, label_swaps
            )
            if keeping:
                since_kept += 1
                if since_kept % thinning == 0:
                    keep[kept] = n + n0
                    kept += 1
    return keep[:kept]


def _iteration(
    x: np.ndarray,
    xt: np.ndarray,
    c: np.ndarray,
    n: int,
    k: int,
    lam: np.ndarray,
    log_pi: np.ndarray,
    alpha: float,
    it: int,
    a_alpha: float,
    b_alpha: float,
    rng: np.random.Generator,
    label_swaps: int,
) -> tuple[np.ndarray, np.ndarray, float, int]:
    """One Gibbs sweep (steps 1 to 5 of the module's docstring); ``it`` < 0 during warm-up."""
    log_lam = np.log(lam)
    log_1m = np.log1p(-lam)
    # 1. unobserved persons and their classes
    log_w0 = log_pi + log_1m.sum(axis=0)
    top = log_w0.max()
    w0 = np.exp(log_w0 - top)
    p0 = min(math.exp(top) * float(w0.sum()), 1 - 1e-12)
    n0 = _unobserved(rng, n, p0)
    m0 = rng.multinomial(n0, w0 / w0.sum()) if n0 else np.zeros(k, dtype=np.int64)
    # 2. classes of the observed persons, per capture history
    logp = log_pi + x @ log_lam + (1.0 - x) @ log_1m
    logp -= logp.max(axis=1, keepdims=True)
    prob = np.exp(logp)
    prob /= prob.sum(axis=1, keepdims=True)
    m = rng.multinomial(c, prob)  # (patterns, K)
    n_k = m.sum(axis=0) + m0
    if label_swaps:
        perm = _swap_labels(rng, n_k, log_pi, label_swaps)
        m, m0, n_k = m[:, perm], m0[perm], n_k[perm]
    caught = xt @ m  # (lists, K)
    # 3. capture probabilities within classes
    lam = rng.beta(1.0 + caught, 1.0 + n_k[None, :] - caught)
    lam = np.clip(lam, 1e-300, 1 - 1e-16)
    # 4. sticks, on the log scale: V_k is tiny or near one when alpha is small
    tail = np.concatenate([np.cumsum(n_k[::-1])[::-1][1:], [0]])[:-1]
    lg1 = _log_gamma(rng, 1.0 + n_k[:-1])
    lg2 = _log_gamma(rng, alpha + tail)
    lse = np.logaddexp(lg1, lg2)
    log_v, log_1mv = lg1 - lse, lg2 - lse
    acc = np.concatenate([[0.0], np.cumsum(log_1mv)])
    log_pi = np.concatenate([log_v, [0.0]]) + acc
    # 5. concentration
    if it == -1:
        # end of warm-up: relabel the classes by decreasing weight, as LCMCR does
        # (permute_latent_classes_by_nu), so the sampler starts from the labelling the
        # stick-breaking prior favours
        order = np.argsort(-log_pi, kind="stable")
        log_pi, lam = log_pi[order], lam[:, order]
    if it >= 0:
        alpha = rng.gamma(a_alpha + k - 1, 1.0 / (b_alpha - acc[-1]))
    return lam, log_pi, alpha, n0


MAX_UNOBSERVED = 20  # times the number observed: LCMCR's truncation of n0


def _unobserved(rng: np.random.Generator, n: int, p0: float) -> int:
    """``n0 ~ NegBin(n, 1 - p0)`` truncated at ``20 n``, by rejection as LCMCR's ``sam_n0`` does.

    The truncation bounds the prior on N (``p(n0 | n) ∝ n / (n0 + n)`` up to ``20 n``): without it
    a chain on a table with little overlap can wander to totals no list could have produced.
    After 100 rejections (``p0`` near one) the draw is held at the bound.
    """
    limit = MAX_UNOBSERVED * n
    for _ in range(100):
        n0 = int(rng.negative_binomial(n, 1.0 - p0))
        if n0 <= limit:
            return n0
    return limit


def _swap_labels(rng: np.random.Generator, n_k: np.ndarray, log_pi: np.ndarray, tries: int) -> np.ndarray:
    """Metropolis label swaps for the stick-breaking prior (Hastie, Liverani & Richardson 2015).

    The truncated stick-breaking prior is not exchangeable in the class labels, and Gibbs
    updates alone cannot move a large class to an early label: the chain can then sit for
    hundreds of thousands of iterations in one labelling, each giving a different posterior
    for N on sparse many-list tables. Swapping two non-empty classes' members, with the weights
    held fixed, is accepted with probability ``(pi_l / pi_k) ** (n_k - n_l)``.
    """
    perm = np.arange(len(n_k))
    counts = n_k.copy()
    for _ in range(tries):
        occupied = np.flatnonzero(counts)
        if len(occupied) < 2:
            break
        a, b = rng.choice(occupied, size=2, replace=False)
        log_ratio = (log_pi[b] - log_pi[a]) * (counts[a] - counts[b])
        if math.log(rng.random()) < log_ratio:
            perm[[a, b]] = perm[[b, a]]
            counts[[a, b]] = counts[[b, a]]
    return perm


def _log_gamma(rng: np.random.Generator, shape: np.ndarray) -> np.ndarray:
    """log of Gamma(shape, 1) draws, accurate for tiny shapes: G(a) = G(a + 1) U**(1/a)."""
    return np.log(rng.standard_gamma(shape + 1.0)) + np.log(rng.random(len(shape))) / shape


# ----- convergence diagnostics ------------------------------------------------------------------


def effective_sample_size(draws: np.ndarray) -> float:
    """Sum over chains of the ESS from Geyer's initial positive sequence of autocorrelations."""
    total = 0.0
    for col in np.atleast_2d(draws.T):
        total += _ess_one(np.asarray(col, dtype=float))
    return total


def _ess_one(x: np.ndarray) -> float:
    n = len(x)
    if n < 4 or np.var(x) == 0:
        return float(n)
    xc = x - x.mean()
    f = np.fft.rfft(xc, 2 * n)
    acov = np.fft.irfft(f * np.conj(f))[:n] / n
    rho = acov / acov[0]
    # Geyer: tau = -1 + 2 * sum of pair sums rho_2t + rho_2t+1 while they stay positive
    tau = -1.0
    for t in range(0, n - 1, 2):
        pair = rho[t] + rho[t + 1]
        if pair < 0:
            break
        tau += 2.0 * pair
    return float(n / max(tau, 1e-9))


def split_rhat(draws: np.ndarray) -> float:
    """Gelman-Rubin potential scale reduction over the halves of every chain."""
    d = np.atleast_2d(draws.T)
    half = d.shape[1] // 2
    if half < 2:
        return math.nan
    parts = np.vstack([d[:, :half], d[:, half : 2 * half]])
    n = parts.shape[1]
    means = parts.mean(axis=1)
    w = parts.var(axis=1, ddof=1).mean()
    b = n * means.var(ddof=1)
    if w == 0:
        return 1.0
    var_hat = (n - 1) / n * w + b / n
    return float(math.sqrt(var_hat / w))


def geweke_z(x: np.ndarray, first: float = 0.1, last: float = 0.5) -> float:
    """Geweke's z comparing the means of the start and the end of a chain (batch-mean variances)."""
    n = len(x)
    a, b = x[: int(first * n)], x[int((1 - last) * n) :]
    if len(a) < 4 or len(b) < 4:
        return 0.0
    va, vb = _batch_var_of_mean(a), _batch_var_of_mean(b)
    if va + vb == 0:
        return 0.0
    return float((a.mean() - b.mean()) / math.sqrt(va + vb))


def _batch_var_of_mean(x: np.ndarray, batches: int = 10) -> float:
    size = max(len(x) // batches, 1)
    means = np.array([x[i * size : (i + 1) * size].mean() for i in range(len(x) // size)])
    if len(means) < 2:
        return float(np.var(x) / len(x))
    return float(means.var(ddof=1) / len(means))
