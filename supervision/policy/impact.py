"""What publishing a draft would change: every active case judged under the version in force and
under the draft, on the same date.

Approach (set-based, so a few thousand cases take seconds): the facts of every case under
supervision on the date are loaded once by `load_cases` (five queries: people, current sentences
annotated with first/last made-contact dates by kind, registrations, Probation Reset decisions,
and every contact date only for the cases young enough to be in early engagement). Each case is
then judged twice in Python by the same pure rules `evaluate_case` uses. Nothing is written.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from supervision.models import ContactPolicy
from supervision.policy.evaluate import evaluate_facts
from supervision.policy.facts import load_cases, people_under_supervision
from supervision.policy.resolve import longest_early_days, policy_in_force
from supervision.policy.rules import Shortfall

SAMPLE_SIZE = 20


@dataclass
class ShortfallImpact:
    code: str
    label: str
    now: int = 0
    under_draft: int = 0
    newly: int = 0
    no_longer: int = 0


@dataclass
class Impact:
    draft: ContactPolicy
    current: ContactPolicy
    on: date
    cases: int = 0
    # Cases with at least one shortfall, now and under the draft.
    falling_short_now: int = 0
    falling_short_under_draft: int = 0
    newly_falling_short: int = 0
    no_longer_falling_short: int = 0
    by_shortfall: list[ShortfallImpact] = field(default_factory=list)
    newly_sample: list[str] = field(default_factory=list)
    no_longer_sample: list[str] = field(default_factory=list)


def policy_impact(draft: ContactPolicy, on: date | None = None) -> Impact:
    """Compare every active case's shortfalls under the version in force on `on` (the draft's
    effective date, else today) and under `draft`."""
    on = on or draft.effective_from or timezone.localdate()
    current = policy_in_force(on)
    if "rules" not in getattr(draft, "_prefetched_objects_cache", {}):
        draft = ContactPolicy.objects.prefetch_related("rules").get(pk=draft.pk)
    facts = load_cases(people_under_supervision(on), on, early_days=longest_early_days(current, draft))
    impact = Impact(draft=draft, current=current, on=on, cases=len(facts))
    rows = {code: ShortfallImpact(code, str(label)) for code, label in Shortfall.choices}
    totals: Counter[str] = Counter()
    for case in sorted(facts.values(), key=lambda f: f.crn):
        before = set(evaluate_facts(current, case, on).shortfalls)
        after = set(evaluate_facts(draft, case, on).shortfalls)
        for code in before:
            rows[code].now += 1
        for code in after:
            rows[code].under_draft += 1
        for code in after - before:
            rows[code].newly += 1
        for code in before - after:
            rows[code].no_longer += 1
        totals.update({"now": bool(before), "draft": bool(after)})
        if after and not before:
            impact.newly_falling_short += 1
            if len(impact.newly_sample) < SAMPLE_SIZE:
                impact.newly_sample.append(case.crn)
        if before and not after:
            impact.no_longer_falling_short += 1
            if len(impact.no_longer_sample) < SAMPLE_SIZE:
                impact.no_longer_sample.append(case.crn)
    impact.falling_short_now = totals["now"]
    impact.falling_short_under_draft = totals["draft"]
    impact.by_shortfall = list(rows.values())
    return impact
