import pytest
from rest_framework.test import APIClient

NEW_PATHS = {
    "/api/v1/hazard-types/": ["get"],
    "/api/v1/venues/{id}/checklist/": ["get"],
    "/api/v1/inspections/": ["get", "post"],
    "/api/v1/inspections/{id}/": ["get"],
    "/api/v1/hazards/": ["get"],
    "/api/v1/hazards/figures/": ["get"],
    "/api/v1/hazards/{id}/": ["get"],
    "/api/v1/hazards/{id}/events/": ["get"],
    "/api/v1/notices/": ["get"],
    "/api/v1/notices/{id}/read/": ["post"],
    "/api/v1/notices/read-all/": ["post"],
    "/api/v1/notices/unread-count/": ["get"],
}
TRANSITIONS = [
    "dispatch",
    "redispatch",
    "acknowledge",
    "proof",
    "review-pass",
    "review-fail",
    "reopen",
    "extend-deadline",
    "withdraw",
]


@pytest.fixture
def schema(db):
    response = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_schema__loop_endpoints(schema):
    paths = schema["paths"]
    for path, methods in NEW_PATHS.items():
        assert path in paths, path
        assert set(methods) <= set(paths[path]), path


def test_schema__each_transition_is_its_own_operation_with_its_refusals(schema):
    paths = schema["paths"]
    operation_ids = set()
    for action in TRANSITIONS:
        operation = paths[f"/api/v1/hazards/{{id}}/{action}/"]["post"]
        operation_ids.add(operation["operationId"])
        assert {"200", "400", "403", "404", "409"} <= set(operation["responses"]), action
        conflict = operation["responses"]["409"]["content"]["application/json"]["schema"]["$ref"]
        assert conflict.endswith("/ConflictError")
    assert len(operation_ids) == len(TRANSITIONS)
    conflict = schema["components"]["schemas"]["ConflictError"]["properties"]
    assert {"code", "message", "fields", "current_state", "version"} <= set(conflict)


def test_schema__proof_takes_multipart_photos(schema):
    body = schema["paths"]["/api/v1/hazards/{id}/proof/"]["post"]["requestBody"]["content"]
    ref = body["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[-1]
    photos = schema["components"]["schemas"][ref]["properties"]["photos"]
    assert photos["type"] == "array"
    assert photos["items"]["format"] == "binary"


def test_schema__inspection_submit_documents_json_and_multipart(schema):
    operation = schema["paths"]["/api/v1/inspections/"]["post"]
    assert {"application/json", "multipart/form-data"} <= set(operation["requestBody"]["content"])
    assert {"200", "201", "400", "403", "409"} <= set(operation["responses"])


def test_schema__valid_and_without_warnings(db, tmp_path):
    from django.core.management import call_command

    # Fails on an invalid document and on warnings such as one enum named twice.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
