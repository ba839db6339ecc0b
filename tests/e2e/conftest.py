"""Browser journeys in real Chromium (Playwright, sync API) against pytest-django's live server.

Every test here is marked ``e2e`` and uses a transactional database (the live server runs in
another thread, so it must see committed data). Each such test ends by flushing every table, so
the reference data seeded by migrations (registration types) is put back before each test and
once more when the session ends, so a ``--reuse-db`` database is never left without it.

Chromium is the Debian package (``/usr/bin/chromium``, or ``CHROMIUM_PATH``): ``playwright
install`` cannot download browsers on the project's machines. Without it these tests fail, never
skip: ``.ci/run`` installs it under CI; locally run ``apt-get install -y chromium``.
"""

from __future__ import annotations

import os

# Playwright's sync API runs an event loop in this thread; Django would refuse ORM calls from it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import re
import shutil
from collections.abc import Iterator
from datetime import date

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ConsoleMessage, Error, Page, Response, expect, sync_playwright

from tests.conftest import IN_CI, seed_reference_data

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]
PASSWORD = "correct-horse-battery-staple"  # set by UserFactory (factory.django.Password)

expect.set_options(timeout=5_000)


def _chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    resolved = path if os.path.isabs(path) else shutil.which(path)
    if not resolved or not os.access(resolved, os.X_OK):
        where = "CI (.ci/run installs it; check that step)" if IN_CI else "this machine"
        pytest.fail(
            f"Chromium not found at {path!r} on {where}. Browser journeys need the Debian package: "
            "`apt-get install -y chromium`, or set CHROMIUM_PATH. They are never skipped.",
            pytrace=False,
        )
    return resolved


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = _chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _reference_data(transactional_db) -> None:
    """A transactional test ends by emptying every table, seeded reference data included."""
    seed_reference_data()


@pytest.fixture(scope="session", autouse=True)
def _reference_data_after_the_session(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Leave the (``--reuse-db``) test database with its reference data for the next run."""
    yield
    with django_db_blocker.unblock():
        seed_reference_data()


class BrowserErrors(list):
    """Console errors (including CSP reports: "Refused to ... Content Security Policy"),
    uncaught page errors and failed requests seen during a journey."""

    def check(self) -> None:
        assert not self, "The browser reported errors:\n" + "\n".join(f"  - {error}" for error in self)


@pytest.fixture
def browser_errors() -> BrowserErrors:
    return BrowserErrors()


def _watch(page: Page, errors: BrowserErrors) -> None:
    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" or "Content Security Policy" in message.text:
            location = message.location.get("url", "")
            errors.append(f"console {message.type}: {message.text} ({location or page.url})")

    def on_page_error(error: Error) -> None:
        errors.append(f"uncaught exception on {page.url}: {error}")

    def on_response(response: Response) -> None:
        # A page may answer 4xx on purpose (a form error, a 404 page); a stylesheet, script,
        # image or htmx request must not, and nothing may answer 5xx.
        failed_resource = response.status >= 400 and response.request.resource_type != "document"
        if failed_resource or response.status >= 500:
            errors.append(f"HTTP {response.status} for {response.request.resource_type} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    page.on("response", on_response)


@pytest.fixture
def page(browser: Browser, live_server, browser_errors: BrowserErrors) -> Iterator[Page]:
    """A fresh browser context (no cookies, no storage) per test, watched for errors."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(5_000)
    page = context.new_page()
    _watch(page, browser_errors)
    yield page
    context.close()


@pytest.fixture
def no_js_page(browser: Browser, live_server, browser_errors: BrowserErrors) -> Iterator[Page]:
    """The same, with JavaScript off: the service must work without it (progressive enhancement)."""
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, locale="en-GB")
    context.set_default_timeout(5_000)
    page = context.new_page()
    _watch(page, browser_errors)
    yield page
    context.close()


_axe = Axe()


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation.get('impact')}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            lines.append(f"    at {', '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n       ")
            if summary:
                lines.append(f"       {summary}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """Run axe-core on the page as it is now; fail with a readable list of every violation."""
    results = _axe.run(page)
    violations = results.response["violations"]
    assert not violations, (
        f"axe found {len(violations)} accessibility violation(s) on {page.url}:\n" + format_violations(violations)
    )


def sign_in(page: Page, username: str, password: str = PASSWORD, *, check_accessibility: bool = True) -> None:
    """Sign in through the real form (django-axes is active and sees a real login)."""
    page.goto("/sign-in/")
    expect(page).to_have_title(re.compile(r"^Sign in \W Manage a probation case$"))
    if check_accessibility:
        assert_accessible(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def fill_date(page: Page, legend: str, day: date) -> None:
    """Type a date into the GOV.UK date input whose fieldset legend is `legend`."""
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))
