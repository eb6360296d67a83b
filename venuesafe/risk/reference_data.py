"""Reference data for risk: base points and candidate-major thresholds per category, and which
GB 35181 element each ★ catalogue entry stands for (regulations.md §7). Data, editable in the admin.

Thresholds: a crowded place (人员密集场所) with 3 or more comprehensive elements (GB 35181 Ch.8,
"3条以上(含本数)"); other venues 4 — below the standard's 6 [U], because the catalogue covers only
part of Ch.7 and the system only flags candidates for people to judge. Any direct element flags at once.
"""

from __future__ import annotations

# code: (base points, crowded, comprehensive threshold)
CATEGORY_RISK = {
    "SHOP": (10, False, 4),
    "FOOD": (20, False, 4),
    "HOTEL": (20, True, 3),
    "ENT": (25, True, 3),
    "NETC": (20, True, 3),
    "BEAUTY": (15, False, 4),
    "MFG": (20, False, 4),
    "EDU": (20, True, 3),
    "MED": (15, True, 3),
    "MIXED": (25, True, 3),
    "RENT": (20, False, 4),
}

# hazard code: (GB 35181 element, direct)
GB35181_ELEMENTS = {
    "MAT-02": ("6.8", True),
    "RES-03": ("6.10", True),
    "RES-04": ("6.2", True),
    "RES-01": ("7.1.3", False),
    "EVA-01": ("7.3.3", False),
    "EVA-04": ("7.3.3", False),
    "EVA-03": ("7.3.6", False),
    "FAC-01": ("7.4", False),
    "MAT-01": ("7.9", False),
}


def load_risk_reference_data(CategoryRisk, VenueCategory, HazardType) -> None:
    for code, (points, crowded, threshold) in CATEGORY_RISK.items():
        category = VenueCategory.objects.filter(code=code).first()
        if category is not None and not CategoryRisk.objects.filter(category=category).exists():
            CategoryRisk.objects.create(
                category=category, base_points=points, crowded=crowded, major_threshold=threshold
            )
    for code, (element, direct) in GB35181_ELEMENTS.items():
        HazardType.objects.filter(code=code, gb35181_element="").update(gb35181_element=element, gb35181_direct=direct)
