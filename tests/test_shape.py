"""The house's shape: one composition root, apps that register nothing, dev tooling kept out of the
running service, and the import layers (checked by `lint-imports` in `make test`)."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from pathlib import Path

from django.apps import apps

from cases import changes, person_page
from inspections import tasks as inspection_tasks
from probation import wiring
from supervision import approvals, home_sections
from supervision import tasks as supervision_tasks

ROOT = Path(__file__).resolve().parent.parent


def test_no_app_but_the_roof_does_anything_in_ready() -> None:
    for config in apps.get_app_configs():
        if config.name in {"cases", "supervision", "monitoring", "inspections", "devtools"}:
            assert "ready" not in type(config).__dict__, f"{config.name} registers in ready(): use probation/wiring.py"


def test_every_hook_in_use_is_one_the_composition_root_lists() -> None:
    assert dict(wiring.AFTER_CHANGE) == changes._LISTENERS
    assert changes._LISTENERS["inspections.check_case"] is inspection_tasks.queue_check
    assert changes._LISTENERS["supervision.recalculate_tier"] is supervision_tasks.queue_tier_recalculation
    assert set(person_page._TABS) == {"overview", *(tab.key for tab in wiring.PERSON_TABS)}
    assert set(person_page._SECTIONS) == {section.key for section in wiring.PERSON_SECTIONS}
    assert set(home_sections._SECTIONS) == {section.key for section in wiring.HOME_SECTIONS}
    assert dict(wiring.APPROVAL_HANDLERS) == approvals._HANDLERS


def test_wiring_twice_changes_nothing() -> None:
    before = (dict(changes._LISTENERS), dict(person_page._TABS), dict(approvals._HANDLERS))
    wiring.wire()
    assert (dict(changes._LISTENERS), dict(person_page._TABS), dict(approvals._HANDLERS)) == before


def test_services_announce_a_change_by_one_name() -> None:
    """`case_changed` is the one after-change call; no alias for it survives in any app."""
    for path in [*ROOT.glob("cases/**/*.py"), *ROOT.glob("supervision/**/*.py"), *ROOT.glob("inspections/**/*.py")]:
        assert "enqueue_refresh" not in path.read_text(), path


def test_web_worker_and_beat_start_without_loading_the_dev_tooling() -> None:
    script = (
        "import sys, django; django.setup(); import probation.urls, probation.wsgi, probation.celery; "
        "from probation.celery import app; app.loader.import_default_modules(); "
        "print(sorted(m for m in sys.modules if m.startswith('devtools')))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "probation.settings", "DJANGO_DEBUG": "true"}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, env=env, check=True, timeout=120
    )
    assert result.stdout.strip().splitlines()[-1] == "['devtools', 'devtools.apps']"


def test_the_sweep_writes_standings_through_a_supervision_service() -> None:
    from inspections import services

    source = inspect.getsource(services)
    assert "standing.store_evaluations(" in source
    assert "save_standings" not in source and "recalculate_tier" not in source
