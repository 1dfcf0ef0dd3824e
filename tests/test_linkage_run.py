"""`athar link` end to end on synthetic lists: persons, judgements, stable ids, incremental runs."""

import shutil
from collections import Counter, defaultdict
from itertools import combinations

import pytest
from sqlalchemy import func, select

from athar.demo import import_synthetic_lists
from athar.exports import current_records
from athar.ingest import import_file
from athar.linkage.explain import explain
from athar.linkage.review import ReviewError, count_open_tasks, open_tasks, record_judgement
from athar.linkage.run import LinkOptions, link
from athar.linkage.store_io import stored_pairs
from athar.store import open_store
from athar.store.tables import AuditEntry, LinkRun, Membership, PersonEvent, Record, Source
from athar.synth import generate
from athar.synth.inclusion import SOURCES
from tests.conftest import built_once


@pytest.fixture(scope="module")
def lists(tmp_path_factory):
    """Generated once per run for every xdist worker: read only."""
    return built_once(tmp_path_factory, "linkage-lists", lambda out: generate(out, persons=800, seed=7))


@pytest.fixture(scope="module")
def linked_db(lists, tmp_path_factory):
    """A SQLite store with all four lists imported and one full linkage run (built once per run; copy it)."""

    def build(folder):
        engine = open_store(str(folder / "athar.db"))
        import_synthetic_lists(engine, lists)
        link(engine, LinkOptions(user="test"))
        engine.dispose()

    return built_once(tmp_path_factory, "linkage-linked", build) / "athar.db"


@pytest.fixture
def store_copy(linked_db, tmp_path):
    path = tmp_path / "athar.db"
    shutil.copy(linked_db, path)
    engine = open_store(str(path))
    yield engine
    engine.dispose()


def person_of(engine):
    return {(r["source"], r["record_id"]): r["person_id"] for r in current_records(engine)}


def truth(lists):
    import csv

    with (lists / "truth.csv").open(encoding="utf-8") as f:
        return {(r["source"], r["record_id"]): r["person_id"] for r in csv.DictReader(f)}


def pairwise_f1(assigned, true):
    def pairs(mapping):
        groups = defaultdict(list)
        for key, group in mapping.items():
            groups[group].append(key)
        return {frozenset(p) for members in groups.values() for p in combinations(members, 2)}

    predicted, actual = pairs(assigned), pairs({k: true[k] for k in assigned})
    tp = len(predicted & actual)
    precision, recall = tp / len(predicted), tp / len(actual)
    return 2 * precision * recall / (precision + recall)


def test_every_record_belongs_to_exactly_one_person(store_copy):
    persons = person_of(store_copy)
    assert persons and all(p and p.startswith("P-") for p in persons.values())
    with store_copy.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Membership)).scalar_one() == len(persons)


def test_no_person_holds_two_sexes_or_two_national_numbers(store_copy):
    from athar.linkage.cluster import _one_typo_apart

    traits = defaultdict(lambda: (set(), set()))
    for r in current_records(store_copy):
        sexes, numbers = traits[r["person_id"]]
        if r["sex"]:
            sexes.add(r["sex"])
        if r["national_id"]:
            numbers.add(r["national_id"])
    assert all(len(sexes) <= 1 for sexes, _ in traits.values())
    for _, numbers in traits.values():
        assert all(_one_typo_apart(a, b) for a in numbers for b in numbers)


def test_likely_siblings_are_kept_apart_put_to_review_and_joined_by_a_same_judgement(store_copy):
    persons = person_of(store_copy)
    tasks = open_tasks(store_copy, limit=100_000)
    sure_but_apart = [t for t in tasks if t["match_probability"] >= 0.97 and t["why"] != "outranked"]
    assert sure_but_apart, "a synthetic set this size has brothers the model alone would merge"
    task = sure_but_apart[0]
    left, right = (tuple(task[side].split(":", 1)) for side in ("left", "right"))
    assert persons[left] != persons[right]
    # the review page is told why the pair waits (and an ordinary uncertain pair is not so marked)
    assert explain(store_copy, task["left"], task["right"])["kept_apart_as_siblings"]
    ordinary = next(t for t in tasks if t["match_probability"] < 0.5)
    assert not explain(store_copy, ordinary["left"], ordinary["right"])["kept_apart_as_siblings"]
    # and so is the review list: a sure pair waits only as siblings, an unsure one as unsure
    assert {t["why"] for t in sure_but_apart} == {"likely_siblings"}
    assert ordinary["why"] == "uncertain"
    record_judgement(store_copy, task["left"], task["right"], "same", "reviewer1")
    link(store_copy, LinkOptions(user="test"))
    persons = person_of(store_copy)
    assert persons[left] == persons[right]


