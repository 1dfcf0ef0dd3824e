"""How Arabic-script lists write a name: clerks' habits and scan/OCR damage.

Clerks drop the hamza (أحمد -> احمد), write final ى as ي and ة as ه, and join or split compounds
(عبد الرحمن / عبدالرحمن).  Scans and OCR lose or move the dots that tell letters apart, so a
letter turns into another of the same skeleton (ج/ح/خ, ب/ت/ث/ن/ي, ر/ز, د/ذ, س/ش, ص/ض, ط/ظ,
ع/غ, ف/ق).  Variants are made once per name, with a fixed generator, so every run picks from the
same pools.
"""

import random

from athar.synth.latin import expand

DOT_GROUPS = ["جحخ", "بتثني", "رز", "دذ", "سش", "صض", "طظ", "عغ", "فق"]
_CONFUSABLE = {c: g.replace(c, "") for g in DOT_GROUPS for c in g}
_HAMZA = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا"})
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def clerical_forms(name: str) -> list[tuple[str, int]]:
    """A name as clerks write it, with rough weights (the correct form most often)."""
    forms = [(name, 10)]
    no_hamza = name.translate(_HAMZA)
    if no_hamza != name:
        forms.append((no_hamza, 5))
    if name.startswith("عبد ") or " ال" in name:
        forms.append((name.replace(" ", "", 1), 6))  # عبد الرحمن -> عبدالرحمن, نور الدين -> نورالدين
    if name.endswith("ة"):
        forms.append((name[:-1] + "ه", 2))
    if name.endswith("ى"):
        forms.append((name[:-1] + "ي", 2))
    return forms


def ocr_variants(name: str, rng: random.Random, k: int = 4) -> list[str]:
    """Up to ``k`` distinct misreadings of ``name``, each moving or losing the dots of one letter."""
    positions = [i for i, c in enumerate(name) if c in _CONFUSABLE]
    out: dict[str, None] = {}
    if not positions:
        return []
    for _ in range(k * 4):
        i = rng.choice(positions)
        c = rng.choice(_CONFUSABLE[name[i]])
        v = name[:i] + c + name[i + 1 :]
        out.setdefault(v)
        if len(out) >= k:
            break
    return list(out)


def arabic_pools(name: str, rng: random.Random) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(clean pool, scanned-register pool) for one Arabic name.

    The clean pool holds clerks' forms only; the register pool adds OCR misreadings at about 8% of
    draws, which leaves roughly one row in four of a four-part name with a damaged token.
    """
    clean = clerical_forms(name)
    total = sum(w for _, w in clean)
    noisy = ocr_variants(name, rng)
    per = max(1, round(total * 12 * 0.09 / len(noisy))) if noisy else 0
    scanned = [(s, w * 12) for s, w in clean] + [(v, per) for v in noisy]
    return expand(clean), expand(scanned)
