"""The public report categories (Open311 services), loaded by a data migration and by tests."""

from __future__ import annotations

# (code, name, name_en, description, description_en, default hazard type code, attributes)
CATEGORIES: list[tuple[str, str, str, str, str, str, list[dict]]] = [
    (
        "fire-exit",
        "堵塞消防通道",
        "Blocked fire exit or escape route",
        "安全出口、疏散通道、楼梯被占用、堵塞或锁闭。",
        "A safety exit, escape route or stairway is blocked, obstructed or locked.",
        "EVA-01",
        [
            {
                "code": "locked",
                "datatype": "singlevaluelist",
                "required": False,
                "description": "出口是否被锁闭？",
                "description_en": "Is the exit locked?",
                "order": 1,
                "values": [
                    {"key": "yes", "name": "是"},
                    {"key": "no", "name": "否"},
                    {"key": "unknown", "name": "不清楚"},
                ],
            }
        ],
    ),
    (
        "ebike-charging",
        "电动车违规充电",
        "E-bike charged or parked illegally",
        "电动自行车在室内、楼道、安全出口停放或充电，飞线充电。",
        "An e-bike parked or charged indoors, in a corridor or at an exit, or charged by a flying lead.",
        "EBK-02",
        [],
    ),
    (
        "gas",
        "燃气使用隐患",
        "Unsafe gas use",
        "燃气软管老化、钢瓶乱放、有燃气异味等。",
        "Aged gas hoses, badly stored cylinders, a smell of gas and similar.",
        "GAS-04",
        [],
    ),
    (
        "wiring",
        "私拉电线",
        "Unauthorised wiring",
        "私拉乱接电线、插线板串接、电线老化裸露。",
        "Ad-hoc wiring, chained power strips, aged or bare wires.",
        "ELE-01",
        [],
    ),
    (
        "extinguisher",
        "灭火器缺失/过期",
        "Extinguisher missing or expired",
        "没有灭火器、灭火器过期或压力不足。",
        "No extinguisher, or an extinguisher past its date or without pressure.",
        "EXT-04",
        [],
    ),
    (
        "sleeping-on-premises",
        "违规住人(三合一)",
        "People sleeping on business premises",
        "生产、经营、仓储场所内住人（三合一）。",
        "People living in a shop, workshop or store room (three-in-one premises).",
        "RES-01",
        [],
    ),
    (
        "combustibles",
        "可燃物堆放",
        "Combustible materials piled up",
        "纸箱、泡沫、杂物等可燃物乱堆乱放。",
        "Cardboard, foam or other combustible clutter piled up.",
        "MAT-03",
        [],
    ),
    (
        "other",
        "其他安全隐患",
        "Other safety problem",
        "其他消防或安全隐患。",
        "Any other fire or safety problem.",
        "OTH-01",
        [],
    ),
]


def load_categories(ReportCategory, HazardType) -> None:
    """Idempotent: creates missing categories by code; leaves existing ones (admins may have edited them)."""
    types = {t.code: t for t in HazardType.objects.filter(code__in=[row[5] for row in CATEGORIES])}
    for order, (code, name, name_en, desc, desc_en, type_code, attributes) in enumerate(CATEGORIES):
        if ReportCategory.objects.filter(code=code).exists():
            continue
        ReportCategory.objects.create(
            code=code,
            name=name,
            name_en=name_en,
            description=desc,
            description_en=desc_en,
            hazard_type=types.get(type_code),
            is_public=True,
            sort_order=(order + 1) * 10,
            attributes=attributes,
        )


def ensure_categories() -> None:
    """(Re)load the categories after a transactional test flushed them."""
    from venuesafe.hazards.catalogue_data import ensure_reference_data
    from venuesafe.hazards.models import HazardType

    from .models import ReportCategory

    if ReportCategory.objects.filter(code__in=[row[0] for row in CATEGORIES]).count() < len(CATEGORIES):
        ensure_reference_data()
        load_categories(ReportCategory, HazardType)
