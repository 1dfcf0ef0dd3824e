"""Every store links: stores a new user starts with (one list alone, no duplicates, a handful of
records, no names) either link, saying in plain words what could not be estimated, or are refused
with a sentence; never a traceback."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import combinations
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from athar.cli import app
from athar.exports import current_records
from athar.ingest import import_file
from athar.linkage import model, steps
from athar.linkage.config import TrainingConfig
from athar.linkage.engines import db_api_for
from athar.linkage.explain import explain
from athar.linkage.shared_numbers import digest
from athar.linkage.store_io import SavedRun, latest_run
from athar.store import open_store
from athar.store.tables import LinkRun
from athar.synth import generate
from tests.conftest import built_once

runner = CliRunner()
NATIONAL_NUMBER_HEADERS = ("national_id", "الرقم الوطني")
ENCODINGS = {"detention": "cp1256"}  # the synthetic detention register is written as Windows-1256


@pytest.fixture(scope="module")
def lists(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Synthetic lists, generated once per run for every xdist worker: read only."""
    return built_once(tmp_path_factory, "every-store-lists", lambda out: generate(out, persons=1500, seed=11))


@pytest.fixture(scope="module")
def many_lists(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Lists of 10,000 persons, for a families' list of thousands (generated once per run: read only)."""
    return built_once(tmp_path_factory, "every-store-many", lambda out: generate(out, persons=10_000, seed=3))


def read_list(lists: Path, name: str) -> tuple[list[str], list[list[str]]]:
    with (lists / f"{name}.csv").open(encoding=ENCODINGS.get(name, "utf-8"), newline="") as f:
        header, *rows = csv.reader(f)
    return header, rows


def truth(lists: Path) -> dict[tuple[str, str], str]:
    with (lists / "truth.csv").open(encoding="utf-8") as f:
        return {(r["source"], r["record_id"]): r["person_id"] for r in csv.DictReader(f)}


def reports_by_person(lists: Path) -> list[list[list[str]]]:
    """The families' reports grouped by the person they write, in file order."""
    _, rows = read_list(lists, "families")
    person = truth(lists)
    groups: dict[str, list[list[str]]] = defaultdict(list)
    for row in rows:
        groups[person[("families", row[0])]].append(row)
    return list(groups.values())


def without(header: list[str], rows: Iterable[list[str]], dropped: Sequence[str]) -> tuple[list[str], list]:
    keep = [i for i, column in enumerate(header) if column not in dropped]
    return [header[i] for i in keep], [[row[i] for i in keep] for row in rows]


def import_rows(db: str, folder: Path, source: str, header: list[str], rows: Iterable[list[str]]) -> None:
    path = folder / f"{source}.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    engine = open_store(db)
    try:
        import_file(engine, path, source, kind="family_report" if source == "families" else None)
    finally:
        engine.dispose()


def athar_link(db: str):
    """`athar link --json` as a user runs it: a traceback fails the test instead of being caught."""
    return runner.invoke(app, ["link", "--json", "--db", db], catch_exceptions=False)


def linked(result) -> dict:
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout)


def persons_of(db: str) -> dict[tuple[str, str], str]:
    engine = open_store(db)
    try:
        return {(r["source"], r["record_id"]): r["person_id"] for r in current_records(engine)}
    finally:
        engine.dispose()


def pairs_of(assignment: dict) -> set[frozenset]:
    groups = defaultdict(list)
    for key, group in assignment.items():
        groups[group].append(key)
    return {frozenset(p) for members in groups.values() for p in combinations(members, 2)}


