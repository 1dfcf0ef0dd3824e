"""A request's statuses, the moves allowed between them, and what a family is told for each."""

from __future__ import annotations

from enum import StrEnum

from athar.errors import AtharError


class RequestStatus(StrEnum):
    RECEIVED = "received"
    BEING_SEARCHED = "being_searched"
    POSSIBLE_MATCH = "possible_match"
    VERIFIED = "verified"
    LOCATED_ALIVE = "located_alive"
    DECEASED = "deceased"
    REMAINS_IDENTIFIED = "remains_identified"
    NO_NEWS = "no_news"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


S = RequestStatus
ANSWERS = frozenset({S.LOCATED_ALIVE, S.DECEASED, S.REMAINS_IDENTIFIED, S.NO_NEWS})
ENDED = frozenset({*ANSWERS, S.CLOSED, S.WITHDRAWN})

# received -> being searched -> possible match -> verified -> answered; a possible match that does
# not hold goes back to being searched; "no news" can be answered from any open state; any open or
# answered request can be closed, and a family can withdraw until it is closed. An answered request
# reopens to being searched when new information comes.
TRANSITIONS: dict[RequestStatus, frozenset[RequestStatus]] = {
    S.RECEIVED: frozenset({S.BEING_SEARCHED, S.POSSIBLE_MATCH, S.NO_NEWS, S.CLOSED, S.WITHDRAWN}),
    S.BEING_SEARCHED: frozenset({S.POSSIBLE_MATCH, S.NO_NEWS, S.CLOSED, S.WITHDRAWN}),
    S.POSSIBLE_MATCH: frozenset({S.VERIFIED, S.BEING_SEARCHED, S.NO_NEWS, S.CLOSED, S.WITHDRAWN}),
    S.VERIFIED: frozenset({*ANSWERS, S.BEING_SEARCHED, S.CLOSED, S.WITHDRAWN}),
    **{a: frozenset({S.CLOSED, S.BEING_SEARCHED, S.WITHDRAWN}) for a in ANSWERS},
    S.CLOSED: frozenset({S.BEING_SEARCHED}),
    S.WITHDRAWN: frozenset(),
}


class StatusChangeError(AtharError, ValueError):
    """A move the workflow does not allow; the message names both statuses and what is allowed."""


def check_transition(current: str, new: str) -> RequestStatus:
    try:
        target = RequestStatus(new)
    except ValueError:
        raise StatusChangeError(
            f"unknown status {new!r}; statuses: {', '.join(s.value for s in RequestStatus)}"
        ) from None
    allowed = TRANSITIONS[RequestStatus(current)]
    if target not in allowed:
        options = ", ".join(sorted(s.value for s in allowed)) or "none"
        raise StatusChangeError(f"a request cannot go from {current} to {target}; allowed: {options}")
    return target


# What a family reads, in plain words. A located-alive answer is not here: what the family is told
# then follows the found person's wish (`athar.requests.family`).
FAMILY_TEXT: dict[str, dict[str, str]] = {
    "received": {
        "en": "We have received your request. A caseworker will start the search soon.",
        "ar": "وصلنا طلبك. سيبدأ أحد العاملين في الحالات البحث قريبًا.",
    },
    "being_searched": {
        "en": "We are searching. We will contact you when there is news.",
        "ar": "نحن نبحث. سنتواصل معك عندما تتوفر أخبار.",
    },
    "possible_match": {
        "en": "We are checking information that may concern the person you are looking for.",
        "ar": "نتحقق من معلومات قد تخص الشخص الذي تبحث عنه.",
    },
    "verified": {
        "en": "We have information about the person you are looking for. A caseworker will contact you.",
        "ar": "لدينا معلومات عن الشخص الذي تبحث عنه. سيتواصل معك أحد العاملين في الحالات.",
    },
    "alive_whereabouts": {
        "en": "The person you are looking for has been found alive. A caseworker will contact you "
        "to tell you more.",
        "ar": "وُجد الشخص الذي تبحث عنه على قيد الحياة. سيتواصل معك أحد العاملين في الحالات ليخبرك بالمزيد.",
    },
    "alive_only": {
        "en": "The person you are looking for has been found alive. They asked that no more be shared.",
        "ar": "وُجد الشخص الذي تبحث عنه على قيد الحياة. وقد طلب ألا نشارك أكثر من ذلك.",
    },
    "answered_nothing": {
        "en": "The search has ended. We cannot share more. A caseworker can talk with you.",
        "ar": "انتهى البحث. لا نستطيع مشاركة المزيد. يمكن لأحد العاملين في الحالات التحدث معك.",
    },
    "deceased": {
        "en": "We have news that we must give you in person. A caseworker will contact you.",
        "ar": "لدينا أخبار يجب أن نبلغك بها شخصيًا. سيتواصل معك أحد العاملين في الحالات.",
    },
    "remains_identified": {
        "en": "We have news that we must give you in person. A caseworker will contact you.",
        "ar": "لدينا أخبار يجب أن نبلغك بها شخصيًا. سيتواصل معك أحد العاملين في الحالات.",
    },
    "no_news": {
        "en": "We have no news yet. Your request stays with us; tell us if you learn anything new.",
        "ar": "لا توجد أخبار بعد. يبقى طلبك لدينا؛ أخبرنا إن عرفت أي جديد.",
    },
    "closed": {
        "en": "This request is closed. Contact us if you want to open it again.",
        "ar": "هذا الطلب مغلق. تواصل معنا إن أردت إعادة فتحه.",
    },
    "withdrawn": {
        "en": "This request was withdrawn.",
        "ar": "سُحب هذا الطلب.",
    },
    "erased": {
        "en": "This request's personal data was erased at your request or after its retention period.",
        "ar": "حُذفت البيانات الشخصية لهذا الطلب بناءً على طلبك أو بعد انتهاء مدة الاحتفاظ بها.",
    },
}
