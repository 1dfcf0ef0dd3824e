"""The menu links exactly the pages a role may open, and each link it shows opens."""

from __future__ import annotations

import re

import pytest

from athar.accounts.permissions import ROLES, allowed
from tests.web.conftest import client_for

MENU = {
    "/review": "review.view",
    "/requests": "case.inquiry",
    "/sites": "person.view",
    "/search": "search.view",
    "/import": "records.import",
    "/admin/sources": "sources.manage",
    "/admin/users": "users.manage",
    "/admin/organisations": "organisations.manage",
    "/audit": "audit.view",
}


@pytest.mark.parametrize("role", ROLES)
def test_the_menu_links_what_the_role_may_open_and_nothing_else(app, role):
    client = client_for(app, f"{role}-alpha")
    nav = re.search(r"<nav>(.*?)</nav>", client.get("/dashboard").text, re.S).group(1)
    linked = set(re.findall(r'href="([^"]+)"', nav)) - {"/dashboard"}
    assert linked == {path for path, action in MENU.items() if allowed(role, action)}
    for path in linked:
        assert client.get(path).status_code == 200, path