@pytest.fixture(scope="module")
def one_list(lists: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the families' list alone, linked once by `athar link --json`, whose output is
    kept beside it as summary.json (built once per run; read only)."""

    def build(folder: Path) -> None:
        header, rows = read_list(lists, "families")
        import_rows(str(folder / "athar.db"), folder, "families", header, rows)
        (folder / "summary.json").write_text(json.dumps(linked(athar_link(str(folder / "athar.db")))))

    return built_once(tmp_path_factory, "every-store-one-list", build)


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "athar.db")


def test_a_list_in_which_every_record_is_a_different_person_links_each_to_a_person_of_its_own(
    lists, db, tmp_path
):
    """No two records agree on the rules the prior is estimated from: the prior was 0 and EM's log2
    failed (`athar: error: math domain error`)."""
    header, _ = read_list(lists, "families")
    import_rows(db, tmp_path, "families", header, [group[0] for group in reports_by_person(lists)][:600])
    result = athar_link(db)
    summary = linked(result)
    assert summary["records"] == summary["persons"] == 600
    assert "how often two records are one person could not be estimated" in result.stderr
    assert any("how often two records are one person" in w for w in summary["warnings"])


def test_one_list_alone_with_duplicates_and_no_national_numbers_links_its_duplicates(lists, one_list):
    """The families' list alone (some persons written twice, no national numbers anywhere): the
    national number's EM pass has no pairs, which stopped training."""
    summary = json.loads((one_list / "summary.json").read_text())
    assert summary["records"] == len(read_list(lists, "families")[1])
    assigned = persons_of(str(one_list / "athar.db"))
    predicted = pairs_of(assigned)
    actual = pairs_of({k: v for k, v in truth(lists).items() if k in assigned})
    assert actual, "the synthetic families' list writes some persons twice"
    found = len(predicted & actual)
    assert found / len(predicted) >= 0.95
    assert found / len(actual) >= 0.6
    # a list without national numbers is not warned about them: they could tell nothing either way
    assert not any("national numbers" in w for w in summary["warnings"])


def test_an_ngos_list_with_some_reports_written_twice_links_them(many_lists, db, tmp_path):
    """2,000 families' reports, 8% of them a person's second report: EM blocked on the full birth
    date found no match among its pairs, its share of matches fell to 0 and its m to 0/0, and
    DuckDB was handed `nan` as SQL ("Referenced column nan")."""
    header, _ = read_list(many_lists, "families")
    groups = reports_by_person(many_lists)
    twice = [row for group in groups if len(group) > 1 for row in group[:2]][:160]
    once = [group[0] for group in groups if len(group) == 1][: 2000 - len(twice)]
    import_rows(db, tmp_path, "families", header, twice + once)
    summary = linked(athar_link(db))
    assert summary["records"] == 2000
    assigned = persons_of(db)
    predicted = pairs_of(assigned)
    actual = pairs_of({k: v for k, v in truth(many_lists).items() if k in assigned})
    found = len(predicted & actual)
    assert len(actual) == 80
    assert found / len(predicted) >= 0.95 and found / len(actual) >= 0.7


def test_three_small_lists_without_national_numbers_link_with_a_warning(lists, store_url, tmp_path):
    """Nineteen records from each of three lists, national numbers left out: the national number's EM
    pass has no pairs, which stopped training with a 60-line traceback."""
    for source in ("families", "detention", "returnees"):
        header, rows = read_list(lists, source)
        import_rows(store_url, tmp_path, source, *without(header, rows[:19], NATIONAL_NUMBER_HEADERS))
    result = athar_link(store_url)
    summary = linked(result)
    assert summary["records"] == 57
    assigned = persons_of(store_url)
    predicted = pairs_of(assigned)
    actual = pairs_of({k: v for k, v in truth(lists).items() if k in assigned})
    assert len(set(assigned.values())) == summary["persons"]
    assert predicted <= actual  # whatever it joins is one person


@pytest.mark.parametrize("same_person", [True, False])
def test_a_store_of_two_records_links_them_when_they_are_one_person(lists, db, tmp_path, same_person):
    header, _ = read_list(lists, "families")
    groups = reports_by_person(lists)
    written_twice = next(g for g in groups if len(g) > 1)
    two = written_twice[:2] if same_person else [groups[0][0], groups[1][0]]
    import_rows(db, tmp_path, "families", header, two)
    result = athar_link(db)
    summary = linked(result)
    assert summary["persons"] == (1 if same_person else 2)
    assert "2 records are too few" in result.stderr


def test_a_single_record_is_a_person_of_its_own(lists, db, tmp_path):
    header, rows = read_list(lists, "families")
    import_rows(db, tmp_path, "families", header, rows[:1])
    result = athar_link(db)
    summary = linked(result)
    assert (summary["records"], summary["persons"], summary["pairs_scored"]) == (1, 1, 0)
    assert "one record" in result.stderr


def test_records_without_names_or_national_numbers_stay_persons_of_their_own(lists, db, tmp_path):
    header, rows = read_list(lists, "families")
    names = [c for c in header if "name" in c]
    import_rows(db, tmp_path, "families", *without(header, rows[:200], names))
    result = athar_link(db)
    summary = linked(result)
    assert summary["records"] == summary["persons"] == 200
    assert "no record has a name or a national number" in result.stderr


def test_an_empty_store_is_refused_with_a_sentence_and_no_run(db):
    result = athar_link(db)
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert "holds no records" in result.stderr and "athar import" in result.stderr
    engine = open_store(db)
    try:
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(LinkRun)).scalar_one() == 0
    finally:
        engine.dispose()


