"""Comparing names: part by part and whole chains."""

import pytest

from athar.names import (
    Level,
    NameFrequencies,
    compare_part,
    name_frequency,
    name_key,
    name_similarity,
    part_similarity,
)

SAME_PERSON = [
    "محمد عبد الرحمن الحمود",
    "Mohammad Abdulrahman Al-Hamoud",
    "ALHAMOUD, Mhd Abd al-Rahman",
    "مجمد عبدالرحمن الحمود",
]


@pytest.mark.parametrize("other", SAME_PERSON[1:])
def test_renderings_of_one_person_score_high(other):
    assert name_similarity(SAME_PERSON[0], other) > 0.95


def test_a_sibling_scores_low():
    assert name_similarity("محمد عبد الرحمن الحمود", "أحمد عبد الرحمن الحمود") < 0.5


def test_a_different_father_is_strong_evidence_against():
    assert name_similarity("محمد عبد الرحمن الحمود", "Mohammad Khaled Al-Hamoud") < 0.5


def test_a_different_family_is_evidence_against():
    assert name_similarity("محمد عبد الرحمن الحمود", "محمد عبد الرحمن الشامي") < 0.6


def test_a_missing_grandfather_is_not_a_mismatch():
    assert name_similarity("محمد عبد الرحمن الحمود", "محمد عبد الرحمن حسن الحمود") > 0.95


def test_a_missing_father_is_not_a_mismatch():
    # محمد الحمود is a common name, so agreeing on it is weaker evidence than on a rare one (below),
    # yet still far from a different father
    assert name_similarity("محمد عبد الرحمن الحمود", "Mohammad Al-Hamoud") > 0.85
    assert name_similarity("رامز عبد الرحمن الحمود", "Ramez Al-Hamoud") > 0.95
    assert name_similarity("محمد عبد الرحمن الحمود", "Mohammad Khaled Al-Hamoud") < 0.5


def test_name_frequency_reads_the_levantine_counts_in_any_script():
    assert name_frequency("محمد") == name_frequency("Mohammed") == name_frequency("Mhd") == 12_559
    assert name_frequency("Ali") == name_frequency("علي") > 1_000  # علي and على, and العلي
    # the list counts a split عبد الرحمن's halves apart: the compound also gets الرحمن's count
    assert name_frequency("عبد الرحمن") > 900
    assert name_frequency("Ramez") < 100
    assert name_frequency("Zzyzx") == 0


@pytest.mark.parametrize(
    ("rare", "common"),
    [
        (("رامز الحمود", "Ramez Al-Hamoud"), ("محمد الحمود", "Mohammad Al-Hamoud")),
        (("Ramiz Harery", "RAMIZ KHALED HARIRI"), ("Mohammed Harery", "MOHAMMED KHALED HARIRI")),
        (("شادي سعيد الزعبي", "شادي الزعبي"), ("أحمد سعيد الزعبي", "أحمد الزعبي")),
    ],
)
def test_agreeing_on_a_rare_given_name_counts_more_than_on_a_common_one(rare, common):
    # namesakes arise among common names: P(same person | names agree) falls with the name's frequency
    assert name_similarity(*rare) > name_similarity(*common) + 0.02


def test_rarity_does_not_touch_one_word_names_or_different_people():
    assert name_similarity("Ramez", "رامز") == pytest.approx(name_similarity("Mohammed", "محمد"), abs=0.02)
    # a different father keeps all its weight however rare the name (cousins share rare names)
    rare, common = ("رامز خالد الحمود", "رامز سعيد الحمود"), ("محمد خالد الحمود", "محمد سعيد الحمود")
    assert name_similarity(*rare) <= 0.5
    assert name_similarity(*rare) == pytest.approx(name_similarity(*common))


def test_similarity_is_symmetric_and_bounded():
    a, b = "Ahmad bin Ali", "احمد علي الحسن"
    assert name_similarity(a, b) == pytest.approx(name_similarity(b, a))
    assert 0.0 <= name_similarity(a, b) <= 1.0


def test_blank_names_score_zero():
    assert name_similarity("", "محمد") == 0.0


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("أحمد", "احمد", Level.EXACT_NORMALIZED),
        ("محمد", "Mohammed", Level.EXACT_KEY),
        ("Al-Fallahi", "Al-Falahy", Level.EXACT_KEY),
        ("Hegazi", "Hijazi", Level.EXACT_KEY),
        ("Al-Nueimi", "Al-Naimi", Level.CLOSE_KEY),
        ("Tarabishi", "Trabishi", Level.SIMILAR_KEY),
        ("محمد", "خالد", Level.DIFFERENT),
        ("محمد", "", Level.NULL),
        (None, "Ali", Level.NULL),
    ],
)
def test_comparison_levels(a, b, level):
    assert compare_part(a, b) == level


