"""Arabic and Latin personal names: normalization, cross-script keys, the name chain, comparison.

Knows nothing of the store or of Splink: every function here is a pure function of strings, so
linkage can precompute per-part columns in bulk and compare them with Splink's standard SQL.

How a full name may be read (`readings`, module `reading`) and the evidence scale of a part's
agreement (module `evidence`) are defined here once, for linkage, the search and `name_similarity`.
"""

from athar.names.arabic import is_arabic, normalize_arabic, strip_article
from athar.names.chain import NameChain, parse_name_chain
from athar.names.compare import (
    CLOSE_KEY_JW,
    SIMILAR_KEY_JW,
    Level,
    compare_part,
    name_frequency,
    name_similarity,
    part_similarity,
)
from athar.names.frequency import NameFrequencies
from athar.names.keys import (
    arabize,
    distinct_names,
    fold_latin,
    name_key,
    name_skeleton,
    normalize_name,
    romanize,
)
from athar.names.latin import normalize_latin
from athar.names.reading import NameRoles, Reading, ReadingKind, readings

__all__ = [
    "CLOSE_KEY_JW",
    "SIMILAR_KEY_JW",
    "Level",
    "NameChain",
    "NameFrequencies",
    "NameRoles",
    "Reading",
    "ReadingKind",
    "arabize",
    "compare_part",
    "distinct_names",
    "fold_latin",
    "is_arabic",
    "name_frequency",
    "name_key",
    "name_similarity",
    "name_skeleton",
    "normalize_arabic",
    "normalize_latin",
    "normalize_name",
    "parse_name_chain",
    "part_similarity",
    "readings",
    "romanize",
    "strip_article",
]
