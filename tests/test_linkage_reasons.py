"""Explanations in plain words: Splink's waterfall labels become findings, with the values as the
lists wrote them; the sibling rule is named when it holds a likely pair apart."""

from __future__ import annotations

from athar.linkage.reasons import (
    COMMON,
    DIFFERENT,
    FINDINGS,
    MISSING,
    OTHER_ORDER,
    PRIOR,
    RARE,
    SAME,
    SAME_GOVERNORATE,
    finding_of,
    plain_reasons,
    sibling_note,
)


def _step(comparison: str, level: str, weight: float, left: str = "", right: str = "") -> dict:
    return {"comparison": comparison, "level": level, "left": left, "right": right, "match_weight": weight}


def test_each_kind_of_splink_label_becomes_a_finding():
    assert finding_of("Prior", "Starting match weight (prior)", -9.0) == PRIOR
    assert finding_of("father_name", "Exact match on father_key", 4.0) == SAME
    assert finding_of("father_name", "All other comparisons", -5.0) == DIFFERENT
    assert finding_of("mother_name", "mother_key is NULL", 0.1) == MISSING
    assert finding_of("tf_given_name", "Term freq adjustment on given_key", -2.4) == COMMON
    assert finding_of("tf_family_name", "Term freq adjustment on family_key", 1.6) == RARE
    assert finding_of("birth_place", "Exact match on birth_governorate_id", 2.0) == SAME_GOVERNORATE
    assert finding_of("name_order", "left's name read in the other order", -1.0) == OTHER_ORDER
    assert finding_of("birth_date", "within 1 year", 1.0) == "within 1 year" in FINDINGS


def test_reasons_carry_the_values_as_written_and_never_the_model_keys():
    explanation = {
        "steps": [
            _step("Prior", "Starting match weight (prior)", -9.0),
            _step("given_name", "Exact match on given_key", 5.3, "muhamad, mhmd, محمد", "muhamad, محمد"),
            _step("tf_given_name", "Term freq adjustment on given_key", -2.4, "muhamad", "muhamad"),
            _step("father_name", "All other comparisons", -5.4, "hamam, hm, همام", "ahmad, hmd, احمد"),
            _step("mother_name", "mother_key is NULL", 0.0, "hala", "None"),
            _step("birth_date", "All other comparisons", -7.5, "1988, 1988-04-23, day", "1974, 1974-01-01"),
        ],
        "match_probability": 0.48,
    }
    left = {"given_name": "محمد", "father_name": "همام", "birth_date": "1988-04-23", "mother_name": "هالة"}
    right = {"full_name": "MOHAMAD AHMED HUSSEIN MANOUKIAN", "birth_date": "1974-01-01"}
    reasons = plain_reasons(explanation, left, right)
    abouts = [r.about for r in reasons]
    assert abouts == ["prior", "given_name", "name_frequency", "father_name", "birth_date"]
    by_about = {r.about: r for r in reasons}
    assert (by_about["given_name"].left, by_about["given_name"].right) == ("محمد", "Mohamad")
    assert (by_about["father_name"].left, by_about["father_name"].right) == ("همام", "Ahmed")
    assert (by_about["birth_date"].finding, by_about["birth_date"].right) == (DIFFERENT, "1974-01-01")
    assert by_about["name_frequency"].left == by_about["name_frequency"].right == ""
    shown = " ".join(f"{r.left} {r.right}" for r in reasons)
    assert "muhamad," not in shown and "None" not in shown


def test_a_name_scored_family_first_shows_the_parts_the_model_compared():
    """ "Aicha Jalal" scored as Jalal (given) of the Aicha family: under "given name" the reviewer sees
    Jalal, the word the model compared, not Aicha, the word the list wrote first; and the father's
    name this reading leaves empty is empty, not taken from the name read given first."""
    explanation = {
        "steps": [
            _step("given_name", "Exact match on given_key", 5.3, "jalal", "jalal"),
            _step("father_name", "father_key is NULL", 0.4, "None", "ahmad"),
            _step("family_name", "Exact match on family_key", 6.1, "ica", "ica"),
            _step("name_order", "left's name read in the other order", -1.0),
        ],
        "match_probability": 0.99,
        "names_read": {"left": {"given_name": "jalal", "family_name": "aicha"}, "right": {}},
    }
    left = {"full_name": "Aicha Jalal"}
    right = {"given_name": "Jalal", "father_name": "Ahmad", "family_name": "Aicha"}
    by_about = {r.about: r for r in plain_reasons(explanation, left, right)}
    assert (by_about["given_name"].left, by_about["given_name"].right) == ("Jalal", "Jalal")
    assert (by_about["family_name"].left, by_about["family_name"].right) == ("Aicha", "Aicha")
    assert (by_about["father_name"].left, by_about["father_name"].right) == ("", "Ahmad")
    assert by_about["name_order"].finding == OTHER_ORDER
    # the name as read first, when no reading was changed
    explanation["names_read"] = {"left": {}, "right": {}}
    by_about = {r.about: r for r in plain_reasons(explanation, left, right)}
    assert by_about["given_name"].left == "Aicha"


def test_the_sibling_rule_is_named_only_when_it_holds_a_likely_pair_apart():
    held = {"kept_apart_as_siblings": True, "match_probability": 0.9995}
    assert "0.9995" in sibling_note(held, threshold=0.9)
    assert sibling_note({**held, "match_probability": 0.5}, threshold=0.9) is None
    assert sibling_note({**held, "kept_apart_as_siblings": False}, threshold=0.9) is None


def test_every_level_label_the_model_can_give_is_a_known_finding(monkeypatch):
    """A comparison level added to the Splink settings must get its words (and translation) here."""
    import athar.linkage.settings as settings_module

    labels: list[str] = []
    real = settings_module._sql
    monkeypatch.setattr(settings_module, "_sql", lambda sql, label: labels.append(label) or real(sql, label))
    settings_module.settings()
    assert len(labels) > 10
    assert sorted(set(labels) - set(FINDINGS)) == []
