"""Person references on the pages and the API: what users are shown in place of `P-` ids, and the
person a reference in a URL or an API path stands for.

Every signed-in user and API token is shown its organisation's reference (`athar.cases.references`);
a path takes that reference. An admin may also give an internal `P-` id (what the command line prints).
A reference that is malformed, unknown, another organisation's, or of a person the caller may not see
is answered as a person that does not exist (`PersonNotVisible`, 404), so that none is told apart.
"""

from __future__ import annotations

from fastapi import Request

from athar.accounts.permissions import Principal
from athar.accounts.visibility import PersonNotVisible, visible_person
from athar.cases.references import PERSON_REFERENCE_LABEL, PersonReferences
from athar.search.index import UNLINKED_PREFIX

INTERNAL_ID_PREFIX = "P-"
PERSON_REFERENCE = (
    "your organisation's reference for the person (C-XXXXX-XXXXX): another organisation has another "
    "one for the same person; internal ids are not shown"
)


def references(request: Request) -> PersonReferences:
    """The app's person references (503 without a data key, as the family search)."""
    state = request.app.state
    refs = getattr(state, "person_references", None)
    if refs is None:
        from athar.web.person_pages import case_cipher  # which imports this module

        cipher = case_cipher(request, required=True)
        assert cipher is not None  # required: 503 without a data key
        refs = state.person_references = PersonReferences(cipher.derive(PERSON_REFERENCE_LABEL))
    return refs


def reference_for(request: Request, principal: Principal, person_id: str) -> str:
    """What the principal is shown for a person: its organisation's reference."""
    return references(request).of(person_id, principal.organisation_id)


def shown_id(request: Request, principal: Principal, person_id: str | None) -> str | None:
    """`reference_for`, None or empty (a record in no person) staying as it is."""
    return person_id if not person_id else reference_for(request, principal, person_id)


def shown_candidate(request: Request, principal: Principal, candidate_id: str | None) -> str | None:
    """A search's or a request's candidate as shown: a person by the principal's reference, a record no
    person holds yet (``record:SOURCE:RECORD_ID``, no sequential id in it) as it is."""
    if candidate_id is None or candidate_id.startswith(UNLINKED_PREFIX):
        return candidate_id
    return reference_for(request, principal, candidate_id)


def candidate_behind(request: Request, principal: Principal, given: str) -> str | None:
    """The candidate a form or an API body names (`shown_candidate`'s inverse): an unlinked record's
    ``record:`` reference as it is, a person by the principal's reference (or an admin's internal id).
    None for anything else; whether the candidate is offered is the caller's to check."""
    given = given.strip()
    if given.startswith(UNLINKED_PREFIX):
        return given
    if given.upper().startswith(INTERNAL_ID_PREFIX):
        return given if may_use_internal_ids(principal) else None
    return references(request).resolve(request.app.state.engine, given, principal.organisation_id)


def may_use_internal_ids(principal: Principal) -> bool:
    return principal.role == "admin" and not principal.is_anonymous


def person_behind(request: Request, principal: Principal, given: str) -> str:
    """The person id a path or form names: the principal's reference for a person they may see (or,
    for an admin, an internal id). `PersonNotVisible` for anything else, whatever the reason."""
    given = given.strip()
    if given.upper().startswith(INTERNAL_ID_PREFIX):
        if not may_use_internal_ids(principal):
            raise PersonNotVisible()
        person_id: str | None = given
    else:
        person_id = references(request).resolve(request.app.state.engine, given, principal.organisation_id)
    if person_id is None:
        raise PersonNotVisible()
    visible_person(request.app.state.engine, person_id, principal)
    return person_id


def person_behind_or_none(request: Request, principal: Principal, given: str) -> str | None:
    try:
        return person_behind(request, principal, given)
    except PersonNotVisible:
        return None


def shown_request(request: Request, principal: Principal, view: dict) -> dict:
    """A tracing request's view (`athar.requests.view`) or queue row with every person in it named by the
    principal's reference: the person found, the accepted candidate, each candidate, and the person
    an acceptance in the history names."""

    def shown(candidate_id: str | None) -> str | None:
        return shown_candidate(request, principal, candidate_id)

    out = dict(view)
    for key in ("person_id", "accepted_person_id"):
        if out.get(key) is not None:
            out[key] = shown(out[key])
    if "candidates" in out and isinstance(out["candidates"], list):
        out["candidates"] = [{**c, "person_id": shown(c["person_id"])} for c in out["candidates"]]
    if "history" in out:
        out["history"] = [
            {**h, "detail": {**h["detail"], "person_id": shown(h["detail"]["person_id"])}}
            if h.get("detail") and "person_id" in h["detail"]
            else h
            for h in out["history"]
        ]
    return out
