"""The person / case page: records with sources, timeline, status changes with reason and evidence
(append-only, with history), and families' inquiries (seen only by caseworkers, investigators, admins)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import DBAPIError

from athar.accounts.permissions import operator
from athar.cases import record_event_kind, record_inquiry, store_cipher, timeline
from athar.store.tables import AuditEntry, CaseEvent, InquiryContact, Membership, Person, Source
from tests.web.conftest import client_for, csrf, person_ref

ON_POSTGRES = True  # every test here also runs on PostgreSQL (tests/web/conftest.py)


@pytest.fixture(scope="module")
def person(app) -> str:
    """A person with records in Alpha's families list and in the shared returnees list, if any."""
    with app.state.engine.connect() as conn:
        families = set(
            conn.execute(
                select(Membership.person_id)
                .join(Source, Source.id == Membership.source_id)
                .where(Source.name == "families")
            ).scalars()
        )
        returnees = set(
            conn.execute(
                select(Membership.person_id)
                .join(Source, Source.id == Membership.source_id)
                .where(Source.name == "returnees")
            ).scalars()
        )
    both = sorted(families & returnees)
    return both[0] if both else sorted(families)[0]


def _last_audit(app):
    with app.state.engine.connect() as conn:
        return conn.execute(
            select(*AuditEntry.__table__.columns).order_by(AuditEntry.id.desc()).limit(1)
        ).first()


def _events(app, person_id):
    with app.state.engine.connect() as conn:
        return conn.execute(
            select(*CaseEvent.__table__.columns)
            .where(CaseEvent.person_id == person_id)
            .order_by(CaseEvent.id)
        ).all()


def _sealed(app, event_id) -> str:
    with app.state.engine.connect() as conn:
        return conn.execute(
            select(InquiryContact.sealed).where(InquiryContact.case_event_id == event_id)
        ).scalar_one()


def _status(app, person_id):
    with app.state.engine.connect() as conn:
        return conn.execute(select(Person.status).where(Person.id == person_id)).scalar_one()


def _post(client, path, data, person_id):
    token = csrf(client, "/dashboard")
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=False)


def test_the_page_shows_every_record_with_its_source_the_timeline_and_the_status(app, person):
    page = client_for(app, "investigator-alpha").get(f"/persons/{person_ref(app, person)}?lang=en")
    assert page.status_code == 200
    assert "<td>families</td>" in page.text
    assert 'id="timeline"' in page.text and 'data-kind="last_seen"' in page.text
    assert 'data-status="missing"' in page.text and "Status history" in page.text
    arabic = client_for(app, "investigator-alpha").get(f"/persons/{person_ref(app, person)}").text
    assert "التسلسل الزمني" in arabic and "سجل تغييرات الحالة" in arabic


def test_a_status_change_needs_reason_and_evidence(app, person):
    client = client_for(app, "investigator-alpha")
    before = len(_events(app, person))
    for data in (
        {"status": "deceased", "reason": "", "evidence": "morgue photo"},
        {"status": "deceased", "reason": "morgue log", "evidence": "  "},
        {"status": "eaten_by_bears", "reason": "r", "evidence": "e"},
        {"status": "deceased", "reason": "r", "evidence": "e", "event_date": "last spring"},
    ):
        response = _post(client, f"/persons/{person_ref(app, person)}/status", data, person)
        assert response.status_code == 422 and 'class="error"' in response.text
    assert len(_events(app, person)) == before and _status(app, person) == "missing"


def test_a_status_change_needs_the_csrf_token(app, person):
    client = client_for(app, "investigator-alpha")
    client.get(f"/persons/{person_ref(app, person)}")
    response = client.post(
        f"/persons/{person_ref(app, person)}/status",
        data={"status": "deceased", "reason": "r", "evidence": "e"},
    )
    assert response.status_code == 403 and _status(app, person) == "missing"


def test_status_changes_are_appended_set_on_the_person_audited_and_shown(app, person):
    client = client_for(app, "investigator-alpha")
    first = {
        "status": "detention_record_found",
        "reason": "Named in a register",
        "evidence": "Register page 12",
        "event_date": "2015-03",
    }
    response = _post(client, f"/persons/{person_ref(app, person)}/status", first, person)
    assert response.status_code == 303 and _status(app, person) == "detention_record_found"
    audit_row = _last_audit(app)
    assert (audit_row.action, audit_row.target_id) == ("case.status", person)
    assert audit_row.detail["to"] == "detention_record_found"
    second = {"status": "located_alive", "reason": "Came home", "evidence": "Seen by caseworker"}
    assert _post(client, f"/persons/{person_ref(app, person)}/status", second, person).status_code == 303
    events = [e for e in _events(app, person) if e.kind == "status"]
    assert [e.status for e in events][-2:] == ["detention_record_found", "located_alive"]
    assert events[-1].detail["previous"] == "detention_record_found"
    assert events[-1].user_name == "investigator-alpha"
    page = client.get(f"/persons/{person_ref(app, person)}?lang=en").text
    for text in ("Named in a register", "Register page 12", "Came home", "Seen by caseworker"):
        assert text in page
    assert 'data-status="located_alive"' in page and 'data-kind="status"' in page


