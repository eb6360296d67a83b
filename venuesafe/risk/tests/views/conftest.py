import pytest

from .helpers import build_area


@pytest.fixture
def area(district):
    return build_area(district)
