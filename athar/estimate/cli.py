"""What ``athar estimate`` and ``athar report`` do, as plain functions for the Typer app to call.

The store is not touched here: the caller passes either a CSV path or ready capture histories
(overall and, optionally, per stratum).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from .api import Estimate, lcmcr_estimate, loglinear_estimate
from .histories import CaptureHistories
from .report import render_report

METHODS = ("loglinear", "lcmcr", "both")


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


def run_estimate(
    histories_csv: Path | None = None,
    json_out: bool = False,
    method: str = "loglinear",
    *,
    histories: CaptureHistories | None = None,
    strata: Mapping[Any, CaptureHistories] | None = None,
    search: str = "auto",
    criterion: str = "bic",
    max_order: int | None = None,
    interval: str = "profile",
    n_boot: int = 1000,
    iterations: int = 10_000,
    seed: int | None = None,
    console: Console | None = None,
) -> int:
    """Print observed count, estimate, interval, model and warnings; return the exit code.

    Exit codes: 0 done, 2 no usable input or no estimate possible.
    """
    console = console or Console()
    err = Console(stderr=True)
    try:
        hist = _load(histories_csv, histories)
        options = {
            "method": method,
            "search": search,
            "criterion": criterion,
            "max_order": max_order,
            "interval": interval,
            "n_boot": n_boot,
            "iterations": iterations,
            "seed": seed,
        }
        overall = compute_estimates(hist, **options)
        strata = {stratum_label(key): h for key, h in (strata or {}).items()}
        by_stratum = {label: _safe_estimates(h, options) for label, h in strata.items()}
    except (ValueError, FileNotFoundError) as exc:
        err.print(f"[red]error:[/red] {exc}")
        return 2
    if json_out:
        doc = {
            "n_observed": hist.n_observed,
            "lists": list(hist.lists),
            "estimates": [e.to_dict() for e in overall],
            "strata": {label: [e.to_dict() for e in ests] for label, ests in by_stratum.items()},
        }
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2, default=_jsonable) + "\n")
        return 0
    _print(console, "All", hist, overall)
    for label, ests in by_stratum.items():
        _print(console, label, strata[label], ests)  # type: ignore[index]
    return 0


def write_report(
    out: Path,
    histories_csv: Path | None = None,
    *,
    histories: CaptureHistories | None = None,
    strata: Mapping[Any, CaptureHistories] | None = None,
    method: str = "both",
    search: str = "auto",
    criterion: str = "bic",
    max_order: int | None = None,
    interval: str = "profile",
    iterations: int = 10_000,
    seed: int | None = None,
    title: str = "Athar: how many are missing",
) -> Path:
    """Write the self-contained HTML report to ``out`` and return its path."""
    hist = _load(histories_csv, histories)
    options = {
        "method": method,
        "search": search,
        "criterion": criterion,
        "max_order": max_order,
        "interval": interval,
        "iterations": iterations,
        "seed": seed,
    }
    overall = compute_estimates(hist, **options)
    per = {stratum_label(key): (h, _safe_estimates(h, options)) for key, h in (strata or {}).items()}
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_report(hist, overall, per, title), encoding="utf-8")
    return out


def stratum_label(key: object) -> str:
    """``("Homs", 2013)`` -> ``"Homs / 2013"``; missing values show as ``unknown``."""
    if isinstance(key, tuple):
        return " / ".join("unknown" if v is None else str(v) for v in key) or "all"
    return "unknown" if key is None else str(key)


def _load(histories_csv: Path | None, histories: CaptureHistories | None) -> CaptureHistories:
    if histories is not None:
        return histories
    if histories_csv is None:
        raise ValueError("no capture histories: pass --histories F.csv (one 0/1 column per list plus count)")
    return CaptureHistories.from_csv(histories_csv)


def _safe_estimates(h: CaptureHistories, options: dict) -> list[Estimate]:
    """Estimates for one stratum; a stratum too thin to estimate gets none, not an error."""
    try:
        return compute_estimates(h, **options)
    except ValueError:
        return []


def _print(console: Console, label: str, hist: CaptureHistories, estimates: list[Estimate]) -> None:
    table = Table(title=f"{label}: {hist.n_observed:,} persons observed on {hist.k} lists")
    for col in ("method", "estimate", "interval", "model"):
        table.add_column(col)
    for e in estimates:
        table.add_row(
            e.method,
            f"{e.estimate:,.0f}",
            f"{e.ci_low:,.0f}–{e.ci_high:,.0f} ({e.ci_level:.0%} {e.interval})",
            e.model,
        )
    if not estimates:
        table.add_row("—", "no estimate", "", "too few lists or persons")
    console.print(table)
    for w in sorted({w for e in estimates for w in e.warnings}):
        console.print(f"[yellow]warning:[/yellow] {w}")


def _jsonable(value: object) -> object:
    if hasattr(value, "tolist"):
        return value.tolist()  # numpy scalars and arrays
    return str(value)
