"""The run's config: one frozen value, saved as JSON and read back, older runs' as today's defaults;
and the collector freeze scoped to the run."""

import gc
import json

from athar.linkage.cluster import ClusterResult
from athar.linkage.config import LinkConfig, SiblingConfig, TrainingConfig
from athar.linkage.heap import objects_frozen
from athar.linkage.steps import Clustered, stable_ids


def test_a_config_reads_back_as_saved_through_json():
    config = LinkConfig(
        training=TrainingConfig(em_blocks=(("given_key",), ("birth_year", "mother_key")), m_floor=1e-2),
        siblings=SiblingConfig(check_from=0.7),
    )
    assert LinkConfig.from_json(json.loads(json.dumps(config.as_json()))) == config


def test_a_run_saved_before_configs_reads_as_the_defaults():
    assert LinkConfig.from_json(None) == LinkConfig.from_json({}) == LinkConfig()


def test_a_saved_config_missing_a_field_takes_its_default_and_unknown_fields_are_ignored():
    config = LinkConfig.from_json({"siblings": {"check_from": 0.6, "retired_setting": 3}, "gone": {}})
    assert config.siblings == SiblingConfig(check_from=0.6)
    assert config.training == TrainingConfig()


def test_the_freeze_is_undone_on_the_way_out_even_after_an_error():
    assert gc.get_freeze_count() == 0
    try:
        with objects_frozen():
            assert gc.get_freeze_count() > 0
            raise RuntimeError("a step failed")
    except RuntimeError:
        pass
    assert gc.get_freeze_count() == 0


def test_objects_a_caller_froze_stay_frozen_and_nothing_more_is_frozen():
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        kept = [object() for _ in range(100)]  # made after the caller's freeze
        with objects_frozen():
            assert gc.get_freeze_count() == frozen
        assert gc.get_freeze_count() == frozen
        del kept
    finally:
        gc.unfreeze()


def test_new_person_ids_are_numbered_on_from_the_highest_given():
    clusters = {"c1": [("a", "1")], "c2": [("a", "2"), ("b", "1")], "c3": [("b", "2")]}
    clustered = Clustered(
        pairs={},
        judgements={},
        siblings=[],
        judgements_applied=0,
        result=ClusterResult({}),
        clusters=clusters,
    )
    assignment = stable_ids(clustered, previous={("a", "2"): "P-0000007"}, max_number=41)
    assert assignment.person_of_cluster == {"c2": "P-0000007", "c1": "P-0000042", "c3": "P-0000043"}
