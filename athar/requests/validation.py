"""One tracing request as given (a form, a caseworker, a row of a file) to checked values, or every
problem with it in the requester's language, so that nothing half-checked is ever stored.

The sought person's columns are checked by the importer's own row validator (`athar.ingest`), so a
request's record is held to the same rules as any list's. Then what only a request has: the
requester's phone (any country, written with its country code, checked by `phonenumbers`) and
e-mail, the circumstances, the ante-mortem columns, consent answers, and limits on every field.
Markup in a name, place, phone or e-mail is refused (no name holds ``<``); in free text it is kept
as the text it is, and whatever shows it escapes it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import phonenumbers

from athar.errors import AtharError
from athar.ingest.encoding import CONTROL_IN_TEXT
from athar.ingest.mapping import Mapping as ColumnMapping
from athar.ingest.validate import Problem, RowValidator
from athar.ingest.values import ascii_digits, clean_text

LANGUAGES = ("ar", "en")
CHANNELS = ("email", "sms", "phone")
CIRCUMSTANCES = (
    "arrested_at_checkpoint",
    "taken_from_home",
    "in_detention",
    "during_displacement",
    "during_fighting",
    "other",
)
# Sought person: form field -> canonical record column (the last-seen date and place are the event).
PERSON_FIELDS: dict[str, str] = {
    "full_name": "full_name",
    "given_name": "given_name",
    "father_name": "father_name",
    "grandfather_name": "grandfather_name",
    "family_name": "family_name",
    "mother_name": "mother_name",
    "sex": "sex",
    "birth_date": "birth_date",
    "birth_place": "birth_place",
    "national_id": "national_id",
    "last_seen_date": "event_date",
    "last_seen_place": "event_place",
}
PERSON_ALIASES = {"event_date": "last_seen_date", "event_place": "last_seen_place"}
REQUESTER_FIELDS = ("requester_name", "requester_relationship", "requester_phone", "requester_email")
TEXT_LIMITS = {
    "requester_name": 200,
    "requester_relationship": 100,
    "requester_phone": 40,
    "requester_email": 254,
    "detention_branch": 300,
    "circumstances_text": 4000,
    "dental": 1000,
    "marks": 2000,
    "clothing": 2000,
}
NO_MARKUP = (*PERSON_FIELDS, *REQUESTER_FIELDS, "detention_branch")
HONEYPOT = "website"
_MARKUP = re.compile(r"<\s*[/!?a-zA-Z]|&#|javascript:", re.IGNORECASE)
_EMAIL = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+")
_YES = {"1", "true", "yes", "y", "on", "نعم"}
_NO = {"", "0", "false", "no", "n", "off", "لا"}

# (en, ar) messages by problem code; {label} is the field's name in that language.
MESSAGES: dict[str, tuple[str, str]] = {
    "required": ("{label} is required.", "حقل {label} مطلوب."),
    "invalid": ("{label} is not valid.", "قيمة {label} غير صحيحة."),
    "date": (
        "{label} is not a real date, or is in the future.",
        "{label} ليس تاريخًا صحيحًا أو أنه في المستقبل.",
    ),
    "too_long": ("{label} is too long.", "{label} أطول من المسموح."),
    "markup": ("{label} must not contain HTML or code.", "يجب ألا يحتوي {label} على HTML أو شيفرة."),
    "control": (
        "{label} contains characters that cannot be stored.",
        "يحتوي {label} على محارف لا يمكن حفظها.",
    ),
    "phone": (
        "{label} is not a valid phone number; write it with the country code, e.g. +963 …",
        "{label} ليس رقم هاتف صحيحًا؛ اكتبه مع رمز البلد، مثل ‎+963 …",
    ),
    "email": ("{label} is not a valid e-mail address.", "{label} ليس عنوان بريد إلكتروني صحيحًا."),
    "contact": (
        "Give a phone number or an e-mail address so that we can reach you.",
        "أعطنا رقم هاتف أو بريدًا إلكترونيًا لنتمكن من التواصل معك.",
    ),
    "channel": (
        "The way you prefer to be contacted needs that contact detail.",
        "طريقة التواصل التي اخترتها تحتاج إلى معلومة الاتصال الخاصة بها.",
    ),
    "order": ("{label} is before the birth date.", "{label} قبل تاريخ الولادة."),
    "duplicate": ("{label} is already used by another request.", "{label} مستخدم في طلب آخر."),
    "name": ("Give the name of the person you are looking for.", "اكتب اسم الشخص الذي تبحث عنه."),
}
LABELS: dict[str, tuple[str, str]] = {
    "request_id": ("The request number", "رقم الطلب"),
    "full_name": ("The full name", "الاسم الكامل"),
    "given_name": ("The first name", "الاسم الأول"),
    "father_name": ("The father's name", "اسم الأب"),
    "grandfather_name": ("The grandfather's name", "اسم الجد"),
    "family_name": ("The family name", "الكنية"),
    "mother_name": ("The mother's name", "اسم الأم"),
    "sex": ("Sex", "الجنس"),
    "birth_date": ("The birth date", "تاريخ الولادة"),
    "birth_place": ("The birth place", "مكان الولادة"),
    "national_id": ("The national number", "الرقم الوطني"),
    "last_seen_date": ("The date last seen", "تاريخ آخر مشاهدة"),
    "last_seen_place": ("The place last seen", "مكان آخر مشاهدة"),
    "circumstances": ("The circumstances", "الظروف"),
    "circumstances_text": ("The description of what happened", "وصف ما حدث"),
    "detention_branch": ("The detention branch", "فرع الاحتجاز"),
    "height_cm": ("The height", "الطول"),
    "dental": ("The dental details", "تفاصيل الأسنان"),
    "marks": ("The distinguishing marks", "العلامات المميزة"),
    "clothing": ("The clothing", "الملابس"),
    "requester_name": ("Your name", "اسمك"),
    "requester_relationship": ("Your relationship", "صلة القرابة"),
    "requester_phone": ("Your phone number", "رقم هاتفك"),
    "requester_email": ("Your e-mail address", "بريدك الإلكتروني"),
    "preferred_channel": ("The way to contact you", "طريقة التواصل"),
    "language": ("The language", "اللغة"),
    "share_with_organisations": ("Sharing with other organisations", "المشاركة مع منظمات أخرى"),
    "reveal_requester_to_found": ("Telling the person your name", "إخبار الشخص باسمك"),
}


@dataclass(frozen=True)
class FieldProblem:
    field: str
    code: str
    detail: str = ""  # English detail for logs of imports (never the value itself)

    def message(self, language: str) -> str:
        en, ar = MESSAGES[self.code]
        label_en, label_ar = LABELS.get(self.field, (self.field, self.field))
        return (ar if language == "ar" else en).format(label=label_ar if language == "ar" else label_en)


class RequestInvalid(AtharError, ValueError):
    """Every problem of one request; `messages(lang)` says each in the requester's language."""

    def __init__(self, problems: list[FieldProblem], language: str = "en") -> None:
        self.problems = problems
        self.language = language if language in LANGUAGES else "en"
        super().__init__("; ".join(f"{p.field}: {p.code}" for p in problems))

    def messages(self, language: str | None = None) -> dict[str, str]:
        lang = language or self.language
        out: dict[str, str] = {}
        for p in self.problems:
            out.setdefault(p.field, p.message(lang))
        return out


