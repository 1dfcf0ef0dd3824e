"""Search pages: the public family search (told only whether a possible match exists) and the
investigator search (persons with their records). One engine, `athar.search`, over the app's index.

Both forms are POSTed, so that the names searched for stay out of URLs, browser history and proxy logs.
The family search searches only the lists open to it (`sources.family_search`), in an index of its own,
and gives an opaque reference (`athar.search.service.family_reference`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse

from athar.accounts.permissions import Principal
from athar.audit import record_event
from athar.search import PersonIndex, search
from athar.search.service import (
    FAMILY_REFERENCE_LABEL,
    family_answer_with_reference,
    family_search_fingerprint,
    family_search_index,
    visible_matches,
)
from athar.web import queries
from athar.web.audit import audit, client_address
from athar.web.permissions import require
from athar.web.person_pages import case_cipher
from athar.web.person_refs import shown_id
from athar.web.templates import render

router = APIRouter()
INVESTIGATOR_LIMIT = 20


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value[:200] or None


def _year(value: str | None) -> tuple[int | None, bool]:
    """(birth year, valid): empty is valid and None; a year must be four digits in 1900..2100."""
    value = (value or "").strip().translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789"))
    if not value:
        return None, True
    if value.isdigit() and 1900 <= int(value) <= 2100:
        return int(value), True
    return None, False


def family_index(request: Request) -> PersonIndex:
    """The family search's index, kept on the app and rebuilt when the store or the lists open to the
    family search change."""
    state = request.app.state
    fingerprint = family_search_fingerprint(state.engine)
    index = getattr(state, "family_index", None)
    if index is None or index.meta.get("fingerprint") != fingerprint:
        index = state.family_index = family_search_index(state.engine)
    return index


def family_reference_key(request: Request) -> bytes:
    cipher = case_cipher(request, required=True)
    assert cipher is not None  # required: 503 without a data key
    return cipher.derive(FAMILY_REFERENCE_LABEL)


def investigator_results(
    request: Request,
    principal: Principal,
    name: str,
    father: str | None,
    mother: str | None,
    year: int | None,
    limit: int = INVESTIGATOR_LIMIT,
) -> list[dict]:
    """The investigator search, for the page and the API: persons (or unlinked records) that may be the
    one named, each with the records the principal may see. Each one shown is audited as a view."""
    engine = request.app.state.engine
    matches = search(request.app.state.search_index.get(), name, father, mother, year, limit=limit)
    results = visible_matches(engine, matches, principal)
    for result in results:
        match = result["match"]
        audit(
            request, principal, "person.view", "person", match.person_id,
            {"records": len(result["records"]), "via_search": True, "score": round(match.score, 3)},
        )  # fmt: skip
    audit(request, principal, "search", detail={"results": len(results)})
    return results


@router.get("/search/family", response_class=HTMLResponse)
def family_form(
    request: Request, principal: Annotated[Principal, Depends(require("public.view"))]
) -> HTMLResponse:
    return render(request, "family_search.html", form={}, answer=None, error=None)


@router.post("/search/family", response_class=HTMLResponse)
def family_search(
    request: Request,
    principal: Annotated[Principal, Depends(require("public.view"))],
    name: Annotated[str | None, Form()] = None,
    father: Annotated[str | None, Form()] = None,
    mother: Annotated[str | None, Form()] = None,
    born: Annotated[str | None, Form()] = None,
) -> HTMLResponse:
    state = request.app.state
    hashed = state.hash_address(client_address(request))
    if not state.family_limiter.allow(client_address(request) or ""):
        record_event(
            state.engine, user=principal.name, action="family.search", client=hashed,
            detail={"outcome": "rate_limited"},
        )  # fmt: skip
        return render(request, "family_search.html", status_code=429, form={}, answer=None, error="limited")
    form = {"name": _clean(name), "father": _clean(father), "mother": _clean(mother), "born": _clean(born)}
    year, year_ok = _year(born)
    if not form["name"] or not year_ok:
        error = "name" if not form["name"] else "year"
        return render(request, "family_search.html", status_code=422, form=form, answer=None, error=error)
    matches = search(family_index(request), form["name"], form["father"], form["mother"], year)
    answer = family_answer_with_reference(matches, family_reference_key(request))
    # The searcher's words are not kept: only that a search happened, its outcome, and a keyed hash of
    # the address. The reference given to the family is kept, so that a caseworker can expect the call.
    record_event(
        state.engine,
        user=principal.name,
        action="family.search",
        target_type="person" if answer.possible_match else None,
        target_id=answer.case_reference,
        client=hashed,
        detail={"outcome": "possible_match" if answer.possible_match else "no_match"},
    )
    return render(request, "family_search.html", form={}, answer=answer, error=None)


@router.get("/search", response_class=HTMLResponse)
def investigator_form(
    request: Request, principal: Annotated[Principal, Depends(require("search.view"))]
) -> HTMLResponse:
    return render(request, "search.html", form={}, results=None, error=None, fields=queries.RECORD_FIELDS)


@router.post("/search", response_class=HTMLResponse)
def investigator_search(
    request: Request,
    principal: Annotated[Principal, Depends(require("search.view"))],
    name: Annotated[str | None, Form()] = None,
    father: Annotated[str | None, Form()] = None,
    mother: Annotated[str | None, Form()] = None,
    born: Annotated[str | None, Form()] = None,
) -> HTMLResponse:
    form = {"name": _clean(name), "father": _clean(father), "mother": _clean(mother), "born": _clean(born)}
    year, year_ok = _year(born)
    if not form["name"] or not year_ok:
        error = "name" if not form["name"] else "year"
        return render(
            request, "search.html", status_code=422, form=form, results=None, error=error,
            fields=queries.RECORD_FIELDS,
        )  # fmt: skip
    found = investigator_results(request, principal, form["name"], form["father"], form["mother"], year)
    results = [{**r, "person_id": shown_id(request, principal, r["person_id"])} for r in found]
    return render(
        request, "search.html", form=form, results=results, error=None, fields=queries.RECORD_FIELDS
    )
