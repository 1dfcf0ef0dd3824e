"""What the remains pages show, read through the principal's visibility (`athar.remains.access`).

Sites with their counts (bodies recovered, identified, pending), a site's bodies with where each
identification stands, a body with its ranked candidates, DNA reports, chain of custody and
identification history, and a person's bodies. Missing persons appear only through records of sources
the principal may see: a candidate, a DNA report or a step naming only other records is left out.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, or_, select

from athar.accounts.permissions import Principal
from athar.accounts.visibility import visible_source_names
from athar.remains.access import may_identify, visible_sites
from athar.remains.candidates import DEFAULT_POSTERIOR_THRESHOLD, PoolCache, bodies_for, rank_cases
from athar.remains.evidence import evidence_rows
from athar.remains.workflow import CONFIRMING_ROLES, ORDER, current_steps
from athar.store.tables import (
    CustodyEvent,
    DnaReport,
    IdentificationStep,
    Membership,
    Record,
    RemainsCase,
    RemainsCaseEvent,
    Site,
    Source,
)

SITE_FIELDS = (
    "id", "name", "kind", "place", "governorate", "latitude", "longitude", "used_from", "used_to",
    "discovered_on", "excavation_status", "organisation_id",
)  # fmt: skip
CASE_FIELDS = (
    "case_id", "recovery_date", "sex", "age_min", "age_max", "stature_min_cm", "stature_max_cm", "dental",
    "skeletal_marks", "clothing", "effects", "dna_sample_id", "notes", "version",
)  # fmt: skip
RECORD_VALUES = (
    "full_name", "sex", "birth_date", "age", "event_date", "event_place", "height_cm", "dental", "marks",
    "clothing",
)  # fmt: skip
CANDIDATES_RANKED = 50  # ranked before filtering by visibility; the page shows the best `top` left


class NoSuchRemains(LookupError):
    """No such site or body, or one the principal may not see: the two are not told apart."""


@dataclass
class BodyView:
    case: dict
    site: dict
    whole: str | None
    parts: list[str]
    events: list[dict]
    candidates: list[dict]
    dna_reports: list[dict]
    custody: list[dict]
    steps: list[dict]
    state: str | None
    may_identify: bool
    may_confirm: bool
    threshold: float = DEFAULT_POSTERIOR_THRESHOLD
    current: dict[str, str] = field(default_factory=dict)  # reference -> its current step


@dataclass(frozen=True)
class BodyRef:
    """What a form on a body needs to know of it: which case, at whose site."""

    id: int
    case_id: str
    site_id: int
    site_organisation_id: int | None
    dna_sample_id: str | None


def body_ref(
    engine: Engine, principal: Principal, remains_id: int | None = None, case_id: str = ""
) -> BodyRef:
    """A body (by id, else by case id) at a site the principal sees; NoSuchRemains otherwise."""
    query = (
        select(RemainsCase.id, RemainsCase.case_id, Site.id, Site.organisation_id, RemainsCase.dna_sample_id)
        .join(Site, Site.id == RemainsCase.site_id)
        .where(visible_sites(principal))
    )
    if remains_id is not None:
        query = query.where(RemainsCase.id == remains_id)
    else:
        query = query.where(RemainsCase.case_id == " ".join(case_id.split()))
    with engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None:
        raise NoSuchRemains("no such body")
    return BodyRef(*row)


def site_ref(engine: Engine, site_id: int, principal: Principal) -> dict:
    """A site the principal sees (its fields, without counts); NoSuchRemains otherwise."""
    with engine.connect() as conn:
        return _site(conn, site_id, principal)


def case_states(conn: Connection) -> dict[int, str]:
    """Each case's most advanced current step (revoked pairs count as none)."""
    best: dict[int, str] = {}
    for (case_pk, _, _), step in current_steps(conn).items():
        if step.step != "revoked" and ORDER[step.step] > ORDER.get(best.get(case_pk, "revoked"), 0):
            best[case_pk] = step.step
    return best


def site_summaries(engine: Engine, principal: Principal) -> list[dict]:
    """Every site the principal sees, with its bodies recovered (cases not part of another), parts,
    bodies identified (a confirmed step) and pending."""
    with engine.connect() as conn:
        sites = [
            dict(r._mapping)
            for r in conn.execute(
                select(*(getattr(Site, f) for f in SITE_FIELDS))
                .where(visible_sites(principal))
                .order_by(Site.name)
            )
        ]
        states = case_states(conn)
        cases = conn.execute(select(RemainsCase.id, RemainsCase.site_id, RemainsCase.part_of_id)).all()
    counts: dict[int, dict[str, int]] = defaultdict(lambda: {"bodies": 0, "parts": 0, "identified": 0})
    for case_pk, site_id, part_of in cases:
        tally = counts[site_id]
        if part_of is not None:
            tally["parts"] += 1
            continue
        tally["bodies"] += 1
        tally["identified"] += states.get(case_pk) == "confirmed"
    for site in sites:
        tally = counts[site["id"]]
        site.update(tally, pending=tally["bodies"] - tally["identified"])
    return sites


