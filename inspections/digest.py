"""The daily flags digest: one e-mail a day to each practitioner and SPO who has something new.

- A practitioner's digest lists the flags opened on her own caseload since her last digest (or in
  the last 24 hours, the first time) and every open, unacknowledged flag on it that is overdue
  (due before today).
- An SPO's digest summarises her team: open flags by kind and by practitioner, how many are new
  since her last digest, and the oldest unacknowledged ones.

"No digest when there is nothing new" (issue 4): a digest is sent only when a flag opened, or an
open flag became overdue, since the member of staff's last digest. Flags that were already overdue
yesterday are repeated inside a digest that goes out for something new, but never on their own, so
an unchanged backlog does not e-mail anyone every morning (the home page and the flags list show
it all the time).

Each case is listed only if the member of staff may see it (`cases.access.visible_people`), so an
exclusion or restriction list is respected in e-mail as on the pages. Staff without an e-mail
address are skipped. `DigestLog(user, sent_on)` is unique: the log row is inserted in the same
transaction as the e-mail is sent, so a second run on the same day (or a concurrent one) sends
nothing, and a failed send leaves no log, so the next run tries again.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from cases.access import visible_people
from cases.models import Role, User
from inspections.models import DigestLog, Flag, FlagKind, FlagQuerySet
from kit.clock import now_as_of

logger = logging.getLogger(__name__)

# How many of the oldest unacknowledged flags an SPO's digest names (the rest are counted).
OLDEST_SHOWN = 10
# The first digest (no earlier one logged) covers this long before the run.
FIRST_DIGEST_LOOKBACK = timedelta(hours=24)

Audience = Literal["practitioner", "spo"]


@dataclass
class Digest:
    """What one member of staff's e-mail says. `flags` is how many flags it lists (DigestLog.flags)."""

    user: User
    audience: Audience
    on: date
    since: datetime
    new_flags: list[Flag] = field(default_factory=list)
    overdue_flags: list[Flag] = field(default_factory=list)
    newly_overdue: int = 0
    # SPO team summary.
    open_total: int = 0
    by_kind: list[tuple[str, int]] = field(default_factory=list)
    by_practitioner: list[tuple[str, int]] = field(default_factory=list)
    oldest_unacknowledged: list[Flag] = field(default_factory=list)
    unacknowledged_total: int = 0

    @property
    def has_news(self) -> bool:
        return bool(self.new_flags) or self.newly_overdue > 0

    @property
    def flags(self) -> int:
        if self.audience == "practitioner":
            return len({flag.pk for flag in [*self.new_flags, *self.overdue_flags]})
        return self.open_total

    @property
    def subject(self) -> str:
        new = len(self.new_flags)
        if self.audience == "practitioner":
            parts = [f"{new} new"] if new else []
            if self.overdue_flags:
                parts.append(f"{len(self.overdue_flags)} overdue")
            return f"Flags on your cases: {', '.join(parts) or 'nothing new'}"
        team = self.user.team.name if self.user.team else "your team"
        return f"Flags in {team}: {new} new, {self.open_total} open"


@dataclass
class DigestRun:
    """What a run did: who got a digest, who had nothing new, who was skipped and why."""

    on: date
    dry_run: bool = False
    sent: list[Digest] = field(default_factory=list)
    nothing_new: int = 0
    no_email: int = 0
    already_sent: int = 0
    failed: int = 0


def recipients() -> QuerySet[User]:
    """Active practitioners and SPOs with a team (the people a digest is for), e-mail or not."""
    return (
        User.objects.filter(is_active=True, role__in=[Role.PRACTITIONER, Role.SPO], team__isnull=False)
        .select_related("team")
        .order_by("pk")
    )


def _window(user: User, on: date, now: datetime) -> datetime:
    """Since when "new" counts: the user's last digest before `on`, else 24 hours before the run."""
    last = DigestLog.objects.filter(user=user, sent_on__lt=on).order_by("-sent_on").values_list("sent_at", flat=True)
    return last.first() or now_as_of(on, now) - FIRST_DIGEST_LOOKBACK


def _flags(user: User, people: Q) -> FlagQuerySet:
    """Open flags on the cases `people` selects, limited to those `user` may see."""
    return (
        Flag.objects.open()
        .filter(people, person__in=visible_people(user).values("pk"))
        .select_related("person", "person__practitioner")
        .order_by("opened_at", "kind")
    )


def _kind_label(kind: str) -> str:
    return str(FlagKind(kind).label) if kind in FlagKind.values else kind


