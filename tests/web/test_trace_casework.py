"""Caseworkers' pages and the JSON API for tracing requests: the queue with candidates, accepting a
candidate, status moves that write to the family through the outbox, notes, assignment, reminders,
intake for a family; and consent: another organisation sees a request only if the family agreed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select, update

from athar.requests.family import newest_wish
from athar.requests.intake import submit_request
from athar.search.index import UNLINKED_PREFIX
from athar.store.tables import (
    AuditEntry,
    FoundPersonWish,
    Membership,
    OutboxMessage,
    Record,
    RequestEvent,
    Source,
    TracingRequest,
)
from athar.web.request_support import cipher
from tests.test_requests_support import test_cipher
from tests.web.conftest import BASE_URL, client_for, csrf, person_ref

ON_POSTGRES = True  # also against the same store on PostgreSQL


class _AppRequest:
    """Enough of a request for `request_support.cipher` (which holds the cipher on app.state)."""

    def __init__(self, app) -> None:
        self.app = app


def synthetic_names(app, n: int) -> list[dict]:
    """Sought persons taken from the linked store's own records (so that they have candidates)."""
    with app.state.engine.connect() as conn:
        rows = conn.execute(
            select(Record.given_name, Record.father_name, Record.family_name, Record.sex)
            .join(Source, Source.id == Record.source_id)
            .where(Source.name == "families", Record.given_name.is_not(None), Record.family_name.is_not(None))
            .limit(n)
        ).all()
    return [dict(r._mapping) for r in rows]


def file_request(app, organisation: str, person: dict, *, share: bool = False, n: int = 0, **extra) -> str:
    values = {
        "given_name": person["given_name"],
        "father_name": person["father_name"] or "",
        "family_name": person["family_name"],
        "sex": person["sex"] or "",
        "requester_name": "Synthetic Requester",
        "requester_relationship": "mother",
        "requester_email": f"casework.synthetic.{n}@example.org",
        "preferred_channel": "email",
        "share_with_organisations": "yes" if share else "no",
        "language": "en",
        **extra,
    }
    values = {k: v for k, v in values.items() if v}
    result = submit_request(
        app.state.engine, values, organisation, cipher(_AppRequest(app)), app.state.search_index.get()
    )
    return result.reference


@pytest.fixture(scope="module", autouse=True)
def data_key(app):
    """A data key of the test's own (a PostgreSQL store has no key file beside it: ATHAR_DATA_KEY's job)."""
    app.state.request_cipher = test_cipher()


@pytest.fixture(scope="module")
def people(app) -> list[dict]:
    return synthetic_names(app, 6)


@pytest.fixture(scope="module")
def alpha_request(app, people) -> str:
    return file_request(app, "Alpha", people[0], n=1)


@pytest.fixture(scope="module")
def beta_private(app, people) -> str:
    return file_request(app, "Beta", people[1], share=False, n=2)


@pytest.fixture(scope="module")
def beta_shared(app, people) -> str:
    return file_request(app, "Beta", people[2], share=True, n=3)


def caseworker(app, name: str = "caseworker-alpha"):
    """A signed-in client reading the pages in English."""
    client = client_for(app, name)
    client.cookies.set(app.state.settings.cookie_prefix + "athar_lang", "en")
    return client


def alphas(app, candidate: str) -> str:
    """A candidate as Alpha's users are shown it and give it back: a person by Alpha's reference, a
    record in no person as it is."""
    return candidate if candidate.startswith(UNLINKED_PREFIX) else person_ref(app, candidate, "Alpha")


def post(client, path: str, data: dict):
    return client.post(path, data={**data, "csrf_token": csrf(client)}, follow_redirects=False)


def test_the_queue_shows_requests_with_their_candidates(app, alpha_request):
    page = caseworker(app).get("/requests")
    assert page.status_code == 200
    assert alpha_request in page.text
    row = re.search(rf"{alpha_request}.*?</tr>", page.text, re.S).group(0)
    assert "best" in row  # the request has ranked candidates at intake


def test_the_queue_filters_by_status(app, alpha_request):
    client = caseworker(app)
    assert alpha_request in client.get("/requests?status=received").text
    assert alpha_request not in client.get("/requests?status=closed").text


def test_the_request_page_shows_candidates_beside_the_sought_person_and_is_audited(
    app, alpha_request, people
):
    page = caseworker(app).get(f"/requests/{alpha_request}")
    assert page.status_code == 200
    assert people[0]["given_name"] in page.text
    assert 'id="candidate-1"' in page.text and "Synthetic Requester" not in page.text
    with app.state.engine.connect() as conn:
        actions = set(
            conn.execute(
                select(AuditEntry.action).where(AuditEntry.user_name == "caseworker-alpha")
            ).scalars()
        )
    assert {"request.viewed", "person.view"} <= actions