class Spam(ValueError):
    """The honeypot field was filled: a robot. Nothing is stored."""


@dataclass(frozen=True)
class Requester:
    name: str | None
    relationship: str | None
    phone: str | None  # E.164
    email: str | None


@dataclass(frozen=True)
class RequestInput:
    """A checked request: the sought person's canonical record and raw values, and the rest."""

    record: dict[str, object]
    raw: dict[str, str]
    requester: Requester
    language: str = "ar"
    preferred_channel: str | None = None
    share_with_organisations: bool = False
    reveal_requester_to_found: bool = False
    circumstances: str | None = None
    circumstances_text: str | None = None
    detention_branch: str | None = None
    height_cm: int | None = None
    dental: str | None = None
    marks: str | None = None
    clothing: str | None = None
    request_id: str | None = None
    requester_raw: dict[str, str] = field(default_factory=dict)


_PERSON_VALIDATOR_MAPPING = ColumnMapping(
    columns={c: c for c in ("record_id", *PERSON_FIELDS.values())}, unmapped=[]
)


def _bad_characters(text: str) -> bool:
    """Unicode's control characters (category Cc) but the line breaks and tab a text may hold: NUL
    and the others an imported file's rows are quarantined for."""
    return "\x00" in text or CONTROL_IN_TEXT.search(text) is not None


def _flag(values: Mapping[str, str], key: str, problems: list[FieldProblem]) -> bool:
    text = ascii_digits(values.get(key, "") or "").strip().casefold()
    if text in _YES:
        return True
    if text not in _NO:
        problems.append(FieldProblem(key, "invalid"))
    return False


