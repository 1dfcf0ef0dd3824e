"""The Splink model: how u is estimated, and what the event-date comparison says of two lists' events."""

from __future__ import annotations

import re

import duckdb
import pandas as pd
import pytest
from splink import DuckDBAPI, Linker

from athar.linkage import model
from athar.linkage.config import TrainingConfig
from athar.linkage.engines import db_api_for
from athar.linkage.features import feature_frame
from athar.linkage.settings import (
    BIRTH_DATES_MAY_AGREE,
    BLOCKING_RULES,
    birth_date,
    event_date,
    lists,
    mother,
    settings,
)
from athar.synth import generate


def _level(comparison, left: dict, right: dict) -> str:
    """The label of the first level of `comparison` that two records with these values meet."""
    row = {f"{k}_l": [v] for k, v in left.items()} | {f"{k}_r": [v] for k, v in right.items()}
    con = duckdb.connect()
    con.register("pair", pd.DataFrame(row))
    for level in comparison.get_comparison("duckdb").as_dict()["comparison_levels"]:
        condition = "TRUE" if level["sql_condition"] == "ELSE" else level["sql_condition"]
        if con.execute(f"SELECT ({condition}) FROM pair").fetchone()[0]:
            return level["label_for_charts"]
    raise AssertionError("no level met")


def _event(kind: str, date: str) -> dict:
    day = (pd.Timestamp(date) - pd.Timestamp("1970-01-01")).days if len(date) == 10 else None
    month = int(date[:4]) * 12 + int(date[5:7]) - 1 if len(date) >= 7 else None
    return {"event_kind": kind, "event_year": int(date[:4]), "event_month": month, "event_day": day}


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        (_event("event", "2013-05-01"), _event("event", "2013-05-20"), "within a month"),
        (_event("event", "2013-05-28"), _event("event", "2013-06"), "same or next month"),
        (_event("event", "2013-12"), _event("event", "2014-01-03"), "same or next month"),
        (_event("event", "2013-05-28"), _event("event", "2013-08"), "same year"),
        (_event("event", "2013-05-01"), _event("event", "2013-06-20"), "same year"),
        (_event("death", "2014-03-01"), _event("event", "2013-05-01"), "a death within 3 years after"),
        (_event("event", "2013-05-01"), _event("death", "2014-03-01"), "a death within 3 years after"),
        (_event("death", "2014-03-01"), _event("event", "2013"), "a death within 3 years after"),
        (_event("death", "2020-03-01"), _event("event", "2013-05-01"), "a death years after"),
        (_event("death", "2012-01-01"), _event("event", "2013-05-01"), "a death before"),
        (_event("death", "2012-01-01"), _event("return", "2019-06-01"), "a death before"),
        (_event("return", "2021-06-01"), _event("event", "2013-05"), "a return after"),
        (_event("event", "2022-02-02"), _event("return", "2019-06-01"), "a return before"),
        (_event("event", "2013-05-01"), _event("event", "2016-05-01"), "All other"),
    ],
)
def test_events_of_different_kinds_are_compared_by_their_order(left, right, level):
    """A death follows the arrest, disappearance or return other lists record; a return follows the
    arrest or disappearance. Two events of one kind are compared by how far apart they are."""
    assert _level(event_date(), left, right).startswith(level)


def _frame(persons: int, tmp_path) -> pd.DataFrame:
    """The features of synthetic lists as `athar link` reads them from a store."""
    from athar.demo import import_synthetic_lists
    from athar.linkage.store_io import load_records_and_versions
    from athar.store import open_store

    generate(tmp_path / "lists", persons=persons, seed=3)
    engine = open_store(str(tmp_path / "athar.db"))
    import_synthetic_lists(engine, tmp_path / "lists")
    records, _versions = load_records_and_versions(engine)
    engine.dispose()
    return feature_frame(records)


def test_u_is_estimated_from_every_sampled_pair(tmp_path):
    """Splink stops counting once each level has 100 pairs in a probe of 1% of one side (about 20
    records): the u of a level that only some lists' pairs reach (a return after an arrest) then
    depends on which records the probe took. Counted over every sampled pair, it is the share of
    all pairs in that level (here every pair is sampled). 200 persons, ~240 records: Splink's own
    estimate still misses every level's share (at 120 persons it would count them all)."""
    features = _frame(200, tmp_path)
    linker = model.make_linker(db_api_for("duckdb"), features)
    model.estimate_u(linker, TrainingConfig())
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


