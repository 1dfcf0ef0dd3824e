"""The Splink model: how u is estimated."""

from __future__ import annotations

import pandas as pd
import pytest
from splink import DuckDBAPI, Linker

from athar.linkage import model
from athar.linkage.engines import db_api_for
from athar.linkage.features import feature_frame
from athar.linkage.settings import settings
from athar.synth import generate


def _frame(persons: int, tmp_path) -> pd.DataFrame:
    """The features of synthetic lists as `athar link` reads them from a store."""
    from athar.demo import import_synthetic_lists
    from athar.linkage.run import _load_records
    from athar.store import open_store

    generate(tmp_path / "lists", persons=persons, seed=3)
    engine = open_store(str(tmp_path / "athar.db"))
    import_synthetic_lists(engine, tmp_path / "lists")
    records, _keys, _max_row = _load_records(engine)
    engine.dispose()
    return feature_frame(records)


def test_u_is_estimated_from_every_sampled_pair(tmp_path):
    """Splink stops counting once each level has 100 pairs in a probe of 1% of one side (about 20
    records): the u of a level that only some lists' pairs reach (a return after an arrest) then
    depends on which records the probe took. Counted over every sampled pair, it is the share of
    all pairs in that level (here every pair is sampled)."""
    features = _frame(500, tmp_path)
    linker = model.make_linker(db_api_for("duckdb"), features)
    model.estimate_u(linker, model.TrainingOptions())
    trained = linker.misc.save_model_to_json()
    levels = next(c for c in trained["comparisons"] if c["output_column_name"] == "event_date")
    u = {lv["label_for_charts"]: lv["u_probability"] for lv in levels["comparison_levels"][1:]}

    every = settings().get_settings("duckdb").as_dict()
    every["blocking_rules_to_generate_predictions"] = ["1=1"]
    every["retain_intermediate_calculation_columns"] = True
    scored = Linker(DuckDBAPI().register(features), every).inference.predict().as_pandas_dataframe()
    shares = scored.loc[scored["gamma_event_date"] >= 0, "gamma_event_date"].value_counts(normalize=True)
    labels = list(u)  # highest gamma first
    for gamma, share in shares.items():
        assert u[labels[len(labels) - 1 - gamma]] == pytest.approx(share, abs=1e-6)
