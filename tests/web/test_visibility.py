"""The one rule of what a principal may see (`athar.accounts.visibility`), which pages, the API,
exports, search and cases all go through: one test per clause."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from athar.accounts.permissions import NOBODY, Principal, operator
from athar.accounts.visibility import (
    PersonNotVisible,
    visible_person,
    visible_record,
    visible_source_names,
)
from athar.cases import case_view, record_inquiry, store_cipher
from athar.exports import current_records
from athar.search.service import person_records
from athar.store.tables import Membership, Organisation, Source

ALL_SOURCES = {"families", "detention", "returnees", "morgue"}


def _member(engine, organisation: str, role: str = "investigator") -> Principal:
    with engine.connect() as conn:
        org_id = conn.execute(select(Organisation.id).where(Organisation.name == organisation)).scalar_one()
    return Principal(name=f"{role}-{organisation}", role=role, organisation_id=org_id)


def _person_only_in(engine, source: str) -> str:
    with engine.connect() as conn:
        rows = conn.execute(
            select(Membership.person_id, Source.name).join(Source, Source.id == Membership.source_id)
        ).all()
    sources: dict[str, set[str]] = {}
    for person_id, name in rows:
        sources.setdefault(person_id, set()).add(name)
    return next(p for p, names in sorted(sources.items()) if names == {source})


def test_an_organisation_sees_its_own_the_shared_and_the_unowned_sources(app):
    engine = app.state.engine
    assert visible_source_names(engine, _member(engine, "Alpha")) == {"families", "returnees", "morgue"}
    assert visible_source_names(engine, _member(engine, "Beta")) == {"detention", "returnees", "morgue"}


def test_an_admin_sees_no_more_than_their_organisation_may(app):
    engine = app.state.engine
    assert "detention" not in visible_source_names(engine, _member(engine, "Alpha", role="admin"))


def test_nobody_signed_in_sees_no_source(app):
    assert visible_source_names(app.state.engine, NOBODY) == set()


def test_the_command_line_operator_sees_every_source(app):
    assert visible_source_names(app.state.engine, operator("cli-user")) == ALL_SOURCES


def test_a_person_whose_records_are_all_hidden_is_told_apart_from_no_one(app):
    engine = app.state.engine
    hidden = _person_only_in(engine, "detention")
    alpha, beta = _member(engine, "Alpha"), _member(engine, "Beta")
    with pytest.raises(PersonNotVisible) as hidden_error:
        visible_person(engine, hidden, alpha)
    with pytest.raises(PersonNotVisible) as missing_error:
        visible_person(engine, "P-does-not-exist", alpha)
    assert str(hidden_error.value) == str(missing_error.value)
    assert {r["source"] for r in visible_person(engine, hidden, beta)} == {"detention"}


def test_a_hidden_record_reads_as_no_record(app):
    engine = app.state.engine
    with engine.connect() as conn:
        record_id = conn.execute(
            select(Membership.record_id)
            .join(Source, Source.id == Membership.source_id)
            .where(Source.name == "detention")
            .limit(1)
        ).scalar_one()
    assert visible_record(engine, f"detention:{record_id}", _member(engine, "Alpha")) is None
    assert visible_record(engine, f"detention:{record_id}", _member(engine, "Beta")) is not None


def test_exports_hold_only_the_sources_the_principal_may_see(app):
    engine = app.state.engine
    alpha = _member(engine, "Alpha")
    assert {r["source"] for r in current_records(engine, principal=alpha)} == visible_source_names(
        engine, alpha
    )
    assert {r["source"] for r in current_records(engine, principal=operator("cli-user"))} == ALL_SOURCES


def test_search_shows_a_principal_only_the_records_it_may_see(app):
    engine = app.state.engine
    hidden = _person_only_in(engine, "detention")
    assert person_records(engine, [hidden], _member(engine, "Alpha")) == {hidden: []}
    assert person_records(engine, [hidden], operator("cli-user"))[hidden]


def test_a_case_hides_families_inquiries_from_roles_that_do_not_record_them(app):
    engine = app.state.engine
    person = _person_only_in(engine, "families")
    cipher = store_cipher(engine)
    alpha = _member(engine, "Alpha", role="caseworker")
    record_inquiry(engine, person, {"note": "asked at the office"}, alpha, cipher)
    caseworker = case_view(engine, person, alpha, cipher)
    reviewer = case_view(engine, person, _member(engine, "Alpha", role="reviewer"), cipher)
    assert [e["contact"] for e in caseworker.inquiries][-1] == {"note": "asked at the office"}
    assert reviewer.inquiries == [] and not reviewer.inquiries_visible
    with pytest.raises(PersonNotVisible):
        case_view(engine, person, _member(engine, "Beta"))