def test_accepting_a_candidate_then_answering_writes_to_the_family(app, people):
    reference = file_request(app, "Alpha", people[3], n=4)
    client = caseworker(app)
    with app.state.engine.connect() as conn:
        candidates = conn.execute(
            select(TracingRequest.candidates).where(TracingRequest.reference == reference)
        ).scalar_one()
    assert candidates
    best = next(c["person_id"] for c in candidates if c["person_id"].startswith("P-"))
    page = client.get(f"/requests/{reference}").text
    assert f'value="{alphas(app, best)}"' in page and not re.search(r"(?<![0-9A-Z])P-\d", page)
    internal = post(client, f"/requests/{reference}/accept", {"person_id": best})
    assert internal.status_code == 422  # the internal id is an admin's, not a caseworker's
    offered = {c["person_id"] for c in candidates}
    with app.state.engine.connect() as conn:
        elsewhere = conn.execute(  # a person Alpha sees who is not among the candidates
            select(Membership.person_id)
            .join(Source, Source.id == Membership.source_id)
            .where(Source.name == "families", Membership.person_id.not_in(offered))
            .limit(1)
        ).scalar_one()
    refused = post(client, f"/requests/{reference}/accept", {"person_id": alphas(app, elsewhere)})
    assert refused.status_code == 422 and "not among this request" in refused.text
    assert elsewhere not in refused.text  # the refusal does not name them by the internal id
    assert post(client, f"/requests/{reference}/accept", {"person_id": alphas(app, best)}).status_code == 303
    for status in ("verified", "no_news"):
        assert (
            post(client, f"/requests/{reference}/status", {"status": status, "reason": "checked"}).status_code
            == 303
        )
    assert post(client, f"/requests/{reference}/assign", {"assignee": "caseworker-alpha"}).status_code == 303
    assert (
        post(client, f"/requests/{reference}/notes", {"note": "Called the <b>family</b>"}).status_code == 303
    )
    page = client.get(f"/requests/{reference}")
    assert "Answered: no news" in page.text
    assert "&lt;b&gt;family&lt;/b&gt;" in page.text
    with app.state.engine.connect() as conn:
        request = conn.execute(select(TracingRequest).where(TracingRequest.reference == reference)).one()
        messages = conn.execute(
            select(OutboxMessage.template, OutboxMessage.recipient, OutboxMessage.params)
            .where(OutboxMessage.request_id == request.id)
            .order_by(OutboxMessage.id)
        ).all()
    assert request.accepted_person_id == best and request.status == "no_news"
    assert request.assigned_to == "caseworker-alpha"
    assert [m.template for m in messages] == ["received", "status_changed", "status_changed"]
    assert all("example.org" not in m.recipient for m in messages)  # sealed
    assert messages[-1].params == {"reference": reference}


def test_a_move_the_workflow_does_not_allow_is_refused_on_the_page(app, alpha_request):
    client = caseworker(app)
    page = post(client, f"/requests/{alpha_request}/status", {"status": "located_alive"})
    assert page.status_code == 422 and "cannot go from received to located_alive" in page.text


def test_another_organisation_does_not_see_a_request_the_family_did_not_share(app, beta_private):
    client = caseworker(app)
    assert beta_private not in client.get("/requests").text
    assert client.get(f"/requests/{beta_private}").status_code == 404
    assert post(client, f"/requests/{beta_private}/notes", {"note": "x"}).status_code == 404


def test_another_organisation_reads_a_shared_request_but_cannot_change_it(app, beta_shared):
    client = caseworker(app)
    assert beta_shared in client.get("/requests").text
    page = client.get(f"/requests/{beta_shared}")
    assert page.status_code == 200 and 'action="/requests/' + beta_shared + '/status"' not in page.text
    assert post(client, f"/requests/{beta_shared}/notes", {"note": "x"}).status_code == 403


def test_requests_untouched_too_long_are_flagged_as_reminders(app, people):
    reference = file_request(app, "Alpha", people[4], n=5)
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    with app.state.engine.begin() as conn:
        conn.execute(
            update(TracingRequest).where(TracingRequest.reference == reference).values(last_activity_at=old)
        )
    page = caseworker(app).get("/requests?idle=20")
    assert reference in page.text and 'id="reminders"' in page.text
    row = re.search(rf"{reference}.*?</tr>", page.text, re.S).group(0)
    assert 'class="flag"' in row


