"""One query against the person index: readings of the name, candidates, part-wise ranking.

A query is read as a name chain (`athar.names.parse_name_chain`), and also the other way round
(family name first, or no family name), each other reading with a small penalty. For each reading
the candidates are the entries whose given name shares its consonant skeleton with the query's,
narrowed to those that also share the family, father's or mother's name when the query gives one;
a part no one holds is looked up fuzzily among the skeletons that do occur. Candidates are scored
part by part with `athar.names.part_similarity`, the best of each person's records per part, as
evidence in log-odds: the given name must match closely, family, father and mother add evidence, a
different father counts strongly against (brothers share everything else), a birth year within two
years adds a little and a far one subtracts. The sum goes through a logistic to a score in [0, 1].
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from athar.names import name_key, name_skeleton, normalize_name, parse_name_chain, part_similarity
from athar.names.evidence import PART_WEIGHTS, PIVOT, PRIOR, evidence_array, probability_array
from athar.names.reading import SEARCH
from athar.names.reading import readings as name_readings
from athar.search.index import (
    FAMILY,
    FATHER,
    GIVEN,
    GRANDFATHER,
    INDEXED_PARTS,
    MOTHER,
    NAME_PAIRS,
    PARTS,
    SEX_CODES,
    UNLINKED_PREFIX,
    PersonIndex,
    untitled_skeleton,
)

# The evidence scale is name_similarity's (athar.names.evidence), with the mother's given name too.
WEIGHTS = PART_WEIGHTS
SEX_CONFLICT = -6.0
# A family is told "possible match" from this score up: given and family name agreeing (0.95) do it,
# a given name alone (0.77) or a namesake with another father (0.35) does not.
FAMILY_THRESHOLD = 0.9
FUZZY_CUTOFF = 0.88  # Jaro-Winkler of skeletons for a part whose own skeleton no one holds
FUZZY_LIMIT = 8
MAX_SCAN = 200_000  # entries scored at most for one reading (a bare common given name)
_NO_EVIDENCE = -1.0
_EMPTY = np.zeros(0, dtype=np.int32)
MIN_EVIDENCE = -12.0  # score 0.0007: every part different; not worth showing anyone


@dataclass(frozen=True)
class Match:
    """One person that may be the one searched for, with why (part agreements, never names)."""

    person_id: str
    score: float
    reasons: tuple[str, ...] = ()

    def as_json(self) -> dict:
        return {"person_id": self.person_id, "score": round(self.score, 4), "reasons": list(self.reasons)}


@dataclass(frozen=True)
class FamilyAnswer:
    """All a family is told: whether a possible match exists, and a reference for a caseworker."""

    possible_match: bool
    case_reference: str | None = None

    def as_json(self) -> dict:
        return {"possible_match": self.possible_match, "case_reference": self.case_reference}


Reading = tuple[tuple[str | None, ...], float]  # five normalized parts (PARTS order), log-odds


@lru_cache(maxsize=50_000)
def readings(text: str, father: str | None = None, mother: str | None = None) -> tuple[Reading, ...]:
    """The readings of ``text`` the search weighs (`athar.names.reading`, policy ``SEARCH``), with
    the explicit father's and mother's names filled in (they replace whatever the text put in those
    places), each with its log-odds against the parse (0 for the parse, first)."""
    father_norm = (normalize_name(father) or None) if father else None
    mother_given = parse_name_chain(mother).given if mother else None
    out: list[Reading] = []
    seen = set()
    for reading in name_readings(text or "", policy=SEARCH):
        g, f, gf, fam = reading.parts
        if father_norm is not None:
            if f is not None and f != father_norm and gf is None:
                gf = f  # "Given Father Family" with --father: the text's father was the grandfather
            f = father_norm
        parts = (g, f, gf, fam, mother_given)
        if parts not in seen and any(parts):
            seen.add(parts)
            out.append((parts, reading.log_odds))
    return tuple(out)


def query_readings(
    text: str, father: str | None = None, mother: str | None = None, structured: bool = False
) -> tuple[Reading, ...]:
    """The readings a query is ranked on: all of `readings` for a name typed as one text, only the
    parse for a name given in separate fields (``structured``: a form's or a file's given, father's
    and family name columns). The fields already say which part is which; the other readings of
    their joined chain (the family name read first, the father's name as the given name, the family
    name as a grandfather) only brought in namesakes: on the 2,000 requests of bench/requests.py
    over 1,000,000 persons, ranking on the parse alone put the true person first 20 times more and 1
    time less, among the candidates 9 times more and 1 less, at a third of the cost."""
    found = readings(text, father, mother)
    return found[:1] if structured else found


@lru_cache(maxsize=100_000)
def _skeleton(part: str) -> str:
    return name_skeleton(part) or part


_TITLE_KEYS = ("cix", "haj")


@lru_cache(maxsize=200_000)
def _untitled(name: str) -> str:
    """A family name without a leading sheikh/haj title, as its comparison key (or the name)."""
    key = name_key(name).replace(" ", "")
    for title in _TITLE_KEYS:
        if key.startswith(title) and len(key) - len(title) >= 3:
            return key[len(title) :]
    return name


def family_similarity(a: str, b: str) -> float:
    """part_similarity, also with a sheikh/haj title dropped on either side (a little less sure)."""
    s = part_similarity(a, b)
    ua, ub = _untitled(a), _untitled(b)
    if s < 0.97 and (ua != a or ub != b):
        s = max(s, part_similarity(ua, ub) - 0.02)
    return s


def similarities(index: PersonIndex, part: int, name: str, vocab_ids: np.ndarray) -> np.ndarray:
    """`part_similarity` (`family_similarity` for the family name) of ``name`` with each vocabulary
    entry, over the index's table of normalised names (`athar.names.compare_many`: many at once, a
    few pair by pair): comparing them one by one was most of a query's time at a million persons."""
    values = index.vocab_table.similarities(normalize_name(name), vocab_ids)
    if part != FAMILY:
        return values
    vocab, untitled = index.vocab, _untitled(name)
    retry = values < 0.97
    if untitled == name:
        retry &= _titled(index, vocab_ids)
    for i in np.flatnonzero(retry).tolist():
        u = int(vocab_ids[i])
        values[i] = max(values[i], part_similarity(untitled, _untitled(vocab[u])) - 0.02)
    return values


