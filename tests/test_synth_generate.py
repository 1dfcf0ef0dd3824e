"""Specification of athar.synth.generate: files, truth, encodings and the hard cases."""

import csv
import hashlib
import itertools
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from athar.synth import SynthSummary, generate
from athar.synth.generate import PERSONS_HEADER
from athar.synth.sources import DETENTION_HEADER, FAMILIES_HEADER, MORGUE_HEADER, RETURNEES_HEADER

N = 3000
SOURCE_FILES = {
    "families": ("families.csv", "utf-8"),
    "detention": ("detention.csv", "cp1256"),
    "returnees": ("returnees.csv", "utf-8"),
    "morgue": ("morgue.csv", "utf-8"),
}


def _rid(row: dict[str, str]) -> str:
    return row.get("record_id") or row["رقم السجل"]


def _read(path: Path, encoding: str = "utf-8") -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def synth(tmp_path_factory) -> tuple[Path, SynthSummary]:
    out = tmp_path_factory.mktemp("synth")
    return out, generate(out, persons=N, seed=7)


@pytest.fixture(scope="module")
def records(synth) -> dict[str, list[dict[str, str]]]:
    out, _ = synth
    return {s: _read(out / f, enc) for s, (f, enc) in SOURCE_FILES.items()}


@pytest.fixture(scope="module")
def truth(synth) -> list[dict[str, str]]:
    return _read(synth[0] / "truth.csv")


@pytest.fixture(scope="module")
def persons(synth) -> list[dict[str, str]]:
    return _read(synth[0] / "persons.csv")


def _digests(d: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(d.iterdir())}


def test_same_seed_writes_byte_identical_files(tmp_path):
    generate(tmp_path / "a", persons=500, seed=3)
    generate(tmp_path / "b", persons=500, seed=3)
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")


def test_different_seeds_write_different_lists(tmp_path):
    generate(tmp_path / "a", persons=500, seed=3)
    generate(tmp_path / "b", persons=500, seed=4)
    a, b = _digests(tmp_path / "a"), _digests(tmp_path / "b")
    assert all(a[name] != b[name] for name in a)


def test_summary_counts_match_the_files(synth, records):
    _, summary = synth
    assert summary.persons == N
    assert summary.records_by_source == {s: len(rows) for s, rows in records.items()}
    assert {p.name for p in summary.files} == {
        "families.csv",
        "detention.csv",
        "returnees.csv",
        "morgue.csv",
        "truth.csv",
        "persons.csv",
    }
    assert all(p.exists() for p in summary.files)


def test_every_record_is_in_truth_and_every_truth_row_is_a_record(records, truth):
    in_files = {(s, _rid(r)) for s, rows in records.items() for r in rows}
    in_truth = {(t["source"], t["record_id"]) for t in truth}
    assert in_files == in_truth
    assert len(truth) == sum(len(rows) for rows in records.values())


def test_truth_points_at_real_persons(truth, persons):
    ids = {p["person_id"] for p in persons}
    assert len(ids) == N
    assert {t["person_id"] for t in truth} <= ids


def test_record_ids_are_unique_within_each_source(records):
    for rows in records.values():
        ids = [_rid(r) for r in rows]
        assert len(ids) == len(set(ids))


def test_headers_are_exactly_the_contract(synth, records):
    out, _ = synth
    assert list(records["families"][0]) == FAMILIES_HEADER
    assert list(records["returnees"][0]) == RETURNEES_HEADER
    assert list(records["morgue"][0]) == MORGUE_HEADER
    assert list(_read(out / "persons.csv")[0]) == PERSONS_HEADER
    assert list(_read(out / "truth.csv")[0]) == ["source", "record_id", "person_id"]


def test_detention_is_windows_1256_with_arabic_headers(synth):
    raw = (synth[0] / "detention.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1256")
    assert text.splitlines()[0].split(",") == DETENTION_HEADER
    assert DETENTION_HEADER == [
        "رقم السجل",
        "الاسم",
        "اسم الأب",
        "اسم الجد",
        "الكنية",
        "اسم الأم",
        "الجنس",
        "تاريخ الولادة",
        "مكان الولادة",
        "الرقم الوطني",
        "تاريخ التوقيف",
        "الفرع",
    ]


def test_detention_rows_are_arabic_with_sex_words_and_branches(records):
    rows = records["detention"]
    assert {r["الجنس"] for r in rows} <= {"ذكر", "أنثى"}
    assert all("\u0600" <= r["الاسم"][0] <= "\u06ff" for r in rows)
    assert any(r["الفرع"] == "سجن صيدنايا" for r in rows)
    ids = [r["الرقم الوطني"] for r in rows if r["الرقم الوطني"]]
    assert ids and all(len(i) == 11 and i.isdigit() for i in ids)


def test_detention_names_carry_scan_noise(records, truth, persons):
    """Some register names differ from the true Arabic name by dot confusions or hamza loss."""
    by_id = {p["person_id"]: p for p in persons}
    who = {t["record_id"]: t["person_id"] for t in truth if t["source"] == "detention"}
    rows = records["detention"]
    differ = sum(r["الاسم"] != by_id[who[r["رقم السجل"]]]["given_name_ar"] for r in rows)
    assert 0.03 * len(rows) < differ < 0.5 * len(rows)


def test_families_are_mostly_latin_with_some_arabic(records):
    names = [r["full_name"] or r["given_name"] for r in records["families"]]
    arabic = sum("\u0600" <= n[0] <= "\u06ff" for n in names)
    assert 0.08 < arabic / len(names) < 0.25


