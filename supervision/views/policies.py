"""Contact policy pages (administrators only) and the "Contact standard" panel on the person page.

An administrator starts a draft from the latest version, edits its settings and scoped rules,
checks its impact on current cases, and publishes it with an effective date. Old versions stay
readable; published ones are never edited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from cases.access import require_role
from cases.models import OrderType, Person, Role, User
from kit.forms import GovUKForm, raise_service_errors
from kit.web import is_htmx
from supervision.forms.policies import (
    DraftForm,
    ImpactForm,
    PublishForm,
    RuleForm,
    SettingsForm,
    rule_initial,
)
from supervision.models import ContactPolicy, PolicyRule, PolicyStatus, RemoteSupplementCriterion
from supervision.models.policy import RULE_PARAMETERS
from supervision.policy import NoPolicyInForce, evaluate_case, policy_impact
from supervision.services import policy as services
from supervision.services.policy import parameter_label

ORDER_TYPES = dict(OrderType.choices)


def _admin(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    require_role(user, Role.ADMIN)
    return user


def _policy(version: int) -> ContactPolicy:
    return get_object_or_404(ContactPolicy.objects.prefetch_related("rules"), version=version)


def _refuse_unless_draft(form: GovUKForm, policy: ContactPolicy) -> bool:
    """Show why a published or discarded version cannot change; True when it is a draft."""
    if policy.is_draft:
        return True
    form._errors = ErrorDict()  # type: ignore[attr-defined]
    form.cleaned_data = {}
    form.add_error(None, f"Version {policy.version} is {policy.get_status_display().lower()}: it cannot be changed")
    return False


def _parameters(rule: PolicyRule) -> list[dict[str, Any]]:
    return [
        {"name": name, "label": parameter_label(name), "value": getattr(rule, name)}
        for name in RULE_PARAMETERS
        if getattr(rule, name) is not None
    ]


def _state(policy: ContactPolicy, in_force: ContactPolicy | None) -> str:
    """How the version stands today, for its status tag."""
    if policy.status != PolicyStatus.PUBLISHED:
        return str(policy.status).lower()
    if in_force is not None and policy.pk == in_force.pk:
        return "in_force"
    assert policy.effective_from is not None
    return "future" if policy.effective_from > timezone.localdate() else "superseded"


@login_required
@require_safe
def policies(request: HttpRequest) -> HttpResponse:
    _admin(request)
    versions = list(ContactPolicy.objects.all())
    in_force = ContactPolicy.objects.in_force()
    context = {
        "versions": [{"policy": p, "state": _state(p, in_force)} for p in versions],
        "draft": next((v for v in versions if v.is_draft), None),
    }
    return render(request, "supervision/policies/list.html", context)


@login_required
@require_safe
def policy_detail(request: HttpRequest, version: int) -> HttpResponse:
    _admin(request)
    policy = _policy(version)
    rules = list(policy.rules.all())
    base = next((rule for rule in rules if rule.is_base), None)
    in_force = ContactPolicy.objects.in_force()
    context = {
        "policy": policy,
        "base": base,
        "base_parameters": _parameters(base) if base else [],
        "scoped": [
            {
                "rule": rule,
                "order_type": ORDER_TYPES.get(rule.order_type, rule.order_type),
                "parameters": _parameters(rule),
            }
            for rule in rules
            if not rule.is_base
        ],
        "state": _state(policy, in_force),
        "criteria": [
            label for code, label in RemoteSupplementCriterion.choices if code in policy.remote_supplement_only_for
        ],
    }
    return render(request, "supervision/policies/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def create_draft(request: HttpRequest) -> HttpResponse:
    user = _admin(request)
    existing = services.open_draft()
    form = DraftForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.create_draft(by=user, **form.cleaned_data)
        except ValidationError as error:
            raise_service_errors(form, error)
        else:
            messages.success(request, f"Draft version {draft.version} created")
            return redirect("supervision:policy", version=draft.version)
    latest = ContactPolicy.objects.published().order_by("-version").first()
    return render(
        request, "supervision/policies/draft_form.html", {"form": form, "existing": existing, "latest": latest}
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_settings(request: HttpRequest, version: int) -> HttpResponse:
    user = _admin(request)
    policy = _policy(version)
    initial = {
        "summary": policy.summary,
        "remote_supplement_only_for": policy.remote_supplement_only_for,
        "remote_replacement_needs_spo_approval": policy.remote_replacement_needs_spo_approval,
    }
    form = SettingsForm(request.POST if request.method == "POST" else None, initial=initial)
    if _refuse_unless_draft(form, policy) and request.method == "POST" and form.is_valid():
        try:
            services.update_draft(policy, by=user, **form.cleaned_data)
        except ValidationError as error:
            raise_service_errors(form, error)
        else:
            messages.success(request, "Draft settings saved")
            return redirect("supervision:policy", version=policy.version)
    return render(request, "supervision/policies/settings_form.html", {"form": form, "policy": policy})


def _save_rule(request: HttpRequest, policy: ContactPolicy, rule: PolicyRule | None) -> HttpResponse:
    user = _admin(request)
    base = rule is not None and rule.is_base
    data = request.POST if request.method == "POST" else None
    form = RuleForm(data, initial=rule_initial(rule) if rule else None, base=base)
    if _refuse_unless_draft(form, policy) and request.method == "POST" and form.is_valid():
        try:
            saved = services.save_rule(policy, by=user, rule=rule, **form.cleaned_data)
        except ValidationError as error:
            raise_service_errors(form, error)
        else:
            messages.success(request, f"Rule “{saved.name}” saved")
            return redirect("supervision:policy", version=policy.version)
    return render(request, "supervision/policies/rule_form.html", {"form": form, "policy": policy, "rule": rule})


@login_required
@require_http_methods(["GET", "POST"])
def add_rule(request: HttpRequest, version: int) -> HttpResponse:
    _admin(request)
    return _save_rule(request, _policy(version), None)


@login_required
@require_http_methods(["GET", "POST"])
def edit_rule(request: HttpRequest, version: int, rule_id: int) -> HttpResponse:
    _admin(request)
    policy = _policy(version)
    return _save_rule(request, policy, get_object_or_404(PolicyRule, pk=rule_id, policy=policy))


@login_required
@require_http_methods(["GET", "POST"])
def remove_rule(request: HttpRequest, version: int, rule_id: int) -> HttpResponse:
    user = _admin(request)
    policy = _policy(version)
    rule = get_object_or_404(PolicyRule, pk=rule_id, policy=policy)
    form = GovUKForm(request.POST if request.method == "POST" else None)
    if _refuse_unless_draft(form, policy) and request.method == "POST" and form.is_valid():
        try:
            services.remove_rule(policy, rule, by=user)
        except ValidationError as error:
            raise_service_errors(form, error)
        else:
            messages.success(request, f"Rule “{rule.name}” removed from the draft")
            return redirect("supervision:policy", version=policy.version)
    return render(request, "supervision/policies/rule_remove.html", {"form": form, "policy": policy, "rule": rule})


@login_required
@require_http_methods(["GET", "POST"])
def discard(request: HttpRequest, version: int) -> HttpResponse:
    user = _admin(request)
    policy = _policy(version)
    form = GovUKForm(request.POST if request.method == "POST" else None)
    if _refuse_unless_draft(form, policy) and request.method == "POST" and form.is_valid():
        try:
            services.discard_draft(policy, by=user)
        except ValidationError as error:
            raise_service_errors(form, error)
        else:
            messages.success(request, f"Draft version {policy.version} discarded")
            return redirect("supervision:policies")
    return render(request, "supervision/policies/discard.html", {"form": form, "policy": policy})


@login_required
@require_safe
def impact(request: HttpRequest, version: int) -> HttpResponse:
    _admin(request)
    policy = _policy(version)
    form = ImpactForm(request.GET if "on_day" in request.GET else None)
    result = None
    if _refuse_unless_draft(form, policy) and (not form.is_bound or form.is_valid()):
        on = (form.cleaned_data.get("on") if form.is_bound else None) or timezone.localdate()
        try:
            result = policy_impact(policy, on=on)
        except NoPolicyInForce:
            form.add_error("on", "No contact policy was in force on that date. Choose a later date")
    context = {"form": form, "policy": policy, "impact": result}
    template = "supervision/policies/impact.html#results" if is_htmx(request) else "supervision/policies/impact.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest, version: int) -> HttpResponse:
    """Two steps: choose the date, then confirm having seen the impact on that date."""
    user = _admin(request)
    policy = _policy(version)
    form = PublishForm(request.POST if request.method == "POST" else None)
    result = None
    if _refuse_unless_draft(form, policy) and request.method == "POST" and form.is_valid():
        effective_from = form.cleaned_data["effective_from"]
        try:
            if request.POST.get("confirm") == "yes":
                services.publish(policy, by=user, effective_from=effective_from)
                when = f"{effective_from.day} {effective_from:%B %Y}"
                messages.success(request, f"Version {policy.version} published. It takes effect on {when}")
                return redirect("supervision:policy", version=policy.version)
            services.check_publishable(policy, effective_from=effective_from)
            result = policy_impact(policy, on=effective_from)
        except ValidationError as error:
            raise_service_errors(form, error)
    return render(request, "supervision/policies/publish.html", {"form": form, "policy": policy, "impact": result})


def person_section(person: Person, user: User) -> dict[str, Any]:
    """The "Contact standard" panel: the case judged live under the version in force today."""
    try:
        evaluation = evaluate_case(person)
    except NoPolicyInForce:
        return {"evaluation": None}
    return {"evaluation": evaluation}


urlpatterns = [
    path("contact-policies/", policies, name="policies"),
    path("contact-policies/new/", create_draft, name="create_policy_draft"),
    path("contact-policies/<int:version>/", policy_detail, name="policy"),
    path("contact-policies/<int:version>/settings/", edit_settings, name="policy_settings"),
    path("contact-policies/<int:version>/rules/new/", add_rule, name="add_policy_rule"),
    path("contact-policies/<int:version>/rules/<int:rule_id>/", edit_rule, name="edit_policy_rule"),
    path("contact-policies/<int:version>/rules/<int:rule_id>/remove/", remove_rule, name="remove_policy_rule"),
    path("contact-policies/<int:version>/impact/", impact, name="policy_impact"),
    path("contact-policies/<int:version>/publish/", publish, name="publish_policy"),
    path("contact-policies/<int:version>/discard/", discard, name="discard_policy"),
]