def _titled(index: PersonIndex, vocab_ids: np.ndarray) -> np.ndarray:
    """Which vocabulary entries have a sheikh/haj title `_untitled` drops (learnt on first sight)."""
    known = index.memo("titled", 1)  # one array, filled in as entries are met
    titled = known.get("array")
    if titled is None:
        titled = known["array"] = np.full(len(index.vocab), -1, dtype=np.int8)
    ids = np.asarray(vocab_ids, dtype=np.int64)
    for u in np.unique(ids[titled[ids] < 0]).tolist():
        titled[u] = _untitled(index.vocab[u]) != index.vocab[u]
    return titled[ids] == 1


@lru_cache(maxsize=100_000)
def _key(part: str) -> str:
    return name_key(part)


SKELETON_AGREES = 0.93  # what `part_similarity` gives at least to two spellings of one skeleton


def quick_similarities(index: PersonIndex, part: int, name: str, vocab_ids: np.ndarray) -> np.ndarray:
    """A cheap stand-in for `similarities`, to choose whom to compare in full: the Jaro-Winkler
    similarity of the cross-script keys (one vectorised call over all the names), at least
    ``SKELETON_AGREES`` where the consonant skeletons agree (for the family name, also with a
    sheikh/haj title dropped). It misses the dictionary's knowledge (two known names a letter apart,
    a listed transliteration), which only the shortlisted persons' full comparison weighs."""
    key = _key(name)
    if not key or not len(vocab_ids):
        return np.zeros(len(vocab_ids))
    values = process.cdist(
        [key],
        index.vocab_key_objects[vocab_ids].tolist(),
        scorer=JaroWinkler.normalized_similarity,
        dtype=np.float64,
    )[0]
    skeleton = _skeleton(name)
    sought = [index.skeleton_id.get(skeleton, -1)]
    if part == FAMILY:
        untitled = untitled_skeleton(skeleton)
        sought.append(index.skeleton_id.get(untitled, -1) if untitled else -1)
    same = _isin(index.vocab_skeleton[vocab_ids], sought)
    if part == FAMILY:
        same |= _isin(index.vocab_untitled_skeleton[vocab_ids], sought)
    return np.where(same, np.maximum(values, SKELETON_AGREES), values)


