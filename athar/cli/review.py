"""`athar review list|judge`: uncertain pairs for a human to judge."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from athar.cli.common import DbOption, JsonFlag, UserOption, command_group, console, err, fail, open_cli_store

app = command_group("Uncertain pairs for a human to judge.")

WHY_WORDS = {
    "uncertain": "the model is unsure",
    "likely_siblings": "the model is sure, but father's and family names agree and the given names "
    "differ: siblings?",
    "outranked": "one of the two records fits another record of the other's list better: "
    "linked to that one, not to this",
}


@app.command("list")
def review_list(
    limit: Annotated[int, typer.Option(help="How many pairs.")] = 20,
    db: DbOption = None,
    user: UserOption = None,
    json_out: JsonFlag = False,
) -> None:
    """Pairs waiting for a judgement, most informative first, with both records' names."""
    from athar.audit import current_user, record_event
    from athar.linkage.review import count_open_tasks, open_tasks, record_names
    from athar.names.display import in_both_scripts

    with open_cli_store(db) as store:
        tasks = open_tasks(store, limit)
        waiting = count_open_tasks(store)
        names = record_names(store, [ref for t in tasks for ref in (t["left"], t["right"])])
        record_event(store, current_user(user), "view_review_list", detail={"pairs": len(tasks)})
    for t in tasks:
        t["left_name"], t["right_name"] = names.get(t["left"], ""), names.get(t["right"], "")
    if json_out:
        print(json.dumps({"waiting": waiting, "shown": len(tasks), "pairs": tasks}, ensure_ascii=False))
        return
    if not tasks:
        console.print("No pairs wait for a judgement." if not waiting else f"0 of {waiting} pairs shown.")
        return
    table = Table("left", "right", "probability", "why", box=box.SIMPLE_HEAD, pad_edge=False)
    for t in tasks:
        table.add_row(
            f"{t['left']}\n{in_both_scripts(t['left_name'])}",
            f"{t['right']}\n{in_both_scripts(t['right_name'])}",
            f"{t['match_probability']:.3f}",
            WHY_WORDS[t["why"]],
        )
    console.print(table)
    console.print(f"{len(tasks)} of {waiting} pairs waiting for a judgement.")


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
