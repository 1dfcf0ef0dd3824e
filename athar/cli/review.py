"""`athar review list|judge`: uncertain pairs for a human to judge."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from athar.cli.common import DbOption, JsonFlag, UserOption, console, err, fail, open_cli_store

app = typer.Typer(no_args_is_help=True, help="Uncertain pairs for a human to judge.")


@app.command("list")
def review_list(
    limit: Annotated[int, typer.Option(help="How many pairs.")] = 20,
    db: DbOption = None,
    json_out: JsonFlag = False,
) -> None:
    """Pairs waiting for a judgement, most informative first."""
    from athar.linkage.review import open_tasks

    with open_cli_store(db) as store:
        tasks = open_tasks(store, limit)
    if json_out:
        print(json.dumps(tasks, ensure_ascii=False))
        return
    table = Table("left", "right", "probability", "priority")
    for t in tasks:
        table.add_row(t["left"], t["right"], f"{t['match_probability']:.3f}", f"{t['priority']:.2f}")
    console.print(table)


@app.command("judge")
def review_judge(
    left: Annotated[str, typer.Argument(help="SOURCE:RECORD_ID")],
    right: Annotated[str, typer.Argument(help="SOURCE:RECORD_ID")],
    decision: Annotated[str, typer.Argument(help="same, different or unsure")],
    note: Annotated[str | None, typer.Option(help="Why.")] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Record a judgement on a pair; the next `athar link` honours it and no re-run overrides it."""
    import getpass

    from athar.audit import current_user, record_event
    from athar.linkage.review import ReviewError, record_judgement

    acting = current_user(user)
    with open_cli_store(db) as store:
        try:
            record_judgement(store, left, right, decision, acting, note)
        except ReviewError as e:
            raise fail(str(e)) from None
        # `--user` is a name anyone can type: the entry also keeps the operating-system account.
        record_event(
            store, acting, "review.judge", "pair", f"{left} {right}",
            detail={"decision": decision, "os_user": getpass.getuser()},
        )  # fmt: skip
    err.print(f"recorded: {left} {decision} {right}", highlight=False)
