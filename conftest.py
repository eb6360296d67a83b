import pytest

from venuesafe.testing.factories import District


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def district(db):
    return District()
