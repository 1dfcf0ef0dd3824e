"""The `athar` command. Every verb is a thin call into the module that does the work."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Athar (أثر): find Syria's missing. Lossless ingest, Arabic-aware linkage, estimation.",
    pretty_exceptions_show_locals=False,  # locals may hold personal data: never print them
)
export_app = typer.Typer(no_args_is_help=True, help="Write the store's records out.")
app.add_typer(export_app, name="export")
review_app = typer.Typer(no_args_is_help=True, help="Uncertain pairs for a human to judge.")
app.add_typer(review_app, name="review")
users_app = typer.Typer(no_args_is_help=True, help="Accounts of the web application.")
app.add_typer(users_app, name="users")
tokens_app = typer.Typer(no_args_is_help=True, help="API tokens for partner organisations.")
app.add_typer(tokens_app, name="tokens")

console = Console()
err = Console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option("--db", envvar="ATHAR_DB", help="Store URL or SQLite file (default: athar.db here)."),
]
UserOption = Annotated[str | None, typer.Option("--user", help="Acting user for the audit log.")]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[bold red]athar: error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


@contextmanager
def _store(db: str | None):
    from sqlalchemy.exc import OperationalError

    from athar.store import open_store

    try:
        engine = open_store(db)
    except OperationalError as e:
        raise fail(f"cannot open the store: {str(e.orig).strip().splitlines()[0]}") from None
    try:
        yield engine
    finally:
        engine.dispose()


def _progress(transient: bool = True) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=transient,
        disable=not err.is_terminal,
    )


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="CSV, TSV, XLSX, JSON, JSON Lines or PFIF 1.4 XML file.")],
    source: Annotated[str, typer.Option("--source", "-s", help="Name of the list this file belongs to.")],
    mapping: Annotated[Path | None, typer.Option("--mapping", "-m", help="TOML column mapping.")] = None,
    encoding: Annotated[str | None, typer.Option(help="Text encoding; detected when not given.")] = None,
    sheet: Annotated[str | None, typer.Option(help="XLSX sheet (default: the first).")] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            help="What kind of list the source is: family_report, detention_register, hospital_or_morgue, "
            "returnee_registration or other (sets it; a new source without one is 'other')."
        ),
    ] = None,
    json_out: JsonFlag = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Import one file into a source: every row stored or quarantined with its reason."""
    from athar.audit import current_user
    from athar.ingest import StoreBusy, UnreadableFile, import_file
    from athar.store.tables import SOURCE_KINDS

    if kind is not None and kind not in SOURCE_KINDS:
        raise fail(f"--kind must be one of: {', '.join(SOURCE_KINDS)}")
    with _store(db) as engine, _progress() as progress:
        task = progress.add_task(f"importing {file.name}", total=None)
        try:
            result = import_file(
                engine,
                file,
                source,
                mapping_path=mapping,
                encoding=encoding,
                sheet=sheet,
                user=current_user(user),
                progress=lambda n: progress.update(task, completed=n),
                kind=kind,
            )
        except (UnreadableFile, StoreBusy) as e:
            raise fail(str(e)) from None
        except ValueError as e:
            raise fail(f"{file}: {e}") from None
    if json_out:
        print(json.dumps(result.as_json(), ensure_ascii=False))
        return
    console.print(
        f"[bold]{file.name}[/] → source [bold]{source}[/] ({result.kind}): read {result.read:,}, "
        f"stored {result.stored:,} "
        f"({result.new:,} new, {result.new_versions:,} new versions, {result.unchanged:,} unchanged), "
        f"quarantined {result.quarantined:,}",
        highlight=False,
    )
    if result.same_file_imported_before:
        console.print("This exact file was imported into this source before; nothing new was added.")
    if result.unmapped_columns:
        console.print(
            f"Columns kept in the raw row only: {', '.join(result.unmapped_columns)}", highlight=False
        )
    if result.quarantined:
        console.print(f"See the reasons with: athar quarantine --source {source}", highlight=False)


