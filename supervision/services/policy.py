"""Writes to the contact policy: drafts, their rules, publishing and discarding.

A published version never changes: every function here refuses anything but a draft, so an
evaluation that names a version always means the same rules. Only one draft is open at a time.
Every change runs inside a pghistory context naming the administrator.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pghistory
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from cases.models import OrderType, User
from supervision.models import ContactPolicy, PolicyRule, PolicyStatus, RemoteSupplementCriterion
from supervision.models.policy import RULE_PARAMETERS

SCOPE_FIELDS = ("order_type", "rosh", "tier_letter", "phase")
RULE_FIELDS = ("name", *SCOPE_FIELDS, *RULE_PARAMETERS)
SETTINGS_FIELDS = ("summary", "remote_supplement_only_for", "remote_replacement_needs_spo_approval")
BOOLEAN_PARAMETERS = frozenset({"initial_must_be_face_to_face"})
# Windows and intervals of 0 days would make every case fall short at once.
AT_LEAST_ONE = frozenset({"face_to_face_window_days", "early_contact_interval_days", "telephone_only_window_days"})
MAX_DAYS = 3650


def _actor(by: User) -> dict[str, Any]:
    return {"user": by.pk}


def _require_draft(policy: ContactPolicy) -> None:
    if policy.status != PolicyStatus.DRAFT:
        raise ValidationError(
            f"Version {policy.version} is {policy.get_status_display().lower()}: it cannot be changed"
        )


def _locked(policy: ContactPolicy) -> ContactPolicy:
    fresh = ContactPolicy.objects.select_for_update().get(pk=policy.pk)
    _require_draft(fresh)
    return fresh


def open_draft() -> ContactPolicy | None:
    return ContactPolicy.objects.filter(status=PolicyStatus.DRAFT).first()


def _copy_rules(source: ContactPolicy, target: ContactPolicy) -> None:
    PolicyRule.objects.bulk_create(
        PolicyRule(policy=target, is_base=rule.is_base, **{name: getattr(rule, name) for name in RULE_FIELDS})
        for rule in source.rules.all()
    )


@transaction.atomic
def create_draft(*, by: User, summary: str, based_on: ContactPolicy | None = None) -> ContactPolicy:
    """A new draft copying the rules and settings of `based_on` (the latest published version by default)."""
    if open_draft() is not None:
        raise ValidationError({"summary": "There is already a draft. Publish or discard it before starting another"})
    summary = summary.strip()
    if not summary:
        raise ValidationError({"summary": "Enter what this version changes and why"})
    source = based_on or ContactPolicy.objects.published().order_by("-version").first()
    if source is None:
        raise ValidationError("There is no published version to start from")
    version = (ContactPolicy.objects.aggregate(latest=Max("version"))["latest"] or 0) + 1
    try:
        with transaction.atomic(), pghistory.context(**_actor(by)):
            draft = ContactPolicy.objects.create(
                version=version,
                status=PolicyStatus.DRAFT,
                summary=summary,
                based_on=source,
                remote_supplement_only_for=list(source.remote_supplement_only_for),
                remote_replacement_needs_spo_approval=source.remote_replacement_needs_spo_approval,
                created_by=by,
            )
            _copy_rules(source, draft)
    except IntegrityError:  # someone else created version N at the same moment
        raise ValidationError({"summary": "Another draft was started at the same time. Try again"}) from None
    return draft


@transaction.atomic
def update_draft(policy: ContactPolicy, *, by: User, **fields: Any) -> ContactPolicy:
    """Change a draft's summary and settings."""
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    policy = _locked(policy)
    if "summary" in fields:
        fields["summary"] = fields["summary"].strip()
        if not fields["summary"]:
            raise ValidationError({"summary": "Enter what this version changes and why"})
    criteria = fields.get("remote_supplement_only_for", [])
    if any(code not in RemoteSupplementCriterion.values for code in criteria):
        raise ValidationError({"remote_supplement_only_for": "Select criteria from the list"})
    for name, value in fields.items():
        setattr(policy, name, value)
    with pghistory.context(**_actor(by)):
        policy.save(update_fields=list(fields))
    return policy


def parameter_label(name: str) -> str:
    return str(getattr(PolicyRule._meta.get_field(name), "verbose_name", name))


def _check_parameters(values: dict[str, Any], *, complete: bool) -> None:
    errors: dict[str, str] = {}
    for name in RULE_PARAMETERS:
        value = values.get(name)
        label = parameter_label(name)
        if value is None:
            if complete:
                errors[name] = f"Enter the {label.lower()}: the base rule sets every parameter"
            continue
        if name in BOOLEAN_PARAMETERS:
            continue
        if not isinstance(value, int) or value < 0:
            errors[name] = f"{label} must be a whole number, 0 or more"
        elif name in AT_LEAST_ONE and value < 1:
            errors[name] = f"{label} must be 1 or more"
        elif value > MAX_DAYS:
            errors[name] = f"{label} must be {MAX_DAYS} or less"
    if errors:
        raise ValidationError(errors)


