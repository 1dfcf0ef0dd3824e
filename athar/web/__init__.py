"""The web application and JSON API: `create_app` builds it; `athar.web.server` serves it.

Pages (each route's action is in `permissions.PERMISSIONS`):

* `/` home; `/login`, `/logout`; `/dashboard` (staff): persons by case status, governorate
  (`?place=birth|event`) and year, sources and recent imports, as SVG bar charts and tables;
* `/search/family` (public, no login): a family's search, answered only "possible match" with a case
  reference and how to reach a caseworker; rate-limited per address; audited without the query text;
* `/search` (investigator, admin): the same engine, matching persons with their visible records;
* `/persons/{id}`: the person's records with sources, a timeline, the case status and its history;
  `POST /persons/{id}/status` (reason and evidence required) and `POST /persons/{id}/inquiries`
  (a family's inquiry) for caseworkers, investigators and admins;
* `/review`, `POST /review/judgements`: uncertain pairs (reviewer, investigator, admin);
* `/import`, `POST /import/preview`, `POST /import` (investigator, admin): upload a list, preview its
  mapping and first rows, import, see the counts and quarantined rows;
* `/audit`, `/audit/export.csv` (admin); `/export/records.FMT`, `/export/persons.FMT` (investigator,
  admin; FMT csv, xlsx, jsonl or parquet);
* `/admin/users`, `/admin/organisations` (admin): accounts (add, role, disable/enable, clear a
  lockout) and organisations; `/admin/sources` (admin; investigators for their own organisation's
  sources): each source's sharing setting and kind. Every change is audited;
* `/api/v1/...`: the JSON API for partner organisations' tokens, the same operations as the pages
  (sources, review, investigator search, person and case, import; see `athar.web.api`).
"""

from athar.web.app import create_app
from athar.web.settings import WebSettings

__all__ = ["WebSettings", "create_app"]
