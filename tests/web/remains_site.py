"""A site of Alpha's with synthetic bodies in a web test's store (athar.synth.remains), for the remains
pages' tests and the permission walk."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from sqlalchemy import Engine, select

from athar.accounts.organisations import ensure_organisation
from athar.remains.importer import import_remains
from athar.remains.postmortem import COLUMNS
from athar.remains.sites import add_site
from athar.store.tables import RemainsCase
from athar.synth.remains import generate

SITE = "Grave of Alpha"


def add_alpha_site(engine: Engine, folder: Path, bodies: int = 4, name: str = SITE) -> tuple[int, list[int]]:
    """Alpha's site (private, through its source) with `bodies` bodies; returns the site's id and the
    bodies' ids. The first body's second part is joined to it (commingled remains)."""
    with engine.begin() as conn:
        alpha = ensure_organisation(conn, "Alpha")
    site = add_site(
        engine, name, "mass_grave", "test", place="Homs", used_from=2011, used_to=2016, organisation_id=alpha
    )
    rows = generate(persons=50, bodies=bodies, seed=5).bodies
    path = folder / f"{name.replace(' ', '_')}.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, list(COLUMNS), extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {
                    **row,
                    "case_id": f"{name[:1]}{row['case_id']}",
                    "dna_sample_id": f"{name[:1]}{row['dna_sample_id']}",
                }
            )
    result = import_remains(engine, path, name, user="test", today=dt.date(2026, 1, 1))
    assert result.stored == bodies, result.problems
    with engine.connect() as conn:
        ids = conn.execute(
            select(RemainsCase.id).where(RemainsCase.site_id == site.id).order_by(RemainsCase.id)
        ).scalars()
        return site.id, list(ids)