def test_a_pair_a_better_one_outranks_waits_for_review_unjoined_and_a_same_judgement_joins_it(store_copy):
    """A record that fits two records of one list links to the better (`athar.linkage.rivals`); the
    other pair, however sure the model is of it, joins nothing and is put to review as outranked."""
    persons = person_of(store_copy)
    tasks = [t for t in open_tasks(store_copy, limit=100_000) if t["why"] == "outranked"]
    assert tasks, "a synthetic set this size has namesakes one record fits"
    with store_copy.connect() as conn:
        weight = {pair: score.weight for pair, score in stored_pairs(conn).items()}
    # only pairs the rule kept from joining wait as outranked: below the threshold it changed nothing
    assert all(t["match_probability"] >= LinkOptions().threshold for t in tasks)
    sure = [t for t in tasks if t["match_probability"] >= 0.9]
    assert sure, "some outranked pairs are above the threshold: only the rule keeps them apart"
    for task in sure:
        left, right = (tuple(task[side].split(":", 1)) for side in ("left", "right"))
        assert persons[left] != persons[right]
        own = weight[(left, right)]
        rivals = [
            w
            for (a, b), w in weight.items()
            if (a == left and b[0] == right[0] and b != right)
            or (b == left and a[0] == right[0] and a != right)
            or (a == right and b[0] == left[0] and b != left)
            or (b == right and a[0] == left[0] and a != left)
        ]
        assert max(rivals) > own + 1  # a better pair by more than the margin
    task = sure[0]
    left, right = (tuple(task[side].split(":", 1)) for side in ("left", "right"))
    record_judgement(store_copy, task["left"], task["right"], "same", "reviewer1")
    link(store_copy, LinkOptions(user="test"))
    assert person_of(store_copy)[left] == person_of(store_copy)[right]


def test_linkage_finds_most_of_the_truth(store_copy, lists):
    # A regression guard, far below the benchmark's figures: it fails if linkage breaks, not if it is modest.
    assert pairwise_f1(person_of(store_copy), truth(lists)) > 0.6


def test_same_judgement_is_honoured_and_survives_a_full_rerun(store_copy):
    persons = person_of(store_copy)
    by_person = defaultdict(list)
    for key, pid in persons.items():
        by_person[pid].append(key)
    a, b = (members[0] for members in list(by_person.values())[:2])
    record_judgement(store_copy, f"{a[0]}:{a[1]}", f"{b[0]}:{b[1]}", "same", "reviewer")
    link(store_copy, LinkOptions(user="test"))
    assert person_of(store_copy)[a] == person_of(store_copy)[b]
    link(store_copy, LinkOptions(user="test", full=True))
    assert person_of(store_copy)[a] == person_of(store_copy)[b]


def test_different_judgement_splits_a_person_and_keeps_the_id_on_the_larger_part(store_copy):
    persons = person_of(store_copy)
    sizes = Counter(persons.values())
    pid, size = sizes.most_common(1)[0]
    assert size >= 2
    members = sorted(k for k, p in persons.items() if p == pid)
    a, b = members[0], members[1]
    record_judgement(store_copy, f"{a[0]}:{a[1]}", f"{b[0]}:{b[1]}", "different", "reviewer")
    summary = link(store_copy, LinkOptions(user="test", full=True))
    after = person_of(store_copy)
    assert after[a] != after[b]
    assert pid in (after[a], after[b])
    assert summary.judgements_applied >= 1
    with store_copy.connect() as conn:
        kinds = set(conn.execute(select(PersonEvent.kind).where(PersonEvent.person_id == pid)).scalars())
    assert "split" in kinds