def test_part_similarity_ranks_a_variant_above_another_name():
    assert part_similarity("Mohammed", "محمد") > part_similarity("Mahmoud", "محمد")


def test_a_yacine_and_a_yaseen_are_one_person():
    assert name_similarity("Ramiz Yacine Harery", "RAMIZ YASEEN HARIRI") > 0.95


def test_a_spelling_known_only_by_its_fold_is_weaker_evidence_of_another_name():
    # Jammil folds to جمال's key, not جميل's: a misspelling, not surely the other name
    assert part_similarity("Jammil", "جميل") > part_similarity("محمد", "محمود")
    # two names known as written stay apart
    assert part_similarity("Mohammed", "Mahmoud") < 0.7


def test_siblings_muhammad_and_mahmoud_stay_apart_across_scripts():
    assert name_similarity("محمد رفيق خضور", "Mahmod Rafik Khaddour") < 0.5


def test_scores_do_not_depend_on_cache_state():
    from athar.names import compare

    pairs = [("محمد عبد الرحمن الحمود", o) for o in SAME_PERSON[1:]] + [
        ("Ahmad Ali Hasan", "حسن أحمد علي"),
        ("علي الخطيب", "علي حيدر الخطيب"),
    ]
    warm = [name_similarity(a, b) for a, b in pairs]
    compare._token_similarity.cache_clear()
    compare._chain_readings.cache_clear()
    assert [name_similarity(a, b) for a, b in pairs] == warm


@pytest.mark.parametrize(
    ("masculine", "feminine"),
    [("كريم", "Karima"), ("Karim", "كريمة"), ("جميل", "Jamila"), ("سمير", "Samira"), ("نبيه", "Nabiha")],
)
def test_a_name_and_its_feminine_are_two_names(masculine, feminine):
    # one letter apart in the key (karim/karima) used to count as a near spelling
    assert part_similarity(masculine, feminine) < 0.8
    assert name_similarity(f"{masculine} حسن الخطيب", f"{feminine} Hasan Al-Khatib") < 0.5


@pytest.mark.parametrize(("name", "nisba"), [("جعفر", "Jaafari"), ("حسين", "Husseini"), ("شكري", "Shukria")])
def test_a_name_and_its_nisba_are_two_names(name, nisba):
    assert part_similarity(name, nisba) < 0.8


def test_a_feminine_name_still_matches_its_own_spellings():
    assert part_similarity("كريمة", "Karima") >= 0.98
    assert part_similarity("جميلة", "Jamila") >= 0.98


@pytest.mark.parametrize(("a", "b"), [("الفتاح", "Fattah"), ("العلي", "Ali"), ("Al-Hamoud", "حمود")])
def test_two_one_word_names_compare_their_words_wherever_the_parse_put_them(a, b):
    # the article made one side a family name and the other a given name: nothing was compared
    assert name_similarity(a, b) > 0.7
    assert name_similarity(a, b) == pytest.approx(name_similarity(b, a))


def test_a_spelling_the_dictionary_gives_for_a_name_matches_it_though_another_name_claims_it():
    from athar.names.dictionary import DICTIONARY

    # Hassan spells both حسن and حسان
    assert {"حسن", "حسان"} <= DICTIONARY.spelled_by["hassan"]
    assert part_similarity("حسن", "Hassan") >= 0.98
    assert part_similarity("حسان", "Hassan") >= 0.98


def test_different_known_names_one_misread_dot_apart_stay_apart_in_a_full_name():
    # يسار is not a misread بشار (two letters differ): a namesake's brother stays apart
    assert name_similarity("يسار محمد الحمود", "بشار محمد الحمود") < 0.5
    assert name_similarity("يسار محمد الحمود", "Yasar Mohammad Al-Hamoud") > 0.9


@pytest.mark.parametrize(
    ("arabic", "latin"), [("مراد", "Murat"), ("فؤاد", "Fuat"), ("خليل", "Halil"), ("فخري", "Fahri")]
)
def test_turkish_final_t_and_h_for_kha_are_close_spellings(arabic, latin):
    # Turkish devoices a final د (Murat, Fuat) and writes خ as h (Halil, Fahri)
    assert part_similarity(arabic, latin) >= 0.95


