"""A case's compliance as the Compliance tab shows it: the failures counted, the decisions taken, the warnings given."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from cases.models import Person, Sentence
from supervision.models import Contact, EnforcementAction, EnforcementKind
from supervision.rules.compliance import (
    ComplianceSummary,
    count_failures,
    counting_since,
    failure_days,
    judged_sentence,
    local_date,
    next_referral_warning,
    rolling_window_start,
    status_for,
)


def warnings_given(sentence: Sentence) -> list[date]:
    """When warnings were given on this order (the statutory rule counts warnings on the same order)."""
    rows = EnforcementAction.objects.filter(sentence=sentence, kind=EnforcementKind.WARNING_LETTER)
    return list(rows.values_list("decided_on", flat=True))


def compliance_summary(person: Person, on: date | None = None, *, include_policy: bool = True) -> ComplianceSummary:
    """Everything the compliance panel shows, in a fixed number of queries (four, plus the
    contact policy lookup when `include_policy`)."""
    on = on or timezone.localdate()
    sentence = judged_sentence(list(person.sentences.all()), on)
    actions = list(EnforcementAction.objects.filter(person=person).select_related("decided_by", "sentence"))
    since, since_reason = counting_since(sentence, actions, on)
    window_start = rolling_window_start(on)
    current = Contact.objects.current().for_person(person).select_related("contact_type", "outcome")
    failures = [c for c in current.failures().order_by("starts_at") if local_date(c) <= on]
    awaiting = list(current.awaiting_enforcement_decision().order_by("starts_at"))
    count = count_failures(((local_date(c), True) for c in failures), since=since, on=on)
    in_progress = [a for a in actions if a.in_progress]
    summary = ComplianceSummary(
        on=on,
        sentence=sentence,
        status=status_for(count.rolling_12_months, breach_in_progress=bool(in_progress)),
        count=count,
        since_reason=since_reason,
        failure_days=failure_days(failures, count, min(since, window_start)),
        awaiting_decision=awaiting,
        referral_warning_date=next_referral_warning(sentence, actions, awaiting, on),
        actions=actions,
        proceedings_in_progress=in_progress,
        open_evidence=[a for a in actions if a.evidence_due and a.concluded_on is None and a.evidence_due >= on],
    )
    if include_policy:
        from supervision.policy import policy_for

        summary.policy, params = policy_for(person, on)
        summary.failures_limit = params.failures_limit
    return summary
