import pytest

from venuesafe.hazards.models import Hazard
from venuesafe.inspections.tests.api.helpers import api_client, build_loop, submit_with_failure
from venuesafe.testing.factories import found_hazard, venue


@pytest.fixture
def client_for():
    return api_client


@pytest.fixture
def loop(district):
    return build_loop(district)


@pytest.fixture
def dispatched(loop):
    """A hazard found by an inspection through the API, handed to the venue's merchant."""
    response = submit_with_failure(api_client(loop.inspector), loop.venue.pk)
    assert response.status_code == 201, response.content
    return Hazard.objects.get(pk=response.json()["hazards"][0]["id"])


@pytest.fixture
def found(loop, district):
    """A hazard at a venue without a merchant account: it waits to be dispatched."""
    plain = venue(district.comm_a1, district.grid_a1a)
    return found_hazard(plain, loop.inspector)
