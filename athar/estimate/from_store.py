"""Which lists hold each person: the capture histories that estimation works from.

A row per person: (person id, the sources holding one of their records, stratum fields). Stratum
fields come from the person's records: governorate (of the first birth or event place the gazetteer
knows), year (the earliest event year: arrest, last seen, death), sex, and age group at that event.

Only identifiable persons count: at least one of their records gives both a given and a family name.
A record without them (a morgue entry with no name) cannot be linked to anyone, so it would stand
in the histories as a person seen by one list only, and every such false singleton inflates the
estimate. They are left out and counted instead, as HRDAG leaves out records too thin to match.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import ColumnElement, Engine, select

from athar.linkage.keys import PairKey, RecordKey
from athar.names import parse_name_chain
from athar.store.records import MEMBER_CURRENT_VERSION
from athar.store.tables import Decision, LinkRun, Membership, Record, ReviewTask, Source

from .histories import CaptureHistories
from .linkage_draws import UncertainLinks

STRATA = ("governorate", "year", "sex", "age_group")


def age_group(age: int | None) -> str | None:
    if age is None or age < 0:
        return None
    if age < 18:
        return "0-17"
    if age < 30:
        return "18-29"
    if age < 45:
        return "30-44"
    return "45+"


def identifiable(given: str | None, family: str | None, full_name: str | None) -> bool:
    if given and family:
        return True
    if not full_name:
        return False
    chain = parse_name_chain(full_name)
    return bool((given or chain.given) and (family or chain.family))


def person_capture_rows(
    engine: Engine, left_out: list[str] | None = None, visible: ColumnElement[bool] | None = None
) -> Iterator[tuple[str, set[str], dict]]:
    """Rows for identifiable persons; the ids of the others are appended to `left_out` when given.

    `visible`, a condition on `Source`, keeps only the records of the sources it holds for (the web
    dashboard passes what the viewer's organisation may see); by default every source counts."""
    from athar.places import governorate_of

    query = (
        select(
            Membership.person_id,
            Source.name,
            Record.sex,
            Record.birth_date,
            Record.age,
            Record.event_date,
            Record.birth_place,
            Record.event_place,
            Record.given_name,
            Record.family_name,
            Record.full_name,
        )
        .join(Source, Source.id == Membership.source_id)
        .join(Record, MEMBER_CURRENT_VERSION)
        .where(~Source.name.startswith("tracing requests: ", autoescape=True))  # requests are not lists
        .order_by(Membership.person_id)
    )
    if visible is not None:
        query = query.where(visible)
    current: str | None = None
    sources: set[str] = set()
    facts: dict = {}
    with engine.connect() as conn:
        for (
            pid,
            source,
            sex,
            birth,
            age,
            event,
            birth_place,
            event_place,
            given,
            family,
            full,
        ) in conn.execute(query):
            if pid != current:
                if current is not None:
                    yield from _row(current, sources, facts, left_out)
                current, sources, facts = pid, set(), {"years": [], "births": [], "ages": [], "named": False}
            sources.add(source)
            facts["named"] = facts["named"] or identifiable(given, family, full)
            facts.setdefault("sex", sex)
            facts["sex"] = facts["sex"] or sex
            if event:
                facts["years"].append(int(event[:4]))
            if birth:
                facts["births"].append(int(birth[:4]))
            if age is not None:
                facts["ages"].append(age)
            if not facts.get("governorate"):
                for place in (birth_place, event_place):
                    governorate = governorate_of(place) if place else None
                    if governorate:
                        facts["governorate"] = governorate
                        break
    if current is not None:
        yield from _row(current, sources, facts, left_out)


def _row(
    pid: str, sources: set[str], facts: dict, left_out: list[str] | None
) -> Iterator[tuple[str, set[str], dict]]:
    if facts["named"]:
        yield pid, sources, _strata(facts)
    elif left_out is not None:
        left_out.append(pid)


def _strata(facts: dict) -> dict:
    year = min(facts["years"]) if facts["years"] else None
    age = None
    if year is not None and facts["births"]:
        age = year - min(facts["births"])
    elif facts["ages"]:
        age = facts["ages"][0]
    return {
        "governorate": facts.get("governorate"),
        "year": year,
        "sex": facts.get("sex"),
        "age_group": age_group(age),
    }


def uncertain_links(
    engine: Engine, rows: list[tuple[str, set[str], dict]], left_out: list[str] | None = None
) -> UncertainLinks | None:
    """The newest linkage's uncertain pairs as an :class:`UncertainLinks`, or None before any run.

    ``rows`` are :func:`person_capture_rows`' (the persons as linked now); ``left_out`` the persons it
    left out as unidentifiable. Uncertain: the newest run's review tasks (its review band and the
    pairs kept apart as likely siblings) and any stored pair a reviewer judged "unsure". A pair
    judged "same" or "different" is not drawn: it joins or parts as judged. A sibling pair was kept
    apart whatever the model said, so it is drawn as even odds, as the review queue ranks it.
    """
    from athar.linkage.keys import pair_key
    from athar.linkage.store_io import latest_judgements, memberships, stored_pairs

    with engine.connect() as conn:
        run = conn.execute(select(LinkRun.id, LinkRun.threshold).order_by(LinkRun.id.desc()).limit(1)).first()
        if run is None:
            return None
        judged = latest_judgements(conn)
        pairs = stored_pairs(conn)
        person_of = memberships(conn)
        tasks = conn.execute(
            select(
                ReviewTask.left_source,
                ReviewTask.left_record_id,
                ReviewTask.right_source,
                ReviewTask.right_record_id,
                ReviewTask.match_probability,
            ).where(ReviewTask.run_id == run.id)
        ).all()
    uncertain: dict[PairKey, float] = {}
    for ls, lr, rs, rr, p in tasks:
        key = pair_key((ls, lr), (rs, rr))
        if judged.get(key, Decision.UNSURE) == Decision.UNSURE:
            uncertain[key] = p
    for key, decision in judged.items():
        if decision == Decision.UNSURE and key in pairs:
            uncertain[key] = pairs[key].probability
    uncertain = {k: v for k, v in uncertain.items() if k[0] in person_of and k[1] in person_of}
    for (a, b), p in uncertain.items():
        if p >= run.threshold and person_of[a] != person_of[b]:
            uncertain[(a, b)] = 0.5  # kept apart by rule although the model was sure
    return _build_links(rows, left_out or [], person_of, uncertain, pairs, judged, run.threshold)


def _build_links(
    rows: list[tuple[str, set[str], dict]],
    left_out: list[str],
    person_of: dict[RecordKey, str],
    uncertain: dict[PairKey, float],
    pairs: dict,
    judged: dict[PairKey, str],
    threshold: float,
) -> UncertainLinks:
    lists = sorted({s for _pid, sources, _f in rows for s in sources})
    bit = {name: 1 << j for j, name in enumerate(lists)}
    touched = {person_of[r] for pair in uncertain for r in pair}
    fixed = CaptureHistories.from_memberships(
        ((pid, sources) for pid, sources, _f in rows if pid not in touched), lists
    )
    records = [r for r, pid in person_of.items() if pid in touched]
    index = {r: i for i, r in enumerate(records)}
    sure = _UnionFind(len(records))  # records no draw can part
    loose = _UnionFind(len(records))  # ... and those any draw might join within a person
    for (a, b), score in pairs.items():
        within = a in index and b in index and person_of[a] == person_of[b]
        if within and (a, b) not in uncertain and score.probability >= threshold:
            sure.join(index[a], index[b])
            loose.join(index[a], index[b])
    for (a, b), decision in judged.items():
        if decision == Decision.SAME and a in index and b in index and person_of[a] == person_of[b]:
            sure.join(index[a], index[b])
            loose.join(index[a], index[b])
    for a, b in uncertain:
        if person_of[a] == person_of[b]:
            loose.join(index[a], index[b])
    # records of one person that nothing we can see joins were joined for a reason we cannot see
    # (an older run's pair, a curation): they stay together
    first_part: dict[tuple[str, int], int] = {}
    anchor: dict[str, int] = {}
    for i, r in enumerate(records):
        part = loose.find(i)
        pid = person_of[r]
        if (pid, part) not in first_part:
            first_part[(pid, part)] = i
            if pid in anchor:
                sure.join(anchor[pid], i)
            else:
                anchor[pid] = i
    roots = sorted({sure.find(i) for i in range(len(records))})
    piece_of_root = {root: n for n, root in enumerate(roots)}
    piece = [piece_of_root[sure.find(i)] for i in range(len(records))]
    unnamed = set(left_out)
    piece_lists = [0] * len(roots)
    piece_counted = [False] * len(roots)
    person_number: dict[str, int] = {}
    pieces_now = [0] * len(roots)
    for i, (source, _record_id) in enumerate(records):
        pid = person_of[(source, _record_id)]
        piece_lists[piece[i]] |= bit.get(source, 0)
        piece_counted[piece[i]] = pid not in unnamed
        pieces_now[piece[i]] = person_number.setdefault(pid, len(person_number))
    drawn = sorted(
        ((piece[index[a]], piece[index[b]], p) for (a, b), p in uncertain.items()), key=lambda e: -e[2]
    )
    apart = [
        (piece[index[a]], piece[index[b]])
        for (a, b), decision in judged.items()
        if decision == Decision.DIFFERENT and a in index and b in index
    ]
    return UncertainLinks(
        fixed=fixed,
        piece_lists=piece_lists,
        piece_counted=piece_counted,
        uncertain=[(a, b, p) for a, b, p in drawn if a != b],
        apart=apart,
        pieces_now=pieces_now,
    )


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra
