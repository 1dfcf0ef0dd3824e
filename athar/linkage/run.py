"""`athar link`: from the store's records to persons, in one pass that can be re-run at will.

Full run: load -> features -> train (EM), checked against judgements -> score pairs -> cluster with
judgements -> stable ids -> store. Incremental run (the default once a model exists): only pairs that
involve records new since the last run are scored, with the last run's model; they join the pairs
kept from earlier runs and everything is clustered again (clustering is cheap), so the result
matches a full run's.

This module only strings the steps together (`athar.linkage.steps`, reading through
`athar.linkage.store_io`, writing through `athar.linkage.persist`) and times them. The run's config
(`athar.linkage.config`) and Athar's version are saved in its summary, for explain.
"""

from __future__ import annotations

import datetime as dt
import functools
import resource
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace

from sqlalchemy import Engine

from athar import __version__
from athar.linkage import feature_cache, persist, steps, store_io
from athar.linkage.config import LinkConfig
from athar.linkage.engines import db_api_for
from athar.linkage.errors import LinkageError
from athar.linkage.heap import collector_paused, objects_frozen
from athar.linkage.shared_numbers import digests
from athar.linkage.staleness import placeholder_reasons


@dataclass
class LinkOptions:
    engine: str = "duckdb"
    spark_master: str | None = None
    full: bool = False
    threshold: float = 0.85
    review_low: float = 0.3
    review_high: float = 0.97
    keep_pairs_above: float = 0.05
    blocking_report: bool = False
    user: str = "athar"
    # keep feature rows beside a SQLite store for later incremental runs (`athar.linkage.feature_cache`)
    feature_cache: bool = True
    # the tuning constants; None: the defaults for a full run, the previous run's for an incremental
    # one (which refuses a config other than its model's)
    config: LinkConfig | None = None


@dataclass
class LinkSummary:
    run_id: int
    mode: str
    engine: str
    records: int
    new_records: int
    pairs_scored: int
    persons: int
    persons_created: int
    merges: int
    splits: int
    review_tasks: int
    judgements_applied: int
    judgement_conflicts: int
    seconds: dict[str, float] = field(default_factory=dict)
    # CPU seconds of each step, this process's and its waited-for children's (the features step's
    # forked half): on a loaded machine, what the step would take alone better than its wall time
    cpu_seconds: dict[str, float] = field(default_factory=dict)
    # the process's peak resident memory at the end of each step: the step that raised it shows
    peak_rss_mib: dict[str, int] = field(default_factory=dict)
    blocking: list[dict] = field(default_factory=list)
    # full runs with judgements: the model against them before and after its prior was tuned
    judgement_check: dict = field(default_factory=dict)
    # in plain words: what the records could not tell (a parameter taken from a saved model or from
    # defaults, records nothing can pair); counts and field names, never personal data
    warnings: list[str] = field(default_factory=list)
    # an incremental run's reasons to retrain (`athar.linkage.staleness`): it still links with the
    # saved model, and `athar link --full` retrains
    model_stale: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return asdict(self)


Progress = Callable[[str], None]


class NothingToLink(LinkageError):
    """The store holds no records and has never been linked: there is nothing to do."""

    def __init__(self) -> None:
        super().__init__(
            "the store holds no records, so there is nothing to link: import a list first "
            "(`athar import FILE --source NAME`)"
        )


