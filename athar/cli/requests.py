"""`athar requests ...`: families' tracing requests, thin over `athar.requests`.

Nothing here prints a requester's contact details except `requester-data`, which exists to hand a
requester their own data and is audited.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from athar.cli.common import DbOption, JsonFlag, UserOption, command_group, console, fail, open_cli_store
from athar.errors import AtharError

app = command_group("Families' tracing requests: import, show, casework, erasure.")
out = console


def _json(value: object) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _cipher(engine):
    from athar.protect import DataKeyError
    from athar.requests.intake import cipher_for

    try:
        return cipher_for(engine)
    except DataKeyError as e:
        raise fail(str(e)) from None


@contextmanager
def _known_request() -> Iterator[None]:

    try:
        yield
    except AtharError as e:
        raise fail(str(e)) from None


@app.command("import")
def import_command(
    file: Path,
    org: Annotated[
        str, typer.Option("--org", help="The organisation the requests belong to (created if new).")
    ],
    sheet: Annotated[str | None, typer.Option(help="XLSX sheet name.")] = None,
    no_candidates: Annotated[bool, typer.Option("--no-candidates", help="Skip ranking candidates.")] = False,
    db: DbOption = None,
    user: UserOption = None,
    json_out: JsonFlag = False,
) -> None:
    """Import requests from CSV or XLSX; prints each row's reference, secret (shown once) and candidates."""
    from athar.audit import current_user
    from athar.ingest import UnreadableFile
    from athar.requests.bulk import import_requests

    with open_cli_store(db) as engine:
        cipher = _cipher(engine)
        index = None
        if not no_candidates:
            from athar.search.service import load_index

            index = load_index(engine)
        try:
            result = import_requests(engine, file, org, cipher, index, user=current_user(user), sheet=sheet)
        except UnreadableFile as e:
            raise fail(str(e)) from None
        if index is not None:  # the next search finds the new requests without rebuilding the index
            from athar.search.service import refresh_index

            refresh_index(engine, index)
    if json_out:
        _json(result.as_json())
        return
    out.print(
        f"read {result.read}, stored {result.stored} ({result.new} new), quarantined {result.quarantined}"
    )
    for r in result.requests:
        best = r["candidates"][0]["person_id"] if r["candidates"] else "-"
        out.print(f"{r['request_id']}\t{r['reference']}\t{r.get('secret', '(existing)')}\tbest: {best}")


@app.command()
def show(reference: str, db: DbOption = None, user: UserOption = None, json_out: JsonFlag = False) -> None:
    """One request: status, candidates, person, history; or the tombstone of an erased one."""
    from athar.audit import current_user
    from athar.requests.casework import summary

    with open_cli_store(db) as engine, _known_request():
        shown = summary(engine, reference, current_user(user))
    if json_out:
        _json(shown)
        return
    if shown["erased"]:
        out.print(
            f"{shown['reference']}: erased on {shown['erased_at']} by {shown['erased_by']}: "
            f"{shown['erasure_reason']}"
        )
        return
    out.print(
        f"{shown['reference']} ({shown['organisation']}): {shown['status']}, "
        f"person {shown['person_id'] or '-'}"
    )
    for c in shown["candidates"]:
        out.print(f"  candidate {c['person_id']}  {c['score']:.3f}")


@app.command()
def erase(
    reference: str,
    reason: Annotated[str, typer.Option("--reason", help="Why (kept in the tombstone and the audit log).")],
    db: DbOption = None,
    user: UserOption = None,
    json_out: JsonFlag = False,
) -> None:
    """Remove the requester's personal data for good; the reference, dates and reason stay."""
    from athar.audit import current_user
    from athar.requests.erasure import erase_request

    with open_cli_store(db) as engine, _known_request():
        tombstone = erase_request(engine, reference, reason, current_user(user))
    if json_out:
        _json(tombstone)
    else:
        out.print(f"{tombstone['reference']}: requester's personal data erased")


