"""Schemathesis over the tracing-request operations of /api/v1: whatever comes in, never a 500; and
without a token, or with one of a role that may not act, 401/403."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from athar.accounts.tokens import create_token
from tests.test_requests_support import test_cipher

OPERATIONS = (
    "GET /api/v1/requests",
    "POST /api/v1/requests",
    "GET /api/v1/requests/{reference}",
    "POST /api/v1/requests/{reference}/accept",
    "POST /api/v1/requests/{reference}/assign",
    "POST /api/v1/requests/{reference}/notes",
    "POST /api/v1/requests/{reference}/status",
    "POST /api/v1/requests/{reference}/wish",
)
BODIES = {
    "/api/v1/requests": {
        "full_name": "Ahmad Khalil",
        "requester_name": "Fuzz",
        "requester_phone": "+963944555003",
    },
    "/api/v1/requests/{reference}/accept": {"person_id": None},
    "/api/v1/requests/{reference}/assign": {"assignee": "fuzz"},
    "/api/v1/requests/{reference}/notes": {"note": "fuzz"},
    "/api/v1/requests/{reference}/status": {"status": "being_searched"},
    "/api/v1/requests/{reference}/wish": {"wish": "nothing"},
}


@pytest.fixture(scope="module")
def api_schema(fuzz_app):
    fuzz_app.state.request_cipher = test_cipher()
    return schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)


def _operations(api_schema) -> dict[str, object]:
    operations = (r.ok() for r in api_schema.get_all_operations())
    return {
        f"{op.method.upper()} {op.path}": op for op in operations if op.path.startswith("/api/v1/requests")
    }


def test_every_tracing_operation_is_fuzzed(api_schema):
    assert set(_operations(api_schema)) == set(OPERATIONS)


@pytest.mark.parametrize("label", OPERATIONS)
def test_no_input_makes_the_tracing_api_fail_with_a_server_error(api_schema, api_token, label):
    operation = _operations(api_schema)[label]
    headers = {"Authorization": f"Bearer {api_token}"}

    @given(case=operation.as_strategy())
    @settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    def fuzz(case) -> None:
        case.call_and_validate(headers=headers, checks=[not_a_server_error])

    fuzz()


def test_without_a_fitting_token_the_tracing_api_refuses(fuzz_app, api_schema):
    weak = create_token(fuzz_app.state.engine, "Beta", "reviewer")
    for operation in _operations(api_schema).values():
        path_parameters = {"reference": "K7MQ-4XR9"} if "{reference}" in operation.path else {}
        body = {}
        if operation.method.upper() == "POST":
            body = {"body": BODIES[operation.path], "media_type": "application/json"}
        case = operation.Case(path_parameters=path_parameters, **body)
        for headers, refused in (({}, 401), ({"Authorization": f"Bearer {weak}"}, 403)):
            response = case.call(headers=headers)
            assert response.status_code == refused, (operation.path, response.status_code, response.text)