def normalize_phone(text: str) -> str:
    """E.164 form of a phone number written with its country code; ValueError if it is not one."""
    digits = ascii_digits(text).strip()
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    try:
        number = phonenumbers.parse(digits, None)
    except phonenumbers.NumberParseException:
        raise ValueError("not a phone number with a country code") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError("not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_request(
    values: Mapping[str, str], language: str = "ar", today: dt.date | None = None
) -> RequestInput:
    """The checked request; raise RequestInvalid naming every problem, or Spam for a robot."""
    if (values.get(HONEYPOT) or "").strip():
        raise Spam("honeypot field filled")
    values = {PERSON_ALIASES.get(k, k): (v if isinstance(v, str) else str(v)) for k, v in values.items()}
    problems: list[FieldProblem] = []
    lang = (values.get("language") or language or "ar").strip().lower()
    if lang not in LANGUAGES:
        problems.append(FieldProblem("language", "invalid"))
        lang = "en"
    for key, text in values.items():
        if not text:
            continue
        if _bad_characters(text):
            problems.append(FieldProblem(key, "control"))
        elif key in NO_MARKUP and _MARKUP.search(text):
            problems.append(FieldProblem(key, "markup"))
        elif key in TEXT_LIMITS and len(text) > TEXT_LIMITS[key]:
            problems.append(FieldProblem(key, "too_long"))
    flagged = {p.field for p in problems}

    raw = {k: values[k] for k in PERSON_FIELDS if values.get(k)}
    canonical_raw = {PERSON_FIELDS[k]: v for k, v in raw.items() if k not in flagged}
    canonical_raw["record_id"] = "request"
    checked = RowValidator(_PERSON_VALIDATOR_MAPPING, today=today).canonical(canonical_raw)
    record: dict[str, object] = {}
    if isinstance(checked, Problem):
        by_column = {v: k for k, v in PERSON_FIELDS.items()}
        for name in (checked.field or "").split(", "):
            form_field = by_column.get(name, name)
            code = "date" if name in ("birth_date", "event_date") else "invalid"
            if "over-long" in checked.reason:
                code = "too_long"
            problems.append(FieldProblem(form_field, code, checked.reason))
        if not (raw.get("full_name") or raw.get("given_name")):  # said with the other problems
            problems.append(FieldProblem("full_name", "name"))
    else:
        record = checked
        record.pop("record_id", None)
        if not (record.get("full_name") or record.get("given_name")):
            problems.append(FieldProblem("full_name", "name"))
        born, seen = record.get("birth_date"), record.get("event_date")
        if born and seen and str(seen) < str(born)[: len(str(seen))]:
            problems.append(FieldProblem("last_seen_date", "order"))

    phone = email = None
    phone_text = (values.get("requester_phone") or "").strip()
    if phone_text and "requester_phone" not in flagged:
        try:
            phone = normalize_phone(phone_text)
        except ValueError:
            problems.append(FieldProblem("requester_phone", "phone"))
    email_text = (values.get("requester_email") or "").strip()
    if email_text and "requester_email" not in flagged:
        if _EMAIL.fullmatch(email_text):
            email = email_text
        else:
            problems.append(FieldProblem("requester_email", "email"))
    requester_name = clean_text(values.get("requester_name") or "")
    if not requester_name and "requester_name" not in flagged:
        problems.append(FieldProblem("requester_name", "required"))
    if not phone_text and not email_text:
        problems.append(FieldProblem("requester_phone", "contact"))
    channel = (values.get("preferred_channel") or "").strip().lower() or None
    if channel is not None and channel not in CHANNELS:
        problems.append(FieldProblem("preferred_channel", "invalid"))
    elif (channel == "email" and not email_text) or (channel in ("sms", "phone") and not phone_text):
        problems.append(FieldProblem("preferred_channel", "channel"))
    channel = channel or ("sms" if phone_text else "email")

    circumstances = (values.get("circumstances") or "").strip() or None
    if circumstances is not None and circumstances not in CIRCUMSTANCES:
        problems.append(FieldProblem("circumstances", "invalid"))
    height = None
    height_text = ascii_digits(values.get("height_cm") or "").strip()
    if height_text:
        if height_text.isdigit() and 40 <= int(height_text) <= 250:
            height = int(height_text)
        else:
            problems.append(FieldProblem("height_cm", "invalid"))
    share = _flag(values, "share_with_organisations", problems)
    reveal = _flag(values, "reveal_requester_to_found", problems)
    if problems:
        raise RequestInvalid(problems, lang)

    def free_text(key: str) -> str | None:
        return (values.get(key) or "").strip() or None

    return RequestInput(
        record=record,
        raw=raw,
        requester=Requester(
            requester_name, clean_text(values.get("requester_relationship") or ""), phone, email
        ),
        language=lang,
        preferred_channel=channel,
        share_with_organisations=share,
        reveal_requester_to_found=reveal,
        circumstances=circumstances,
        circumstances_text=free_text("circumstances_text"),
        detention_branch=clean_text(values.get("detention_branch") or ""),
        height_cm=height,
        dental=free_text("dental"),
        marks=free_text("marks"),
        clothing=free_text("clothing"),
        request_id=clean_text(ascii_digits(values.get("request_id") or "")),
        requester_raw={k: values[k] for k in REQUESTER_FIELDS if values.get(k)},
    )
