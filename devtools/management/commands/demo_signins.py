"""`manage.py demo_signins`: where to sign in, and the demo sign-ins that exist.

The accounts and their shared, published password come from `manage.py seed_demo`: DEMO DATA ONLY.
An account whose password has been changed since is shown as such, never with a password.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import check_password
from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Count, Prefetch

from cases.models import AccessRuleKind, CaseAccessRule, User
from devtools.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERNAMES


class Command(BaseCommand):
    help = "Print the service address and the demo sign-ins created by seed_demo (demo data only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="Where the service is running")

    def handle(self, *args: Any, url: str, **options: Any) -> None:
        exclusions = CaseAccessRule.objects.filter(kind=AccessRuleKind.EXCLUSION).select_related("person")
        users = sorted(
            User.objects.filter(username__in=DEMO_USERNAMES)
            .select_related("team")
            .annotate(cases=Count("caseload"))
            .prefetch_related(Prefetch("case_access_rules", queryset=exclusions, to_attr="exclusions")),
            key=lambda user: DEMO_USERNAMES.index(user.username),
        )
        self.stdout.write(f"Sign in at {url}")
        if not users:
            self.stdout.write("There are no demo sign-ins. `manage.py seed_demo` loads demo data and creates them.")
            return
        # Each distinct hash is checked once: hashing is slow on purpose, and seed_demo shares one.
        works = {h: check_password(DEMO_PASSWORD, h) for h in {u.password for u in users}}
        rows = [("Username", "Role", "Team", "Password", "Notes")]
        rows += [
            (u.username, _role(u), u.team.name if u.team else "(none)", _password(u, works), _notes(u)) for u in users
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
        self.stdout.write("These are demo accounts with a published password: never use them with real data.")


def _password(user: User, works: dict[str, bool]) -> str:
    if not user.is_active:
        return "(account disabled)"
    return DEMO_PASSWORD if works[user.password] else "(changed since seeding)"


def _notes(user: Any) -> str:
    notes = [f"{user.cases} cases allocated"] if user.cases else []
    notes += [f"excluded from {rule.person.crn}" for rule in user.exclusions]
    return "; ".join(notes)


def _role(user: User) -> str:
    return f"{user.get_role_display()} ({user.grade})" if user.grade else user.get_role_display()
