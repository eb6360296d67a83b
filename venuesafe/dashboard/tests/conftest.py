import pytest

from venuesafe.dashboard import rollup


@pytest.fixture(autouse=True)
def rollup_at_once(monkeypatch):
    """A test's transaction never commits: recompute the rollup when the services write instead."""
    monkeypatch.setattr(rollup, "_on_commit", lambda callback: callback())
