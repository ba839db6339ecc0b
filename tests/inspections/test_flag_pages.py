"""Flag pages: the Flags card on the person page, the Flags tab, one flag with its evidence and
history, acknowledging a flag, and the flags list of an SPO's team or a practitioner's cases."""

from __future__ import annotations

from datetime import timedelta

import pghistory
import pytest
from django.utils import timezone

from inspections.models import Flag, FlagKind
from tests.cases.factories import PersonFactory
from tests.cases.pages import assert_problem, date_fields, is_fragment, problems
from tests.inspections.factories import FlagFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days_ago(days: int):
    return timezone.now() - timedelta(days=days)


def resolved(flag: Flag, why: str = "Face-to-face contact recorded") -> Flag:
    with pghistory.context(service="checks"):
        Flag.objects.filter(pk=flag.pk).update(resolved_at=timezone.now(), resolution=why)
    flag.refresh_from_db()
    return flag


def acknowledged(flag: Flag, by, *, reason: str = "Agreed plan in place", days: int = 30) -> Flag:
    with pghistory.context(user=by.pk):
        Flag.objects.filter(pk=flag.pk).update(
            acknowledged_at=timezone.now(),
            acknowledged_by=by,
            acknowledgement_reason=reason,
            acknowledgement_expires=TODAY + timedelta(days=days),
        )
    flag.refresh_from_db()
    return flag


# --- The person page ------------------------------------------------------------------------------


def test_the_person_page_shows_open_flags_first(as_pat, pats_case, sam):
    FlagFactory(person=pats_case, kind="TELEPHONE_ONLY", opened_at=days_ago(10))
    acknowledged(FlagFactory(person=pats_case, kind="OUTCOME_NOT_RECORDED"), sam, reason="Officer on leave")
    resolved(FlagFactory(person=pats_case, kind="HOME_VISIT_OVERDUE"))

    content = as_pat.get("/people/X100001/").content.decode()

    assert content.index('id="flags"') < content.index('id="personal-details"')
    assert content.index('id="flags"') < content.index('id="compliance"')
    card = content[content.index('id="flags"') : content.index('id="personal-details"')]
    assert "Telephone-only supervision" in card and "Outcome not recorded" in card
    assert "Home visit overdue" not in card
    assert "High" in card and "Standard 2.3" in card
    assert f"Acknowledged until {(TODAY + timedelta(days=30)):%-d %b %Y} by Sam Senior: Officer on leave" in card
    assert "/people/X100001/flags/" in card


def test_the_person_page_says_when_there_are_no_open_flags(as_pat, pats_case):
    content = as_pat.get("/people/X100001/").content.decode()
    assert "No open flags" in content


@pytest.mark.parametrize("count", [1, 10])
def test_the_flags_card_costs_the_same_for_many_flags(as_pat, pats_case, count, django_assert_max_num_queries):
    kinds = list(FlagKind.values)[:count]
    for kind in kinds:
        FlagFactory(person=pats_case, kind=kind)
    # The person page's own bound (tests/cases/test_person_page.py) plus the one query of the card.
    with django_assert_max_num_queries(33):
        response = as_pat.get("/people/X100001/")
    assert response.status_code == 200
    assert response.content.decode().count("/people/X100001/flags/") >= count


# --- The Flags tab --------------------------------------------------------------------------------


def test_the_flags_tab_lists_open_and_resolved_flags(as_pat, pats_case):
    FlagFactory(person=pats_case, kind="TELEPHONE_ONLY")
    resolved(FlagFactory(person=pats_case, kind="HOME_VISIT_OVERDUE"), "Home visit recorded")

    response = as_pat.get("/people/X100001/flags/")

    content = response.content.decode()
    assert response.status_code == 200
    assert 'aria-current="page">Flags<' in content
    open_part, resolved_part = content.split("Resolved flags")
    assert "Telephone-only supervision" in open_part
    assert "Home visit overdue" in resolved_part and "Home visit recorded" in resolved_part


def test_the_flags_tab_hides_the_case_from_another_region(as_olga, pats_case):
    FlagFactory(person=pats_case)
    assert as_olga.get("/people/X100001/flags/").status_code == 404


@pytest.mark.parametrize("count", [1, 12])
def test_the_flags_tab_costs_the_same_for_many_flags(as_pat, pats_case, count, django_assert_max_num_queries):
    for n in range(count):
        resolved(FlagFactory(person=pats_case, opened_at=days_ago(n + 1)))
    with django_assert_max_num_queries(10):
        response = as_pat.get("/people/X100001/flags/")
    assert response.content.decode().count("Face-to-face contact recorded") == count