def _held_skeletons(index: PersonIndex, part: int, name: str) -> np.ndarray:
    """The ids of the skeletons under which ``part``'s postings hold ``name``: its own skeleton
    (and for a family name the one without a sheikh/haj title) when any entry holds it there, else
    the close skeletons that do occur. Read from the postings' offsets alone: the entries of a
    common name (a hundred thousand at a million persons) are gathered only when the search falls
    back to them (`_posting_run`)."""
    cache = index.memo("held_skeletons", 20_000)
    key = (part, name)
    found = cache.get(key)
    if found is not None:
        return found
    skeleton = _skeleton(name)
    skeletons = [skeleton]
    untitled = untitled_skeleton(skeleton) if part == FAMILY else None
    if untitled is not None:
        skeletons.append(untitled)
    held = [
        sid for s in skeletons if (sid := index.skeleton_id.get(s)) is not None and index.posted(part, sid)
    ]
    if not held:
        near = process.extract(
            skeleton,
            index.part_skeletons(part),
            scorer=JaroWinkler.normalized_similarity,
            score_cutoff=FUZZY_CUTOFF,
            limit=FUZZY_LIMIT,
        )
        held = [index.skeleton_id[s] for s, _score, _i in near]  # each occurs in ``part``
    found = cache[key] = np.array(held, dtype=np.int32)
    return found


def _posting_run(index: PersonIndex, part: int, name: str) -> tuple[np.ndarray, np.ndarray]:
    """(entries whose ``part`` shares the skeleton of ``name``, or a close one when none does;
    the ids of the skeletons they were found under, `_held_skeletons`). The entries are sorted (one
    skeleton's run of a given, father's or mother's name is sorted already; a family name's run
    holds the titled names after the others)."""
    held = _held_skeletons(index, part, name)
    runs = [index.posting_run(part, sid) for sid in held.tolist()]
    if len(runs) == 1 and part != FAMILY:
        return runs[0], held
    return (np.unique(np.concatenate(runs)) if runs else _EMPTY), held


def _postings(index: PersonIndex, part: int, name: str) -> np.ndarray:
    """Entries whose ``part`` shares the skeleton of ``name``, or a close one when none does."""
    return _posting_run(index, part, name)[0]


# Each indexed part's bit in an entry's match flags: which of a reading's parts the entry shares
# (by consonant skeleton, as `_postings` finds them); and its column in `PersonIndex.entry_skeletons`.
_BIT = {GIVEN: 1, FATHER: 2, FAMILY: 4, MOTHER: 8}
_COLUMN = {j: c for c, j in enumerate(INDEXED_PARTS)}
_UNTITLED_COLUMN = len(INDEXED_PARTS)

Run = tuple[int, np.ndarray]  # (part, skeleton ids), from `_held_skeletons`


def _isin(values: np.ndarray, wanted) -> np.ndarray:
    """`np.isin`, by comparisons for the few values a name's skeletons make (cheaper than its sort)."""
    if not 0 < len(wanted) <= 4:
        return np.isin(values, wanted)
    out = values == wanted[0]
    for w in wanted[1:]:
        out |= values == w
    return out


def _flags(index: PersonIndex, entries: np.ndarray, runs: list[Run], known: int = 0) -> np.ndarray:
    """The match flags of ``entries`` over ``runs``: for each run, whether the entry is in it,
    read from the entries' own skeletons (as the postings were made from them) rather than from
    the runs, so a run of a hundred thousand entries is never read for a few thousand candidates.
    ``known``: bits every entry has (the pair list they came from holds both its parts by the
    same skeletons), set without reading."""
    columns = index.entry_skeletons
    flags = np.full(len(entries), known, dtype=np.uint8)
    for j, held in runs:
        if _BIT[j] & known:
            continue
        shared = _isin(columns[_COLUMN[j]].take(entries), held)
        if j == FAMILY:
            shared |= _isin(columns[_UNTITLED_COLUMN].take(entries), held)
        np.bitwise_or(flags, np.uint8(_BIT[j]), out=flags, where=shared)
    return flags


