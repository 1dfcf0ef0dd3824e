"""The place gazetteer: every spelling a list writes resolves to the right place."""

import csv
from pathlib import Path

import pytest

from athar.places import Place, governorate_of, lookup, place_key
from athar.places.gazetteer import COLUMNS, KINDS, read_rows, spellings

SPELLING_FAMILIES = {
    "sy-dez-deir-ez-zor": [
        "Deir ez-Zor",
        "Deir Ezzor",
        "Dayr az Zawr",
        "DEIR EZ-ZOR",
        "دير الزور",
        "ديرالزور",
    ],
    "sy-hom-qusayr": ["Al-Qusayr", "Qusair", "القصير", "AL-QUSAYR", "El Qusseir"],
    "sy-rdm": ["Rif Dimashq", "Damascus Countryside", "ريف دمشق", "Rural Damascus", "Reef Dimashq"],
    "sy-rdm-douma": ["Douma", "Duma", "دوما", "DOUMA"],
    "sy-idl-maarat-al-numan": ["Maarat al-Numan", "Ma'arrat an-Nu'man", "معرة النعمان", "Maaret Al Numan"],
    "sy-rdm-darayya": ["Darayya", "Daraya", "داريا"],
    "sy-has-hasakah": ["Hasakah", "Al-Hasakeh", "الحسكة", "Alhasakah"],
    "sy-raq-raqqa": ["Raqqa", "RAKKA", "الرقة", "Ar-Raqqah"],
    "sy-ham-morek": ["Morek", "MOREK", "مورك", "Mourek"],
    "sy-has-qamishli": ["AL-QAMISHLI", "Qamishli", "Kamishli", "القامشلي", "Qamishlo"],
    "sy-ale-ayn-al-arab": ["Ayn al-Arab", "Kobani", "Kobanê", "عين العرب", "كوباني"],
    "sy-lat-latakia": ["Latakia", "Lattakia", "Lattaquie", "اللاذقية"],
}


@pytest.mark.parametrize("place_id", sorted(SPELLING_FAMILIES))
def test_each_spelling_family_resolves_to_one_place(place_id):
    got = {s: (p.place_id if (p := lookup(s)) else None) for s in SPELLING_FAMILIES[place_id]}
    assert got == dict.fromkeys(SPELLING_FAMILIES[place_id], place_id)


def test_lookup_returns_a_frozen_place_with_its_hierarchy():
    p = lookup("Talbiseh")
    assert isinstance(p, Place)
    assert (p.kind, p.governorate_id, p.district_id) == ("town", "sy-hom", "sy-hom-d-rastan")
    assert (p.name_ar, p.name_en) == ("تلبيسة", "Talbiseh")
    with pytest.raises(AttributeError):
        p.kind = "district"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "governorate"),
    [
        ("Harasta", "sy-rdm"),
        ("Yarmouk camp", "sy-dam"),
        ("Baba Amr", "sy-hom"),
        ("Al-Waer", "sy-hom"),
        ("Salamiyah", "sy-ham"),
        ("Jisr al-Shughur", "sy-idl"),
        ("Tal Rifaat", "sy-ale"),
        ("Tabqa", "sy-raq"),
        ("Al-Thawrah", "sy-raq"),
        ("Al-Mayadin", "sy-dez"),
        ("Ras al-Ayn", "sy-has"),
        ("Serekaniye", "sy-has"),
        ("Baniyas", "sy-tar"),
        ("Qardaha", "sy-lat"),
        ("Shahba", "sy-swd"),
        ("Khan Arnabah", "sy-qun"),
        ("Busra al-Sham", "sy-dar"),
        ("Da'el", "sy-dar"),
        ("Sheikh Maqsoud", "sy-ale"),
    ],
)
def test_towns_and_neighbourhoods_lie_in_their_governorate(text, governorate):
    assert governorate_of(text) == governorate


def test_governorate_of_a_governorate_is_itself():
    assert governorate_of("Idlib Governorate") == "sy-idl"
    assert lookup("Idlib Governorate").kind == "governorate"


