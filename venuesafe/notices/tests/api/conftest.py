import pytest

from venuesafe.inspections.tests.api.helpers import api_client, build_loop


@pytest.fixture
def client_for():
    return api_client


@pytest.fixture
def loop(district):
    return build_loop(district)
