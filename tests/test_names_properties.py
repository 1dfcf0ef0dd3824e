"""Properties that hold for any input (hypothesis)."""

from hypothesis import given, settings
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
