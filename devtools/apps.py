from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Only makes the dev commands (`seed_demo`, `generate_national_dataset`, `benchmark_*`) known to
    manage.py; it registers nothing and imports nothing at start-up."""

    name = "devtools"
    verbose_name = "Developer tooling"
