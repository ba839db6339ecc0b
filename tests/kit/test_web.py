"""htmx per django-htmx's documentation: a fragment for htmx, the whole page for a history restore
(htmx found no snapshot when the user went back), and `Vary: HX-Request` so no cache mixes them."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/caseload/", "/search/?q=Smith", "/flags/"])
def test_htmx_gets_the_fragment_and_a_history_restore_the_whole_page(as_pat: Client, pats_case: object, path: str):
    fragment = as_pat.get(path, headers={"HX-Request": "true"})
    restore = as_pat.get(path, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    page = as_pat.get(path)

    assert fragment.status_code == restore.status_code == page.status_code == 200
    assert "<html" not in fragment.content.decode() and 'id="results"' in fragment.content.decode()
    assert "<html" in restore.content.decode() and "<html" in page.content.decode()
    assert all("HX-Request" in response["Vary"] for response in (fragment, restore, page))


def test_the_fragment_carries_its_own_error_summary_and_the_restored_page_only_one(as_pat: Client) -> None:
    fragment = as_pat.get("/caseload/?tier=9", headers={"HX-Request": "true"}).content.decode()
    restored = as_pat.get(
        "/caseload/?tier=9", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    ).content.decode()

    assert fragment.count("govuk-error-summary__title") == 1
    assert restored.count("govuk-error-summary__title") == 1
