"""`athar estimate` and `athar report`: how many people no list holds."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from athar.cli.common import DbOption, JsonFlag, console, err, fail, open_cli_store, progress_bar
from athar.errors import AtharError

if TYPE_CHECKING:
    from athar.estimate import CaptureHistories, Estimate
    from athar.estimate.linkage_draws import UncertainLinks

StrataOption = Annotated[
    str | None,
    typer.Option("--by", help="Stratify by governorate, year, sex and/or age_group (comma-separated)."),
]


def _capture_histories(db: str | None, histories: Path | None, by: str | None):
    """Capture histories from a CSV, or from the linked store (with strata when asked, and the
    linkage's uncertain pairs: None for a CSV)."""
    from athar.estimate.from_store import STRATA, person_capture_rows, uncertain_links
    from athar.estimate.histories import CaptureHistories, stratify

    fields = [f.strip() for f in by.split(",") if f.strip()] if by else []
    unknown = [f for f in fields if f not in STRATA]
    if unknown:
        raise fail(f"cannot stratify by {', '.join(unknown)}; use {', '.join(STRATA)}")
    if histories is not None:
        if fields:
            raise fail("--by needs the linked store; an aggregate --histories file has no strata")
        try:
            return CaptureHistories.from_csv(histories), {}, None
        except (OSError, AtharError) as e:
            raise fail(f"{histories}: {e}") from None
    left_out: list[str] = []
    with open_cli_store(db) as engine:
        rows = list(person_capture_rows(engine, left_out))
    if not rows:
        raise fail("no linked persons in the store: run `athar link` first, or give --histories F.csv")
    from athar.linkage.review import open_tasks

    with open_cli_store(db) as engine:
        waiting = len(open_tasks(engine, limit=100_000))
    if waiting:
        err.print(
            f"{waiting:,} uncertain pairs of records are waiting for review: a person split in two by "
            "linkage counts as someone only one list holds, and raises the estimate.",
            highlight=False,
            soft_wrap=True,
        )
    if left_out:
        err.print(
            f"{len(left_out):,} persons known only from records without a given and a family name are left "
            "out of the estimate: they cannot be matched, so they would count as people no other list holds.",
            highlight=False,
            soft_wrap=True,
        )
    overall = stratify(rows)[()]
    strata = stratify(rows, by=fields, lists=list(overall.lists)) if fields else {}
    with open_cli_store(db) as engine:
        links = uncertain_links(engine, rows, left_out)
    return overall, strata, links


def estimate(
    histories: Annotated[
        Path | None, typer.Option(help="Aggregate CSV: one 0/1 column per list plus count.")
    ] = None,
    by: StrataOption = None,
    method: Annotated[
        str,
        typer.Option(
            help="auto (the default: log-linear models with and without heterogeneity terms, averaged "
            "by AIC, the interval spanning the heterogeneity terms that fit where they disagree; "
            "docs/estimation.md), average (the same, without the default's fallbacks), loglinear, "
            "lcmcr, bma (model average over decomposable graphs) or both."
        ),
    ] = "auto",
    criterion: Annotated[str, typer.Option(help="Model choice: bic or aic.")] = "bic",
    interval: Annotated[str, typer.Option(help="profile, wald-log or bca (bootstrap).")] = "bca",
    search: Annotated[
        str, typer.Option(help="Model search: auto, exhaustive, downhill or stepwise.")
    ] = "stepwise",
    seed: Annotated[int, typer.Option(help="Seed for bootstrap and LCMCR (same seed, same figures).")] = 0,
    iterations: Annotated[
        int, typer.Option(min=100, help="LCMCR iterations kept per chain (and as many of warm-up).")
    ] = 10_000,
    linkage_draws: Annotated[
        int | None,
        typer.Option(
            help="Draws of the review band's unjudged pairs mixed into the interval (Sadinle 2018); "
            "default 20 from the store, 0 to take the linkage as certain. Not for --histories."
        ),
    ] = None,
    compare: Annotated[
        bool,
        typer.Option(
            "--compare",
            help="With the default method: also the other methods, labelled as comparisons, with why "
            "they differ (as the report shows them).",
        ),
    ] = False,
    db: DbOption = None,
    json_out: JsonFlag = False,
) -> None:
    """How many people no list holds: multiple systems estimation over the lists' overlaps.

    The default (``--method auto``) is a rule on the data chosen from the simulation study in
    bench/estimate.py and docs/estimation.md: log-linear models with and without a heterogeneity term
    (Darroch, Poisson2, Gamma3.5) and two-list interactions, averaged by AIC weight, the interval
    spanning the heterogeneity terms that fit adequately where they disagree about the unseen;
    LCMCR beyond twelve lists. ``--search`` and ``--interval``
    apply to ``--method loglinear``.
    """
    from athar.estimate.linkage_draws import DEFAULT_DRAWS

    with progress_bar(disable=json_out) as bar:
        reading = bar.add_task("reading the linked store", total=None)
        overall, strata, links = _capture_histories(db, histories, by)
        if links is None and linkage_draws:
            raise fail("--linkage-draws needs the linked store; an aggregate --histories file has no pairs")
        bar.remove_task(reading)
        task = bar.add_task("estimating", total=1 + bool(strata))
        code = run_estimate(
            histories=overall,
            strata=strata,
            json_out=json_out,
            method=method,
            search=search,
            criterion=criterion,
            interval=interval,
            seed=seed,
            iterations=iterations,
            compare=compare,
            console=console,
            links=links,
            linkage_draws=DEFAULT_DRAWS if linkage_draws is None else linkage_draws,
            progress=_advance(bar, task),
        )
    raise typer.Exit(code)


def _advance(bar: Any, task: Any) -> Callable[[str], None]:
    """A progress callback: each call names the estimate about to run and counts the one before."""
    started = [False]

    def step(what: str) -> None:
        if started[0]:
            bar.advance(task)
        started[0] = True
        bar.update(task, description=f"estimating: {what}")

    return step


def report(
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")],
    histories: Annotated[
        Path | None, typer.Option(help="Aggregate CSV: one 0/1 column per list plus count.")
    ] = None,
    by: StrataOption = "governorate",
    method: Annotated[
        str,
        typer.Option(
            help="auto (the default estimate, as `athar estimate` gives it, with the other methods "
            "beside it as comparisons), average, loglinear, lcmcr, bma or both."
        ),
    ] = "auto",
    seed: Annotated[int | None, typer.Option(help="Seed for bootstrap and LCMCR.")] = 0,
    iterations: Annotated[
        int, typer.Option(min=100, help="LCMCR iterations kept per chain (and as many of warm-up).")
    ] = 10_000,
    db: DbOption = None,
) -> None:
    """A self-contained HTML report: the default estimate and its interval, the other methods as
    comparisons, estimates by stratum, list overlaps, what the estimate covers and what it does not."""
    from athar.estimate.service import write_report

    with progress_bar() as bar:
        reading = bar.add_task("reading the linked store", total=None)
        overall, strata, links = _capture_histories(db, histories, None if histories else by)
        bar.remove_task(reading)
        task = bar.add_task("estimating", total=1 + bool(strata))
        try:
            path = write_report(
                out,
                histories=overall,
                strata=strata,
                method=method,
                seed=seed,
                iterations=iterations,
                links=links,
                progress=_advance(bar, task),
            )
        except AtharError as e:
            raise fail(str(e)) from None
    err.print(f"wrote {path}", highlight=False)


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
    compare: bool = False,
    console: Console | None = None,
    links: UncertainLinks | None = None,
    linkage_draws: int = 0,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Print observed count, estimate, interval, model and warnings; return the exit code.

    ``method="auto"`` is the default estimate every interface quotes
    (``athar.estimate.service.headline_estimates``); with ``compare`` the other methods follow it,
    labelled. ``links`` and ``linkage_draws``: the linkage's uncertain pairs drawn into the headline's
    interval. Strata are estimated with small ones pooled (``athar.estimate.strata``), and their
    sum given. ``progress`` is called before the overall estimate and before the strata.

    Exit codes: 0 done, 2 no usable input or no estimate possible.
    """
    from athar.estimate.service import estimates_with_strata, load_histories

    console = console or Console()
    err = Console(stderr=True)
    try:
        hist = load_histories(histories_csv, histories)
        done = estimates_with_strata(
            hist,
            strata,
            compare=compare,
            links=links,
            linkage_draws=linkage_draws,
            progress=progress,
            method=method,
            search=search,
            criterion=criterion,
            max_order=max_order,
            interval=interval,
            n_boot=n_boot,
            iterations=iterations,
            seed=seed,
        )
    except (AtharError, FileNotFoundError) as exc:
        err.print(f"[red]error:[/red] {exc}")
        return 2
    overall, stratified, titles = done.overall, done.stratified, done.titles
    if json_out:
        doc: dict[str, Any] = {
            "n_observed": hist.n_observed,
            "lists": list(hist.lists),
            "estimates": [e.to_dict() for e in overall],
            "strata": {s.label: [e.to_dict() for e in s.estimates] for s in stratified.strata},
        }
        if stratified.strata:
            doc["strata_pooled"] = {s.label: s.members for s in stratified.strata if len(s.members) > 1}
            doc["strata_pooling_rule"] = stratified.rule
            doc["strata_total"] = stratified.total.to_dict() if stratified.total else None
        sys.stdout.write(
            json.dumps(doc, ensure_ascii=False, indent=2, default=_jsonable, allow_nan=False) + "\n"
        )
        return 0
    _print(console, "All", hist, overall)
    for stratum in stratified.strata:  # governorates in words, as the report
        _print(console, titles[stratum.label], stratum.histories, stratum.estimates)
    if stratified.total is not None:
        _print(console, "Sum of strata", hist, [stratified.total])
    return 0


def _print(console: Console, label: str, hist: CaptureHistories, estimates: list[Estimate]) -> None:
    table = Table(title=f"{label}: {hist.n_observed:,} persons observed on {hist.k} lists")
    for col in ("method", "estimate", "interval", "model"):
        table.add_column(col)
    for e in estimates:
        role = e.details.get("role")
        table.add_row(
            ("comparison: " if role == "comparison" else "") + e.method,
            f"{e.estimate:,.0f}",
            f"{e.ci_low:,.0f}–{e.ci_high:,.0f} ({e.ci_level:.0%} {e.interval})",
            e.model,
        )
    if not estimates:
        table.add_row("—", "no estimate", "", "too few lists or persons")
    console.print(table)
    for e in estimates:
        if e.details.get("why"):
            who = "comparison" if e.details.get("role") == "comparison" else "default"
            console.print(f"[bold]{who}:[/bold] {escape(e.details['why'])}", highlight=False)
    headline, others = estimates[:1], estimates[1:]
    for w in sorted({w for e in headline for w in e.warnings}):
        console.print(f"[yellow]warning:[/yellow] {escape(w)}", highlight=False)
    for e in others:
        for w in e.warnings:
            if w not in headline[0].warnings:
                console.print(f"[yellow]warning ({escape(e.method)}):[/yellow] {escape(w)}", highlight=False)


def _jsonable(value: object) -> object:
    if hasattr(value, "tolist"):
        return value.tolist()  # numpy scalars and arrays
    return str(value)
