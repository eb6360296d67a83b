import pytest

from venuesafe.dashboard import rollup, tallies


@pytest.fixture(autouse=True)
def rollup_at_once(monkeypatch):
    """A test's transaction never commits: recompute the rollup and tallies when the rows are written."""
    monkeypatch.setattr(rollup, "_on_commit", lambda callback: callback())
    monkeypatch.setattr(tallies, "_on_commit", lambda callback: callback())