def _candidate_chunks(
    index: PersonIndex, parts: tuple[str | None, ...]
) -> Iterator[tuple[np.ndarray, np.ndarray, list[int]]]:
    """`matched_candidates` pair by pair, the shortest pair list first: (entries, ascending, their
    match flags, the match flags an entry not yet yielded may still have). An entry is yielded
    once, from the first pair list that holds it; an entry not yet yielded shares no pair already
    read, so a caller that has enough better candidates may stop early."""
    runs = [
        (j, found)
        for j in INDEXED_PARTS
        if (part := parts[j]) and len(found := _held_skeletons(index, j, part))
    ]
    if not runs:
        return
    held = dict(runs)
    lists = [
        (pair, _BIT[a] | _BIT[b])
        for a, b in NAME_PAIRS
        if a in held and b in held and len(pair := index.pair_entries(a, b, held[a], held[b]))
    ]
    lists.sort(key=lambda pair: len(pair[0]))
    sought = sum(_BIT[j] for j in held)
    plan = _pair_plan(sought, tuple(mask for _found, mask in lists))
    for (entries, mask), (earlier, unread) in zip(lists, plan, strict=True):
        flags = _flags(index, entries, runs, known=mask)
        if earlier is not None:
            kept = ~earlier[flags]
            entries, flags = entries[kept], flags[kept]
        yield entries, flags, unread
    if lists:
        return
    entries_of = {j: _posting_run(index, j, parts[j] or "")[0] for j, _held in runs}
    given = entries_of.get(GIVEN)
    if given is None:  # the rarest of the family, father's and mother's names, in that order
        given = min((entries_of[j] for j in sorted(entries_of, key=lambda j: j != FAMILY)), key=len)
    fallback = given[:MAX_SCAN]
    yield fallback, _flags(index, fallback, runs), []


@lru_cache(maxsize=4096)
def _pair_plan(sought: int, masks: tuple[int, ...]) -> tuple[tuple[np.ndarray | None, list[int]], ...]:
    """Per pair list read in turn (``masks``: their match flags), which flag values were read
    already in an earlier list (a boolean table by flags, None for the first list) and which the
    entries not yet read may still have; the same for every reading sought by the same parts."""
    out = []
    for i in range(len(masks)):
        earlier = np.array([any(f & m == m for m in masks[:i]) for f in range(16)]) if i else None
        unread = [
            f
            for f in range(16)
            if f & ~sought == 0
            and any(f & m == m for m in masks[i + 1 :])
            and not any(f & m == m for m in masks[: i + 1])
        ]
        out.append((earlier, unread))
    return tuple(out)


def matched_candidates(index: PersonIndex, parts: tuple[str | None, ...]) -> tuple[np.ndarray, np.ndarray]:
    """(entries worth scoring for one reading, each one's match flags: the bits of `_BIT` of the
    sought parts it shares).

    The entries that share the given name and any other part the query gives, or the family name
    and the father's or mother's name: so that a misspelt or misread given name (قواز for فواز) is
    not lost. They are looked up in the index's postings of name pairs (`PersonIndex.pair_entries`),
    one look-up per pair of sought skeletons, so finding them costs what they are, however common
    each name is alone (a common given name holds a hundred thousand entries at a million persons).
    When no entry shares two parts, a bare given name (or the rarest other part) is scored on at
    most MAX_SCAN entries.
    """
    chunks = list(_candidate_chunks(index, parts))
    if not chunks:
        return _EMPTY, np.zeros(0, dtype=np.uint8)
    if len(chunks) == 1:
        return chunks[0][0], chunks[0][1]
    return np.concatenate([c[0] for c in chunks]), np.concatenate([c[1] for c in chunks])


def candidates(index: PersonIndex, parts: tuple[str | None, ...]) -> np.ndarray:
    """Entry ids worth scoring for one reading (`matched_candidates` without the flags)."""
    return matched_candidates(index, parts)[0]


# Persons of one reading given to the quick pass (`shortlist`) at most: beyond it, those whose
# records share the most (and the rarest) of the sought parts, by the postings alone.
NARROW = 300
_BEST_YEAR = 0.8  # the most `_year_evidence` adds