def build_digest(user: User, on: date | None = None, *, now: datetime | None = None) -> Digest:
    """The digest `user` would get for `on` (today by default); `has_news` says whether to send it."""
    now = now or timezone.now()
    on = on or timezone.localdate(now)
    since = _window(user, on, now)
    until = now_as_of(on, now)  # the end of the window: now for today, the end of a past day
    since_day = timezone.localdate(since)
    if user.role == Role.SPO:
        flags = _flags(user, Q(person__team_id=user.team_id))
        audience: Audience = "spo"
    else:
        flags = _flags(user, Q(person__practitioner=user))
        audience = "practitioner"
    new = list(flags.filter(opened_at__gte=since, opened_at__lte=until))
    # Became overdue since the last digest: due before `on`, but not yet overdue on the last digest's day.
    newly_overdue = flags.unacknowledged(on).filter(due_by__lt=on, due_by__gte=since_day)
    newly_overdue = newly_overdue.exclude(pk__in=[flag.pk for flag in new])
    digest = Digest(user=user, audience=audience, on=on, since=since, new_flags=new)
    digest.newly_overdue = newly_overdue.count()
    if audience == "practitioner":
        # Overdue flags not already listed as new: the practitioner's backlog, oldest due first.
        overdue = flags.unacknowledged(on).filter(due_by__lt=on).exclude(pk__in=[flag.pk for flag in new])
        digest.overdue_flags = list(overdue.order_by("due_by", "kind"))
        return digest
    rows = list(flags.values_list("kind", "person__practitioner__first_name", "person__practitioner__last_name"))
    digest.open_total = len(rows)
    kinds = Counter(kind for kind, _, _ in rows)
    digest.by_kind = sorted(((_kind_label(k), n) for k, n in kinds.items()), key=lambda item: (-item[1], item[0]))
    practitioners = Counter(
        f"{first} {last}".strip() if (first or last) else "Awaiting allocation" for _, first, last in rows
    )
    digest.by_practitioner = sorted(practitioners.items(), key=lambda item: (-item[1], item[0]))
    unacknowledged = flags.unacknowledged(on)
    digest.unacknowledged_total = unacknowledged.count()
    digest.oldest_unacknowledged = list(unacknowledged.order_by("opened_at", "kind")[:OLDEST_SHOWN])
    return digest


def _link(name: str, *args: str) -> str:
    try:
        return str(settings.SERVICE_URL) + reverse(name, args=args)
    except NoReverseMatch:
        return ""


def render_digest(digest: Digest) -> EmailMultiAlternatives:
    """The e-mail: plain text plus a simple HTML version of the same content."""
    context = {
        "digest": digest,
        "service_name": settings.SERVICE_NAME,
        "service_url": settings.SERVICE_URL,
        "flags_url": _link("inspections:flags") or _link("cases:team_caseload"),
        "home_url": _link("home"),
    }
    template = f"inspections/email/digest_{digest.audience}"
    message = EmailMultiAlternatives(
        subject=digest.subject,
        body=render_to_string(f"{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[digest.user.email],
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


def send_digest(digest: Digest) -> bool:
    """Log and send one digest in one transaction; False when one was already sent that day."""
    try:
        with transaction.atomic():
            DigestLog.objects.create(user=digest.user, sent_on=digest.on, flags=digest.flags)
            render_digest(digest).send(fail_silently=False)
    except IntegrityError:
        # The unique (user, sent_on) constraint: another run sent it first.
        return False
    return True


def send_daily_digests(
    on: date | None = None, *, dry_run: bool = False, users: QuerySet[User] | None = None
) -> DigestRun:
    """Send today's digest (or `on`'s) to every practitioner and SPO with something new."""
    now = timezone.now()
    on = on or timezone.localdate(now)
    run = DigestRun(on=on, dry_run=dry_run)
    staff = users if users is not None else recipients()
    already = set(DigestLog.objects.filter(sent_on=on).values_list("user_id", flat=True))
    for user in staff.iterator(chunk_size=500):
        if not user.email:
            run.no_email += 1
            continue
        if user.pk in already:
            run.already_sent += 1
            continue
        digest = build_digest(user, on, now=now)
        if not digest.has_news:
            run.nothing_new += 1
            continue
        if dry_run:
            run.sent.append(digest)
            continue
        try:
            sent = send_digest(digest)
        except Exception:
            # One refused address or a mail server hiccup must not stop everyone else's digest;
            # no log was written for this one, so the next run (or the task's retry) sends it.
            logger.exception("digest to user %s for %s not sent", user.pk, on)
            run.failed += 1
            continue
        if sent:
            run.sent.append(digest)
        else:
            run.already_sent += 1
    logger.info(
        "digests for %s: %d sent, %d nothing new, %d without e-mail, %d already sent, %d failed%s",
        on,
        len(run.sent),
        run.nothing_new,
        run.no_email,
        run.already_sent,
        run.failed,
        " (dry run)" if dry_run else "",
    )
    return run
