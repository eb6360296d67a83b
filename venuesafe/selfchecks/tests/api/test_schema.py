import pytest
from rest_framework.test import APIClient

NEW_PATHS = {
    "/api/v1/venues/{id}/self-check-items/": ["get"],
    "/api/v1/self-checks/": ["get", "post"],
    "/api/v1/self-checks/{id}/": ["get"],
    "/api/v1/self-checks/figures/": ["get"],
    "/api/v1/self-checks/missing/": ["get"],
    "/api/v1/venues/{id}/binding-codes/": ["get", "post"],
    "/api/v1/binding-codes/{id}/revoke/": ["post"],
    "/api/v1/merchant/bind/": ["post"],
}


@pytest.fixture
def schema(db):
    response = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_schema__self_check_and_binding_paths(schema):
    for path, methods in NEW_PATHS.items():
        assert path in schema["paths"], path
        assert set(methods) <= set(schema["paths"][path]), path


def test_schema__punch_in_takes_json_or_multipart_and_says_its_refusals(schema):
    operation = schema["paths"]["/api/v1/self-checks/"]["post"]
    assert {"application/json", "multipart/form-data"} <= set(operation["requestBody"]["content"])
    assert {"200", "201", "400", "403", "404", "409"} <= set(operation["responses"])


def test_schema__bind_documents_the_lockout(schema):
    assert "429" in schema["paths"]["/api/v1/merchant/bind/"]["post"]["responses"]
