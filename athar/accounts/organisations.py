"""Organisations: every user, API token and source belongs to one."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, Engine, func, insert, select

from athar.errors import AtharError
from athar.store.tables import Organisation, Source, User


class OrganisationExists(AtharError, ValueError):
    pass


def ensure_organisation(conn: Connection, name: str) -> int:
    """The id of organisation `name`, created if it does not exist yet."""
    found = conn.execute(select(Organisation.id).where(Organisation.name == name)).scalar()
    if found is not None:
        return found
    return conn.execute(
        insert(Organisation).values(name=name, created_at=dt.datetime.now(dt.UTC)).returning(Organisation.id)
    ).scalar_one()


def add_organisation(engine: Engine, name: str) -> int:
    """A new organisation; `OrganisationExists` when the name is taken."""
    with engine.begin() as conn:
        if conn.execute(select(Organisation.id).where(Organisation.name == name)).first() is not None:
            raise OrganisationExists(f"organisation {name!r} already exists")
        return conn.execute(
            insert(Organisation)
            .values(name=name, created_at=dt.datetime.now(dt.UTC))
            .returning(Organisation.id)
        ).scalar_one()


def list_organisations(engine: Engine) -> list[dict]:
    """Every organisation with how many users and sources it has, by name."""
    users = select(User.organisation_id, func.count().label("n")).group_by(User.organisation_id).subquery()
    sources = (
        select(Source.organisation_id, func.count().label("n")).group_by(Source.organisation_id).subquery()
    )
    query = (
        select(
            Organisation.id,
            Organisation.name,
            Organisation.created_at,
            func.coalesce(users.c.n, 0).label("users"),
            func.coalesce(sources.c.n, 0).label("sources"),
        )
        .outerjoin(users, users.c.organisation_id == Organisation.id)
        .outerjoin(sources, sources.c.organisation_id == Organisation.id)
        .order_by(Organisation.name)
    )
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]
