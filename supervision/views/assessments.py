"""The Risk tab: the current risk picture, next review, assessment history and the sentence plan;
writing an assessment as a task list; countersigning; what changed; sentence plan pages.

Anyone who can see the case reads; practitioners and SPOs change; only an SPO of the case's team
countersigns or returns an assessment.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods, require_safe

from cases import person_page
from cases import services as case_services
from cases.access import get_person_for_user
from cases.models import Person, Role, RoshLevel, RsrScore, RsrSource, User
from cases.web import signed_in_user
from kit.forms import GovUKForm, raise_service_errors
from supervision.forms import assessments as forms
from supervision.models import (
    Assessment,
    AssessmentStatus,
    InformationRequest,
    SentencePlan,
)
from supervision.models.assessments import PREDICTOR_FIELDS, ROSH_FIELDS, WOMEN_FIELDS
from supervision.queries.assessments import next_review
from supervision.rules import assessments as rules
from supervision.services import assessments as services
from supervision.views import can_change, submitted, user_and_writable_person

SECTION_FORMS: dict[str, type[GovUKForm]] = {
    "rosh": forms.RoshForm,
    "predictors": forms.PredictorsForm,
    "needs": forms.NeedsForm,
    "analysis": forms.AnalysisForm,
    "plans": forms.PlansForm,
    "safeguarding": forms.SafeguardingForm,
    "women": forms.WomenFactorsForm,
}
SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    "rosh": (*ROSH_FIELDS, "rosh_overall"),
    "predictors": PREDICTOR_FIELDS,
    "analysis": ("risk_of_harm_analysis",),
    "plans": ("risk_management_plan", "contingency_plan"),
    "safeguarding": ("safeguarding_information_used",),
    "women": WOMEN_FIELDS,
}


def _is_team_spo(user: User, person: Person) -> bool:
    return user.role == Role.SPO and user.team_id is not None and user.team_id == person.team_id


def _assessment(person: Person, assessment_id: uuid.UUID) -> Assessment:
    queryset = Assessment.objects.select_related("author", "countersigned_by")
    assessment = get_object_or_404(queryset, pk=assessment_id, person=person)
    assessment.person = person  # the case in hand: the rules read it (the factors for women)
    return assessment


def _previous(assessment: Assessment) -> Assessment | None:
    """The complete assessment before this one (what "What changed" compares against)."""
    return Assessment.objects.filter(
        person_id=assessment.person_id, started_at__lt=assessment.started_at
    ).latest_complete()


def _presented(assessment: Assessment) -> dict[str, Any]:
    overall = rules.overall_rosh(assessment)
    return {
        "assessment": assessment,
        "overall": overall,
        "overall_label": RoshLevel(overall).label if overall else "",
        "rosh_rows": rules.rosh_rows(assessment),
        "predictor_rows": rules.predictor_rows(assessment),
        "need_rows": rules.need_rows(assessment),
        "women_rows": rules.women_rows(assessment),
    }


# --- The tab -------------------------------------------------------------------------------


@login_required
@require_safe
def risk(request: HttpRequest, crn: str) -> HttpResponse:
    user = signed_in_user(request)
    person = get_person_for_user(user, crn, path=request.path)
    history = list(
        Assessment.objects.filter(person=person)
        .exclude(status=AssessmentStatus.DRAFT)
        .select_related("author", "countersigned_by")
        .latest_first()
    )
    for assessment in history:
        assessment.person = person
    latest = next((a for a in history if a.status == AssessmentStatus.COMPLETE), None)  # = .latest_complete()
    plan = (
        SentencePlan.objects.filter(person=person)
        .select_related("assessment")
        .prefetch_related("objectives")
        .order_by("-created_at")
        .first()
    )
    context = {
        "person": person,
        "tabs": person_page.tabs(person, "risk"),
        "latest": _presented(latest) if latest else None,
        "history": history,
        "in_progress": services.in_progress(person),
        "review": next_review(person),
        "rsr_scores": list(RsrScore.objects.filter(person=person).latest_first().select_related("recorded_by")[:5]),
        "plan": plan,
        "can_change": can_change(user),
        "is_team_spo": _is_team_spo(user, person),
    }
    return render(request, "supervision/assessments/risk.html", context)


# --- Writing an assessment -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, crn: str) -> HttpResponse:
    user, person = user_and_writable_person(request, crn)
    current = services.in_progress(person)
    if current is not None:
        messages.success(request, "An assessment is already in progress: continue it here")
        return redirect("supervision:assessment", crn=person.crn, assessment_id=current.pk)
    form = forms.StartAssessmentForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.start_assessment(person, type=form.cleaned_data["type"], by=user)
        except ValidationError as error:
            raise_service_errors(form, error)
        else:
            return redirect("supervision:assessment", crn=person.crn, assessment_id=assessment.pk)
    return render(request, "supervision/assessments/start.html", {"form": form, "person": person})


@login_required
@require_safe
def assessment_page(request: HttpRequest, crn: str, assessment_id: uuid.UUID) -> HttpResponse:
    """A draft as a task list for those who may change it; otherwise the assessment as recorded."""
    user = signed_in_user(request)
    person = get_person_for_user(user, crn, path=request.path)
    assessment = _assessment(person, assessment_id)
    editing = assessment.status == AssessmentStatus.DRAFT and can_change(user)
    context = {
        "person": person,
        **_presented(assessment),
        "editing": editing,
        "sections": rules.sections(assessment),
        "can_countersign": assessment.status == AssessmentStatus.AWAITING_COUNTERSIGNATURE
        and _is_team_spo(user, person),
    }
    return render(request, "supervision/assessments/assessment.html", context)


def _initial(assessment: Assessment, section: str) -> dict[str, Any]:
    if section == "needs":
        return dict(assessment.needs or {})
    return {name: getattr(assessment, name) for name in SECTION_FIELDS[section]}


def _fields(form: GovUKForm, section: str) -> dict[str, Any]:
    if isinstance(form, forms.NeedsForm):
        return {"needs": form.needs()}
    return {name: form.cleaned_data[name] for name in SECTION_FIELDS[section]}


@login_required
@require_http_methods(["GET", "POST"])
def section(request: HttpRequest, crn: str, assessment_id: uuid.UUID, section: str) -> HttpResponse:
    user, person = user_and_writable_person(request, crn)
    assessment = _assessment(person, assessment_id)
    form_class = SECTION_FORMS.get(section)
    title = next((s.title for s in rules.sections(assessment) if s.key == section), None)
    if form_class is None or title is None:  # e.g. the factors for women, for a man
        raise Http404("No such section")
    if request.method == "GET" and assessment.status != AssessmentStatus.DRAFT:
        return redirect("supervision:assessment", crn=person.crn, assessment_id=assessment.pk)
    form = form_class(submitted(request), initial=_initial(assessment, section))
    if request.method == "POST" and form.is_valid():
        try:
            services.save_assessment(assessment, by=user, **_fields(form, section))
        except ValidationError as error:
            raise_service_errors(form, error)
        else:
            return redirect("supervision:assessment", crn=person.crn, assessment_id=assessment.pk)
    context: dict[str, Any] = {"form": form, "person": person, "assessment": assessment, "title": title}
    if section == "safeguarding":
        context["information"] = InformationRequest.objects.filter(person=person, received_on__isnull=False).order_by(
            "-received_on"
        )
    return render(request, "supervision/assessments/section.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, crn: str, assessment_id: uuid.UUID) -> HttpResponse:
    user, person = user_and_writable_person(request, crn)
    assessment = _assessment(person, assessment_id)
    if assessment.status != AssessmentStatus.DRAFT:
        return redirect("supervision:assessment", crn=person.crn, assessment_id=assessment.pk)
    base = reverse("supervision:assessment", args=[person.crn, assessment.pk])
    missing = rules.missing(assessment)
    form = forms.SubmitAssessmentForm(submitted(request), links={problem: f"{base}{key}/" for key, problem in missing})
    valid = request.method == "POST" and form.is_valid()
    if request.method == "POST":
        for _key, problem in missing:
            form.add_error(None, problem)
    if valid and not missing:
        try:
            done = services.submit_assessment(assessment, by=user, completed_on=form.cleaned_data["completed_on"])
        except ValidationError as error:
            raise_service_errors(form, error)
        else:
            if done.status == AssessmentStatus.AWAITING_COUNTERSIGNATURE:
                messages.success(request, "Assessment submitted: it counts once an SPO countersigns it")
            else:
                messages.success(request, "Assessment completed")
            return redirect("supervision:risk", crn=person.crn)
    context = {"form": form, "person": person, **_presented(assessment), "missing": missing}
    return render(request, "supervision/assessments/check.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def countersign(request: HttpRequest, crn: str, assessment_id: uuid.UUID) -> HttpResponse:
    user = signed_in_user(request)
    person = get_person_for_user(user, crn, write=True, path=request.path)
    if not _is_team_spo(user, person):
        raise PermissionDenied("Only an SPO of the case's team can countersign")
    assessment = _assessment(person, assessment_id)
    if request.method == "GET" and assessment.status != AssessmentStatus.AWAITING_COUNTERSIGNATURE:
        return redirect("supervision:assessment", crn=person.crn, assessment_id=assessment.pk)
    form = forms.CountersignForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == forms.CountersignForm.COUNTERSIGN:
                services.countersign_assessment(assessment, by=user, notes=data["notes"])
                messages.success(request, "Assessment countersigned")
            else:
                services.return_assessment(assessment, by=user, reason=data["reason"])
                messages.success(request, "Assessment returned to the author")
        except ValidationError as error:
            raise_service_errors(form, error)
        else:
            return redirect("supervision:risk", crn=person.crn)
    context = {"form": form, "person": person, **_presented(assessment), "previous": _previous(assessment)}
    return render(request, "supervision/assessments/countersign.html", context)


@login_required
@require_safe
def changes(request: HttpRequest, crn: str, assessment_id: uuid.UUID) -> HttpResponse:
    user = signed_in_user(request)
    person = get_person_for_user(user, crn, path=request.path)
    assessment = _assessment(person, assessment_id)
    previous = _previous(assessment)
    context = {
        "person": person,
        "assessment": assessment,
        "previous": previous,
        "changes": rules.diff(previous, assessment),
    }
    return render(request, "supervision/assessments/changes.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def record_rsr(request: HttpRequest, crn: str) -> HttpResponse:
    """A standalone RSR calculation (an assessment's RSR is recorded when it is completed)."""
    user, person = user_and_writable_person(request, crn)
    form = forms.RsrScoreForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        try:
            case_services.record_rsr(person, source=RsrSource.STANDALONE, by=user, **form.cleaned_data)
        except ValidationError as error:
            raise_service_errors(form, error)
        else:
            messages.success(request, f"RSR score of {form.cleaned_data['score']:f}% recorded")
            return redirect("supervision:risk", crn=person.crn)
    return render(request, "supervision/assessments/rsr_form.html", {"form": form, "person": person})


ASSESSMENT = "people/<str:crn>/risk/assessments/<uuid:assessment_id>/"
urlpatterns = [
    path("people/<str:crn>/risk/", risk, name="risk"),
    path("people/<str:crn>/risk/assessments/new/", start, name="start_assessment"),
    path("people/<str:crn>/risk/rsr/new/", record_rsr, name="record_rsr"),
    path(ASSESSMENT, assessment_page, name="assessment"),
    path(f"{ASSESSMENT}check/", check, name="check_assessment"),
    path(f"{ASSESSMENT}countersign/", countersign, name="countersign_assessment"),
    path(f"{ASSESSMENT}changes/", changes, name="assessment_changes"),
    path(f"{ASSESSMENT}<slug:section>/", section, name="assessment_section"),
]
