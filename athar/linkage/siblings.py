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

from collections.abc import Iterable

import numpy as np
import pandas as pd
from rapidfuzz.distance import JaroWinkler

from athar.linkage.config import DEFAULT_CONFIG, SiblingConfig
from athar.names import distinct_names


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


_NAMES = ("given_key", "given_skel", "given_rasm", "father_skel", "family_skel")


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
    listed = [(a, b) for a, b, probability in pairs if probability >= config.check_from]
    left = np.fromiter((a for a, _b in listed), dtype=np.int64, count=len(listed))
    right = np.fromiter((b for _a, b in listed), dtype=np.int64, count=len(listed))
    return [listed[k] for k in sibling_positions(features, left, right, config).tolist()]


def sibling_positions(
    features: pd.DataFrame,
    left: np.ndarray,
    right: np.ndarray,
    config: SiblingConfig = DEFAULT_CONFIG.siblings,
) -> np.ndarray:
    """The positions k, in order, of the pairs of rows (left[k], right[k]) of `features` that read as
    brother and sister (`sibling_pairs`, whatever their probability).

    Most pairs differ in the father's or family name, or share the given name: those are set aside
    on the columns' codes, and only the rest are read name by name (`_read_as_siblings`)."""
    candidates = np.arange(len(left))
    for column, agree in (("father_skel", True), ("family_skel", True), ("given_key", False)):
        code_a, code_b = _codes(features[column].to_numpy(dtype=object), left[candidates], right[candidates])
        # set aside: the father's or family names differ or are missing, or the given names are one
        keep = (code_a >= 0) & (code_a == code_b) if agree else (code_a < 0) | (code_a != code_b)
        candidates = candidates[keep]
    if not len(candidates):
        return candidates
    rows_a, rows_b = [], []
    for column in _NAMES:
        values = features[column].to_numpy(dtype=object)
        rows_a.append(_names(values[left[candidates]]))
        rows_b.append(_names(values[right[candidates]]))
    jw_below = config.different_given_below_jw
    pairs = zip(zip(*rows_a, strict=True), zip(*rows_b, strict=True), strict=True)
    found = [_read_as_siblings(a, b, jw_below) for a, b in pairs]
    return candidates[np.asarray(found, dtype=bool)]


def _codes(values: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The values at rows `a` and at rows `b` as codes from one numbering, equal where the names
    are; -1 where there is no name (None, NaN, empty, not text)."""
    codes, uniques = pd.factorize(np.concatenate((values[a], values[b])))
    # the code of each unique value, -1 for those that are no name; the last entry is for -1 itself
    named = np.array([*(i if _text(u) is not None else -1 for i, u in enumerate(uniques)), -1])
    codes = named[codes]
    return codes[: len(a)], codes[len(a) :]


def _names(values: np.ndarray) -> list[str | None]:
    """The names as text, None where there is none (None, NaN, empty): pandas' `Series.map` would
    make a missing name NaN, which is truthy and equal to itself, so two records both missing the
    father's name would agree on it."""
    return [v if isinstance(v, str) and v else None for v in values.tolist()]


def _read_as_siblings(row_a: tuple, row_b: tuple, jw_below: float) -> bool:
    """Whether two records, each as its (given key, given skeleton, given shape, father's skeleton,
    family skeleton), read as brother and sister."""
    given_a, skel_a, shape_a, father_a, family_a = row_a
    given_b, skel_b, shape_b, father_b, family_b = row_b
    if not (given_a and given_b and father_a and family_a) or (father_a, family_a) != (father_b, family_b):
        return False
    if given_a == given_b or (shape_a and shape_a == shape_b):
        return False  # one name, or one shape with the dots misread
    if distinct_names(given_a, given_b):
        # two names the dictionary knows apart (محمد and محمود share a skeleton, حسن and حسين
        # are close): brothers are named so, and no list writes one for the other
        return True
    if skel_a == skel_b:
        return False
    return JaroWinkler.similarity(given_a, given_b) < jw_below
