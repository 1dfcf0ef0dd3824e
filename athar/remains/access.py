"""Who sees a site and its bodies, and who may take identification steps on them.

A site's post-mortem records are kept under its own source (`sites.source_id`), so whether a principal
sees a site, its bodies, their custody and DNA reports is the ordinary rule on that source
(`athar.accounts.visibility.visible_sources`: the organisation's own, one of no organisation, or one
shared). What a body page shows of missing persons (candidates, DNA references, identification
steps) is filtered separately, by the sources of *their* records.

Adding a site and importing post-mortem records follow the rule for lists
(`athar.accounts.sources`): the `records.import` permission; a new site belongs to the principal's
organisation, and a site takes imports from its own organisation's staff (an admin's, for a site of no
organisation), never from another organisation's.

Identification steps follow the case rule (`athar.cases.scope`): the `case.update` permission and the
site belonging to the principal's organisation, or to no organisation for an admin; the command
line's operator may take any. Confirming also needs the right to the person's case, which
`athar.remains.workflow.set_step` checks. The chain of custody and joining or splitting commingled
remains are work on the site's bodies too, and follow the same rule (`may_identify`).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, select

from athar.accounts.permissions import Principal, allowed
from athar.accounts.visibility import visible_sources
from athar.store.tables import Site, Source


def visible_sites(principal: Principal) -> ColumnElement[bool]:
    """A condition on `Site`: the sites whose records the principal may see."""
    return exists(select(Source.id).where(and_(Source.id == Site.source_id, visible_sources(principal))))


def may_add_sites(principal: Principal) -> bool:
    return allowed(principal.role, "records.import")


def may_import_remains(principal: Principal, site_organisation_id: int | None) -> bool:
    """Whether the principal may import post-mortem records into a site of this organisation."""
    return _may_act_on_site(principal, "records.import", site_organisation_id)


def may_identify(principal: Principal, site_organisation_id: int | None) -> bool:
    """Whether the principal may take identification steps on the bodies of a site of this organisation."""
    return _may_act_on_site(principal, "case.update", site_organisation_id)


def _may_act_on_site(principal: Principal, permission: str, site_organisation_id: int | None) -> bool:
    """The role's `permission`, on a site of the principal's own organisation (an operator's on any;
    a site of no organisation is an admin's)."""
    if not allowed(principal.role, permission):
        return False
    if principal.kind == "operator":
        return True
    if site_organisation_id is None:
        return principal.role == "admin"
    return site_organisation_id == principal.organisation_id
