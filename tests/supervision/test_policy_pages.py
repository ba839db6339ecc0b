"""The contact policy pages (administrators only) and the contact standard panel on the person page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.models import Person
from supervision.migrations_seed import BASE_RULE
from supervision.models import ContactPolicy, PolicyRule, PolicyStatus
from supervision.services import policy as services
from tests.cases.factories import PersonFactory, SentenceFactory
from tests.cases.pages import assert_problem, date_fields
from tests.supervision.factories import ContactFactory, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(ada: Any) -> ContactPolicy:
    return services.create_draft(by=ada, summary="Fortnightly contact for high RoSH licences")


def url(name: str, *args: object) -> str:
    return reverse(f"supervision:{name}", args=args)


def base_rule_data(**changes: object) -> dict[str, Any]:
    data: dict[str, Any] = {"name": "All cases"}
    for name, value in BASE_RULE.items():
        data[name] = ("yes" if value else "no") if isinstance(value, bool) else str(value)
    data.update(changes)
    return data


# --- Access ----------------------------------------------------------------------------------


@pytest.mark.parametrize("client_name", ["as_pat", "as_sam", "as_rory", "as_olga"])
@pytest.mark.parametrize("page", ["policies", "policy", "create_policy_draft", "policy_impact", "publish_policy"])
def test_only_administrators_may_use_the_policy_pages(
    request: pytest.FixtureRequest, client_name: str, page: str, draft: ContactPolicy
) -> None:
    client: Client = request.getfixturevalue(client_name)
    args = [] if page in {"policies", "create_policy_draft"} else [draft.version]
    assert client.get(url(page, *args)).status_code == 403


def test_non_administrators_cannot_change_a_draft(as_sam: Client, as_rory: Client, draft: ContactPolicy) -> None:
    for client in (as_sam, as_rory):
        response = client.post(url("policy_settings", draft.version), {"summary": "Hijacked"})
        assert response.status_code == 403
        response = client.post(
            url("publish_policy", draft.version),
            {**date_fields("effective_from", timezone.localdate()), "confirm": "yes"},
        )
        assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.summary == "Fortnightly contact for high RoSH licences"
    assert draft.status == PolicyStatus.DRAFT


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(url("policies"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_unknown_version_is_not_found(as_ada: Client) -> None:
    assert as_ada.get(url("policy", 999)).status_code == 404


# --- Happy paths -----------------------------------------------------------------------------


def test_the_list_shows_every_version_and_marks_the_one_in_force(as_ada: Client, draft: ContactPolicy) -> None:
    response = as_ada.get(url("policies"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Version 1" in content and f"Version {draft.version}" in content
    assert "In force" in content
    assert "Draft" in content
    assert "Create a new draft" not in content  # one draft at a time


def test_an_administrator_creates_a_draft_copying_the_latest_version(as_ada: Client) -> None:
    response = as_ada.post(url("create_policy_draft"), {"summary": "Tighter early engagement"}, follow=True)
    draft = ContactPolicy.objects.get(status=PolicyStatus.DRAFT)
    assert response.redirect_chain[-1][0] == url("policy", draft.version)
    assert draft.based_on is not None and draft.based_on.version == 1
    base = draft.rules.get(is_base=True)
    assert {name: getattr(base, name) for name in BASE_RULE} == BASE_RULE
    assert draft.remote_supplement_only_for == draft.based_on.remote_supplement_only_for


def test_the_detail_page_shows_every_parameter_of_an_old_version(as_ada: Client) -> None:
    content = as_ada.get(url("policy", 1)).content.decode()
    for label in ("Face-to-face floor (days)", "Telephone-only window (days)", "First home visit, low RoSH (days)"):
        assert label in content
    assert "Add a scoped rule" not in content  # published: read only


def test_an_administrator_edits_the_draft_settings(as_ada: Client, draft: ContactPolicy) -> None:
    data = {"summary": "New summary", "remote_supplement_only_for": ["VERY_HIGH_ROSH", "MAPPA_2_3"]}
    response = as_ada.post(url("policy_settings", draft.version), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.summary == "New summary"
    assert draft.remote_supplement_only_for == ["VERY_HIGH_ROSH", "MAPPA_2_3"]
    assert draft.remote_replacement_needs_spo_approval is False


def test_an_administrator_adds_changes_and_removes_a_scoped_rule(as_ada: Client, draft: ContactPolicy) -> None:
    data = {"name": "High RoSH licences", "order_type": "LICENCE", "rosh": "HIGH", "face_to_face_window_days": "14"}
    assert as_ada.post(url("add_policy_rule", draft.version), data).status_code == 302
    rule = draft.rules.get(name="High RoSH licences")
    assert (rule.order_type, rule.rosh, rule.face_to_face_window_days, rule.telephone_only_window_days) == (
        "LICENCE",
        "HIGH",
        14,
        None,
    )
    assert "High RoSH licences" in as_ada.get(url("policy", draft.version)).content.decode()
    data["telephone_only_window_days"] = "21"
    assert as_ada.post(url("edit_policy_rule", draft.version, rule.pk), data).status_code == 302
    rule.refresh_from_db()
    assert rule.telephone_only_window_days == 21
    assert as_ada.get(url("remove_policy_rule", draft.version, rule.pk)).status_code == 200
    assert as_ada.post(url("remove_policy_rule", draft.version, rule.pk)).status_code == 302
    assert not draft.rules.filter(pk=rule.pk).exists()


def test_an_administrator_edits_the_base_rule_of_a_draft(as_ada: Client, draft: ContactPolicy) -> None:
    base = draft.rules.get(is_base=True)
    response = as_ada.post(
        url("edit_policy_rule", draft.version, base.pk), base_rule_data(face_to_face_window_days="21")
    )
    assert response.status_code == 302
    base.refresh_from_db()
    assert base.face_to_face_window_days == 21


def test_the_impact_page_counts_cases_that_would_change(as_ada: Client, ada: Any, draft: ContactPolicy) -> None:
    services.save_rule(draft, by=ada, rule=draft.rules.get(is_base=True), face_to_face_window_days=14)
    person = PersonFactory()
    SentenceFactory(person=person, start_date=timezone.localdate() - timedelta(days=100))
    ContactFactory(person=person, type_code="COAI", starts_at=at(99))
    ContactFactory(person=person, type_code="COAP", starts_at=at(20))
    response = as_ada.get(url("policy_impact", draft.version))
    content = response.content.decode()
    assert response.status_code == 200
    assert '<p class="govuk-heading-xl govuk-!-margin-bottom-1" id="newly-falling-short">1</p>' in content
    response = as_ada.get(
        url("policy_impact", draft.version), date_fields("on", timezone.localdate() - timedelta(days=10))
    )
    assert 'id="newly-falling-short">0</p>' in response.content.decode()


def test_the_impact_fragment_is_served_to_htmx(as_ada: Client, draft: ContactPolicy) -> None:
    response = as_ada.get(url("policy_impact", draft.version), HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert "<html" not in content and 'id="results"' in content


def test_publishing_shows_the_impact_then_publishes(as_ada: Client, draft: ContactPolicy) -> None:
    effective = timezone.localdate() + timedelta(days=7)
    response = as_ada.post(url("publish_policy", draft.version), date_fields("effective_from", effective))
    assert response.status_code == 200
    assert "Check before publishing" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == PolicyStatus.DRAFT
    data = {**date_fields("effective_from", effective), "confirm": "yes"}
    response = as_ada.post(url("publish_policy", draft.version), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.effective_from) == (PolicyStatus.PUBLISHED, effective)
    assert draft.published_by is not None and draft.published_by.username == "ada"


def test_an_administrator_discards_a_draft(as_ada: Client, draft: ContactPolicy) -> None:
    assert as_ada.post(url("discard_policy", draft.version)).status_code == 302
    draft.refresh_from_db()
    assert draft.status == PolicyStatus.DISCARDED
    assert "Create a new draft" in as_ada.get(url("policies")).content.decode()


# --- Bad input -------------------------------------------------------------------------------


def test_it_refuses_an_effective_date_in_the_past(as_ada: Client, draft: ContactPolicy) -> None:
    data = {**date_fields("effective_from", timezone.localdate() - timedelta(days=1)), "confirm": "yes"}
    response = as_ada.post(url("publish_policy", draft.version), data)
    assert_problem(response, "The date the new version takes effect must be today or in the future")
    draft.refresh_from_db()
    assert draft.status == PolicyStatus.DRAFT


def test_it_refuses_an_effective_date_another_version_already_has(
    as_ada: Client, ada: Any, draft: ContactPolicy
) -> None:
    effective = timezone.localdate() + timedelta(days=3)
    services.publish(draft, by=ada, effective_from=effective)
    second = services.create_draft(by=ada, summary="Another change")
    data = {**date_fields("effective_from", effective), "confirm": "yes"}
    response = as_ada.post(url("publish_policy", second.version), data)
    assert_problem(response, f"Version {draft.version} already takes effect on that date. Choose another date")
    second.refresh_from_db()
    assert second.status == PolicyStatus.DRAFT


def test_it_refuses_a_rule_with_negative_numbers(as_ada: Client, draft: ContactPolicy) -> None:
    data = {"name": "Licences", "order_type": "LICENCE", "face_to_face_window_days": "-5"}
    response = as_ada.post(url("add_policy_rule", draft.version), data)
    assert_problem(response, "Face-to-face floor (days) must be 1 or more")
    data = {"name": "Licences", "order_type": "LICENCE", "home_visit_days_low": "-1"}
    assert_problem(
        as_ada.post(url("add_policy_rule", draft.version), data), "First home visit, low RoSH (days) must be 0 or more"
    )
    assert not draft.rules.filter(is_base=False).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"name": "Everything", "face_to_face_window_days": "14"},
            "Choose at least one kind of case the rule applies to",
        ),
        (
            {"name": "Nothing", "order_type": "CO"},
            "Set at least one parameter: a rule that inherits everything changes nothing",
        ),
        ({"name": "Odd", "order_type": "XX", "face_to_face_window_days": "14"}, "Select a sentence type from the list"),
        ({"name": "", "order_type": "CO", "face_to_face_window_days": "14"}, "Enter a name for the rule"),
        (
            {"name": "Words", "order_type": "CO", "face_to_face_window_days": "ten"},
            "Face-to-face floor (days) must be a whole number",
        ),
    ],
)
def test_it_refuses_a_rule_that_is_not_valid(
    as_ada: Client, draft: ContactPolicy, data: dict[str, str], message: str
) -> None:
    assert_problem(as_ada.post(url("add_policy_rule", draft.version), data), message)
    assert not draft.rules.filter(is_base=False).exists()


def test_it_refuses_two_rules_for_the_same_cases(as_ada: Client, ada: Any, draft: ContactPolicy) -> None:
    services.save_rule(draft, by=ada, name="Licences", order_type="LICENCE", face_to_face_window_days=14)
    data = {"name": "Licences again", "order_type": "LICENCE", "face_to_face_window_days": "7"}
    assert_problem(
        as_ada.post(url("add_policy_rule", draft.version), data),
        "Another rule already applies to exactly these cases: change that one",
    )


def test_it_refuses_a_base_rule_with_a_missing_parameter(as_ada: Client, draft: ContactPolicy) -> None:
    base = draft.rules.get(is_base=True)
    response = as_ada.post(
        url("edit_policy_rule", draft.version, base.pk), base_rule_data(telephone_only_window_days="")
    )
    assert_problem(response, "Enter the telephone-only window (days)")
    base.refresh_from_db()
    assert base.telephone_only_window_days == BASE_RULE["telephone_only_window_days"]


def test_it_refuses_to_edit_a_published_version(as_ada: Client) -> None:
    published = ContactPolicy.objects.get(version=1)
    base = published.rules.get(is_base=True)
    response = as_ada.post(url("edit_policy_rule", 1, base.pk), base_rule_data(face_to_face_window_days="7"))
    assert_problem(response, "Version 1 is published: it cannot be changed")
    response = as_ada.post(url("policy_settings", 1), {"summary": "Rewritten history"})
    assert_problem(response, "Version 1 is published: it cannot be changed")
    assert as_ada.post(url("discard_policy", 1)).status_code == 200
    published.refresh_from_db()
    base.refresh_from_db()
    assert published.status == PolicyStatus.PUBLISHED
    assert base.face_to_face_window_days == BASE_RULE["face_to_face_window_days"]
    assert published.summary != "Rewritten history"


def test_it_refuses_a_second_draft(as_ada: Client, draft: ContactPolicy) -> None:
    response = as_ada.post(url("create_policy_draft"), {"summary": "Another"})
    assert_problem(response, "There is already a draft. Publish or discard it before starting another")
    assert ContactPolicy.objects.filter(status=PolicyStatus.DRAFT).count() == 1


def test_it_never_removes_the_base_rule(as_ada: Client, draft: ContactPolicy) -> None:
    base = draft.rules.get(is_base=True)
    assert_problem(as_ada.post(url("remove_policy_rule", draft.version, base.pk)), "The base rule cannot be removed")
    assert PolicyRule.objects.filter(pk=base.pk).exists()


# --- Query counts ----------------------------------------------------------------------------


@pytest.mark.parametrize("rules", [1, 8])
def test_the_detail_page_takes_a_fixed_number_of_queries(
    as_ada: Client, ada: Any, draft: ContactPolicy, rules: int, django_assert_max_num_queries: Any
) -> None:
    for n in range(rules):
        services.save_rule(
            draft,
            by=ada,
            name=f"Rule {n}",
            tier_letter="ABCD"[n % 4],
            phase=["EARLY", "STANDARD"][n // 4],
            face_to_face_window_days=10 + n,
        )
    with django_assert_max_num_queries(10):
        assert as_ada.get(url("policy", draft.version)).status_code == 200


@pytest.mark.parametrize("versions", [1, 6])
def test_the_list_takes_a_fixed_number_of_queries(
    as_ada: Client, ada: Any, versions: int, django_assert_max_num_queries: Any
) -> None:
    for n in range(versions):
        services.discard_draft(services.create_draft(by=ada, summary=f"Idea {n}"), by=ada)
    with django_assert_max_num_queries(8):
        assert as_ada.get(url("policies")).status_code == 200


def test_the_impact_page_takes_a_fixed_number_of_queries(
    as_ada: Client, draft: ContactPolicy, django_assert_max_num_queries: Any
) -> None:
    for _ in range(6):
        person = PersonFactory()
        SentenceFactory(person=person, start_date=timezone.localdate() - timedelta(days=10))
        ContactFactory(person=person, type_code="COAI", starts_at=at(9))
    with django_assert_max_num_queries(14):
        assert as_ada.get(url("policy_impact", draft.version)).status_code == 200


# --- The person page panel -------------------------------------------------------------------


def test_the_person_page_shows_the_contact_standard(as_pat: Client, pats_case: Person) -> None:
    SentenceFactory(person=pats_case, start_date=timezone.localdate() - timedelta(days=120))
    ContactFactory(person=pats_case, type_code="COAI", starts_at=at(119))
    ContactFactory(person=pats_case, type_code="COPT", starts_at=at(3))
    content = as_pat.get(reverse("cases:person", args=[pats_case.crn])).content.decode()
    assert "Contact standard" in content
    assert "Main supervision" in content
    assert "Face-to-face contact overdue" in content
    assert "Telephone-only supervision" in content
    assert "Evaluated under contact policy version 1 (effective 1 October 2018)" in content


def test_the_person_page_says_when_a_case_is_not_under_supervision(as_pat: Client, pats_case: Person) -> None:
    content = as_pat.get(reverse("cases:person", args=[pats_case.crn])).content.decode()
    assert "Not under active supervision" in content