def test_a_caseworker_takes_a_request_for_a_family(app, people):
    client = caseworker(app)
    assert client.get("/requests/new").status_code == 200
    form = {
        "full_name": f"{people[5]['given_name']} {people[5]['family_name']}",
        "requester_name": "Synthetic Father",
        "requester_phone": "+963944555099",
        "preferred_channel": "phone",
        "language": "ar",
    }
    page = post(client, "/requests", form)
    assert page.status_code == 200, page.text
    reference = re.search(r'id="reference">([A-Z0-9-]+)<', page.text).group(1)
    with app.state.engine.connect() as conn:
        request = conn.execute(select(TracingRequest).where(TracingRequest.reference == reference)).one()
    assert request.intake == "caseworker" and request.created_by == "caseworker-alpha"
    assert request.language == "ar"


def api(app, tokens, role: str = "caseworker"):
    from fastapi.testclient import TestClient

    client = TestClient(app, base_url=BASE_URL)
    client.headers["Authorization"] = f"Bearer {tokens[role]}"
    return client


def test_the_api_takes_a_request_and_does_the_casework(app, tokens, people):
    client = api(app, tokens)
    created = client.post(
        "/api/v1/requests",
        json={
            "given_name": people[0]["given_name"],
            "family_name": people[0]["family_name"],
            "requester_name": "Synthetic Aunt",
            "requester_email": "api.synthetic@example.org",
            "preferred_channel": "email",
            "language": "en",
        },
    )
    assert created.status_code == 201, created.text
    body = created.json()
    reference = body["reference"]
    assert body["secret"] and body["candidates"]
    listed = client.get("/api/v1/requests", params={"status": "received"}).json()
    assert reference in {r["reference"] for r in listed}
    one = client.get(f"/api/v1/requests/{reference}").json()
    assert one["sought"]["given_name"] == people[0]["given_name"] and "Synthetic Aunt" not in str(one)
    assert "api.synthetic" not in str(one)
    best = body["candidates"][0]["person_id"]
    assert client.post(f"/api/v1/requests/{reference}/accept", json={"person_id": best}).status_code == 204
    assert client.post(f"/api/v1/requests/{reference}/notes", json={"note": "called"}).status_code == 204
    assert client.post(f"/api/v1/requests/{reference}/assign", json={"assignee": "x"}).status_code == 204
    assert client.post(f"/api/v1/requests/{reference}/status", json={"status": "verified"}).status_code == 204
    refused = client.post(f"/api/v1/requests/{reference}/status", json={"status": "received"})
    assert refused.status_code == 422
    assert client.get(f"/api/v1/requests/{reference}").json()["status"] == "verified"


def test_the_api_names_each_problem_by_field(app, tokens):
    answer = api(app, tokens).post("/api/v1/requests", json={"requester_phone": "123", "language": "en"})
    assert answer.status_code == 422
    fields = {item["loc"][-1] for item in answer.json()["detail"]}
    assert {"full_name", "requester_phone", "requester_name"} <= fields


def test_the_api_hides_unshared_requests_of_other_organisations(app, tokens, beta_private, beta_shared):
    client = api(app, tokens)
    assert client.get(f"/api/v1/requests/{beta_private}").status_code == 404
    assert client.get(f"/api/v1/requests/{beta_shared}").status_code == 200
    assert client.post(f"/api/v1/requests/{beta_shared}/notes", json={"note": "x"}).status_code == 403
    listed = {r["reference"] for r in client.get("/api/v1/requests").json()}
    assert beta_shared in listed and beta_private not in listed


@pytest.mark.parametrize("agreed", [True, False])
def test_the_found_person_learns_who_is_looking_only_if_the_requester_agreed(app, people, agreed):
    reference = file_request(
        app, "Alpha", people[1], n=10 + agreed, reveal_requester_to_found="yes" if agreed else "no"
    )
    client = caseworker(app)
    with app.state.engine.connect() as conn:
        best = conn.execute(
            select(TracingRequest.candidates).where(TracingRequest.reference == reference)
        ).scalar_one()[0]["person_id"]
    post(client, f"/requests/{reference}/accept", {"person_id": alphas(app, best)})
    assert post(client, f"/requests/{reference}/wish", {"wish": "alive_only"}).status_code == 303
    page = post(client, f"/requests/{reference}/requester-for-found", {})
    assert page.status_code == 200
    assert ("Synthetic Requester" in page.text) is agreed
    assert ('id="not-agreed"' in page.text) is not agreed
    with app.state.engine.connect() as conn:
        request_id = conn.execute(
            select(TracingRequest.id).where(TracingRequest.reference == reference)
        ).scalar_one()
        told = (
            conn.execute(
                select(RequestEvent.detail).where(
                    RequestEvent.request_id == request_id, RequestEvent.kind == "disclosure"
                )
            )
            .scalars()
            .all()
        )
    assert told == [{"to": "found_person", "told": "requester_identity" if agreed else "nothing"}]


