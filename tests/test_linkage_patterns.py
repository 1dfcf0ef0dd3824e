"""Training on comparison-vector patterns: random pairs, u counted over them, EM on pattern counts."""

from __future__ import annotations

import numpy as np
import pytest
from splink import Linker
from splink.internals.constants import LEVEL_NOT_OBSERVED_TEXT

from athar.linkage import model, patterns
from athar.linkage.engines import db_api_for
from athar.linkage.features import feature_frame


def test_few_records_give_every_pair_once_lower_id_first():
    left, right = patterns.random_pairs(np.array([7, 3, 5, 9]), max_pairs=10, seed=1)
    assert sorted(zip(left.tolist(), right.tolist(), strict=True)) == [
        (3, 5), (3, 7), (3, 9), (5, 7), (5, 9), (7, 9)
    ]  # fmt: skip


def test_many_records_give_independent_uniform_pairs_of_distinct_records_from_the_seed():
    ids = np.arange(1_000)
    left, right = patterns.random_pairs(ids, max_pairs=200_000, seed=5)
    assert len(left) == 200_000
    assert (left < right).all()
    again = patterns.random_pairs(ids, max_pairs=200_000, seed=5)
    assert (again[0] == left).all() and (again[1] == right).all()
    assert not (patterns.random_pairs(ids, max_pairs=200_000, seed=6)[0] == left).all()
    # every record is in about 2/n of the pairs, and so is every record's half of the ids: drawn
    # from all records, not from a sample of them
    seen = np.bincount(np.concatenate([left, right]), minlength=1_000)
    assert seen.min() > 0
    assert abs(seen.mean() - 400) < 1e-9 and seen.std() < 40  # binomial sd is 20


def _names(counts: dict[str | None, int]) -> list[dict]:
    rows = []
    for name, count in counts.items():
        rows += [{"given_name": name, "family_name": "Hassan"}] * count
    return [{**row, "unique_id": i, "source_dataset": "a", "source": "a"} for i, row in enumerate(rows)]


def _given_u(counts: dict[str | None, int], max_pairs: int) -> dict[str, float | str]:
    linker = model.make_linker(db_api_for("duckdb"), feature_frame(_names(counts)))
    u = patterns.estimate_u(linker, max_pairs, seed=11, independent=True)
    (given,) = [c for c in linker._settings_obj.comparisons if c.output_column_name == "given_name"]
    labels = {
        lv.comparison_vector_value: lv.label_for_charts for lv in given._comparison_levels_excluding_null
    }
    return {labels[v]: p for v, p in u["given_name"].items()}


def test_u_is_the_share_of_pairs_in_each_level_among_pairs_that_both_hold_the_field():
    # Ahmad and Yusuf share no letter: their pairs fall in "All other comparisons"
    u = _given_u({"Ahmad": 30, "Yusuf": 10, None: 5}, max_pairs=2_000_000)
    pairs = 40 * 39 / 2
    assert u["Exact match on given_key"] == pytest.approx((30 * 29 / 2 + 10 * 9 / 2) / pairs)
    assert u["All other comparisons"] == pytest.approx(30 * 10 / pairs)
    assert u["same consonant skeleton"] == LEVEL_NOT_OBSERVED_TEXT


def test_u_from_sampled_pairs_is_close_to_the_share_over_all_pairs():
    u = _given_u({"Ahmad": 200, "Yusuf": 100}, max_pairs=20_000)
    exact = (200 * 199 / 2 + 100 * 99 / 2) / (300 * 299 / 2)
    assert u["Exact match on given_key"] == pytest.approx(exact, abs=0.015)  # 4 standard errors


@pytest.fixture(scope="module")
def synthetic_features(tmp_path_factory):
    from athar.demo import import_synthetic_lists
    from athar.linkage.store_io import load_records_and_versions
    from athar.store import open_store
    from athar.synth import generate

    tmp = tmp_path_factory.mktemp("patterns")
    generate(tmp / "lists", persons=300, seed=3)
    engine = open_store(str(tmp / "athar.db"))
    import_synthetic_lists(engine, tmp / "lists")
    records, _versions = load_records_and_versions(engine)
    engine.dispose()
    return feature_frame(records)


def _em_m(features, rule: str, without_term_frequencies: bool) -> dict[tuple[str, int], float]:
    linker = model.make_linker(db_api_for("duckdb"), features)
    for comparison in linker._settings_obj.comparisons:
        for level in comparison.comparison_levels:  # each pair weighed by its levels alone
            level._tf_adjustment_column = None
    patterns.estimate_u(linker, 2_000_000, seed=1)
    linker._settings_obj._probability_two_random_records_match = 1e-3
    linker.training.estimate_parameters_using_expectation_maximisation(
        rule, estimate_without_term_frequencies=without_term_frequencies
    )
    return {
        (c.output_column_name, lv.comparison_vector_value): lv.m_probability
        for c in linker._settings_obj.comparisons
        for lv in c._comparison_levels_excluding_null
        if lv._has_estimated_m_values
    }


