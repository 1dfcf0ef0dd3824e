"""The columns linkage compares: name-part roles, family-first readings, scan-noise shapes, blocks."""

from __future__ import annotations

import pandas as pd

from athar.linkage.features import (
    birth_fields,
    feature_frame,
    feature_frames,
    name_codes,
    name_features,
    name_parts,
    name_readings,
    name_roles,
    rare_name_pairs,
)


def _separate(given: str, father: str, family: str) -> dict:
    return {"given_name": given, "father_name": father, "family_name": family}


# Lists that write the parts in separate columns: Haddad and الحاج مهدي are family names there,
# Hamza, Amr, Ahmad and Izzat given or fathers' names.
REGISTER = [
    _separate("حمزة", "عمرو", "الحداد"),
    _separate("عمرو", "سعيد", "الحداد"),
    _separate("أحمد", "عزت", "الحاج مهدي"),
    _separate("عزت", "حمزة", "الحاج مهدي"),
    _separate("سعيد", "أحمد", "العلي"),
    _separate("أحمد", "عمرو", "الخطيب"),
]


def test_roles_count_how_lists_with_separate_columns_use_each_name():
    roles = name_roles(REGISTER)
    assert roles["hadad"] > 0 > roles["amr"]
    assert roles["hajmahdi"] > 0 > roles["izat"]


def test_a_name_with_no_order_marker_is_read_family_first_when_the_roles_say_so():
    roles = name_roles(REGISTER)
    record = {"full_name": "Haddad Hamzah Amr"}
    given, father, _, family = name_parts(record)
    assert (given, family) == ("haddad", "amr")  # without roles: given first
    given, father, _, family = name_parts(record, roles)
    assert (given, father, family) == ("hamzah", "amr", "haddad")


def test_a_title_at_the_head_opens_a_family_name_the_roles_know():
    roles = name_roles(REGISTER)
    given, father, _, family = name_parts({"full_name": "Hajj Mahdi Ahmad Izzat"}, roles)
    assert (given, father) == ("ahmad", "izzat")
    assert name_features({"family_name": family})[3] == name_features({"family_name": "الحاج مهدي"})[3]


def test_every_title_the_names_know_opens_a_two_word_family_name():
    """The titles are athar.names' (Latin spellings and Arabic forms), not a list of linkage's own."""
    for full, family in (("Bou Kamal Ahmad Ali", "البو كمال"), ("Shiekh Anis Samer Ali", "الشيخ أنيس")):
        _parts, [(other, _odds)] = name_readings({"full_name": full}, {})
        assert other[:2] == ("samer" if "Samer" in full else "ahmad", "ali")
        assert name_features({"family_name": other[3]})[3] == name_features({"family_name": family})[3]


def test_a_given_first_name_stays_given_first():
    roles = name_roles(REGISTER)
    given, father, _, family = name_parts({"full_name": "Hamza Amr Al-Khatib"}, roles)
    assert (given, father, family) == ("hamza", "amr", "alkhatib")


def test_separate_columns_are_never_reordered():
    roles = name_roles(REGISTER)
    record = {**_separate("Haddad", "Hamza", "Amr"), "full_name": "Haddad Hamza Amr"}
    assert name_parts(record, roles)[:2] == ("Haddad", "Hamza")


def test_a_latin_name_gets_the_dotless_shape_of_its_arabic_spelling():
    """Scan noise moves dots (خليل -> حليل); the family report's "Khalil" must still meet it."""
    shapes = {name: name_features({"given_name": name})[8] for name in ("Khalil", "خليل", "حليل", "جليل")}
    assert shapes["Khalil"] == shapes["خليل"] == shapes["حليل"] == shapes["جليل"]
    assert name_features({"given_name": "Zzyzx"})[8] is None  # no Arabic spelling known: no shape


def test_feature_frame_uses_the_roles_it_is_given():
    records = [{**r, "unique_id": i, "source_dataset": "register"} for i, r in enumerate(REGISTER)]
    report = {"unique_id": 99, "source_dataset": "families", "full_name": "Haddad Hamzah Amr", "sex": "M"}
    learnt = feature_frame([*records, report])
    assert learnt.iloc[-1]["family_key"] == learnt.iloc[0]["family_key"]  # read family first
    blind = feature_frame([report], roles={})
    assert blind.iloc[0]["family_key"] != learnt.iloc[0]["family_key"]


