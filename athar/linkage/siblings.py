"""Brothers and sisters: two records whose father's and family names agree and whose given names are
plainly different.

Fellegi-Sunter adds the evidence of each name as if it were independent of the others; for siblings
it is not: the father's, family and mother's names, the place and often the birth year all agree,
and together they outweigh the one disagreement that matters. EM cannot learn this either, because
the blocks that train the given name (same mother and birth year) hold twins who look like one
person written twice. So such a pair is kept apart in clustering unless a reviewer says it is one
person, and it is put before a reviewer whatever its probability.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd
from rapidfuzz.distance import JaroWinkler

from athar.linkage.config import DEFAULT_CONFIG, SiblingConfig
from athar.names import distinct_names


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def sibling_pairs(
    features: pd.DataFrame,
    pairs: Iterable[tuple[int, int, float]],
    config: SiblingConfig = DEFAULT_CONFIG.siblings,
) -> list[tuple[int, int]]:
    """The (unique_id, unique_id) pairs at or above `config.check_from` that read as brother and sister.

    The given names are two names the dictionary knows apart, or differ on every level the model
    would count as agreement (key, consonant skeleton, dotless shape, Jaro-Winkler ≥ the "similar"
    level, `config.different_given_below_jw`), while the father's and the family names agree on their
    consonant skeletons (الأرمنازي and Al-Armanazi differ in the vowels their keys guess). Records
    missing any of the three names are never called siblings.
    """
    columns = ("given_key", "given_skel", "given_rasm", "father_skel", "family_skel")
    rows: Sequence[tuple] = list(zip(*(features[c].map(_text).tolist() for c in columns), strict=True))
    out = []
    for a, b, probability in pairs:
        if probability < config.check_from:
            continue
        given_a, skel_a, shape_a, father_a, family_a = rows[a]
        given_b, skel_b, shape_b, father_b, family_b = rows[b]
        if not (given_a and given_b and father_a and family_a) or (father_a, family_a) != (
            father_b,
            family_b,
        ):
            continue
        if given_a == given_b or (shape_a and shape_a == shape_b):
            continue  # one name, or one shape with the dots misread
        if distinct_names(given_a, given_b):
            # two names the dictionary knows apart (محمد and محمود share a skeleton, حسن and حسين
            # are close): brothers are named so, and no list writes one for the other
            out.append((a, b))
            continue
        if skel_a == skel_b:
            continue
        if JaroWinkler.similarity(given_a, given_b) < config.different_given_below_jw:
            out.append((a, b))
    return out