def test_what_a_tiny_store_cannot_estimate_is_taken_from_the_saved_model(lists, one_list, tmp_path):
    """A full run on two records trains nothing from them: m and u come from the store's last model."""
    header, rows = read_list(lists, "families")
    engine = open_store(str(one_list / "athar.db"))
    saved = latest_run(engine)
    engine.dispose()
    assert saved is not None and saved.model is not None

    tiny = str(tmp_path / "tiny.db")
    import_rows(tiny, tmp_path, "families", header, rows[:2])
    engine = open_store(tiny)
    loaded = steps.load(engine, full=True)
    engine.dispose()
    trained = steps.train(
        lambda: db_api_for("duckdb"),
        steps.make_features(loaded),
        TrainingConfig(),
        SavedRun(saved.run_id, saved.model, {}),
    )
    assert any(f"taken from the model of run {saved.run_id}" in w for w in trained.warnings)

    def levels(m: dict, comparison: str) -> list[dict]:
        found = next(c for c in m["comparisons"] if c["output_column_name"] == comparison)
        return [lv for lv in found["comparison_levels"] if not lv.get("is_null_level")]

    for name in ("m_probability", "u_probability"):
        now = [lv[name] for lv in levels(trained.model, "family_name")]
        before = [lv[name] for lv in levels(saved.model, "family_name")]
        assert now == pytest.approx(before, rel=1e-6)


def test_the_prior_stays_between_one_expected_match_and_even_odds():
    assert model.bounded_prior(observed=0, pairs=8_000_000, recall=0.25) == pytest.approx(1 / 8_000_000)
    assert model.bounded_prior(observed=1_000, pairs=8_000_000, recall=0.25) == pytest.approx(4_000 / 8e6)
    assert model.bounded_prior(observed=1, pairs=1, recall=0.25) == model.PRIOR_CEILING


def test_an_em_pass_that_leaves_less_than_one_matching_pair_found_nothing():
    assert not model.em_pass_found_matches(1e-12, 50_000)
    assert model.em_pass_found_matches(0.02, 50_000)


def test_em_keeps_its_share_of_matches_off_zero_and_ignores_a_nan_estimate(lists, db, tmp_path):
    """Among pairs of different persons only, EM's share of matches reaches 0 and its m estimates
    0/0: the share stays at its bound (log2 of it is defined) and a NaN m leaves the level's m as
    it was (never written into SQL)."""
    from splink.internals import expectation_maximisation as em

    header, rows = read_list(lists, "families")
    import_rows(db, tmp_path, "families", header, rows[:20])
    engine = open_store(db)
    loaded = steps.load(engine, full=True)
    engine.dispose()
    linker = model.make_linker(db_api_for("duckdb"), steps.make_features(loaded).records)
    before = linker._settings_obj.core_model_settings.copy()
    given = before.comparisons[0]
    top = given._comparison_levels_excluding_null[0]
    top.m_probability = 0.9
    share_and_m = [
        {
            "output_column_name": "_probability_two_random_records_match",
            "comparison_vector_value": 0,
            "m_probability": 0.0,
            "u_probability": 1.0,
        },
        {
            "output_column_name": given.output_column_name,
            "comparison_vector_value": top.comparison_vector_value,
            "m_probability": float("nan"),
            "u_probability": 0.01,
        },
    ]
    after = em.maximisation_step({"u"}, before, share_and_m)
    assert 0 < after.probability_two_random_records_match <= 1e-9
    assert after.comparisons[0]._comparison_levels_excluding_null[0].m_probability == 0.9


def test_a_man_written_three_times_is_one_person_though_his_names_are_in_every_record(lists, db, tmp_path):
    """One man reported twice to an NGO by two relatives who typed the same (names, sex and birth
    year only), then once more in a second list: his names are in every record of the store, and
    counted there their term-frequency adjustments undid their agreement (−8.85 bits a name against
    +8.77), so the third record stayed a person of its own (`athar.linkage.frequencies`)."""
    header, rows = read_list(lists, "families")
    kept = ("record_id", "given_name", "family_name", "sex", "birth_date")
    header_kept, rows_kept = without(header, rows, [c for c in header if c not in kept])
    man = next(r for r in rows_kept if all(r) and r[header_kept.index("sex")] == "M")
    import_rows(db, tmp_path, "families", header_kept, [["1", *man[1:]], ["2", *man[1:]]])
    assert linked(athar_link(db))["persons"] == 1
    import_rows(db, tmp_path, "late", header_kept, [["1", *man[1:]]])
    second = linked(athar_link(db))
    assert second["mode"] == "incremental"
    assert len(set(persons_of(db).values())) == 1


