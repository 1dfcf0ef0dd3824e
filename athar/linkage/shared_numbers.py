"""National numbers that many records share: a list's placeholder, not a person's number.

A register that writes 00000000000 where it has none, or a spreadsheet that filled one number down
a column, gives hundreds of records "the same national number". Read as a number, it would pair
them all (124,750 pairs for 500 records, were the block not over `BlockingConfig.block_limit`),
add some 11 bits to every pair of them another rule finds, and make namesakes one person. One
person's records are a handful (at most 5 per person in the bench's lists), so a number written on
more than `FeatureConfig.national_id_max_records` records is read as missing, in every row that
holds it, and so is one written on records of more than `national_id_max_given_names` different
given names (19 different persons of one list given one number made 15 persons, where the count
alone does not tell a placeholder from a person's handful of records). The run says so.

The run keeps a digest of each such number (not the number), so that explain reads the two records
of a pair as the run did (`run.link`, `explain`). The digest keeps the number out of the run's
summary as text; it is not a secret: an 11-digit number's digest is found by trying them all, which
tells whoever holds the store nothing the store's records do not. An incremental run in which the
numbers so read changed says that the pairs scored before are stale (`staleness.placeholder_reasons`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import pandas as pd


def overused_numbers(
    national_ids: pd.Series, limit: int, given_names: pd.Series | None = None, names_limit: int = 2
) -> frozenset[str]:
    """The numbers that more than `limit` of these records (one value per record) hold, or that
    records of more than `names_limit` different given names (`given_names`, in the same order)
    hold: one person's records write one given name, two where one is misread. The names given are
    consonant skeletons: a bench person's three records, بزهان (a scan's noise), برهان and Borhan,
    are three cross-script keys (bajan, barhan, burhan) but two skeletons."""
    counts = national_ids.value_counts()
    found = {str(n) for n in counts.index[counts.to_numpy() > limit]}
    if given_names is not None:
        shared = counts.index[counts.to_numpy() > names_limit]
        if len(shared):
            holding = national_ids.isin(shared).to_numpy()
            names = pd.DataFrame(
                {"number": national_ids.to_numpy()[holding], "given": given_names.to_numpy()[holding]}
            )
            different = names.dropna().groupby("number")["given"].nunique()
            found.update(str(n) for n in different.index[different.to_numpy() > names_limit])
    return frozenset(found)


def read_as_missing(rows: pd.DataFrame, numbers: frozenset[str]) -> int:
    """`rows`' national numbers among `numbers` set to missing, in place; how many rows held one."""
    if not numbers or "national_id" not in rows:
        return 0
    held = rows["national_id"].isin(numbers).to_numpy()
    if held.any():
        rows.loc[held, "national_id"] = None
    return int(held.sum())


def digest(number: str) -> str:
    """What the run keeps of a number read as missing."""
    return hashlib.blake2b(number.encode(), digest_size=16, person=b"athar-nid").hexdigest()


def digests(numbers: Iterable[str]) -> list[str]:
    return sorted(digest(n) for n in numbers)


def numbers_with_digests(national_ids: Iterable[object], kept: Iterable[str]) -> frozenset[str]:
    """Of `national_ids`, the ones whose digest is among `kept` (a run's, read back by explain)."""
    wanted = set(kept)
    return frozenset(str(n) for n in national_ids if isinstance(n, str) and digest(n) in wanted)
