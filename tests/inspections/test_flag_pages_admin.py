"""The Django admin for the checks: administrators edit check definitions; flags are read-only."""

from __future__ import annotations

import pytest

from cases.models import Role
from inspections.models import CheckDefinition, Flag
from tests.cases.factories import UserFactory
from tests.cases.pages import client_for
from tests.inspections.factories import FlagFactory

pytestmark = pytest.mark.django_db


def test_an_admin_lists_the_check_definitions(as_ada):
    response = as_ada.get("/admin/inspections/checkdefinition/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Telephone-only supervision" in content and "EM location data overdue" in content


def test_an_admin_changes_a_threshold_and_switches_a_check_off(as_ada):
    check = CheckDefinition.objects.get(kind="ASSESSMENT_OVERDUE")
    response = as_ada.post(
        f"/admin/inspections/checkdefinition/{check.pk}/change/",
        {
            "standard": "2.1",
            "key_question": check.key_question,
            "severity": "MEDIUM",
            "threshold": "15",
            "threshold_unit": "days",
        },
    )
    assert response.status_code == 302, response.content.decode()
    check.refresh_from_db()
    assert (check.threshold, check.severity, check.is_enabled, check.kind) == (
        15,
        "MEDIUM",
        False,
        "ASSESSMENT_OVERDUE",
    )


def test_an_admin_can_neither_add_nor_delete_a_check(as_ada):
    check = CheckDefinition.objects.get(kind="TELEPHONE_ONLY")
    assert as_ada.get("/admin/inspections/checkdefinition/add/").status_code == 403
    assert as_ada.post(f"/admin/inspections/checkdefinition/{check.pk}/delete/", {"post": "yes"}).status_code == 403
    assert CheckDefinition.objects.filter(pk=check.pk).exists()


def test_flags_are_read_only_in_the_admin(as_ada, pats_case):
    flag = FlagFactory(person=pats_case)
    assert as_ada.get("/admin/inspections/flag/").status_code == 200
    assert as_ada.get(f"/admin/inspections/flag/{flag.pk}/change/").status_code == 200  # view only
    assert as_ada.get("/admin/inspections/flag/add/").status_code == 403
    as_ada.post(f"/admin/inspections/flag/{flag.pk}/change/", {"kind": "TELEPHONE_ONLY", "severity": "LOW"})
    assert as_ada.post(f"/admin/inspections/flag/{flag.pk}/delete/", {"post": "yes"}).status_code == 403
    flag.refresh_from_db()
    assert (flag.kind, flag.severity) == ("FACE_TO_FACE_OVERDUE", "HIGH")
    assert Flag.objects.filter(pk=flag.pk).exists()


@pytest.mark.parametrize("url", ["/admin/inspections/checkdefinition/", "/admin/inspections/flag/"])
def test_other_staff_get_no_check_admin(gateshead, url):
    spo_with_staff_status = client_for(UserFactory(role=Role.SPO, team=gateshead, is_staff=True))
    assert spo_with_staff_status.get(url).status_code == 403
