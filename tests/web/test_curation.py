"""Merging and splitting persons on the web: recorded as judgements with a reason, audited, kept by
the next `athar link`, undoable; never with records the user may not see."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from athar.linkage.run import LinkOptions, link
from athar.store.tables import AuditEntry, Curation, Judgement, Membership, Source
from tests.web.conftest import client_for, csrf, person_ref

ON_POSTGRES = True  # also on the throwaway PostgreSQL server (tests/web/conftest.py)
ALPHA_VISIBLE = {"families", "returnees", "morgue"}  # Alpha's own, Beta's shared, the ownerless one


def _persons(app) -> dict[str, list[str]]:
    """Each person's records as SOURCE:RECORD_ID."""
    persons: dict[str, list[str]] = defaultdict(list)
    with app.state.engine.connect() as conn:
        rows = conn.execute(
            select(Membership.person_id, Source.name, Membership.record_id).join(
                Source, Source.id == Membership.source_id
            )
        )
        for person, source, record in rows:
            persons[person].append(f"{source}:{record}")
    return persons


def _person_of(app, ref: str) -> str:
    return next(p for p, refs in _persons(app).items() if ref in refs)


def _only_in(app, sources: set[str], at_least: int = 1) -> list[str]:
    return [
        p
        for p, refs in _persons(app).items()
        if len(refs) >= at_least and {r.split(":")[0] for r in refs} <= sources
    ]


def _latest(app, a: str, b: str) -> str | None:
    (ls, lr), (rs, rr) = sorted([tuple(a.split(":", 1)), tuple(b.split(":", 1))])
    with app.state.engine.connect() as conn:
        return conn.execute(
            select(Judgement.decision)
            .where(
                Judgement.left_source == ls,
                Judgement.left_record_id == lr,
                Judgement.right_source == rs,
                Judgement.right_record_id == rr,
            )
            .order_by(Judgement.id.desc())
        ).scalar()


def test_a_merge_is_a_judgement_the_next_link_keeps_and_an_undo_hands_back_to_the_model(app):
    client = client_for(app, "investigator-alpha")
    first, second = _only_in(app, {"families"})[:2]
    token = csrf(client, f"/persons/{person_ref(app, first)}/curate")
    refused = client.post(
        f"/persons/{person_ref(app, first)}/merge",
        data={"other_person_id": person_ref(app, second), "reason": " ", "csrf_token": token},
    )
    assert refused.status_code == 422
    response = client.post(
        f"/persons/{person_ref(app, first)}/merge",
        data={
            "other_person_id": person_ref(app, second),
            "reason": "same mother, same village",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    with app.state.engine.connect() as conn:
        merge = conn.execute(select(Curation).where(Curation.kind == "merge")).one()
        audited = conn.execute(select(AuditEntry.action).where(AuditEntry.target_id == first)).scalars().all()
    assert "person.merge" in audited
    left, right, decision = merge.pairs[0]
    assert decision == "same" and _latest(app, left, right) == "same"
    link(app.state.engine, LinkOptions(user="test"))
    assert _person_of(app, left) == _person_of(app, right)
    page = client.get(f"/persons/{person_ref(app, _person_of(app, left))}/curate").text
    assert f'data-curation="{merge.id}"' in page and "same mother, same village" in page
    undo = client.post(
        f"/curations/{merge.id}/undo",
        data={"reason": "wrong village", "csrf_token": csrf(client)},
        follow_redirects=False,
    )
    assert undo.status_code == 303
    assert _latest(app, left, right) == "unsure"
    again = client.post(f"/curations/{merge.id}/undo", data={"reason": "twice", "csrf_token": csrf(client)})
    assert again.status_code == 422


def test_a_split_keeps_the_chosen_records_apart_at_the_next_link(app):
    client = client_for(app, "investigator-alpha")
    person = _only_in(app, ALPHA_VISIBLE, at_least=2)[0]
    refs = sorted(_persons(app)[person])
    chosen, rest = refs[0], refs[1:]
    response = client.post(
        f"/persons/{person_ref(app, person)}/split",
        data={"records": [chosen], "reason": "different father on the register", "csrf_token": csrf(client)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert all(_latest(app, chosen, other) == "different" for other in rest)
    link(app.state.engine, LinkOptions(user="test"))
    assert _person_of(app, chosen) != _person_of(app, rest[0])
    everything = client.post(
        f"/persons/{person_ref(app, _person_of(app, rest[0]))}/split",
        data={
            "records": _persons(app)[_person_of(app, rest[0])],
            "reason": "all",
            "csrf_token": csrf(client),
        },
    )
    assert everything.status_code == 422


def test_nobody_merges_or_splits_with_records_they_may_not_see(app):
    beta = client_for(app, "investigator-beta")
    alpha_only = _only_in(app, {"families"})[0]
    beta_only = _only_in(app, {"detention"})[0]
    token = csrf(beta)
    assert beta.get(f"/persons/{person_ref(app, alpha_only, 'Beta')}/curate").status_code == 404
    merged = beta.post(
        f"/persons/{person_ref(app, beta_only, 'Beta')}/merge",
        data={"other_person_id": person_ref(app, alpha_only, "Beta"), "reason": "x", "csrf_token": token},
    )
    assert merged.status_code == 422 and alpha_only not in merged.text
    by_internal_id = beta.post(
        f"/persons/{person_ref(app, beta_only, 'Beta')}/merge",
        data={"other_person_id": alpha_only, "reason": "x", "csrf_token": token},
    )
    assert by_internal_id.status_code == 422  # internal ids are an admin's only
    split = beta.post(
        f"/persons/{person_ref(app, alpha_only, 'Beta')}/split",
        data={"records": _persons(app)[alpha_only][:1], "reason": "x", "csrf_token": token},
    )
    assert split.status_code == 404
    for role in ("caseworker", "reviewer"):  # neither holds both person.view and review.judge
        assert (
            client_for(app, f"{role}-alpha").get(f"/persons/{person_ref(app, alpha_only)}/curate").status_code
            == 403
        )
