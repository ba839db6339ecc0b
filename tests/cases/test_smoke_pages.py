import pytest

pytestmark = pytest.mark.django_db


def test_it_shows_pat_her_caseload(as_pat, pats_case):
    response = as_pat.get("/caseload/")
    assert response.status_code == 200
    assert b"Smith, John" in response.content


def test_it_shows_the_person_page(as_pat, pats_case):
    response = as_pat.get("/people/X100001/")
    assert response.status_code == 200
    assert b"Personal details" in response.content


def test_a_colleague_in_another_region_gets_404(as_olga, pats_case):
    assert as_olga.get("/people/X100001/").status_code == 404
