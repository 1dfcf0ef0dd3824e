"""What families say and what anthropologists record, read into shared concepts, Arabic and English.

Marks become ``(kind, region, side)`` concepts: "broke his left arm" and "healed fracture of the left
radius" both read ``fracture:arm:left``; "كسر في اليد اليسرى" too. A negated finding ("no healed
fracture of the left arm", "لا كسور في الذراع اليسرى", "left arm intact") is not a mark but an
examined absence (`absent_mark_concepts`): region ``*`` when no region is named ("no healed
fractures"), side ``any`` when both sides were examined. Clothing and effects become item and
item:colour concepts ("red shirt", "قميص أحمر" → ``shirt``, ``shirt:red``). Only what both sides can
name is read; free text outside the vocabulary is ignored, never guessed at.
"""

from __future__ import annotations

import re
from functools import lru_cache

_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي"})
_DIACRITICS = re.compile(r"[\u064B-\u0652\u0640]")
_TOKEN = re.compile(r"[\w\u0600-\u06FF]+")
_SUFFIXES = ("ها", "ه")
_PREFIXES = ("وبال", "بال", "وال", "فال", "لل", "ال", "و", "ب")


def _forms(token: str) -> list[str]:
    """The token and, for Arabic, the token without the article and attached conjunctions."""
    forms = [token]
    for prefix in _PREFIXES:
        if token.startswith(prefix) and len(token) - len(prefix) >= 2:
            forms.append(token[len(prefix) :])
    for suffix in _SUFFIXES:  # ذراعه "his arm", يدها "her hand"
        if token.endswith(suffix) and len(token) - len(suffix) >= 2 and _ARABIC.match(token):
            forms.extend(f[: -len(suffix)] for f in list(forms) if f.endswith(suffix))
    return forms


def tokens(text: str) -> list[list[str]]:
    """Each word of `text` folded (case, Arabic letter variants, diacritics), with its stripped forms."""
    folded = _DIACRITICS.sub("", text.casefold()).translate(_ARABIC_FOLD)
    return [_forms(t) for t in _TOKEN.findall(folded)]