def test_bare_capital_name_means_the_city_and_qualified_names_the_unit():
    assert lookup("Homs").place_id == "sy-hom-homs"
    assert lookup("مدينة حمص").place_id == "sy-hom-homs"
    assert lookup("محافظة حمص").place_id == "sy-hom"
    assert lookup("Homs Province").place_id == "sy-hom"


@pytest.mark.parametrize(
    "spellings",
    [
        ["القصير", "قصير", "الْقُصَيْر"],
        ["إعزاز", "اعزاز", "أعزاز"],
        ["حماة", "حماه", "محافظة حماة"],
        ["السويداء", "السويدا", "سويداء"],
        ["الرقة", "الرقه", "رقة"],
        ["دير الزور", "دير ال زور", "ديرالزور"],
        ["معرة النعمان", "معره النعمان", "معرةالنعمان"],
    ],
)
def test_arabic_article_hamza_and_ta_marbuta_variants_fold_together(spellings):
    assert len({governorate_of(s) for s in spellings}) == 1
    assert None not in {governorate_of(s) for s in spellings}


def test_place_key_ignores_case_articles_hyphens_and_ayn_marks():
    assert place_key("Deir ez-Zor") == place_key("DEIR EZ ZOR") == place_key("deir-ez-zor")
    assert place_key("Ma'arrat an-Nu'man") == place_key("Maarrat al-Numan")
    assert place_key("Jisr ash-Shughur") == place_key("Jisr al Shughur")
    assert place_key("Kafr Souseh") == place_key("Kafr Susa".replace("Su", "Sou") + "h")


def test_french_spellings_fold_to_english_ones():
    assert place_key("Chahba") == place_key("Shahba")
    assert place_key("Djobar") == place_key("Jobar")
    assert lookup("Khan Cheikhoun").place_id == "sy-idl-khan-shaykhun"


@pytest.mark.parametrize(
    ("text", "place_id"),
    [
        ("Douma, Rif Dimashq", "sy-rdm-douma"),
        ("دوما - ريف دمشق", "sy-rdm-douma"),
        ("فرع 245 - درعا", "sy-dar-f-branch-245"),
        ("body no. 3334 / فرع 261 - حمص", "sy-hom-f-branch-261"),
        ("Talbiseh (Homs)", "sy-hom-talbiseh"),
        ("Al-Mazzeh, Damascus", "sy-dam-mazzeh"),
    ],
)
def test_qualified_strings_resolve_to_their_first_part(text, place_id):
    assert lookup(text).place_id == place_id


def test_a_qualifier_picks_among_namesakes():
    # "Al-Hameh" folds to the same key as Hama; the qualifier says which one is meant
    assert lookup("Al-Hameh").place_id == "sy-ham-hama"
    assert lookup("Al-Hameh, Rif Dimashq").place_id == "sy-rdm-hameh"
    assert lookup("الحميدية - طرطوس").governorate_id == "sy-tar"


def test_an_unknown_first_part_falls_back_to_the_qualifier():
    assert lookup("Some small village, Idlib").governorate_id == "sy-idl"


@pytest.mark.parametrize(
    ("text", "governorate"),
    [
        ("ريف دمشق", "sy-rdm"),
        ("ريف حلب", "sy-ale"),
        ("Countryside of Aleppo", "sy-ale"),
        ("ريف إدلب الجنوبي", "sy-idl"),
        ("Rif Homs", "sy-hom"),
        ("Damascus countryside", "sy-rdm"),
    ],
)
def test_countryside_of_a_city_is_its_governorate_and_rif_dimashq_for_damascus(text, governorate):
    p = lookup(text)
    assert (p.place_id, p.kind) == (governorate, "governorate")


