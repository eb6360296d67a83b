from venuesafe.hazards.tests.services.world import clock_at  # noqa: F401 - a fixture