def _site(conn: Connection, site_id: int, principal: Principal) -> dict:
    row = conn.execute(
        select(*(getattr(Site, f) for f in SITE_FIELDS)).where(Site.id == site_id, visible_sites(principal))
    ).first()
    if row is None:
        raise NoSuchRemains("no such site")
    return dict(row._mapping)


def site_view(engine: Engine, site_id: int, principal: Principal) -> tuple[dict, list[dict]]:
    """The site (with its counts) and its cases, each with where its identification stands."""
    summary = next((s for s in site_summaries(engine, principal) if s["id"] == site_id), None)
    if summary is None:
        raise NoSuchRemains("no such site")
    with engine.connect() as conn:
        states = case_states(conn)
        ids = dict(conn.execute(select(RemainsCase.id, RemainsCase.case_id)).all())
        rows = conn.execute(
            select(RemainsCase.id, RemainsCase.part_of_id, *(getattr(RemainsCase, f) for f in CASE_FIELDS))
            .where(RemainsCase.site_id == site_id)
            .order_by(RemainsCase.case_id)
        ).all()
    cases = [
        {**r._mapping, "state": states.get(r.id), "part_of": ids.get(r.part_of_id) if r.part_of_id else None}
        for r in rows
    ]
    return summary, cases


def _visible(reference: str, sources: set[str]) -> bool:
    return reference.partition(":")[0] in sources