# --- One flag -------------------------------------------------------------------------------------

EVIDENCE = {
    "window_days": 42,
    "window_start": "2026-01-01",
    "contacts": [
        {"date": "2026-01-05", "type": "COPT", "description": "Telephone contact", "face_to_face": False},
        {"date": "2026-01-19", "type": "COVC", "description": "Video call", "face_to_face": False},
    ],
    "rule": {"name": "Base", "order_type": "CO"},
}


def test_a_flag_page_shows_everything_about_the_flag(as_pat, pats_case):
    flag = FlagFactory(person=pats_case, kind="TELEPHONE_ONLY", evidence=EVIDENCE, due_by=TODAY - timedelta(days=2))

    response = as_pat.get(f"/people/X100001/flags/{flag.pk}/")

    content = response.content.decode()
    assert response.status_code == 200
    assert "Telephone-only supervision" in content and "TELEPHONE_ONLY" in content
    assert "2.3 Implementation and delivery" in content  # the key question from the definition
    assert f"{flag.due_by:%-d %B %Y}" in content
    # Evidence: key/values, and each list as a table with one column per key
    assert "Window days" in content and "42" in content
    assert "1 Jan 2026" in content
    assert "Telephone contact" in content and "Video call" in content and "5 Jan 2026" in content
    assert '<th scope="col" class="govuk-table__header">Face to face</th>' in content
    assert "Rule: order type" in content
    # History: the insert event
    assert "Opened" in content and "Automated checks" in content
    assert "Acknowledge<span" not in content  # Pat is not an SPO


@pytest.mark.parametrize(
    "evidence", [{}, [], "free text", [1, 2], {"x": None, "items": []}, {"a": [{"b": [1, {"c": 2}]}]}]
)
def test_a_flag_page_renders_evidence_of_any_shape(as_pat, pats_case, evidence):
    flag = FlagFactory(person=pats_case, evidence=evidence)
    assert as_pat.get(f"/people/X100001/flags/{flag.pk}/").status_code == 200


def test_a_flag_page_tells_its_history(as_sam, pats_case, sam):
    flag = FlagFactory(person=pats_case, kind="FACE_TO_FACE_OVERDUE")
    with pghistory.context(service="checks"):
        Flag.objects.filter(pk=flag.pk).update(last_checked_at=timezone.now())  # a re-check changes nothing told
        Flag.objects.filter(pk=flag.pk).update(due_by=TODAY)
    acknowledged(flag, sam, reason="Plan agreed with the person")
    resolved(flag, "Face-to-face contact recorded on 3 March")

    content = as_sam.get(f"/people/X100001/flags/{flag.pk}/").content.decode()

    history = content[content.index(">History<") :]
    assert history.index("Opened") < history.index("Updated") < history.index("Acknowledged until")
    assert history.index("Acknowledged until") < history.index("Resolved")
    assert "Changed: due by" in history
    assert "Sam Senior" in history and "Plan agreed with the person" in history
    assert "Face-to-face contact recorded on 3 March" in history
    assert history.count('<tr class="govuk-table__row">') == 5  # header + 4 told events
    assert "Acknowledge<span" not in content  # resolved: nothing to acknowledge


def test_a_flag_page_offers_acknowledgement_to_the_teams_spo(as_sam, pats_case):
    flag = FlagFactory(person=pats_case)
    content = as_sam.get(f"/people/X100001/flags/{flag.pk}/").content.decode()
    assert f"/people/X100001/flags/{flag.pk}/acknowledge/" in content