def test_keys_one_letter_class_apart_are_closer_than_keys_sharing_only_consonants():
    # Karem/Karim differ in e/i only; Salem/Salim (سالم, سليم) share only their consonants
    assert part_similarity("Karem", "Kareem") > part_similarity("Nejib", "Najib")
    assert part_similarity("Daher", "ظاهر") >= 0.95


def test_the_usual_spelling_of_a_name_written_several_ways_is_the_commonest():
    from athar.names import romanize
    from athar.names.dictionary import DICTIONARY

    # the TFP list gives رمزى "rmza" and رمزي "ramzi": both normalize to رمزي
    assert DICTIONARY.romanize_token("رمزي") == "ramzi"
    assert romanize("رمزى") == "Ramzi"
    assert name_similarity("رمزي", "Ramzi") > 0.75


@pytest.mark.parametrize(("arabic", "latin"), [("كاظم", "Kathem"), ("ناظم", "Nathem"), ("منذر", "Munthir")])
def test_th_is_read_as_the_arabic_letter_it_is_compared_with(arabic, latin):
    # Iraqi and Levantine th for ظ and ذ: the fold alone reads it as ث (Kathem would be Kasem, قاسم)
    assert part_similarity(arabic, latin) >= 0.95
    assert name_similarity(f"{arabic} علي", f"{latin} Ali") > 0.9


@pytest.mark.parametrize(("arabic", "latin"), [("صباح", "Sbah"), ("سماح", "Smah"), ("مفتاح", "Muftah")])
def test_a_final_ah_is_read_as_ha_against_a_name_that_ends_in_ha(arabic, latin):
    # spellings in no dictionary: their plain key reads -ah as ة (sba), the Arabic keeps its ح (sabah)
    assert name_key(latin)[-1] != "h"
    assert part_similarity(arabic, latin) > 0.85


def test_a_spelling_listed_for_the_name_agrees_more_than_one_that_only_folds_to_its_key():
    # Cid folds to سعيد's key but no list gives it as سعيد's spelling; Mohammed is listed for محمد
    assert name_key("سعيد") == name_key("Cid")
    assert part_similarity("محمد", "Mohammed") > part_similarity("سعيد", "Cid") >= 0.98
    assert part_similarity("Mohammed", "Muhammad") > part_similarity("Said", "Cid")


# --- frequencies counted from the records at hand ---------------------------------------------------
def _corpus() -> list[str]:
    """Synthetic records: many men called محمد الزعبي (in either script), one قتيبة الحلبي."""
    common = ["محمد أحمد الزعبي", "Mohammad Al-Zoubi", "MOHAMED ZOUBI", "محمد خالد الزعبي"] * 50
    others = [f"{g} {f}" for g in ("علي", "عمر", "سامر", "Hasan") for f in ("الحمود", "Khatib", "العلي")]
    return [*common, *others * 10, "قتيبة الحلبي"]


def test_frequencies_count_given_and_family_names_by_cross_script_key():
    freq = NameFrequencies.from_names(_corpus())
    assert freq.total == 200 + 120 + 1
    assert freq.expected_namesakes("محمد", "الزعبي") == pytest.approx(200 * 200 / 321)
    assert freq.expected_namesakes("Mhd", "Zoubi") == freq.expected_namesakes("محمد", "الزعبي")
    assert freq.rarity("قتيبه", "الحلبي") == 1.0
    assert freq.rarity("محمد", "الزعبي") == 0.0  # the commonest pair of the corpus
    assert 0.0 < freq.rarity("علي", "الحمود") < 1.0


def test_with_frequencies_a_fatherless_agreement_on_a_common_name_says_little():
    """محمد الزعبي written without a father matches 200 records of this corpus; قتيبة الحلبي one."""
    freq = NameFrequencies.from_names(_corpus())
    common = name_similarity("محمد الزعبي", "Mohammad Khaled Al-Zoubi", freq)
    rare = name_similarity("قتيبة الحلبي", "Qutaiba Khaled Al-Halabi", freq)
    assert rare > 0.9 > 0.5 > common
    # a father on both sides settles it however common the name
    assert name_similarity("محمد خالد الزعبي", "Mohammad Khaled Al-Zoubi", freq) > 0.9
    # without frequencies the built-in given-name list alone is read, as before
    assert name_similarity("محمد الزعبي", "Mohammad Khaled Al-Zoubi") > common


def test_frequencies_leave_disagreements_as_they_are():
    freq = NameFrequencies.from_names(_corpus())
    for a, b in [("محمد أحمد الزعبي", "محمد خالد الزعبي"), ("سامر الحمود", "عمر الحمود")]:
        assert name_similarity(a, b, freq) == pytest.approx(name_similarity(a, b), abs=1e-12)
