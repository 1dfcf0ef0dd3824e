"""The investigator search over the store: the saved index, and matches with the records a principal
may see (`athar.accounts.visibility`). The command line (`athar.cli.search`) and the web app's
investigator search (`athar.web.search_pages`) are thin over it; families are told only
`family_answer_with_reference`, from the lists open to the family search (below).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from pathlib import Path

from sqlalchemy import Engine, and_, select

from athar.accounts.permissions import Principal
from athar.accounts.visibility import visible_person_records, visible_record, visible_sources
from athar.search.freshness import caught_up, store_fingerprint
from athar.search.index import (
    HALF_TRUST_META,
    UNLINKED_PREFIX,
    PersonIndex,
    default_index_path,
    store_half_trust_rows,
)
from athar.search.query import FamilyAnswer, Match, family_answer
from athar.store.tables import CANONICAL_COLUMNS, Membership, Record, Source

log = logging.getLogger(__name__)


def load_index(engine: Engine, path: Path | None = None) -> PersonIndex:
    """The saved index brought up to the store (`refresh_index`); built afresh when there is none."""
    path = path or default_index_path(engine)
    saved = None
    if path.exists():
        try:
            saved = PersonIndex.load(path)
        except (OSError, ValueError, KeyError) as e:
            log.warning("search index %s unreadable (%s): rebuilding", path.name, type(e).__name__)
    return refresh_index(engine, saved, path)


def refresh_index(engine: Engine, index: PersonIndex | None, path: Path | None = None) -> PersonIndex:
    """``index`` when it describes the store as it is now; else ``index`` with the records added
    since (`freshness.caught_up`: a tracing request, a new list before linkage), else a fresh one;
    saved when it changed."""
    fresh = caught_up(engine, index) if index is not None else None
    if fresh is not None and fresh is index:
        return fresh
    if fresh is not None:
        log.info("search index extended to %d persons", len(fresh))
    else:
        fresh = PersonIndex.build(engine)
        log.info("search index built: %d persons, %d entries", len(fresh), fresh.entry_count)
    path = path or default_index_path(engine)
    try:
        fresh.save(path)
    except OSError as e:
        log.warning("search index not saved to %s: %s", path, e)
    return fresh


def person_records(engine: Engine, person_ids: list[str], principal: Principal) -> dict[str, list[dict]]:
    """Current records of each person (or of each unlinked record's stand-in person) from the sources
    the principal may see, in one query for the linked persons."""
    out: dict[str, list[dict]] = {p: [] for p in person_ids}
    columns = [getattr(Record, c) for c in CANONICAL_COLUMNS]
    base = (
        select(Source.name.label("source"), *columns)
        .join(Source, Source.id == Record.source_id)
        .where(visible_sources(principal))
    )
    linked = [p for p in person_ids if not p.startswith(UNLINKED_PREFIX)]
    with engine.connect() as conn:
        if linked:
            query = (
                base.add_columns(Membership.person_id)
                .join(
                    Membership,
                    and_(Membership.source_id == Record.source_id, Membership.record_id == Record.record_id),
                )
                .where(Record.is_current.is_(True), Membership.person_id.in_(linked))
                .order_by(Source.name, Record.record_id)
            )
            for row in conn.execute(query).mappings():
                record = dict(row)
                out[record.pop("person_id")].append(record)
        for pid in person_ids:
            if not pid.startswith(UNLINKED_PREFIX):
                continue
            source, _, record_id = pid[len(UNLINKED_PREFIX) :].partition(":")
            query = base.where(
                Record.is_current.is_(True), Source.name == source, Record.record_id == record_id
            )
            out[pid].extend(dict(row) for row in conn.execute(query).mappings())
    return out


def visible_matches(engine: Engine, matches: list[Match], principal: Principal) -> list[dict]:
    """The matches of which the principal may see something, each as `{match, person_id, records}`
    (`person_id` None for an unlinked record); a match with no visible record is left out: not even
    that the person exists is told."""
    results = []
    for match in matches:
        if match.person_id.startswith(UNLINKED_PREFIX):
            found = visible_record(engine, match.person_id[len(UNLINKED_PREFIX) :], principal)
            records, person_id = ([found] if found else []), None
        else:
            records, person_id = visible_person_records(engine, match.person_id, principal), match.person_id
        if records:
            results.append({"match": match, "person_id": person_id, "records": records})
    return results


# -- the public family search ----------------------------------------------------------------------------
#
# A family's search answers only from the lists an organisation (or an admin) chose to open to it
# (`sources.family_search`), never from a private list: the index it searches holds those lists' records
# alone, so a name only a private list holds is not found, not even by its spelling. The reference a
# family is given is opaque: a keyed digest of the person id (a plain one would be reversed by trying
# the sequential P- ids), which a caseworker resolves with `resolve_family_reference`.

FAMILY_REFERENCE_LABEL = "family search references"


def family_search_fingerprint(engine: Engine) -> str:
    """Changes when the store or the set of lists open to the family search changes."""
    with engine.connect() as conn:
        opened = conn.execute(
            select(Source.id).where(Source.family_search.is_(True)).order_by(Source.id)
        ).scalars()
        sources = ",".join(str(s) for s in opened)
    return f"{store_fingerprint(engine)}|f{sources}"


def family_search_records(engine: Engine) -> list[dict]:
    """The current records of the lists open to the family search, each with its person (None if
    unlinked)."""
    columns = [getattr(Record, c) for c in CANONICAL_COLUMNS]
    query = (
        select(Source.name.label("source"), *columns, Membership.person_id)
        .join(Source, Source.id == Record.source_id)
        .outerjoin(
            Membership,
            and_(Membership.source_id == Record.source_id, Membership.record_id == Record.record_id),
        )
        .where(Record.is_current.is_(True), Source.family_search.is_(True))
        .order_by(Source.name, Record.id)
    )
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def family_search_index(engine: Engine) -> PersonIndex:
    """The index the family search searches: the records of the lists open to it, nothing else."""
    index = PersonIndex.from_records(family_search_records(engine))
    index.meta["fingerprint"] = family_search_fingerprint(engine)
    index.meta[HALF_TRUST_META] = store_half_trust_rows(engine)
    return index


def family_reference(person_id: str, key: bytes) -> str:
    """The opaque reference a family is given for a person (or an unlinked record): `F-` and a keyed
    digest, telling nothing of the id, its order, or which list holds the record."""
    return "F-" + hmac.new(key, person_id.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def family_answer_with_reference(matches: list[Match], key: bytes) -> FamilyAnswer:
    """`family_answer`, with the opaque family reference in place of the person id."""
    answer = family_answer(matches)
    if not answer.possible_match:
        return answer
    best = max(matches, key=lambda m: m.score)
    return FamilyAnswer(True, family_reference(best.person_id, key))


def resolve_family_reference(index: PersonIndex, reference: str, key: bytes) -> str | None:
    """The person id (or unlinked-record id) behind a reference a family was given, for a caseworker."""
    for person_id in index.person_ids.tolist():
        if hmac.compare_digest(family_reference(person_id, key), reference):
            return person_id
    return None