def test_a_flag_page_refuses_a_flag_of_another_case(as_pat, pats_case, pat):
    other = FlagFactory(person=PersonFactory(crn="X100002", practitioner=pat))
    assert as_pat.get(f"/people/X100001/flags/{other.pk}/").status_code == 404
    assert as_pat.get("/people/X100001/flags/not-a-uuid/").status_code == 404
    assert as_pat.get("/people/X100001/flags/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_a_flag_page_hides_the_case_from_another_region(as_olga, pats_case):
    flag = FlagFactory(person=pats_case)
    assert as_olga.get(f"/people/X100001/flags/{flag.pk}/").status_code == 404


@pytest.mark.parametrize("count", [1, 10])
def test_a_flag_page_costs_the_same_for_a_long_history(as_sam, pats_case, sam, count, django_assert_max_num_queries):
    flag = FlagFactory(person=pats_case, evidence=EVIDENCE)
    for n in range(count):
        acknowledged(flag, sam, reason=f"Reason {n}", days=n + 1)
    with django_assert_max_num_queries(12):
        response = as_sam.get(f"/people/X100001/flags/{flag.pk}/")
    assert response.content.decode().count("Acknowledged until") == count + 1  # history + summary


# --- Acknowledging --------------------------------------------------------------------------------


def ack_url(flag: Flag) -> str:
    return f"/people/{flag.person.crn}/flags/{flag.pk}/acknowledge/"


def test_the_teams_spo_acknowledges_a_flag(as_sam, pats_case, sam):
    flag = FlagFactory(person=pats_case)
    until = TODAY + timedelta(days=28)

    assert as_sam.get(ack_url(flag)).status_code == 200
    response = as_sam.post(
        ack_url(flag), {"reason": "Person in hospital; plan agreed", **date_fields("expires", until)}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/people/X100001/flags/{flag.pk}/"
    flag.refresh_from_db()
    assert flag.acknowledged_by == sam
    assert flag.acknowledgement_reason == "Person in hospital; plan agreed"
    assert flag.acknowledgement_expires == until
    assert flag.is_open and flag.is_acknowledged
    page = as_sam.get(response["Location"]).content.decode()
    assert "Person in hospital; plan agreed" in page and "acknowledged" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "", **date_fields("expires", TODAY + timedelta(days=5))}, "Enter why the flag is acknowledged"),
        ({"reason": "   ", **date_fields("expires", TODAY + timedelta(days=5))}, "Enter why the flag is acknowledged"),
        ({"reason": "x" * 1001, **date_fields("expires", TODAY)}, "Reason must be 1000 characters or fewer"),
        ({"reason": "Plan"}, "Enter the date the acknowledgement ends"),
        (
            {"reason": "Plan", **date_fields("expires", day="31", month="2", year="2026")},
            "The acknowledged until must be a real date",
        ),
        (
            {"reason": "Plan", **date_fields("expires", day="1", month="", year="2026")},
            "The acknowledged until must include a month",
        ),
        (
            {"reason": "Plan", **date_fields("expires", TODAY - timedelta(days=1))},
            "The acknowledged until must be today or in the future",
        ),
    ],
)
def test_it_refuses_bad_acknowledgements(as_sam, pats_case, data, message):
    flag = FlagFactory(person=pats_case)
    response = as_sam.post(ack_url(flag), data)
    assert_problem(response, message)
    flag.refresh_from_db()
    assert flag.acknowledged_at is None


def test_it_refuses_an_expiry_beyond_the_engines_limit(as_sam, pats_case):
    from inspections.services import ACKNOWLEDGEMENT_MAX_DAYS

    flag = FlagFactory(person=pats_case)
    too_late = TODAY + timedelta(days=ACKNOWLEDGEMENT_MAX_DAYS + 1)
    response = as_sam.post(ack_url(flag), {"reason": "Plan", **date_fields("expires", too_late)})
    assert response.status_code == 200
    assert any(f"within {ACKNOWLEDGEMENT_MAX_DAYS} days" in p for p in problems(response)), problems(response)
    flag.refresh_from_db()
    assert flag.acknowledged_at is None
    ok = as_sam.post(ack_url(flag), {"reason": "Plan", **date_fields("expires", too_late - timedelta(days=1))})
    assert ok.status_code == 302


@pytest.mark.parametrize("who", ["as_pat", "as_eve", "as_rory", "as_ada"])
def test_only_the_teams_spo_may_acknowledge(request, pats_case, who):
    flag = FlagFactory(person=pats_case)
    client = request.getfixturevalue(who)
    data = {"reason": "Plan", **date_fields("expires", TODAY + timedelta(days=5))}
    assert client.get(ack_url(flag)).status_code in (403, 404)
    assert client.post(ack_url(flag), data).status_code in (403, 404)
    flag.refresh_from_db()
    assert flag.acknowledged_at is None


def test_an_spo_of_another_team_may_not_acknowledge(newcastle, pats_case):
    from cases.models import Role
    from tests.cases.factories import UserFactory
    from tests.cases.pages import client_for

    other_spo = client_for(UserFactory(username="nina", role=Role.SPO, team=newcastle))
    flag = FlagFactory(person=pats_case)
    assert other_spo.get(ack_url(flag)).status_code == 403