def test_families_write_several_name_orders(records):
    full = [r["full_name"] for r in records["families"] if r["full_name"]]
    assert any(", " in f for f in full)  # FAMILY, Given Father
    assert any(f.isupper() for f in full)
    assert any(len(f.split()) == 2 for f in full)


def test_families_give_approximate_birth_years(records):
    births = [r["birth_date"] for r in records["families"] if r["birth_date"]]
    assert sum(len(b) == 4 for b in births) > 0.5 * len(births)


def test_arabic_indic_digits_appear_in_arabic_family_reports(records):
    assert any(ch in "٠١٢٣٤٥٦٧٨٩" for r in records["families"] for ch in r["event_date"])


def test_returnees_use_officials_forms(records):
    rows = records["returnees"]
    assert {r["sex"] for r in rows} <= {"M", "F"}
    assert sum(r["full_name"].isupper() for r in rows) > 0.4 * len(rows)
    assert any("/" in r["birth_date"] for r in rows) and any("-" in r["birth_date"] for r in rows)
    assert sum(bool(r["national_id"]) for r in rows) > 0.6 * len(rows)


def test_morgue_rows_have_ages_not_birth_dates_and_some_no_name(records):
    rows = records["morgue"]
    assert "birth_date" not in rows[0]
    ages = [int(r["age"]) for r in rows if r["age"]]
    assert ages and all(0 < a < 90 for a in ages)
    assert any(r["full_name"] == "" for r in rows)


def test_returnees_are_never_in_the_morgue(truth):
    by_source = defaultdict(set)
    for t in truth:
        by_source[t["source"]].add(t["person_id"])
    assert not by_source["returnees"] & by_source["morgue"]


def test_detention_raises_the_chance_of_being_in_the_morgue(truth, persons):
    by_source = defaultdict(set)
    for t in truth:
        by_source[t["source"]].add(t["person_id"])
    died = [p["person_id"] for p in persons if p["fate"] == "detained_died"]
    in_det = [p for p in died if p in by_source["detention"]]
    not_det = [p for p in died if p not in by_source["detention"]]
    rate = lambda ps: sum(p in by_source["morgue"] for p in ps) / len(ps)  # noqa: E731
    assert rate(in_det) > 1.8 * rate(not_det)


def test_some_persons_are_in_no_list(synth, truth):
    listed = {t["person_id"] for t in truth}
    assert 0.1 * N < N - len(listed) < 0.5 * N
    assert synth[1].persons_in_no_source == N - len(listed)


def test_duplicates_within_one_source_exist_at_a_few_percent(truth):
    for source in ("families", "detention"):
        people = Counter(t["person_id"] for t in truth if t["source"] == source)
        extra = sum(c - 1 for c in people.values())
        assert 0.02 < extra / sum(people.values()) < 0.1


def test_siblings_share_father_grandfather_mother_and_family_name(persons):
    households = defaultdict(list)
    for p in persons:
        households[p["household_id"]].append(p)
    multi = [h for h in households.values() if len(h) > 1]
    assert len(multi) > 0.15 * len(households)
    shared = ("father_name_ar", "grandfather_name_ar", "family_name_ar", "mother_name_ar")
    for h in multi:
        for key in shared:
            assert len({p[key] for p in h}) == 1
        assert len({p["given_name_ar"] for p in h}) == len(h)


def test_several_brothers_of_one_household_are_detained(truth, persons):
    detained = {t["person_id"] for t in truth if t["source"] == "detention"}
    per_household = Counter(p["household_id"] for p in persons if p["person_id"] in detained)
    assert sum(c >= 2 for c in per_household.values()) > 20


def test_namesakes_share_given_and_family_name_with_different_fathers(persons):
    groups = defaultdict(set)
    for p in persons:
        groups[(p["given_name_ar"], p["family_name_ar"])].add(p["father_name_ar"])
    assert sum(len(f) >= 2 for f in groups.values()) > 30


def test_name_frequencies_are_skewed(persons):
    men = [p["given_name_ar"] for p in persons if p["sex"] == "M"]
    top = Counter(men).most_common(2)
    assert top[0][0] == "محمد"
    assert 0.07 < top[0][1] / len(men) < 0.2


def test_population_is_mostly_young_men_born_1950_to_2008(persons):
    men = sum(p["sex"] == "M" for p in persons)
    assert men > 0.8 * N
    years = [int(p["birth_date"][:4]) for p in persons]
    assert min(years) >= 1950 and max(years) <= 2008
    ages = [int(p["event_date"][:4]) - int(p["birth_date"][:4]) for p in persons]
    assert sum(18 <= a <= 45 for a in ages) > 0.65 * N


def test_progress_is_reported_up_to_the_total(tmp_path):
    calls: list[tuple[int, int]] = []
    generate(tmp_path, persons=300, seed=1, progress=lambda d, t: calls.append((d, t)))
    assert calls[0][0] == 0
    assert calls[-1][0] == calls[-1][1]
    assert all(a[0] <= b[0] for a, b in itertools.pairwise(calls))


def test_zero_persons_writes_files_with_headers_only(tmp_path):
    summary = generate(tmp_path, persons=0)
    assert summary.records == 0
    assert (tmp_path / "families.csv").read_text(encoding="utf-8").splitlines() == [",".join(FAMILIES_HEADER)]


def test_families_in_france_write_french_spellings(records):
    words = {w.strip(",") for r in records["families"] for w in r["full_name"].split()}
    french_only = {w for w in words if w.startswith(("Ou", "Dj", "Abdou", "Mou", "Chr", "Cha", "Che"))}
    assert len(french_only) >= 5
