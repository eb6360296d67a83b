import pytest

from venuesafe.hazards.tests.services.world import World, clock_at  # noqa: F401 - a fixture


@pytest.fixture
def world(district):
    return World(district)