@pytest.mark.parametrize(
    ("text", "place_id"),
    [
        ("فرع 215", "sy-dam-f-branch-215"),
        ("Branch 215", "sy-dam-f-branch-215"),
        ("فرع فلسطين 235", "sy-dam-f-branch-235"),
        ("Palestine Branch", "sy-dam-f-branch-235"),
        ("فرع 227", "sy-dam-f-branch-227"),
        ("Branch 248", "sy-dam-f-branch-248"),
        ("فرع الخطيب 251", "sy-dam-f-branch-251"),
        ("Al-Khatib Branch", "sy-dam-f-branch-251"),
        ("فرع الجوية - المزة", "sy-dam-f-air-force-intelligence-mezzeh"),
        ("Air Force Intelligence, Mezzeh Airport", "sy-dam-f-air-force-intelligence-mezzeh"),
        ("الشرطة العسكرية في القابون", "sy-dam-f-military-police-qaboun"),
        ("سجن صيدنايا", "sy-rdm-f-saydnaya-prison"),
        ("Saydnaya prison", "sy-rdm-f-saydnaya-prison"),
        ("Sednaya Military Prison", "sy-rdm-f-saydnaya-prison"),
        ("سجن عدرا المركزي", "sy-rdm-f-adra-prison"),
        ("Tishreen Military Hospital", "sy-dam-f-tishreen-military-hospital"),
        ("مشفى تشرين العسكري", "sy-dam-f-tishreen-military-hospital"),
        ("مستشفى تشرين العسكري", "sy-dam-f-tishreen-military-hospital"),
        ("Harasta Military Hospital", "sy-rdm-f-harasta-military-hospital"),
        ("مشفى المزة 601", "sy-dam-f-mezzeh-601-hospital"),
        ("Nasib Border Crossing", "sy-dar-f-nasib-crossing"),
        ("Jdeidet Yabous", "sy-rdm-f-jdeidet-yabous"),
        ("Bab al-Hawa", "sy-idl-f-bab-al-hawa"),
        ("Bab al-Salameh", "sy-ale-f-bab-al-salameh"),
    ],
)
def test_detention_facilities_hospitals_and_crossings_resolve(text, place_id):
    assert lookup(text).place_id == place_id


def test_branch_numbers_are_never_matched_fuzzily():
    assert lookup("فرع 216") is None
    assert lookup("Branch 999") is None


def test_a_facility_without_its_own_row_resolves_to_its_town():
    assert lookup("Douma Field Hospital").place_id == "sy-rdm-douma"
    assert governorate_of("مشفى إدلب الميداني") == "sy-idl"


@pytest.mark.parametrize("text", ["Berlin", "xyz", "", "   ", "Paris, France", "unknown", "-", "12345"])
def test_unknown_strings_return_none(text):
    assert lookup(text) is None
    assert governorate_of(text) is None


def test_fuzzy_fallback_forgives_one_dropped_or_doubled_letter():
    assert lookup("Harsta").place_id == "sy-rdm-harasta"
    assert lookup("Zabadnai".replace("ai", "i")).place_id == "sy-rdm-zabadani"
    assert lookup("Khan Shaykhunn").place_id == "sy-idl-khan-shaykhun"


def test_fuzzy_fallback_does_not_turn_a_different_town_into_a_known_one():
    assert lookup("Kafr Nita") is None  # one letter from Kafr Zita, but another village
    assert lookup("Tafas") != lookup("Tasil")
    assert lookup("Hama") != lookup("Homs")


def test_vowel_variants_resolve_through_the_consonant_skeleton():
    assert lookup("Zamalkah").place_id == lookup("Zemalka").place_id == "sy-rdm-zamalka"
    assert lookup("Talbisah").place_id == "sy-hom-talbiseh"