def _check_scope(policy: ContactPolicy, rule: PolicyRule) -> None:
    if rule.is_base:
        return
    if not any(getattr(rule, name) for name in SCOPE_FIELDS):
        raise ValidationError({"order_type": "Choose at least one kind of case the rule applies to"})
    if rule.order_type and rule.order_type not in OrderType.values:
        raise ValidationError({"order_type": "Select a sentence type from the list"})
    if all(getattr(rule, name) is None for name in RULE_PARAMETERS):
        raise ValidationError("Set at least one parameter: a rule that inherits everything changes nothing")
    others = policy.rules.exclude(pk=rule.pk)
    if others.filter(**{name: getattr(rule, name) for name in SCOPE_FIELDS}, is_base=False).exists():
        raise ValidationError({"order_type": "Another rule already applies to exactly these cases: change that one"})
    if others.filter(name__iexact=rule.name).exists():
        raise ValidationError({"name": "Another rule already has this name"})


@transaction.atomic
def save_rule(policy: ContactPolicy, *, by: User, rule: PolicyRule | None = None, **fields: Any) -> PolicyRule:
    """Add a scoped rule to a draft, or change one of its rules. The base rule keeps every
    parameter set and applies to every case (its scope cannot be set)."""
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        raise ValueError(f"Not a rule field: {', '.join(sorted(unknown))}")
    policy = _locked(policy)
    if rule is None:
        rule = PolicyRule(policy=policy, is_base=False)
    elif rule.policy_id != policy.pk:
        raise ValueError("The rule belongs to another version")
    if rule.is_base and any(fields.get(name) for name in SCOPE_FIELDS):
        raise ValidationError({"order_type": "The base rule applies to every case: it cannot be scoped"})
    for name, value in fields.items():
        setattr(rule, name, value.strip() if isinstance(value, str) else value)
    if not rule.name:
        raise ValidationError({"name": "Enter a name for the rule"})
    _check_parameters({name: getattr(rule, name) for name in RULE_PARAMETERS}, complete=rule.is_base)
    _check_scope(policy, rule)
    rule.full_clean()
    with pghistory.context(**_actor(by)):
        rule.save()
    return rule


@transaction.atomic
def remove_rule(policy: ContactPolicy, rule: PolicyRule, *, by: User) -> None:
    """Take a scoped rule out of a draft (a draft is work in progress; published rules never go)."""
    policy = _locked(policy)
    if rule.policy_id != policy.pk:
        raise ValueError("The rule belongs to another version")
    if rule.is_base:
        raise ValidationError("The base rule cannot be removed")
    with pghistory.context(**_actor(by)):
        rule.delete()


def validate_draft(policy: ContactPolicy) -> None:
    """Raise if the draft could not be applied: it needs one complete base rule and valid rules."""
    rules = list(policy.rules.all())
    base = [rule for rule in rules if rule.is_base]
    if len(base) != 1:
        raise ValidationError("The draft needs exactly one base rule")
    for rule in rules:
        _check_parameters({name: getattr(rule, name) for name in RULE_PARAMETERS}, complete=rule.is_base)


def check_publishable(policy: ContactPolicy, *, effective_from: date) -> None:
    """Raise what `publish` would refuse, without publishing (for the confirmation step)."""
    _require_draft(policy)
    if effective_from < timezone.localdate():
        raise ValidationError({"effective_from": "The effective date must be today or in the future"})
    clash = ContactPolicy.objects.published().filter(effective_from=effective_from).first()
    if clash is not None:
        raise ValidationError(
            {"effective_from": f"Version {clash.version} already takes effect on that date. Choose another date"}
        )
    validate_draft(policy)


@transaction.atomic
def publish(policy: ContactPolicy, *, by: User, effective_from: date) -> ContactPolicy:
    """Publish a draft, in force from `effective_from` (today or later, one version per date)."""
    policy = _locked(policy)
    check_publishable(policy, effective_from=effective_from)
    policy.status = PolicyStatus.PUBLISHED
    policy.effective_from = effective_from
    policy.published_by = by
    policy.published_at = timezone.now()
    with pghistory.context(**_actor(by)):
        policy.save(update_fields=["status", "effective_from", "published_by", "published_at"])
    return policy


@transaction.atomic
def discard_draft(policy: ContactPolicy, *, by: User) -> ContactPolicy:
    """Set a draft aside. It stays on record (and keeps its version number) but is never applied."""
    policy = _locked(policy)
    policy.status = PolicyStatus.DISCARDED
    with pghistory.context(**_actor(by)):
        policy.save(update_fields=["status"])
    return policy
