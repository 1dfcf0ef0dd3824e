"""Cases across two organisations (issue 14, items 1 and 10): what Alpha records on a person is
Alpha's (inquiries, reasons, evidence), shown to Beta only as Alpha chose; only an organisation holding
a record of the person changes the case; an inquiry's contact is sealed and erasable, leaving a
tombstone."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from athar.store.tables import AuditEntry, CaseEvent, InquiryContact, Membership, Person, Source
from tests.web.conftest import BASE_URL, client_for, csrf, person_ref

ON_POSTGRES = True  # every test here also runs on PostgreSQL (tests/web/conftest.py)

PHONE = "+963 933 555 777"
SECRET_NOTE = "fears reprisals; do not share"
REASON = "Named by a released detainee"
EVIDENCE = "Testimony recorded 2024-02-01"


def _persons_in_exactly(app, sources: set[str]) -> list[str]:
    with app.state.engine.connect() as conn:
        rows = conn.execute(
            select(Membership.person_id, Source.name).join(Source, Source.id == Membership.source_id)
        ).all()
    held: dict[str, set[str]] = {}
    for person_id, source in rows:
        held.setdefault(person_id, set()).add(source)
    return sorted(p for p, s in held.items() if s == sources)


@pytest.fixture(scope="module")
def alpha_and_morgue(app) -> str:
    """In Alpha's private families list and the morgue list, which belongs to no organisation: Beta
    sees the person (through the morgue) but holds no record of them."""
    found = _persons_in_exactly(app, {"families", "morgue"})
    assert found
    return found[0]


@pytest.fixture(scope="module")
def alpha_and_beta(app) -> str:
    """In Alpha's families list and Beta's shared returnees list: both organisations hold the person."""
    found = _persons_in_exactly(app, {"families", "returnees"})
    assert found
    return found[0]


def api(app, token: str) -> TestClient:
    return TestClient(app, base_url=BASE_URL, headers={"Authorization": f"Bearer {token}"})


def _record_alpha_case(app, tokens, person: str, share: bool = False) -> int:
    """Alpha's caseworker records an inquiry and a status change; returns the inquiry's event id."""
    alpha = api(app, tokens["caseworker"])
    inquiry = {"contact_name": "Umm Samir", "phone": PHONE, "note": SECRET_NOTE, "share": share}
    made = alpha.post(f"/api/v1/persons/{person_ref(app, person)}/inquiries", json=inquiry)
    assert made.status_code == 201, made.text
    change = {"status": "detention_record_found", "reason": REASON, "evidence": EVIDENCE, "share": share}
    assert alpha.post(f"/api/v1/persons/{person_ref(app, person)}/status", json=change).status_code == 201
    return made.json()["id"]


def test_another_organisation_sees_the_status_but_not_the_inquiry_reason_or_evidence(
    app, tokens, beta_tokens, alpha_and_morgue
):
    person = alpha_and_morgue
    _record_alpha_case(app, tokens, person)
    for role in ("caseworker", "investigator", "admin"):
        case = api(app, beta_tokens[role]).get(f"/api/v1/persons/{person_ref(app, person, 'Beta')}/case")
        assert case.status_code == 200, case.text
        body = case.json()
        assert body["status"] == "detention_record_found"  # the status itself is the person's
        assert body["inquiries"] == []
        [change] = [h for h in body["history"] if h["status"] == "detention_record_found"]
        assert change["withheld"] and (change["reason"], change["evidence"], change["user"]) == (None,) * 3
        for secret in (PHONE, SECRET_NOTE, REASON, EVIDENCE, "Umm Samir", "caseworker-alpha"):
            assert secret not in case.text
    for role in ("caseworker", "investigator", "admin"):
        page = client_for(app, f"{role}-beta").get(f"/persons/{person_ref(app, person, 'Beta')}?lang=en")
        assert page.status_code == 200
        for secret in (PHONE, SECRET_NOTE, REASON, EVIDENCE, "Umm Samir", "caseworker-alpha"):
            assert secret not in page.text, (role, secret)
        assert 'data-withheld="yes"' in page.text
    own = api(app, tokens["investigator"]).get(f"/api/v1/persons/{person_ref(app, person)}/case").json()
    assert own["inquiries"][-1]["phone"] == PHONE and own["history"][-1]["reason"] == REASON


def test_what_the_recording_organisation_shares_the_other_sees(app, tokens, beta_tokens, alpha_and_morgue):
    person = alpha_and_morgue
    _record_alpha_case(app, tokens, person, share=True)
    body = (
        api(app, beta_tokens["caseworker"])
        .get(f"/api/v1/persons/{person_ref(app, person, 'Beta')}/case")
        .json()
    )
    assert [i["phone"] for i in body["inquiries"] if i["shared"]][-1] == PHONE
    assert body["history"][-1]["reason"] == REASON and not body["history"][-1]["withheld"]
    page = client_for(app, "caseworker-beta").get(f"/persons/{person_ref(app, person, 'Beta')}").text
    assert PHONE in page and REASON in page
    # A reviewer of either organisation sees no inquiry, shared or not: the role does not record them.
    assert (
        client_for(app, "reviewer-beta").get(f"/persons/{person_ref(app, person, 'Beta')}").status_code == 403
    )


def _status(app, person):
    with app.state.engine.connect() as conn:
        return conn.execute(select(Person.status).where(Person.id == person)).scalar_one()


def test_an_organisation_holding_no_record_of_the_person_cannot_change_the_case(
    app, beta_tokens, alpha_and_morgue
):
    person = alpha_and_morgue
    before = _status(app, person)
    change = {"status": "deceased", "reason": "rumour", "evidence": "none"}
    for role in ("caseworker", "investigator"):
        response = api(app, beta_tokens[role]).post(
            f"/api/v1/persons/{person_ref(app, person, 'Beta')}/status", json=change
        )
        assert response.status_code == 403, (role, response.text)
        client = client_for(app, f"{role}-beta")
        page = client.get(f"/persons/{person_ref(app, person, 'Beta')}?lang=en").text
        assert 'id="status-form"' not in page
        token = csrf(client, f"/persons/{person_ref(app, person, 'Beta')}")
        posted = client.post(
            f"/persons/{person_ref(app, person, 'Beta')}/status", data={**change, "csrf_token": token}
        )
        assert posted.status_code == 403
    assert _status(app, person) == before


def test_an_admin_may_change_the_case_of_a_person_held_by_a_list_of_no_organisation(
    app, beta_tokens, alpha_and_morgue
):
    change = {"status": "deceased", "reason": "Morgue log entry", "evidence": "Log page 3"}
    response = api(app, beta_tokens["admin"]).post(
        f"/api/v1/persons/{person_ref(app, alpha_and_morgue, 'Beta')}/status", json=change
    )
    assert response.status_code == 201, response.text


def test_an_organisation_holding_a_record_of_the_person_may_change_the_case(
    app, tokens, beta_tokens, alpha_and_beta
):
    change = {"status": "located_alive", "reason": "Registered on return", "evidence": "Returnee list"}
    response = api(app, beta_tokens["caseworker"]).post(
        f"/api/v1/persons/{person_ref(app, alpha_and_beta, 'Beta')}/status", json=change
    )
    assert response.status_code == 201, response.text
    alpha_view = (
        api(app, tokens["caseworker"]).get(f"/api/v1/persons/{person_ref(app, alpha_and_beta)}/case").json()
    )
    assert alpha_view["status"] == "located_alive" and alpha_view["history"][-1]["withheld"]


def _files_bytes(app) -> bytes:
    from pathlib import Path

    path = Path(app.state.engine.url.database)
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def test_an_inquirys_contact_is_sealed_at_rest(app, tokens, alpha_and_morgue):
    event_id = _record_alpha_case(app, tokens, alpha_and_morgue)
    with app.state.engine.connect() as conn:
        event = conn.execute(select(CaseEvent.detail).where(CaseEvent.id == event_id)).one()
        sealed = conn.execute(
            select(InquiryContact.sealed).where(InquiryContact.case_event_id == event_id)
        ).scalar_one()
    assert event.detail is None and sealed.startswith("s1.")
    if app.state.engine.dialect.name == "sqlite":
        assert PHONE.encode() not in _files_bytes(app)


def test_an_inquiry_is_erased_by_its_organisation_leaving_a_tombstone(
    app, tokens, beta_tokens, alpha_and_morgue
):
    person = alpha_and_morgue
    event_id = _record_alpha_case(app, tokens, person, share=True)
    with app.state.engine.connect() as conn:
        sealed = conn.execute(
            select(InquiryContact.sealed).where(InquiryContact.case_event_id == event_id)
        ).scalar_one()
    erase = f"/api/v1/persons/{person_ref(app, person)}/inquiries/{event_id}/erasure"
    # Beta sees the shared inquiry but it is not Beta's to erase.
    betas_erase = f"/api/v1/persons/{person_ref(app, person, 'Beta')}/inquiries/{event_id}/erasure"
    assert api(app, beta_tokens["caseworker"]).post(betas_erase, json={"reason": "asked"}).status_code == 404
    assert api(app, tokens["caseworker"]).post(erase, json={"reason": " "}).status_code == 422
    done = api(app, tokens["caseworker"]).post(erase, json={"reason": "the family asked"})
    assert done.status_code == 201, done.text
    assert api(app, tokens["caseworker"]).post(erase, json={"reason": "again"}).status_code == 409
    with app.state.engine.connect() as conn:
        assert (
            conn.execute(select(InquiryContact).where(InquiryContact.case_event_id == event_id)).first()
            is None
        )
        assert conn.execute(select(CaseEvent.kind).where(CaseEvent.id == event_id)).scalar_one() == "inquiry"
        tombstone = (
            conn.execute(
                select(CaseEvent.detail)
                .where(CaseEvent.kind == "inquiry_erased")
                .order_by(CaseEvent.id.desc())
            )
            .scalars()
            .first()
        )
        audited = conn.execute(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "case.inquiry_erased")
        ).scalar_one()
    assert tombstone == {"inquiry": event_id, "reason": "the family asked"} and audited >= 1
    [erased] = [
        i
        for i in api(app, tokens["caseworker"])
        .get(f"/api/v1/persons/{person_ref(app, person)}/case")
        .json()["inquiries"]
        if i["id"] == event_id
    ]
    assert erased["erased"] and erased["phone"] is None
    if app.state.engine.dialect.name == "sqlite":  # secure_delete and a truncated WAL: no copy left
        assert sealed.encode() not in _files_bytes(app)


def test_an_inquiry_is_erased_from_the_page(app, alpha_and_morgue):
    person = alpha_and_morgue
    client = client_for(app, "caseworker-alpha")
    token = csrf(client, f"/persons/{person_ref(app, person)}")
    data = {"phone": "+963 900 123 456", "csrf_token": token}
    assert (
        client.post(
            f"/persons/{person_ref(app, person)}/inquiries", data=data, follow_redirects=False
        ).status_code
        == 303
    )
    with app.state.engine.connect() as conn:
        event_id = conn.execute(
            select(func.max(CaseEvent.id)).where(CaseEvent.person_id == person, CaseEvent.kind == "inquiry")
        ).scalar_one()
    erase = f"/persons/{person_ref(app, person)}/inquiries/{event_id}/erase"
    beta = client_for(app, "caseworker-beta")
    betas_erase = f"/persons/{person_ref(app, person, 'Beta')}/inquiries/{event_id}/erase"
    refused = beta.post(betas_erase, data={"reason": "x", "csrf_token": csrf(beta, "/dashboard")})
    assert refused.status_code == 404
    response = client.post(
        erase, data={"reason": "family's wish", "csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 303
    page = client.get(f"/persons/{person_ref(app, person)}?lang=en").text
    assert "+963 900 123 456" not in page and "The family&#39;s details were erased." in page
