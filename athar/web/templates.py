"""Server-rendered pages: one Jinja2 environment per app, and the context every page gets."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from athar.accounts.permissions import allowed
from athar.web import i18n
from athar.web.csrf import FIELD, csrf_token
from athar.web.sessions import current_principal

TEMPLATES = Path(__file__).parent / "templates"


def make_environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    lang = i18n.language(request)
    digit_style = i18n.digits(request, lang)
    t = i18n.translations(request)
    principal = current_principal(request)
    page = request.app.state.templates.get_template(template).render(
        request=request,
        _=t.gettext,
        ngettext=t.ngettext,
        lang=lang,
        dir=i18n.direction(lang),
        digits=digit_style,
        num=lambda value: i18n.format_number(value, digit_style),
        plain=lambda value: i18n.format_digits(value, digit_style),
        principal=principal,
        may=lambda action: allowed(principal.role, action),  # the menu shows what the role may open
        csrf_field=FIELD,
        csrf_token=csrf_token(request),
        **context,
    )
    return HTMLResponse(page, status_code=status_code)
