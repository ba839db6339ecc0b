"""The deployment is correct by inspection: docker-compose.yml, the Dockerfile, .env.example, the
production settings (`check --deploy`) and the content security policy.

No Docker engine runs here, so every command the containers would run is checked against the code
it names instead.
"""

from __future__ import annotations

import importlib
import os
import re
import secrets
import shlex
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from fnmatch import fnmatch
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from celery.app.utils import find_app
from celery.bin.celery import celery as celery_cli
from django.apps import apps
from django.conf import settings as django_settings
from django.core.management import get_commands
from django.test import Client
from django.urls import resolve

import probation.views
from probation.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_TEXT = (ROOT / "docker-compose.yml").read_text()
COMPOSE = yaml.safe_load(COMPOSE_TEXT)
SERVICES = COMPOSE["services"]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
ENV_EXAMPLE = (ROOT / ".env.example").read_text()
SETTINGS_SOURCE = (ROOT / "probation" / "settings.py").read_text()

APP_SERVICES = ["migrate", "web", "worker", "beat"]
EXPECTED_COMMANDS = {
    "migrate": "python manage.py migrate --no-input",
    "web": "gunicorn probation.wsgi:application --bind 0.0.0.0:8000 --workers 3",
    "worker": "celery -A probation worker -l INFO",
    "beat": "celery -A probation beat -l INFO --schedule /tmp/celerybeat-schedule",
}
# `${NAME}`, `${NAME:-default}`, `${NAME:?message}`; `$${NAME}` is escaped for the container's shell.
COMPOSE_REFERENCE = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)")
SETTINGS_READ = re.compile(r"env\.(?:str|bool|int|list|float|db|email_url)\(\s*\"([A-Z0-9_]+)\"")
ENV_EXAMPLE_LINE = re.compile(r"^#? ?([A-Z][A-Z0-9_]*)=", re.MULTILINE)
SECRET_NAME = re.compile(r"SECRET|PASSWORD|TOKEN|_KEY$")
REQUIRED_REFERENCE = re.compile(r"^\$\{[A-Z_]+:\?[^}]+\}$")


def command(service: str) -> list[str]:
    value = SERVICES[service].get("command")
    return shlex.split(value) if isinstance(value, str) else list(value or [])


def healthcheck(service: str) -> str:
    test = SERVICES[service]["healthcheck"]["test"]
    return test if isinstance(test, str) else " ".join(test)


def environment(service: str) -> dict[str, Any]:
    env = SERVICES[service].get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return env


def env_example_names() -> set[str]:
    return set(ENV_EXAMPLE_LINE.findall(ENV_EXAMPLE))


def manage_py_subcommands(text: str) -> list[str]:
    return re.findall(r"manage\.py\s+([a-z_]+)", text)


# --- docker-compose.yml: services and commands ----------------------------------------------


def test_compose_runs_the_databases_and_every_process_of_the_service():
    assert set(SERVICES) == {"postgres", "redis", *APP_SERVICES}
    assert SERVICES["postgres"]["image"] == "postgres:16"
    assert SERVICES["redis"]["image"] == "redis:7"
    for service in APP_SERVICES:
        assert SERVICES[service]["build"] == ".", service


@pytest.mark.parametrize(("service", "expected"), EXPECTED_COMMANDS.items())
def test_each_service_runs_the_expected_command(service, expected):
    assert command(service) == shlex.split(expected)


def test_postgres_and_redis_keep_their_data_in_volumes():
    assert "postgres-data:/var/lib/postgresql/data" in SERVICES["postgres"]["volumes"]
    assert "redis-data:/data" in SERVICES["redis"]["volumes"]
    assert set(COMPOSE["volumes"]) == {"postgres-data", "redis-data"}


def test_the_migration_runs_once_and_is_not_restarted():
    assert SERVICES["migrate"]["restart"] == "no"
    assert "ports" not in SERVICES["migrate"]


