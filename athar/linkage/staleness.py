"""When the saved model no longer fits the store: what an incremental run checks before scoring with it.

An incremental run scores the new records' pairs with the model the last full run trained. That is
right while the store is the population the model learnt from, plus more of the same. It stops being
right when

* a list of a kind the model never saw arrives (a morgue's log into a store of families' reports):
  what its event dates mean (a death, a return) was never learnt, the event-date comparison's levels
  for it carry no estimate of their own;
* the store has grown well beyond what the model was trained on: the chance that two different
  persons agree on a name (u) and the names' frequencies were estimated on a smaller population, and
  both move as lists from other places and years arrive. The rule is deliberately simple and stated
  in records, not estimated: more than `GROWTH_LIMIT` (half as many records again) since training.
  Re-estimating m and u on a sample to measure drift would cost an EM pass (most of a full run's
  training) on every incremental run; growth is what makes drift possible, and it is free to count;
* the model was trained by another version of Athar, whose comparisons may differ from this one's.

Stale is a warning, not a refusal: the run still links with the saved model (its persons are those
the model gives), and says which reasons hold, so that `athar link --full` retrains when it suits.
A list whose kind changed since the last run is not a reason: its records are rescored (`changed_sources`).
"""

from __future__ import annotations

from collections.abc import Mapping

from athar.linkage.store_io import SavedRun

# The store may grow by this share of the records the model was trained on before it is stale.
GROWTH_LIMIT = 0.5


def changed_sources(previous: Mapping[str, str], now: Mapping[str, str]) -> set[str]:
    """Sources that existed at the previous run with another kind than they have now: their event
    dates mean something else now, so their records are scored again."""
    return {source for source, kind in now.items() if source in previous and previous[source] != kind}


def stale_reasons(
    previous: SavedRun, kinds_now: Mapping[str, str], records_now: int, version: str
) -> list[str]:
    """In plain words, why `previous`'s model is stale for a store whose sources have `kinds_now`
    (source -> kind, sources holding records) and which holds `records_now` records; empty if it is
    not. Source names and counts only, never personal data."""
    reasons = []
    trained_on = previous.model_run_id
    learnt = previous.model_source_kinds
    if learnt is not None:
        unseen: dict[str, list[str]] = {}
        for source, kind in sorted(kinds_now.items()):
            if kind not in learnt:
                unseen.setdefault(kind, []).append(source)
        for kind, sources in unseen.items():
            reasons.append(
                f"the model (trained in run {trained_on}) has seen no list of kind {kind!r}, which "
                f"{', '.join(sources)} {'is' if len(sources) == 1 else 'are'}: what its dates mean was "
                "never learnt"
            )
    trained_records = previous.model_records
    if trained_records and records_now > trained_records * (1 + GROWTH_LIMIT):
        growth = records_now / trained_records - 1
        reasons.append(
            f"the store holds {records_now:,} records, {growth:.0%} more than the {trained_records:,} "
            f"the model was trained on in run {trained_on} (more than {GROWTH_LIMIT:.0%}): how often "
            "different persons agree by chance was estimated on fewer"
        )
    trained_by = previous.model_athar_version
    if trained_by is not None and trained_by != version:
        reasons.append(f"the model was trained by Athar {trained_by}, and this is Athar {version}")
    return reasons


def placeholder_reasons(read_before: frozenset[str], read_now: frozenset[str]) -> list[str]:
    """Why pairs scored before are stale when the national numbers read as missing (their digests,
    `athar.linkage.shared_numbers`) changed since the run that scored them: a number newly read as
    missing still gives its stored pairs the weight of agreeing (some 11 bits); one no longer so
    read gives its stored pairs none. Counts only, never the numbers."""
    newly, no_longer = len(read_now - read_before), len(read_before - read_now)
    if not newly and not no_longer:
        return []
    said = []
    if newly:
        said.append(f"{newly:,} national number{'s' if newly > 1 else ''} newly read as missing")
    if no_longer:
        said.append(f"{no_longer:,} no longer read as missing")
    return [
        f"{' and '.join(said)} (a list's placeholder, `athar.linkage.shared_numbers`): pairs scored "
        "before weighed them otherwise"
    ]
