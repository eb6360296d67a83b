from venuesafe.hazards.tests.views.conftest import loop  # noqa: F401 - a fixture