def test_gunicorn_serves_the_projects_wsgi_application():
    target = command("web")[1]
    module, attribute = target.split(":")
    application = getattr(importlib.import_module(module), attribute)
    assert callable(application)
    assert application is importlib.import_module("probation.wsgi").application


@pytest.mark.parametrize("service", ["worker", "beat"])
def test_celery_finds_the_projects_app_and_subcommand(service):
    args = command(service)
    assert args[:2] == ["celery", "-A"]
    assert find_app(args[2]) is celery_app  # what `celery -A probation` loads
    assert args[3] in celery_cli.commands


def test_the_worker_healthcheck_uses_a_real_celery_subcommand():
    args = shlex.split(healthcheck("worker").removeprefix("CMD-SHELL "))
    assert find_app(args[2]) is celery_app
    assert args[3] == "inspect"
    assert "inspect" in celery_cli.commands


def test_every_manage_py_subcommand_exists():
    used = manage_py_subcommands(COMPOSE_TEXT) + manage_py_subcommands(DOCKERFILE)
    assert {"migrate", "collectstatic"} <= set(used)
    assert set(used) <= set(get_commands())


# --- docker-compose.yml: health, start order, secrets ------------------------------------------


def test_postgres_redis_and_web_have_healthchecks():
    assert "pg_isready" in healthcheck("postgres")
    assert "redis-cli ping" in healthcheck("redis")
    assert "/healthz" in healthcheck("web")
    assert resolve("/healthz").func is probation.views.healthz


@pytest.fixture
def web_healthcheck_request(monkeypatch) -> Iterator[urllib.request.Request]:
    """The request the web container's healthcheck sends (its Python run with urlopen caught)."""
    sent: list[urllib.request.Request] = []
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "probation.example,www.probation.example")
    monkeypatch.setattr(urllib.request, "urlopen", lambda request, timeout: sent.append(request))
    args = SERVICES["web"]["healthcheck"]["test"]
    assert args[:3] == ["CMD", "python", "-c"]
    exec(args[3], {})  # noqa: S102 - our own compose file's healthcheck, run with urlopen replaced
    [request] = sent
    yield request


@pytest.mark.django_db
def test_the_web_healthcheck_gets_through_production_security(settings, web_healthcheck_request):
    settings.ALLOWED_HOSTS = ["probation.example", "www.probation.example"]
    settings.SECURE_SSL_REDIRECT = True
    url = urlsplit(web_healthcheck_request.full_url)
    assert (url.hostname, url.port) == ("127.0.0.1", 8000)  # gunicorn's --bind, inside the container
    headers = dict(web_healthcheck_request.header_items())
    response = Client().get(url.path, headers=headers)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    # Without the X-Forwarded-Proto it sends, the same request would only get the HTTPS redirect.
    del headers["X-forwarded-proto"]
    assert Client().get(url.path, headers=headers).status_code == 301


@pytest.mark.parametrize("service", ["web", "worker", "beat"])
def test_processes_start_after_healthy_databases_and_a_finished_migration(service):
    assert SERVICES[service]["depends_on"] == {
        "postgres": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
    }