PLACEHOLDER = "11111111111"


@pytest.mark.parametrize("size", [200, 19])
def test_a_placeholder_written_on_every_row_of_a_list_neither_links_nor_is_shown(lists, tmp_path, size):
    """Family reports of different persons, each given the national number 11111111111 (a list
    that filled one number down its column): read as a number, every pair another rule found gained
    some 11 bits; 200 such records gained a false link, 19 made 15 persons. More than 25 records
    hold the first; records of different given names hold both."""
    header, _ = read_list(lists, "families")
    rows = [group[0] for group in reports_by_person(lists)][:size]
    (tmp_path / "plain").mkdir()
    plain = str(tmp_path / "plain" / "athar.db")
    import_rows(plain, tmp_path / "plain", "families", header, rows)
    linked(athar_link(plain))
    db = str(tmp_path / "athar.db")
    import_rows(db, tmp_path, "families", [*header, "national_id"], [[*r, PLACEHOLDER] for r in rows])
    result = athar_link(db)
    summary = linked(result)
    assigned = persons_of(db)
    # linked as the list without numbers is (where two namesakes of one village may meet)
    assert pairs_of(assigned) == pairs_of(persons_of(plain))
    assert summary["persons"] == len(set(persons_of(plain).values()))
    warning = next(w for w in summary["warnings"] if "read as missing" in w)
    assert "one national number" in warning and f"{size} records in all" in warning
    assert PLACEHOLDER not in result.stderr + result.stdout

    engine = open_store(db)
    try:
        with engine.connect() as conn:
            saved = conn.execute(select(LinkRun.summary)).scalar_one()
        assert saved["national_ids_read_as_missing"] == [digest(PLACEHOLDER)]
        assert PLACEHOLDER not in str(saved)
        first, second = sorted(assigned)[:2]
        explained = explain(engine, f"{first[0]}:{first[1]}", f"{second[0]}:{second[1]}")
        (step,) = [s for s in explained["steps"] if s["comparison"] == "national_id"]
        assert step["match_weight"] == 0.0 and "NULL" in step["level"]
    finally:
        engine.dispose()


def test_a_number_a_handful_of_records_share_is_still_read(lists, tmp_path):
    """One person's three reports (two as the list wrote them, one copied again) sharing his
    number: the number stays, and explain reads it as agreeing (what that weighs, a store of 53
    records cannot say)."""
    db = str(tmp_path / "athar.db")
    header, _ = read_list(lists, "families")
    groups = reports_by_person(lists)
    twice = next(g for g in groups if len(g) > 1)
    others = [g[0] for g in groups if g is not twice][:50]
    number = "0" + "5" * 10
    mine = [*twice, ["F-COPY", *twice[0][1:]]]
    rows = [[*r, number] for r in mine] + [[*r, ""] for r in others]
    import_rows(db, tmp_path, "families", [*header, "national_id"], rows)
    summary = linked(athar_link(db))
    assert not any("read as missing" in w for w in summary["warnings"])
    assigned = persons_of(db)
    assert len({assigned[("families", r[0])] for r in mine}) == 1
    engine = open_store(db)
    try:
        explained = explain(engine, f"families:{mine[0][0]}", f"families:{mine[1][0]}")
    finally:
        engine.dispose()
    (step,) = [s for s in explained["steps"] if s["comparison"] == "national_id"]
    assert step["level"] == "Exact match on national_id"


def test_a_number_newly_read_as_missing_makes_the_pairs_scored_before_stale(lists, tmp_path):
    """Two reports of different persons given one number, then a third in a later list: the number
    is now a placeholder, while the pair scored before weighed it as a number. The incremental run
    says so (without the number) and `--full` scores that pair again."""
    header, _ = read_list(lists, "families")
    first, second, third = [group[0] for group in reports_by_person(lists)][:3]
    db = str(tmp_path / "athar.db")
    import_rows(
        db, tmp_path, "families", [*header, "national_id"], [[*first, PLACEHOLDER], [*second, PLACEHOLDER]]
    )
    assert not any("read as missing" in w for w in linked(athar_link(db))["warnings"])
    import_rows(db, tmp_path, "late", [*header, "national_id"], [[*third, PLACEHOLDER]])
    result = athar_link(db)
    again = linked(result)
    assert again["mode"] == "incremental"
    assert any("1 national number newly read as missing" in r for r in again["model_stale"])
    assert PLACEHOLDER not in result.stdout + result.stderr
    full = linked(runner.invoke(app, ["link", "--full", "--json", "--db", db], catch_exceptions=False))
    assert full["model_stale"] == [] and full["persons"] == 3