def test_ids_stay_when_an_unrelated_source_is_added(store_copy, tmp_path):
    before = person_of(store_copy)
    extra = tmp_path / "hospital.csv"
    extra.write_text(
        "record_id,full_name,sex,birth_date\nH1,Zenobia Qwertyuiop,F,1931\nH2,Yerevan Plmokn,M,1932\n",
        "utf-8",
    )
    import_file(store_copy, extra, "hospital")
    summary = link(store_copy, LinkOptions(user="test"))
    after = person_of(store_copy)
    assert summary.mode == "incremental" and summary.new_records == 2
    assert all(after[k] == pid for k, pid in before.items())
    assert after[("hospital", "H1")] not in set(before.values())


def test_incremental_run_equals_full_run_within_tolerance(lists, tmp_path):
    engine = open_store(str(tmp_path / "inc.db"))
    for name in ("families", "detention"):
        import_file(engine, lists / f"{name}.csv", name)
    link(engine, LinkOptions(user="test"))
    for name in ("returnees", "morgue"):
        import_file(engine, lists / f"{name}.csv", name)
    summary = link(engine, LinkOptions(user="test"))
    assert summary.mode == "incremental"
    incremental = person_of(engine)
    full = link(engine, LinkOptions(user="test", full=True))
    assert full.mode == "full"
    # Compare the two partitions, not the ids: pairwise agreement between them.
    agreement = pairwise_f1(incremental, person_of(engine))
    assert agreement > 0.95
    engine.dispose()


def test_explain_gives_each_comparison_and_a_total_that_adds_up(store_copy):
    persons = person_of(store_copy)
    by_person = defaultdict(list)
    for key, pid in persons.items():
        by_person[pid].append(key)
    a, b = next(sorted(m)[:2] for m in by_person.values() if len(m) >= 2)
    result = explain(store_copy, f"{a[0]}:{a[1]}", f"{b[0]}:{b[1]}")
    names = [s["comparison"] for s in result["steps"]]
    assert names[0] == "Prior"
    assert {"given_name", "father_name", "family_name", "birth_date", "national_id"} <= set(names)
    total = sum(s["match_weight"] or 0 for s in result["steps"])
    assert total == pytest.approx(result["match_weight"], abs=0.01)
    assert result["match_probability"] >= 0.9


def test_explain_on_the_command_line_gives_plain_reasons_on_the_values_as_written(store_copy):
    import json

    from typer.testing import CliRunner

    from athar.cli import app
    from athar.linkage.reasons import FINDINGS

    persons = person_of(store_copy)
    by_person = defaultdict(list)
    for key, pid in persons.items():
        by_person[pid].append(key)
    a, b = next(sorted(m)[:2] for m in by_person.values() if len(m) >= 2)
    refs = [f"{a[0]}:{a[1]}", f"{b[0]}:{b[1]}"]
    url = str(store_copy.url)
    result = json.loads(CliRunner().invoke(app, ["explain", *refs, "--db", url, "--json"]).output)
    reasons = result["reasons"]
    assert reasons[0]["about"] == "prior"
    assert sum(r["match_weight"] for r in reasons) == pytest.approx(result["match_weight"], abs=0.01)
    assert {r["finding"] for r in reasons} <= set(FINDINGS)
    records = {(r["source"], r["record_id"]): r for r in current_records(store_copy)}
    birth = next(r for r in reasons if r["about"] == "birth_date")
    assert birth["left"] == (records[a]["birth_date"] or "")
    shown = CliRunner().invoke(app, ["explain", *refs, "--db", url], terminal_width=80).output
    for internal in ("Term freq adjustment", "All other comparisons", "_key", "None"):
        assert internal not in shown


def test_a_pair_keeps_the_better_reading_of_a_name_that_reads_either_way():
    import pandas as pd

    from athar.linkage.steps import best_readings

    # rows 0-2 are records; row 3 is record 0's name read the other way, at probability 1/4 (-2 bits)
    readings = pd.DataFrame(
        {"unique_id": [0, 1, 2, 3], "reading_of": [0, 1, 2, 0], "reading_bits": [0.0, 0.0, 0.0, -2.0]}
    )
    pairs = pd.DataFrame(
        {
            "unique_id_l": [0, 1, 0, 2],
            "unique_id_r": [1, 3, 3, 3],
            "match_weight": [-3.0, 12.0, 30.0, -20.0],
        }
    )
    kept = {(a, b): round(w, 3) for a, b, _p, w in best_readings(pairs, readings, minimum=0.05)}
    # 0-1: 12 - 2 in the other reading beats -3; a record never pairs with its own other reading;
    # 0-2 at -22 bits falls below the minimum
    assert kept == {(0, 1): 10.0}


