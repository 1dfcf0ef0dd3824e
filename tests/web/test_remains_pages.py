"""The remains pages as their own organisation (Alpha, whose site it is), as another (Beta) and as the
public: sites with their counts, a body with its candidates and their evidence, the identification
workflow's steps by the roles that may take them, and the person page's bodies."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from athar.store.tables import Membership, Person, Source
from tests.web.conftest import BASE_URL, client_for, csrf, person_ref
from tests.web.remains_site import add_alpha_site

ON_POSTGRES = True


@pytest.fixture(scope="module")
def grave(app, tmp_path_factory) -> dict:
    """Alpha's private site, and a site of no organisation (every organisation sees it)."""
    folder = tmp_path_factory.mktemp("remains")
    site_id, bodies = add_alpha_site(app.state.engine, folder)
    from athar.remains.sites import add_site

    common = add_site(app.state.engine, "Open cemetery", "cemetery", "test", place="Aleppo", used_from=2012)
    return {"site": site_id, "bodies": bodies, "common": common.id}


def _candidates(page: str) -> list[tuple[str, str | None]]:
    """(first record, person) of each candidate section, in rank order."""
    found = re.findall(
        r'<section class="candidate" data-rank="\d+" data-record="([^"]+)"(?: data-person="([^"]+)")?', page
    )
    return [(record, person or None) for record, person in found]


def test_own_organisation_sees_its_site_with_counts_and_bodies(app, grave):
    client = client_for(app, "caseworker-alpha")
    listing = client.get("/sites?lang=en")
    assert listing.status_code == 200
    row = re.search(rf'<tr data-site="{grave["site"]}">(.*?)</tr>', listing.text, re.S).group(1)
    assert "Grave of Alpha" in row and "Mass grave" in row and "2011–2016" in row
    assert re.findall(r'<td class="num">(\d+)</td>', row) == ["4", "0", "4"]
    page = client.get(f"/sites/{grave['site']}?lang=en")
    assert page.status_code == 200
    assert len(re.findall(r'<tr data-case="', page.text)) == 4
    assert 'data-count="pending"><span class="n">4<' in page.text


def test_the_pages_speak_arabic_by_default(app, grave):
    client = client_for(app, "caseworker-alpha")
    page = client.get(f"/sites/{grave['site']}?lang=ar&digits=arabic")
    assert 'dir="rtl"' in page.text and "مقبرة جماعية" in page.text and "الجثامين المنتشلة" in page.text
    assert "٢٠١١–٢٠١٦" in page.text
    body = client.get(f"/remains/{grave['bodies'][0]}?lang=ar")
    assert "من قد يكون" in body.text and "سلسلة الحيازة" in body.text


def test_a_body_shows_candidates_with_plain_evidence_and_its_custody(app, grave):
    client = client_for(app, "caseworker-alpha")
    page = client.get(f"/remains/{grave['bodies'][0]}?lang=en")
    assert page.status_code == 200
    candidates = _candidates(page.text)
    assert 1 <= len(candidates) <= 10
    # Alpha sees its own families list, the morgue list of no organisation, Beta's shared returnees:
    # never Beta's private detention register.
    assert not [r for r, _ in candidates if r.startswith("detention:")]
    first = page.text.split('<section class="candidate"')[1]
    for feature in ("sex", "age", "date", "place"):
        assert f'data-feature="{feature}"' in first
    assert re.search(r'data-finding="(strongly_)?(for|against)"', first)
    assert "Total (log10 of the likelihood ratio)" in first
    assert 'data-action="recovered"' in page.text  # the import's first custody entry


def test_another_organisation_neither_lists_nor_opens_alphas_site(app, grave):
    for role in ("caseworker", "investigator", "admin"):
        client = client_for(app, f"{role}-beta")
        listing = client.get("/sites?lang=en")
        assert "Grave of Alpha" not in listing.text and "Open cemetery" in listing.text
        assert client.get(f"/sites/{grave['site']}").status_code == 404
        assert client.get(f"/remains/{grave['bodies'][0]}").status_code == 404
        step = {"record": "families:1", "step": "candidate", "csrf_token": csrf(client)}
        assert client.post(f"/remains/{grave['bodies'][0]}/identification", data=step).status_code in (
            403,
            404,
        )


def test_the_public_and_reviewers_are_kept_out(app, grave):
    public = TestClient(app, base_url=BASE_URL)
    for path in ("/sites", f"/sites/{grave['site']}", f"/remains/{grave['bodies'][0]}"):
        response = public.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
    reviewer = client_for(app, "reviewer-alpha")
    assert reviewer.get("/sites").status_code == 403


def _step(client, body_id: int, **form):
    return client.post(
        f"/remains/{body_id}/identification",
        data={**form, "csrf_token": csrf(client)},
        follow_redirects=False,
    )


