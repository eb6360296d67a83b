import pytest

from venuesafe.selfchecks.tests.views.helpers import build_shops


@pytest.fixture
def shops(district):
    return build_shops(district)