def test_case_events_cannot_be_rewritten(app, person):
    # An inquiry of its own first: under xdist this test may run before any other made an event.
    record_inquiry(
        app.state.engine,
        person,
        {"note": "append-only test"},
        operator("test"),
        store_cipher(app.state.engine),
    )
    with pytest.raises(DBAPIError, match="append-only"), app.state.engine.begin() as conn:
        conn.execute(update(CaseEvent).where(CaseEvent.person_id == person).values(reason="rewritten"))


def test_a_caseworker_records_an_inquiry_that_only_case_roles_see(app, person):
    client = client_for(app, "caseworker-alpha")
    data = {"contact_name": "Umm Khaled", "relationship": "mother", "phone": "+963 944 000 111"}
    assert _post(client, f"/persons/{person_ref(app, person)}/inquiries", data, person).status_code == 303
    inquiry = [e for e in _events(app, person) if e.kind == "inquiry"][-1]
    assert inquiry.user_name == "caseworker-alpha" and inquiry.shared is False
    assert "+963" not in repr(tuple(inquiry)) and _sealed(app, inquiry.id).startswith("s1.")
    audit_row = _last_audit(app)
    assert audit_row.action == "case.inquiry" and "+963" not in repr(audit_row.detail)
    for who in ("caseworker-alpha", "investigator-alpha", "admin-alpha"):
        page = client_for(app, who).get(f"/persons/{person_ref(app, person)}").text
        assert "+963 944 000 111" in page and 'id="inquiry-form"' in page
    reviewer = client_for(app, "reviewer-alpha")
    assert reviewer.get(f"/persons/{person_ref(app, person)}").status_code == 403
    assert _post_forbidden(reviewer, person).status_code == 403


def _post_forbidden(client, person):
    app = client.app
    token = csrf(client, "/dashboard")
    return client.post(
        f"/persons/{person_ref(app, person)}/inquiries", data={"note": "x", "csrf_token": token}
    )


def test_an_empty_inquiry_is_refused_and_csrf_is_required(app, person):
    client = client_for(app, "caseworker-alpha")
    before = len(_events(app, person))
    assert (
        _post(client, f"/persons/{person_ref(app, person)}/inquiries", {"phone": "  "}, person).status_code
        == 422
    )
    assert client.post(f"/persons/{person_ref(app, person)}/inquiries", data={"note": "x"}).status_code == 403
    assert len(_events(app, person)) == before


def test_a_person_whose_records_are_invisible_cannot_be_changed(app):
    with app.state.engine.connect() as conn:
        detention_only = (
            conn.execute(
                select(Membership.person_id)
                .join(Source, Source.id == Membership.source_id)
                .group_by(Membership.person_id)
                .having(func.min(Source.name) == "detention", func.max(Source.name) == "detention")
            )
            .scalars()
            .all()
        )
    assert detention_only
    client = client_for(app, "investigator-alpha")  # Beta's detention list is private to Beta
    for person_id in detention_only[:3]:
        assert client.get(f"/persons/{person_ref(app, person_id)}").status_code == 404
        data = {"status": "deceased", "reason": "r", "evidence": "e"}
        assert _post_404(client, person_id, data).status_code == 404
        assert _status(app, person_id) == "missing"


def _post_404(client, person_id, data):
    app = client.app
    token = csrf(client, "/dashboard")
    return client.post(f"/persons/{person_ref(app, person_id)}/status", data={**data, "csrf_token": token})


def test_record_event_kinds_follow_the_sources_kind_not_its_name():
    assert record_event_kind("family_report") == "last_seen"
    assert record_event_kind("detention_register") == "detention_record"
    assert record_event_kind("returnee_registration") == "returned"
    assert record_event_kind("hospital_or_morgue") == "died"
    assert record_event_kind("other") == "record"
    assert record_event_kind(None) == "record"  # a source from before kinds existed
    assert record_event_kind("families") == "record"  # a name is not a kind


def test_the_timeline_is_oldest_first_and_hides_inquiries_when_asked():
    records = [
        {"source": "m", "source_kind": "hospital_or_morgue", "event_date": "2016-01-02", "record_id": "1"},
        {"source": "f", "source_kind": "family_report", "event_date": "2013", "record_id": "2"},
        {"source": "f", "source_kind": "family_report", "event_date": None, "record_id": "3"},
        {"source": "x", "source_kind": None, "event_date": "2014-05", "record_id": "4"},
    ]
    events = [{"kind": "inquiry", "event_date": "2020-01-01", "created_at": None}]
    assert [i["kind"] for i in timeline(records, events, True)] == ["last_seen", "record", "died", "inquiry"]
    assert [i["kind"] for i in timeline(records, events, False)] == ["last_seen", "record", "died"]


def test_the_page_timeline_follows_the_kind_stored_with_each_source(app, person):
    """The demo's lists carry their kinds; a source renamed to mislead still shows what its kind says."""
    with app.state.engine.connect() as conn:
        kinds = dict(conn.execute(select(Source.name, Source.kind)).all())
    assert kinds["families"] == "family_report" and kinds["returnees"] == "returnee_registration"
    page = client_for(app, "investigator-alpha").get(f"/persons/{person_ref(app, person)}?lang=en").text
    items = re.findall(r'<li data-kind="([a-z_]+)" data-source="([^"]+)">', page)
    assert items
    expected = {"families": "last_seen", "returnees": "returned", "morgue": "died"}
    for kind, source in items:
        assert kind == expected[source], (kind, source)
