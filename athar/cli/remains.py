"""`athar sites ...`, `athar remains ...`, `athar dna ...`: sites, post-mortem records, candidates,
DNA reports and identification, thin over `athar.remains`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from athar.cli.common import DbOption, JsonFlag, UserOption, console, fail, open_cli_store

sites_app = typer.Typer(help="Sites where bodies are recovered.", no_args_is_help=True)
remains_app = typer.Typer(
    help="Remains: post-mortem records, candidates, identification.", no_args_is_help=True
)
dna_app = typer.Typer(help="Laboratories' DNA match reports.", no_args_is_help=True)
ThresholdOption = Annotated[
    float,
    typer.Option("--threshold", help="Posterior at which a DNA report is conclusive.", min=0.5, max=1.0),
]


def _json(value: object) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


@contextmanager
def _clear_errors() -> Iterator[None]:
    from athar.ingest import UnreadableFile
    from athar.remains.donors import DonorError
    from athar.remains.importer import UnknownSite
    from athar.remains.sites import SiteError
    from athar.remains.workflow import IdentificationError

    try:
        yield
    except (
        UnreadableFile,
        UnknownSite,
        SiteError,
        IdentificationError,
        DonorError,
        PermissionError,
        KeyError,
    ) as e:
        raise fail(str(e).strip("'\"")) from None


@sites_app.command("add")
def sites_add(
    name: str,
    kind: Annotated[
        str, typer.Option("--kind", help="mass_grave, cemetery, morgue, detention_burial, other")
    ],
    place: Annotated[str | None, typer.Option("--place", help="Place (gazetteer), any script.")] = None,
    lat: Annotated[float | None, typer.Option("--lat")] = None,
    lon: Annotated[float | None, typer.Option("--lon")] = None,
    used_from: Annotated[int | None, typer.Option("--used-from", help="First year of use.")] = None,
    used_to: Annotated[int | None, typer.Option("--used-to", help="Last year of use.")] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Add a site."""
    from athar.audit import current_user
    from athar.remains.sites import add_site

    with open_cli_store(db) as engine, _clear_errors():
        site = add_site(engine, name, kind, current_user(user), place, lat, lon, used_from, used_to)
    console.print(f"site {site.name!r} added ({site.kind}, governorate {site.governorate or 'unknown'})")


@remains_app.command("import")
def remains_import(
    file: Path,
    site: Annotated[str, typer.Option("--site", help="The site the bodies were recovered at.")],
    db: DbOption = None,
    user: UserOption = None,
    json_out: JsonFlag = False,
) -> None:
    """Import post-mortem records (CSV, XLSX, JSON); every row stored or quarantined with its reason."""
    from athar.audit import current_user
    from athar.remains.importer import import_remains

    with open_cli_store(db) as engine, _clear_errors():
        result = import_remains(engine, file, site, user=current_user(user))
    if json_out:
        _json(result.as_json())
        return
    console.print(
        f"{result.file}: read {result.read}, stored {result.stored} ({result.new} new, "
        f"{result.unchanged} unchanged), quarantined {result.quarantined}"
    )
    for problem in result.problems:
        console.print(f"  row {problem['row']}: {problem['field']}: {problem['reason']}", highlight=False)


@remains_app.command("candidates")
def remains_candidates(
    case_ids: Annotated[list[str] | None, typer.Argument(help="Cases to rank (default: all open).")] = None,
    top: Annotated[int, typer.Option("--top", min=1, max=1000)] = 10,
    threshold: ThresholdOption = 0.9995,
    db: DbOption = None,
    user: UserOption = None,
    json_out: JsonFlag = False,
) -> None:
    """Rank missing persons for each body, with each feature's log10 likelihood ratio."""
    from athar.audit import current_user, record_event
    from athar.remains.candidates import rank_cases

    with open_cli_store(db) as engine, _clear_errors():
        ranked = rank_cases(engine, case_ids or None, top=top, threshold=threshold)
        acting = current_user(user)
        with engine.begin() as conn:
            for case in ranked:
                for c in case["candidates"]:
                    target = c["person_id"] or ",".join(c["records"])
                    record_event(
                        conn,
                        acting,
                        "view_person",
                        "person",
                        target,
                        detail={"remains_case": case["case_id"]},
                    )
    if json_out:
        _json(ranked)
        return
    for case in ranked:
        flag = "  [DNA conflict]" if case["dna_conflict"] else ""
        console.print(f"[bold]{case['case_id']}[/]{flag}", highlight=False)
        for rank, c in enumerate(case["candidates"], 1):
            who = c["person_id"] or ", ".join(c["records"])
            if c.get("dna"):
                console.print(f"  {rank}. {who}  DNA posterior {c['dna']['posterior']} ({c['dna']['lab']})")
                continue
            parts = " ".join(f"{k} {v:+.2f}" for k, v in c["features"].items() if v)
            console.print(f"  {rank}. {who}  {c['score']:+.2f}  ({parts})", highlight=False)
        for report in case["dna_reports"]:
            if not report["conclusive"]:
                console.print(
                    f"  inconclusive DNA report: {report['reference']} posterior {report['posterior']}"
                )


