"""`athar cases ...`: a person's case from the command line, thin over `athar.cases`.

The operator holds the database and so owns every case event (`athar.cases.scope`): what an
organisation's caseworker does on the person page for its own inquiries, the operator may do for any.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from athar.cli.common import DbOption, JsonFlag, UserOption, command_group, console, fail, open_cli_store

app = command_group("A person's case: families' inquiries.")


@app.command("erase-inquiry")
def erase_inquiry(
    inquiry: Annotated[int, typer.Argument(metavar="INQUIRY", help="The inquiry's number (its case event).")],
    reason: Annotated[str, typer.Option("--reason", help="Why (kept in the tombstone and the audit log).")],
    db: DbOption = None,
    user: UserOption = None,
    json_out: JsonFlag = False,
) -> None:
    """Erase for good what a family gave in an inquiry (name, phone, contact, note), as the person
    page's "erase" does; the inquiry stays in the case's history as a tombstone, and the erasure is
    appended to it and audited."""
    from athar import cases
    from athar.accounts.permissions import operator
    from athar.audit import current_user

    with open_cli_store(db) as engine:
        try:
            person_id = cases.inquiry_person(engine, inquiry)
            tombstone = cases.erase_inquiry(
                engine, person_id, inquiry, reason, operator(current_user(user)), client="cli"
            )
        except (cases.InquiryNotFound, cases.AlreadyErased, cases.ErasureNeedsReason) as e:
            raise fail(str(e)) from None
    if json_out:
        shown = {"inquiry": inquiry, "person_id": person_id, "erased_at": tombstone["created_at"]}
        typer.echo(json.dumps(shown, ensure_ascii=False, default=str))
    else:
        console.print(f"inquiry {inquiry} on {person_id}: the family's details erased", highlight=False)
