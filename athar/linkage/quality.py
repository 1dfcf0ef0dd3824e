"""How the model's scores look and how they agree with reviewers: the figures behind the review
page's charts, as Splink shows them (the distribution of match probabilities with the thresholds
marked; precision and recall against labelled pairs).

Reviewers' judgements are the labels: "same" a true match, "different" a true non-match ("unsure"
is no label). A judged pair the model never scored (blocking did not pair it) counts as a score of 0.
Only pairs whose two records are in `sources` count, so an organisation sees figures over what it may
see.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Engine, and_, func, select, true

from athar.store.tables import Decision, Judgement, LinkPair, LinkRun

THRESHOLDS: tuple[float, ...] = (0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.97, 0.99)


@dataclass(frozen=True)
class Band:
    low: float
    high: float
    pairs: int


@dataclass(frozen=True)
class ThresholdQuality:
    threshold: float
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float | None:
        called = self.true_positives + self.false_positives
        return self.true_positives / called if called else None

    @property
    def recall(self) -> float | None:
        real = self.true_positives + self.false_negatives
        return self.true_positives / real if real else None


@dataclass(frozen=True)
class ModelQuality:
    run_id: int | None
    threshold: float | None
    bands: tuple[Band, ...]
    labelled_same: int
    labelled_different: int
    by_threshold: tuple[ThresholdQuality, ...]


def _both_in(table, sources: Collection[str] | None) -> ColumnElement[bool]:
    if sources is None:
        return true()
    return and_(table.left_source.in_(sources), table.right_source.in_(sources))


def probability_bands(engine: Engine, sources: Collection[str] | None = None, bands: int = 20) -> list[Band]:
    """How many kept pairs fall in each of `bands` equal slices of match probability."""
    slice_ = func.floor(LinkPair.match_probability * bands).label("slice")
    query = select(slice_, func.count()).where(_both_in(LinkPair, sources)).group_by(slice_)
    counts: dict[int, int] = {}
    with engine.connect() as conn:
        for k, n in conn.execute(query):
            top = min(int(k), bands - 1)  # a probability of exactly 1 belongs to the last band
            counts[top] = counts.get(top, 0) + n
    return [Band(k / bands, (k + 1) / bands, counts.get(k, 0)) for k in range(bands)]


def labelled_scores(engine: Engine, sources: Collection[str] | None = None) -> list[tuple[float, bool]]:
    """(model's probability, reviewers said same) for each pair with a same/different judgement; the
    latest judgement of a pair counts."""
    latest = (
        select(func.max(Judgement.id))
        .where(_both_in(Judgement, sources))
        .group_by(
            Judgement.left_source, Judgement.left_record_id, Judgement.right_source, Judgement.right_record_id
        )
    )
    score = (
        select(func.max(LinkPair.match_probability))
        .where(
            LinkPair.left_source == Judgement.left_source,
            LinkPair.left_record_id == Judgement.left_record_id,
            LinkPair.right_source == Judgement.right_source,
            LinkPair.right_record_id == Judgement.right_record_id,
        )
        .scalar_subquery()
    )
    query = select(score, Judgement.decision).where(
        Judgement.id.in_(latest), Judgement.decision.in_((Decision.SAME, Decision.DIFFERENT))
    )
    with engine.connect() as conn:
        return [(p or 0.0, d == Decision.SAME) for p, d in conn.execute(query)]


def quality_at(labelled: list[tuple[float, bool]], threshold: float) -> ThresholdQuality:
    tp = sum(1 for p, same in labelled if same and p >= threshold)
    fp = sum(1 for p, same in labelled if not same and p >= threshold)
    fn = sum(1 for p, same in labelled if same and p < threshold)
    return ThresholdQuality(threshold, tp, fp, fn)


def model_quality(engine: Engine, sources: Collection[str] | None = None) -> ModelQuality:
    with engine.connect() as conn:
        run = conn.execute(select(LinkRun.id, LinkRun.threshold).order_by(LinkRun.id.desc()).limit(1)).first()
    labelled = labelled_scores(engine, sources)
    thresholds = sorted({*THRESHOLDS, *([run.threshold] if run else [])})
    return ModelQuality(
        run_id=run.id if run else None,
        threshold=run.threshold if run else None,
        bands=tuple(probability_bands(engine, sources)),
        labelled_same=sum(1 for _, same in labelled if same),
        labelled_different=sum(1 for _, same in labelled if not same),
        by_threshold=tuple(quality_at(labelled, t) for t in thresholds),
    )
