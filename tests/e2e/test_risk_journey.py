"""The risk issue's journey in a real browser, with axe-core on every page visited: a PSO asks the
police for domestic-abuse information and records it, completes an initial assessment on a high RoSH
case (which therefore needs a countersignature), and sees the next review date; her SPO countersigns
it from the approvals queue and records management oversight; everything is on the timeline.

Kim Brown (X100003) is Eve's case (Eve is a PSO): high RoSH, a domestic-abuse registration and a
community order that started a month ago.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.cases.factories import PersonFactory, RegistrationFactory, SentenceFactory, registration_type
from tests.e2e.conftest import assert_accessible, fill_date, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def brown(eve):
    today = timezone.localdate()
    person = PersonFactory(crn="X100003", first_name="Kim", last_name="Brown", rosh="HIGH", practitioner=eve)
    SentenceFactory(
        person=person,
        order_type="CO",
        start_date=today - timedelta(days=30),
        expected_end_date=today + timedelta(days=335),
    )
    RegistrationFactory(person=person, type=registration_type("ADVP"), registered_on=today - timedelta(days=30))
    return person


def success(page: Page) -> None:
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()


def test_a_pso_assesses_with_safeguarding_information_and_her_spo_countersigns_and_oversees(
    page: Page, browser_errors, brown, sam
):
    today = timezone.localdate()
    sign_in(page, "eve", check_accessibility=False)

    # Safeguarding information: requested from the police, then received.
    page.goto("/people/X100003/safeguarding/")
    assert_accessible(page)
    page.get_by_role("link", name="Request information").click()
    assert_accessible(page)
    page.get_by_label("Police: domestic abuse call-outs").check()
    page.get_by_label("Police force or local authority").fill("Northumbria Police")
    fill_date(page, "Date requested", today - timedelta(days=10))
    page.get_by_role("button", name="Record request").click()
    success(page)
    page.get_by_role("link", name=re.compile("^Record received")).first.click()
    assert_accessible(page)
    fill_date(page, "Date received", today - timedelta(days=2))
    page.get_by_label("Summary of the information").fill("Two call-outs in 2025 to the partner's address.")
    page.get_by_role("button", name="Record information").click()
    success(page)

    # An initial assessment, section by section.
    page.get_by_role("link", name="Risk", exact=True).click()
    assert_accessible(page)
    page.get_by_role("link", name="Start an assessment").click()
    page.get_by_label("Initial").check()
    page.get_by_role("button", name="Start the assessment").click()
    assert_accessible(page)

    page.get_by_role("link", name="Risk of serious harm").click()
    assert_accessible(page)
    for group, level in (
        ("the public", "Medium"),
        ("a known adult", "High"),
        ("children", "Medium"),
        ("staff", "Low"),
        ("prisoners", "Low"),
    ):
        page.get_by_role("group", name=f"Risk of serious harm to {group}").get_by_label(level, exact=True).check()
    page.get_by_role("button", name="Save and return").click()

    page.get_by_role("link", name="Predictor scores").click()
    for label, score in (("OGRS", "45"), ("OVP", "30"), ("OGP", "20"), ("RSR", "4.5")):
        page.get_by_label(re.compile(f"^{label}")).fill(score)
    page.get_by_role("button", name="Save and return").click()

    page.get_by_role("link", name="Criminogenic needs").click()
    assert_accessible(page)
    for fieldset in page.get_by_role("group").all():
        options = fieldset.get_by_label("No need", exact=True)
        if options.count():
            options.check()
    page.get_by_role("group", name="Relationships").get_by_label("Severe need").check()
    page.get_by_role("button", name="Save and return").click()

    page.get_by_role("link", name="Risk of harm analysis").click()
    page.get_by_label("Risk of harm analysis").fill(
        "Risk of violence to a partner when drinking; see police call-outs."
    )
    page.get_by_role("button", name="Save and return").click()
    page.get_by_role("link", name="Risk management and contingency plans").click()
    page.get_by_label("Risk management plan").fill("Weekly contact, Building Better Relationships, home visits.")
    page.get_by_label("Contingency plan").fill("Any call-out: same-day home visit and MARAC referral.")
    page.get_by_role("button", name="Save and return").click()
    page.get_by_role("link", name="Safeguarding information used").click()
    page.get_by_label("How safeguarding and domestic abuse information was used").fill(
        "Police call-outs confirm the pattern of abuse: RoSH to a known adult is high."
    )
    page.get_by_role("button", name="Save and return").click()

    page.get_by_role("link", name="Check and submit").click()
    assert_accessible(page)
    fill_date(page, "Date the assessment was completed", today)
    page.get_by_role("button", name="Submit the assessment").click()
    expect(page.get_by_role("main")).to_contain_text("Awaiting countersignature")
    assert_accessible(page)

    # The sentence plan, agreed with Kim.
    page.goto("/people/X100003/risk/")
    page.get_by_role("link", name="Start a plan").click()
    assert_accessible(page)
    page.get_by_role("button", name="Start the plan").click()  # goes straight on to the first objective
    assert_accessible(page)
    page.get_by_label("Objective", exact=True).fill("Complete Building Better Relationships")
    page.get_by_label("Steps").fill("Attend the 24 sessions; discuss each one at supervision.")
    page.get_by_label("Who will do it").fill("Kim, with the programme team")
    page.get_by_role("button", name="Save objective").click()
    page.get_by_role("link", name="Record agreement").click()
    fill_date(page, "Date the plan was agreed with the person", today)
    page.get_by_role("button", name="Record agreement").click()
    expect(page.get_by_role("main")).to_contain_text("Complete Building Better Relationships")
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    # The SPO countersigns from the approvals queue and records oversight.
    sign_in(page, "sam", check_accessibility=False)
    page.get_by_role("link", name="Approvals").click()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Kim Brown|X100003|Countersign")).first.click()
    assert_accessible(page)
    page.get_by_label("Countersign the assessment").check()
    page.get_by_label("Notes (optional)").fill("Agree with the analysis and the plan.")
    page.get_by_role("button", name="Save decision").click()
    success(page)

    page.goto("/people/X100003/risk/")
    review = today + timedelta(weeks=26)
    expect(page.get_by_role("main")).to_contain_text(f"Due by {review.day} {review:%B %Y}: Regular review")
    assert_accessible(page)

    page.get_by_role("link", name="Oversight", exact=True).click()
    page.get_by_role("link", name="Record oversight").click()
    assert_accessible(page)
    page.get_by_label("Countersignature").check()
    page.get_by_label("Rationale").fill("Countersigned the initial assessment; DA information well used.")
    page.get_by_label("Instructions to the practitioner").fill("Book a home visit within 15 days.")
    fill_date(page, "Follow-up due date", today + timedelta(days=14))
    page.get_by_role("button", name="Record oversight").click()
    success(page)

    # Every step is on the timeline.
    page.goto("/people/X100003/timeline/")
    main = page.get_by_role("main")
    for text in ("ountersign", "versight", "nformation", "plan"):
        expect(main).to_contain_text(text)
    assert_accessible(page)
    browser_errors.check()
