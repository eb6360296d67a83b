"""A phone's reported position: validated, converted to WGS-84."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import geo
from .errors import InvalidInput
from .validators import validate_wgs84_in_china


@dataclass(frozen=True)
class Position:
    lat: float
    lng: float
    accuracy_m: float | None = None


def parse_position(lat, lng, accuracy_m=None, coord_system: str | None = None) -> Position | None:
    """None when the phone gave no position; InvalidInput when what it gave is not usable."""
    if lat in (None, "") and lng in (None, ""):
        return None
    try:
        system = geo.CoordSystem(coord_system or geo.CoordSystem.WGS84)
    except ValueError:
        raise InvalidInput(
            _("Unknown coordinate system; use wgs84, gcj02 or bd09."),
            fields={"coord_system": [_("Unknown coordinate system; use wgs84, gcj02 or bd09.")]},
        ) from None
    try:
        lat_f, lng_f = float(lat), float(lng)
    except (TypeError, ValueError):
        raise InvalidInput(
            _("These are not valid coordinates."), fields={"lat": [_("These are not valid coordinates.")]}
        ) from None
    try:
        validate_wgs84_in_china(lat_f, lng_f)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], fields={"lat": list(exc.messages)}) from None
    acc = None
    if accuracy_m not in (None, ""):
        try:
            acc = float(accuracy_m)
        except (TypeError, ValueError):
            acc = -1.0
        if not math.isfinite(acc) or acc < 0:
            raise InvalidInput(
                _("The accuracy must be a distance in metres."),
                fields={"accuracy_m": [_("The accuracy must be a distance in metres.")]},
            )
    wlat, wlng = geo.to_wgs84(lat_f, lng_f, system)
    return Position(round(wlat, 7), round(wlng, 7), acc)
