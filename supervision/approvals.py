"""What happens when an SPO approves a request: one handler per kind of approval.

`supervision.services.approvals.decide_approval` runs the handler for the request's kind inside the
same transaction as the decision, so the decision and its effect are saved together or not at all.
A handler raises `ValidationError` to refuse the approval (the decision is then not recorded).

Every kind's handler, supervision's own (remote contact, Probation Reset exception) and those of
apps supervision may not import (a flag acknowledgement), is listed in the composition root
(`probation/wiring.py`, `APPROVAL_HANDLERS`). A kind with no handler cannot be approved (it can
still be rejected), so nothing is approved to no effect.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import Person, Sentence, User
from supervision.models import ApprovalKind, ApprovalRequest

Handler = Callable[[ApprovalRequest, User], None]

_HANDLERS: dict[str, Handler] = {}


def register_handler(kind: str, approve: Handler) -> None:
    """Run `approve(request, spo)` when an SPO approves a request of this kind (the latest registration wins)."""
    if kind not in ApprovalKind.values:
        raise ValueError(f"Unknown approval kind {kind!r}")
    _HANDLERS[kind] = approve


def handler_for(kind: str) -> Handler | None:
    return _HANDLERS.get(kind)


def remote_supplement_reasons(person: Person) -> list[str]:
    """Why remote contact may only supplement face-to-face contact for this case (the
    policy's criteria the case meets today); empty when replacing some face-to-face contact may be approved."""
    from supervision.policy.facts import facts_for
    from supervision.policy.resolve import NoPolicyInForce, policy_in_force
    from supervision.policy.rules import remote_supplement_reasons as reasons

    on = timezone.localdate()
    try:
        policy = policy_in_force(on)
    except NoPolicyInForce:
        return []
    return reasons(facts_for(person, on), list(policy.remote_supplement_only_for), on)


def approve_remote_contact(request: ApprovalRequest, spo: User) -> None:
    """The approval itself (with its `valid_until`) is the record; the case must still qualify."""
    reasons = remote_supplement_reasons(request.person)
    if reasons:
        raise ValidationError(remote_contact_refusal(reasons))


def remote_contact_refusal(reasons: list[str]) -> str:
    return (
        "The contact policy says remote contact may only supplement face-to-face contact for this case "
        f"({', '.join(reason.lower() for reason in reasons)})"
    )


def approve_reset_override(request: ApprovalRequest, spo: User) -> None:
    """Record the SPO's Probation Reset decision with the state the practitioner proposed."""
    from supervision.services.reset import decide_reset

    sentence = Sentence.objects.filter(person_id=request.person_id, pk=request.subject_id or uuid.UUID(int=0)).first()
    if sentence is None:
        raise ValidationError("The sentence this request is about no longer exists")
    state = str(request.details.get("state", ""))
    decide_reset(request.person, sentence, by=spo, state=state, reason=request.decision_reason)