def _flag_evidence(index: PersonIndex, parts: tuple[str | None, ...]) -> np.ndarray:
    """The evidence of each match-flags value: per shared part, what an exact agreement on the
    sought name adds in `score_persons` (its weight, and how rare the name is)."""
    table = np.zeros(16)
    for j, bit in _BIT.items():
        name = parts[j]
        if name:
            table[_WITH_BIT[bit]] += _agree_evidence(index, j, name)
    return table


_WITH_BIT = {bit: [f for f in range(16) if f & bit] for bit in _BIT.values()}


def _agree_evidence(index: PersonIndex, part: int, name: str) -> float:
    """What an exact agreement on ``name`` in ``part`` adds in `score_persons` (once per name)."""
    cache = index.memo("agree_evidence", 50_000)
    found = cache.get((part, name))
    if found is None:
        agree = name_evidence(index, part, np.ones(1), np.array([index.name_share(part, name)]))
        found = cache[(part, name)] = float(agree[0])
    return found


def _prescore(
    index: PersonIndex,
    table: np.ndarray,
    entries: np.ndarray,
    flags: np.ndarray,
    born: int | None,
    code: int | None,
) -> np.ndarray:
    """What narrowing ranks entries by: the evidence of the parts they share (``table``, by match
    flags), their birth year's and a conflicting sex's, as `score_persons` weighs them."""
    score = table[flags]
    if born:
        by_year = _evidence_by_year(index, born)
        if by_year is not None:
            score = score + by_year[index.entry_year[entries]]
        else:
            years = index.entry_year[entries].astype(np.int64)
            score = score + np.where(years > 0, _year_evidence(np.abs(years - born)), 0.0)
    if code:
        score = score + _SEX_EVIDENCE[code][index.entry_sex[entries]]
    return score


# By an entry's sex code (0 unknown, 1, 2), what a conflict with the sought sex adds.
_SEX_EVIDENCE = {
    code: np.array([SEX_CONFLICT if s == 3 - code else 0.0 for s in range(3)]) for code in (1, 2)
}


def _evidence_by_year(index: PersonIndex, born: int) -> np.ndarray | None:
    """By an entry's birth year (0 unknown: nothing), the evidence `_prescore` adds for a person
    born in ``born``; None for an index with a year out of the table's reach (a negative year)."""
    cache = index.memo("evidence_by_year", 1_000)
    found = cache.get(born)
    if found is None:
        span = index.year_span
        if span is None:
            return None
        years = np.arange(span, dtype=np.int64)
        found = cache[born] = np.where(years > 0, _year_evidence(np.abs(years - born)), 0.0)
    return found


def _runs_of(persons: np.ndarray) -> np.ndarray:
    """Where each person's run starts in ``persons``, which is sorted: the entries of one person
    are contiguous in the index and numbered after those of persons numbered before it
    (`PersonIndex.extended`), so ascending entries give ascending persons."""
    if not len(persons):
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.concatenate([[True], persons[1:] != persons[:-1]]))


def _indexed(parts: tuple[str | None, ...]) -> tuple[str | None, ...]:
    """The parts `reading_persons` reads (not the grandfather's name, which has no postings)."""
    return tuple(parts[j] for j in INDEXED_PARTS)


def reading_persons(
    index: PersonIndex,
    parts: tuple[str | None, ...],
    born: int | None = None,
    sex: str | None = None,
) -> np.ndarray:
    """The candidate persons of one reading (ascending), at most ``NARROW`` of them: when more
    persons share two of the sought parts (محمد with a common mother's name), those whose records
    share the most and the rarest parts, with the birth year and sex as `score_persons` weighs
    them; ties go by who the persons are (`top_rows`), not by where the index numbered them."""
    table: np.ndarray | None = None
    code = SEX_CODES.get((sex or "").upper()[:1])
    found: list[tuple[np.ndarray, np.ndarray]] = []
    scores: list[np.ndarray] = []
    for entries, flags, unread in _candidate_chunks(index, parts):
        found.append((entries, flags))
        if not unread or sum(len(e) for e, _f in found) <= NARROW:
            continue
        # Entries still unread share no pair already read: when NARROW persons already score above
        # the most such an entry can, reading them would change nothing. Stop there.
        if table is None:
            table = _flag_evidence(index, parts)
        scores.extend(_prescore(index, table, e, f, born, code) for e, f in found[len(scores) :])
        bound = float(table[unread].max()) + (_BEST_YEAR if born else 0.0)
        above = np.concatenate([e[s > bound] for (e, _f), s in zip(found, scores, strict=True)])
        if len(above) >= NARROW and len(_runs_of(index.entry_person[np.sort(above)])) >= NARROW:
            break
    if not found:
        return np.zeros(0, dtype=np.int64)
    entries = np.concatenate([e for e, _f in found])
    order = np.argsort(entries, kind="stable") if len(found) > 1 else None
    held = index.entry_person[entries if order is None else entries[order]]
    starts = _runs_of(held)
    persons = held[starts].astype(np.int64)
    if len(persons) <= NARROW:
        return persons
    if table is None:
        table = _flag_evidence(index, parts)
    scores.extend(_prescore(index, table, e, f, born, code) for e, f in found[len(scores) :])
    score = np.concatenate(scores)
    best = np.maximum.reduceat(score if order is None else score[order], starts)
    return persons[top_rows(best, index.person_tiebreak[persons], NARROW)]


