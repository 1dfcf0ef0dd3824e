"""Open by reference: what a family reads out over the phone opens the page it stands for, for a
principal who may see it, and every other reference gets the same "nothing found"."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from athar.cases import store_cipher
from athar.search.service import FAMILY_REFERENCE_LABEL, family_reference
from athar.store.tables import Membership, Source
from tests.test_requests_support import test_cipher
from tests.web.conftest import client_for, csrf, person_ref
from tests.web.test_trace_casework import file_request, synthetic_names

ON_POSTGRES = True  # also against the same store on PostgreSQL


@pytest.fixture(scope="module", autouse=True)
def data_key(app):
    app.state.request_cipher = test_cipher()


def _open(client, reference: str):
    return client.post(
        "/open?lang=en",
        data={"reference": reference, "csrf_token": csrf(client, "/open")},
        follow_redirects=False,
    )


def _person_of_source(app, source: str) -> str:
    """A person all of whose records are in ``source``."""
    with app.state.engine.connect() as conn:
        rows = conn.execute(
            select(Membership.person_id, Source.name).join(Source, Source.id == Membership.source_id)
        ).all()
    sources: dict[str, set[str]] = {}
    for person, name in rows:
        sources.setdefault(person, set()).add(name)
    return min(p for p, names in sources.items() if names == {source})


def _not_found(response) -> bool:
    return response.status_code == 404 and 'id="not-found"' in response.text


def test_a_person_opens_by_the_organisations_reference_and_by_no_other(app):
    person = _person_of_source(app, "families")  # Alpha's private list
    alpha, beta = client_for(app, "caseworker-alpha"), client_for(app, "caseworker-beta")
    opened = _open(alpha, f"  {person_ref(app, person, 'Alpha').lower()} ")  # as typed: spaces, lower case
    assert (
        opened.status_code == 303
        and opened.headers["location"] == f"/persons/{person_ref(app, person, 'Alpha')}"
    )
    assert alpha.get(opened.headers["location"]).status_code == 200
    # Beta's caseworker: Alpha's reference, a sequential id, or nonsense: one answer, nothing told apart
    givens = [person_ref(app, person, "Alpha"), person, "C-XXXXX-XXXXX"]
    answers = [_open(beta, given) for given in givens]
    assert all(_not_found(a) for a in answers)
    assert len({a.text.replace(f'value="{g}"', "") for a, g in zip(answers, givens, strict=True)}) == 1
    assert _not_found(_open(alpha, person))  # a P- id from a non-admin opens nothing
    assert _open(client_for(app, "admin-alpha"), person).status_code == 303  # admins may give P- ids


def test_a_tracing_request_opens_for_its_organisation_only_unless_shared(app):
    people = synthetic_names(app, 3)
    private = file_request(app, "Alpha", people[0], n=11)
    shared = file_request(app, "Alpha", people[1], share=True, n=12)
    alpha, beta = client_for(app, "caseworker-alpha"), client_for(app, "caseworker-beta")
    opened = _open(alpha, private.replace("-", " ").lower())  # read aloud and typed loosely
    assert opened.status_code == 303 and opened.headers["location"] == f"/requests/{private}"
    assert _not_found(_open(beta, private))
    assert _open(beta, shared).headers["location"] == f"/requests/{shared}"
    mistyped = private[:-1] + ("X" if private[-1] != "X" else "Y")  # the check symbol catches it
    assert _not_found(_open(alpha, mistyped))


def test_a_family_search_reference_opens_the_person_for_whoever_may_see_them(app):
    with app.state.engine.begin() as conn:
        conn.execute(update(Source).where(Source.name == "families").values(family_search=True))
    person = _person_of_source(app, "families")
    reference = family_reference(person, store_cipher(app.state.engine).derive(FAMILY_REFERENCE_LABEL))
    opened = _open(client_for(app, "caseworker-alpha"), reference.upper())
    assert opened.headers["location"] == f"/persons/{person_ref(app, person, 'Alpha')}"
    assert _not_found(_open(client_for(app, "caseworker-beta"), reference))  # Beta may not see Alpha's list
    assert _not_found(_open(client_for(app, "caseworker-alpha"), "F-" + "0" * 16))


def test_the_box_is_in_the_menu_of_those_who_may_open_persons_only(app):
    assert 'action="/open"' in client_for(app, "caseworker-alpha").get("/dashboard").text
    reviewer = client_for(app, "reviewer-alpha")
    assert 'action="/open"' not in reviewer.get("/dashboard").text
    assert _open(reviewer, "K7MQ-4XR9").status_code == 403
