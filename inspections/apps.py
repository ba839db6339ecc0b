from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    """Registers nothing: the checks engine's hooks (re-check after a change, flags on the person
    page, home page and caseloads, the flag-acknowledgement approval) are in `probation/wiring.py`."""

    name = "inspections"
    verbose_name = "Inspections and checks"
