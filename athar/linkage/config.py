"""The tuning constants of a linkage run, in one frozen value saved with each run.

A run's persons depend on these numbers as much as on the code, and an explanation given months later
must use the ones the run used: each run saves its config (and `athar.__version__`) in its summary,
and `explain` reads it back. A run saved before configs were (or a section or field that did not yet
exist) reads as today's defaults.

The Splink model itself (comparisons, levels, trained m and u, prior) is saved beside the run as
Splink's own JSON; what is here is everything around it: how features are made, how the model is
trained, and what the run does with its scores.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from athar.names import SIMILAR_KEY_JW
from athar.names.reading import LINKAGE, ReadingKind, ReadingPolicy


@dataclass(frozen=True)
class FeatureConfig:
    """How records become feature rows (`athar.linkage.features`, which takes these values from here:
    an old run's rows are rebuilt with the values it saved)."""

    # a name's other reading is scored when it has at least this log-odds (nats) against the one
    # taken: a probability of about 1 in 100
    other_reading_min_log_odds: float = -4.6
    # a given+family name pair shared by more records than this is too common to block on alone
    # (محمد الأحمد): such records are found through rules that add the father's name or birth year
    rare_name_pair_limit: int = 25
    # a family-first reading must be this much more likely (log-odds) than the given-first default
    family_first_margin: float = 1.5
    # a national number held by more records than this is a list's placeholder (00000000000, a
    # number filled down a column), read as missing (`athar.linkage.shared_numbers`)
    national_id_max_records: int = 25
    # ... and so is a number that records of more than this many different given names (consonant
    # skeletons) hold
    national_id_max_given_names: int = 2
    # a name key gets a role (given or family name) only when the lists that write the parts in
    # separate columns use it at least this many times
    role_min_count: int = 2
    # either reading of "محمد خير …" is taken as likely as the other (both are common in Syria)
    compound_given_log_odds: float = 0.0

    def reading_policy(self) -> ReadingPolicy:
        """`athar.names.reading.LINKAGE` with this config's thresholds."""
        return replace(
            LINKAGE,
            log_odds={**LINKAGE.log_odds, ReadingKind.COMPOUND_GIVEN: self.compound_given_log_odds},
            min_log_odds=self.other_reading_min_log_odds,
            family_first_margin=self.family_first_margin,
        )


@dataclass(frozen=True)
class BlockingConfig:
    """Which pairs are scored (`athar.linkage.model.blocked_pairs`)."""

    # A prediction rule pairs records only within blocks (records equal on the rule's keys) of at
    # most this many records. Blocks grow with the store: at a million records the largest (given,
    # father's and mother's name alike) held 632 records, at five million thousands, and the pairs
    # of such blocks, growing with a block's size squared, took DuckDB's predict past 50 GB of
    # spill; at a million records the blocks over 100 held 3.3 million of the rules' pairs and
    # some 6,000 true pairs, nearly all of which other rules find (docs/linkage.md, "Blocks that
    # grow with the store").
    block_limit: int = 100


@dataclass(frozen=True)
class ScoringConfig:
    """How pairs are weighed beyond the model's m and u (`athar.linkage.frequencies`)."""

    # A name's term-frequency adjustment counted in the store is taken at n² / (n² + this²), n the
    # rows holding the name's column (`athar.linkage.frequencies`): half of it at this many rows.
    # In three records, where every name is in every record, names' adjustments undid their
    # agreement (1% of them is taken now); at 600 rows 99.8% is. Trust growing as n (n / (n + 50))
    # took 0.92 at 600 rows, and a list of 600 different persons merged a pair of namesakes
    # (أحمد محمد الزعبي, born two years apart in one village) whose common names lost 0.3 bits.
    frequency_half_trust_rows: int = 30


@dataclass(frozen=True)
class TrainingConfig:
    """How the Splink model is trained (`athar.linkage.model.train`)."""

    # recall of the deterministic rules the prior is estimated from, measured on synthetic lists;
    # Splink's default of 60% made the prior 2.4 times too small
    deterministic_recall: float = 0.25
    # u from about this many random pairs, every one counted
    u_max_pairs: float = 2e6
    # the pairs for u: every pair among a sample of records, as Splink samples them (False); or
    # pairs drawn independently of each other from every record (True: seed to seed their u agree
    # within 0.02 bits on common levels where Splink's sample moves some by 0.3-0.5). Placeable F1 at
    # 200,000 persons, seeds 42 / 7 / 99: Splink's sample 0.9449 / 0.9444 / 0.9498, independent
    # pairs 0.9420 / 0.9424 / 0.9419, every pair among a sample of records drawn uniformly in numpy
    # (the same on every engine) 0.9386 / 0.9311 / 0.9395 (docs/linkage.md, "The u sample")
    u_independent_pairs: bool = False
    seed: int = 42
    # each EM pass thinned to about this many pairs (3 million before: at 200,000 persons 1 million
    # moved F1 by -0.0001; 500,000 by -0.0018)
    em_max_pairs: int = 1_000_000
    # EM passes, each blocked on fields that are independent of the ones it trains: a pass blocked on
    # names learns what dates, places and ids say, and a pass blocked on the full birth date learns
    # names
    #
    # Splink leaves untrained in a pass the comparisons that read a column its rule names, and only
    # those: the full-date pass names `birth_year` too (the same pairs: one full date, one year) so
    # that it does not train the birth-date comparison, which every pair of it meets at "same full
    # date" (u 4e-5): that level alone drew every pair, strangers born the same day, into EM's match
    # class, and what the pass learnt of names was theirs (m of given names that differ 0.84).
    em_blocks: tuple[tuple[str, ...], ...] = (
        ("given_key", "family_key"),
        ("birth_year", "mother_key", "birth_governorate_id"),
        ("birth_day_date", "birth_year"),
        ("national_id",),
    )
    # Each EM pass keeps the blocks of at most this many records (`model.em_frame`). In a block of n
    # records the pairs grow with n squared and one person's records with n, and blocks grow with
    # the store: at a million records 1.2% of the pairs sharing given + family name were one
    # person's, and EM's match class lost the pairs whose evidence is weakest, a morgue row's (m of
    # "a death within 3 years after the other event" 0.001 against 0.11 at 200,000); the pass on
    # birth year, mother and governorate put 6% of its matches on national numbers that differ. In
    # blocks of at most 5 records 33% of the name pairs are one person's at a million, and the m
    # are those of 200,000 (docs/linkage.md, "EM at a million").
    em_block_limit: int = 5
    # the comparison of which lists a pair comes from (`settings.lists`) keeps the m of these passes
    # only: every kind of list writes names, while national numbers, full birth dates and mothers'
    # names are missing from whole lists (a morgue's), so passes blocked on them see no such pairs
    lists_learnt_from: tuple[tuple[str, ...], ...] = (("given_key", "family_key"),)
    # EM drives the m probability of a level that matches almost never show towards 0, which turns
    # one typo in a birth date or national number into a veto (-40 bits); real registers have such
    # typos, so every level keeps at least this probability in either class
    m_floor: float = 1e-3
    u_floor: float = 1e-6


@dataclass(frozen=True)
class SiblingConfig:
    """Which scored pairs are kept apart as brother and sister (`athar.linkage.siblings`)."""

    # pairs below this probability never join anyway; they need no constraint
    check_from: float = 0.5
    # given names below this Jaro-Winkler similarity (on their keys) are plainly different: the
    # model's "similar" level (`athar.names.SIMILAR_KEY_JW` when the run was made)
    different_given_below_jw: float = SIMILAR_KEY_JW


@dataclass(frozen=True)
class ClusteringConfig:
    """Which scored pairs clustering lets join, beside the run's threshold (`athar.linkage.rivals`)."""

    # a pair is set aside when one of its records has a pair with the other's list whose match
    # weight is higher by more than this (1 bit: more than twice the odds)
    rival_margin_bits: float = 1.0
    # a pair within one list joins only at or above this probability (or the run's threshold, if
    # higher): a person written twice in one list is rarer than in two, and a list alone is where
    # the model knows least
    one_list_threshold: float = 0.9


@dataclass(frozen=True)
class LabelConfig:
    """How reviewers' judgements tune the prior (`athar.linkage.labels`)."""

    # fewer judgements than this on either side and the prior is left as EM estimated it
    min_labels_each_way: int = 10
    # standard deviation (in bits of match weight) of the prior on the offset: labels must outweigh it
    offset_prior_sd: float = 4.0


@dataclass(frozen=True)
class LinkConfig:
    features: FeatureConfig = field(default_factory=FeatureConfig)
    blocking: BlockingConfig = field(default_factory=BlockingConfig)
    scoring: ScoringConfig = field(default_factory=ScoringConfig)
    training: TrainingConfig = field(default_factory=TrainingConfig)
    siblings: SiblingConfig = field(default_factory=SiblingConfig)
    labels: LabelConfig = field(default_factory=LabelConfig)
    clustering: ClusteringConfig = field(default_factory=ClusteringConfig)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> LinkConfig:
        """The config saved as `as_json()`; what it lacks (an older run's) takes today's defaults,
        and what today's code no longer knows is ignored."""
        data = data or {}
        sections = {}
        for section in fields(cls):
            kind = type(getattr(cls(), section.name))
            saved = data.get(section.name) or {}
            sections[section.name] = kind(
                **{f.name: _tuples(saved[f.name]) for f in fields(kind) if f.name in saved}
            )
        return cls(**sections)


DEFAULT_CONFIG = LinkConfig()


def _tuples(value: Any) -> Any:
    """JSON's lists back to the tuples a frozen config holds."""
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value