def test_common_name_pairs_are_left_out_of_the_rare_pair_block():
    frame = pd.DataFrame({"a": ["x"] * 3 + ["y", None, None], "b": ["z"] * 4 + ["y", "y"]})
    # x|z is common; y|z is rare; a pair with a name missing is no pair to block on
    assert rare_name_pairs(frame, "a", "b", limit=2).isna().tolist() == [True] * 3 + [False, True, True]


def test_a_pair_read_the_other_way_round_meets_the_same_names():
    frame = pd.DataFrame({"given": ["hamza", "haddad", "amr"], "family": ["haddad", "hamza", "hamza"]})
    codes = name_codes(frame, ("given", "family"))
    one_way = rare_name_pairs(frame, "given", "family", codes=codes)
    other_way = rare_name_pairs(frame, "family", "given", codes=codes)
    assert one_way[0] == other_way[1] and one_way[1] == other_way[0]
    assert len({*one_way, *other_way}) == 4  # hamza|haddad, haddad|hamza, amr|hamza, hamza|amr


def test_an_age_gives_an_estimated_birth_year():
    assert birth_fields(None, 30, "2013-05-01") == (None, 1983, None, None, "age")
    assert birth_fields("1983-02", None, None) == ("1983-02", 1983, 2, None, "month")


def test_features_of_records_without_any_arabic_name_are_computed():
    """Explain builds the frame of just two records; a column empty in both must not break it."""
    records = [
        {"unique_id": 0, "source_dataset": "a", "full_name": "Zzyzx Qwerty", "sex": "M"},
        {"unique_id": 1, "source_dataset": "b", "full_name": "Qwerty Zzyzx", "sex": "M"},
    ]
    frame = feature_frame(records, roles={})
    assert frame["given_rasm"].isna().all() and frame["given_family_rasm_block"].isna().all()
    assert frame["given_family_block"].notna().all()


def test_the_dotless_shape_leaves_the_article_off_like_the_keys():
    shape = {name: name_features({"family_name": name})[11] for name in ("العبدالله", "عبدالله", "Abdullah")}
    assert shape["العبدالله"] == shape["عبدالله"] == shape["Abdullah"]


def test_an_event_date_gives_its_year_month_and_day_as_far_as_it_goes():
    records = [
        {"unique_id": i, "source_dataset": "a", "full_name": "Ali Hasan", "event_date": date}
        for i, date in enumerate(("2013-05-20", "2013-05", "2013", None))
    ]
    frame = feature_frame(records, roles={})
    months = frame["event_month"].tolist()
    assert months[0] == months[1] == 2013 * 12 + 4 and pd.isna(months[2]) and pd.isna(months[3])
    assert frame["event_day"].notna().tolist() == [True, False, False, False]
    assert frame["event_year"].tolist()[:3] == [2013, 2013, 2013]


def test_the_list_kind_says_what_a_record_event_is():
    records = [
        {"unique_id": i, "source_dataset": kind, "source_kind": kind, "full_name": "Ali Hasan"}
        for i, kind in enumerate(("hospital_or_morgue", "returnee_registration", "detention_register", None))
    ]
    assert feature_frame(records, roles={})["event_kind"].tolist() == ["death", "return", "event", "event"]


def test_the_event_place_says_whether_the_event_was_in_custody():
    """A branch, a prison or a military hospital whose morgue took detainees' bodies is custody; a
    civilian hospital or a town is not; a place the gazetteer does not know, or none, says nothing."""
    places = (
        "فرع فلسطين 235",
        "Tishreen Military Hospital",
        "Al-Mouwasat Hospital",
        "Daraa",
        "Nowhere-on-map",
        None,
    )
    records = [
        {"unique_id": i, "source_dataset": "a", "full_name": "Ali Hasan", "event_place": place}
        for i, place in enumerate(places)
    ]
    assert feature_frame(records, roles={})["event_custody"].tolist() == [
        "held",
        "held",
        "free",
        "free",
        None,
        None,
    ]


def _other_orders(record: dict, roles: dict) -> list[tuple[tuple, float]]:
    """The readings of `name_readings` that keep four name slots' worth of words: the other order."""
    parts, alternatives = name_readings(record, roles)
    return [(other, odds) for other, odds in alternatives if sum(map(bool, other)) == sum(map(bool, parts))]


