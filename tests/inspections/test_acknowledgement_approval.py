"""A practitioner asks the SPO to acknowledge a flag (an approval request of kind
FLAG_ACKNOWLEDGEMENT, `subject_id` = the flag); the SPO's approval acknowledges it, with the
decision's reason, until the date asked for (or 30 days from today), in the same transaction."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from inspections.models import Flag, FlagKind
from supervision.approvals import handler_for
from supervision.models import ApprovalKind, ApprovalRequest, ApprovalStatus
from supervision.services.approvals import decide_approval, request_approval
from tests.inspections.factories import FlagFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def ask(flag: Flag, pat: Any, **details: Any) -> ApprovalRequest:
    return request_approval(
        flag.person,
        kind=ApprovalKind.FLAG_ACKNOWLEDGEMENT,
        subject_id=flag.pk,
        details=details,
        reason="He was in hospital; seen at home last week.",
        by=pat,
    )


@pytest.fixture
def flag(pats_case: Any) -> Flag:
    return FlagFactory(person=pats_case, kind=FlagKind.OVERSIGHT_DUE)


def test_inspections_registers_the_handler() -> None:
    assert handler_for(ApprovalKind.FLAG_ACKNOWLEDGEMENT) is not None


def test_approving_acknowledges_the_flag_for_30_days_with_the_decision_reason(flag: Flag, pat: Any, sam: Any) -> None:
    request = ask(flag, pat)

    decided = decide_approval(request, by=sam, approve=True, reason="Agreed: review booked for Monday.")

    flag.refresh_from_db()
    assert decided.status == ApprovalStatus.APPROVED
    assert flag.is_open and flag.is_acknowledged
    assert flag.acknowledged_by == sam
    assert flag.acknowledgement_reason == "Agreed: review booked for Monday."
    assert flag.acknowledgement_expires == TODAY + timedelta(days=30)


def test_the_request_may_ask_for_an_expiry_date(flag: Flag, pat: Any, sam: Any) -> None:
    request = ask(flag, pat, expires=(TODAY + timedelta(days=7)).isoformat())
    decide_approval(request, by=sam, approve=True, reason="Agreed for a week.")
    flag.refresh_from_db()
    assert flag.acknowledgement_expires == TODAY + timedelta(days=7)


@pytest.mark.parametrize("expires", ["not a date", (TODAY + timedelta(days=91)).isoformat()])
def test_a_bad_expiry_refuses_the_approval_and_records_no_decision(
    flag: Flag, pat: Any, sam: Any, expires: str
) -> None:
    request = ask(flag, pat, expires=expires)
    with pytest.raises(ValidationError) as error:
        decide_approval(request, by=sam, approve=True, reason="Agreed.")
    assert "expires" in error.value.message_dict
    request.refresh_from_db()
    flag.refresh_from_db()
    assert request.status == ApprovalStatus.PENDING
    assert flag.acknowledged_at is None


def test_a_resolved_flag_cannot_be_acknowledged(flag: Flag, pat: Any, sam: Any) -> None:
    request = ask(flag, pat)
    Flag.objects.filter(pk=flag.pk).update(resolved_at=timezone.now(), resolution="Oversight recorded")
    with pytest.raises(ValidationError):
        decide_approval(request, by=sam, approve=True, reason="Agreed.")
    request.refresh_from_db()
    assert request.status == ApprovalStatus.PENDING


def test_a_request_about_another_cases_flag_is_refused(flag: Flag, pat: Any, sam: Any) -> None:
    other = FlagFactory()  # someone else's case
    request = ask(flag, pat)
    ApprovalRequest.objects.filter(pk=request.pk).update(subject_id=other.pk)
    with pytest.raises(ValidationError, match="does not exist on this case"):
        decide_approval(request, by=sam, approve=True, reason="Agreed.")


def test_rejecting_leaves_the_flag_unacknowledged(flag: Flag, pat: Any, sam: Any) -> None:
    request = ask(flag, pat)
    decide_approval(request, by=sam, approve=False, reason="Book the oversight instead.")
    flag.refresh_from_db()
    assert flag.acknowledged_at is None