@remains_app.command("bodies")
def remains_bodies(
    who: Annotated[str, typer.Argument(help="A person id, or a record as source:record_id.")],
    top: Annotated[int, typer.Option("--top", min=1, max=1000)] = 10,
    db: DbOption = None,
    user: UserOption = None,
    json_out: JsonFlag = False,
) -> None:
    """The reverse: open remains cases ranked for one missing person (audited as a view of them)."""
    from athar.audit import current_user, record_event
    from athar.remains.candidates import bodies_for

    with open_cli_store(db) as engine, _clear_errors():
        ranked = bodies_for(engine, who, top=top)
        record_event(engine, current_user(user), "view_person", "person", who, detail={"remains": "bodies"})
    if json_out:
        _json(ranked)
        return
    for rank, body in enumerate(ranked, 1):
        parts = " ".join(f"{k} {v:+.2f}" for k, v in body["features"].items() if v)
        console.print(f"{rank}. {body['case_id']}  {body['score']:+.2f}  ({parts})", highlight=False)


@remains_app.command("step")
def remains_step(
    case_id: str,
    reference: Annotated[str, typer.Argument(help="The missing person's record, source:record_id.")],
    step: Annotated[str, typer.Argument(help="candidate, preliminary, dna_supported, confirmed, revoked")],
    reason: Annotated[str, typer.Option("--reason")] = "",
    evidence: Annotated[str, typer.Option("--evidence")] = "",
    role: Annotated[
        str, typer.Option("--role", help="Role acted in (confirming needs investigator).")
    ] = "investigator",
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Move an identification one step (audited; going back needs a reason)."""
    from athar.accounts.permissions import Principal
    from athar.audit import current_user
    from athar.remains.workflow import set_step

    with open_cli_store(db) as engine, _clear_errors():
        row = set_step(
            engine,
            Principal(current_user(user), role, kind="operator"),
            case_id,
            reference,
            step,
            reason,
            evidence,
        )
    console.print(f"{case_id} as {reference}: {row['previous'] or 'nothing'} -> {step}")


@remains_app.command("join")
def remains_join(
    case_id: str,
    whole: str,
    reason: Annotated[str, typer.Option("--reason")],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Record CASE_ID as part of WHOLE (commingled remains)."""
    from athar.audit import current_user
    from athar.remains.workflow import join_case

    with open_cli_store(db) as engine, _clear_errors():
        join_case(engine, case_id, whole, reason, current_user(user))


@remains_app.command("split")
def remains_split(
    case_id: str,
    reason: Annotated[str, typer.Option("--reason")],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Separate CASE_ID from the case it was joined to."""
    from athar.audit import current_user
    from athar.remains.workflow import split_case

    with open_cli_store(db) as engine, _clear_errors():
        split_case(engine, case_id, reason, current_user(user))


@remains_app.command("custody")
def remains_custody(
    action: Annotated[str, typer.Argument(help="recovered, transferred, sampled, stored, released")],
    holder: Annotated[str, typer.Option("--holder", help="Who holds it now.")],
    case_id: Annotated[str | None, typer.Option("--case")] = None,
    sample_id: Annotated[str | None, typer.Option("--sample")] = None,
    location: Annotated[str | None, typer.Option("--location")] = None,
    note: Annotated[
        str | None, typer.Option("--note", help="A seal number, the state of the bag, ...")
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Append to the chain of custody of a case or a sample (audited)."""
    from athar.audit import current_user
    from athar.remains.workflow import record_custody

    with open_cli_store(db) as engine, _clear_errors():
        record_custody(engine, current_user(user), action, holder, location, case_id, sample_id, note=note)


@dna_app.command("donor")
def dna_donor(
    reference: Annotated[str, typer.Argument(help="The missing person's record, source:record_id.")],
    sample_id: Annotated[str, typer.Option("--sample")],
    relationship: Annotated[str, typer.Option("--relationship")],
    lab: Annotated[str | None, typer.Option("--lab")] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Record a relative's reference sample for a missing person's record."""
    from athar.audit import current_user
    from athar.remains.donors import add_donor

    with open_cli_store(db) as engine, _clear_errors():
        add_donor(engine, reference, sample_id, relationship, current_user(user), laboratory=lab)


@dna_app.command("import")
def dna_import(
    file: Path,
    threshold: ThresholdOption = 0.9995,
    db: DbOption = None,
    user: UserOption = None,
    json_out: JsonFlag = False,
) -> None:
    """Import DNA match reports; conclusive at or above the threshold, conflicts flagged."""
    from athar.audit import current_user
    from athar.remains.dna import import_dna

    with open_cli_store(db) as engine, _clear_errors():
        result = import_dna(engine, file, user=current_user(user), threshold=threshold)
    if json_out:
        _json(result.as_json())
        return
    console.print(
        f"{result.file}: read {result.read}, stored {result.stored}, quarantined {result.quarantined}; "
        f"conclusive {result.conclusive}, inconclusive {result.inconclusive}, "
        f"conflicts {len(result.conflicts)}"
    )
    for problem in result.problems:
        console.print(f"  row {problem['row']}: {problem['field']}: {problem['reason']}", highlight=False)
    for conflict in result.conflicts:
        console.print(f"  conflict: {conflict}", highlight=False)