@app.command()
def sources(db: DbOption = None, json_out: JsonFlag = False) -> None:
    """List sources with their record, import and quarantine counts."""
    from athar.store.summary import source_summaries

    with _store(db) as engine:
        rows = source_summaries(engine)
    if json_out:
        print(json.dumps(rows, ensure_ascii=False, default=str))
        return
    table = Table("source", "kind", "records", "versions", "quarantined", "imports", "last import")
    for r in rows:
        table.add_row(
            r["source"],
            r["kind"],
            f"{r['records']:,}",
            f"{r['versions']:,}",
            f"{r['quarantined']:,}",
            str(r["imports"]),
            str(r["last_import"] or ""),
        )
    console.print(table)


@app.command()
def quarantine(
    source: Annotated[str | None, typer.Option("--source", "-s")] = None,
    limit: Annotated[int, typer.Option(help="At most this many rows (0: all).")] = 50,
    db: DbOption = None,
    user: UserOption = None,
    json_out: JsonFlag = False,
) -> None:
    """List quarantined rows with the field and reason that stopped each."""
    from athar.audit import current_user, record_event
    from athar.store.summary import quarantined_rows

    with _store(db) as engine:
        rows = quarantined_rows(engine, source, limit or None)
        record_event(
            engine, current_user(user), "view_quarantine", "source", source, detail={"rows": len(rows)}
        )
    if json_out:
        print(json.dumps(rows, ensure_ascii=False))
        return
    table = Table("source", "file", "row", "field", "reason", "raw values")
    for r in rows:
        raw = "; ".join(f"{k}={v}" for k, v in r["raw"].items() if v)
        table.add_row(r["source"], r["file"], str(r["row_number"]), r["field"] or "", r["reason"], raw[:80])
    console.print(table)


