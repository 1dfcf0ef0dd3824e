"""The public family search and the investigator search: answers, disclosure, rate limit, audit."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from athar.search.service import FAMILY_REFERENCE_LABEL, resolve_family_reference
from athar.store.tables import AuditEntry, Membership, Record, Source
from athar.web.search_state import IndexHolder, RateLimiter
from tests.web.conftest import client_for, csrf, person_ref, without_random_tokens

TEXT_FIELDS = (
    "full_name",
    "given_name",
    "father_name",
    "grandfather_name",
    "family_name",
    "mother_name",
    "birth_date",
    "birth_place",
    "national_id",
    "event_date",
    "event_place",
)


@pytest.fixture(scope="module")
def detained(app) -> dict:
    """A person with a detention record: the record's values, and every record of the person."""
    with app.state.engine.connect() as conn:
        person = conn.execute(
            select(Membership.person_id)
            .join(Source, Source.id == Membership.source_id)
            .join(
                Record,
                (Record.source_id == Membership.source_id) & (Record.record_id == Membership.record_id),
            )
            .where(
                Source.name == "detention", Record.given_name.is_not(None), Record.family_name.is_not(None)
            )
            .limit(1)
        ).scalar_one()
        records = conn.execute(
            select(Source.name.label("source_name"), *Record.__table__.columns)
            .join(Source, Source.id == Record.source_id)
            .join(
                Membership,
                (Membership.source_id == Record.source_id) & (Membership.record_id == Record.record_id),
            )
            .where(Membership.person_id == person, Record.is_current.is_(True))
        ).all()
    detention = next(r for r in records if r.source_name == "detention")
    name = f"{detention.given_name} {detention.father_name or ''} {detention.family_name}".replace("  ", " ")
    _open_to_families(app, "detention", True)  # Beta opens its register to the family search
    return {"person_id": person, "record": detention, "name": name, "records": records}


def _open_to_families(app, source: str, opened: bool) -> None:
    with app.state.engine.begin() as conn:
        conn.execute(update(Source).where(Source.name == source).values(family_search=opened))


def _reference(page: str) -> str:
    return re.search(r'id="case-reference">([^<]+)<', page).group(1)


def _resolve(app, reference: str) -> str | None:
    from athar.cases import store_cipher

    key = store_cipher(app.state.engine).derive(FAMILY_REFERENCE_LABEL)
    return resolve_family_reference(app.state.family_index, reference, key)


@pytest.fixture(autouse=True)
def fresh_limit(app):
    app.state.family_limiter.reset()


def _family(client, **data):
    return client.post("/search/family", data={**data, "csrf_token": csrf(client, "/search/family")})


def test_the_family_form_is_public_arabic_first_and_has_the_fields(anonymous):
    page = anonymous.get("/search/family")
    assert page.status_code == 200
    assert '<html lang="ar" dir="rtl">' in page.text and "البحث عن قريب مفقود" in page.text
    for field in ("name", "father", "mother", "born"):
        assert f'name="{field}"' in page.text


def test_the_home_page_links_to_the_family_search(anonymous):
    assert 'href="/search/family"' in anonymous.get("/").text


def test_a_family_is_told_of_a_possible_match_and_nothing_of_the_records(anonymous, detained):
    page = _family(anonymous, name=detained["name"])
    assert page.status_code == 200
    assert 'id="possible-match"' in page.text
    assert 'id="case-reference">' in page.text and 'id="contact"' in page.text
    html = without_random_tokens(page.text)
    for record in detained["records"]:
        for field in TEXT_FIELDS:
            value = getattr(record, field)
            if value and len(str(value)) >= 3:
                assert str(value) not in html, field
    for source in ("detention", "morgue", "returnees", "families"):
        assert source not in html


def test_the_case_reference_is_opaque_and_a_caseworker_resolves_it_to_the_person(app, anonymous, detained):
    page = _family(anonymous, name=detained["name"])
    reference = _reference(page.text)
    assert re.fullmatch(r"F-[0-9a-f]{16}", reference) and detained["person_id"] not in page.text
    assert "P-" not in page.text.split('id="case-reference"')[1][:200]
    assert _resolve(app, reference) == detained["person_id"]


