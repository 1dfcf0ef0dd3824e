"""Who may do what: one table of role -> allowed actions, and the principal who acts.

Every web route names exactly one action (`athar.web.permissions.require` for pages, `require_api` for
the JSON API); the permission tests walk the app's routes and try each one as every role, so a route
without an action, or an action missing from the table, fails the suite. Which records, sources and
persons a principal may *see* is the other half of the rule: `athar.accounts.visibility`.
"""

from __future__ import annotations

from dataclasses import dataclass

ANONYMOUS = "anonymous"
ROLES: tuple[str, ...] = ("admin", "investigator", "reviewer", "caseworker")
SHARING: tuple[str, ...] = ("private", "shared")

_STAFF = frozenset({"dashboard.view", "sources.view", "public.view", "account.password"})

# The one table. Actions: public.view (the public pages and the family search), dashboard.view,
# sources.view, account.password (one's own password), review.view / review.judge (uncertain pairs),
# person.view (a person's records and case),
# search.view (the investigator search), case.update (a person's status, with reason and evidence),
# case.inquiry (record and see families' inquiries), records.import (upload a list), records.export,
# audit.view / audit.export, users.manage and organisations.manage (accounts and organisations),
# sources.manage (a source's sharing setting and kind: admins any source, others their organisation's),
# person.curate (merge and split persons: it shows a person's records and judges pairs, so only roles
# holding both person.view and review.judge have it).
PERMISSIONS: dict[str, frozenset[str]] = {
    ANONYMOUS: frozenset({"public.view"}),
    # caseworkers find their cases by name: the search answers only from what their organisation sees
    "caseworker": _STAFF | {"person.view", "search.view", "case.update", "case.inquiry"},
    "reviewer": _STAFF | {"review.view", "review.judge"},
    "investigator": _STAFF
    | {
        "person.view",
        "case.update",
        "case.inquiry",
        "review.view",
        "review.judge",
        "person.curate",
        "records.import",
        "records.export",
        "search.view",
        "sources.manage",
    },
    "admin": _STAFF
    | {
        "person.view",
        "case.update",
        "case.inquiry",
        "review.view",
        "review.judge",
        "person.curate",
        "records.import",
        "records.export",
        "search.view",
        "audit.view",
        "audit.export",
        "users.manage",
        "organisations.manage",
        "sources.manage",
    },
}
ACTIONS: frozenset[str] = frozenset().union(*PERMISSIONS.values())


@dataclass(frozen=True)
class Principal:
    """Who is acting: a signed-in user, a partner's API token, nobody (anonymous), or the operator of
    the command line (`operator`)."""

    name: str
    role: str
    organisation_id: int | None = None
    kind: str = "user"  # user | token | anonymous | operator
    user_id: int | None = None
    session_id: int | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.kind == "anonymous"


NOBODY = Principal(name="anonymous", role=ANONYMOUS, kind="anonymous")


def allowed(role: str, action: str) -> bool:
    if action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}")
    return action in PERMISSIONS.get(role, frozenset())


def operator(name: str) -> Principal:
    """Whoever runs the `athar` command on the store itself: they hold the database, so every source is
    visible to them (`visibility.visible_sources`); their reads are audited under `name`."""
    return Principal(name=name, role="admin", kind="operator")