@export_app.command("records")
def export_records(
    out: Annotated[Path, typer.Option("--out", "-o", help="CSV file to write.")],
    source: Annotated[str | None, typer.Option("--source", "-s")] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Canonical columns of every current record, with source and person_id."""
    from athar.audit import current_user, record_event
    from athar.exports import export_records_csv

    with _store(db) as engine:
        count = export_records_csv(engine, out, source)
        record_event(
            engine, current_user(user), "export_records", "source", source, detail={"records": count}
        )
    err.print(f"wrote {count:,} records to {out}", highlight=False)


@export_app.command("pfif")
def export_pfif(
    out: Annotated[Path, typer.Option("--out", "-o", help="XML file to write.")],
    source: Annotated[str | None, typer.Option("--source", "-s")] = None,
    include_national_id: Annotated[bool, typer.Option(help="Also write national numbers.")] = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Current records as PFIF 1.4 persons, for other tracing systems."""
    from athar.audit import current_user, record_event
    from athar.exports import export_pfif as write

    with _store(db) as engine:
        count = write(engine, out, source, include_national_id)
        record_event(engine, current_user(user), "export_pfif", "source", source, detail={"records": count})
    err.print(f"wrote {count:,} PFIF persons to {out}", highlight=False)


@app.command()
def synth(
    outdir: Annotated[
        Path, typer.Argument(help="Folder to write the lists, truth.csv and persons.csv into.")
    ],
    persons: Annotated[int, typer.Option(help="How many synthetic people.")] = 2000,
    seed: Annotated[int, typer.Option(help="Same seed, same files.")] = 0,
) -> None:
    """Generate synthetic Syrian people and the lists that write them, with the truth."""
    from athar.synth import generate

    with _progress() as progress:
        task = progress.add_task("generating", total=None)
        summary = generate(
            outdir,
            persons=persons,
            seed=seed,
            progress=lambda done, total: progress.update(task, completed=done, total=total),
        )
    for name, n in summary.records_by_source.items():
        console.print(f"{name}: {n:,} records", highlight=False)
    console.print(
        f"{summary.persons:,} persons, {summary.persons_in_no_source:,} in no list; files in {outdir}",
        highlight=False,
    )


@app.command()
def demo(
    workdir: Annotated[Path, typer.Option(help="Folder for the synthetic lists and the demo store.")] = Path(
        "demo-data"
    ),
    persons: Annotated[int, typer.Option(help="How many synthetic people.")] = 2000,
    seed: Annotated[int, typer.Option()] = 0,
    serve: Annotated[
        bool,
        typer.Option(
            "--serve", help="Then serve the web app on 127.0.0.1:8000 with a demo account per role."
        ),
    ] = False,
) -> None:
    """The whole flow on synthetic people: generate lists, import, link, estimate (and --serve)."""
    from athar.demo import run_demo, serve_demo

    run_demo(workdir, persons=persons, seed=seed, console=console, progress=_progress)
    if serve:
        serve_demo(workdir, console=console)


@app.command()
def link(
    engine: Annotated[str, typer.Option(help="Splink backend: duckdb or spark.")] = "duckdb",
    spark_master: Annotated[str | None, typer.Option(help="Spark master URL (default local[*]).")] = None,
    full: Annotated[bool, typer.Option("--full", help="Retrain and rescore everything.")] = False,
    threshold: Annotated[float, typer.Option(help="Match probability at which two records join.")] = 0.9,
    review_low: Annotated[float, typer.Option(help="Lowest probability put up for review.")] = 0.3,
    review_high: Annotated[float, typer.Option(help="Highest probability put up for review.")] = 0.97,
    blocking_report: Annotated[
        bool, typer.Option("--blocking-report", help="Also count the pairs each blocking rule generates.")
    ] = False,
    db: DbOption = None,
    user: UserOption = None,
    json_out: JsonFlag = False,
) -> None:
    """Resolve records into persons (incremental once a model exists; --full to retrain)."""
    from athar.audit import current_user
    from athar.linkage.run import LinkOptions
    from athar.linkage.run import link as run_link

    options = LinkOptions(
        engine=engine,
        spark_master=spark_master,
        full=full,
        threshold=threshold,
        review_low=review_low,
        review_high=review_high,
        blocking_report=blocking_report,
        user=current_user(user),
    )
    with _store(db) as store, _progress() as progress:
        task = progress.add_task("linking", total=None)
        try:
            summary = run_link(store, options, progress=lambda m: progress.update(task, description=m))
        except ValueError as e:
            raise fail(str(e)) from None
    if json_out:
        print(json.dumps(summary.as_json()))
        return
    console.print(
        f"{summary.mode} run {summary.run_id} on {summary.engine}: {summary.records:,} records "
        f"({summary.new_records:,} new) → {summary.persons:,} persons; "
        f"{summary.pairs_scored:,} pairs scored; "
        f"{summary.persons_created:,} persons created, {summary.merges:,} merged, {summary.splits:,} split; "
        f"{summary.review_tasks:,} pairs for review",
        highlight=False,
    )
    check = summary.judgement_check
    if check:
        before, after = check["before"], check["after"]
        console.print(
            f"Against {before['judged']:,} judged pairs ({before['same']:,} same, {before['different']:,} "
            f"different) the model agreed on {before['agree']:,} (log loss {before['log_loss']}); "
            f"prior moved {check['prior_offset_bits']:+.2f} bits to fit them: {after['agree']:,} agree "
            f"(log loss {after['log_loss']}).",
            highlight=False,
        )
    if summary.blocking:
        table = Table(
            "blocking rule", "new pairs", "cumulative", title="Pairs generated by each blocking rule"
        )
        for row in summary.blocking:
            table.add_row(row["rule"], f"{row['pairs']:,}", f"{row['cumulative']:,}")
        console.print(table)


@app.command()
def explain(
    left: Annotated[str, typer.Argument(help="SOURCE:RECORD_ID")],
    right: Annotated[str, typer.Argument(help="SOURCE:RECORD_ID")],
    db: DbOption = None,
    user: UserOption = None,
    json_out: JsonFlag = False,
) -> None:
    """Why two records are or are not the same person: the weight of each comparison."""
    from athar.audit import current_user, record_event
    from athar.linkage.explain import explain as explain_pair
    from athar.linkage.review import ReviewError

    with _store(db) as store:
        try:
            result = explain_pair(store, left, right)
        except ReviewError as e:
            raise fail(str(e)) from None
        record_event(store, current_user(user), "explain_pair", "pair", f"{left} {right}")
    if json_out:
        print(json.dumps(result, ensure_ascii=False))
        return
    table = Table("comparison", "level", left, right, "match weight", title=f"{left} ~ {right}")
    for step in result["steps"]:
        weight = step["match_weight"]
        table.add_row(
            step["comparison"],
            step["level"],
            str(step["left"]),
            str(step["right"]),
            "" if weight is None else f"{weight:+.2f}",
        )
    console.print(table)
    console.print(
        f"total match weight {result['match_weight']:+.2f}, probability {result['match_probability']:.4f}",
        highlight=False,
    )


@review_app.command("list")
def review_list(
    limit: Annotated[int, typer.Option(help="How many pairs.")] = 20,
    db: DbOption = None,
    json_out: JsonFlag = False,
) -> None:
    """Pairs waiting for a judgement, most informative first."""
    from athar.linkage.review import open_tasks

    with _store(db) as store:
        tasks = open_tasks(store, limit)
    if json_out:
        print(json.dumps(tasks, ensure_ascii=False))
        return
    table = Table("left", "right", "probability", "priority")
    for t in tasks:
        table.add_row(t["left"], t["right"], f"{t['match_probability']:.3f}", f"{t['priority']:.2f}")
    console.print(table)


@review_app.command("judge")
def review_judge(
    left: Annotated[str, typer.Argument(help="SOURCE:RECORD_ID")],
    right: Annotated[str, typer.Argument(help="SOURCE:RECORD_ID")],
    decision: Annotated[str, typer.Argument(help="same, different or unsure")],
    note: Annotated[str | None, typer.Option(help="Why.")] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Record a judgement on a pair; the next `athar link` honours it and no re-run overrides it."""
    from athar.audit import current_user
    from athar.linkage.review import ReviewError, record_judgement

    with _store(db) as store:
        try:
            record_judgement(store, left, right, decision, current_user(user), note)
        except ReviewError as e:
            raise fail(str(e)) from None
    err.print(f"recorded: {left} {decision} {right}", highlight=False)


StrataOption = Annotated[
    str | None,
    typer.Option("--by", help="Stratify by governorate, year, sex and/or age_group (comma-separated)."),
]


def _capture_histories(db: str | None, histories: Path | None, by: str | None):
    """Capture histories from a CSV, or from the linked store (with strata when asked)."""
    from athar.estimate.histories import CaptureHistories, stratify
    from athar.store.histories import STRATA, person_capture_rows

    fields = [f.strip() for f in by.split(",") if f.strip()] if by else []
    unknown = [f for f in fields if f not in STRATA]
    if unknown:
        raise fail(f"cannot stratify by {', '.join(unknown)}; use {', '.join(STRATA)}")
    if histories is not None:
        if fields:
            raise fail("--by needs the linked store; an aggregate --histories file has no strata")
        try:
            return CaptureHistories.from_csv(histories), {}
        except (OSError, ValueError) as e:
            raise fail(f"{histories}: {e}") from None
    left_out: list[str] = []
    with _store(db) as engine:
        rows = list(person_capture_rows(engine, left_out))
    if not rows:
        raise fail("no linked persons in the store: run `athar link` first, or give --histories F.csv")
    from athar.linkage.review import open_tasks

    with _store(db) as engine:
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
    return overall, strata


@app.command()
def estimate(
    histories: Annotated[
        Path | None, typer.Option(help="Aggregate CSV: one 0/1 column per list plus count.")
    ] = None,
    by: StrataOption = None,
    method: Annotated[str, typer.Option(help="loglinear, lcmcr or both.")] = "loglinear",
    criterion: Annotated[str, typer.Option(help="Model choice: bic or aic.")] = "bic",
    interval: Annotated[str, typer.Option(help="profile, wald-log or bca (bootstrap).")] = "bca",
    search: Annotated[
        str, typer.Option(help="Model search: auto, exhaustive, downhill or stepwise.")
    ] = "stepwise",
    seed: Annotated[int, typer.Option(help="Seed for bootstrap and LCMCR (same seed, same figures).")] = 0,
    db: DbOption = None,
    json_out: JsonFlag = False,
) -> None:
    """How many people no list holds: multiple systems estimation over the lists' overlaps.

    The default (stepwise log-linear model search, bootstrap BCa interval) is the one that covered
    the truth on simulated lists like Athar's (bench/estimate.py: 94% of nominal 95% intervals,
    where the exhaustive BIC search with a profile interval covered 12%: it fits a term for lists
    that never overlap by design).
    """
    from athar.estimate.cli import run_estimate

    overall, strata = _capture_histories(db, histories, by)
    code = run_estimate(
        histories=overall,
        strata=strata,
        json_out=json_out,
        method=method,
        search=search,
        criterion=criterion,
        interval=interval,
        seed=seed,
        console=console,
    )
    raise typer.Exit(code)


@app.command()
def report(
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")],
    histories: Annotated[
        Path | None, typer.Option(help="Aggregate CSV: one 0/1 column per list plus count.")
    ] = None,
    by: StrataOption = "governorate",
    method: Annotated[str, typer.Option(help="loglinear, lcmcr or both.")] = "both",
    seed: Annotated[int | None, typer.Option(help="Seed for bootstrap and LCMCR.")] = 0,
    db: DbOption = None,
) -> None:
    """A self-contained HTML report: list overlaps, estimates by stratum, what they do and do not say."""
    from athar.estimate.cli import write_report

    overall, strata = _capture_histories(db, histories, None if histories else by)
    try:
        path = write_report(out, histories=overall, strata=strata, method=method, seed=seed)
    except ValueError as e:
        raise fail(str(e)) from None
    err.print(f"wrote {path}", highlight=False)


@app.command("search")
def search_cmd(
    text: Annotated[str, typer.Argument(help="A full name, Arabic or Latin, either order.")],
    father: Annotated[str | None, typer.Option(help="Father's name.")] = None,
    mother: Annotated[str | None, typer.Option(help="Mother's name.")] = None,
    born: Annotated[int | None, typer.Option(help="Birth year.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many persons.")] = 10,
    json_out: JsonFlag = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Persons who may be the one named, with their records (each person shown is audited)."""
    from sqlalchemy.exc import OperationalError

    from athar.search.cli import run_search

    try:
        code = run_search(
            db, text, mother=mother, father=father, born=born, limit=limit, json_out=json_out, user=user
        )
    except OperationalError as e:
        raise fail(f"cannot open the store: {str(e.orig).strip().splitlines()[0]}") from None
    raise typer.Exit(code)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    insecure_http: Annotated[
        bool, typer.Option("--insecure-http", help="Plain-http cookies, for a browser on this machine only.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Serve the web application (FastAPI) and the JSON API under /api/v1."""
    from athar.web import cli as web_cli

    try:
        web_cli.serve(db, host=host, port=port, insecure_http=insecure_http)
    except ValueError as e:
        raise fail(str(e)) from None


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="Account name.")],
    role: Annotated[str, typer.Option(help="admin, investigator, reviewer or caseworker.")],
    org: Annotated[str, typer.Option(help="Organisation the account belongs to.")],
    prompt: Annotated[
        bool, typer.Option("--prompt", help="Type the password instead of generating one.")
    ] = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Create an account; a generated password is printed once."""
    from athar.web import cli as web_cli

    try:
        web_cli.add_user(db, name, role, org, password="" if prompt else None, by=user)
    except ValueError as e:
        raise fail(str(e)) from None


@tokens_app.command("add")
def tokens_add(
    org: Annotated[str, typer.Option(help="Partner organisation.")],
    role: Annotated[str, typer.Option(help="Role the token acts with.")],
    label: Annotated[str | None, typer.Option(help="What the token is for.")] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Create an API token for a partner organisation; printed once."""
    from athar.web import cli as web_cli

    try:
        web_cli.add_token(db, org, role, label=label, by=user)
    except ValueError as e:
        raise fail(str(e)) from None


def main() -> None:  # pragma: no cover - console entry point
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