@app.command()
def status(
    reference: str,
    new_status: Annotated[str, typer.Argument(metavar="STATUS")],
    reason: Annotated[str | None, typer.Option(help="Why.")] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Move a request to another status (only the moves the workflow allows)."""
    from athar.audit import current_user
    from athar.requests.casework import change_status

    with open_cli_store(db) as engine, _known_request():
        cipher = _cipher(engine)  # the family is sent a "there is news" message
        out.print(change_status(engine, reference, new_status, current_user(user), reason, cipher))


@app.command()
def accept(
    reference: str,
    person_id: Annotated[
        str | None, typer.Argument(help="A candidate's person id; leave out for none.")
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Accept one of a request's candidates as the person sought (or none of them)."""
    from athar.audit import current_user
    from athar.requests.casework import accept_candidate

    with open_cli_store(db) as engine, _known_request():
        accept_candidate(engine, reference, person_id, current_user(user))


@app.command("queue")
def queue_command(
    org: Annotated[str | None, typer.Option("--org")] = None,
    status_filter: Annotated[str | None, typer.Option("--status")] = None,
    db: DbOption = None,
    json_out: JsonFlag = False,
) -> None:
    """Requests with their candidates, newest first; filter by organisation and status."""
    from athar.requests.casework import queue

    with open_cli_store(db) as engine, _known_request():
        rows = queue(engine, org, status_filter)
    if json_out:
        _json(rows)
        return
    for r in rows:
        best = r["candidates"][0]["person_id"] if r["candidates"] else "-"
        out.print(
            f"{r['reference']}\t{r['organisation']}\t{r['status']}\t{r['assigned_to'] or '-'}\tbest: {best}"
        )


@app.command("reminders")
def reminders_command(
    days: Annotated[
        int | None, typer.Option(help="Untouched for this many days (default: each organisation's).")
    ] = None,
    db: DbOption = None,
    json_out: JsonFlag = False,
) -> None:
    """Open requests nobody has touched for a while."""
    from athar.requests.casework import reminders

    with open_cli_store(db) as engine:
        rows = reminders(engine, dt.datetime.now(dt.UTC), days)
    if json_out:
        _json(rows)
        return
    for r in rows:
        out.print(f"{r['reference']}\t{r['status']}\t{r['assigned_to'] or '-'}\t{r['idle_days']} days")


@app.command("requester-data")
def requester_data_command(
    reference: str,
    out_file: Annotated[Path, typer.Option("--out", help="JSON file to write (mode 0600).")],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Write everything held about a request's requester, for giving it to them (audited)."""
    import os

    from athar.audit import current_user
    from athar.requests.erasure import requester_data

    with open_cli_store(db) as engine, _known_request():
        data = requester_data(engine, reference, _cipher(engine), current_user(user))
    fd = os.open(out_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=2)
    out.print(f"written to {out_file}")


@app.command()
def purge(db: DbOption = None, user: UserOption = None) -> None:
    """Erase ended requests whose organisation's retention period has passed."""
    from athar.audit import current_user
    from athar.requests.erasure import purge_expired

    with open_cli_store(db) as engine:
        erased = purge_expired(engine, current_user(user))
    out.print(f"{len(erased)} request(s) erased")


@app.command()
def deliver(
    smtp_host: Annotated[str | None, typer.Option(envvar="ATHAR_SMTP_HOST")] = None,
    smtp_port: Annotated[int, typer.Option(envvar="ATHAR_SMTP_PORT")] = 25,
    mail_from: Annotated[str, typer.Option(envvar="ATHAR_MAIL_FROM")] = "tracing@localhost",
    sms_url: Annotated[str | None, typer.Option(envvar="ATHAR_SMS_URL")] = None,
    db: DbOption = None,
    json_out: JsonFlag = False,
) -> None:
    """Send the outbox's due messages (run it from a timer); failures are retried later."""
    from athar.requests.outbox import HttpSmsSender, SmtpSender, deliver_due

    senders: dict = {}
    if smtp_host:
        senders["email"] = SmtpSender(smtp_host, smtp_port, mail_from)
    if sms_url:
        senders["sms"] = HttpSmsSender(sms_url)
    with open_cli_store(db) as engine:
        report = deliver_due(engine, senders, _cipher(engine))
    if json_out:
        _json(report.as_json())
    else:
        out.print(f"sent {report.sent}, to retry {report.retried}, given up {report.failed}")
