"""The application factory: `create_app(db_url)` builds a FastAPI app over one store. No global state."""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from athar.accounts.passwords import prepare_unknown_user
from athar.accounts.visibility import PersonNotVisible
from athar.store import open_store
from athar.store.engine import StoreBusy, is_lock_timeout
from athar.web import (
    account_pages,
    admin_pages,
    api,
    api_requests,
    audit_pages,
    body_forms,
    curation_pages,
    export_pages,
    i18n,
    import_pages,
    login,
    open_pages,
    pages,
    person_pages,
    remains_pages,
    request_pages,
    review_pages,
    search_pages,
    site_forms,
    trace_pages,
)
from athar.web.csrf import SEED_COOKIE, csrf_protect, new_seed
from athar.web.permissions import LoginRequired
from athar.web.search_state import AddressHasher, IndexHolder, RateLimiter
from athar.web.sessions import set_cookie
from athar.web.settings import WebSettings
from athar.web.templates import make_environment, render
from athar.web.throttle import SigninThrottle

STATIC = Path(__file__).parent / "static"
YEAR = 365 * 24 * 3600

# Nothing is loaded from anywhere but this site: no CDN, no inline script.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


PAGE_MODULES = (
    pages,
    login,
    review_pages,
    person_pages,
    curation_pages,
    audit_pages,
    export_pages,
    search_pages,
    import_pages,
    admin_pages,
    account_pages,
    site_forms,  # adding sites and bodies; before remains_pages, whose /sites/{id} would take /sites/new
    remains_pages,  # sites, bodies and identification (docs/remains.md)
    body_forms,  # custody, joining and splitting on a body's page
    open_pages,  # open by reference: what a family reads out over the phone
)
# Tracing requests (docs/tracing-requests.md): walked for every role by tests/web/test_trace_permissions.py.
TRACING_PAGE_MODULES = (trace_pages, request_pages)


def tracing_routes() -> list[APIRoute]:
    """The tracing-request pages and API routes (the integrator may fold them into `routes`)."""
    found = [r for m in TRACING_PAGE_MODULES for r in m.router.routes if isinstance(r, APIRoute)]
    return found + [r for r in api_requests.router.routes if isinstance(r, APIRoute)]


def routes() -> list[APIRoute]:
    """Every route the app serves besides /openapi.json and /static: pages first, then the API.

    Read from our own routers (FastAPI's app.routes holds opaque included-router objects).
    """
    found = [r for m in PAGE_MODULES for r in m.router.routes if isinstance(r, APIRoute)]
    return found + [r for r in api.router.routes if isinstance(r, APIRoute)]


def route_action(route: APIRoute) -> str | None:
    """The permission action a route requires (from its `require`/`require_api` dependency)."""
    pending = list(route.dependant.dependencies)
    while pending:
        dependant = pending.pop()
        action = getattr(dependant.call, "action", None)
        if action is not None:
            return action
        pending.extend(dependant.dependencies)
    return None


def create_app(db_url: str | None = None, settings: WebSettings | None = None) -> FastAPI:
    """The web application and JSON API over the store at `db_url` (migrated on opening)."""
    settings = settings or WebSettings.from_env()
    app = FastAPI(
        title="Athar",
        version="1",
        description="Finding Syria's missing: sources, review of uncertain pairs, persons. "
        "The JSON API is under /api/v1 and takes a partner organisation's bearer token.",
        docs_url=None,  # Swagger UI and ReDoc load scripts from a CDN
        redoc_url=None,
    )
    app.state.engine = open_store(db_url)
    app.state.settings = settings
    app.state.catalogues = i18n.load_catalogues()
    app.state.templates = make_environment()
    app.state.search_index = IndexHolder(app.state.engine)
    app.state.family_limiter = RateLimiter(settings.family_searches_per_minute, 60.0)
    app.state.hash_address = AddressHasher()
    app.state.signin_throttle = SigninThrottle(settings)
    prepare_unknown_user()

    protected = [Depends(csrf_protect)]
    for module in (*PAGE_MODULES, *TRACING_PAGE_MODULES):
        app.include_router(module.router, dependencies=protected, include_in_schema=False)
    app.include_router(api.router)
    app.include_router(api_requests.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.middleware("http")
    async def preferences_and_headers(request: Request, call_next) -> Response:
        prefix = settings.cookie_prefix
        if not request.cookies.get(prefix + SEED_COOKIE):
            request.state.csrf_seed = new_seed()
        response = await call_next(request)
        if getattr(request.state, "csrf_seed", None):
            set_cookie(response, settings, SEED_COOKIE, request.state.csrf_seed, None)
        if request.query_params.get("lang") in i18n.LANGUAGES:
            set_cookie(response, settings, i18n.LANG_COOKIE, request.query_params["lang"], YEAR)
        if request.query_params.get("digits") in i18n.DIGITS:
            set_cookie(response, settings, i18n.DIGITS_COOKIE, request.query_params["digits"], YEAR)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")  # pages hold personal data
        return response

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, exc: LoginRequired) -> Response:
        from urllib.parse import quote

        return RedirectResponse(f"/login?next={quote(exc.next_url)}", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        return render(request, "error.html", status_code=exc.status_code, status=exc.status_code)

    @app.exception_handler(PersonNotVisible)
    async def not_disclosed(request: Request, exc: PersonNotVisible) -> Response:
        # The same 404 whether the person does not exist or none of their records is visible.
        return await http_error(request, StarletteHTTPException(status_code=404, detail="no such person"))

    @app.exception_handler(StoreBusy)
    @app.exception_handler(OperationalError)
    async def store_busy(request: Request, exc: Exception) -> Response:
        # A long import (or another writer) holds SQLite's write lock past the busy timeout: a clear
        # 503 with Retry-After, never a 500 nor the driver's message (it quotes personal data).
        if isinstance(exc, OperationalError) and not is_lock_timeout(exc):
            raise exc
        headers = {"Retry-After": "30"}
        if _wants_json(request):
            detail = "the store is busy with another write (an import?): try again in a moment"
            return JSONResponse({"detail": detail}, status_code=503, headers=headers)
        response = render(request, "error.html", status_code=503, status=503)
        response.headers.update(headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        if _wants_json(request):
            from fastapi.encoders import jsonable_encoder

            return JSONResponse({"detail": jsonable_encoder(exc.errors())}, status_code=422)
        return render(request, "error.html", status_code=422, status=422)

    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


__all__ = ["create_app"]
