"""Working out a case's tier from its records: the inputs, the history kept only on change, the
case's tier kept in step (audited), the background job, and the tier history page."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone

from cases.models import Person
from cases.services import record_rsr, set_tier
from supervision import tasks
from supervision.models import Assessment, TierCalculation
from supervision.services.tier import recalculate_tier, tier_inputs_for
from supervision.views.safeguarding import tier_section
from tests.cases.factories import RegistrationFactory, RequirementFactory, SentenceFactory, registration_type
from tests.supervision.factories import EnforcementActionFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
URL = "/people/X100001/tier/"
PersonEvent = apps.get_model("cases", "PersonEvent")
TierCalculationEvent = apps.get_model("supervision", "TierCalculationEvent")


def assessment(person, author, *, status="COMPLETE", days_ago=10, **fields) -> Assessment:
    return Assessment.objects.create(
        person=person,
        type="INITIAL",
        status=status,
        author=author,
        completed_on=TODAY - timedelta(days=days_ago) if status == "COMPLETE" else None,
        **fields,
    )


@pytest.fixture
def order(pats_case):
    sentence = SentenceFactory(person=pats_case, order_type="CO")
    RequirementFactory(sentence=sentence, category="RAR")
    return sentence


# --- Inputs ---------------------------------------------------------------------------------


def test_inputs_come_from_the_latest_complete_assessment(pats_case, pat, order):
    assessment(pats_case, pat, days_ago=100, rosh_overall="LOW", rsr=Decimal("1"), ogrs=Decimal("10"))
    assessment(
        pats_case,
        pat,
        days_ago=5,
        rosh_overall="HIGH",
        rsr=Decimal("7.5"),
        ogrs=Decimal("45"),
        needs={"DRUGS": "SEVERE"},
    )
    assessment(pats_case, pat, status="DRAFT", rosh_overall="VERY_HIGH")
    # RSR is read from where it was recorded (completing an assessment records its RSR).
    record_rsr(pats_case, score=Decimal("1"), calculated_on=TODAY - timedelta(days=100), source="ASSESSMENT", by=pat)
    record_rsr(pats_case, score=Decimal("7.5"), calculated_on=TODAY - timedelta(days=5), source="ASSESSMENT", by=pat)

    inputs = tier_inputs_for(pats_case)

    assert (inputs.rosh, inputs.rsr, inputs.ogrs) == ("HIGH", Decimal("7.5"), Decimal("45"))
    assert inputs.needs == {"DRUGS": "SEVERE"}
    assert inputs.has_valid_assessment and inputs.mandate_for_change


def test_without_an_assessment_the_case_rosh_is_used(pats_case):
    inputs = tier_inputs_for(pats_case)

    assert inputs.rosh == "MEDIUM"
    assert not inputs.has_valid_assessment


def test_registrations_give_mappa_complexity_iom_and_reset(pats_case):
    RegistrationFactory(person=pats_case, type=registration_type("MAPP"), mappa_category=2, mappa_level=2)
    RegistrationFactory(person=pats_case, type=registration_type("RMDO"))
    RegistrationFactory(person=pats_case, type=registration_type("RCCO"))
    RegistrationFactory(person=pats_case, type=registration_type("IIOM"))
    RegistrationFactory(person=pats_case, type=registration_type("PRC"))
    RegistrationFactory(
        person=pats_case, type=registration_type("ALSH"), deregistered_on=TODAY, deregistration_reason="Resolved"
    )

    inputs = tier_inputs_for(pats_case)

    assert inputs.mappa_level == 2
    assert inputs.complexity_factors == ("Child concerns", "Mental health issues")
    assert inputs.iom and inputs.reset_applies


def test_unpaid_work_only_is_no_mandate_for_change(pats_case):
    sentence = SentenceFactory(person=pats_case, order_type="CO")
    RequirementFactory(sentence=sentence, category="UPW", length=100, unit="HOURS", delivered=0)

    assert tier_inputs_for(pats_case).mandate_for_change is False


def test_a_previous_breach_counts_for_women(pats_case, order):
    EnforcementActionFactory(person=pats_case, sentence=order, kind="BREACH_REFERRAL")
    assert tier_inputs_for(pats_case).previous_breach_or_recall is False  # he is a man

    Person.objects.filter(pk=pats_case.pk).update(gender="F")
    pats_case.refresh_from_db()

    assert tier_inputs_for(pats_case).previous_breach_or_recall is True


def test_reset_applies_when_supervision_has_stopped(pats_case):
    SentenceFactory(
        person=pats_case,
        order_type="CO",
        start_date=TODAY - timedelta(days=300),
        expected_end_date=TODAY + timedelta(days=60),
    )

    assert tier_inputs_for(pats_case).reset_applies is True


# --- Recalculation --------------------------------------------------------------------------


def test_it_stores_the_calculation_and_sets_the_case_tier_with_an_audit_trail(pats_case, pat, order):
    assessment(pats_case, pat, rosh_overall="HIGH", needs={"THINKING_BEHAVIOUR": "SEVERE", "ATTITUDES": "SEVERE"})

    calculation = recalculate_tier(pats_case, trigger="Assessment completed", by=pat)

    assert calculation.tier == "B1"
    assert (calculation.protect_points, calculation.change_points) == (20, 8)
    assert calculation.trigger == "Assessment completed"
    assert {f["factor"] for f in calculation.breakdown["factors"]} >= {"RoSH", "RSR", "MAPPA", "OGRS"}
    pats_case.refresh_from_db()
    assert pats_case.tier == "B1"
    event = PersonEvent.objects.filter(pgh_obj=pats_case, tier="B1").latest("pgh_created_at")
    assert event.pgh_context.metadata["user"] == pat.pk
    assert TierCalculationEvent.objects.get(pgh_obj=calculation).pgh_context.metadata["user"] == pat.pk


def test_history_is_kept_only_when_the_result_changes(pats_case, pat, order):
    first = recalculate_tier(pats_case, trigger="First", by=pat)
    again = recalculate_tier(pats_case, trigger="Nothing changed", by=pat)

    assert again.pk == first.pk
    assert TierCalculation.objects.filter(person=pats_case).count() == 1

    RegistrationFactory(person=pats_case, type=registration_type("RMDO"))
    changed = recalculate_tier(pats_case, trigger="Registration added", by=pat)

    assert changed.pk != first.pk
    assert changed.tier == first.tier == "C2"  # the breakdown changed (2 more points), not the tier
    assert TierCalculation.objects.filter(person=pats_case).count() == 2


def test_a_mappa_level_2_registration_makes_it_tier_a(pats_case, pat, order):
    RegistrationFactory(person=pats_case, type=registration_type("MAPP"), mappa_category=1, mappa_level=2)

    recalculate_tier(pats_case, trigger="Registration added")

    pats_case.refresh_from_db()
    assert pats_case.tier == "A2"


def test_it_corrects_a_case_tier_out_of_step_without_a_new_calculation(pats_case, pat, order):
    recalculate_tier(pats_case, trigger="First")
    Person.objects.filter(pk=pats_case.pk).update(tier="A3")

    recalculate_tier(pats_case, trigger="Again")

    assert Person.objects.get(pk=pats_case.pk).tier == "C2"
    assert TierCalculation.objects.filter(person=pats_case).count() == 1


def test_set_tier_refuses_a_malformed_tier(pats_case, pat):
    with pytest.raises(ValidationError):
        set_tier(pats_case, tier="E5", by=pat)

    assert Person.objects.get(pk=pats_case.pk).tier == "C2"


def test_set_tier_announces_a_change_only_when_there_is_one(pats_case, pat, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as same:
        assert set_tier(pats_case, tier="C2", by=pat) is False
    with django_capture_on_commit_callbacks() as changed:
        assert set_tier(pats_case, tier="B2", by=pat) is True

    assert (len(same), len(changed)) == (0, 1)


def test_the_case_changed_listener_queues_the_job(monkeypatch, pats_case):
    queued: list[str] = []
    monkeypatch.setattr(tasks.recalculate_tier, "delay", queued.append)

    tasks.queue_tier_recalculation(str(pats_case.pk))

    assert queued == [str(pats_case.pk)]


def test_the_job_recalculates_and_is_idempotent(pats_case, order):
    assert tasks.recalculate_tier(str(pats_case.pk)) == "C2"
    assert tasks.recalculate_tier(str(pats_case.pk)) == "C2"
    assert tasks.recalculate_tier("00000000-0000-0000-0000-000000000000") == "missing"

    assert TierCalculation.objects.filter(person=pats_case).count() == 1


# --- Pages ----------------------------------------------------------------------------------


def test_the_overview_card_shows_the_tier_and_its_factors(pats_case, pat, order):
    recalculate_tier(pats_case, trigger="First")

    section = tier_section(pats_case, pat)
    html = render_to_string("supervision/safeguarding/_tier_section.html", {"section": section, "person": pats_case})

    assert section["calculation"].tier == "C2"
    assert "Tier C2" in html and "RoSH medium: 10 points" in html and "Tier history" in html


def test_the_overview_card_before_any_calculation(pats_case, pat):
    html = render_to_string(
        "supervision/safeguarding/_tier_section.html", {"section": tier_section(pats_case, pat), "person": pats_case}
    )

    assert "has not been worked out" in html


def test_the_history_page_lists_calculations(as_pat, pats_case, order):
    recalculate_tier(pats_case, trigger="First")
    RegistrationFactory(person=pats_case, type=registration_type("RMDO"))
    recalculate_tier(pats_case, trigger="Registration added")

    response = as_pat.get(URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert content.count('class="govuk-details"') == 2
    assert "registration added" in content
    assert "Recalculate now" in content


def test_read_only_staff_see_the_history_but_cannot_recalculate(as_rory, pats_case):
    response = as_rory.get(URL)

    assert response.status_code == 200
    assert "Recalculate now" not in response.content.decode()
    assert as_rory.post(URL + "recalculate/").status_code == 403
    assert not TierCalculation.objects.exists()


def test_other_regions_see_nothing(as_olga, pats_case):
    assert as_olga.get(URL).status_code == 404
    assert as_olga.post(URL + "recalculate/").status_code == 404


def test_a_practitioner_can_recalculate(as_pat, pats_case, order):
    Person.objects.filter(pk=pats_case.pk).update(tier="D1")

    response = as_pat.post(URL + "recalculate/", follow=True)

    assert response.redirect_chain[-1][0] == URL
    assert "Tier recalculated: now C2 (was D1)" in response.content.decode()
    assert TierCalculation.objects.get(person=pats_case).trigger == "Recalculated on request"


def test_recalculating_needs_a_post(as_pat, pats_case):
    assert as_pat.get(URL + "recalculate/").status_code == 405


def test_the_history_page_uses_a_fixed_number_of_queries(as_pat, pats_case, django_assert_max_num_queries):
    for n in range(30):
        TierCalculation.objects.create(
            person=pats_case, tier="C2", protect_points=10 + n, change_points=0, breakdown={"factors": []}
        )
    with django_assert_max_num_queries(12):
        assert as_pat.get(URL).status_code == 200


def test_the_card_renders_on_the_person_overview_once_registered(monkeypatch, as_pat, pats_case, order):
    from cases import person_page
    from supervision.views.safeguarding import tier_section as context

    section = person_page.Section("tier", "supervision/safeguarding/_tier_section.html", context, 15)
    monkeypatch.setitem(person_page._SECTIONS, "tier", section)
    recalculate_tier(pats_case, trigger="First")

    content = as_pat.get("/people/X100001/").content.decode()

    assert 'id="tier"' in content and "Protect factors" in content
