"""Which outcomes may be recorded on which contacts: every seeded contact type against every seeded
outcome, before and after the contact's time. The expectations are written out here from DOMAIN.md,
not derived from the flags the rules read."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from supervision.migrations_seed import CONTACT_TYPES, OUTCOMES
from supervision.models import ContactType, OutcomeType
from supervision.queries.outcomes import outcomes_for
from supervision.rules.outcomes import outcome_error, valid_outcomes

pytestmark = pytest.mark.django_db

ALL = {row[0] for row in OUTCOMES}
SENT_HOME = {"ATSH", "ATSS"}
# Before the appointment: only rescheduled or an acceptable absence.
FUTURE_OK = {"AACL", "AAEM", "AAFC", "AAHO", "AAME", "AARE", "AARC", "AAPJ", "RSSR", "RSOF"}
FACE_TO_FACE = {"COAP", "COAI", "CHVS", "CODC", "COOO", "C084"}
REMOTE_ATTENDANCE = {"COVI", "COPT", "COVC", "KIOSK", "OLCI"}
NO_OUTCOME = {"EMTX"}


def expected(type_code: str, future: bool) -> set[str]:
    if type_code in NO_OUTCOME:
        return set()
    allowed = FUTURE_OK if future else ALL
    if type_code in REMOTE_ATTENDANCE:
        allowed = allowed - SENT_HOME
    return allowed


def test_the_table_covers_every_seeded_contact_type():
    assert {row[0] for row in CONTACT_TYPES} == FACE_TO_FACE | REMOTE_ATTENDANCE | NO_OUTCOME


@pytest.mark.parametrize("future", [False, True], ids=["past", "future"])
@pytest.mark.parametrize("outcome_code", sorted(ALL))
@pytest.mark.parametrize("type_code", sorted(row[0] for row in CONTACT_TYPES))
def test_an_outcome_is_allowed_exactly_when_the_rules_say(type_code, outcome_code, future):
    now = timezone.now()
    starts_at = now + timedelta(days=3) if future else now - timedelta(days=3)
    contact_type = ContactType.objects.get(code=type_code)
    outcome = OutcomeType.objects.get(code=outcome_code)
    error = outcome_error(contact_type, outcome, starts_at, now)
    assert (error is None) == (outcome_code in expected(type_code, future)), error


@pytest.mark.parametrize("future", [False, True], ids=["past", "future"])
@pytest.mark.parametrize("type_code", sorted(row[0] for row in CONTACT_TYPES))
def test_the_offered_outcomes_are_the_allowed_ones_in_display_order(type_code, future):
    now = timezone.now()
    starts_at = now + timedelta(hours=2) if future else now - timedelta(hours=2)
    outcomes = list(OutcomeType.objects.all())
    offered = valid_outcomes(ContactType.objects.get(code=type_code), starts_at, now, outcomes)
    assert {o.code for o in offered} == expected(type_code, future)
    assert offered == sorted(offered, key=lambda o: (o.sort_order, o.description))


def test_an_inactive_outcome_is_never_offered():
    OutcomeType.objects.filter(code="AAHO").update(is_active=False)
    offered = outcomes_for(ContactType.objects.get(code="COAP"), timezone.now() + timedelta(days=1))
    assert "AAHO" not in {o.code for o in offered}
    assert "AAME" in {o.code for o in offered}


def test_it_explains_why_a_future_appointment_cannot_be_attended():
    error = outcome_error(
        ContactType.objects.get(code="COAP"), OutcomeType.objects.get(code="ATTC"), timezone.now() + timedelta(days=1)
    )
    assert error is not None
    assert "can only be rescheduled or marked as an acceptable absence" in error


def test_it_explains_why_a_remote_contact_cannot_be_sent_home():
    error = outcome_error(
        ContactType.objects.get(code="COVC"), OutcomeType.objects.get(code="ATSH"), timezone.now() - timedelta(days=1)
    )
    assert error == "A remote contact (video call) cannot have the outcome Attended - sent home (behaviour)"


def test_it_explains_that_an_email_takes_no_outcome():
    error = outcome_error(
        ContactType.objects.get(code="EMTX"), OutcomeType.objects.get(code="ATTC"), timezone.now() - timedelta(days=1)
    )
    assert error == "An outcome is not recorded for an email or text message"