def _mothers(left: str, right: str) -> tuple[dict, dict]:
    """The mother columns of two records that write these mothers, as features make them."""
    records = [
        {"unique_id": i, "source_dataset": "a", "full_name": "Ali Hasan", "mother_name": name}
        for i, name in enumerate((left, right))
    ]
    rows = feature_frame(records, roles={})[["mother_key", "mother_skel", "mother_rasm"]]
    first, second = rows.to_dict("records")
    return first, second


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        ("Amna", "آمنة الحموي", "Exact match on mother_key"),
        # another transliteration of her name: not "different", which weighed -4 bits
        ("Emna El Muflihi", "آمنة المفلحي", "same consonant skeleton"),
        # a register's scan that moved a dot
        ("Sabah", "صتاح", "same letter shapes, dots aside (scan noise)"),
        ("Fatima", "Khadija", "All other comparisons"),
    ],
)
def test_a_mother_written_otherwise_meets_her_name_by_skeleton_or_letter_shapes(left, right, level):
    assert _level(mother(), *_mothers(left, right)) == level


def _of(source: str, kind: str, custody: str | None = None) -> dict:
    return {"source_dataset": source, "event_kind": kind, "event_custody": custody}


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        (_of("register", "event"), _of("register", "event"), "same list"),
        (_of("morgue", "death"), _of("morgue", "death"), "same list"),
        (_of("morgue", "death"), _of("returnees", "return"), "a death and a return"),
        (_of("returnees", "return"), _of("morgue", "death"), "a death and a return"),
        (_of("register", "event"), _of("morgue", "death"), "a death and another event"),
        (_of("returnees", "return"), _of("families", "event"), "a return and another event"),
        (_of("register", "event"), _of("families", "event"), "two lists of events of one kind"),
        (_of("morgue A", "death"), _of("morgue B", "death"), "two lists of events of one kind"),
        # where the death happened, against a list that records custody
        (
            _of("register", "event", "held"),
            _of("morgue", "death", "held"),
            "a death in custody and another record of custody",
        ),
        (
            _of("morgue", "death", "held"),
            _of("register", "event", "held"),
            "a death in custody and another record of custody",
        ),
        (
            _of("morgue", "death", "free"),
            _of("register", "event", "held"),
            "a death outside custody and a record of custody",
        ),
        (_of("morgue", "death"), _of("register", "event", "held"), "a death and another event"),
        (_of("morgue", "death", "held"), _of("families", "event", "free"), "a death and another event"),
        (_of("morgue", "death", "held"), _of("families", "event"), "a death and another event"),
        (
            _of("morgue A", "death", "held"),
            _of("morgue B", "death", "held"),
            "two lists of events of one kind",
        ),
        (_of("returnees", "return", "free"), _of("register", "event", "held"), "a return and another event"),
    ],
)
def test_the_lists_of_a_pair_are_compared_by_their_kinds(left, right, level):
    """Two records of one list, a death and a return, a death in custody or outside it and a record of
    custody, a death or a return and another list's event, or two lists that record the same kind of
    event: each its own level, so that EM learns how often each holds one person's two records."""
    assert _level(lists(), left, right) == level


def test_the_lists_comparison_keeps_the_m_of_the_passes_blocked_on_names(tmp_path):
    """A pass blocked on national numbers or full birth dates sees no morgue pair (morgues write
    neither), so its m for "a death and another event" is near 0; the median over passes would
    take it. Only the passes blocked on names, which every kind of list writes, are kept."""
    features = _frame(300, tmp_path)
    linker = model.make_linker(db_api_for("duckdb"), features)
    names_pass = (
        "EM, blocked on: l.given_key = r.given_key AND l.family_key = r.family_key"
        " AND l.em_block_0 = r.em_block_0"
    )
    (comparison,) = [c for c in linker._settings_obj.comparisons if c.output_column_name == "lists"]
    levels = comparison._comparison_levels_excluding_null
    for i, level in enumerate(levels):
        level._add_trained_m_probability(
            0.1 + 0.1 * i, f"{names_pass} AND (l.unique_id + r.unique_id) % 3 = 0"
        )
        level._add_trained_m_probability(1e-4, "EM, blocked on: l.national_id = r.national_id")
        level._add_trained_m_probability(1e-4, "EM, blocked on: l.birth_day_date = r.birth_day_date")
    model._keep_lists_m_from(linker, TrainingConfig().lists_learnt_from)
    assert [level.m_probability for level in levels] == pytest.approx(
        [0.1 + 0.1 * i for i in range(len(levels))]
    )