def _lexicon(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for concept, words in table.items():
        for word in (concept, *words):
            out[_DIACRITICS.sub("", word.casefold()).translate(_ARABIC_FOLD)] = concept
    return out


MARK_KINDS = _lexicon(
    {
        "fracture": (
            "fractured",
            "broke",
            "broken",
            "break",
            "fractures",
            "كسر",
            "مكسور",
            "مكسوره",
            "كسور",
            "انكسر",
            "انكسرت",
            "كسرت",
        ),
        "amputation": ("amputated", "amputee", "missing", "بتر", "مبتور", "مبتوره", "مقطوع", "مقطوعه"),
        "implant": (
            "plate",
            "pin",
            "pins",
            "screw",
            "screws",
            "rod",
            "prosthesis",
            "metal",
            "platinum",
            "بلاتين",
            "صفيحه",
            "براغي",
            "سيخ",
            "معدن",
            "طرف",
        ),
        "surgery": ("operation", "surgical", "عمليه", "جراحه"),
    }
)
REGIONS = _lexicon(
    {
        "arm": (
            "arms",
            "forearm",
            "radius",
            "ulna",
            "humerus",
            "elbow",
            "wrist",
            "ذراع",
            "الذراع",
            "ساعد",
            "زند",
            "كوع",
            "معصم",
            "يد",
            "ايد",
        ),
        "leg": (
            "legs",
            "femur",
            "tibia",
            "fibula",
            "thigh",
            "shin",
            "knee",
            "ankle",
            "ساق",
            "رجل",
            "فخذ",
            "ركبه",
            "كاحل",
        ),
        "skull": ("head", "cranium", "cranial", "skull", "جمجمه", "راس"),
        "rib": ("ribs", "ضلع", "اضلاع", "ضلوع"),
        "hand": ("fingers", "finger", "metacarpal", "phalanx", "اصبع", "اصابع", "كف"),
        "foot": ("feet", "toe", "toes", "metatarsal", "قدم", "اصبع القدم"),
        "jaw": ("mandible", "maxilla", "فك"),
        "collarbone": ("clavicle", "ترقوه"),
        "nose": ("nasal", "انف"),
        "hip": ("pelvis", "pelvic", "حوض", "ورك"),
        "spine": ("vertebra", "vertebrae", "back", "عمود", "فقرات", "ظهر"),
    }
)
SIDES = _lexicon(
    {
        "left": ("l", "يسار", "يسري", "اليسري", "الايسر", "ايسر", "شمال"),
        "right": ("r", "يمين", "يمني", "اليمني", "الايمن", "ايمن"),
    }
)
ITEMS = _lexicon(
    {
        "shirt": ("t-shirt", "tshirt", "blouse", "قميص", "كنزه", "بلوزه", "تيشرت"),
        "trousers": ("pants", "jeans", "trouser", "بنطال", "بنطلون", "جينز", "سروال"),
        "jacket": ("coat", "jumper", "sweater", "hoodie", "جاكيت", "جاكيته", "معطف", "سترة", "ستره"),
        "shoes": ("shoe", "sneakers", "trainers", "boots", "boot", "sandals", "حذاء", "صندل", "بوط", "بسطار"),
        "belt": ("حزام", "قشاط"),
        "ring": ("wedding", "خاتم", "محبس"),
        "watch": ("wristwatch", "ساعه"),
        "necklace": ("chain", "pendant", "قلاده", "سلسال", "سلسله"),
        "glasses": ("spectacles", "نظارات", "نظاره"),
        "prayer_beads": ("misbaha", "rosary", "beads", "مسبحه"),
        "dishdasha": ("thobe", "jellabiya", "robe", "دشداشه", "جلابيه", "ثوب"),
        "scarf": ("keffiyeh", "shemagh", "headscarf", "hijab", "كوفيه", "شماغ", "حطه", "حجاب", "وشاح"),
        "hat": ("cap", "beanie", "طاقيه", "قبعه"),
        "military_uniform": ("uniform", "fatigues", "military", "بدله", "عسكري", "عسكريه"),
        "id_card": ("identity", "card", "هويه", "بطاقه"),
    }
)
COLOURS = _lexicon(
    {
        "red": ("احمر", "حمراء", "حمرا"),
        "blue": ("navy", "ازرق", "زرقاء", "زرقا", "كحلي"),
        "black": ("اسود", "سوداء", "سودا"),
        "white": ("ابيض", "بيضاء", "بيضا"),
        "green": ("khaki", "olive", "اخضر", "خضراء", "خضرا", "زيتي"),
        "yellow": ("اصفر", "صفراء"),
        "brown": ("بني", "بنيه"),
        "grey": ("gray", "رمادي", "رماديه"),
        "gold": ("golden", "ذهب", "ذهبي", "ذهبيه"),
        "silver": ("فضه", "فضي", "فضيه"),
    }
)
_ARABIC = re.compile(r"[\u0600-\u06FF]")
_SPLIT = re.compile(r"[.;,،؛\n]| and | with | و(?=\s)")


def _concept(forms: list[str], lexicon: dict[str, str]) -> str | None:
    for form in forms:
        if form in lexicon:
            return lexicon[form]
    return None


NEGATIONS = frozenset(
    _DIACRITICS.sub("", w).translate(_ARABIC_FOLD)
    for w in ("no", "not", "without", "none", "nil", "لا", "لم", "بدون", "دون", "ليس", "ليست", "خال", "خالي")
)
# Words that say a region was seen whole: no kind of mark named, so every kind a skeleton shows is absent.
INTACT = frozenset(
    _DIACRITICS.sub("", w).translate(_ARABIC_FOLD)
    for w in ("intact", "sound", "normal", "unremarkable", "سليم", "سليمه", "سليمة", "طبيعي", "طبيعيه")
)
SKELETAL_KINDS = ("fracture", "amputation", "implant")


def _phrase_marks(phrase: str) -> tuple[bool, set[str], set[str], str]:
    """(negated, kinds, regions, side) of one phrase."""
    words = tokens(phrase)
    negated = any(f in NEGATIONS or f in INTACT for w in words for f in w)
    kinds = {c for w in words if (c := _concept(w, MARK_KINDS))}
    if not kinds and any(f in INTACT for w in words for f in w):
        kinds = set(SKELETAL_KINDS)
    regions = {c for w in words if (c := _concept(w, REGIONS))}
    sides = {c for w in words if (c := _concept(w, SIDES))}
    return negated, kinds, regions, next(iter(sides)) if len(sides) == 1 else "any"


@lru_cache(maxsize=100_000)
def mark_concepts(text: str | None) -> frozenset[str]:
    """``kind:region:side`` concepts of a description of marks (side ``any`` when not said); a
    negated phrase names no mark."""
    out: set[str] = set()
    for phrase in _SPLIT.split(text or ""):
        negated, kinds, regions, side = _phrase_marks(phrase)
        if negated:
            continue
        for kind in kinds:
            for region in regions:
                out.add(f"{kind}:{region}:{side}")
    return frozenset(out)


@lru_cache(maxsize=100_000)
def absent_mark_concepts(text: str | None) -> frozenset[str]:
    """``kind:region:side`` concepts an examination found absent ("no healed fracture of the left arm"
    → ``fracture:arm:left``; "no healed fractures" → ``fracture:*:any``)."""
    out: set[str] = set()
    for phrase in _SPLIT.split(text or ""):
        negated, kinds, regions, side = _phrase_marks(phrase)
        if not negated:
            continue
        for kind in kinds:
            for region in regions or {"*"}:
                out.add(f"{kind}:{region}:{side}")
    return frozenset(out)


def contradicted_by_absence(absent: str, family: str) -> bool:
    """Whether an examined absence rules out what a family said: the same kind, the region examined
    (or the whole skeleton), and the family's side examined (a family's side left unsaid is ruled out
    only when both sides were)."""
    kind, region, side = absent.split(":")
    f_kind, f_region, f_side = family.split(":")
    if kind != f_kind or region not in ("*", f_region):
        return False
    return side == "any" or side == f_side


@lru_cache(maxsize=100_000)
def clothing_concepts(text: str | None) -> frozenset[str]:
    """``item`` and ``item:colour`` concepts of a description of clothing and effects."""
    out: set[str] = set()
    for phrase in _SPLIT.split(text or ""):
        words = tokens(phrase)
        for i, word in enumerate(words):
            item = _concept(word, ITEMS)
            if item is None:
                continue
            out.add(item)
            # An Arabic colour follows its noun (قميص أحمر), an English one comes before (red shirt).
            near = words[i + 1 : i + 3] if _ARABIC.search(word[0]) else words[max(0, i - 2) : i][::-1]
            for other in near:
                if colour := _concept(other, COLOURS):
                    out.add(f"{item}:{colour}")
                    break
    return frozenset(out)


def side_variants(concept: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """For a body's mark concept: the family concepts that agree with it, and those on the other side."""
    kind, region, side = concept.split(":")
    base = f"{kind}:{region}:"
    if side == "any":
        return (base + "any", base + "left", base + "right"), ()
    other = "right" if side == "left" else "left"
    return (base + side, base + "any"), (base + other,)
