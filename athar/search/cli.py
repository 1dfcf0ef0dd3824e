"""`athar search`: the investigator view, persons that may match with their records, each view audited.

A plain function over the core so that `athar/cli.py` stays a thin wrapper; the web app uses the
same index and `search` but shows families only `family_answer`.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from sqlalchemy import Engine, and_, select

from athar.audit import current_user, record_event
from athar.search.index import UNLINKED_PREFIX, PersonIndex, default_index_path, store_fingerprint
from athar.search.query import Match, search
from athar.store.tables import CANONICAL_COLUMNS, Membership, Record, Source

log = logging.getLogger(__name__)

SHOWN_COLUMNS = tuple(c for c in CANONICAL_COLUMNS if c != "record_id")


def load_index(engine: Engine, path: Path | None = None) -> PersonIndex:
    """The saved index when it was built from the store as it is now, else a fresh one (saved)."""
    path = path or default_index_path(engine)
    fingerprint = store_fingerprint(engine)
    if path.exists():
        try:
            index = PersonIndex.load(path)
        except (OSError, ValueError, KeyError) as e:
            log.warning("search index %s unreadable (%s): rebuilding", path.name, type(e).__name__)
        else:
            if index.meta.get("fingerprint") == fingerprint:
                return index
    index = PersonIndex.build(engine)
    log.info("search index built: %d persons, %d entries", len(index), index.entry_count)
    try:
        index.save(path)
    except OSError as e:
        log.warning("search index not saved to %s: %s", path, e)
    return index


def person_records(engine: Engine, person_ids: list[str]) -> dict[str, list[dict]]:
    """Current records of each person (or of each unlinked record's stand-in person)."""
    out: dict[str, list[dict]] = {p: [] for p in person_ids}
    columns = [getattr(Record, c) for c in CANONICAL_COLUMNS]
    base = select(Source.name.label("source"), *columns).join(Source, Source.id == Record.source_id)
    linked = [p for p in person_ids if not p.startswith(UNLINKED_PREFIX)]
    with engine.connect() as conn:
        if linked:
            query = (
                base.add_columns(Membership.person_id)
                .join(
                    Membership,
                    and_(Membership.source_id == Record.source_id, Membership.record_id == Record.record_id),
                )
                .where(Record.is_current.is_(True), Membership.person_id.in_(linked))
                .order_by(Source.name, Record.record_id)
            )
            for row in conn.execute(query).mappings():
                record = dict(row)
                out[record.pop("person_id")].append(record)
        for pid in person_ids:
            if not pid.startswith(UNLINKED_PREFIX):
                continue
            source, _, record_id = pid[len(UNLINKED_PREFIX) :].partition(":")
            query = base.where(
                Record.is_current.is_(True), Source.name == source, Record.record_id == record_id
            )
            out[pid].extend(dict(row) for row in conn.execute(query).mappings())
    return out


def _record_line(record: dict) -> str:
    values = [f"{c}={record[c]}" for c in SHOWN_COLUMNS if record.get(c) not in (None, "")]
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
    from athar.store import open_store

    engine = open_store(db)
    try:
        index = load_index(engine, index_path)
        matches = search(index, text, father=father, mother=mother, born=born, limit=limit)
        records = person_records(engine, [m.person_id for m in matches])
        acting = current_user(user)
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
