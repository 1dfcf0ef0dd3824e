"""Sites where bodies are recovered: adding one, finding one by name."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, CursorResult, Engine, insert, select

from athar.audit import record_event
from athar.errors import AtharError
from athar.places.lookup import governorate_of
from athar.store.tables import SITE_KINDS, Site, Source

SITE_SOURCE_PREFIX = "site: "
NAME_LIMIT = 190  # sources.name holds 200, with the prefix


def new_id(result: CursorResult) -> int:
    """The primary key an INSERT made."""
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


class SiteError(AtharError, ValueError):
    """A site that cannot be added, or a name that names no site. `field` names the wrong field and
    `code` the rule it breaks, for a form to say it in the reader's language."""

    def __init__(self, message: str, field: str = "name", code: str = "other") -> None:
        super().__init__(message)
        self.field = field
        self.code = code


@dataclass(frozen=True)
class SiteInfo:
    id: int
    name: str
    kind: str
    governorate: str | None
    used_from: int | None
    used_to: int | None
    source_id: int


def add_site(
    engine: Engine,
    name: str,
    kind: str,
    user: str,
    place: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    used_from: int | None = None,
    used_to: int | None = None,
    organisation_id: int | None = None,
    client: str | None = "cli",
) -> SiteInfo:
    """Add a site (and the source its imports and quarantined rows are kept under)."""
    name = " ".join(name.split())
    if not name:
        raise SiteError("a site needs a name", "name", "missing")
    if len(name) > NAME_LIMIT:
        raise SiteError(f"a site's name is at most {NAME_LIMIT} characters", "name", "too_long")
    if kind not in SITE_KINDS:
        raise SiteError(f"kind must be one of {', '.join(SITE_KINDS)}, not {kind!r}", "kind", "kind")
    for field, year in (("used_from", used_from), ("used_to", used_to)):
        if year is not None and not 1900 <= year <= dt.date.today().year:
            raise SiteError(f"{year} is not a year of use", field, "year")
    if used_from is not None and used_to is not None and used_from > used_to:
        raise SiteError(f"the period of use runs backwards: {used_from} to {used_to}", "used_to", "backwards")
    for field, value, bound in (("lat", latitude, 90), ("lon", longitude, 180)):
        if value is not None and not -bound <= value <= bound:
            raise SiteError("coordinates out of range", field, "coordinates")
    place = " ".join((place or "").split()) or None
    if place and len(place) > NAME_LIMIT:
        raise SiteError(f"a place is at most {NAME_LIMIT} characters", "place", "too_long")
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        taken = (
            conn.execute(select(Site.id).where(Site.name == name)).first()
            or conn.execute(select(Source.id).where(Source.name == SITE_SOURCE_PREFIX + name)).first()
        )
        if taken:
            raise SiteError(f"a site named {name!r} exists already", "name", "taken")
        source_id = new_id(
            conn.execute(
                insert(Source).values(
                    name=SITE_SOURCE_PREFIX + name,
                    kind="other",
                    created_at=now,
                    organisation_id=organisation_id,
                    description=f"post-mortem records of {kind} {name}",
                )
            )
        )
        governorate = governorate_of(place) if place else None
        site_id = new_id(
            conn.execute(
                insert(Site).values(
                    name=name,
                    kind=kind,
                    place=place,
                    governorate=governorate,
                    latitude=latitude,
                    longitude=longitude,
                    used_from=used_from,
                    used_to=used_to,
                    organisation_id=organisation_id,
                    source_id=source_id,
                    created_at=now,
                )
            )
        )
        record_event(
            conn, user, "site.added", "site", str(site_id), client=client, detail={"name": name, "kind": kind}
        )
    return SiteInfo(site_id, name, kind, governorate, used_from, used_to, source_id)


def find_site(conn: Connection, name: str) -> SiteInfo | None:
    row = conn.execute(select(Site).where(Site.name == " ".join(name.split()))).first()
    if row is None:
        return None
    s = row
    return SiteInfo(s.id, s.name, s.kind, s.governorate, s.used_from, s.used_to, s.source_id)
