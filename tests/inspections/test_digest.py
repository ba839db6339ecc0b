"""The daily flags digest (inspections.digest): who gets one, what it says, and that it is sent once a day."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from cases.models import AccessRuleKind
from inspections.digest import build_digest, send_daily_digests
from inspections.models import DigestLog, FlagKind
from tests.cases.factories import CaseAccessRuleFactory, PersonFactory, UserFactory
from tests.inspections.factories import FlagFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("locmem_mail"),
]


@pytest.fixture
def locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "flags@justice.example"
    settings.SERVICE_URL = "https://probation.example"
    mail.outbox = []


def hours_ago(hours: float):
    return timezone.now() - timedelta(hours=hours)


def mail_to(address: str) -> list[mail.EmailMultiAlternatives]:
    return [message for message in mail.outbox if address in message.to]  # type: ignore[misc]


@pytest.fixture
def team_cases(pat, sam, eve, pats_case):
    """Pat's case with a new flag and an old overdue one; Eve's case in the same team with a new flag."""
    eves_case = PersonFactory(crn="X100002", first_name="Ann", last_name="Jones", practitioner=eve, team=eve.team)
    new = FlagFactory(person=pats_case, kind=FlagKind.TELEPHONE_ONLY, opened_at=hours_ago(3), due_by=None)
    old = FlagFactory(
        person=pats_case,
        kind=FlagKind.OUTCOME_NOT_RECORDED,
        opened_at=hours_ago(24 * 10),
        due_by=timezone.localdate() - timedelta(days=5),
    )
    eves = FlagFactory(person=eves_case, kind=FlagKind.FACE_TO_FACE_OVERDUE, opened_at=hours_ago(2))
    return {"new": new, "old": old, "eves": eves, "eves_case": eves_case}


def test_practitioner_digest_lists_new_and_overdue_flags_on_her_own_cases(pat, team_cases):
    run = send_daily_digests()

    [message] = mail_to(pat.email)
    assert message.from_email == "flags@justice.example"
    assert message.subject == "Flags on your cases: 1 new, 1 overdue"
    body = message.body
    assert "New flags since" in body
    assert "Telephone-only supervision: John Smith (X100001)" in body
    assert "https://probation.example/people/X100001/" in body
    assert "Overdue flags" in body or "Other overdue flags" in body
    assert "Outcome not recorded: John Smith (X100001)" in body
    # Only her cases: Eve's case is in the same team but not on Pat's caseload.
    assert "X100002" not in body
    html, mime = (str(part) for part in message.alternatives[0])
    assert mime == "text/html"
    assert 'href="https://probation.example/people/X100001/"' in html
    assert "X100002" not in html
    log = DigestLog.objects.get(user=pat)
    assert log.sent_on == timezone.localdate()
    assert log.flags == 2
    assert pat in [digest.user for digest in run.sent]


def test_spo_digest_summarises_the_team(sam, pat, eve, team_cases):
    send_daily_digests()

    [message] = mail_to(sam.email)
    assert message.subject == "Flags in Gateshead Team 1: 2 new, 3 open"
    body = message.body
    assert "Open flags: 3, of which 3 not acknowledged." in body
    assert "New since" in body and ": 2." in body
    assert "- Telephone-only supervision: 1" in body
    assert "- Face-to-face contact overdue: 1" in body
    assert "- Outcome not recorded: 1" in body
    assert "- Pat Practitioner: 2" in body
    assert "- Eve Excluded: 1" in body
    assert "Oldest unacknowledged flags:" in body
    # Oldest first: the ten-day-old outcome flag leads.
    oldest = body.split("Oldest unacknowledged flags:")[1]
    assert oldest.index("Outcome not recorded") < oldest.index("Telephone-only supervision")
    assert "X100001" in body and "X100002" in body
    html = str(message.alternatives[0][0])
    assert "<h2>Open flags by practitioner</h2>" in html


def test_an_acknowledged_flag_is_not_listed_as_overdue_or_unacknowledged(pat, sam, team_cases):
    old = team_cases["old"]
    old.acknowledged_at = timezone.now()
    old.acknowledged_by = sam
    old.acknowledgement_reason = "Outcome chased with the court"
    old.acknowledgement_expires = timezone.localdate() + timedelta(days=7)
    old.save()

    digest = build_digest(pat)
    assert digest.overdue_flags == []
    assert [flag.pk for flag in digest.new_flags] == [team_cases["new"].pk]
    spo = build_digest(sam)
    assert spo.open_total == 3
    assert spo.unacknowledged_total == 2
    assert old not in spo.oldest_unacknowledged


def test_nothing_new_sends_nothing(pat, sam, pats_case):
    # Only an old flag, overdue since long before the last digest: a backlog, nothing new.
    FlagFactory(
        person=pats_case,
        kind=FlagKind.OUTCOME_NOT_RECORDED,
        opened_at=hours_ago(24 * 10),
        due_by=timezone.localdate() - timedelta(days=5),
    )
    run = send_daily_digests()
    assert mail.outbox == []
    assert run.sent == []
    assert run.nothing_new >= 2
    assert not DigestLog.objects.exists()


def test_a_flag_that_became_overdue_since_the_last_digest_is_news(pat, pats_case):
    FlagFactory(
        person=pats_case,
        kind=FlagKind.INITIAL_APPOINTMENT_OVERDUE,
        opened_at=hours_ago(24 * 10),
        due_by=timezone.localdate() - timedelta(days=1),
    )
    send_daily_digests()
    [message] = mail_to(pat.email)
    assert message.subject == "Flags on your cases: 1 overdue"
    assert "Initial appointment overdue: John Smith (X100001)" in message.body


def test_a_second_run_the_same_day_sends_nothing(pat, sam, eve, team_cases):
    send_daily_digests()
    assert sorted(message.to[0] for message in mail.outbox) == sorted([pat.email, sam.email, eve.email])
    mail.outbox = []

    run = send_daily_digests()
    assert mail.outbox == []
    assert run.sent == []
    assert run.already_sent == 3
    assert DigestLog.objects.count() == 3


def test_the_next_digest_counts_only_what_opened_since_the_last_one(pat, pats_case):
    FlagFactory(person=pats_case, kind=FlagKind.TELEPHONE_ONLY, opened_at=hours_ago(3), due_by=None)
    yesterday = timezone.localdate() - timedelta(days=1)
    DigestLog.objects.create(user=pat, sent_on=yesterday, sent_at=hours_ago(1))
    assert build_digest(pat).new_flags == []
    assert send_daily_digests().sent == []
    assert mail.outbox == []


def test_staff_without_an_e_mail_address_are_skipped(pat, sam, team_cases):
    pat.email = ""
    pat.save()
    run = send_daily_digests()
    assert mail_to(sam.email)
    assert pat.email not in [message.to[0] for message in mail.outbox]
    assert run.no_email >= 1
    assert not DigestLog.objects.filter(user=pat).exists()


def test_a_practitioner_sees_only_cases_she_may_see(pat, olga, pats_case, london_team):
    # Olga's own London case is listed; a North East flag never reaches her, nor an excluded case.
    olgas_case = PersonFactory(crn="X200001", practitioner=olga, team=london_team)
    FlagFactory(person=olgas_case, kind=FlagKind.TELEPHONE_ONLY, opened_at=hours_ago(1), due_by=None)
    FlagFactory(person=pats_case, kind=FlagKind.TELEPHONE_ONLY, opened_at=hours_ago(1), due_by=None)
    excluded = PersonFactory(crn="X200002", practitioner=olga, team=london_team)
    FlagFactory(person=excluded, kind=FlagKind.FACE_TO_FACE_OVERDUE, opened_at=hours_ago(1))
    CaseAccessRuleFactory(person=excluded, user=olga, kind=AccessRuleKind.EXCLUSION)

    send_daily_digests()
    [message] = mail_to(olga.email)
    assert "X200001" in message.body
    assert "X100001" not in message.body
    assert "X200002" not in message.body
    [pats] = mail_to(pat.email)
    assert "X200001" not in pats.body


def test_an_spo_of_another_team_gets_nothing_about_this_one(team_cases, newcastle):
    other_spo = UserFactory(username="nina", role="SPO", team=newcastle)
    send_daily_digests()
    assert mail_to(other_spo.email) == []
    assert build_digest(other_spo).open_total == 0


def test_a_failed_send_leaves_no_log_so_the_next_run_retries(pat, sam, eve, team_cases, monkeypatch):
    from django.core.mail import EmailMultiAlternatives

    original = EmailMultiAlternatives.send

    def refuse_pat(self, fail_silently=False):
        if pat.email in self.to:
            raise ConnectionRefusedError("SMTP down")
        return original(self, fail_silently)

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse_pat)
    run = send_daily_digests()
    # Everyone else still gets theirs; Pat's failure leaves no log.
    assert run.failed == 1
    assert sorted(message.to[0] for message in mail.outbox) == sorted([sam.email, eve.email])
    assert not DigestLog.objects.filter(user=pat).exists()

    monkeypatch.undo()
    mail.outbox = []
    run = send_daily_digests()
    assert [message.to for message in mail.outbox] == [[pat.email]]
    assert (run.failed, run.already_sent) == (0, 2)


def test_the_task_retries_when_some_digests_failed(pat, team_cases, monkeypatch):
    from django.core.mail import EmailMultiAlternatives

    from inspections import tasks

    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    with pytest.raises(tasks.DigestsNotAllSent):
        tasks.send_daily_digests.run()
    monkeypatch.undo()
    assert tasks.send_daily_digests.run()["sent"] == 3
    assert tasks.send_daily_digests.run()["sent"] == 0


def test_the_digest_is_scheduled_on_weekday_mornings_after_the_sweep():
    from celery.schedules import crontab

    from probation.celery import app

    entry = app.conf.beat_schedule["daily-flags-digest"]
    assert entry["task"] == "inspections.tasks.send_daily_digests"
    assert entry["schedule"] == crontab(hour=7, minute=0, day_of_week="mon-fri")


def test_the_command_dry_run_sends_nothing(pat, sam, team_cases):
    out = StringIO()
    call_command("send_digests", "--dry-run", stdout=out)
    assert mail.outbox == []
    assert not DigestLog.objects.exists()
    assert f"Would send to {pat.email}: Flags on your cases: 1 new, 1 overdue" in out.getvalue()
    assert "Would send 3 digest(s)" in out.getvalue()  # Pat, Eve and their SPO


def test_the_command_sends_for_a_date(pat, sam, team_cases):
    out = StringIO()
    call_command("send_digests", "--date", timezone.localdate().isoformat(), stdout=out)
    assert len(mail.outbox) == 3
    assert "Sent 3 digest(s)" in out.getvalue()


def test_the_command_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--date must look like"):
        call_command("send_digests", "--date", "30/06/2025")


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_query_count_per_recipient_does_not_grow_with_flags(pat, pats_case, django_assert_max_num_queries):
    for n in range(30):
        case = PersonFactory(crn=f"X3{n:05d}", practitioner=pat, team=pat.team)
        FlagFactory(person=case, kind=FlagKind.TELEPHONE_ONLY, opened_at=hours_ago(1), due_by=None)
    with django_assert_max_num_queries(12):
        build_digest(pat)
