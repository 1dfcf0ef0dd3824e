"""The ways one full name may be read: the one place that says how an unmarked name is read.

A full name whose order nothing marks (no comma, capitals, article or bin) may be read otherwise
than the parse (`parse_name_chain`) reads it:

* the family name first (``FAMILY_FIRST``): "Haddad Hamza Amr", "عبد الرحمن عمار الشيخ" read with
  its first name (a compound or a title and the name after it: عبد الرحمن, Hajj Mahdi) as the
  family name;
* given name first (``GIVEN_FIRST``) when the parse put the family name first (a comma, capitals,
  an article on the first word);
* with no family name (``NO_FAMILY``): ``given father [grandfather]``, what morgue logs and hurried
  lists write as often as given + family name (هاله عمر, Muhammed Hatem);
* a two-word given name (``COMPOUND_GIVEN``, محمد خير, Mohammad Nour), father's name
  (``COMPOUND_FATHER``: جاد محمد خير سويد, Jad son of Muhammad Khayr) or family name
  (``COMPOUND_FAMILY``, الحاج علي, Al Haj Ali).

`readings` enumerates them, each a `Reading` with its log-odds (nats, or the evidence scale of
`athar.names.evidence`) against the reading taken, which comes first. With ``roles`` (how the
records that write names in separate columns use each name key, see `NameRoles`) the other order
and the no-family reading are weighed by them, and the roles may take the family-first reading
over the parse; without, each kind gets its consumer's fixed log-odds. Linkage, the search and
`name_similarity` each weigh their own kinds (`LINKAGE`, `SEARCH`, `COMPARISON`), but the parts of
a reading of a kind are the same for all three.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

from athar.names.arabic import TITLES as ARABIC_TITLES
from athar.names.chain import (
    FAMILY_FIRST,
    GIVEN_FIRST,
    NameChain,
    looks_like_family_name,
    parse_name_chain,
    parse_parts,
)
from athar.names.keys import name_key, normalize_name, part_identity
from athar.names.latin import TITLES as LATIN_TITLES

Parts = tuple[str | None, str | None, str | None, str | None]
"""Given, father's, grandfather's and family name, normalized; None where a reading has none."""

NameRoles = dict[str, float]
"""Log-odds, per name key, that the name is a family name rather than a given (or father's) one."""


class ReadingKind(StrEnum):
    """How a reading reads the words of a full name (see the module docstring)."""

    PARSED = "parsed"
    FAMILY_FIRST = "family_first"
    GIVEN_FIRST = "given_first"
    NO_FAMILY = "no_family"
    COMPOUND_GIVEN = "compound_given"
    COMPOUND_FATHER = "compound_father"
    COMPOUND_FAMILY = "compound_family"


class _Chain(NamedTuple):
    """A parsed name as `parse_parts` gives it: `NameChain`'s fields in a tuple, which Python builds
    several times faster than the frozen dataclass (every name linkage or name_similarity meets
    is read into two or three of these)."""

    given: str | None
    father: str | None
    grandfather: str | None
    family: str | None
    unplaced: list[str]
    order_detected: str
    connectors: bool

    def parts(self) -> Parts:
        return (self.given, self.father, self.grandfather, self.family)


AnyChain = NameChain | _Chain


class Reading(NamedTuple):
    """One reading of a full name: its parts, its kind, and its log-odds against the one taken.
    (A named tuple: built for every name linkage or name_similarity meets, and cheap so.)"""

    parts: Parts
    kind: ReadingKind
    log_odds: float


@dataclass(frozen=True)
class ReadingPolicy:
    """Which kinds of reading a consumer weighs, and how.

    ``log_odds`` gives each kind read, in the order they are listed, the log-odds it has without
    roles (with roles, those of the other order and of no family name come from the roles, and a
    compound given name is read only where the roles know it). ``min_log_odds``: a reading less
    likely than this against the one taken is not read. ``other_order_min_words``: the fewest
    words a name read in the other order has. ``no_family_max_words``: the most words a name read
    with no family name has; ``no_family_with_article``: whether its last word may then carry the
    article (al-, ال, Abu) and still be read as a father's name. ``compound_given_alone``: whether
    two words (محمد خير) are read as a compound given name with no family name after it.
    ``family_first_margin``: with roles, how much more likely (log-odds) a family-first reading
    must be than the given-first parse to be taken instead of it.
    """

    log_odds: Mapping[ReadingKind, float]
    min_log_odds: float = -math.inf
    other_order_min_words: int = 2
    no_family_max_words: int = 3
    no_family_with_article: bool = True
    compound_given_alone: bool = False
    family_first_margin: float = 1.5


# Linkage (athar.linkage.features) scores each other reading as a second row of the record, with the
# roles learnt from the records; a reading less likely than about 1 in 100 is not worth a row.
# Either reading of "محمد خير …" is taken as likely as the other (both are common in Syria).
LINKAGE = ReadingPolicy(
    log_odds={
        ReadingKind.FAMILY_FIRST: 0.0,
        ReadingKind.NO_FAMILY: 0.0,
        ReadingKind.COMPOUND_GIVEN: 0.0,
        ReadingKind.COMPOUND_FATHER: 0.0,
    },
    min_log_odds=-4.6,
    other_order_min_words=1,
    no_family_max_words=2,
    no_family_with_article=False,
    compound_given_alone=True,
)
# name_similarity: penalties on its evidence scale, set on bench/names.py's pairs.
COMPARISON = ReadingPolicy(
    log_odds={
        ReadingKind.NO_FAMILY: -1.0,
        ReadingKind.FAMILY_FIRST: -2.0,
        ReadingKind.COMPOUND_FAMILY: -0.7,
        ReadingKind.COMPOUND_GIVEN: -0.5,
    }
)
# The search: one penalty on its evidence scale for any reading but the parse.
SEARCH = ReadingPolicy(
    log_odds={ReadingKind.GIVEN_FIRST: -1.0, ReadingKind.FAMILY_FIRST: -1.0, ReadingKind.NO_FAMILY: -1.0}
)

_MUHAMMAD = part_identity("محمد")[0]
# Titles a family name may open with (Hajj Mahdi, الشيخ أنيس, Bou Jasem): athar.names' own lists.
_TITLE_WORDS = frozenset(LATIN_TITLES) | frozenset(ARABIC_TITLES)


def given_first_parts(tokens: list[str]) -> Parts:
    """The parts of normalized words read given name first: the last is the family name, the
    two after the given name the father's and grandfather's (words between them are dropped)."""
    n = len(tokens)
    if n == 1:
        return (tokens[0], None, None, None)
    if n == 2:
        return (tokens[0], None, None, tokens[1])
    if n == 3:
        return (tokens[0], tokens[1], None, tokens[2])
    return (tokens[0], tokens[1], tokens[2], tokens[-1])


def written_words(chain: AnyChain) -> list[str]:
    """The normalized words of a parsed name in the order they were written."""
    if chain.order_detected == FAMILY_FIRST:
        return [p for p in (chain.family, chain.given, chain.father, chain.grandfather, *chain.unplaced) if p]
    return [p for p in (chain.given, chain.father, chain.grandfather, *chain.unplaced, chain.family) if p]


def opens_with_title(full: str) -> bool:
    """Whether a full name opens with a title (Hajj, الشيخ, Bou) that may open a family name."""
    words = full.split(None, 1)  # the first word alone
    return bool(words) and _is_title(words[0])


@lru_cache(maxsize=100_000)
def _is_title(word: str) -> bool:
    return word.lower().strip(".,-") in _TITLE_WORDS


def family_first_chain(full: str, tokens: tuple[str, ...] | None = None) -> NameChain | None:
    """The words of an unmarked name read family name first.

    The family name is the first name as normalization reads it: a compound (عبد الرحمن, Nour
    Eddin) is one name, and a title at the head (Hajj Mahdi, الشيخ أنيس), which normalization drops
    before a given name, opens the family name with the word after it. ``tokens``: the words of
    ``full`` as normalized, when the caller has them.
    """
    if tokens is None:
        tokens = tuple(normalize_name(full).split())
    chain = _family_first_chain(full, tokens)
    return None if chain is None else NameChain(*chain)


@lru_cache(maxsize=200_000)
def _family_first_chain(full: str, tokens: tuple[str, ...]) -> _Chain | None:
    """`family_first_chain` as a `_Chain`."""
    words = full.split()
    if not words or not tokens:
        return None
    rest = list(tokens[1:])
    head = 1 if _first_word_alone(words, tokens) else _head_words(words, rest)
    if head is None or head == 1:  # the first word alone made the first name: as normalized in place
        family = tokens[0]
    else:
        family = normalize_name(" ".join(words[:head])).replace(" ", "")
    n = len(rest)
    return _Chain(
        rest[0] if n else None,
        rest[1] if n > 1 else None,
        rest[2] if n > 2 else None,
        family or None,
        rest[3:],
        FAMILY_FIRST,
        False,
    )


def _first_word_alone(words: list[str], tokens: tuple[str, ...]) -> bool:
    """Whether the first written word made the first token alone, and the words after it the
    other tokens: `_head_words` would say 1, found without normalizing the rest of the name.

    Most names: the first two words each normalize on their own to the first two tokens. Then no
    compound, article or title joined them (that would change one of them), the second word is no
    title (a title joins the word after it), and normalization, which acts only between neighbours
    and at the head of a name, reads the words after the first as it did in the whole name.
    `tests/test_names_readings.py` pins that this agrees with `_head_words` on synthetic names."""
    if len(words) == 1:
        return len(tokens) == 1 and _normalized_word(words[0]) == tokens[0]
    return (
        len(tokens) >= 2
        and _normalized_word(words[0]) == tokens[0]
        and _normalized_word(words[1]) == tokens[1]
    )


def _head_words(words: list[str], rest: list[str]) -> int | None:
    """How many written words made the first token: the fewest whose removal leaves the other
    tokens as normalization reads them (None when no number does)."""
    return next((k for k in range(1, len(words) + 1) if _tokens(words[k:]) == rest), None)


def _family_first(full: str, words: list[str]) -> _Chain | None:
    """`family_first_chain` of a name whose given-first parse wrote these normalized ``words``."""
    return _family_first_chain(full, tuple(words))


@lru_cache(maxsize=200_000)
def _normalized_word(word: str) -> str:
    return normalize_name(word)


def _tokens(words: list[str]) -> list[str]:
    return normalize_name(" ".join(words)).split()


@lru_cache(maxsize=400_000)
def _key(part: str | None) -> str:
    """`name_key` of a part, "" for none (cached: each name's words are keyed two or three times)."""
    return (name_key(part) or "") if part else ""


def _roles_log_odds(chain: AnyChain, roles: NameRoles) -> float:
    """log P(this reading's roles of its names), with P(family) = sigmoid(the name's log-odds)."""
    score = 0.0
    for i, value in enumerate(chain.parts()):
        key = _key(value)
        if not key:
            continue
        log_odds = roles.get(key, 0.0)
        score -= math.log1p(math.exp(-log_odds if i == 3 else log_odds))
    return score


Orders = tuple[AnyChain, ReadingKind, AnyChain | None, ReadingKind, float]


def _orders(
    full: str,
    chain: AnyChain,
    words: list[str],
    roles: NameRoles | None,
    policy: ReadingPolicy,
    others: bool,
) -> Orders:
    """(the reading taken, its kind, the other order or None, its kind, its log-odds); ``words``
    are ``written_words(chain)``."""
    none: Orders = (chain, ReadingKind.PARSED, None, ReadingKind.PARSED, 0.0)
    if chain.connectors:
        return none
    if chain.order_detected != GIVEN_FIRST:
        kind = ReadingKind.GIVEN_FIRST
        if not others or kind not in policy.log_odds:
            return none
        if len(words) < max(policy.other_order_min_words, 2):
            return none
        p = given_first_parts(words)
        other: _Chain | None = _Chain(p[0], p[1], p[2], p[3], [], GIVEN_FIRST, False)
        return chain, ReadingKind.PARSED, other, kind, policy.log_odds[kind]
    kind = ReadingKind.FAMILY_FIRST
    if kind not in policy.log_odds or len(words) < policy.other_order_min_words:
        return none
    floor = policy.min_log_odds
    if not roles:
        other = _family_first(full, words) if others else None
        return chain, ReadingKind.PARSED, other, kind, policy.log_odds[kind]
    # The two readings differ by the log-odds of the first word being a family name less those of
    # the last (the words between are given or fathers' names in both), so most names are settled
    # without scoring both readings.
    margin = policy.family_first_margin
    gain = roles.get(_key(chain.given), 0.0) - roles.get(_key(chain.family), 0.0)
    if gain <= margin and not opens_with_title(full):
        if not others or min(0.0, gain) < floor:
            return chain, ReadingKind.PARSED, None, kind, min(0.0, gain)
        return chain, ReadingKind.PARSED, _family_first(full, words), kind, min(0.0, gain)
    alternative = _family_first(full, words)
    if alternative is None:
        return none
    odds = _roles_log_odds(alternative, roles) - _roles_log_odds(chain, roles)
    if odds > margin:
        return alternative, kind, chain if others and -odds >= floor else None, ReadingKind.PARSED, -odds
    log_odds = min(0.0, odds)
    return chain, ReadingKind.PARSED, alternative if others and log_odds >= floor else None, kind, log_odds


def taken_reading(full: str, roles: NameRoles | None = None, policy: ReadingPolicy = LINKAGE) -> Reading:
    """The reading of a full name that is taken: the parse, or, when ``roles`` say it is clearly
    the likelier, the family-first reading."""
    chain = parse_name_chain(full or "")
    taken, kind, _other, _kind, _odds = _orders(full, chain, written_words(chain), roles, policy, False)
    return Reading(taken.parts(), kind, 0.0)


def readings(
    full: str, roles: NameRoles | None = None, policy: ReadingPolicy = COMPARISON
) -> tuple[Reading, ...]:
    """The reading of ``full`` that is taken, then its other readings that ``policy`` weighs, each
    with its log-odds against the one taken (see the module docstring). A reading with the parts
    of the one taken is not repeated."""
    full = full or ""
    chain = _Chain(*parse_parts(full))  # not parse_name_chain's cache: each caller keeps its own
    words = written_words(chain)
    taken, taken_kind, other, other_kind, other_odds = _orders(full, chain, words, roles, policy, True)
    parts = taken.parts()
    out = [Reading(parts, taken_kind, 0.0)]
    if taken.connectors:
        return tuple(out)
    if taken is not chain:
        words = written_words(taken)
    n = len(words)
    floor = policy.min_log_odds
    given_first = taken.order_detected == GIVEN_FIRST
    for kind, default in policy.log_odds.items():
        if kind is ReadingKind.FAMILY_FIRST or kind is ReadingKind.GIVEN_FIRST:
            if other is not None and kind == other_kind:
                out.append(Reading(other.parts(), kind, other_odds))
            elif other is not None and other_kind == ReadingKind.PARSED and kind == taken_kind:
                out.append(Reading(other.parts(), other_kind, other_odds))  # roles took the other order
        elif kind is ReadingKind.NO_FAMILY:
            if not given_first or not 2 <= n <= policy.no_family_max_words:
                continue
            if not policy.no_family_with_article and looks_like_family_name(words[-1]):
                continue
            odds = default if roles is None else -roles.get(_key(taken.family), 0.0)
            if odds >= floor:
                out.append(Reading((words[0], words[1], words[2] if n > 2 else None, None), kind, odds))
        elif kind is ReadingKind.COMPOUND_FAMILY:
            if given_first and n >= 3:
                out.append(
                    Reading(given_first_parts([*words[:-2], words[-2] + " " + words[-1]]), kind, default)
                )
        elif kind is ReadingKind.COMPOUND_GIVEN:
            compound = _compound_given(taken, words, policy)
            if compound is not None and (roles is None or _key(compound[0]) in roles):
                out.append(Reading(compound, kind, default))
        elif kind is ReadingKind.COMPOUND_FATHER:
            compound = _compound_father(taken)
            if compound is not None and (roles is None or _key(compound[1]) in roles):
                out.append(Reading(compound, kind, default))
    if len(out) == 1:
        return (out[0],)
    return tuple(r for i, r in enumerate(out) if i == 0 or r.parts != parts)


def _compound_given(chain: AnyChain, words: list[str], policy: ReadingPolicy) -> Parts | None:
    """محمد and the word after it as one given name (محمد خير), the rest read as before."""
    if chain.order_detected == GIVEN_FIRST:
        if len(words) < 2 or (len(words) == 2 and not policy.compound_given_alone):
            return None
        if part_identity(words[0])[0] != _MUHAMMAD:
            return None
        return given_first_parts([words[0] + " " + words[1], *words[2:]])
    if not (chain.given and chain.father) or part_identity(chain.given)[0] != _MUHAMMAD:
        return None
    rest = [p for p in (chain.grandfather, *chain.unplaced) if p] + [None, None]
    return (chain.given + " " + chain.father, rest[0], rest[1], chain.family)


def _compound_father(chain: AnyChain) -> Parts | None:
    """A father named محمد and the word after him as one name (محمد خير), the rest read as before:
    "جاد محمد خير سويد" is as often Jad son of Muhammad Khayr as Jad son of Muhammad son of Khayr."""
    if not (chain.father and chain.grandfather) or part_identity(chain.father)[0] != _MUHAMMAD:
        return None
    rest = [p for p in chain.unplaced if p] + [None]
    return (chain.given, chain.father + " " + chain.grandfather, rest[0], chain.family)


RECORD_NAME_PARTS: tuple[str, ...] = ("given", "father", "grandfather", "family")


def name_parts(record: Mapping[str, object], roles: NameRoles | None = None) -> tuple[str | None, ...]:
    """A record's given, father, grandfather and family name: its separate columns first, its parsed
    full name after (read family name first when `roles` say that reading is clearly the likelier).
    Linkage and the search index read a record's name through this one function (linkage as
    `written_parts`, from the values without the record)."""
    given, father, grandfather, family = (record.get(f"{p}_name") for p in RECORD_NAME_PARTS)
    return written_parts(record.get("full_name"), given, father, grandfather, family, roles)


def written_parts(
    full: object,
    given: object,
    father: object,
    grandfather: object,
    family: object,
    roles: NameRoles | None = None,
) -> tuple[str | None, ...]:
    """`name_parts` of a record holding these values, without building the record (linkage reads
    a hundred thousand names written in separate columns)."""
    separate = (
        str(given or "") or None,
        str(father or "") or None,
        str(grandfather or "") or None,
        str(family or "") or None,
    )
    if not full or all(separate):
        return separate
    parsed = taken_reading(str(full), roles, LINKAGE).parts
    return tuple(s if s is not None else p for s, p in zip(separate, parsed, strict=True))
