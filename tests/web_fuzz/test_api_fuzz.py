"""Schemathesis over /api/v1 from the app's own OpenAPI document: whatever comes in, never a 500.

Bounded (a few dozen examples per operation, no shrinking deadline) so it runs in seconds. Requests go
through the ASGI transport: nothing leaves the process.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from athar.accounts.tokens import create_token


@pytest.fixture(scope="module")
def api_schema(fuzz_app):
    return schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)


TRACING = "/api/v1/requests"  # fuzzed by test_trace_api_fuzz.py


def _operations(api_schema) -> dict[str, object]:
    operations = (r.ok() for r in api_schema.get_all_operations())
    return {f"{op.method.upper()} {op.path}": op for op in operations if not op.path.startswith(TRACING)}


# Listed here rather than taken from the fixture: schemathesis.pytest.from_fixture breaks on this pytest
# ('Function' object has no attribute '_nodeid'), so each operation is driven by its Hypothesis strategy.
OPERATIONS = (
    "GET /api/v1/sources",
    "GET /api/v1/review/next",
    "POST /api/v1/review/judgements",
    "GET /api/v1/persons/{person_id}",
    "POST /api/v1/search",
    "GET /api/v1/persons/{person_id}/case",
    "POST /api/v1/persons/{person_id}/status",
    "POST /api/v1/persons/{person_id}/inquiries",
    "POST /api/v1/persons/{person_id}/inquiries/{event_id}/erasure",
    "POST /api/v1/imports",
)
# A valid body per POST operation, for the token checks below.
BODIES = {
    "/api/v1/review/judgements": {
        "left": "families:F-000001",
        "right": "morgue:M-000001",
        "decision": "same",
    },
    "/api/v1/search": {"name": "Ahmad Khalil"},
    "/api/v1/persons/{person_id}/status": {"status": "deceased", "reason": "fuzz", "evidence": "none"},
    "/api/v1/persons/{person_id}/inquiries": {"note": "fuzz"},
    "/api/v1/persons/{person_id}/inquiries/{event_id}/erasure": {"reason": "fuzz"},
    "/api/v1/imports": {"file": b"record_id,full_name\n1,Ahmad Khalil\n", "source": "fuzz-weak"},
}


@pytest.mark.parametrize("label", OPERATIONS)
def test_no_input_makes_the_api_fail_with_a_server_error(api_schema, api_token, label):
    operation = _operations(api_schema)[label]
    headers = {"Authorization": f"Bearer {api_token}"}

    @given(case=operation.as_strategy())
    @settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    def fuzz(case) -> None:
        case.call_and_validate(headers=headers, checks=[not_a_server_error])

    fuzz()


def test_every_api_operation_is_fuzzed(api_schema):
    assert set(_operations(api_schema)) == set(OPERATIONS)


def test_a_revoked_or_missing_token_never_reaches_a_server_error(fuzz_app, api_schema):
    """Every operation without a token, and with a token of a role that may not act: 401/403, not 500."""
    weak = create_token(fuzz_app.state.engine, "Beta", "caseworker")
    for operation in _operations(api_schema).values():
        path_parameters = {"person_id": "P-0000001"} if "{person_id}" in operation.path else {}
        if "{event_id}" in operation.path:
            path_parameters["event_id"] = 999999999
        body = {}
        if operation.method.upper() == "POST":
            media_type = "multipart/form-data" if operation.path == "/api/v1/imports" else "application/json"
            body = {"body": BODIES[operation.path], "media_type": media_type}
        case = operation.Case(path_parameters=path_parameters, **body)
        for headers, allowed in (({}, {401}), ({"Authorization": f"Bearer {weak}"}, {403, 200, 201, 404})):
            response = case.call(headers=headers)
            assert response.status_code in allowed, (operation.path, response.status_code, response.text)


def test_a_malformed_record_reference_gets_the_documented_422_body(fuzz_app, api_schema, api_token):
    operation = _operations(api_schema)["POST /api/v1/review/judgements"]
    case = operation.Case(body={"left": "000", "right": "000", "decision": "same"})
    response = case.call(headers={"Authorization": f"Bearer {api_token}"})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert isinstance(detail, list) and all({"loc", "msg", "type"} <= set(item) for item in detail), detail