def test_the_migration_waits_for_a_healthy_postgres():
    assert SERVICES["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}


def test_compose_holds_no_literal_secrets():
    for service in SERVICES:
        for name, value in environment(service).items():
            if SECRET_NAME.search(name):
                assert value is None or REQUIRED_REFERENCE.match(value), f"{service}: {name}={value}"
    for password in re.findall(r"://[^:/@\s]+:([^@\s]+)@", COMPOSE_TEXT):
        assert REQUIRED_REFERENCE.match(password), password
    assert "django-insecure" not in COMPOSE_TEXT
    assert "build-only" not in COMPOSE_TEXT


def test_the_app_runs_with_debug_off_and_the_required_settings():
    env = environment("web")
    assert env["DJANGO_DEBUG"] == "false"
    assert env["DJANGO_SECRET_KEY"] == "${DJANGO_SECRET_KEY:?set DJANGO_SECRET_KEY}"
    assert REQUIRED_REFERENCE.match(env["DJANGO_ALLOWED_HOSTS"])
    assert env["DATABASE_URL"].endswith("@postgres:5432/${POSTGRES_DB:-probation}")
    assert env["CELERY_BROKER_URL"].startswith("redis://redis:6379/")
    assert env["CELERY_RESULT_BACKEND"].startswith("redis://redis:6379/")
    for service in APP_SERVICES:
        assert environment(service) == env, service


def test_every_variable_compose_uses_is_in_env_example():
    used = set(COMPOSE_REFERENCE.findall(COMPOSE_TEXT))
    for service in APP_SERVICES:
        used |= set(environment(service))
    assert {"DJANGO_SECRET_KEY", "POSTGRES_PASSWORD", "DATABASE_URL"} <= used
    assert used - env_example_names() == set()


# --- .env.example ---------------------------------------------------------------------------


def test_every_variable_settings_read_is_in_env_example():
    read = set(SETTINGS_READ.findall(SETTINGS_SOURCE))
    assert {"DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "CELERY_RESULT_BACKEND"} <= read
    assert read - env_example_names() == set()


def test_env_example_lists_every_variable_ci_exports():
    ci = (ROOT / ".ci" / "run").read_text()
    exported = set(re.findall(r"^export ([A-Z_]+)=", ci, re.MULTILINE))
    assert {"CI", "DATABASE_URL", "TEST_REDIS_URL"} <= exported
    assert exported - env_example_names() == set()


def test_env_example_explains_every_variable_and_sets_nothing():
    lines = ENV_EXAMPLE.splitlines()
    for number, line in enumerate(lines):
        if ENV_EXAMPLE_LINE.match(line):
            before = next(earlier for earlier in reversed(lines[:number]) if not ENV_EXAMPLE_LINE.match(earlier))
            assert before.startswith("# ") and len(before) > 10, f"no comment above {line!r}"
    # A copy saved as .env changes nothing until a line is uncommented, and holds no secret.
    assert [line for line in lines if line and not line.startswith("#")] == []
    assert re.search(r"^# DJANGO_SECRET_KEY=$", ENV_EXAMPLE, re.MULTILINE)
    assert re.search(r"^# POSTGRES_PASSWORD=$", ENV_EXAMPLE, re.MULTILINE)


# --- Dockerfile and .dockerignore -------------------------------------------------------------


def dockerfile_instructions(keyword: str) -> list[str]:
    joined = DOCKERFILE.replace("\\\n", " ")
    return [line.split(None, 1)[1] for line in joined.splitlines() if line.startswith(f"{keyword} ")]


def test_the_image_is_python_3_11_slim_and_runs_as_a_non_root_user():
    assert dockerfile_instructions("FROM") == ["python:3.11-slim"]
    users = dockerfile_instructions("USER")
    assert users and users[-1] not in {"root", "0"}
    assert "useradd" in DOCKERFILE


def test_the_image_installs_the_pinned_runtime_dependencies():
    runs = dockerfile_instructions("RUN")
    assert "pip install -c requirements.lock ." in runs
    assert "PYTHONPATH=/app" in DOCKERFILE  # `celery` does not add the working directory to sys.path
    assert dockerfile_instructions("WORKDIR") == ["/app"]


def test_the_image_default_command_is_the_web_command():
    [cmd] = dockerfile_instructions("CMD")
    assert yaml.safe_load(cmd) == command("web")


def test_the_image_collects_static_files_with_build_only_values():
    [collect] = [run for run in dockerfile_instructions("RUN") if "collectstatic" in run]
    assert "DJANGO_SECRET_KEY=build-only" in collect
    assert "DJANGO_DEBUG=false" in collect
    assert "DATABASE_URL=postgres://build@localhost/build" in collect


def build_environment(**extra: str) -> dict[str, str]:
    """This process's environment without the Django settings it may carry, plus `extra`."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "PYTEST_")) and name != "DATABASE_URL"
    }
    return {**env, "DJANGO_SETTINGS_MODULE": "probation.settings", **extra}


def test_collectstatic_at_build_time_needs_no_database_and_passes_manifest_checks(tmp_path):
    """What the image build runs, into a temporary folder instead of staticfiles/."""
    script = (
        "import sys, django\n"
        "from django.conf import settings\n"
        "django.setup()\n"
        "settings.STATIC_ROOT = sys.argv[1]\n"
        "from django.core.management import call_command\n"
        "call_command('collectstatic', '--no-input', verbosity=0)\n"
    )
    env = build_environment(
        DJANGO_SECRET_KEY="build-only",
        DJANGO_DEBUG="false",
        DATABASE_URL="postgres://build@localhost/build",
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "staticfiles.json").exists()  # the manifest whitenoise serves from


def test_dockerignore_keeps_secrets_and_local_state_out_but_not_what_the_build_needs():
    patterns = [line for line in (ROOT / ".dockerignore").read_text().splitlines() if line and line[0] != "#"]
    for kept_out in [".env", ".git/", ".venv/", "var/", "staticfiles/"]:
        assert kept_out in patterns
    needed = [
        "pyproject.toml",
        "requirements.lock",
        "README.md",
        "manage.py",
        "probation",
        "templates",
        "static",
    ]
    for path in needed:
        assert not any(fnmatch(path, pattern.rstrip("/")) for pattern in patterns), path


# --- Production settings ----------------------------------------------------------------------


def run_python(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_under_production_settings():
    """A subprocess is not pytest, so the settings behave exactly as in production."""
    env = build_environment(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(45),  # 60 characters
        DJANGO_ALLOWED_HOSTS="probation.example",
    )
    if os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]  # else the embedded server, as in development
    assert len(env["DJANGO_SECRET_KEY"]) == 60
    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


@pytest.mark.parametrize("key", [None, "development key"])
def test_settings_refuse_to_start_with_debug_off_and_the_development_key(key):
    env = build_environment(DJANGO_DEBUG="false")
    if key:
        env["DJANGO_SECRET_KEY"] = django_settings.DEVELOPMENT_SECRET_KEY
    result = run_python(["-c", "import django; django.setup()"], env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


# --- Content security policy --------------------------------------------------------------------


def csp_directives(header: str) -> dict[str, list[str]]:
    parts = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/sign-in/", "/accessibility/"])
def test_pages_carry_a_strict_content_security_policy(client, path):
    response = client.get(path)
    assert response.status_code == 200
    header = response.headers["Content-Security-Policy"]
    directives = csp_directives(header)
    assert "'self'" in directives["script-src"]
    assert "'self'" in directives["style-src"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in header
    assert "'unsafe-eval'" not in header


def template_files() -> list[Path]:
    folders = [Path(folder) for engine in django_settings.TEMPLATES for folder in engine["DIRS"]]  # type: ignore[attr-defined]
    folders += [
        Path(config.path) / "templates"
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(ROOT) and not Path(config.path).is_relative_to(ROOT / ".venv")
    ]
    return sorted(path for folder in folders if folder.is_dir() for path in folder.rglob("*.html"))


INLINE_CODE = {
    "inline <script> without src": re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.IGNORECASE),
    "<style> block": re.compile(r"<style\b", re.IGNORECASE),
    "style= attribute": re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE),
    "on...= event handler": re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def test_templates_hold_no_inline_script_or_style_the_policy_would_block():
    files = template_files()
    assert ROOT / "templates" / "base.html" in files
    found = [
        f"{path.relative_to(ROOT)}: {kind}"
        for path in files
        for kind, pattern in INLINE_CODE.items()
        if pattern.search(path.read_text())
    ]
    assert found == []