def _alpha_candidate(app, client, body_id: int) -> tuple[str, str, str]:
    """A linked candidate of this body held by Alpha's own list (so Alpha may change their case): its
    record, its person id, and the reference Alpha's users are shown for it (the page gives only that)."""
    page = client.get(f"/remains/{body_id}?lang=en").text
    with app.state.engine.connect() as conn:
        families = set(
            conn.execute(
                select(Membership.person_id)
                .join(Source, Source.id == Membership.source_id)
                .where(Source.name == "families")
            ).scalars()
        )
    by_reference = {person_ref(app, p, "Alpha"): p for p in families}
    return next((r, by_reference[p], p) for r, p in _candidates(page) if p in by_reference)


def _status(app, person: str) -> str:
    with app.state.engine.connect() as conn:
        return conn.execute(select(Person.status).where(Person.id == person)).scalar_one()


def test_identification_from_preliminary_to_confirmed_and_back_by_the_roles_that_may(app, grave):
    body_id = grave["bodies"][1]
    caseworker = client_for(app, "caseworker-alpha")
    investigator = client_for(app, "investigator-alpha")
    record, person, shown = _alpha_candidate(app, caseworker, body_id)
    page = caseworker.get(f"/remains/{body_id}?lang=en").text
    assert 'value="confirmed"' not in page and 'value="preliminary"' in page
    assert _step(caseworker, body_id, record=record, step="preliminary").status_code == 303
    assert _step(caseworker, body_id, record=record, step="confirmed", evidence="teeth").status_code == 403
    refused = _step(investigator, body_id, record=record, step="confirmed")
    assert refused.status_code == 422 and 'data-error="evidence"' in refused.text
    assert (
        _step(investigator, body_id, record=record, step="confirmed", evidence="dental chart").status_code
        == 303
    )
    assert _status(app, person) == "remains_identified"
    page = investigator.get(f"/remains/{body_id}?lang=en").text
    assert 'id="body-state" data-state="confirmed"' in page
    assert page.count('<tr data-step="') == 2
    counts = investigator.get(f"/sites/{grave['site']}?lang=en").text
    assert 'data-count="identified"><span class="n">1<' in counts
    on_person = investigator.get(f"/persons/{shown}?lang=en").text
    assert 'id="identifications"' in on_person and f"/remains/{body_id}" in on_person
    no_reason = _step(investigator, body_id, record=record, step="revoked")
    assert no_reason.status_code == 422 and "needs a reason" in no_reason.text
    assert (
        _step(investigator, body_id, record=record, step="revoked", reason="DNA excluded").status_code == 303
    )
    assert _status(app, person) == "missing"


def test_a_record_the_principal_may_not_see_is_refused(app, grave):
    investigator = client_for(app, "investigator-alpha")
    with app.state.engine.connect() as conn:
        record_id = conn.execute(
            select(Membership.record_id)
            .join(Source, Source.id == Membership.source_id)
            .where(Source.name == "detention")
            .limit(1)
        ).scalar_one()
    response = _step(investigator, grave["bodies"][2], record=f"detention:{record_id}", step="candidate")
    assert response.status_code == 422 and 'data-error="record"' in response.text


def test_the_person_page_ranks_bodies_for_an_open_person(app, grave):
    client = client_for(app, "caseworker-alpha")
    _, _, shown = _alpha_candidate(app, client, grave["bodies"][3])
    page = client.get(f"/persons/{shown}?lang=en").text
    assert 'id="ranked-bodies"' in page
    assert re.search(r'<tr data-case="[^"]+"><td><a href="/remains/\d+">', page)


def test_the_body_page_ranks_from_a_pool_kept_until_the_store_changes(app, grave, monkeypatch):
    """The page's pool of missing persons is built once and reused while the store stands; a person
    found alive leaves the candidates on the next view all the same, and the page shows what an
    uncached ranking shows."""
    from athar.accounts.permissions import operator
    from athar.cases.status import write_status_change
    from athar.remains import candidates
    from athar.remains.views import body_view

    engine, principal, body = app.state.engine, operator("test"), grave["bodies"][2]
    built: list[int] = []
    load_pool = candidates.load_pool
    monkeypatch.setattr(candidates, "load_pool", lambda conn: built.append(1) or load_pool(conn))
    pools = candidates.PoolCache()
    first = body_view(engine, body, principal, pools=pools)
    assert body_view(engine, body, principal, pools=pools).candidates == first.candidates
    assert len(built) == 1
    found = next(c["person_id"] for c in first.candidates if c["person_id"])
    with engine.begin() as conn:
        write_status_change(conn, found, "located_alive", "found", "a call", principal)
    after = body_view(engine, body, principal, pools=pools)
    assert len(built) == 2 and found not in {c["person_id"] for c in after.candidates}
    uncached = body_view(engine, body, principal)
    assert [c["records"] for c in after.candidates] == [c["records"] for c in uncached.candidates]