def test_em_on_pattern_counts_gives_splinks_em_over_every_pair(synthetic_features):
    """Without term frequencies a pair's match probability depends on its comparison vector only, so
    EM over the counts of each vector is EM over the pairs: Splink's row-by-row EM (its SQL, run
    when term frequencies are asked for, here with none configured) gives the same m."""
    rule = "l.given_key = r.given_key AND l.family_key = r.family_key"
    by_rows = _em_m(synthetic_features, rule, without_term_frequencies=False)
    by_patterns = _em_m(synthetic_features, rule, without_term_frequencies=True)
    assert by_rows.keys() == by_patterns.keys() and len(by_rows) > 20
    for key, m in by_rows.items():
        assert by_patterns[key] == pytest.approx(m, rel=1e-6, abs=1e-12), key


def test_em_passes_on_a_copy_without_term_frequencies_give_the_m_of_passes_on_the_linker(
    synthetic_features,
):
    """EM runs without term frequencies, so a copy of the linker whose levels have none (whose
    pairs are not joined to the 13 tables of counts) estimates the same m; the linker itself keeps
    its term-frequency adjustments for scoring."""
    rule = "l.given_key = r.given_key AND l.family_key = r.family_key"

    def trained(on_copy: bool) -> tuple[dict, Linker]:
        linker = model.make_linker(db_api_for("duckdb"), synthetic_features)
        patterns.estimate_u(linker, 2_000_000, seed=1)
        linker._settings_obj._probability_two_random_records_match = 1e-3
        em_linker = model.without_term_frequencies(linker) if on_copy else linker
        em_linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
        if on_copy:
            model._take_m_from(em_linker, linker)
        m = {
            (c.output_column_name, lv.comparison_vector_value): lv.m_probability
            for c in linker._settings_obj.comparisons
            for lv in c._comparison_levels_excluding_null
            if lv._has_estimated_m_values
        }
        return m, linker

    direct, _ = trained(on_copy=False)
    copied, linker = trained(on_copy=True)
    assert direct.keys() == copied.keys() and len(direct) > 20
    for key, m in direct.items():
        assert copied[key] == pytest.approx(m, rel=1e-9), key
    saved = linker.misc.save_model_to_json()
    (given,) = [c for c in saved["comparisons"] if c["output_column_name"] == "given_name"]
    assert any(level.get("tf_adjustment_column") == "given_key" for level in given["comparison_levels"])


def test_u_over_splinks_sample_of_records_is_splinks_u(synthetic_features):
    """Counted in one query over every pair among the records Splink samples (here a fraction of
    them), u is what Splink's estimate gives (with every pair counted)."""
    ours = model.make_linker(db_api_for("duckdb"), synthetic_features)
    patterns.estimate_u(ours, 20_000, seed=42)
    splinks = model.make_linker(db_api_for("duckdb"), synthetic_features)
    splinks.training.estimate_u_using_random_sampling(max_pairs=20_000, seed=42, min_count_per_level=None)
    assert len(synthetic_features) * (len(synthetic_features) - 1) / 2 > 3 * 20_000  # a sample
    for mine, theirs in zip(ours._settings_obj.comparisons, splinks._settings_obj.comparisons, strict=True):
        for a, b in zip(
            mine._comparison_levels_excluding_null, theirs._comparison_levels_excluding_null, strict=True
        ):
            if b._u_probability is None:  # not observed: neither has a u
                assert a._u_probability is None
            else:
                assert a._u_probability == pytest.approx(b._u_probability, rel=1e-12), a.label_for_charts


def test_pairs_blocked_here_are_scored_as_splinks_own_blocking_scores_them(synthetic_features):
    """Every rule's pairs with duplicates dropped are the pairs Splink's blocking generates (each
    rule's less the earlier rules'), and Splink scores them alike; incremental rules included."""
    from athar.linkage.config import TrainingConfig
    from athar.linkage.steps import incremental_model

    training = model.em_frame(synthetic_features, TrainingConfig())
    linker = model.make_linker(db_api_for("duckdb"), training)
    trained = model.train(linker, TrainingConfig(), features=training).model
    rows = synthetic_features.assign(is_new=synthetic_features["unique_id"] % 3 == 0)
    for scoring_model in (trained, incremental_model(trained)):

        def scored(ours: bool, scoring_model: dict = scoring_model):
            scorer = model.make_linker(db_api_for("duckdb"), rows, scoring_model)
            if ours:
                frame = model.predict(scorer, 0.0)
            else:
                splinks = scorer.inference.predict(threshold_match_probability=0.0)
                frame = model._predicted(scorer, splinks)
            return frame.sort_values(["unique_id_l", "unique_id_r"]).reset_index(drop=True)

        ours, splinks = scored(True), scored(False)
        assert len(ours) > 40  # 50 at 300 persons
        assert ours[["unique_id_l", "unique_id_r"]].equals(splinks[["unique_id_l", "unique_id_r"]])
        assert np.allclose(ours["match_weight"], splinks["match_weight"])