def _synthetic_place_values(tmp_path: Path) -> tuple[list[str], list[tuple[str, str]]]:
    """Every non-blank place value the four synthetic lists wrote, and (birth place, governorate) pairs."""
    from athar.synth import generate

    generate(tmp_path, persons=1500, seed=7)
    persons = {r["person_id"]: r for r in csv.DictReader((tmp_path / "persons.csv").open(encoding="utf-8"))}
    truth = {r["record_id"]: r["person_id"] for r in csv.DictReader((tmp_path / "truth.csv").open())}
    values: list[str] = []
    births: list[tuple[str, str]] = []
    files = [
        ("families.csv", "utf-8", "birth_place", "event_place", "record_id"),
        ("returnees.csv", "utf-8", "birth_place", "event_place", "record_id"),
        ("morgue.csv", "utf-8", None, "event_place", "record_id"),
        ("detention.csv", "cp1256", "مكان الولادة", "الفرع", "رقم السجل"),
    ]
    for name, encoding, birth_col, event_col, id_col in files:
        with (tmp_path / name).open(encoding=encoding, newline="") as fh:
            for row in csv.DictReader(fh):
                for col in (birth_col, event_col):
                    if col and row[col].strip():
                        values.append(row[col])
                if birth_col and row[birth_col].strip() and row[id_col] in truth:
                    births.append((row[birth_col], persons[truth[row[id_col]]]["governorate"]))
    return values, births


def test_synthetic_lists_place_spellings_resolve(tmp_path):
    values, births = _synthetic_place_values(tmp_path)
    assert len(values) > 1000 and len(births) > 500
    resolved = sum(lookup(v) is not None for v in values)
    assert resolved / len(values) >= 0.98
    right = sum(governorate_of(b) == governorate_of(g) is not None for b, g in births)
    assert right / len(births) >= 0.98


def test_the_table_is_well_formed():
    rows = read_rows()
    assert list(rows[0]) == COLUMNS
    ids = [r["place_id"] for r in rows]
    assert len(ids) == len(set(ids))
    by_id = {r["place_id"]: r for r in rows}
    for r in rows:
        assert r["kind"] in KINDS, r
        assert r["name_ar"].strip() and r["name_en"].strip(), r
        assert by_id[r["governorate_id"]]["kind"] == "governorate", r
        if r["kind"] == "governorate":
            assert r["governorate_id"] == r["place_id"] and not r["district_id"], r
        if r["district_id"]:
            assert by_id[r["district_id"]]["kind"] == "district", r
            assert by_id[r["district_id"]]["governorate_id"] == r["governorate_id"], r
        assert all(any(ch.isalpha() for ch in v) for v in r["variants"].split("|")) or not r["variants"], r
        assert all(ch not in r["variants"] for ch in "\t\n"), r


def test_the_table_covers_the_country():
    kinds = [r["kind"] for r in read_rows()]
    assert kinds.count("governorate") == 14
    assert 60 <= kinds.count("district") <= 65
    assert kinds.count("town") >= 250
    assert kinds.count("facility") >= 20


def test_a_governorate_written_after_the_place_without_a_separator_qualifies_it():
    assert lookup("Douma Rif Dimashq").place_id == "sy-rdm-douma"
    assert lookup("Al-Hamidiyah Quneitra").place_id == "sy-qun-hamidiyah-qun"
    assert lookup("الحاضر حماة").place_id == "sy-ham-hader-hama"
    assert lookup("Berlin Homs") is None


def test_camps_are_their_own_place_and_an_unlisted_camp_falls_back_to_its_town():
    assert lookup("Daraa camp").place_id == "sy-dar-daraa-camp"
    assert lookup("مخيم اليرموك").place_id == lookup("Yarmouk").place_id == "sy-dam-yarmouk"
    assert lookup("Atmeh camp").place_id == "sy-idl-atmeh"


def test_a_name_given_in_both_scripts_resolves():
    assert lookup("Douma دوما").place_id == "sy-rdm-douma"
    assert lookup("حي بابا عمرو").place_id == "sy-hom-baba-amr"


@pytest.mark.parametrize(
    "text",
    ["Khaled", "Ghassan", "Fatima", "Aisha", "Bremen", "Adana", "Beirut", "Gaziantep", "محمد", "بيروت"],
)
def test_personal_names_and_foreign_places_do_not_become_syrian_places(text):
    assert lookup(text) is None


def test_every_spelling_in_the_table_resolves_and_governorates_and_districts_to_their_own_governorate():
    for row in read_rows():
        for spelling in spellings(row):
            place = lookup(spelling)
            assert place is not None, spelling
            if row["kind"] in ("governorate", "district"):
                assert place.governorate_id == row["governorate_id"], (spelling, place)
