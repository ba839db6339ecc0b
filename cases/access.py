"""The one access chokepoint for people on probation.

Every page and endpoint that shows or changes a case gets it through `get_person_for_user` (or
lists cases through `visible_people`). "Missing" and "not yours" both answer 404, so nobody can
probe for CRNs they may not see.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from cases.models import CRN_REGEX, AccessRuleKind, CaseAccessRule, CaseView, Person, PersonQuerySet, User

_CRN = re.compile(CRN_REGEX)


def _rules(kind: str, user: User | None = None) -> Exists:
    rules = CaseAccessRule.objects.filter(person=OuterRef("pk"), kind=kind)
    if user is not None:
        rules = rules.filter(user=user)
    return Exists(rules)


def _scope(user: User) -> Q | None:
    """The cases a member of staff sees by default, or None for none at all."""
    scope = settings.CASE_VISIBILITY_SCOPE
    if scope == "national":
        return Q()
    if user.team_id is None:
        return None
    team = user.team
    assert team is not None
    if scope == "pdu":
        return Q(team__pdu_id=team.pdu_id)
    return Q(team__pdu__region_id=team.pdu.region_id)


def visible_people(user: User) -> PersonQuerySet:
    """Cases `user` may see: in scope and not restricted away from them, never if excluded.

    Staff named on a restriction list see that case even outside their usual scope.
    """
    people = Person.objects.all()
    if not (user.is_authenticated and user.is_active):
        return people.none()
    scope = _scope(user)
    restricted = _rules(AccessRuleKind.RESTRICTION)
    named = _rules(AccessRuleKind.RESTRICTION, user)
    excluded = _rules(AccessRuleKind.EXCLUSION, user)
    condition: Q | Exists = named
    if scope is not None:
        condition = (scope & ~restricted) | named
    return people.filter(condition & ~excluded).annotate(is_restricted=restricted)


def get_person_for_user(user: User, crn: str, *, write: bool = False, path: str = "") -> Person:
    """Return the case with this CRN if `user` may see it (and change it, with `write`).

    Raises Http404 when the case does not exist or is not visible, PermissionDenied when it is
    visible but the user's role may not change cases. Each view of a restricted case is logged.
    """
    crn = crn.strip().upper()
    # A malformed CRN cannot match; checking first also keeps bytes PostgreSQL refuses (NUL) out
    # of the query, which would otherwise be a server error instead of "not found".
    if not _CRN.fullmatch(crn):
        raise Http404("No case with that CRN")
    person = visible_people(user).select_related("team__pdu__region", "practitioner").filter(crn=crn).first()
    if person is None:
        raise Http404("No case with that CRN")
    if write and not user.can_change_cases:
        raise PermissionDenied("Your role cannot change case records")
    if getattr(person, "is_restricted", False):
        CaseView.objects.create(person=person, user=user, path=path[:500])
    return person


def require_role(user: User, *roles: str) -> None:
    """Refuse (403) anyone whose role is not one of `roles`."""
    if not user.is_authenticated or user.role not in roles:
        raise PermissionDenied("Your role cannot use this page")
