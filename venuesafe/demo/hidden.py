"""The demo district's hidden truth: how often each venue develops a fire hazard.

A measuring stick for the risk ranking (bench/patrol_lift.py), never shown to the system: no
table stores it and no page or score reads it. The demo history draws its past findings from it
(a careless venue had more hazards found in the past, as in reality), so what the system can see
is correlated with it, but only through those rows.
"""

from __future__ import annotations

import math
import random

SEED = 20260611
BASE_RATE_PER_DAY = 0.015  # a typical shop develops a hazard every two months or so
# Kitchens with gas, rental housing, mixed-use and small workshops develop hazards more often.
CATEGORY_FACTORS = {"FOOD": 1.5, "RENT": 1.3, "MIXED": 1.3, "MFG": 1.2}
SPREAD = 0.6  # sigma of the venue's latent lognormal carelessness


def venue_seed(venue, salt: int) -> str:
    """A seed from what the venue is, not its row id: ids depend on what the database did before
    (a PostgreSQL sequence is not rolled back), and the history must not."""
    return f"{salt}|{venue.sign_name}|{venue.address}|{venue.licence_no}"


def top_category_code(venue) -> str:
    cat = venue.category
    return cat.parent.code if cat.parent_id else cat.code


def true_hazard_rate(venue, top_code: str | None = None) -> float:
    """Hazards per day the venue develops: category factor × a latent per-venue lognormal factor.

    Deterministic from the seed and the venue's sign, address and licence; `top_code` (the top-level category code)
    saves a query when the caller knows it. Mean about 0.02 per day over the demo district.
    """
    top = top_code if top_code is not None else top_category_code(venue)
    latent = random.Random(venue_seed(venue, SEED * 7)).gauss(0, SPREAD)
    return BASE_RATE_PER_DAY * CATEGORY_FACTORS.get(top, 1.0) * math.exp(latent)
