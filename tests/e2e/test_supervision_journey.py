"""The supervision issue's journey in a real browser, with axe-core on every page visited:
book an appointment → record an outcome (failed to attend) → give a warning → a second failure →
the service requires a breach referral and records it.

John Smith (X100001) is on a community order that started two months ago; an office appointment
three days ago has no outcome yet.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import holidays
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.cases.factories import PersonFactory, SentenceFactory
from tests.e2e.conftest import PASSWORD, assert_accessible, fill_date, sign_in
from tests.supervision.factories import ContactFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def next_working_day(after: date) -> date:
    bank_holidays = holidays.country_holidays("GB", subdiv="ENG", years=[after.year, after.year + 1])
    day = after + timedelta(days=1)
    while day.weekday() >= 5 or day in bank_holidays:
        day += timedelta(days=1)
    return day


@pytest.fixture
def smith(pat):
    today = timezone.localdate()
    person = PersonFactory(
        crn="X100001", first_name="John", last_name="Smith", rosh="MEDIUM", tier="C2", practitioner=pat
    )
    SentenceFactory(
        person=person,
        order_type="CO",
        start_date=today - timedelta(days=60),
        expected_end_date=today + timedelta(days=300),
    )
    missed = timezone.make_aware(datetime.combine(today - timedelta(days=3), time(10)))
    ContactFactory(person=person, type_code="COAP", starts_at=missed, outcome_code=None, location="Gateshead office")
    return person


def test_a_practitioner_books_records_a_failure_warns_and_is_required_to_refer(page: Page, browser_errors, smith):
    today = timezone.localdate()
    sign_in(page, "pat")

    # The case's contacts tab.
    page.goto("/people/X100001/")
    assert_accessible(page)
    page.get_by_role("link", name="Contacts").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("John Smith"))
    assert_accessible(page)

    # 1. Book the next appointment.
    page.get_by_role("button", name="Book an appointment").click()
    expect(page.get_by_role("heading", name="Book an appointment")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Type of appointment").select_option(label="Office appointment (COAP)")
    fill_date(page, "Date", next_working_day(today + timedelta(days=6)))
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Location").fill("Gateshead office")
    page.get_by_role("button", name="Book appointment").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("ppointment")
    assert_accessible(page)

    # 2. Record the missed appointment as a failure to attend.
    missed = today - timedelta(days=3)
    page.get_by_role("link", name=f"Record outcome for Office appointment on {missed.day} {missed:%B %Y}").first.click()
    expect(page.get_by_role("heading", name="Record an outcome")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Failed to attend (evidence to be requested)").check()
    page.get_by_role("textbox", name="Notes").fill("Did not attend. Letter sent asking for evidence.")
    page.get_by_role("button", name="Record outcome").click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()

    # 3. Compliance: one failure awaiting a decision; give a warning.
    page.get_by_role("link", name="Compliance").first.click()
    expect(page.get_by_role("main")).to_contain_text("awaiting a decision")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("^Record a decision")).first.click()
    assert_accessible(page)
    page.get_by_label("Warning letter").check()
    page.get_by_label("Reasons for your decision").fill("First failure: warning letter explains the consequences.")
    page.get_by_role("button", name=re.compile("decision", re.I)).click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Warning letter")

    # 4. A second failure after the warning: an office appointment earlier today, recorded now.
    now = timezone.localtime()
    # Still today (and so after the warning) even when the test runs just after midnight.
    earlier = max(now - timedelta(minutes=5), now.replace(hour=0, minute=0, second=0, microsecond=0))
    page.get_by_role("link", name="Contacts").first.click()
    page.get_by_role("button", name="Record a contact").click()
    assert_accessible(page)
    page.get_by_label("Type of contact").select_option(label="Office appointment (COAP)")
    fill_date(page, "Date", earlier.date())
    page.get_by_label("Time", exact=True).fill(f"{earlier:%H:%M}")
    # The outcome options refresh (htmx) as the type, date and time change: let them settle first
    # (htmx marks an element with .htmx-request while its request is in flight).
    page.get_by_label("Time", exact=True).press("Tab")
    page.get_by_label("Location").fill("Gateshead office")
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    page.wait_for_timeout(200)  # the swap settles just after the request finishes
    page.get_by_label("Unacceptable absence").check()
    expect(page.get_by_label("Unacceptable absence")).to_be_checked()
    page.get_by_role("textbox", name="Notes").fill("Did not attend; no explanation given.")
    page.get_by_role("button", name=re.compile("^Record")).click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()

    # 5. The service says a referral is required, and offers nothing else.
    page.get_by_role("link", name="Compliance").first.click()
    expect(page.get_by_role("main")).to_contain_text("you must refer")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("^Record a decision")).first.click()
    expect(page.get_by_label("Warning letter")).to_have_count(0)
    assert_accessible(page)
    page.get_by_label("Refer for breach").check()
    page.get_by_label("Reasons for your decision").fill("Second failure within 12 months of a warning.")
    page.get_by_role("button", name=re.compile("decision", re.I)).click()
    expect(page.get_by_role("main")).to_contain_text("Breach in progress")
    assert_accessible(page)
    browser_errors.check()


def test_an_administrator_tightens_the_policy_sees_its_impact_and_cases_use_it_from_that_day(
    page: Page, browser_errors, ada, pat
):
    today = timezone.localdate()
    person = PersonFactory(crn="X100002", first_name="Mary", last_name="Jones", rosh="LOW", practitioner=pat)
    SentenceFactory(
        person=person,
        order_type="CO",
        start_date=today - timedelta(days=200),
        expected_end_date=today + timedelta(days=200),
    )
    ContactFactory(person=person, type_code="COAP", starts_at=timezone.localtime() - timedelta(days=20))
    ada.set_password(PASSWORD)
    ada.save()

    sign_in(page, "ada")
    page.get_by_role("link", name="Contact policies").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contact policies")
    assert_accessible(page)

    # A draft copied from version 1: face-to-face contact every 14 days instead of 30.
    page.get_by_role("button", name="Create a new draft").click()
    assert_accessible(page)
    page.get_by_label("What will this version change, and why?").fill("Fortnightly face-to-face contact")
    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Version 2")
    assert_accessible(page)
    page.get_by_role("link", name="Change the base rule").click()
    assert_accessible(page)
    page.get_by_label("Face-to-face floor (days)").fill("14")
    page.get_by_role("button", name="Save").click()

    # Its impact before publishing: Mary, last seen 20 days ago, would newly fall short.
    page.get_by_role("button", name="Check the impact").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Impact of the draft")
    expect(page.get_by_role("main")).to_contain_text("1")
    assert_accessible(page)

    # Publish it, effective today.
    page.goto("/contact-policies/2/publish/")
    fill_date(page, "Date the new version takes effect", today)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check before publishing")
    assert_accessible(page)
    page.get_by_role("button", name="Publish version 2").click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # The practitioner's case is now judged under version 2.
    sign_in(page, "pat", check_accessibility=False)
    page.goto("/people/X100002/")
    expect(page.get_by_role("main")).to_contain_text("version 2")
    expect(page.get_by_role("main")).to_contain_text("Face-to-face contact overdue")
    expect(page.get_by_role("main")).to_contain_text("The policy requires one every 14 days.")
    assert_accessible(page)
    browser_errors.check()
