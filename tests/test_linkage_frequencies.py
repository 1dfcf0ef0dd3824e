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
