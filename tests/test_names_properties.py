"""Properties that hold for any input (hypothesis)."""

from hypothesis import example, given, settings
from hypothesis import strategies as st

from athar.names import (
    name_key,
    name_similarity,
    normalize_arabic,
    normalize_latin,
    normalize_name,
    parse_name_chain,
)

ARABIC = st.text(
    alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF) | st.sampled_from(" \u200f")
)
LATIN_NAMES = st.text(alphabet=st.sampled_from("abdelrhmnouiy-' ALHMD,"), max_size=30)


@settings(max_examples=300)
@given(st.text())
def test_normalization_never_raises_on_any_unicode(s):
    normalize_arabic(s)
    normalize_latin(s)
    name_key(s)
    parse_name_chain(s)


@settings(max_examples=300)
@given(st.text() | ARABIC | LATIN_NAMES)
@example("A\ufbb2")  # a Latin letter and an Arabic mark, which normalize_arabic drops
@example("\u00c0\ufbb2")
@example("\u00d8:A\u066e")  # a Latin token that normalizes to nothing beside an Arabic one
@example("0:L:AH")  # an article and a word that make a suffix (al + ah = alah) close the word before
def test_normalization_is_idempotent(s):
    assert normalize_arabic(normalize_arabic(s)) == normalize_arabic(s)
    assert normalize_latin(normalize_latin(s)) == normalize_latin(s)
    assert normalize_name(normalize_name(s)) == normalize_name(s)


@settings(max_examples=200)
@given(ARABIC | LATIN_NAMES, ARABIC | LATIN_NAMES)
def test_similarity_is_always_in_the_unit_interval(a, b):
    assert 0.0 <= name_similarity(a, b) <= 1.0


KNOWN_VARIANTS = {
    "محمد": ["Mohammad", "Muhammad", "Mohammed", "Mohamed", "Mohamad", "Mhd", "Mohd"],
    "أحمد": ["Ahmad", "Ahmed"],
    "محمود": ["Mahmoud", "Mahmud", "Mahmood"],
    "مصطفى": ["Mustafa", "Moustafa", "Mostafa", "Mustapha"],
    "عبد الله": ["Abdullah", "Abdallah", "Abd Allah", "Abdulla"],
    "عبد الكريم": ["Abdulkarim", "Abdelkarim", "Abd al-Karim", "Abdul Karim"],
    "خالد": ["Khaled", "Khalid"],
    "إبراهيم": ["Ibrahim", "Ebrahim", "Ibraheem"],
    "يوسف": ["Yousef", "Youssef", "Yusuf", "Yousif"],
    "سليمان": ["Suleiman", "Sulaiman", "Sleiman", "Sulayman"],
    "عمر": ["Omar", "Umar"],
    "علي": ["Ali", "Aly"],
    "حمزة": ["Hamza", "Hamzah", "Hamzeh"],
    "أسامة": ["Osama", "Usama", "Oussama"],
    "الزعبي": ["Al-Zoubi", "Alzoubi", "Az-Zoubi", "El Zoubi", "Zoubi"],
    "الخطيب": ["Al-Khatib", "Alkhatib", "Khatib", "El Khatib"],
    "درويش": ["Darwish", "Darwiche"],
}


@given(st.sampled_from(sorted(KNOWN_VARIANTS)), st.data())
def test_every_known_variant_maps_to_the_key_of_its_arabic_spelling(arabic, data):
    latin = data.draw(st.sampled_from(KNOWN_VARIANTS[arabic]))
    assert name_key(latin) == name_key(arabic)


# --- fast paths agree with the general rules -------------------------------------------------------
# normalize_latin and join_compounds skip their merging loops when no word can join another; these
# check the shortcut against the loops on names made of words that do join (articles, Abd/Abu,
# -eddine, connectors, titles) and words that do not.
LATIN_WORDS = st.sampled_from(
    "al el ad ash ar abd abdul abdel abu abou umm bin ibn ben bint eddine din uddin allah ullah "  # noqa: SIM905
    "haj hajj sheikh albou bou alhaj elcheikh mhd mohammad rahman nour hamoud khaled samir".split()
)
ARABIC_WORDS = st.sampled_from(
    "عبد ابو ام ال الدين الله بن بنت حاج الحاج الشيخ البو عند غبد الرحمن محمد نور خالد الحمود".split()  # noqa: SIM905
)


@settings(max_examples=400)
@given(st.lists(LATIN_WORDS | st.text(alphabet="abdehilmnorsuy-", max_size=8), max_size=6))
@example(["nour", "eddine", "al", "hamoud"])
@example(["al", "haj", "ali"])
def test_latin_shortcut_matches_the_merging_rules(words):
    from athar.names import latin

    s = " ".join(words)
    tokens = latin._WORD.findall(latin._strip_marks(s))
    merged = latin._join_titles(latin._merge(tokens)) if tokens else []
    assert normalize_latin(s) == " ".join(latin._canonical_token(t) for t in merged)


@settings(max_examples=400)
@given(st.lists(ARABIC_WORDS | ARABIC.filter(lambda w: " " not in w and w), max_size=6))
@example(["غبد", "الرحمن", "الحمود"])
@example(["محمد", "الحاجخالد"])
def test_arabic_shortcut_matches_the_joining_rules(words):
    from athar.names import arabic

    tokens = [t for w in words for t in arabic._WORD.findall(w.translate(arabic._TABLE))]
    assert arabic.join_compounds(tokens) == arabic._join_compounds(tokens)


@settings(max_examples=300)
@given(st.text(alphabet="abdehikmnorstuwyz", max_size=12))
def test_skeleton_drops_vowels_and_collapses_doubled_letters(key):
    import re

    from athar.names.keys import skeleton_of_key

    spec = re.sub(r"(.)\1+", r"\1", re.sub(r"(?<!^)[aeiuwy]|^[aeiu]", "", key)) or key
    assert skeleton_of_key(key) == spec
