"""How linkage names records and pairs of records: by (source, record id), never by row number, so
that judgements, scored pairs and memberships survive a re-import."""

from __future__ import annotations

from typing import NamedTuple

RecordKey = tuple[str, str]  # (source name, record id)
PairKey = tuple[RecordKey, RecordKey]  # the lower key first (`pair_key`)


class PairScore(NamedTuple):
    """What the model said of a pair: its match probability and match weight (bits)."""

    probability: float
    weight: float


def pair_key(a: RecordKey, b: RecordKey) -> PairKey:
    """One key for a pair, whichever way round it is given."""
    return (a, b) if a <= b else (b, a)