def test_it_hides_acknowledgement_from_another_region(as_olga, pats_case):
    flag = FlagFactory(person=pats_case)
    assert as_olga.get(ack_url(flag)).status_code == 404


def test_a_resolved_flag_cannot_be_acknowledged(as_sam, pats_case):
    flag = resolved(FlagFactory(person=pats_case))
    data = {"reason": "Plan", **date_fields("expires", TODAY + timedelta(days=5))}
    assert as_sam.post(ack_url(flag), data).status_code == 404


# --- The flags list -------------------------------------------------------------------------------


@pytest.fixture
def team_flags(pat, eve, gateshead, newcastle):
    """Flags on Pat's and Eve's cases in Gateshead, and one in Newcastle (not Sam's team)."""
    pats = PersonFactory(crn="X100001", first_name="John", last_name="Smith", practitioner=pat)
    eves = PersonFactory(crn="X100002", first_name="Erin", last_name="Jones", practitioner=eve)
    elsewhere = PersonFactory(crn="X100003", first_name="Nick", last_name="Newcastle", team=newcastle)
    return {
        "pat_old": FlagFactory(person=pats, kind="TELEPHONE_ONLY", opened_at=days_ago(40)),
        "pat_new": FlagFactory(person=pats, kind="OUTCOME_NOT_RECORDED", opened_at=days_ago(2)),
        "eve_mid": FlagFactory(person=eves, kind="TELEPHONE_ONLY", opened_at=days_ago(10)),
        "eve_resolved": resolved(FlagFactory(person=eves, kind="HOME_VISIT_OVERDUE", opened_at=days_ago(20))),
        "elsewhere": FlagFactory(person=elsewhere, kind="TELEPHONE_ONLY"),
    }


def rows(content: str) -> list[str]:
    body = content[content.index("<tbody") : content.index("</tbody>")]
    return [row for row in body.split('<tr class="govuk-table__row">')[1:]]


def test_an_spo_sees_her_teams_open_flags_oldest_first(as_sam, team_flags):
    response = as_sam.get("/flags/")

    content = response.content.decode()
    assert response.status_code == 200
    assert "Team flags" in content and "3 open flags" in content
    found = rows(content)
    assert ["Smith" in found[0], "Jones" in found[1], "Smith" in found[2]] == [True, True, True]
    assert "Telephone-only supervision" in found[0] and "Outcome not recorded" in found[2]
    assert len(found) == 3
    assert not any("X100003" in row or "Home visit overdue" in row for row in found)
    counts = content[
        content.index('id="counts-by-kind"') : content.index("</ul>", content.index('id="counts-by-kind"'))
    ]
    assert 'app-badge">2</strong> Telephone-only supervision' in counts
    assert 'app-badge">1</strong> Outcome not recorded' in counts


def test_a_practitioner_sees_flags_on_her_own_cases(as_pat, team_flags):
    content = as_pat.get("/flags/").content.decode()
    assert "Flags on your cases" in content and "2 open flags" in content
    assert "Jones" not in content
    assert 'name="practitioner"' not in content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=TELEPHONE_ONLY", ["pat_old", "eve_mid"]),
        ("kind=TELEPHONE_ONLY&kind=OUTCOME_NOT_RECORDED", ["pat_old", "eve_mid", "pat_new"]),
        ("severity=LOW", ["pat_new"]),
        ("age=7", ["pat_old", "eve_mid"]),
        ("age=30", ["pat_old"]),
        ("acknowledged=yes", ["eve_mid"]),
        ("acknowledged=no", ["pat_old", "pat_new"]),
    ],
)
def test_the_flags_list_filters(as_sam, sam, team_flags, query, expected):
    acknowledged(team_flags["eve_mid"], sam)
    content = as_sam.get(f"/flags/?{query}").content.decode()
    found = rows(content)
    assert len(found) == len(expected), query
    for row, name in zip(found, expected, strict=True):
        assert f"/flags/{team_flags[name].pk}/" in row