def cpu_time() -> float:
    """User and system CPU seconds of this process and of the children it has waited for."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class StepClock:
    """Each step's seconds (wall and CPU), and the process's peak memory by its end."""

    def __init__(self) -> None:
        self.started_at = dt.datetime.now(dt.UTC)
        self.seconds: dict[str, float] = {}
        self.cpu_seconds: dict[str, float] = {}
        self.peak_rss_mib: dict[str, int] = {}
        self._since = self.started_at
        self._cpu_since = cpu_time()

    def lap(self, step: str) -> None:
        now, cpu = dt.datetime.now(dt.UTC), cpu_time()
        self.seconds[step] = round((now - self._since).total_seconds(), 2)
        self.cpu_seconds[step] = round(cpu - self._cpu_since, 2)
        self._since, self._cpu_since = now, cpu
        self.peak_rss_mib[step] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def link(engine: Engine, options: LinkOptions | None = None, progress: Progress | None = None) -> LinkSummary:
    options = options or LinkOptions()
    cache = feature_cache.cache_for(engine) if options.feature_cache else None
    try:
        return _link(engine, options, progress or (lambda _m: None), cache)
    finally:
        if cache is not None:
            cache.wait()  # the features step's rows, written while the run went on


def _link(
    engine: Engine, options: LinkOptions, say: Progress, cache: feature_cache.FeatureCache | None
) -> LinkSummary:
    clock = StepClock()
    new_db_api = functools.partial(db_api_for, options.engine, options.spark_master)

    say("loading records")
    loaded = steps.load(engine, options.full, options.config, cache)
    if not loaded.records and loaded.previous is None:
        raise NothingToLink()
    config = loaded.config
    clock.lap("load")

    # The records live as long as the run: frozen, the collector no longer walks a million of them
    # each time the objects every later step makes trigger a full collection.
    with objects_frozen():
        say("computing name keys and features")
        features = steps.make_features(loaded)
        warnings = steps.shared_number_warnings(features, config.features.national_id_max_records)
        warnings += steps.unlinkable_warnings(features)
        placeholder_digests = digests(features.numbers_read_as_missing)
        if loaded.incremental and loaded.previous is not None:
            before = loaded.previous.national_ids_read_as_missing
            changed = placeholder_reasons(before, frozenset(placeholder_digests))
            loaded = replace(loaded, stale=(*loaded.stale, *changed))
        loaded = steps.released(loaded)
        clock.lap("features")

        blocking: list[dict] = []
        if options.blocking_report and loaded.keys:
            say("counting the pairs each blocking rule generates")
            blocking = steps.blocking_report(new_db_api, features)
            clock.lap("blocking_report")

        model = loaded.previous.model if loaded.incremental and loaded.previous else None
        judgement_check: dict = {}
        scored: steps.ScoredPairs = {}
        # records with neither a name nor a national number meet no blocking rule: with fewer than
        # two others, there is no pair to train on or to score
        scoring = loaded.needs_scoring and steps.pairable_records(features) >= 2
        if scoring and not loaded.incremental:
            say("training the model (EM)")
            trained = steps.train(new_db_api, features, config.training, loaded.previous)
            model = trained.model
            warnings += trained.warnings
            clock.lap("train")
        # the share each name is weighed by under the model (the judgement check moves only its
        # prior): for the check and for scoring, and kept with the run for explain, also by a run
        # that scores nothing and carries its predecessor's model on
        shares = steps.term_frequencies(features, model, config) if model is not None else {}
        if scoring:
            assert model is not None
            if not loaded.incremental:
                with engine.connect() as conn:
                    labels = steps.judged_labels(store_io.latest_judgements(conn), loaded.keys)
                if labels:
                    say("checking the model against reviewers' judgements")
                    checked = steps.check_against_judgements(
                        new_db_api, features, model, labels, options.threshold, config.labels, shares
                    )
                    model, judgement_check = checked.model, checked.report
                    clock.lap("judgements")
            say("scoring pairs")
            scored = steps.score(new_db_api, loaded, features, model, options.keep_pairs_above, shares)
            clock.lap("predict")

        say("clustering")
        # Clustering and writing make hundreds of thousands of objects that hold no cycle and all
        # die when the run returns; a full collection among them walked every object the run holds
        # (0.3 s at 200,000 records, ~1.5 s at a million, once in `finish_run` alone), where after
        # the run only what outlives it is left to walk.
        with collector_paused(), engine.begin() as conn:
            members = store_io.memberships(conn)
            max_judgement = store_io.max_judgement_id(conn)
            local = _clusters_only_what_changed(loaded, options)
            clustered = steps.cluster_records(
                loaded,
                features,
                scored,
                judgements=store_io.latest_judgements(conn),
                stored=store_io.stored_pairs(conn) if loaded.incremental else {},
                threshold=options.threshold,
                config=config.siblings,
                previous_members=members if local else None,
                judged_since=store_io.judged_after(conn, _last_judgement(loaded)) if local else (),
            )
            clock.lap("cluster")

            say("assigning stable person ids")
            assignment = steps.stable_ids(clustered, members, store_io.max_person_number(conn))
            persisted = persist.write_run(
                conn,
                loaded=loaded,
                scored=scored,
                model=model,
                clustered=clustered,
                assignment=assignment,
                engine=options.engine,
                user=options.user,
                threshold=options.threshold,
                review=persist.ReviewBand(options.review_low, options.review_high),
                started_at=clock.started_at,
                previous_members=members,
            )
            clock.lap("store")

            events = Counter(e["kind"] for e in assignment.events)
            summary = LinkSummary(
                run_id=persisted.run_id,
                mode=loaded.mode,
                engine=options.engine,
                records=len(loaded.keys),
                new_records=len(loaded.new_keys),
                pairs_scored=len(scored),
                persons=clustered.persons,
                persons_created=events["created"],
                merges=events["merged"],
                splits=events["split"],
                review_tasks=persisted.review_tasks,
                judgements_applied=clustered.judgements_applied,
                judgement_conflicts=len(clustered.result.conflicts),
                seconds=clock.seconds,
                cpu_seconds=clock.cpu_seconds,
                peak_rss_mib=clock.peak_rss_mib,
                blocking=blocking,
                judgement_check=judgement_check,
                warnings=warnings,
                model_stale=list(loaded.stale),
            )
            saved = {
                **summary.as_json(),
                # what a later run and explain read back (`store_io.SavedRun`)
                "max_record_row": loaded.max_row,
                "term_frequencies": shares,
                "national_ids_read_as_missing": placeholder_digests,
                "name_roles": features.roles,
                "config": config.as_json(),
                "athar_version": __version__,
                "source_kinds": loaded.source_kinds,
                # what the next incremental run needs to cluster only what changed
                "threshold": options.threshold,
                "review_band": [options.review_low, options.review_high],
                "max_judgement_id": max_judgement,
                "records_clustered": len(loaded.keys)
                if clustered.touched is None
                else len(clustered.touched),
                **_model_provenance(loaded, persisted.run_id),
            }
            persist.finish_run(conn, persisted.run_id, clustered.persons, saved)
    return summary


def _last_judgement(loaded: steps.Loaded) -> int:
    assert loaded.previous is not None
    return int(loaded.previous.summary["max_judgement_id"])


def _clusters_only_what_changed(loaded: steps.Loaded, options: LinkOptions) -> bool:
    """Whether the run may cluster again only the records a change touched
    (`steps.touched_records`): an incremental run after one that saved what it clustered with, with
    the same threshold and review band (else every person and review task is made anew)."""
    previous = loaded.previous
    if not loaded.incremental or previous is None:
        return False
    saved = previous.summary
    return (
        saved.get("max_judgement_id") is not None
        and saved.get("threshold") == options.threshold
        and saved.get("review_band") == [options.review_low, options.review_high]
    )


def _model_provenance(loaded: steps.Loaded, run_id: int) -> dict:
    """What the run's model was trained on (`store_io.SavedRun.model_run_id` and the rest): this run's
    records if it trained it, else what the run it came from said."""
    previous = loaded.previous
    if loaded.incremental and previous is not None:
        kinds = previous.model_source_kinds
        return {
            "model_run_id": previous.model_run_id,
            "model_records": previous.model_records,
            "model_source_kinds": None if kinds is None else sorted(kinds),
            "model_athar_version": previous.model_athar_version,
        }
    return {
        "model_run_id": run_id,
        "model_records": len(loaded.keys),
        "model_source_kinds": sorted({k for k in loaded.source_kinds.values() if k}),
        "model_athar_version": __version__,
    }
