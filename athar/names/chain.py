"""Parse a full name into the Arabic name chain: given, father, grandfather and family name.

Syrian registers write ``given father [grandfather] family``; returnee offices and passports often
write ``FAMILY, Given Father`` or put the family name first in capitals; older or religious styles
use ``given bin father bin grandfather``. Compounds (عبد الرحمن, نور الدين, Abu Bakr) are one name
because normalization joins them before parsing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from athar.names.arabic import is_arabic
from athar.names.keys import normalize_name

GIVEN_FIRST = "given_first"
FAMILY_FIRST = "family_first"
CONNECTOR_TOKENS = frozenset({"bin", "bint", "بن", "ابن", "بنت"})
_COMMA = re.compile(r"[,،;؛]")
# A Latin name that opens with a separate article ("Al-Ahmed …", "EL OMAR …") opens with the family name.
_ARTICLE_FIRST = re.compile(r"^\s*(?:[ae]l|ul|a[dnrstz]|ash)[-‐'’ ]+\S", re.IGNORECASE)


@dataclass(frozen=True)
class NameChain:
    """The parts of one full name, each normalized (compounds joined), or None when absent.

    ``unplaced`` holds tokens the parser could not put in a part (a fifth name, say);
    ``order_detected`` is ``"given_first"`` or ``"family_first"``; ``connectors`` is True when
    the name used bin/ibn/بن, which means it may have no family name at all.
    """

    given: str | None = None
    father: str | None = None
    grandfather: str | None = None
    family: str | None = None
    unplaced: list[str] = field(default_factory=list)
    order_detected: str = GIVEN_FIRST
    connectors: bool = False

    def parts(self) -> tuple[str | None, str | None, str | None, str | None]:
        return (self.given, self.father, self.grandfather, self.family)


def _caps(word: str) -> bool:
    """A word in capitals: at least two letters, every cased one upper-case."""
    if not word.isupper():
        return False
    return len(word) >= 2 if word.isalpha() else sum(c.isalpha() for c in word) >= 2


def _caps_family_prefix(raw: str) -> tuple[str, str] | None:
    """Split 'ALHAMOUD Mhd Abd al-Rahman' into ('ALHAMOUD', 'Mhd Abd al-Rahman')."""
    first = raw.split(None, 1)  # most names fail on their first word: split no further
    if len(first) < 2 or not _caps(first[0]) or is_arabic(raw):
        return None
    words = raw.split()
    flags = [_caps(w) for w in words]
    if all(flags):
        return None
    k = 0
    while k < len(words) and flags[k]:
        k += 1
    if any(flags[k:]):
        return None
    return " ".join(words[:k]), " ".join(words[k:])


def _with_connectors(tokens: list[str]) -> tuple:
    """given bin father bin grandfather [family...], as parse_parts returns it."""
    parts: list[str | None] = [None, None, None, None]
    unplaced: list[str] = []
    chain: list[str] = []
    rest: list[str] = []
    expecting = True
    for t in tokens:
        if t in CONNECTOR_TOKENS:
            expecting = True
            continue
        if expecting and not rest:
            chain.append(t)
            expecting = False
        else:
            rest.append(t)
    if len(chain) == 1 and rest:  # "Ahmad Ali bin Hasan": the name after the given one is the father
        chain.append(rest.pop(0))
    for i, t in enumerate(chain[:3]):
        parts[i] = t
    unplaced.extend(chain[3:])
    if rest:
        parts[3] = rest[-1]
        unplaced.extend(rest[:-1])
    return (*parts, unplaced, GIVEN_FIRST, True)


# Given names that look like family names: they begin with the letters of the article.
_GIVEN_WITH_ARTICLE_LETTERS = frozenset({"الياس", "الهام", "الفت", "ابوبكر", "abubakr"})


def looks_like_family_name(token: str) -> bool:
    """A normalized token with the article (al-, ال) or Abu/ابو: a family name, hardly ever a given one."""
    if token in _GIVEN_WITH_ARTICLE_LETTERS:
        return False
    if token.startswith(("ال", "ابو")):
        return len(token) >= 4
    if token.startswith("abu"):
        return len(token) >= 5
    return token.startswith("al") and len(token) >= 5 and token[2] not in "aeiouy"


@lru_cache(maxsize=200_000)
def parse_name_chain(full: str) -> NameChain:
    """Parse a full name in either script and either order into a :class:`NameChain`.

    Recognised orders: ``Given Father [Grandfather] Family`` (the default),
    ``FAMILY, Given Father [Grandfather]`` (comma), ``FAMILY Given Father`` (a leading run of
    capitals in a mixed-case Latin name) and ``Given bin Father bin Grandfather [Family]``.
    """
    given, father, grandfather, family, unplaced, order, connectors = parse_parts(full)
    return NameChain(given, father, grandfather, family, unplaced, order, connectors)


def parse_parts(full: str) -> tuple[str | None, str | None, str | None, str | None, list[str], str, bool]:
    """What :func:`parse_name_chain` returns, as a plain tuple (given, father, grandfather, family,
    unplaced, order_detected, connectors): for callers that parse many names and keep none."""
    full = full or ""
    family_raw: str | None = None
    rest_raw = full
    order = GIVEN_FIRST
    normalized: str | None = None  # rest_raw normalized, where the comma's test did it already
    family_normalized: str | None = None
    m = _COMMA.search(full)
    if m:
        head, tail = full[: m.start()], full[m.end() :]
        family_normalized = normalize_name(head)
        normalized = normalize_name(tail) if family_normalized else None
        if normalized:
            family_raw, rest_raw, order = head, tail, FAMILY_FIRST
        else:
            rest_raw = head + " " + tail
            normalized = family_normalized = None
    else:
        split = _caps_family_prefix(full)
        if split:
            family_raw, rest_raw = split
            order = FAMILY_FIRST
    tokens = (normalized if normalized is not None else normalize_name(rest_raw)).split()
    has_connector = not CONNECTOR_TOKENS.isdisjoint(tokens)
    if family_raw is None and tokens and not has_connector:
        # "Al-Hassan Rasha Abdallah", "العلي": the article marks the family name wherever it stands.
        first_is_family = looks_like_family_name(tokens[0]) or bool(_ARTICLE_FIRST.match(rest_raw))
        if first_is_family and (len(tokens) == 1 or not looks_like_family_name(tokens[-1])):
            family_raw, tokens, order = tokens[0], tokens[1:], FAMILY_FIRST
    if family_raw is None:
        if has_connector:
            return _with_connectors(tokens)
        n = len(tokens)
        if n >= 4:
            return tokens[0], tokens[1], tokens[2], tokens[-1], tokens[3:-1], order, False
        if n == 3:
            return tokens[0], tokens[1], None, tokens[2], [], order, False
        if n == 2:
            return tokens[0], None, None, tokens[1], [], order, False
        if n == 1:
            return tokens[0], None, None, None, [], order, False
        return None, None, None, None, [], order, False
    if family_normalized is None:
        family_normalized = normalize_name(family_raw)
    family = family_normalized.replace(" ", "") or None
    if has_connector:
        tokens = [t for t in tokens if t not in CONNECTOR_TOKENS]
    n = len(tokens)
    given = tokens[0] if n else None
    father = tokens[1] if n > 1 else None
    grandfather = tokens[2] if n > 2 else None
    return given, father, grandfather, family, tokens[3:], order, False
