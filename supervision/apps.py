from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    """Registers nothing: supervision's hooks into other apps are listed in `probation/wiring.py`."""

    name = "supervision"
    verbose_name = "Supervision"
