"""The demo supervision history loaded by `make run` (`seed_demo_supervision`)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from cases.models import Person
from supervision.models import CaseStanding, Contact, EnforcementAction
from supervision.queries.compliance import compliance_summary

pytestmark = pytest.mark.django_db


def load(*args: str) -> str:
    call_command("seed_demo", "--people=40", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo_supervision", *args, stdout=out)
    return out.getvalue()


def test_it_gives_the_demo_practitioner_a_day_of_work_and_a_case_that_must_be_referred(settings):
    settings.DEBUG = True
    out = load()

    assert "contacts" in out
    today = timezone.localdate()
    mine = Contact.objects.current().filter(person__practitioner__username="practitioner")
    assert mine.filter(starts_at__date=today).count() == 3
    assert EnforcementAction.objects.filter(kind="WARNING_LETTER").exists()
    warned = Person.objects.get(enforcement_actions__kind="WARNING_LETTER")
    assert compliance_summary(warned).referral_required
    # Every supervised case was evaluated against the contact policy.
    assert CaseStanding.objects.count() == len({c.person_id for c in Contact.objects.all()})
    # Every row was audited under the command's name.
    events = Contact.pgh_event_model.objects  # type: ignore[attr-defined]  # added by pghistory
    assert events.count() == Contact.objects.count()
    assert not events.exclude(pgh_context__metadata__command="seed_demo_supervision").exists()


def test_it_refuses_to_add_demo_history_to_a_log_that_has_contacts(settings):
    settings.DEBUG = True
    load()
    with pytest.raises(CommandError, match="already recorded"):
        call_command("seed_demo_supervision", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo_supervision", "--if-empty", stdout=out)
    assert "nothing loaded" in out.getvalue()


def test_it_refuses_to_run_on_a_live_service(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo_supervision", stdout=StringIO())
