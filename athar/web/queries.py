"""The review queue as the pages and the API read it, through the principal's visible sources
(`athar.accounts.visibility`), and the record fields they show."""

from __future__ import annotations

from sqlalchemy import Engine, and_, exists, func, select

from athar.accounts.permissions import Principal
from athar.accounts.visibility import visible_record, visible_source_names, visible_sources
from athar.linkage.review import open_tasks
from athar.store.records import parse_record_ref
from athar.store.tables import CANONICAL_COLUMNS, Judgement, LinkRun, ReviewTask, Source

RECORD_FIELDS: tuple[str, ...] = tuple(c for c in CANONICAL_COLUMNS if c != "record_id")
NAME_PARTS: tuple[str, ...] = (
    "full_name",
    "given_name",
    "father_name",
    "grandfather_name",
    "family_name",
    "mother_name",
)


def open_review_tasks(engine: Engine, principal: Principal) -> int:
    """The newest run's open review tasks whose two records the principal may both see."""
    judged = exists().where(
        and_(
            Judgement.left_source == ReviewTask.left_source,
            Judgement.left_record_id == ReviewTask.left_record_id,
            Judgement.right_source == ReviewTask.right_source,
            Judgement.right_record_id == ReviewTask.right_record_id,
        )
    )
    newest = select(LinkRun.id).order_by(LinkRun.id.desc()).limit(1).scalar_subquery()
    visible_names = select(Source.name).where(visible_sources(principal))
    tasks = (
        select(func.count())
        .select_from(ReviewTask)
        .where(
            ReviewTask.run_id == newest,
            ~judged,
            ReviewTask.left_source.in_(visible_names),
            ReviewTask.right_source.in_(visible_names),
        )
    )
    with engine.connect() as conn:
        return conn.execute(tasks).scalar_one()


def next_task(engine: Engine, principal: Principal, skip: int = 0) -> dict | None:
    """The most informative open review task whose two records the principal may both see."""
    visible = visible_source_names(engine, principal)
    candidates = [
        t
        for t in open_tasks(engine, limit=500)
        if parse_record_ref(t["left"])[0] in visible and parse_record_ref(t["right"])[0] in visible
    ]
    if len(candidates) <= skip:
        return None
    task = candidates[skip]
    left = visible_record(engine, task["left"], principal)
    right = visible_record(engine, task["right"], principal)
    if left is None or right is None:
        return None
    return {**task, "left_record": left, "right_record": right}
