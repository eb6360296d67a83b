import pytest

from venuesafe.hazards.tests.services.world import World


@pytest.fixture
def world(district):
    return World(district)
