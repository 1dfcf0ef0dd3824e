"""Sources as organisations hold them: who may manage one (its sharing setting and kind), who may
import into one, and the visible sources with their counts.

A source made by an import belongs to the importer's organisation and starts private; sharing is that
organisation's choice. Nobody imports into another organisation's source, and a source that belongs to
no organisation (made from the command line, for everyone) takes imports from admins only: its records
are everyone's, so a partner's import would rewrite what every organisation sees. An import changes an
existing source's kind only when an admin asks (`may_change_kind_by_import`); other roles change their
own organisation's sources' kind on the sources page, where the change is audited with the value before.
"""

from __future__ import annotations

from sqlalchemy import Engine, func, select, update

from athar.accounts.errors import AccountError
from athar.accounts.permissions import SHARING, Principal
from athar.accounts.visibility import visible_sources
from athar.store.tables import SOURCE_KINDS, Organisation, Quarantine, Record, Source


def may_manage_source(principal: Principal, organisation_id: int | None) -> bool:
    """Admins manage every source; other roles allowed `sources.manage` only their organisation's."""
    if principal.role == "admin":
        return True
    return organisation_id is not None and organisation_id == principal.organisation_id


def may_import_into(engine: Engine, source: str, principal: Principal) -> bool:
    """A new source, one of the principal's organisation, or (admins only) one that belongs to no
    organisation."""
    with engine.connect() as conn:
        row = conn.execute(select(Source.organisation_id).where(Source.name == source)).first()
    if row is None:
        return True
    if row.organisation_id is None:
        return principal.role == "admin"
    return row.organisation_id == principal.organisation_id


def may_change_kind_by_import(principal: Principal) -> bool:
    """Whether an import by this principal may change an existing source's kind: admins (and the
    command line's operator, who holds the database) only."""
    return principal.role == "admin"


def manageable_sources(engine: Engine, principal: Principal) -> list[dict]:
    """The sources this principal may manage, with kind, sharing and organisation, by name."""
    query = (
        select(
            Source.id, Source.name, Source.kind, Source.sharing, Source.organisation_id, Source.family_search
        )
        .add_columns(Organisation.name.label("organisation"))
        .outerjoin(Organisation, Organisation.id == Source.organisation_id)
        .order_by(Source.name)
    )
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
    return [r for r in rows if may_manage_source(principal, r["organisation_id"])]


def manageable_source(engine: Engine, source_id: int, principal: Principal) -> dict | None:
    """Source `source_id` (id, name, sharing, kind, organisation_id) if this principal may manage it."""
    with engine.connect() as conn:
        source = conn.execute(
            select(
                Source.id,
                Source.name,
                Source.sharing,
                Source.kind,
                Source.organisation_id,
                Source.family_search,
            ).where(Source.id == source_id)
        ).first()
    if source is None or not may_manage_source(principal, source.organisation_id):
        return None
    return dict(source._mapping)


def change_source(
    engine: Engine, source: dict, sharing: str, kind: str, family_search: bool | None = None
) -> dict[str, object]:
    """Set a source's sharing, kind and (when given) whether the public family search may answer from
    it; returns what changed (`sharing`, `kind`, `family_search`), nothing if none."""
    if sharing not in SHARING:
        raise AccountError(f"sharing must be one of {', '.join(SHARING)}")
    if kind not in SOURCE_KINDS:
        raise AccountError(f"kind must be one of {', '.join(SOURCE_KINDS)}")
    changes: dict[str, object] = {}
    if family_search is not None and family_search != bool(source.get("family_search")):
        changes["family_search"] = family_search
    if sharing != source["sharing"]:
        changes["sharing"] = sharing
    if kind != (source["kind"] or "other"):
        changes["kind"] = kind
    if changes:
        with engine.begin() as conn:
            conn.execute(update(Source).where(Source.id == source["id"]).values(**changes))
    return changes


def visible_source_counts(engine: Engine, principal: Principal) -> list[dict]:
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
