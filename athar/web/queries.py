"""What the pages and the API read from the store, always through the principal's visible sources."""

from __future__ import annotations

from sqlalchemy import Engine, and_, exists, func, select

from athar.linkage.review import open_tasks, parse_record_ref
from athar.store.tables import (
    CANONICAL_COLUMNS,
    Judgement,
    LinkRun,
    Membership,
    Organisation,
    Quarantine,
    Record,
    ReviewTask,
    Source,
)
from athar.web.permissions import Principal, visible_sources

RECORD_FIELDS: tuple[str, ...] = tuple(c for c in CANONICAL_COLUMNS if c != "record_id")
NAME_PARTS: tuple[str, ...] = (
    "full_name",
    "given_name",
    "father_name",
    "grandfather_name",
    "family_name",
    "mother_name",
)


def sources(engine: Engine, principal: Principal) -> list[dict]:
    """Visible sources with their kind, owner and sharing, and their current record and quarantine
    counts."""
    records = (
        select(Record.source_id, func.count().label("n"))
        .where(Record.is_current.is_(True))
        .group_by(Record.source_id)
        .subquery()
    )
    quarantined = (
        select(Quarantine.source_id, func.count().label("n")).group_by(Quarantine.source_id).subquery()
    )
    query = (
        select(
            Source.id,
            Source.name,
            func.coalesce(Source.kind, "other").label("kind"),
            Source.sharing,
            Organisation.name.label("organisation"),
            func.coalesce(records.c.n, 0).label("records"),
            func.coalesce(quarantined.c.n, 0).label("quarantined"),
        )
        .outerjoin(Organisation, Organisation.id == Source.organisation_id)
        .outerjoin(records, records.c.source_id == Source.id)
        .outerjoin(quarantined, quarantined.c.source_id == Source.id)
        .where(visible_sources(principal))
        .order_by(Source.name)
    )
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


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


def _visible_names(engine: Engine, principal: Principal) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(select(Source.name).where(visible_sources(principal))).scalars())


def record(engine: Engine, ref: str, principal: Principal) -> dict | None:
    """The current version of record SOURCE:ID, if it exists and the principal may see it."""
    source, record_id = parse_record_ref(ref)
    columns = [getattr(Record, c) for c in CANONICAL_COLUMNS]
    query = (
        select(Source.name.label("source"), *columns)
        .join(Source, Source.id == Record.source_id)
        .where(
            Source.name == source,
            Record.record_id == record_id,
            Record.is_current.is_(True),
            visible_sources(principal),
        )
    )
    with engine.connect() as conn:
        row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def person_records(engine: Engine, person_id: str, principal: Principal) -> list[dict]:
    """The current versions of a person's records from the sources the principal may see, each with
    its source's name and kind."""
    columns = [getattr(Record, c) for c in CANONICAL_COLUMNS]
    query = (
        select(Source.name.label("source"), Source.kind.label("source_kind"), *columns)
        .select_from(Membership)
        .join(Source, Source.id == Membership.source_id)
        .join(
            Record,
            and_(
                Record.source_id == Membership.source_id,
                Record.record_id == Membership.record_id,
                Record.is_current.is_(True),
            ),
        )
        .where(Membership.person_id == person_id, visible_sources(principal))
        .order_by(Source.name, Record.record_id)
    )
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def next_task(engine: Engine, principal: Principal, skip: int = 0) -> dict | None:
    """The most informative open review task whose two records the principal may both see."""
    visible = _visible_names(engine, principal)
    candidates = [
        t
        for t in open_tasks(engine, limit=500)
        if parse_record_ref(t["left"])[0] in visible and parse_record_ref(t["right"])[0] in visible
    ]
    if len(candidates) <= skip:
        return None
    task = candidates[skip]
    left, right = record(engine, task["left"], principal), record(engine, task["right"], principal)
    if left is None or right is None:
        return None
    return {**task, "left_record": left, "right_record": right}
