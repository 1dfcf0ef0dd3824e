"""How common a given name and family name are among the records at hand: term frequencies for
:func:`athar.names.name_similarity`, counted from the names themselves, as Splink counts them.

Two lists that agree on a given and a family name name one person the likelier the fewer people
carry that name; namesakes arise among the common ones. When one list writes no father, the given
and the family name are all the evidence there is, and only how common they are tells a true pair
(محمد الزعبي, written twice) from two of the hundred men so named in Daraa. The built-in list
(data/tfp_levantine_name_token_freq.tsv) knows given names but not Syrian family names (الزعبي,
الحريري); the records being linked know both.

Counts are by cross-script key, so محمد, Mohammed and Mhd count as one given name, and by the chain
each name is parsed into (given name first, or the family name first where the list marks it).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from athar.names.chain import parse_parts
from athar.names.keys import normalize_name, part_identity


@dataclass(frozen=True, slots=True)
class NameFrequencies:
    """Given-name and family-name counts of a corpus of full names, by cross-script key."""

    total: int
    given: dict[str, int]
    family: dict[str, int]
    # log of what the commonest given + family name expects: the scale rarity is read against
    _log_top: float = field(init=False, repr=False)

    def __post_init__(self) -> None:
        top = max(self.given.values(), default=1) * max(self.family.values(), default=1)
        object.__setattr__(self, "_log_top", math.log(max(top / max(self.total, 1), math.e)))

    @classmethod
    def from_names(cls, full_names: Iterable[str]) -> NameFrequencies:
        """Count the given and family names of these full names (any script, any order)."""
        given: Counter[str] = Counter()
        family: Counter[str] = Counter()
        total = 0
        for full in full_names:
            g, _father, _grandfather, fam, *_rest = parse_parts(full or "")
            if not g and not fam:
                continue
            total += 1
            if g:
                given[part_identity(g)[0]] += 1
            if fam:
                family[part_identity(fam)[0]] += 1
        return cls(total, dict(given), dict(family))

    def expected_namesakes(self, given: str, family: str) -> float:
        """How many records of the corpus are expected to carry this given + family name (any
        script, any spelling), reading the two as independent; an unseen name counts as seen once."""
        return self._expected(normalize_name(given), normalize_name(family))

    def rarity(self, given: str, family: str) -> float:
        """Rarity in [0, 1] of a given + family name: 0 for the commonest pair of the corpus, 1 for a
        pair expected at most once."""
        return self.rarity_of_parts(normalize_name(given), normalize_name(family))

    def rarity_of_parts(self, given: str, family: str) -> float:
        """:meth:`rarity` of two parts already normalized (as name_similarity holds them)."""
        expected = self._expected(given, family)
        return max(0.0, 1.0 - math.log(max(expected, 1.0)) / self._log_top)

    def _expected(self, given: str, family: str) -> float:
        g = self.given.get(part_identity(given)[0], 0) or 1
        f = self.family.get(part_identity(family)[0], 0) or 1
        return g * f / max(self.total, 1)
