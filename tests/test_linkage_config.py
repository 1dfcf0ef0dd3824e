"""The run's config: one frozen value, saved as JSON and read back, older runs' as today's defaults;
and the collector freeze scoped to the run."""

import gc
import json

from athar.linkage.cluster import ClusterResult
from athar.linkage.config import FeatureConfig, LinkConfig, SiblingConfig, TrainingConfig
from athar.linkage.features import feature_frame, name_roles
from athar.linkage.heap import objects_frozen
from athar.linkage.steps import Clustered, stable_ids
from athar.names.reading import LINKAGE, ReadingKind


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


# -- the feature thresholds are the config's --------------------------------------------------------

_NAMES = [
    {"unique_id": i, "source_dataset": "a", "full_name": full}
    for i, full in enumerate(["Naeem Ahmad Nafea Tarek", "محمد خير الدعاس", "Samir Khaled Haddad"] * 3)
]
_SEPARATE = [
    {"unique_id": 100 + i, "source_dataset": "b", "given_name": g, "father_name": "Omar", "family_name": f}
    for i, (g, f) in enumerate([("Tarek", "Haddad"), ("Naeem", "Tarek"), ("Samir", "Haddad")])
]


def _frame(config: FeatureConfig):
    return feature_frame(
        _NAMES + _SEPARATE, place_lookup=lambda _t: (None, None), other_readings=True, config=config
    )


def test_a_stricter_reading_threshold_scores_fewer_other_readings():
    default = _frame(FeatureConfig())
    strict = _frame(FeatureConfig(other_reading_min_log_odds=50.0))
    assert len(default) > len(_NAMES) + len(_SEPARATE)  # some names are read another way
    assert len(strict) == len(_NAMES) + len(_SEPARATE)  # no reading is that likely


def test_names_get_roles_only_when_seen_as_often_as_the_config_asks():
    records = _NAMES + _SEPARATE
    assert name_roles(records, min_count=1)
    assert not name_roles(records, min_count=1000)


def test_the_rare_pair_limit_decides_which_name_pairs_are_blocked_on():
    # each full name appears three times: blocked on with a limit of 3, not with a limit of 2
    loose = _frame(FeatureConfig(rare_name_pair_limit=3))
    tight = _frame(FeatureConfig(rare_name_pair_limit=2))
    assert loose["given_family_block"].notna().sum() > tight["given_family_block"].notna().sum()


def test_the_reading_policy_carries_the_config_thresholds():
    policy = FeatureConfig(
        other_reading_min_log_odds=-2.0, compound_given_log_odds=-1.0, family_first_margin=3.0
    )
    rules = policy.reading_policy()
    assert (rules.min_log_odds, rules.family_first_margin) == (-2.0, 3.0)
    assert rules.log_odds[ReadingKind.COMPOUND_GIVEN] == -1.0
    assert FeatureConfig().reading_policy() == LINKAGE  # the defaults are linkage's own policy
