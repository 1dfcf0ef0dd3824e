"""`athar search`: the investigator view, persons that may match with their records, each view audited."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from athar.cli.common import DbOption, JsonFlag, UserOption, fail

if TYPE_CHECKING:
    from athar.search.query import Match


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

    try:
        code = run_search(
            db, text, mother=mother, father=father, born=born, limit=limit, json_out=json_out, user=user
        )
    except OperationalError as e:
        raise fail(f"cannot open the store: {str(e.orig).strip().splitlines()[0]}") from None
    raise typer.Exit(code)


def _record_line(record: dict) -> str:
    from athar.store.tables import CANONICAL_COLUMNS

    values = [f"{c}={record[c]}" for c in CANONICAL_COLUMNS[1:] if record.get(c) not in (None, "")]
    return f"    {record['source']}:{record['record_id']}  " + "  ".join(values)


def _print_text(matches: list[Match], records: dict[str, list[dict]]) -> None:
    if not matches:
        print("no matching person")
        return
    for m in matches:
        print(f"{m.person_id}  score {m.score:.3f}  ({'; '.join(m.reasons)})")
        for record in records[m.person_id]:
            print(_record_line(record))


def run_search(
    db: str | None,
    text: str,
    mother: str | None = None,
    father: str | None = None,
    born: int | None = None,
    limit: int = 10,
    json_out: bool = False,
    user: str | None = None,
    index_path: Path | None = None,
) -> int:
    """Search the store at ``db`` and print the matching persons with their records.

    Every person whose records are shown gets one ``view_person`` audit entry. Returns the exit
    status: 0 with matches, 1 without.
    """
    from athar.accounts.permissions import operator
    from athar.audit import current_user, record_event
    from athar.search.query import search
    from athar.search.service import load_index, person_records
    from athar.store import open_store

    engine = open_store(db)
    try:
        index = load_index(engine, index_path)
        matches = search(index, text, father=father, mother=mother, born=born, limit=limit)
        acting = current_user(user)
        records = person_records(engine, [m.person_id for m in matches], operator(acting))
        with engine.begin() as conn:
            for m in matches:
                record_event(conn, acting, "view_person", "person", m.person_id, client="cli")
        if json_out:
            payload = [{**m.as_json(), "records": records[m.person_id]} for m in matches]
            print(json.dumps({"matches": payload}, ensure_ascii=False, indent=2, default=str))
        else:
            _print_text(matches, records)
        return 0 if matches else 1
    finally:
        engine.dispose()