# A name agreeing is weighed by how common its key is among the records, as linkage weighs it
# (Splink's term-frequency adjustment, log2 of the part's chance agreement over the name's share),
# scaled to this evidence's units and bounded: محمد agreeing says less than a rare name agreeing.
FREQUENCY_SCALE = 0.25  # evidence per bit (0.5 cost recall@1 0.869 -> 0.866 at 100,000 persons)
FREQUENCY_BOUNDS = (-2.0, 2.0)
AGREEING = 0.92  # similarity from which a part counts as the same name (the "close" level)


def frequency_evidence(
    similarity: np.ndarray, share: np.ndarray, agreement: float, trust: float = 1.0
) -> np.ndarray:
    """The evidence added to an agreeing part for how common its name is (0 where the part does not
    agree, or the name's share is unknown), its bits taken at ``trust`` (`PersonIndex.part_trust`:
    linkage's trust in a store's own frequencies, which is small in a store of a few records).

    ``share`` is the commoner of the two names' shares (the sought name's and the record's), as
    Splink takes the larger term frequency of the two sides on a fuzzy level: a record's rare
    misspelling close to a common sought name must not count as a rare name agreeing (weighing by
    the record's share alone cost recall@1 0.875 -> 0.855 on bench/search.py at 100,000 persons)."""
    if agreement <= 0:
        return np.zeros(len(similarity))
    bits = trust * np.log2(agreement / np.where(share > 0, share, agreement))
    adjusted = np.clip(FREQUENCY_SCALE * bits, *FREQUENCY_BOUNDS)
    return np.where(similarity >= AGREEING, adjusted, 0.0)


def name_evidence(index: PersonIndex, part: int, similarity: np.ndarray, share: np.ndarray) -> np.ndarray:
    """The evidence of names in ``part`` compared at ``similarity``, the commoner of each pair's two
    shares ``share``: how alike they are (`WEIGHTS`), and, where they agree, how common the name is
    in this index (`frequency_evidence`, at the index's agreement and trust for the part)."""
    return evidence_array(similarity, *WEIGHTS[part]) + frequency_evidence(
        similarity, share, float(index.part_agreement[part]), float(index.part_trust[part])
    )


# Birth years: the same +0.8, within two +0.5, three to five nothing, further off against.
_YEAR_TABLE = np.array([0.8, 0.5, 0.5, 0.0, 0.0, 0.0, -1.5, -1.5, -1.5, -1.5, -1.5, -3.0])


def _year_evidence(diff: np.ndarray) -> np.ndarray:
    """The evidence of a birth-year gap (``diff`` >= 0, integers), by `_YEAR_TABLE`."""
    return _YEAR_TABLE[np.minimum(diff, len(_YEAR_TABLE) - 1)]


Compare = Callable[[PersonIndex, int, str, np.ndarray], np.ndarray]


