from django.apps import AppConfig


class ProbationConfig(AppConfig):
    """The roof: listed last in INSTALLED_APPS, so every app is loaded when the wiring runs."""

    name = "probation"
    verbose_name = "Probation (project)"

    def ready(self) -> None:
        from probation import wiring

        wiring.wire()