def _em_pairs(features: pd.DataFrame, block: model.EmBlock) -> list[tuple[int, int]]:
    con = duckdb.connect()
    con.register("features", features)
    return con.execute(
        f"SELECT l.unique_id, r.unique_id FROM features l JOIN features r "
        f"ON {block.rule} AND l.unique_id < r.unique_id ORDER BY 1, 2"
    ).fetchall()


def _registered(i: int, given: str, family: str, born: str) -> dict:
    return {"unique_id": i, "source_dataset": "register", "source_kind": "detention", "sex": "m"} | {
        "given_name": given,
        "family_name": family,
        "birth_date": born,
    }


def test_each_em_pass_keeps_only_the_blocks_of_few_records():
    """In a block of n records the pairs grow with n squared and the matches with n: at a million
    records EM's match class in the pass over every pair of a common name lost the morgue's pairs
    (m of "a death within 3 years after the other event" 0.001, against 0.11 at 200,000), and in the
    pass on the full birth date it took strangers born the same day for matches. Each pass keeps the
    blocks of at most `em_block_limit` records, whose share of matches does not fall with the store:
    here 30 Ayman Hamads (435 pairs) and 30 records born on 1 May 1990 are left out of the passes on
    names and on the full birth date, three Ayham Zoubis and two records born on 2 May kept."""
    common = [_registered(i, "Ayman", "Hamad", "1990-05-01") for i in range(30)]
    rare = [_registered(30 + i, "Ayham", "Zoubi", f"19{70 + i}-01-0{i + 1}") for i in range(3)]
    born_alike = [_registered(33 + i, "Khalil", f"Nasr{'abcd'[i]}", "1990-05-02") for i in range(2)]
    config = TrainingConfig()
    features = model.em_frame(feature_frame([*common, *rare, *born_alike]), config)
    passes = {columns: index for index, columns in enumerate(config.em_blocks)}

    names = model.em_block(passes[("given_key", "family_key")], ("given_key", "family_key"), features, 10**6)
    assert names.pairs == 3
    assert _em_pairs(features, names) == [(30, 31), (30, 32), (31, 32)]
    full_date = next(columns for columns in passes if "birth_day_date" in columns)
    born = model.em_block(passes[full_date], full_date, features, 10**6)
    assert born.pairs == 1
    assert _em_pairs(features, born) == [(33, 34)]
    # without the limit, the common blocks would be there
    unlimited = model.em_frame(features, TrainingConfig(em_block_limit=10**6))
    assert model.em_block(0, ("given_key", "family_key"), unlimited, 10**6).pairs == 435 + 3


def test_no_em_pass_trains_a_comparison_its_key_decides():
    """Splink leaves untrained in a pass the comparisons that read a column its rule names. A pass
    on the full birth date that trained the birth-date comparison saw every pair at "same full date"
    (u 4e-5), and that level alone drew strangers born the same day into EM's match class: the names
    it learnt were theirs (m of given names that differ 0.84 at 200,000 persons)."""
    from splink.internals.parse_sql import get_columns_used_from_sql

    config = TrainingConfig()
    comparisons = settings().get_settings("duckdb").comparisons
    decided = {
        ("given_key", "family_key"): {"given_name", "family_name"},
        ("birth_year", "mother_key", "birth_governorate_id"): {"birth_date", "mother_name", "birth_place"},
        ("birth_day_date", "birth_year"): {"birth_date"},
        ("national_id",): {"national_id"},
    }
    assert set(config.em_blocks) == set(decided)
    for index, columns in enumerate(config.em_blocks):
        rule = model.em_block(index, columns, None, 10**6).rule
        used = set(get_columns_used_from_sql(rule, "duckdb"))
        untrained = {
            c.output_column_name
            for c in comparisons
            if used & {col.input_name for col in c._input_columns_used_by_case_statement}
        }
        assert untrained >= decided[columns], columns
        assert "lists" not in untrained  # what every pass is to learn of the lists