def test_explain_scores_a_pair_in_the_reading_link_kept(store_copy):
    """Explain reads a name that reads either way both ways, as `athar link` does, and says so."""
    from athar.linkage.features import name_readings
    from athar.linkage.store_io import latest_run
    from athar.names.keys import token_identity
    from athar.store.tables import LinkPair

    roles = latest_run(store_copy).name_roles
    records = {(r["source"], r["record_id"]): r for r in current_records(store_copy)}
    either_way = {k for k, r in records.items() if name_readings(r, roles)[1]}
    columns = (
        LinkPair.left_source,
        LinkPair.left_record_id,
        LinkPair.right_source,
        LinkPair.right_record_id,
        LinkPair.match_weight,
    )
    with store_copy.connect() as conn:
        pairs = [
            ((a, b), (c, d), w)
            for a, b, c, d, w in conn.execute(select(*columns).where(LinkPair.match_probability >= 0.9))
            if (a, b) in either_way or (c, d) in either_way
        ]

    # first the pairs where a record's other reading gives the other record's given name (where the
    # link most likely kept that reading), then in the order of their records; at least 12 and on
    # until one kept it
    def given(parts) -> str | None:
        return token_identity(parts[0])[0] if parts[0] else None

    def other_reading_fits(a, b) -> bool:
        taken, others = name_readings(records[a], roles)
        theirs = given(name_readings(records[b], roles)[0])
        return any(given(parts) == theirs != given(taken) for parts, _ in others)

    ordered = sorted(
        pairs, key=lambda p: (not (other_reading_fits(*p[:2]) or other_reading_fits(p[1], p[0])), p)
    )
    read_otherwise = 0
    for examined, (left, right, weight) in enumerate(ordered, start=1):
        result = explain(store_copy, f"{left[0]}:{left[1]}", f"{right[0]}:{right[1]}")
        assert result["match_weight"] == pytest.approx(weight, abs=0.01)
        assert sum(s["match_weight"] or 0 for s in result["steps"]) == pytest.approx(weight, abs=0.01)
        read_otherwise += any(s["comparison"] == "name_order" for s in result["steps"])
        # a side scored in another reading names that reading's parts (a step weighing the other
        # order means the side was read otherwise)
        for side, record in (("left", records[left]), ("right", records[right])):
            read = result["names_read"][side]
            other_order = any(
                s["comparison"] == "name_order" and s["level"].startswith(side) for s in result["steps"]
            )
            assert bool(read) or not other_order
            if read:
                parts = tuple(read.get(f"{p}_name") for p in ("given", "father", "grandfather", "family"))
                assert parts in [other for other, _ in name_readings(record, roles)[1]]
        if read_otherwise and examined >= 12:
            break
    assert read_otherwise


