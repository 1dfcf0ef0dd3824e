"""Browser tests: the real pages in Debian's Chromium, driven by Playwright, against a live loopback server.

Chromium is `/usr/bin/chromium` (apt-get install chromium fonts-noto-core); Playwright's own browser
downloads are never used. Without Chromium the tests are skipped, unless ATHAR_REQUIRE_BROWSER=1 (CI),
where its absence fails them. Every request the browser makes to anything but 127.0.0.1 is aborted and
fails the test: the pages must load nothing from the internet.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from athar.web import WebSettings, create_app
from tests.browser.live import HOST, serving
from tests.conftest import built_once
from tests.web.conftest import PASSWORD, linked_store, web_lists  # noqa: F401  (the same small linked store)

# A small phone held upright: every page must fit its width without scrolling sideways.
PHONE = {"width": 360, "height": 740}


def fits_the_phone(page) -> bool:
    """Nothing on the page is wider than the phone (a wide table scrolls inside its own box)."""
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
__all__ = ["PASSWORD"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives the real pages in Chromium (/usr/bin/chromium)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("ATHAR_REQUIRE_BROWSER") == "1":
            pytest.fail(f"ATHAR_REQUIRE_BROWSER=1 but {CHROMIUM} is missing (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-core to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def review_store(linked_store, tmp_path_factory):  # noqa: F811
    """The linked store re-linked with a wide review band, once per run: copy it before changing it.

    The review tests judge several pairs in a row: widen the review band so the small synthetic
    store has enough of them whatever the current model scores (a re-run keeps persons as they are).
    """
    from athar.linkage.run import LinkOptions, link
    from athar.store import open_store

    def build(folder: Path) -> None:
        shutil.copy(linked_store, folder / "athar.db")
        engine = open_store(str(folder / "athar.db"))
        link(engine, LinkOptions(review_low=0.05, review_high=0.9999, user="test"))
        engine.dispose()

    return built_once(tmp_path_factory, "browser-store", build) / "athar.db"


@pytest.fixture(scope="module")
def app(review_store, tmp_path_factory):
    """The app over its own copy of the store, with plain-http cookies as on a developer's loopback."""
    path = tmp_path_factory.mktemp("browser-app") / "athar.db"
    shutil.copy(review_store, path)
    application = create_app(str(path), WebSettings(secure_cookies=False))
    yield application
    application.state.engine.dispose()


@pytest.fixture(scope="module")
def base_url(app) -> Iterator[str]:
    with serving(app) as url:
        yield url


@pytest.fixture
def page(browser, base_url):
    """A fresh browser context (no cookies) whose every request outside 127.0.0.1 is aborted and reported."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    outside: list[str] = []

    def guard(route) -> None:
        if urlsplit(route.request.url).hostname == HOST:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    errors: list[str] = []
    tab = context.new_page()
    tab.on("pageerror", lambda error: errors.append(str(error)))
    # Console errors (a CSP violation, a failed script) except an HTTP error status, which tests expect.
    tab.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    tab.set_default_timeout(10_000)
    yield tab
    context.close()
    assert outside == [], f"the pages tried to load from outside 127.0.0.1: {outside}"
    assert errors == [], f"script or console errors (CSP violations show here): {errors}"


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory):
    """save(page, name): a full-page PNG under the pytest tmp dir, and in $ATHAR_SCREENSHOTS when set."""
    folder = tmp_path_factory.mktemp("screenshots")
    extra = os.environ.get("ATHAR_SCREENSHOTS")

    def save(page, name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        if extra:
            Path(extra).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, Path(extra) / path.name)
        return path

    return save


def sign_in(page, name: str, password: str = PASSWORD, lang: str = "en") -> None:
    """Sign in through the login form, the way a person does."""
    page.goto(f"/login?lang={lang}")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    page.click("form.stack button[type=submit]")


def platform_fonts(page, selector: str) -> list[str]:
    """The font families Chromium actually used to draw the text of `selector` (DevTools protocol)."""
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        cdp.send("CSS.enable")
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()
    return [f["familyName"] for f in fonts]