def record_values(conn: Connection, references: list[str]) -> dict[str, dict]:
    """The current values the evidence compares, for records named `source:record_id`."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for reference in references:
        source, _, record_id = reference.partition(":")
        wanted[source].add(record_id)
    out: dict[str, dict] = {}
    for source, record_ids in wanted.items():
        rows = conn.execute(
            select(Record.record_id, *(getattr(Record, c) for c in RECORD_VALUES))
            .join(Source, Source.id == Record.source_id)
            .where(Source.name == source, Record.record_id.in_(record_ids), Record.is_current.is_(True))
        )
        for r in rows:
            out[f"{source}:{r.record_id}"] = dict(r._mapping)
    return out


def body_view(
    engine: Engine, remains_id: int, principal: Principal, top: int = 10, pools: PoolCache | None = None
) -> BodyView:
    """A body (or part) the principal may see, with its candidates among the persons they may see."""
    sources = visible_source_names(engine, principal)
    with engine.connect() as conn:
        case_row = conn.execute(select(RemainsCase).where(RemainsCase.id == remains_id)).first()
        if case_row is None:
            raise NoSuchRemains("no such body")
        site = _site(conn, case_row.site_id, principal)
        case = {f: getattr(case_row, f) for f in CASE_FIELDS}
        names = dict(conn.execute(select(RemainsCase.id, RemainsCase.case_id)).all())
        parts = sorted(
            conn.execute(select(RemainsCase.case_id).where(RemainsCase.part_of_id == remains_id)).scalars()
        )
        events = [
            {**e._mapping, "other": names.get(e.other_case_id)}
            for e in conn.execute(
                select(RemainsCaseEvent)
                .where(
                    or_(
                        RemainsCaseEvent.remains_case_id == remains_id,
                        RemainsCaseEvent.other_case_id == remains_id,
                    )
                )
                .order_by(RemainsCaseEvent.id)
            )
        ]
        for e in events:
            e["case"] = names.get(e["remains_case_id"])
        holds = [CustodyEvent.remains_case_id == remains_id]
        if case_row.dna_sample_id:
            holds.append(CustodyEvent.sample_id == case_row.dna_sample_id)
        custody = [
            dict(c._mapping)
            for c in conn.execute(
                select(CustodyEvent).where(or_(*holds)).order_by(CustodyEvent.at, CustodyEvent.id)
            )
        ]
        source_names = dict(conn.execute(select(Source.id, Source.name)).all())
        steps = []
        for s in conn.execute(
            select(IdentificationStep)
            .where(IdentificationStep.remains_case_id == remains_id)
            .order_by(IdentificationStep.id)
        ):
            reference = f"{source_names[s.source_id]}:{s.record_id}"
            if _visible(reference, sources):
                steps.append({**s._mapping, "record": reference})
        current = {
            f"{source_names[src]}:{rec}": step.step
            for (_, src, rec), step in current_steps(conn, remains_id).items()
            if _visible(f"{source_names[src]}:{rec}", sources)
        }
        reports = [
            {**r._mapping, "record": f"{source_names[r.source_id]}:{r.record_id}"}
            for r in conn.execute(
                select(DnaReport).where(DnaReport.remains_case_id == remains_id).order_by(DnaReport.id)
            )
        ]
        reports = [r for r in reports if _visible(r["record"], sources)]
        ranked = rank_cases(engine, [case_row.case_id], top=CANDIDATES_RANKED, pools=pools)[0]["candidates"]
        candidates = []
        for candidate in ranked:
            shown = [r for r in candidate["records"] if _visible(r, sources)]
            if shown:
                candidates.append({**candidate, "records": shown})
            if len(candidates) == top:
                break
        values = record_values(conn, [r for c in candidates for r in c["records"]])
    for candidate in candidates:
        candidate["values"] = [values[r] for r in candidate["records"] if r in values]
        candidate["evidence"] = evidence_rows(case, site, candidate["features"], candidate["values"])
        candidate["step"] = next((current[r] for r in candidate["records"] if r in current), None)
    for report in reports:
        report["conclusive"] = report["posterior"] >= DEFAULT_POSTERIOR_THRESHOLD
    states = [s for s in current.values() if s != "revoked"]
    identifies = may_identify(principal, site["organisation_id"])
    return BodyView(
        case=case,
        site=site,
        whole=names.get(case_row.part_of_id) if case_row.part_of_id else None,
        parts=parts,
        events=events,
        candidates=candidates,
        dna_reports=reports,
        custody=custody,
        steps=steps,
        state=max(states, key=lambda s: ORDER[s]) if states else None,
        may_identify=identifies,
        may_confirm=identifies and principal.role in CONFIRMING_ROLES,
        current=current,
    )


def person_remains(
    engine: Engine, person_id: str, principal: Principal, top: int = 5, pools: PoolCache | None = None
) -> dict:
    """For the person page: the identification steps on this person's records (bodies of sites the
    principal sees), and, while the person is open, the bodies ranked for them."""
    with engine.connect() as conn:
        site_ids = set(conn.execute(select(Site.id).where(visible_sites(principal))).scalars())
        rows = conn.execute(
            select(
                IdentificationStep.step,
                IdentificationStep.created_at,
                IdentificationStep.user_name,
                IdentificationStep.source_id,
                IdentificationStep.record_id,
                RemainsCase.id.label("remains_id"),
                RemainsCase.case_id,
                RemainsCase.site_id,
                Site.name.label("site"),
            )
            .join(RemainsCase, RemainsCase.id == IdentificationStep.remains_case_id)
            .join(Site, Site.id == RemainsCase.site_id)
            .join(
                Membership,
                (Membership.source_id == IdentificationStep.source_id)
                & (Membership.record_id == IdentificationStep.record_id),
            )
            .where(Membership.person_id == person_id)
            .order_by(IdentificationStep.id)
        ).all()
        pk_of = dict(conn.execute(select(RemainsCase.case_id, RemainsCase.id)).all())
        site_of = {
            pk: (site_id, name)
            for pk, site_id, name in conn.execute(
                select(RemainsCase.id, Site.id, Site.name).join(Site, Site.id == RemainsCase.site_id)
            )
        }
    latest: dict[tuple, dict] = {}
    for r in rows:
        if r.site_id in site_ids:
            latest[(r.remains_id, r.source_id, r.record_id)] = dict(r._mapping)
    identifications = [s for s in latest.values() if s["step"] != "revoked"]
    any_body = any(site_id in site_ids for site_id, _ in site_of.values())
    try:  # ranking reads every open missing person: only when there is a body the principal sees
        ranked = bodies_for(engine, person_id, top=top * 4, pools=pools) if any_body else []
    except KeyError:  # identified, or located: no longer an open missing person
        ranked = []
    bodies = []
    for body in ranked:
        pk = pk_of.get(body["case_id"])
        if pk is None or site_of[pk][0] not in site_ids:
            continue
        bodies.append({**body, "remains_id": pk, "site": site_of[pk][1]})
        if len(bodies) == top:
            break
    return {"identifications": identifications, "bodies": bodies}
