"""A person's case: statuses, the append-only history of case events, families' inquiries, the
timeline, and who may see what of it. Usable without the web: the pages and the JSON API are thin
over it.

| module | job |
| --- | --- |
| `status.py` | the statuses, what a valid change needs, `change_status` |
| `events.py` | case events read and appended; families' inquiries |
| `timeline.py` | records' event dates by source kind, with the case events |
| `scope.py` | whose an event is, who sees its details, who may change a case |
| `contacts.py` | inquiries' contacts sealed apart, and their erasure |
| `view.py` | a case as one principal may see it |
"""

from athar.cases.contacts import (
    AlreadyErased,
    ErasureNeedsReason,
    InquiryNotFound,
    erase_inquiry,
    inquiry_person,
    store_cipher,
)
from athar.cases.events import INQUIRY_FIELDS, case_events, record_inquiry
from athar.cases.scope import event_open_to, may_update_case, owns_event
from athar.cases.status import (
    STATUS_CHANGE_PROBLEMS,
    STATUSES,
    CaseNotYours,
    change_status,
    person_status,
    status_change_problem,
    valid_event_date,
)
from athar.cases.timeline import TIMELINE_KINDS, record_event_kind, timeline
from athar.cases.view import CaseView, case_view, may_see_inquiries

__all__ = [
    "INQUIRY_FIELDS",
    "STATUSES",
    "STATUS_CHANGE_PROBLEMS",
    "TIMELINE_KINDS",
    "AlreadyErased",
    "CaseNotYours",
    "CaseView",
    "ErasureNeedsReason",
    "InquiryNotFound",
    "case_events",
    "case_view",
    "change_status",
    "erase_inquiry",
    "event_open_to",
    "inquiry_person",
    "may_see_inquiries",
    "may_update_case",
    "owns_event",
    "person_status",
    "record_event_kind",
    "record_inquiry",
    "status_change_problem",
    "store_cipher",
    "timeline",
    "valid_event_date",
]