def test_the_api_records_the_found_persons_wish_as_the_page_does(app, tokens, people):
    """Own organisation: refused while no person is accepted, then recorded with who and when."""
    client = api(app, tokens)
    reference = file_request(app, "Alpha", people[3], n=20)
    assert client.post(f"/api/v1/requests/{reference}/wish", json={"wish": "alive_only"}).status_code == 409
    with app.state.engine.connect() as conn:
        candidates = conn.execute(
            select(TracingRequest.candidates).where(TracingRequest.reference == reference)
        ).scalar_one()
    best = next(c["person_id"] for c in candidates if c["person_id"].startswith("P-"))
    internal = client.post(f"/api/v1/requests/{reference}/accept", json={"person_id": best})
    assert internal.status_code == 422 and best not in internal.text
    shown = alphas(app, best)
    assert client.post(f"/api/v1/requests/{reference}/accept", json={"person_id": shown}).status_code == 204
    assert client.get(f"/api/v1/requests/{reference}").json()["accepted_person_id"] == shown
    refused = client.post(f"/api/v1/requests/{reference}/wish", json={"wish": "tell everyone"})
    assert refused.status_code == 422
    answer = client.post(
        f"/api/v1/requests/{reference}/wish", json={"wish": "alive_only", "note": "by phone"}
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert (
        (body["person_id"], body["wish"]) == (shown, "alive_only")
        and body["recorded_by"]
        and body["recorded_at"]
    )
    with app.state.engine.connect() as conn:
        newest = conn.execute(
            select(FoundPersonWish)
            .where(FoundPersonWish.person_id == best)
            .order_by(FoundPersonWish.id.desc())
        ).first()
        counted = newest_wish(conn, best)
    assert (newest.wish, newest.recorded_by, newest.note) == ("alive_only", body["recorded_by"], "by phone")
    assert counted == "alive_only"  # what the family is told now follows it


def test_the_wish_api_refuses_other_organisations_and_the_public(app, tokens, beta_private, beta_shared):
    client = api(app, tokens)
    body = {"wish": "share_whereabouts"}
    with app.state.engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(FoundPersonWish)).scalar_one()
    assert client.post(f"/api/v1/requests/{beta_shared}/wish", json=body).status_code == 403
    assert client.post(f"/api/v1/requests/{beta_private}/wish", json=body).status_code == 404
    from fastapi.testclient import TestClient

    public = TestClient(app, base_url=BASE_URL)
    assert public.post(f"/api/v1/requests/{beta_shared}/wish", json=body).status_code == 401
    with app.state.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(FoundPersonWish)).scalar_one() == before


def test_each_organisation_reads_a_shared_requests_candidates_by_its_own_references(
    app, tokens, beta_tokens, beta_shared
):
    """Beta's request, shared with Alpha: both see its candidates, each by its own references; neither
    answer holds an internal id, and Alpha's reference is no candidate for Beta."""
    alpha = api(app, tokens).get(f"/api/v1/requests/{beta_shared}").json()
    beta = api(app, beta_tokens).get(f"/api/v1/requests/{beta_shared}").json()
    with app.state.engine.connect() as conn:
        stored = conn.execute(
            select(TracingRequest.candidates).where(TracingRequest.reference == beta_shared)
        ).scalar_one()
    persons = {c["person_id"] for c in stored if c["person_id"].startswith("P-")}
    alphas_shown = {c["person_id"] for c in alpha["candidates"] if c["person_id"].startswith("C-")}
    betas_shown = {c["person_id"] for c in beta["candidates"] if c["person_id"].startswith("C-")}
    assert alphas_shown and betas_shown and not alphas_shown & betas_shown
    assert alphas_shown <= {person_ref(app, p, "Alpha") for p in persons}
    assert betas_shown <= {person_ref(app, p, "Beta") for p in persons}
    for answer in (alpha, beta):
        assert not re.search(r"(?<![0-9A-Z])P-\d", str(answer))
    beta_client = api(app, beta_tokens)
    refused = beta_client.post(
        f"/api/v1/requests/{beta_shared}/accept", json={"person_id": sorted(alphas_shown)[0]}
    )
    assert refused.status_code == 422 and "not among" in refused.text
