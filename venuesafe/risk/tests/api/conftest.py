import pytest

from venuesafe.risk.tests.views.helpers import build_area


@pytest.fixture
def area(district):
    return build_area(district)
