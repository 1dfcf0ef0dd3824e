"""A candidate's per-feature weights in plain words, beside what each side holds.

The ranking gives each feature a log10 likelihood ratio (`athar.remains.ranking`); a page shows, as the
review page shows the match waterfall, what the body shows, what the lists say of the person, whether
that counts for or against, and by how much. The findings are words a page translates (`finding`)."""

from __future__ import annotations

from athar.remains.ranking import FEATURES

NOTHING = 0.05  # below this weight a feature tells nothing either way
STRONG = 2.0  # from this weight on, a finding counts strongly (a hundredfold)


def finding(weight: float | None) -> str:
    """`strongly_for`, `for`, `nothing`, `against` or `strongly_against`."""
    if weight is None or abs(weight) < NOTHING:
        return "nothing"
    strength = "strongly_" if abs(weight) >= STRONG else ""
    return strength + ("for" if weight > 0 else "against")


def _span(low: object, high: object, unit: str = "") -> str:
    if low is None and high is None:
        return ""
    text = f"{'' if low is None else low}–{'' if high is None else high}"
    return f"{text} {unit}".strip()


def _joined(values: list[dict], *columns: str) -> str:
    seen: list[str] = []
    for row in values:
        for column in columns:
            value = row.get(column)
            if value not in (None, "") and str(value) not in seen:
                seen.append(str(value))
    return "; ".join(seen)


def body_side(case: dict, site: dict) -> dict[str, str]:
    """What the body (and its site) shows, per feature, as written."""
    return {
        "sex": case.get("sex") or "",
        "age": _span(case.get("age_min"), case.get("age_max")),
        "stature": _span(case.get("stature_min_cm"), case.get("stature_max_cm"), "cm"),
        "dental": case.get("dental") or "",
        "marks": case.get("skeletal_marks") or "",
        "clothing": "; ".join(v for v in (case.get("clothing"), case.get("effects")) if v),
        "date": _span(site.get("used_from"), site.get("used_to")) or (case.get("recovery_date") or ""),
        "place": site.get("governorate") or site.get("place") or "",
    }


def lists_side(values: list[dict]) -> dict[str, str]:
    """What the person's records say, per feature, as the lists wrote it."""
    born = _joined(values, "birth_date")
    ages = _joined(values, "age")
    return {
        "sex": _joined(values, "sex"),
        "age": "; ".join(p for p in (born and f"b. {born}", ages and f"age {ages}") if p),
        "stature": (h + " cm") if (h := _joined(values, "height_cm")) else "",
        "dental": _joined(values, "dental"),
        "marks": _joined(values, "marks"),
        "clothing": _joined(values, "clothing"),
        "date": _joined(values, "event_date"),
        "place": _joined(values, "event_place"),
    }


def evidence_rows(case: dict, site: dict, features: dict[str, float], values: list[dict]) -> list[dict]:
    """One row per feature, strongest first: `{feature, body, lists, weight, finding}`."""
    body, lists = body_side(case, site), lists_side(values)
    rows: list[dict] = [
        {
            "feature": name,
            "body": body[name],
            "lists": lists[name],
            "weight": features.get(name),
            "finding": finding(features.get(name)),
        }
        for name in FEATURES
    ]
    rows.sort(key=lambda r: -abs(features.get(r["feature"]) or 0.0))
    return rows