def test_a_name_that_reads_either_way_has_its_other_reading_with_its_odds():
    roles = name_roles(REGISTER)
    # Haddad is a family name where lists separate the parts: read family first, the other way unlikely
    [(parts, log_odds)] = _other_orders({"full_name": "Haddad Hamzah Amr"}, roles)
    assert (parts[0], parts[3]) == ("haddad", "amr") and log_odds < -3
    # Amr and Hamza are both given names there: either reading may be right
    [(parts, log_odds)] = _other_orders({"full_name": "Amr Said Hamza"}, roles)
    assert (parts[0], parts[1], parts[3]) == ("said", "hamza", "amr") and -1 < log_odds <= 0
    # no roles: nothing says which reading is likelier
    assert _other_orders({"full_name": "Amr Said Hamza"}, {})[0][1] == 0.0


def test_a_name_whose_order_is_marked_or_separate_reads_one_way_only():
    roles = name_roles(REGISTER)
    assert name_readings({"full_name": "HADDAD, Hamza Amr"}, roles)[1] == ()
    separate = {**_separate("Hamza", "Amr", "Haddad"), "full_name": "Amr Said Hamza"}
    assert name_readings(separate, roles)[1] == ()
    assert name_readings({"full_name": "Muhammad ibn Said"}, roles)[1] == ()


def test_two_words_may_be_a_given_and_a_fathers_name_as_likely_as_the_roles_say():
    roles = name_roles(REGISTER)
    # عمرو is a given name where lists separate the parts: "حمزة عمرو" is likely Amr's son Hamza
    (given, _f, _g, amr), alternatives = name_readings({"full_name": "حمزة عمرو"}, roles)
    assert dict(alternatives)[(given, amr, None, None)] > 0
    # الحداد carries the article: a family name, never read as a father's
    _parts, alternatives = name_readings({"full_name": "حمزة الحداد"}, roles)
    assert all(other[3] for other, _odds in alternatives)
    # Haddad without the article: a family name by the roles, so the father's reading is unlikely
    _parts, alternatives = name_readings({"full_name": "Hamza Haddad"}, roles)
    assert dict(alternatives)[("hamza", "haddad", None, None)] < -2


def test_a_name_opening_with_muhammad_may_open_with_a_compound_the_lists_use():
    register = [*REGISTER, _separate("محمد خير", "أحمد", "الدرة"), _separate("محمد خير", "سعيد", "العلي")]
    roles = name_roles(register)
    parts, alternatives = name_readings({"full_name": "Mohammed Kheir Ahmad El-Dorra"}, roles)
    assert parts[:2] == ("mohammed", "kheir")
    compound = [other for other, _odds in alternatives if other[0] == "mohammed kheir"]
    assert compound == [("mohammed kheir", "ahmad", None, parts[3])]
    features = feature_frame(
        [
            {"unique_id": 0, "source_dataset": "a", "full_name": "Mohammed Kheir Ahmad El-Dorra"},
            {"unique_id": 1, "source_dataset": "b", "given_name": "محمد خير"},
        ],
        roles=roles,
        other_readings=True,
    )
    assert features["given_key"].iloc[1] in set(features["given_key"][features["reading_of"] == 0])
    # two words: the compound alone, no family name
    _parts, alternatives = name_readings({"full_name": "Mhd Khair"}, roles)
    assert ("muhammad khair", None, None, None) in [other for other, _odds in alternatives]
    # a compound no list writes as one name is not read as one
    _parts, alternatives = name_readings({"full_name": "Mohammed Said Ahmad El-Dorra"}, roles)
    assert all(other[0] != "mohammed said" for other, _odds in alternatives)


def test_the_frame_with_other_readings_adds_a_row_per_name_read_the_other_way():
    records = [
        {"unique_id": 0, "source_dataset": "families", "full_name": "Amr Said Hamza"},
        {"unique_id": 1, "source_dataset": "returnees", "full_name": "AMR, Said Hamza"},
    ]
    plain, both = feature_frames(records, roles={})
    assert plain.equals(feature_frame(records, roles={}))
    assert both["unique_id"].tolist() == [0, 1, 2] and both["reading_of"].tolist() == [0, 1, 0]
    assert both["reading_bits"].tolist() == [0.0, 0.0, -1.0]  # P = 1/2 with no roles
    assert both.iloc[2]["given_key"] == both.iloc[1]["given_key"] != both.iloc[0]["given_key"]
    assert both.iloc[2]["family_key"] == both.iloc[1]["family_key"]
