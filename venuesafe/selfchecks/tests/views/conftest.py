import pytest

from .helpers import build_shops


@pytest.fixture
def shops(district):
    return build_shops(district)