def test_a_name_only_a_private_list_holds_is_not_found_by_the_family_search(app, anonymous, detained):
    """Beta's detention register answers families only once Beta opens it to the family search."""
    only_detention = {r.source_name for r in detained["records"]} == {"detention"}
    _open_to_families(app, "detention", False)
    try:
        page = _family(anonymous, name=detained["name"])
        if only_detention:
            assert 'id="no-match"' in page.text
        assert detained["person_id"] not in page.text
    finally:
        _open_to_families(app, "detention", True)


def test_the_family_search_answers_from_no_list_that_is_not_opened_to_it(app, anonymous):
    with app.state.engine.begin() as conn:
        opened = conn.execute(select(Source.name).where(Source.family_search.is_(True))).scalars().all()
        conn.execute(update(Source).values(family_search=False))
    try:
        with app.state.engine.connect() as conn:
            row = conn.execute(
                select(Record.given_name, Record.family_name)
                .join(Source, Source.id == Record.source_id)
                .where(
                    Source.name == "families", Record.given_name.is_not(None), Record.family_name.is_not(None)
                )
                .limit(1)
            ).one()
        page = _family(anonymous, name=f"{row.given_name} {row.family_name}")
        assert 'id="no-match"' in page.text
    finally:
        for name in opened:
            _open_to_families(app, name, True)


def test_no_match_says_so(anonymous):
    page = _family(anonymous, name="Zzyzx Qwerty Plonk")
    assert page.status_code == 200 and 'id="no-match"' in page.text and 'id="case-reference"' not in page.text


def test_the_contact_text_is_configurable(app, anonymous):
    from dataclasses import replace

    original = app.state.settings
    app.state.settings = replace(original, family_contact="Call +963 11 000 0000")
    try:
        assert "Call +963 11 000 0000" in _family(anonymous, name="Zzyzx Qwerty").text
    finally:
        app.state.settings = original


def test_a_name_is_required_and_a_bad_year_is_refused(anonymous):
    assert _family(anonymous, name="  ").status_code == 422
    page = _family(anonymous, name="Ahmad", born="19x5")
    assert page.status_code == 422 and 'class="error"' in page.text


def test_the_family_search_needs_the_csrf_token(anonymous):
    anonymous.get("/search/family")
    assert anonymous.post("/search/family", data={"name": "Ahmad"}).status_code == 403


def test_searches_beyond_the_limit_get_429_with_a_translated_message(app, anonymous):
    app.state.family_limiter = RateLimiter(3, 60.0)
    try:
        codes = [_family(anonymous, name="Zzyzx Qwerty").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        arabic = _family(anonymous, name="Zzyzx Qwerty")
        assert arabic.status_code == 429 and "عمليات بحث كثيرة" in arabic.text
        english = anonymous.post(
            "/search/family?lang=en", data={"name": "x", "csrf_token": csrf(anonymous, "/search/family")}
        )
        assert english.status_code == 429 and "Too many searches" in english.text
    finally:
        app.state.family_limiter = RateLimiter(app.state.settings.family_searches_per_minute, 60.0)


def test_the_rate_limit_window_slides():
    limiter = RateLimiter(2, 60.0)
    assert limiter.allow("a", 0) and limiter.allow("a", 1) and not limiter.allow("a", 2)
    assert limiter.allow("b", 2)  # per address
    assert limiter.allow("a", 61)


def test_every_family_search_is_audited_without_the_query_or_the_address(app, anonymous, detained):
    rec = detained["record"]
    with app.state.engine.connect() as conn:
        before = conn.execute(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)).scalar() or 0
    _family(anonymous, name=detained["name"], born="1980")
    _family(anonymous, name="Zzyzx Qwerty Plonk")
    with app.state.engine.connect() as conn:
        rows = conn.execute(
            select(*AuditEntry.__table__.columns).where(AuditEntry.id > before).order_by(AuditEntry.id)
        ).all()
    assert [r.action for r in rows] == ["family.search", "family.search"]
    assert [r.detail["outcome"] for r in rows] == ["possible_match", "no_match"]
    assert _resolve(app, rows[0].target_id) == detained["person_id"] and rows[1].target_id is None
    assert detained["person_id"] != rows[0].target_id
    for row in rows:
        assert row.user_name == "anonymous"
        assert row.client.startswith("h:") and "testclient" not in row.client
        stored = repr((row.detail, row.target_id, row.target_type, row.client))
        for secret in (detained["name"], rec.given_name, rec.family_name, "1980", "Zzyzx", "Qwerty"):
            assert secret not in stored
    assert rows[0].client == rows[1].client  # one address hashes alike