def test_the_flags_list_filters_by_practitioner(as_sam, eve, team_flags):
    content = as_sam.get(f"/flags/?practitioner={eve.pk}").content.decode()
    assert len(rows(content)) == 1 and "Jones" in content


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("kind=NOPE", "Select kinds of flag from the list"),
        ("severity=EXTREME", "Select severities from the list"),
        ("age=5", "Select how long ago the flag opened from the list"),
        ("age=x", "Select how long ago the flag opened from the list"),
        ("acknowledged=maybe", "Select acknowledged or not from the list"),
        ("practitioner=999999", "Select a practitioner in your team"),
        ("practitioner=abc", "Select a practitioner in your team"),
    ],
)
def test_the_flags_list_reports_bad_filters(as_sam, team_flags, query, message):
    response = as_sam.get(f"/flags/?{query}")
    assert message in problems(response)
    assert "3 open flags" in response.content.decode()  # the bad filter is left out


def test_the_flags_list_refuses_an_spo_the_practitioner_of_another_team(as_sam, olga, team_flags):
    response = as_sam.get(f"/flags/?practitioner={olga.pk}")
    assert "Select a practitioner in your team" in problems(response)


def test_the_flags_list_answers_htmx_with_the_results_only(as_sam, team_flags):
    response = as_sam.get("/flags/?kind=TELEPHONE_ONLY", HTTP_HX_REQUEST="true")
    assert is_fragment(response)
    assert "2 open flags" in response.content.decode()


def test_the_flags_list_pages_by_25(as_sam, sam, gateshead):
    for n in range(27):
        FlagFactory(person=PersonFactory(crn=f"X3{n:05d}", team=gateshead), opened_at=days_ago(30 - n))
    first = as_sam.get("/flags/").content.decode()
    second = as_sam.get("/flags/?page=2").content.decode()
    assert len(rows(first)) == 25 and len(rows(second)) == 2
    assert "X300000" in first and "X300026" in second
    assert as_sam.get("/flags/?page=zzz").status_code == 200


@pytest.mark.parametrize("who", ["as_rory", "as_ada"])
def test_the_flags_list_refuses_other_roles(request, who):
    assert request.getfixturevalue(who).get("/flags/").status_code == 403


def test_the_flags_list_shows_another_region_nothing(as_olga, team_flags):
    content = as_olga.get("/flags/").content.decode()
    assert "0 open flags" in content and "Smith" not in content


def test_the_flags_list_needs_signing_in(client):
    response = client.get("/flags/")
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_the_navigation_links_to_flags_for_spos_and_practitioners(as_sam, as_pat, as_rory):
    assert 'href="/flags/"' in as_sam.get("/team-caseload/").content.decode()
    assert 'href="/flags/"' in as_pat.get("/caseload/").content.decode()
    assert 'href="/flags/"' not in as_rory.get("/search/").content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_the_flags_list_costs_the_same_for_many_flags(
    as_sam, pat, eve, gateshead, count, django_assert_max_num_queries
):
    for n in range(count):
        person = PersonFactory(crn=f"X4{n:05d}", practitioner=[pat, eve, None][n % 3], team=gateshead)
        FlagFactory(person=person, kind=["TELEPHONE_ONLY", "HOME_VISIT_OVERDUE"][n % 2], opened_at=days_ago(n + 1))
    with django_assert_max_num_queries(13):
        response = as_sam.get("/flags/?acknowledged=no")
    assert f"{count} open flags" in response.content.decode()


# --- The home page --------------------------------------------------------------------------------


def test_the_home_page_shows_new_flags_on_the_practitioners_cases(as_pat, team_flags):
    content = as_pat.get("/").content.decode()
    section = content[content.index('id="flags"') :]
    assert "Flags on your cases" in content
    assert "Outcome not recorded" in section  # opened 2 days ago
    assert f"/people/X100001/flags/{team_flags['pat_new'].pk}/" in section
    assert f"/flags/{team_flags['pat_old'].pk}/" not in section  # opened 40 days ago: not new
    assert "2 open flags on your cases" in section
    assert 'href="/flags/"' in section


def test_the_home_page_says_when_there_are_no_new_flags(as_pat, pats_case):
    assert "No new flags on your cases in the last 14 days" in as_pat.get("/").content.decode()


@pytest.mark.parametrize("count", [2, 20])
def test_the_home_page_flags_cost_the_same_for_many_flags(as_pat, pat, count, django_assert_max_num_queries):
    for n in range(count):
        FlagFactory(person=PersonFactory(crn=f"X5{n:05d}", practitioner=pat), opened_at=days_ago(n % 14))
    # The home page's own bound (tests/supervision/test_home.py) includes the section's one query.
    with django_assert_max_num_queries(14):
        response = as_pat.get("/")
    assert f"{count} open flags on your cases" in response.content.decode()
