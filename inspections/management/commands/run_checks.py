"""Run the automated checks now, synchronously, with the same code as the nightly sweep.

manage.py run_checks                     # every case, PDU by PDU
manage.py run_checks --pdu NEGH          # one PDU
manage.py run_checks --crn X100001       # one case
manage.py run_checks --dry-run           # compute and count, write nothing
manage.py run_checks --crn X100001 --json  # that case's open flags as a JSON array
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.models import PDU, Person
from inspections import services
from inspections.checks import CheckFinding
from inspections.models import CheckDefinition, Flag
from supervision.policy.resolve import NoPolicyInForce


def flag_json(flag: Flag) -> dict[str, Any]:
    return {
        "id": str(flag.id),
        "kind": flag.kind,
        "label": flag.get_kind_display(),
        "severity": flag.severity,
        "opened_at": flag.opened_at.isoformat(),
        "due_by": flag.due_by.isoformat() if flag.due_by else None,
        "standard": flag.standard,
        "key_question": flag.key_question,
        "evidence": flag.evidence,
        "policy_version": flag.policy.version if flag.policy else None,
        "acknowledged": flag.is_acknowledged,
    }


def finding_json(finding: CheckFinding, definitions: dict[str, CheckDefinition]) -> dict[str, Any]:
    """A finding of a dry run in the shape of a flag (it was not opened, so no id or opening time)."""
    definition = definitions[finding.kind]
    return {
        "id": None,
        "kind": finding.kind,
        "label": definition.get_kind_display(),
        "severity": definition.severity,
        "opened_at": None,
        "due_by": finding.due_by.isoformat() if finding.due_by else None,
        "standard": definition.standard,
        "key_question": definition.key_question,
        "evidence": finding.evidence,
        "policy_version": finding.evidence.get("policy_version"),
        "acknowledged": False,
    }


class Command(BaseCommand):
    help = "Run the automated checks (the nightly sweep's code) now: every case, one PDU or one case."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--crn", help="Check one case.")
        parser.add_argument("--pdu", help="Check every case of one PDU (its code).")
        parser.add_argument("--dry-run", action="store_true", help="Compute and count; save nothing.")
        parser.add_argument("--json", action="store_true", help="Print JSON (with --crn: the case's open flags).")

    def handle(self, *args: Any, **options: Any) -> None:
        crn, pdu_code = options["crn"], options["pdu"]
        person: Person | None = None
        dry_run, as_json = options["dry_run"], options["json"]
        if crn and pdu_code:
            raise CommandError("Give --crn or --pdu, not both")
        try:
            if crn:
                person = Person.objects.filter(crn=crn.strip().upper()).first()
                if person is None:
                    raise CommandError(f"No case with CRN {crn}")
                result = services.run_checks(Person.objects.filter(pk=person.pk), dry_run=dry_run)
            elif pdu_code:
                pdu = PDU.objects.filter(code=pdu_code.strip().upper()).first()
                if pdu is None:
                    raise CommandError(f"No PDU with code {pdu_code}")
                result = services.sweep_pdu(pdu.pk, dry_run=dry_run)
            else:
                result = services.run_checks(dry_run=dry_run)
        except NoPolicyInForce as error:
            raise CommandError(str(error)) from error

        if as_json and person is not None:
            self.stdout.write(json.dumps(self._case_flags(person, result), indent=2))
        elif as_json:
            self.stdout.write(json.dumps(result.counts(), indent=2))
        else:
            self.stdout.write(self._summary(result))

    @staticmethod
    def _case_flags(person: Person, result: services.SweepResult) -> list[dict[str, Any]]:
        if result.dry_run:
            definitions = {d.kind: d for d in CheckDefinition.objects.all()}
            return [finding_json(f, definitions) for f in sorted(result.findings, key=lambda f: f.kind)]
        flags = Flag.objects.open().filter(person=person).select_related("policy").order_by("kind")
        return [flag_json(flag) for flag in flags]

    @staticmethod
    def _summary(result: services.SweepResult) -> str:
        counts = (
            f"{result.cases} cases: {result.opened} flags opened, {result.updated} updated, "
            f"{result.resolved} resolved, {result.unchanged} unchanged; {result.standings} standings stored."
        )
        lines = [f"Dry run, nothing saved. Checked {counts}" if result.dry_run else f"Checked {counts}"]
        lines += [f"  {kind}: {count} failing" for kind, count in sorted(result.by_kind.items())]
        return "\n".join(lines)
