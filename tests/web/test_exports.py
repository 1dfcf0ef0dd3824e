"""Record and person exports on the web, in every format, as one organisation and as another: each
holds only what that organisation may see, opens in its format with Arabic intact, and is audited."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from athar.names import is_arabic
from athar.store.tables import AuditEntry, Membership, Source
from tests.web.conftest import client_for, person_ref

ON_POSTGRES = True
VISIBLE = {  # who sees which lists (tests/web/conftest.py: OWNERSHIP)
    "investigator-alpha": {"families", "returnees", "morgue"},
    "investigator-beta": {"detention", "returnees", "morgue"},
}


def _rows(response, fmt: str) -> list[dict]:
    import csv
    import json

    body = response.content
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    if fmt == "jsonl":
        return [json.loads(line) for line in body.decode("utf-8").splitlines()]
    if fmt == "xlsx":
        from openpyxl import load_workbook

        rows = list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))
        return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    import pyarrow.parquet as pq

    return pq.read_table(io.BytesIO(body)).to_pylist()


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "jsonl", "parquet"])
@pytest.mark.parametrize("who", ["investigator-alpha", "investigator-beta"])
def test_the_records_export_holds_only_the_organisations_lists(app, who, fmt):
    response = client_for(app, who).get(f"/export/records.{fmt}")
    assert response.status_code == 200
    rows = _rows(response, fmt)
    assert {r["source"] for r in rows} == VISIBLE[who]
    linked = [r["person_id"] for r in rows if r["person_id"]]
    assert linked and all(p.startswith("C-") for p in linked)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
@pytest.mark.parametrize("who", ["investigator-alpha", "investigator-beta"])
def test_the_persons_export_has_a_row_per_visible_person_with_only_visible_records(app, who, fmt):
    response = client_for(app, who).get(f"/export/persons.{fmt}")
    rows = _rows(response, fmt)
    with app.state.engine.connect() as conn:
        expected = set(
            conn.execute(
                select(Membership.person_id)
                .join(Source, Source.id == Membership.source_id)
                .where(Source.name.in_(VISIBLE[who]))
            ).scalars()
        )
    # each person by the organisation's own reference, as its pages show it, never the internal id
    organisation = who.split("-")[1].capitalize()
    assert {r["person_id"] for r in rows} == {person_ref(app, p, organisation) for p in expected}
    shown = [r["person_id"] for r in rows]
    assert shown == sorted(shown)  # by reference: the internal ids' order is not told either
    for row in rows:
        lists = set(row["sources"].split(";"))
        assert lists <= VISIBLE[who]
        assert int(row["record_count"]) == len(row["record_ids"].split(";"))
    assert any(is_arabic(row["name_arabic"] or "") for row in rows)
    with app.state.engine.connect() as conn:
        last = conn.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    assert last.action == "persons.export" and last.user_name == who and last.detail["format"] == fmt


def test_an_unknown_format_is_not_found_and_a_reviewer_may_not_export(app):
    assert client_for(app, "investigator-alpha").get("/export/persons.pdf").status_code == 404
    assert client_for(app, "reviewer-alpha").get("/export/persons.xlsx").status_code == 403
