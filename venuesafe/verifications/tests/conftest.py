import pytest
from rest_framework.test import APIClient

from .helpers import World


@pytest.fixture
def world(district):
    return World(district)


@pytest.fixture
def api():
    def make(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make
