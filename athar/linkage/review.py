"""The review queue: uncertain pairs for a human, most informative first, and their judgements."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, and_, exists, func, insert, select
from sqlalchemy.orm import Session

from athar.errors import AtharError
from athar.names.display import NAME_PARTS, full_name
from athar.store.records import RecordRefError, parse_record_ref
from athar.store.tables import DECISIONS, Judgement, LinkRun, Record, ReviewTask, Source


class ReviewError(AtharError, ValueError):
    """A judgement that cannot be recorded (unknown record, bad decision)."""


def record_ref(text: str) -> tuple[str, str]:
    """`parse_record_ref`, failing as a `ReviewError` (what review and explain callers catch)."""
    try:
        return parse_record_ref(text)
    except RecordRefError as e:
        raise ReviewError(str(e)) from None


def _open_tasks_query():
    judged = exists().where(
        and_(
            Judgement.left_source == ReviewTask.left_source,
            Judgement.left_record_id == ReviewTask.left_record_id,
            Judgement.right_source == ReviewTask.right_source,
            Judgement.right_record_id == ReviewTask.right_record_id,
        )
    )
    newest = select(LinkRun.id).order_by(LinkRun.id.desc()).limit(1).scalar_subquery()
    return select(ReviewTask).where(ReviewTask.run_id == newest, ~judged)


# Why a task waits (`ReviewTask.reason`, written by `persist._write_review_tasks`).
WHY_UNCERTAIN = "uncertain"  # the model is unsure
WHY_LIKELY_SIBLINGS = "likely_siblings"  # sure, but the pair may be brother and sister
WHY_OUTRANKED = "outranked"  # a record of it fits another of the other's list better (`rivals`)


def _review_band_top(session: Session) -> float | None:
    """The newest run's upper review bound: a task of a run before `ReviewTask.reason` at or above
    it was there only because the sibling rule kept its pair apart."""
    summary = session.scalars(select(LinkRun.summary).order_by(LinkRun.id.desc()).limit(1)).first()
    band = (summary or {}).get("review_band")
    return float(band[1]) if band else None


def open_tasks(engine: Engine, limit: int = 20) -> list[dict]:
    """Tasks of the newest run whose pair nobody has judged yet, highest priority first, each with
    why it waits (`WHY_*`): the model is unsure; or it is sure but the pair may be brother and
    sister; or one of its records fits another record of the other's list better."""
    query = _open_tasks_query().order_by(ReviewTask.priority.desc(), ReviewTask.id).limit(limit)
    with Session(engine) as session:
        top = _review_band_top(session)
        return [
            {
                "left": f"{t.left_source}:{t.left_record_id}",
                "right": f"{t.right_source}:{t.right_record_id}",
                "match_probability": round(t.match_probability, 4),
                "priority": t.priority,
                "why": t.reason
                or (WHY_LIKELY_SIBLINGS if top is not None and t.match_probability >= top else WHY_UNCERTAIN),
            }
            for t in session.scalars(query)
        ]


def count_open_tasks(engine: Engine) -> int:
    """How many pairs of the newest run wait for a judgement."""
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(_open_tasks_query().subquery())).scalar_one()


def record_names(engine: Engine, refs: list[str]) -> dict[str, str]:
    """Each record's name as written (`SOURCE:RECORD_ID` -> name), for showing a pair to a reviewer."""
    wanted = {parse_record_ref(ref) for ref in refs}
    if not wanted:
        return {}
    names: dict[str, str] = {}
    with engine.connect() as conn:
        rows = conn.execute(
            select(Source.name, Record.record_id, *(getattr(Record, c) for c in ("full_name", *NAME_PARTS)))
            .join(Source, Source.id == Record.source_id)
            .where(Record.is_current.is_(True), Record.record_id.in_({r for _, r in wanted}))
        ).mappings()
        for row in rows:
            if (row["name"], row["record_id"]) in wanted:
                names[f"{row['name']}:{row['record_id']}"] = full_name(dict(row))
    return names


def record_judgement(
    engine: Engine, left: str, right: str, decision: str, user: str, note: str | None = None
) -> None:
    """Append a judgement; pairs are stored in a canonical order so that (a, b) and (b, a) are one pair."""
    if decision not in DECISIONS:
        raise ReviewError(f"decision must be one of {', '.join(DECISIONS)}, not {decision!r}")
    a, b = sorted([record_ref(left), record_ref(right)])
    if a == b:
        raise ReviewError("a record cannot be judged against itself")
    with engine.begin() as conn:
        for source, record_id in (a, b):
            found = conn.execute(
                select(Record.id)
                .join(Source)
                .where(Source.name == source, Record.record_id == record_id)
                .limit(1)
            ).first()
            if found is None:
                raise ReviewError(f"no record {source}:{record_id}")
        conn.execute(
            insert(Judgement).values(
                left_source=a[0],
                left_record_id=a[1],
                right_source=b[0],
                right_record_id=b[1],
                decision=decision,
                user_name=user,
                created_at=dt.datetime.now(dt.UTC),
                note=note,
            )
        )