def test_the_index_is_built_once_and_kept_while_the_store_is_unchanged(app):
    """(Extended or rebuilt when the store changes: tests/test_search_freshness.py.)"""
    holder = IndexHolder(app.state.engine)
    first = holder.get()
    assert holder.get() is first and (holder.builds, holder.extensions) == (1, 0)


def test_the_app_keeps_one_family_index_until_the_lists_open_to_families_change(app, anonymous):
    _family(anonymous, name="Zzyzx Qwerty")
    index = app.state.family_index
    _family(anonymous, name="Zzyzx Qwerty")
    assert app.state.family_index is index
    _open_to_families(app, "returnees", True)
    try:
        _family(anonymous, name="Zzyzx Qwerty")
        assert app.state.family_index is not index
    finally:
        _open_to_families(app, "returnees", False)


def _investigate(client, **data):
    return client.post("/search", data={**data, "csrf_token": csrf(client, "/search")})


def test_an_investigator_sees_the_matching_person_with_records_and_each_is_audited(app, detained):
    client = client_for(app, "investigator-beta")  # Beta owns the detention list
    rec = detained["record"]
    with app.state.engine.connect() as conn:
        before = conn.execute(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)).scalar() or 0
    page = _investigate(client, name=detained["name"])
    assert page.status_code == 200
    shown = person_ref(app, detained["person_id"], "Beta")
    assert f'href="/persons/{shown}"' in page.text and rec.family_name in page.text
    assert detained["person_id"] not in page.text  # Beta's reference, not the internal id
    with app.state.engine.connect() as conn:
        rows = conn.execute(select(*AuditEntry.__table__.columns).where(AuditEntry.id > before)).all()
    viewed = {r.target_id for r in rows if r.action == "person.view"}
    assert detained["person_id"] in viewed
    assert any(r.action == "search" and r.user_name == "investigator-beta" for r in rows)
    for row in rows:
        assert rec.family_name not in repr(row.detail)


def test_the_investigator_search_shows_only_visible_records(app, detained):
    client = client_for(app, "investigator-alpha")  # Alpha may not see Beta's private detention list
    page = _investigate(client, name=detained["name"])
    assert page.status_code == 200 and "<td>detention</td>" not in page.text


def test_the_investigator_search_needs_a_name_and_the_csrf_token(app):
    client = client_for(app, "admin-alpha")
    assert _investigate(client, name="").status_code == 422
    client.get("/search")
    assert client.post("/search", data={"name": "Ahmad"}).status_code == 403


def test_reviewers_may_not_use_the_name_search(app):
    assert client_for(app, "reviewer-alpha").get("/search").status_code == 403


def test_a_caseworker_finds_cases_by_name_among_what_the_organisation_sees(app, detained):
    """Caseworkers search by name too (their menu links it), and get only visible records: Alpha's
    caseworker does not see Beta's private detention list."""
    client = client_for(app, "caseworker-alpha")
    assert 'href="/search"' in client.get("/dashboard").text
    page = _investigate(client, name=detained["name"])
    assert page.status_code == 200 and "<td>detention</td>" not in page.text


def test_an_organisation_opens_its_list_to_the_family_search_on_the_sources_page(app, anonymous, detained):
    _open_to_families(app, "detention", False)
    try:
        beta = client_for(app, "investigator-beta")  # Beta owns the detention register
        with app.state.engine.connect() as conn:
            source_id = conn.execute(select(Source.id).where(Source.name == "detention")).scalar_one()
        form = {"sharing": "private", "kind": "detention_register", "family_search": "on"}
        token = csrf(beta, "/admin/sources")
        saved = beta.post(
            f"/admin/sources/{source_id}", data={**form, "csrf_token": token}, follow_redirects=False
        )
        assert saved.status_code == 303
        assert 'data-family-search="yes"' in beta.get("/admin/sources").text
        assert 'id="possible-match"' in _family(anonymous, name=detained["name"]).text
    finally:
        _open_to_families(app, "detention", True)
