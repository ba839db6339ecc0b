"""The issue's "done when", walked through in a real browser, with axe-core on every page visited.

Pat (practitioner, Gateshead) has two cases: John Smith (high RoSH, a community order with a
rehabilitation activity requirement, an overdue registration review) and Mary Jones (low RoSH).
Sam is her SPO; Alan Waiting is a Gateshead case awaiting allocation.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.cases.factories import (
    AddressFactory,
    PersonFactory,
    RegistrationFactory,
    RequirementFactory,
    SentenceFactory,
    registration_type,
)
from tests.e2e.conftest import PASSWORD, assert_accessible, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def smith(pat):
    person = PersonFactory(
        crn="X100001", first_name="John", last_name="Smith", rosh="HIGH", tier="B2", practitioner=pat
    )
    AddressFactory(person=person, line1="12 High Street", town="Gateshead", postcode="NE8 1AA")
    sentence = SentenceFactory(person=person, order_type="CO", offence="Theft from a shop")
    RequirementFactory(sentence=sentence, category="RAR", length=20, unit="DAYS", delivered=5)
    today = date.today()
    RegistrationFactory(
        person=person,
        type=registration_type("ALSH"),
        registered_on=today - timedelta(days=200),
        review_due=today - timedelta(days=10),
    )
    return person


@pytest.fixture
def jones(pat):
    return PersonFactory(crn="X200002", first_name="Mary", last_name="Jones", rosh="LOW", tier="D1", practitioner=pat)


@pytest.fixture
def waiting(gateshead):
    return PersonFactory(
        crn="X300003",
        first_name="Alan",
        last_name="Waiting",
        rosh="MEDIUM",
        team=gateshead,
        practitioner=None,
    )


def results(page: Page):
    return page.locator("#results")


def row(page: Page, text: str):
    return results(page).get_by_role("row").filter(has_text=text)


def test_a_practitioner_finds_and_opens_a_case(page: Page, browser_errors, smith, jones):
    sign_in(page, "pat")

    # The launch page first: what is due today.
    expect(page.get_by_role("heading", level=1)).to_have_text("Your work today")
    assert_accessible(page)

    # My caseload, styled by the vendored and service CSS (served by the live server).
    page.get_by_role("link", name="My caseload").click()
    expect(page).to_have_url(re.compile(r"/caseload/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My caseload")
    header = page.locator(".moj-header")
    assert header.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(11, 12, 12)"
    assert page.locator(".app-nowrap").first.evaluate("el => getComputedStyle(el).whiteSpace") == "nowrap"
    expect(results(page)).to_contain_text("2 cases")
    expect(row(page, "Smith, John")).to_contain_text("X100001")
    expect(row(page, "Smith, John")).to_contain_text("Review overdue")
    expect(row(page, "Jones, Mary")).to_be_visible()
    assert_accessible(page)

    # Filter by RoSH: htmx swaps the results in place (no page load) and updates the address.
    page.evaluate("window.__samePage = true")
    page.get_by_role("group", name="RoSH").get_by_label("High", exact=True).check()
    page.get_by_role("button", name="Apply filters").click()
    expect(results(page)).to_contain_text("1 case")
    expect(row(page, "Jones, Mary")).to_have_count(0)
    expect(row(page, "Smith, John")).to_be_visible()
    expect(page).to_have_url(re.compile(r"rosh=HIGH"))
    assert page.evaluate("window.__samePage === true"), "filtering reloaded the page instead of using htmx"
    assert_accessible(page)

    # Search by surname, then by the start of a CRN.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Search").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Search for a case")
    assert_accessible(page)
    search_box = page.get_by_label("Search by CRN or name")
    search_box.fill("smith")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(results(page)).to_contain_text("1 result")
    expect(row(page, "John Smith")).to_contain_text("X100001")
    assert_accessible(page)

    search_box.fill("x2000")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(row(page, "Mary Jones")).to_contain_text("X200002")
    expect(row(page, "John Smith")).to_have_count(0)
    search_box.fill("X1000")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(results(page)).to_contain_text("1 result")
    expect(row(page, "John Smith")).to_be_visible()
    expect(page).to_have_url(re.compile(r"q=X1000"))
    assert_accessible(page)

    # The person page: personal details, sentence with requirement progress, registrations.
    results(page).get_by_role("link", name="John Smith").click()
    expect(page).to_have_url(re.compile(r"/people/X100001/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("John Smith")
    details = page.locator("#personal-details")
    expect(details.get_by_role("heading", name="Personal details")).to_be_visible()
    expect(details).to_contain_text("17 May 1990")
    expect(page.locator("#address")).to_contain_text("12 High Street")
    sentence = page.locator("#sentence")
    expect(sentence).to_contain_text("Community order")
    expect(sentence).to_contain_text("Theft from a shop")
    expect(sentence).to_contain_text("Rehabilitation activity requirement")
    expect(sentence).to_contain_text("5 of 20 days completed (25%)")
    registration = page.locator("#registrations").get_by_role("row").filter(has_text="Suicide or self-harm")
    expect(registration.locator(".govuk-tag")).to_have_text("Overdue")
    assert_accessible(page)

    browser_errors.check()


def test_filters_work_without_javascript(no_js_page: Page, browser_errors, smith, jones):
    page = no_js_page
    sign_in(page, "pat", check_accessibility=False)
    page.get_by_role("link", name="My caseload").click()
    page.get_by_role("group", name="RoSH").get_by_label("Low", exact=True).check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"/caseload/\?.*rosh=LOW"))
    expect(results(page)).to_contain_text("1 case")
    expect(row(page, "Jones, Mary")).to_be_visible()
    expect(row(page, "Smith, John")).to_have_count(0)
    browser_errors.check()


def test_a_practitioner_adds_a_registration(page: Page, browser_errors, smith):
    sign_in(page, "pat", check_accessibility=False)
    page.goto("/people/X100001/")
    page.get_by_role("link", name="Add a registration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a registration")
    assert_accessible(page)

    # Submitted empty: the error summary is shown, focused, and links to the fields.
    page.get_by_role("button", name="Add registration").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("There is a problem")
    expect(page).to_have_title(re.compile(r"^Error: Add a registration"))
    expect(summary.get_by_role("link", name="Select a type of registration")).to_be_visible()
    expect(summary.get_by_role("link", name="Enter the registration date")).to_be_visible()
    expect(page.locator("#id_registration_type-error")).to_contain_text("Select a type of registration")
    assert_accessible(page)
    summary.get_by_role("link", name="Select a type of registration").click()
    expect(page.get_by_label("Type of registration")).to_be_focused()

    # Filled in correctly.
    registered = date.today() - timedelta(days=7)
    page.get_by_label("Type of registration").select_option(label="Domestic abuse perpetrator (ADVP)")
    date_group = page.get_by_role("group", name="Registration date")
    date_group.get_by_label("Day").fill(str(registered.day))
    date_group.get_by_label("Month").fill(str(registered.month))
    date_group.get_by_label("Year").fill(str(registered.year))
    page.get_by_role("button", name="Add registration").click()

    expect(page).to_have_url(re.compile(r"/people/X100001/$"))
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text("Domestic abuse perpetrator registration added")
    added = page.locator("#registrations").get_by_role("row").filter(has_text="Domestic abuse perpetrator")
    expect(added).to_contain_text(f"{registered.day} {registered.strftime('%b')} {registered.year}")
    expect(added.locator(".govuk-tag")).to_have_count(0)
    assert_accessible(page)

    browser_errors.check()


def test_keyboard_only_skip_link_and_sign_in(page: Page, browser_errors, pat, smith):
    page.goto("/sign-in/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    box = skip_link.bounding_box()
    assert box and box["width"] > 50 and box["height"] > 10, "the skip link is not visible when focused"
    assert_accessible(page)

    page.keyboard.press("Enter")
    expect(page.locator("#main-content")).to_be_focused()

    page.keyboard.press("Tab")
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type("pat")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    # The sign-in form posts to the page's own address, so the skip link's fragment follows along.
    expect(page).to_have_url(re.compile(r"/(#main-content)?$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your work today")
    assert_accessible(page)

    browser_errors.check()


def test_an_spo_allocates_a_waiting_case(page: Page, browser_errors, sam, pat, smith, waiting):
    sign_in(page, "sam", check_accessibility=False)
    expect(page).to_have_url(re.compile(r"/team-caseload/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Team caseload: Gateshead Team 1")
    expect(row(page, "Waiting, Alan")).to_contain_text("Awaiting allocation")
    expect(row(page, "Smith, John")).to_contain_text("Pat Practitioner")
    assert_accessible(page)

    row(page, "Waiting, Alan").get_by_role("link", name="Waiting, Alan").click()
    allocation = page.locator("#allocation")
    expect(allocation).to_contain_text("Awaiting allocation")
    assert_accessible(page)

    allocation.get_by_role("link", name="Allocate this case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Allocate this case")
    assert_accessible(page)
    page.get_by_label("Practitioner").select_option(label="Pat Practitioner")
    page.get_by_label("Allocation rationale").fill("Medium RoSH; Pat has capacity and knows the family.")
    page.get_by_role("button", name="Allocate case").click()

    expect(page).to_have_url(re.compile(r"/people/X300003/$"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Case allocated to Pat Practitioner")
    allocation = page.locator("#allocation")
    expect(allocation.locator(".govuk-summary-list__row").filter(has_text="Practitioner").first).to_contain_text(
        "Pat Practitioner"
    )
    expect(allocation).to_contain_text("Medium RoSH; Pat has capacity and knows the family.")
    expect(allocation.get_by_text("Awaiting allocation", exact=True)).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Team caseload").click()
    expect(row(page, "Waiting, Alan")).to_contain_text("Pat Practitioner")

    browser_errors.check()
