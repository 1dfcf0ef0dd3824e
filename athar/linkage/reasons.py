"""An explanation in plain words: what each comparison found, on the values the records hold.

`athar.linkage.explain` gives Splink's waterfall: comparison names, level labels ("Exact match on
father_key", "Term freq adjustment on given_key", "All other comparisons") and the keys the model
compared (`hamam, hm, همام`, day numbers). A reviewer needs the field, a finding in words and the two
values as the lists wrote them. The findings are fixed English phrases, so the web page translates
them like any other string (`FINDINGS` lists every one for the catalogue test).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import Engine, select

from athar.names import is_arabic, parse_name_chain
from athar.store.records import current_records, parse_record_ref
from athar.store.tables import LinkRun

# Splink comparison name -> the record field a reader knows it by.
FIELD_OF_COMPARISON: dict[str, str] = {
    "given_name": "given_name",
    "father_name": "father_name",
    "grandfather_name": "grandfather_name",
    "family_name": "family_name",
    "mother_name": "mother_name",
    "birth_date": "birth_date",
    "event_date": "event_date",
    "national_id": "national_id",
    "birth_place": "birth_place",
}

PRIOR = "before comparing anything: two records taken at random are seldom one person"
SAME = "the same"
DIFFERENT = "different"
MISSING = "missing on one side: no evidence either way"
COMMON = "a common name: agreeing on it counts for less"
RARE = "a rare name: agreeing on it counts for more"
OTHER_ORDER = "a name read in the other order (family name first)"
SAME_GOVERNORATE = "the same governorate, different places"
SIBLINGS = (
    "held apart as likely brother and sister despite a probability of {probability}: the father's and "
    "family names agree, the given names differ"
)

# Level labels written for Athar's own comparisons (athar/linkage/settings.py) are already plain
# words; they pass through and are translated as they are.
CUSTOM_LEVELS: tuple[str, ...] = (
    "same consonant skeleton",
    "same letter shapes, dots aside (scan noise)",
    "same full date",
    "day and month swapped",
    "same year and month",
    "same year, one side year only",
    "same year, months differ",
    "within 1 year",
    "within 3 years, one side approximate",
    "within 7 years, one side from an age",
    "within a month",
    "same or next month, a side without the day",
    "a death within 3 years after the other event",
    "a death years after the other event",
    "a death before the other event",
    "a return after the other event",
    "a return before the other event",
    "same year",
    "within 2 years",
    "same list",
    "a death and a return",
    "a death in custody and another record of custody",
    "a death outside custody and a record of custody",
    "a death and another event",
    "a return and another event",
    "two lists of events of one kind",
)

FINDINGS: tuple[str, ...] = (
    PRIOR,
    SAME,
    DIFFERENT,
    MISSING,
    COMMON,
    RARE,
    OTHER_ORDER,
    SAME_GOVERNORATE,
    *CUSTOM_LEVELS,
)


@dataclass(frozen=True)
class Reason:
    about: str  # a record field, or "prior", "name_frequency", "name_order"
    finding: str  # one of FINDINGS, or a level label Athar does not know (shown as it is)
    left: str  # the value as the left record's list wrote it ("" where there is none to show)
    right: str
    match_weight: float


def finding_of(comparison: str, level: str, weight: float) -> str:
    if comparison == "Prior":
        return PRIOR
    if comparison == "name_order":
        return OTHER_ORDER
    if level.startswith("Term freq adjustment"):
        return COMMON if weight < 0 else RARE
    if level == "Exact match on birth_governorate_id":
        return SAME_GOVERNORATE
    if level.startswith("Exact match"):
        return SAME
    if level == "All other comparisons":
        return DIFFERENT
    if level.endswith(" is NULL"):
        return MISSING
    return level


CHAIN_PART = {
    "given_name": "given",
    "father_name": "father",
    "grandfather_name": "grandfather",
    "family_name": "family",
}


def _shown(record: dict, field: str) -> str:
    """The record's value for `field`; for a name part the list gave only inside a full name, that
    part as the full name is read (`parse_name_chain`)."""
    value = record.get(field)
    if value not in (None, ""):
        return str(value)
    if field in CHAIN_PART and record.get("full_name"):
        part = getattr(parse_name_chain(record["full_name"]), CHAIN_PART[field])
        if part:
            return _as_shown(part)
    return ""


def _as_shown(part: str) -> str:
    """A name part read from a full name as a reviewer is shown it: Latin title-cased."""
    return part if is_arabic(part) else part.title()


def _read_as(record: dict, names_read: dict[str, str]) -> dict:
    """The record with its name parts as the explanation read them: a name scored family first
    (`explain`'s `names_read`) shows the word the model took as the given name under "given name",
    title-cased as `_shown` shows a part of a full name."""
    if not names_read:
        return record
    shown = {field: _as_shown(part) for field, part in names_read.items()}
    # the parts this reading leaves empty are empty: not the full name read given first again
    return {**record, "full_name": None, **dict.fromkeys(CHAIN_PART), **shown}


def plain_reasons(explanation: dict, left: dict, right: dict) -> list[Reason]:
    """The waterfall of `explanation` as reasons, with the values of the `left` and `right` records
    (their current versions, canonical columns; a name part in the reading that was scored). Steps
    that weigh nothing are left out."""
    names_read = explanation.get("names_read") or {}
    left, right = _read_as(left, names_read.get("left", {})), _read_as(right, names_read.get("right", {}))
    reasons = []
    for step in explanation["steps"]:
        weight = step["match_weight"]
        if not weight:
            continue
        comparison = step["comparison"]
        is_frequency = comparison.startswith("tf_")
        field = FIELD_OF_COMPARISON.get(comparison.removeprefix("tf_"))
        if comparison == "Prior":
            about = "prior"
        elif comparison == "name_order":
            about = "name_order"
        elif is_frequency:
            about = "name_frequency"
        else:
            about = field or comparison
        show_values = field is not None and not is_frequency
        reasons.append(
            Reason(
                about=about,
                finding=finding_of(comparison, step["level"], weight),
                left=_shown(left, field) if show_values and field else "",
                right=_shown(right, field) if show_values and field else "",
                match_weight=weight,
            )
        )
    return reasons


def sibling_note(explanation: dict, threshold: float) -> str | None:
    """Why a pair the model scores as one person is held apart, in words; None when it is not."""
    probability = explanation["match_probability"]
    if explanation.get("kept_apart_as_siblings") and probability >= threshold:
        return SIBLINGS.format(probability=f"{probability:.4f}")
    return None


def run_threshold(engine: Engine, run_id: int) -> float:
    """The match probability at which the run that `run_id` names joined two records."""
    with engine.connect() as conn:
        threshold = conn.execute(select(LinkRun.threshold).where(LinkRun.id == run_id)).scalar()
    return 0.9 if threshold is None else float(threshold)


def pair_records(engine: Engine, left: str, right: str) -> tuple[dict, dict]:
    """The current versions of the two records an explanation is about."""
    found = []
    for ref in (left, right):
        source, record_id = parse_record_ref(ref)
        found.append(next(iter(current_records(engine, source, record_id)), {}))
    return found[0], found[1]


def reasons_json(explanation: dict, left: dict, right: dict, threshold: float) -> dict:
    """`explanation` with its reasons in plain words beside the waterfall (for `--json` and the API)."""
    return {
        **explanation,
        "reasons": [asdict(r) for r in plain_reasons(explanation, left, right)],
        "held_apart": sibling_note(explanation, threshold),
    }
