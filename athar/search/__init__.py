"""Search: find a person from what a family remembers, in either script, fast.

One engine for the public family search (told only whether a possible match exists) and the
investigator search (persons with their records). Build a :class:`PersonIndex` from the store after
linkage, keep it in memory (or save and load it), and query it with :func:`search`.
"""

from athar.search.index import PersonIndex, default_index_path, store_fingerprint
from athar.search.query import FAMILY_THRESHOLD, FamilyAnswer, Match, family_answer, search

__all__ = [
    "FAMILY_THRESHOLD",
    "FamilyAnswer",
    "Match",
    "PersonIndex",
    "default_index_path",
    "family_answer",
    "search",
    "store_fingerprint",
]
