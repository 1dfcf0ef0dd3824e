"""Accounts: users, organisations, API tokens, roles, and what each principal may see and manage.

The rules, usable without the web: the web application (`athar.web`) and the command line
(`athar.cli`) are thin over them.

| module | job |
| --- | --- |
| `permissions.py` | the one table of role -> actions; `Principal`, who acts |
| `visibility.py` | the one rule of which sources, records and persons a principal may see |
| `passwords.py`, `signin.py` | argon2 hashes, new-password rules; sign-in with waits, optional TOTP |
| `users.py`, `organisations.py`, `tokens.py` | accounts, organisations, partners' API tokens |
| `sources.py` | who may manage a source's sharing and kind, who may import into it |
"""

from athar.accounts.organisations import OrganisationExists, add_organisation, ensure_organisation
from athar.accounts.passwords import generate_password, hash_password, verify_password
from athar.accounts.permissions import (
    ACTIONS,
    ANONYMOUS,
    NOBODY,
    PERMISSIONS,
    ROLES,
    SHARING,
    Principal,
    allowed,
    operator,
)
from athar.accounts.signin import Outcome, SignIn, authenticate, enable_totp, totp_uri
from athar.accounts.tokens import create_token, principal_for_token, revoke_token
from athar.accounts.users import create_user
from athar.accounts.visibility import (
    PersonNotVisible,
    visible_person,
    visible_person_records,
    visible_record,
    visible_sources,
)

__all__ = [
    "ACTIONS",
    "ANONYMOUS",
    "NOBODY",
    "PERMISSIONS",
    "ROLES",
    "SHARING",
    "OrganisationExists",
    "Outcome",
    "PersonNotVisible",
    "Principal",
    "SignIn",
    "add_organisation",
    "allowed",
    "authenticate",
    "create_token",
    "create_user",
    "enable_totp",
    "ensure_organisation",
    "generate_password",
    "hash_password",
    "operator",
    "principal_for_token",
    "revoke_token",
    "totp_uri",
    "verify_password",
    "visible_person",
    "visible_person_records",
    "visible_record",
    "visible_sources",
]