def score_persons(
    index: PersonIndex,
    parts: tuple[str | None, ...],
    persons: np.ndarray,
    born: int | None = None,
    sex: str | None = None,
    compare: Compare = similarities,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(evidence, part similarities (n, 5) with -1 for "nothing to compare", best year gap or -1)
    of each person for one reading; evidence before the prior and any reading penalty. ``compare``
    gives a sought name's similarity with vocabulary entries (`quick_similarities` to shortlist)."""
    entries, seg = index.person_entries(persons)
    total = np.zeros(len(persons))
    sims = np.full((len(persons), len(PARTS)), _NO_EVIDENCE)
    if not len(persons):
        return total, sims, np.zeros(0, dtype=np.int64)
    for j, name in enumerate(parts):
        if not name:
            continue
        ids = index.entry_parts[entries, j]
        present = ids >= 0
        per_entry = np.full(len(entries), _NO_EVIDENCE)
        weighed = np.zeros(len(entries))  # an entry without this part: no evidence
        if present.any():
            unique, inverse = np.unique(ids[present], return_inverse=True)
            values = compare(index, j, name, unique)
            per_entry[present] = values[inverse]
            # weighed once per distinct name, then spread to the entries: the same figures as per
            # entry (batch.py weighs per entry, and a test holds the two equal), at a fraction of the cost
            share = np.maximum(index.vocab_share[unique, j], index.name_share(j, name))
            by_name = name_evidence(index, j, values, share)
            weighed[present] = by_name[inverse]
        sims[:, j] = np.maximum.reduceat(per_entry, seg)
        total += np.maximum.reduceat(weighed, seg)
    gap = np.full(len(persons), -1, dtype=np.int64)
    if born:
        years = index.entry_year[entries].astype(np.int64)
        diff = np.where(years > 0, np.abs(years - born), 10_000)
        best_diff = np.minimum.reduceat(diff, seg)
        known = best_diff < 10_000
        total += np.where(known, _year_evidence(best_diff), 0.0)
        gap = np.where(known, best_diff, -1)
    code = SEX_CODES.get((sex or "").upper()[:1])
    if code:
        other = 3 - code
        entry_sex = index.entry_sex[entries]
        agrees = np.maximum.reduceat((entry_sex == code).astype(np.int8), seg)
        conflicts = np.maximum.reduceat((entry_sex == other).astype(np.int8), seg)
        total += np.where((conflicts > 0) & (agrees == 0), SEX_CONFLICT, 0.0)
    return total, sims, gap


# Persons of one reading compared name by name; the rest are ranked out by `quick_similarities`.
# (bench/search.py at 1,000,000 persons: recall@1 0.740 and @10 0.903 with 50, 100 or 200, 0.740 and
# 0.904 scoring everyone; 30 lost two queries from the top ten.)
SHORTLIST = 50


def top_rows(evidence: np.ndarray, tiebreak: np.ndarray, k: int) -> np.ndarray:
    """The positions of the ``k`` largest ``evidence``, ascending; ties at the cut go to the smaller
    ``tiebreak`` (`index.person_tiebreak`: who the persons are, not their place in the index)."""
    n = len(evidence)
    if n <= k:
        return np.arange(n)
    cut = np.partition(evidence, n - k)[n - k]
    above = np.flatnonzero(evidence > cut)
    tied = np.flatnonzero(evidence == cut)
    tied = tied[np.argsort(tiebreak[tied], kind="stable")[: k - len(above)]]
    return np.sort(np.concatenate([above, tied]))


def shortlist(
    index: PersonIndex,
    parts: tuple[str | None, ...],
    persons: np.ndarray,
    born: int | None = None,
    sex: str | None = None,
) -> np.ndarray:
    """The ``SHORTLIST`` persons (of one reading's candidates) most worth a full comparison, by the
    evidence `quick_similarities` gives: comparing every distinct name among thousands of
    candidates was most of a query's time at a million persons."""
    if len(persons) <= SHORTLIST:
        return persons
    quick, _sims, _gap = score_persons(index, parts, persons, born, sex, compare=quick_similarities)
    return persons[top_rows(quick, index.person_tiebreak[persons], SHORTLIST)]


def search(
    index: PersonIndex,
    text: str,
    father: str | None = None,
    mother: str | None = None,
    born: int | None = None,
    limit: int = 10,
    sex: str | None = None,
    structured: bool = False,
) -> list[Match]:
    """The ``limit`` persons most likely to be the one named, best first.

    ``text`` is a full name in Arabic or Latin script, given name first or family name first;
    ``father`` and ``mother`` are the father's and mother's (given) names; ``born`` a birth year;
    ``structured``: the name's parts came in separate fields, so it is read as they say
    (`query_readings`).
    """
    best: dict[int, tuple[float, tuple[Reading, np.ndarray, int]]] = {}  # person -> (score, why)
    persons_of: dict[tuple, np.ndarray] = {}  # readings that differ only in the grandfather
    for reading in query_readings(text, father, mother, structured):
        parts, log_odds = reading
        found = persons_of.get(_indexed(parts))
        if found is None:
            found = persons_of[_indexed(parts)] = reading_persons(index, parts, born, sex)
        if not len(found):
            continue
        persons = shortlist(index, parts, found, born, sex)
        evidence, sims, gap = score_persons(index, parts, persons, born, sex)
        evidence = evidence + PRIOR + log_odds
        for i in top_rows(evidence, index.person_tiebreak[persons], limit).tolist():
            p, e = int(persons[i]), float(evidence[i])
            if p not in best or e > best[p][0]:
                best[p] = (e, (reading, sims[i], int(gap[i])))
    ranked = sorted(best, key=lambda p: (-best[p][0], index.person_ids[p]))[:limit]
    return [_match(index, p, *best[p], born) for p in ranked if best[p][0] > MIN_EVIDENCE]


_PART_LABELS = ("given name", "father's name", "grandfather's name", "family name", "mother's name")


def _agreement(similarity: float) -> str:
    if similarity < 0:
        return "not in the records"
    if similarity >= 0.97:
        return "same"
    if similarity >= 0.92:
        return "close"
    if similarity >= PIVOT:
        return "similar"
    return "different"


def _match(
    index: PersonIndex, person: int, evidence: float, why: tuple[Reading, np.ndarray, int], born: int | None
) -> Match:
    """A match with its reasons, from the similarities and year gap its scoring found."""
    (parts, log_odds), sims, gap = why
    score = float(probability_array(np.array(evidence))[()])
    return Match(str(index.person_ids[person]), score, match_reasons(parts, log_odds, sims, gap, born))


def match_reasons(
    parts: tuple[str | None, ...], log_odds: float, sims: np.ndarray, gap: int, born: int | None
) -> tuple[str, ...]:
    """A match's reasons in words: each name part sought and how it agrees (``sims``, one per part),
    the birth year's gap (-1: none in the records) and whether the name was read in another order."""
    reasons = [f"{_PART_LABELS[j]}: {_agreement(sims[j])}" for j in range(len(PARTS)) if parts[j]]
    if born:
        reasons.append(
            "birth year: not in the records"
            if gap < 0
            else "birth year: same"
            if gap == 0
            else f"birth year: {gap} year{'s' if gap > 1 else ''} apart"
        )
    if log_odds:
        reasons.append("name read in another order")
    return tuple(reasons)


def opaque_reference(person_id: str) -> str:
    """The case reference a family is given for a record no person holds yet: its source and record
    id would tell which list holds it, so they are replaced by a digest a caseworker can resolve."""
    if not person_id.startswith(UNLINKED_PREFIX):
        return person_id
    return "U-" + hashlib.sha256(person_id.encode("utf-8")).hexdigest()[:12]


def resolve_reference(index: PersonIndex, reference: str) -> str | None:
    """The person id (or unlinked-record id) behind a case reference a family was given."""
    if not reference.startswith("U-"):
        return reference if reference in set(index.person_ids.tolist()) else None
    for pid in index.person_ids.tolist():
        if pid.startswith(UNLINKED_PREFIX) and opaque_reference(pid) == reference:
            return pid
    return None


def family_answer(matches: list[Match], threshold: float = FAMILY_THRESHOLD) -> FamilyAnswer:
    """What the public search may say: a possible match exists (and a reference to give a
    caseworker), or not. Never names, records, scores or how many persons matched."""
    best = max(matches, key=lambda m: m.score, default=None)
    if best is None or best.score < threshold:
        return FamilyAnswer(False)
    return FamilyAnswer(True, opaque_reference(best.person_id))


__all__ = [
    "FAMILY",
    "FAMILY_THRESHOLD",
    "FATHER",
    "GIVEN",
    "GRANDFATHER",
    "MOTHER",
    "FamilyAnswer",
    "Match",
    "family_answer",
    "readings",
    "resolve_reference",
    "score_persons",
    "search",
]
