"""The OpenAPI document is valid, and the API behaves as it says (schemathesis against the WSGI app)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
import yaml
from django.core import signals
from django.core.cache import cache
from django.db import close_old_connections
from django.test import Client
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

from probation.wsgi import application
from tests.cases.factories import PersonFactory, RegistrationFactory, RequirementFactory, SentenceFactory

SCHEMA_URL = "/api/v1/schema/"
# Loaded once at collection, from the running application (an anonymous GET: no database needed).
# `schemathesis.pytest.from_fixture` would defer this to a fixture, but schemathesis 4.32 sets
# `node._nodeid`, which pytest 9 no longer has.
schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, application)
# A fixed key, so the auth provider needs no database; the `token` fixture gives it to Pat.
API_TOKEN = "0123456789abcdef0123456789abcdef01234567"


@pytest.mark.django_db
def test_the_schema_is_a_valid_openapi_3_document(client: Client):
    response = client.get(SCHEMA_URL)
    assert response.status_code == 200
    document = yaml.safe_load(response.content)
    validate_schema(document)  # raises jsonschema.ValidationError on any departure from the spec
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {
        "/api/v1/people/",
        "/api/v1/people/{crn}/",
        "/api/v1/people/{crn}/contacts/",
        "/api/v1/people/{crn}/contacts/{thread_id}/",
        "/api/v1/people/{crn}/appointments/",
        "/api/v1/people/{crn}/flags/",
        "/api/v1/flags/",
    }


@pytest.mark.django_db
def test_the_schema_is_also_served_as_json(client: Client):
    response = client.get(SCHEMA_URL, {"format": "json"})
    assert response.status_code == 200
    assert response.json()["info"]["version"] == "1.0.0"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/people/", "/api/v1/people/{crn}/"])
def test_every_operation_documents_its_refusals(client: Client, path: str):
    document = yaml.safe_load(client.get(SCHEMA_URL).content)
    responses = document["paths"][path]["get"]["responses"]
    assert {"200", "401", "403", "404"} <= set(responses)
    assert document["paths"][path]["get"]["security"]


@pytest.fixture
def in_test_transaction(db) -> Iterator[None]:
    """Keep the real WSGI application's requests inside the test's transaction.

    Django closes "obsolete" connections at the start and end of every request, and a connection
    inside the test transaction looks obsolete; Django's own test client switches this off the same way.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(pat, newcastle) -> str:
    """Pat's API token, with a few cases to find: her own, one with history, one in another PDU."""
    cache.clear()  # the per-user throttle counts live in the cache
    PersonFactory(crn="X100001", first_name="John", last_name="Smith", practitioner=pat)
    sentence = SentenceFactory(person=PersonFactory(crn="X100002", practitioner=pat))
    RequirementFactory(sentence=sentence)
    RegistrationFactory(person=sentence.person)
    PersonFactory(crn="X100003", team=newcastle)
    return Token.objects.create(user=pat, key=API_TOKEN).key


@schema.auth()
class PatsToken:
    """Declared to schemathesis as the real credentials, so its auth checks can try without them."""

    def get(self, case: schemathesis.Case, context: schemathesis.AuthContext) -> str:
        return API_TOKEN

    def set(self, case: schemathesis.Case, data: str, context: schemathesis.AuthContext) -> None:
        case.headers = {**dict(case.headers or {}), "Authorization": f"Token {data}"}  # type: ignore[assignment]


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_conforms_to_its_schema(case, in_test_transaction, token):
    """No 500s; every status, content type, header and body is the one the schema documents."""
    case.call_and_validate()


@pytest.mark.parametrize(
    ("path", "path_parameters", "query", "filled"),
    [
        ("/api/v1/people/", {}, {}, "results"),
        ("/api/v1/people/", {}, {"q": "smith", "page": 1}, "results"),
        ("/api/v1/people/{crn}/", {"crn": "X100002"}, {}, "sentences"),
        ("/api/v1/people/{crn}/", {"crn": "X100002"}, {}, "registrations"),
    ],
)
def test_real_cases_come_back_as_the_schema_describes(in_test_transaction, token, path, path_parameters, query, filled):
    """Random CRNs almost never name a case Pat may see, so whole bodies are checked here."""
    case = schema[path]["GET"].Case(path_parameters=path_parameters, query=query)
    response = case.call_and_validate(headers={"Authorization": f"Token {token}"})
    assert response.status_code == 200
    assert response.json()[filled]
