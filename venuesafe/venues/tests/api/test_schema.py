import re

from django.contrib.staticfiles import finders
from rest_framework.test import APIClient


def test_schema__served(db):
    response = APIClient().get("/api/v1/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    for path in ("/api/v1/venues/", "/api/v1/venues/near/", "/api/v1/auth/token/", "/api/v1/me/"):
        assert path in text
    assert "coord_system" in text


def test_docs__page_uses_no_external_assets(db):
    response = APIClient().get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower()
    sources = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)["\']', html)
    assert sources
    assert not [s for s in sources if s.startswith(("http://", "https://", "//"))]
    assert not re.search(r"""["'](?:https?:)?//[^"']+\.js""", html)
    # The assets it links are in the sidecar package, served as static files.
    for src in sources:
        if src.startswith("/static/"):
            assert finders.find(src.removeprefix("/static/")), src