def test_an_em_pass_is_thinned_within_its_small_blocks():
    families = ("Zoubi", "Hamad", "Nasr", "Khalil", "Haddad", "Shami", "Masri", "Halabi", "Homsi", "Idlibi")
    records = [_registered(i, "Ayham", families[i // 5], "") for i in range(50)]  # 10 blocks of 5
    features = model.em_frame(feature_frame(records), TrainingConfig())
    block = model.em_block(0, ("given_key", "family_key"), features, max_pairs=30)
    assert block.rule.endswith("AND (l.unique_id + r.unique_id) % 4 = 0")
    assert block.pairs == 100 // 4
    assert 0 < len(_em_pairs(features, block)) < 100


def test_a_family_first_name_is_blocked_with_the_same_name_given_first_through_its_other_reading():
    """No blocking rule pairs one name column with another (given with family): comparisons go name
    part by name part, so such a pair would score low; the other reading of a name written without
    a marked order is what meets the same name given first, on the ordinary rules."""
    records = [
        {"unique_id": 0, "source_dataset": "a", "source_kind": "detention", "sex": "m"}
        | {"given_name": "Khalil", "father_name": "Muhammad", "family_name": "Abdallah"},
        {"unique_id": 1, "source_dataset": "b", "source_kind": "detention", "sex": "m"}
        | {"full_name": "Abdallah Khalil Muhammad"},
    ]
    rows = feature_frame(records, other_readings=True)
    others = set(rows.loc[rows["reading_of"] == 1, "unique_id"]) - {1}
    linker = model.make_linker(db_api_for("duckdb"), rows)
    blocked = model.blocked_pairs(linker).as_pandas_dataframe()
    pairs = set(zip(blocked["join_key_l"], blocked["join_key_r"], strict=True))
    assert {(0, other) for other in others} & pairs
    for rule in BLOCKING_RULES:
        for left, right in re.findall(r"[lr]\.(\w+) = [lr]\.(\w+)", rule):
            assert left == right, rule


def _born(year: int | None, precision: str | None, month: int | None = 6, day: int | None = 15) -> dict:
    date = f"{year}-{month:02d}-{day:02d}" if year and precision == "day" else None
    return {
        "birth_year": year,
        "birth_precision": precision,
        "birth_date": date,
        "birth_month": month if year and precision == "day" else None,
        "birth_day": day if year and precision == "day" else None,
    }


@pytest.mark.parametrize("precision_l", ["day", "year", "age", None])
@pytest.mark.parametrize("precision_r", ["day", "year", "age"])
@pytest.mark.parametrize("apart", [0, 1, 2, 3, 4, 7, 8, 20])
def test_the_namesake_rules_drop_exactly_the_pairs_born_years_apart(precision_l, precision_r, apart):
    """`BIRTH_DATES_MAY_AGREE`, which the rules that pair many namesakes carry, holds for a pair
    unless its birth dates meet the comparison's last level (years apart beyond either precision)."""
    left = _born(1980 if precision_l else None, precision_l)
    right = _born(1980 + apart, precision_r, month=7)
    disagree = _level(birth_date(), left, right).startswith("All other")
    row = {f"{k}": [v] for k, v in left.items()}
    con = duckdb.connect()
    con.register("l", pd.DataFrame(row).astype({"birth_year": "Int64"}))
    con.register("r", pd.DataFrame({k: [v] for k, v in right.items()}).astype({"birth_year": "Int64"}))
    (may_agree,) = con.execute(f"SELECT {BIRTH_DATES_MAY_AGREE} FROM l, r").fetchone()
    assert may_agree is not disagree
    namesake_rules = [rule for rule in BLOCKING_RULES if BIRTH_DATES_MAY_AGREE in rule]
    assert len(namesake_rules) == 7
