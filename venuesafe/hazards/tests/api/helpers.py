"""Small helpers for the hazard API tests."""

from venuesafe.hazards.models import Hazard


def snapshot(hazard: Hazard) -> tuple:
    """What a refused transition must leave unchanged."""
    hazard.refresh_from_db()
    return (hazard.state, hazard.version, hazard.deadline, hazard.events.count(), hazard.photos.count())


def url(hazard: Hazard, action: str = "") -> str:
    return f"/api/v1/hazards/{hazard.pk}/" + (f"{action}/" if action else "")
