import pytest

from venuesafe.hazards.tests.services.world import T0, World
from venuesafe.hazards.tests.services.world import clock_at as clock_at  # a fixture


@pytest.fixture
def world(district):
    return World(district)


@pytest.fixture(autouse=True)
def _at_t0(clock_at):
    """Every test here starts on Monday 2 March 2026, 08:00 in Shanghai."""
    clock_at(T0)
