"""`PartTable.similarities` (one name against many at once) gives what `part_similarity` gives pair
by pair: on every pair of the names of synthetic lists, and on the pairs that take each of the
pair-by-pair function's special paths."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from athar.ingest.readers import read_table
from athar.names import normalize_name, part_similarity
from athar.names.compare_many import PartTable
from athar.synth import generate

# Pairs that take the dictionary's paths: two listed spellings of one name, a Latin spelling read
# with the Arabic name's letters (th for ذ, final h for ح), a name and its derived form, two names
# of one dotless shape, two known names a letter apart, loose keys, two words against one, titles.
SPECIAL = [
    ("محمد", "mohammed"),
    ("mohammed", "muhammad"),
    ("منذر", "munther"),
    ("munther", "منذر"),
    ("مفتاح", "muftah"),
    ("muftah", "مفتاح"),
    ("كاظم", "kathem"),
    ("كريم", "كريمه"),
    ("كريمه", "كريم"),
    ("جعفر", "الجعفري"),
    ("يسار", "بشار"),
    ("بشار", "يسار"),
    ("مجمد", "محمد"),
    ("تسار", "بشار"),  # one shape, two dots apart, the record a known name: two names
    ("تاجي", "ناجي"),  # one shape, one dot apart, the record a known name: one name misread
    ("فيصل", "قيضل"),  # the same, the sought name known
    ("نسار", "يسار"),  # one shape, one dot apart, neither known: one name misread
    ("محمد", "محمود"),
    ("karem", "karim"),
    ("halil", "khalil"),
    ("murat", "murad"),
    ("محمد خير", "محمد"),
    ("abd al rahman", "abdulrahman"),
    ("الحاج علي", "alhajali"),
    ("hassan", "حسان"),
    ("hassan", "حسن"),
    ("سعيد", "cid"),
    ("شيخبدر", "sheikhbader"),
    ("elomar", "عمر"),
]


def _names(folder: Path) -> list[str]:
    """Every name written in the synthetic lists (all sources, both scripts), normalized."""
    generate(folder, persons=150, seed=3)
    names: set[str] = set()
    for path in sorted(folder.glob("*.csv")):  # some lists are not UTF-8: read as imports read them
        for row in read_table(path).rows:
            for column, value in row.values.items():
                if column and column.endswith("name") and value:
                    names.add(normalize_name(value))
    return sorted(n for n in names if n)


def _one_by_one(sought: str, parts: list[str], ids: np.ndarray) -> np.ndarray:
    return np.array([part_similarity(sought, parts[i]) if parts[i] else 0.0 for i in ids.tolist()])


def test_every_pair_of_synthetic_names_as_pair_by_pair(tmp_path):
    names = _names(tmp_path / "lists")
    special = sorted({normalize_name(x) for pair in SPECIAL for x in pair})
    parts = ["", *names, *special]
    table = PartTable(parts)
    ids = np.arange(len(parts))
    rng = np.random.default_rng(0)
    sought = [*rng.choice(names, size=min(60, len(names)), replace=False).tolist(), *special]
    for name in sought:
        order = rng.permutation(ids)  # features filled in whatever order the names are met
        got = table.similarities(name, order, one_by_one=0)
        np.testing.assert_array_equal(got, _one_by_one(name, parts, order), err_msg=name)


@pytest.mark.parametrize(("sought", "other"), SPECIAL)
def test_special_paths_as_pair_by_pair(sought, other):
    a, b = normalize_name(sought), normalize_name(other)
    table = PartTable(["x", b, ""])
    expected = part_similarity(a, b)
    ids = np.array([1, 2, 1])
    assert table.similarities(a, ids, one_by_one=0).tolist() == [expected, 0.0, expected]  # the table
    assert table.similarities(a, ids).tolist() == [expected, 0.0, expected]  # a few: pair by pair


def test_blank_sought_name_and_no_ids():
    table = PartTable(["محمد", "ali"])
    for one_by_one in (0, 64):
        assert table.similarities("", np.array([0, 1]), one_by_one).tolist() == [0.0, 0.0]
        assert table.similarities("ali", np.array([], dtype=np.int64), one_by_one).tolist() == []
        pair = table.similarities("ali", np.array([1, 0]), one_by_one).tolist()
        assert pair == [1.0, part_similarity("ali", "محمد")]
