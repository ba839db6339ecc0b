"""Probation Reset honoured by every contact check, without a scoped policy rule: past the two-thirds
point of an eligible case the face-to-face, telephone-only, initial appointment and home visit checks
stop (their flags resolve saying why), exemptions and SPO overrides already recorded decide who is
eligible, and a licence keeps its one follow-up appointment midway through the final third. The
compliance page, the contact standard on the person page and the flags agree (standards.md 2.3)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Person
from inspections import services
from inspections.models import Flag, FlagKind
from supervision.models import PolicyRule
from supervision.policy import evaluate_case
from supervision.rules.reset import follow_up_date, two_thirds_point
from supervision.services.reset import decide_reset
from tests.cases.factories import PersonFactory, RegistrationFactory, SentenceFactory, registration_type
from tests.supervision.factories import ContactFactory, at

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LENGTH = 300  # days: the two-thirds point is day 200
CONTACT_KINDS = {FlagKind.FACE_TO_FACE_OVERDUE, FlagKind.TELEPHONE_ONLY}


def case_at(pat, days_past_two_thirds: int, order_type: str = "CO", **person):
    """A case `days_past_two_thirds` days after its two-thirds point (negative: before it), seen face
    to face at the start and only by phone for the last 60 days: short of the contact standard."""
    case = PersonFactory(crn="X100001", practitioner=pat, team=pat.team, **person)
    start = TODAY - timedelta(days=200 + days_past_two_thirds)
    sentence = SentenceFactory(
        person=case, order_type=order_type, start_date=start, expected_end_date=start + timedelta(days=LENGTH)
    )
    assert two_thirds_point(start, sentence.expected_end_date) == TODAY - timedelta(days=days_past_two_thirds)
    ContactFactory(person=case, type_code="COAI", starts_at=at(200 + days_past_two_thirds))
    ContactFactory(person=case, type_code="COAP", starts_at=at(60))
    ContactFactory(person=case, type_code="COPT", starts_at=at(3))
    return case, sentence


def contact_flags(case: Person) -> set[str]:
    services.run_checks(Person.objects.filter(pk=case.pk))
    return set(Flag.objects.open().filter(person=case).values_list("kind", flat=True)) & CONTACT_KINDS


@pytest.mark.parametrize(
    ("days_past_two_thirds", "order_type", "flagged"),
    [
        (-1, "CO", True),  # the day before the two-thirds point: supervision continues
        (0, "CO", False),  # on it: stopped
        (1, "CO", False),
        (-1, "SSO", True),
        (1, "SSO", False),
        (1, "PSS", False),
        (1, "LICENCE", False),  # the follow-up is not due until midway through the final third
    ],
)
def test_contact_checks_stop_at_the_two_thirds_point(as_pat, pat, days_past_two_thirds, order_type, flagged):
    case, _ = case_at(pat, days_past_two_thirds, order_type)

    assert (contact_flags(case) == CONTACT_KINDS) is flagged
    assert bool(contact_flags(case)) is flagged
    compliance = as_pat.get("/people/X100001/compliance/").content.decode()
    overview = as_pat.get("/people/X100001/").content.decode()
    assert ("Supervision stopped" in compliance) is not flagged
    assert ("After the two-thirds point (Probation Reset)" in overview) is not flagged
    assert ("Meeting the standard" in overview) is not flagged


@pytest.mark.parametrize(
    ("exemption", "flagged"),
    [
        ({"registration": "MAPP", "mappa_category": 2, "mappa_level": 1}, True),
        ({"registration": "RVHR"}, True),
        ({"registration": "RCPR"}, True),
        ({"registration": "RTAO"}, True),
        ({"rosh": "VERY_HIGH"}, True),
        ({"registration": "RMDO"}, False),  # not an exemption
    ],
)
def test_the_exemptions_keep_contact_going_in_the_final_third(pat, exemption, flagged):
    exemption = dict(exemption)
    code = exemption.pop("registration", None)
    case, _ = case_at(pat, 5, rosh=exemption.pop("rosh", "MEDIUM"))
    if code:
        RegistrationFactory(
            person=case, type=registration_type(code), registered_on=TODAY - timedelta(days=250), **exemption
        )

    assert (contact_flags(case) == CONTACT_KINDS) is flagged


def test_an_spo_override_decides_either_way(as_pat, pat, sam):
    eligible, sentence = case_at(pat, 5)
    decide_reset(eligible, sentence, by=sam, state="EXEMPT", reason="Escalating risk to a new partner")
    assert contact_flags(eligible) == CONTACT_KINDS
    assert "Supervision stopped" not in as_pat.get("/people/X100001/compliance/").content.decode()

    decide_reset(eligible, sentence, by=sam, state="ELIGIBLE", reason="Risk reassessed: Reset applies")
    assert contact_flags(eligible) == set()
    assert "Supervision stopped" in as_pat.get("/people/X100001/compliance/").content.decode()


def test_an_spo_can_apply_reset_to_a_case_the_rule_exempts(pat, sam):
    case, sentence = case_at(pat, 5)
    RegistrationFactory(
        person=case,
        type=registration_type("MAPP"),
        mappa_category=2,
        mappa_level=1,
        registered_on=TODAY - timedelta(days=250),
    )
    assert contact_flags(case) == CONTACT_KINDS

    decide_reset(case, sentence, by=sam, state="ELIGIBLE", reason="MAPPA management ended last month")

    assert contact_flags(case) == set()


def test_open_contact_flags_resolve_saying_reset_stopped_supervision(pat):
    case, sentence = case_at(pat, -1)
    assert contact_flags(case) == CONTACT_KINDS
    two_thirds = two_thirds_point(sentence.start_date, sentence.expected_end_date)

    services.run_checks(Person.objects.filter(pk=case.pk), on=TODAY)  # today is still before it
    services.run_checks(Person.objects.filter(pk=case.pk), on=TODAY + timedelta(days=1))

    resolved = Flag.objects.filter(person=case, kind__in=CONTACT_KINDS)
    assert {flag.resolution for flag in resolved} == {
        f"Probation Reset: supervision stopped at the two-thirds point on {two_thirds.day} {two_thirds:%b %Y}"
    }


def test_no_scoped_rule_is_needed_and_one_for_the_final_third_cannot_bring_the_checks_back(pat):
    policy = PolicyRule.objects.get(is_base=True, policy__status="PUBLISHED").policy
    PolicyRule.objects.create(policy=policy, name="Final third", phase="FINAL_THIRD", face_to_face_window_days=7)
    case, _ = case_at(pat, 5)

    assert contact_flags(case) == set()
    assert evaluate_case(case).phase == "FINAL_THIRD"


@pytest.mark.parametrize(("days_after_follow_up", "flagged"), [(0, False), (1, True)])
def test_a_licence_keeps_one_follow_up_midway_through_the_final_third(as_pat, pat, days_after_follow_up, flagged):
    start = TODAY - timedelta(days=250 + days_after_follow_up)  # follow-up due on day 250 of 300
    case = PersonFactory(crn="X100001", practitioner=pat, team=pat.team)
    sentence = SentenceFactory(
        person=case, order_type="LICENCE", start_date=start, expected_end_date=start + timedelta(days=LENGTH)
    )
    due = follow_up_date(start, sentence.expected_end_date)
    assert due == TODAY - timedelta(days=days_after_follow_up)
    ContactFactory(person=case, type_code="COAI", starts_at=at(250 + days_after_follow_up))
    ContactFactory(person=case, type_code="COAP", starts_at=at(60 + days_after_follow_up))  # before two-thirds

    services.run_checks(Person.objects.filter(pk=case.pk))
    flag = Flag.objects.open().filter(person=case, kind=FlagKind.FACE_TO_FACE_OVERDUE).first()

    assert (flag is not None) is flagged
    overview = as_pat.get("/people/X100001/").content.decode()
    assert f"{due.day} {due:%B %Y} (the licence follow-up appointment)" in overview
    if flag is not None:
        assert flag.due_by == due
        assert "one follow-up appointment, midway through the final third" in flag.evidence["summary"]
        ContactFactory(person=case, type_code="CHVS", starts_at=at(0, hour=9))
        services.run_checks(Person.objects.filter(pk=case.pk))
        flag.refresh_from_db()
        assert not flag.is_open and "face-to-face contact recorded" in flag.resolution