def test_explain_scores_a_pair_once_until_a_record_changes(store_copy, lists, tmp_path, monkeypatch):
    import csv

    from athar.linkage import explain as explain_module

    calls = []
    real = explain_module.records_to_waterfall_data
    monkeypatch.setattr(
        explain_module, "records_to_waterfall_data", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    with (lists / "families.csv").open(encoding="utf-8") as f:
        reader = csv.DictReader(f)
        fields, row = reader.fieldnames, next(reader)
    other = next(k for k in sorted(person_of(store_copy)) if k[0] == "detention")
    refs = (f"families:{row['record_id']}", f"{other[0]}:{other[1]}")
    first = explain(store_copy, *refs)
    assert explain(store_copy, *refs) == first
    assert len(calls) == 1
    changed = tmp_path / "families.csv"
    with changed.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerow({**row, "birth_date": "1901"})
    assert import_file(store_copy, changed, "families").stored == 1
    explain(store_copy, *refs)
    assert len(calls) == 2, "a new version of a record is explained afresh"


def _uncertain_pairs(engine, count: int) -> list[dict]:
    """The review queue's pairs, then the scored pairs nearest even odds: `count` pairs to judge."""
    from athar.store.tables import LinkPair

    tasks = open_tasks(engine, limit=count)
    seen = {(t["left"], t["right"]) for t in tasks}
    columns = (LinkPair.left_source, LinkPair.left_record_id, LinkPair.right_source, LinkPair.right_record_id)
    with engine.connect() as conn:
        nearest = conn.execute(select(*columns).order_by(func.abs(LinkPair.match_probability - 0.5))).all()
    for ls, lr, rs, rr in nearest:
        if len(tasks) >= count:
            break
        pair = (f"{ls}:{lr}", f"{rs}:{rr}")
        if pair not in seen:
            seen.add(pair)
            tasks.append({"left": pair[0], "right": pair[1]})
    return tasks


def test_a_full_run_checks_the_model_against_judgements_and_tunes_its_prior(store_copy, lists):
    true = truth(lists)
    # the queue of this small store holds some 20 pairs; the prior is tuned from 10 judgements each way
    tasks = _uncertain_pairs(store_copy, 60)
    for task in tasks:
        a, b = (tuple(task[side].split(":", 1)) for side in ("left", "right"))
        decision = "same" if true[a] == true[b] else "different"
        record_judgement(store_copy, task["left"], task["right"], decision, "reviewer1")
    summary = link(store_copy, LinkOptions(user="test", full=True))
    report = summary.judgement_check
    before, after = report["before"], report["after"]
    assert before["judged"] == after["judged"] == len(tasks)
    assert before["same"] == sum(
        true[tuple(t["left"].split(":", 1))] == true[tuple(t["right"].split(":", 1))] for t in tasks
    )
    assert after["log_loss"] <= before["log_loss"]
    with store_copy.connect() as conn:
        saved = conn.execute(select(LinkRun.model).order_by(LinkRun.id.desc()).limit(1)).scalar_one()
    assert saved["probability_two_random_records_match"] > 0
    assert min(before["same"], before["different"]) >= 10
    assert report["prior_offset_bits"] != 0, (
        "60 judgements, at least 10 each way, are enough to tune the prior"
    )
    assert after["log_loss"] < before["log_loss"]
    # an incremental run has nothing to retrain and reports no check
    assert link(store_copy, LinkOptions(user="test")).judgement_check == {}


def test_review_queue_lists_uncertain_pairs_until_judged(store_copy):
    tasks = open_tasks(store_copy, limit=50)
    assert tasks, "a synthetic set this size has uncertain pairs"
    # the uncertain band, and above it only pairs kept apart as likely siblings (tested below)
    assert all(t["match_probability"] >= 0.3 for t in tasks)
    assert [t["priority"] for t in tasks] == sorted((t["priority"] for t in tasks), reverse=True)
    first = tasks[0]
    record_judgement(store_copy, first["right"], first["left"], "unsure", "reviewer", note="same village?")
    remaining = open_tasks(store_copy, limit=50)
    assert (first["left"], first["right"]) not in {(t["left"], t["right"]) for t in remaining}


def test_review_list_shows_both_names_in_both_scripts_and_how_many_wait(store_copy):
    import json

    from typer.testing import CliRunner

    from athar.cli import app
    from athar.names.display import full_name

    url = str(store_copy.url)
    waiting = count_open_tasks(store_copy)
    result = CliRunner().invoke(app, ["review", "list", "--limit", "3", "--db", url, "--json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    assert listed["waiting"] == waiting > 3 and listed["shown"] == 3
    with store_copy.connect() as conn:
        for task in listed["pairs"]:
            for side in ("left", "right"):
                source, record_id = task[side].split(":", 1)
                row = (
                    conn.execute(
                        select(Record.__table__)
                        .join(Source)
                        .where(Source.name == source, Record.record_id == record_id, Record.is_current)
                    )
                    .mappings()
                    .one()
                )
                assert task[f"{side}_name"] == full_name(dict(row)) != ""
    shown = CliRunner().invoke(app, ["review", "list", "--limit", "3", "--db", url], terminal_width=80)
    assert f"3 of {waiting} pairs waiting" in shown.output
    assert listed["pairs"][0]["left_name"].split()[0] in shown.output
    with store_copy.connect() as conn:
        actions = conn.execute(select(AuditEntry.action)).scalars().all()
    assert "view_review_list" in actions


def test_judgement_on_unknown_record_or_decision_is_refused(store_copy):
    with pytest.raises(ReviewError, match="no record"):
        record_judgement(store_copy, "families:nope", "detention:nope", "same", "reviewer")
    with pytest.raises(ReviewError, match="decision must be one of"):
        record_judgement(store_copy, "families:F-000001", "families:F-000002", "maybe", "reviewer")
    with pytest.raises(ReviewError, match="SOURCE:RECORD_ID"):
        record_judgement(store_copy, "F-000001", "families:F-000002", "same", "reviewer")


def test_estimate_from_the_linked_store_counts_the_linked_persons(store_copy, tmp_path):
    import json

    from typer.testing import CliRunner

    from athar.cli import app

    db = str(store_copy.url.database)
    result = CliRunner().invoke(app, ["estimate", "--db", db, "--json", "--by", "sex"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    # persons known only from nameless records are left out, and said so; open review tasks are flagged
    assert "left out of the estimate" in result.stderr
    assert "waiting for review" in result.stderr
    left_out = int(result.stderr.split("persons known only")[0].split()[-1].replace(",", ""))
    assert doc["n_observed"] + left_out == len(set(person_of(store_copy).values()))
    assert sorted(doc["lists"]) == sorted(SOURCES)
    [estimate] = doc["estimates"]
    assert estimate["estimate"] >= doc["n_observed"]
    assert set(doc["strata"]) >= {"sex=M", "sex=F"} or len(doc["strata"]) >= 2

    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["report", "--db", db, "--out", str(out), "--method", "loglinear"])
    assert result.exit_code == 0, result.output
    html = out.read_text("utf-8")
    assert "<svg" in html and "<p lang=ar dir=rtl>" in html


def test_estimate_refuses_an_unknown_stratum(store_copy):
    from typer.testing import CliRunner

    from athar.cli import app

    result = CliRunner().invoke(app, ["estimate", "--db", str(store_copy.url.database), "--by", "religion"])
    assert result.exit_code == 2
    assert "cannot stratify by religion" in result.stderr


def test_only_records_with_given_and_family_name_make_a_person_identifiable():
    from athar.estimate.from_store import identifiable

    assert identifiable("محمد", "الحمود", None)
    assert identifiable(None, None, "Mohammad Abdulrahman Al-Hamoud")
    assert not identifiable(None, None, "محمد")
    assert not identifiable(None, None, None)


def test_blocking_report_counts_pairs_per_rule(store_copy):
    import json

    from typer.testing import CliRunner

    from athar.cli import app

    db = str(store_copy.url.database)
    result = CliRunner().invoke(app, ["link", "--full", "--blocking-report", "--json", "--db", db])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    rules = summary["blocking"]
    assert len(rules) >= 10
    assert all(r["pairs"] >= 0 for r in rules)
    assert rules[-1]["cumulative"] == sum(r["pairs"] for r in rules)
    # every scored pair came from some rule, and blocking stays far from all pairs
    assert summary["pairs_scored"] <= rules[-1]["cumulative"] < summary["records"] * 10
    # each step's time, and the peak memory the process had reached by its end
    assert set(summary["peak_rss_mib"]) == set(summary["seconds"]) >= {"features", "train", "predict"}
    peaks = list(summary["peak_rss_mib"].values())
    assert peaks == sorted(peaks) and peaks[0] > 0


def test_search_command_finds_a_linked_person_and_audits_the_view(store_copy, lists):
    import csv
    import json

    from typer.testing import CliRunner

    from athar.cli import app
    from athar.store.tables import AuditEntry

    with (lists / "persons.csv").open(encoding="utf-8") as f:
        wanted = next(p for p in csv.DictReader(f) if p["person_id"] in set(truth(lists).values()))
    query = f"{wanted['given_name_latin']} {wanted['father_name_latin']} {wanted['family_name_latin']}"
    db = str(store_copy.url.database)
    result = CliRunner().invoke(app, ["search", query, "--db", db, "--json", "--user", "investigator1"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)["matches"]
    assert found
    with store_copy.connect() as conn:
        views = (
            conn.execute(
                select(AuditEntry.target_id).where(
                    AuditEntry.user_name == "investigator1", AuditEntry.action == "view_person"
                )
            )
            .scalars()
            .all()
        )
    assert len(views) == len(found)


def test_a_run_saves_its_config_and_athars_version(store_copy):
    from athar import __version__
    from athar.linkage.config import LinkConfig
    from athar.linkage.store_io import latest_run

    run = latest_run(store_copy)
    assert LinkConfig.from_json(run.summary["config"]) == LinkConfig()
    assert run.athar_version == __version__


def _set_saved_config(engine, config):
    """Rewrite the newest run's saved config (None: as a run saved before configs were)."""
    from sqlalchemy import update

    from athar.linkage import explain as explain_module
    from athar.linkage.store_io import latest_run

    run = latest_run(engine)
    summary = {k: v for k, v in run.summary.items() if k != "config"}
    if config is not None:
        summary["config"] = config.as_json()
    with engine.begin() as conn:
        conn.execute(update(LinkRun).where(LinkRun.id == run.run_id).values(summary=summary))
    explain_module._scorers.clear()  # a scorer is kept per run: this run is now another


def test_explain_uses_the_config_saved_with_the_run_and_the_defaults_for_an_older_run(store_copy):
    from athar.linkage.config import LinkConfig, SiblingConfig

    task = next(t for t in open_tasks(store_copy, limit=100_000) if t["match_probability"] >= 0.97)
    assert explain(store_copy, task["left"], task["right"])["kept_apart_as_siblings"]
    # a run whose sibling check started above any probability kept no pair apart
    _set_saved_config(store_copy, LinkConfig(siblings=SiblingConfig(check_from=1.01)))
    assert not explain(store_copy, task["left"], task["right"])["kept_apart_as_siblings"]
    _set_saved_config(store_copy, None)
    assert explain(store_copy, task["left"], task["right"])["kept_apart_as_siblings"]


def test_an_incremental_run_keeps_its_models_config_and_refuses_another(store_copy):
    from athar.linkage.config import LinkConfig, SiblingConfig
    from athar.linkage.store_io import latest_run

    other = LinkConfig(siblings=SiblingConfig(check_from=0.6))
    before = latest_run(store_copy).run_id
    with pytest.raises(ValueError, match="--full"):
        link(store_copy, LinkOptions(user="test", config=other))
    assert latest_run(store_copy).run_id == before, "nothing is written"
    link(store_copy, LinkOptions(user="test", full=True, config=other))
    link(store_copy, LinkOptions(user="test"))
    assert latest_run(store_copy).config == other


@pytest.mark.parametrize("fetch_rows", [7, 200_000])
def test_a_full_run_reads_records_and_versions_in_one_pass_as_the_two_reads_give_them(
    store_copy, tmp_path, monkeypatch, fetch_rows
):
    """`load_records_and_versions` (a full run's one read) gives the current records the store's
    reader gives (but the person each belongs to, which the run recomputes), ready for scoring, and
    the versions `record_versions` gives, in the same order: also after a record's new version and
    a list of another source, and when the rows are fetched in many chunks. A value that repeats
    within a chunk is held once."""
    from athar.linkage import store_io

    monkeypatch.setattr(store_io, "FETCH_ROWS", fetch_rows)

    with store_copy.connect() as conn:
        source, record_id = conn.execute(
            select(Source.name, Record.record_id).join(Source).where(Record.is_current.is_(True)).limit(1)
        ).one()
    changed = tmp_path / "again.csv"
    changed.write_text(f"record_id,given_name,family_name\n{record_id},Rami,Saleh\n", encoding="utf-8")
    assert import_file(store_copy, changed, source).new_versions == 1
    extra = tmp_path / "extra.csv"
    extra.write_text("record_id,given_name,family_name\nX1,Omar,Hamdan\n", encoding="utf-8")
    import_file(store_copy, extra, "a new list")

    records, versions = store_io.load_records_and_versions(store_copy)
    assert versions == store_io.record_versions(store_copy)
    kinds = store_io.source_kinds(store_copy)
    read = [{k: v for k, v in r.items() if k != "person_id"} for r in current_records(store_copy)]
    assert [store_io.for_scoring(r, i, kinds) for i, r in enumerate(read)] == records.as_dicts()
    assert list(zip(records["source"], records["record_id"], strict=True)) == versions.keys
    assert (source, record_id) in versions.keys and ("a new list", "X1") in versions.keys
    if fetch_rows > len(records):  # one chunk: each sex written is one object
        sexes = [sex for sex in records["sex"].tolist() if sex is not None]
        assert len(sexes) > len({id(sex) for sex in sexes}) == len(set(sexes))
