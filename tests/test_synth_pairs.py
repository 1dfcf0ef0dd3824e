"""Specification of athar.synth.pairs.name_pairs and of the spelling pools behind it."""

from collections import Counter
from dataclasses import FrozenInstanceError

import pytest

from athar.synth.lexicon import lexicon
from athar.synth.pairs import NamePair, name_corpus, name_pairs

N = 4000


@pytest.fixture(scope="module")
def pairs() -> list[NamePair]:
    return name_pairs(N, seed=11)


def _arabic(s: str) -> bool:
    return any("\u0600" <= c <= "\u06ff" for c in s)


def test_pairs_are_deterministic_for_a_seed():
    assert name_pairs(300, seed=5) == name_pairs(300, seed=5)
    assert name_pairs(300, seed=5) != name_pairs(300, seed=6)


def test_returns_n_frozen_pairs(pairs):
    assert len(pairs) == N
    with pytest.raises(FrozenInstanceError):
        pairs[0].same = False  # type: ignore[misc]


def test_about_half_are_the_same_person(pairs):
    same = sum(p.same for p in pairs)
    assert 0.45 < same / N < 0.55
    assert all(p.same == (p.kind == "same") for p in pairs)


def test_kinds_are_the_four_named_and_hard_negatives_are_at_least_40_percent(pairs):
    kinds = Counter(p.kind for p in pairs)
    assert set(kinds) == {"same", "sibling", "namesake", "random"}
    negatives = N - kinds["same"]
    assert (kinds["sibling"] + kinds["namesake"]) / negatives >= 0.4


def test_same_pairs_mix_scripts(pairs):
    same = [p for p in pairs if p.same]
    cross = sum(_arabic(p.a) != _arabic(p.b) for p in same)
    latin = sum(not _arabic(p.a) and not _arabic(p.b) for p in same)
    arabic = sum(_arabic(p.a) and _arabic(p.b) for p in same)
    assert cross > 0.25 * len(same) and latin > 0.2 * len(same) and arabic > 0.15 * len(same)


def test_same_pairs_are_mostly_not_identical_strings(pairs):
    same = [p for p in pairs if p.same]
    assert sum(p.a == p.b for p in same) < 0.1 * len(same)


def test_script_mix_does_not_reveal_the_label(pairs):
    def cross_rate(kind: str) -> float:
        ps = [p for p in pairs if p.kind == kind]
        return sum(_arabic(p.a) != _arabic(p.b) for p in ps) / len(ps)

    assert abs(cross_rate("same") - cross_rate("sibling")) < 0.08


def test_arabic_sibling_pairs_share_the_family_name(pairs):
    sib = [p for p in pairs if p.kind == "sibling" and _arabic(p.a) and _arabic(p.b)]
    assert sib
    assert sum(p.a.split()[-1][-3:] == p.b.split()[-1][-3:] for p in sib) > 0.7 * len(sib)


def test_namesakes_use_very_common_given_names(pairs):
    ns = [p for p in pairs if p.kind == "namesake" and _arabic(p.a)]
    common = {"محمد", "أحمد", "احمد", "محمود", "عبد", "عبدالله", "علي", "عبدالرحمن", "خالد"}
    assert sum(p.a.split()[0] in common for p in ns) > 0.7 * len(ns)


def test_latin_variants_of_muhammad_include_real_spellings():
    muhammad = next(n for n in lexicon().given if n.ar == "محمد")
    spellings = set(muhammad.en)
    assert {"Mohammad", "Mohammed", "Muhammad", "Mohamad", "Mohamed", "Mhd"} <= spellings
    assert Counter(muhammad.en).most_common(1)[0][0] in {"Mohammad", "Mohammed", "Mohamad"}


def test_compound_names_have_joined_and_split_spellings():
    lex = lexicon()
    abd = next(n for n in lex.given if n.ar == "عبد الرحمن")
    assert {"Abdulrahman", "Abdul Rahman", "Abd al-Rahman", "Abdurrahman"} <= set(abd.en)
    assert {"عبد الرحمن", "عبدالرحمن"} <= set(abd.ar_clean)


def test_family_names_vary_the_article():
    hamud = next(n for n in lexicon().family if n.ar == "الحمود")
    assert {"Al-Hamoud", "Alhamoud", "El Hamoud", "Hammoud"} <= set(hamud.en) | set(hamud.fr)


def test_french_families_write_ou_ch_dj():
    lex = lexicon()
    fr = {s for n in lex.given for s in n.fr}
    assert {"Chadi", "Djamal", "Oualid"} <= fr


def test_scanned_arabic_confuses_dotted_letters():
    muhammad = next(n for n in lexicon().given if n.ar == "محمد")
    noisy = set(muhammad.ar_scan) - set(muhammad.ar_clean)
    assert noisy and all(len(v) == len("محمد") for v in noisy)
    assert muhammad.ar_scan.count("محمد") > 0.8 * len(muhammad.ar_scan)


def test_name_corpus_writes_people_of_the_same_population_in_both_scripts():
    corpus = name_corpus(2000, seed=3)
    assert corpus == name_corpus(2000, seed=3)
    assert len(corpus) == 2000 and all(corpus)
    arabic = sum(any("\u0600" <= ch <= "\u06ff" for ch in s) for s in corpus)
    assert 0.4 < arabic / len(corpus) < 0.6
    # drawn by the population's weights: the commonest men's name leads, as in the pairs
    firsts = Counter(s.split()[0] for s in corpus if s[0] == "م")
    assert firsts.most_common(1)[0][0] == "محمد"
