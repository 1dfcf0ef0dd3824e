"""Name evidence weighed by how common the name is, on every level that says "the same name": a
rare name agreeing counts for more than a common one, also when two spellings meet only on their
consonant skeleton or their dotless letter shapes."""

from __future__ import annotations

import math

import pytest
from splink import DuckDBAPI, Linker

from athar.linkage.features import feature_frame
from athar.linkage.settings import TERM_FREQUENCY_COLUMNS, settings


def _records(families: list[str]) -> list[dict]:
    return [
        {"unique_id": i, "source_dataset": "list", "given_name": "Ziad", "family_name": family}
        for i, family in enumerate(families)
    ]


def _weights(families: list[str]) -> dict[frozenset[str], float]:
    """The family name's match weight (term-frequency adjustment included) of every pair of records
    with these family names, by the two spellings."""
    features = feature_frame(_records(families))
    model = settings().get_settings("duckdb").as_dict()
    model["blocking_rules_to_generate_predictions"] = ["1=1"]
    model["retain_intermediate_calculation_columns"] = True
    linker = Linker(DuckDBAPI().register(features), model)
    scored = linker.inference.predict().as_pandas_dataframe()
    weight = scored["mw_family_name"] + scored["mw_tf_adj_family_name"].fillna(0.0)
    out = {}
    for left, right, w in zip(scored["unique_id_l"], scored["unique_id_r"], weight, strict=True):
        out.setdefault(frozenset((families[left], families[right])), w)
    return out


def test_a_rare_name_met_on_its_skeleton_outweighs_a_common_skeleton():
    """سليم / Sleem (a rare name, two spellings with one skeleton) and محمد / محمود (two names that
    share the commonest skeleton) both agree only on their consonant skeletons; the rare one is
    the stronger evidence, by the log of how much commoner the skeleton is (24 records to 2), as an
    exact match of a rare name is."""
    families = ["محمد"] * 12 + ["محمود"] * 12 + ["سليم", "Sleem"]
    weights = _weights(families)
    rare = weights[frozenset(("سليم", "Sleem"))]
    common = weights[frozenset(("محمد", "محمود"))]
    assert rare - common == pytest.approx(math.log2(24 / 2), abs=0.01)  # bits


def test_every_name_level_that_counts_frequencies_has_its_column_kept():
    """Explain weighs a pair with the shares the run counted: each column a level adjusts by is
    among the columns whose shares are kept with the run."""
    model = settings().get_settings("duckdb").as_dict()
    adjusted = {
        level["tf_adjustment_column"]
        for comparison in model["comparisons"]
        for level in comparison["comparison_levels"]
        if level.get("tf_adjustment_column")
    }
    assert adjusted == set(TERM_FREQUENCY_COLUMNS)
    assert {"given_skel", "family_rasm"} <= adjusted


def _model_with_u(us: dict[str, float]) -> dict:
    """Athar's settings with each term-frequency level's u set from `us` (by its column)."""
    model = settings().get_settings("duckdb").as_dict()
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            column = level.get("tf_adjustment_column")
            if column in us:
                level["u_probability"] = us[column]
    return model


def test_a_stores_own_adjustment_is_taken_as_far_as_the_store_is_large():
    from athar.linkage.frequencies import trust

    assert trust(0, 30) == 0.0
    assert trust(30, 30) == pytest.approx(0.5)
    assert trust(3, 30) < 0.02 < trust(19, 30) < trust(600, 30)
    assert trust(600, 30) > 0.99 and trust(20_000, 30) > 0.999_99
    assert trust(3, 0) == 1.0  # no prior: the store's counts as Splink takes them


def test_a_names_adjustment_is_the_stores_own_scaled_by_trust_and_zero_without_trust():
    import pandas as pd

    from athar.linkage.frequencies import NameCounts, trust, used_shares

    rows = pd.DataFrame({"given_key": ["umar"] * 3 + ["ziad"] + [None], "family_key": ["khalil"] * 5})
    counts = NameCounts.of(rows, TERM_FREQUENCY_COLUMNS)
    assert counts.totals["given_key"] == 4 and counts.shares["given_key"] == {"umar": 0.75, "ziad": 0.25}
    u = {"given_key": 0.01, "family_key": 0.002}
    model = _model_with_u(u)
    for half in (0, 2, 30):
        used = used_shares(counts, model, half)
        for column, shares in counts.shares.items():
            w = trust(counts.totals[column], half)
            for value, share in shares.items():
                own = math.log2(u[column] / share)
                assert math.log2(u[column] / used[column][value]) == pytest.approx(w * own)
    # with no level adjusting by a column, its shares are Splink's own
    assert used_shares(counts, {"comparisons": []}, 30) == counts.shares


def test_scoring_reads_the_shares_it_is_given_rather_than_counting_its_own():
    from athar.linkage.model import make_linker

    features = feature_frame(_records(["Khalil", "Khalil", "Haddad"]))
    model = _model_with_u({"family_key": 0.01})
    model["blocking_rules_to_generate_predictions"] = ["1=1"]
    model["retain_intermediate_calculation_columns"] = True
    key = features["family_key"].iloc[0]
    given = {column: {} for column in TERM_FREQUENCY_COLUMNS} | {"family_key": {key: 0.04}}
    linker = make_linker(DuckDBAPI(), features, model, given)
    scored = linker.inference.predict().as_pandas_dataframe()
    pair = scored[(scored["unique_id_l"] == 0) & (scored["unique_id_r"] == 1)].iloc[0]
    assert pair["tf_family_key_l"] == pytest.approx(0.04)  # counted, it would be 2/3
    assert pair["mw_tf_adj_family_name"] == pytest.approx(math.log2(0.01 / 0.04))


def test_splink_scores_a_name_by_the_stores_adjustment_taken_at_its_trust():
    """Through Splink's own SQL: the names' adjustments in a store of four records are the store's
    own (log2 of u over the name's share there) scaled by the store's trust."""
    from athar.linkage.frequencies import NameCounts, trust, used_shares
    from athar.linkage.model import make_linker

    features = feature_frame(_records(["Khalil", "Khalil", "Khalil", "Haddad"]))
    u = 0.01
    model = _model_with_u({"family_key": u})
    model["blocking_rules_to_generate_predictions"] = ["1=1"]
    model["retain_intermediate_calculation_columns"] = True
    counts = NameCounts.of(features, TERM_FREQUENCY_COLUMNS)
    half = 3
    linker = make_linker(DuckDBAPI(), features, model, used_shares(counts, model, half))
    scored = linker.inference.predict().as_pandas_dataframe()
    pair = scored[(scored["unique_id_l"] == 0) & (scored["unique_id_r"] == 1)].iloc[0]
    w = trust(4, half)
    assert 0.5 < w < 1
    assert pair["mw_tf_adj_family_name"] == pytest.approx(w * math.log2(u / 0.75))
