"""The merchant self-check (三步走: 查设备、看线路、清通道) as reference data, from
../shared/domain/regulations.md §4 (the checks a merchant can make alone, daily). Each "no"
raises the catalogue hazard named here. Loaded by a data migration; afterwards district admins
edit it in the admin."""

from __future__ import annotations

# (code, step, question, question_en, hint, hint_en, categories (None: every venue), photo required, hazard code)
SELF_CHECK_ITEMS = [
    # 查设备 — equipment
    (
        "SC-EQ-01",
        "equipment",
        "灭火器在位，压力指针在绿区",
        "Extinguishers in place, gauge needles in the green",
        "指针在绿区；保险销、铅封完好；瓶身无锈蚀变形；放在显眼、取用方便处",
        "Needle in the green; pin and seal intact; no rust or dents; visible and easy to reach",
        None,
        True,
        "EXT-03",
    ),
    (
        "SC-EQ-02",
        "equipment",
        "应急照明灯、安全出口标志通电完好",
        "Emergency lights and exit signs powered and working",
        "按下测试键灯会亮；出口标志常亮、无遮挡",
        "Press the test button and the light comes on; exit signs lit and not covered",
        None,
        False,
        "EVA-03",
    ),
    (
        "SC-GAS-01",
        "equipment",
        "燃气报警器通电正常，与切断阀联动",
        "Gas alarm powered and linked to the shut-off valve",
        "报警器指示灯正常（绿灯）；按测试键报警、切断阀关闭",
        "Alarm's light normal (green); the test button sounds it and closes the valve",
        ["FOOD"],
        True,
        "GAS-02",
    ),
    (
        "SC-GAS-02",
        "equipment",
        "燃气软管无老化龟裂，接口卡紧，用完关阀",
        "Gas hose not aged or cracked, clamped, valve closed after use",
        "软管不超过2米、中间无接头、不穿墙；用手弯折无裂纹；打烊后关闭总阀",
        "Hose at most 2 m, no joints, not through walls; no cracks when bent; main valve closed at closing time",
        ["FOOD"],
        True,
        "GAS-04",
    ),
    (
        "SC-GAS-03",
        "equipment",
        "液化气钢瓶在检验期内，与灶具相距0.5米以上",
        "LPG cylinders within their inspection date, 0.5 m or more from the stove",
        "扫瓶身二维码看检验日期；空瓶、满瓶分开放；不用钢瓶的店选“是”",
        "Scan the cylinder's code for its inspection date; full and empty apart; answer yes if you use no cylinders",
        ["FOOD"],
        False,
        "GAS-10",
    ),
    # 看线路 — wiring
    (
        "SC-WI-01",
        "wiring",
        "没有私拉乱接电线",
        "No unauthorised ad-hoc wiring",
        "电线走线槽或穿管；不从窗口、门缝拉线",
        "Cables in trunking or conduit; none run through windows or door gaps",
        None,
        False,
        "ELE-01",
    ),
    (
        "SC-WI-02",
        "wiring",
        "插线板不串接、不超负荷，大功率电器用后断电",
        "Power strips not daisy-chained or overloaded; high-power appliances switched off after use",
        "一个插座只接一个插线板；电热水壶、电暖器用完拔插头",
        "One strip per socket; unplug kettles and heaters after use",
        None,
        False,
        "ELE-03",
    ),
    (
        "SC-WI-03",
        "wiring",
        "电动自行车、电池没有在店内或楼道停放充电",
        "No e-bikes or batteries parked or charging inside or in the stairwell",
        "到集中充电点充电；电池不带进店",
        "Charge at the shared charging point; batteries stay out of the shop",
        None,
        False,
        "EBK-01",
    ),
    # 清通道 — passages
    (
        "SC-PA-01",
        "passages",
        "疏散通道、安全出口畅通，没有堆物、没有上锁",
        "Escape routes and exits clear, nothing stored, not locked",
        "营业时出口门能从里面一推就开；通道宽度不被货物占用",
        "While open, exit doors open from inside with one push; no goods narrowing the route",
        None,
        True,
        "EVA-01",
    ),
    (
        "SC-PA-02",
        "passages",
        "可燃物整齐存放，远离电器和火源",
        "Combustibles stored tidily, away from electrics and flames",
        "纸箱、布料不堆在配电箱、灶台旁",
        "No cardboard or cloth piled by the fuse box or the stove",
        None,
        False,
        "MAT-03",
    ),
    (
        "SC-PA-03",
        "passages",
        "店内没有人员住宿",
        "Nobody sleeps on the premises",
        "经营场所不住人；确需值班的，住宿区与经营区防火分隔并有独立出口",
        "No sleeping on business premises; any night-duty room is fire-separated with its own exit",
        ["SHOP", "FOOD", "MFG", "BEAUTY", "MIXED"],
        False,
        "RES-01",
    ),
    (
        "SC-HO-01",
        "passages",
        "客房走道、楼梯畅通，疏散图张贴在房门后",
        "Corridors and stairs clear; escape plan posted on room doors",
        "每间客房门后有疏散示意图；楼梯间不堆放布草",
        "Every room door shows the escape plan; no linen stored in the stairwell",
        ["HOTEL"],
        False,
        "EVA-01",
    ),
    (
        "SC-HO-02",
        "passages",
        "夜间有人值班，巡查记录已填写",
        "Someone is on night duty and the patrol log is filled in",
        "夜间至少一人值班；每晚巡查一次并签字",
        "At least one person on duty at night; one signed patrol each night",
        ["HOTEL"],
        False,
        "MGT-02",
    ),
    (
        "SC-MF-01",
        "passages",
        "易燃易爆物品单独存放、限量使用",
        "Flammable goods stored apart, only a day's use on the floor",
        "油漆、稀释剂等放专用柜，现场只留当天用量",
        "Paint and thinners in a dedicated cabinet; only the day's amount at the workbench",
        ["MFG"],
        True,
        "MAT-02",
    ),
]


def load_self_check_items(SelfCheckItem, HazardType, VenueCategory) -> None:
    """Insert or update by code; idempotent."""
    for order, (code, step, q, q_en, hint, hint_en, cats, photo, hazard_code) in enumerate(SELF_CHECK_ITEMS):
        hazard_type = HazardType.objects.get(code=hazard_code)
        item, _ = SelfCheckItem.objects.update_or_create(
            code=code,
            defaults={
                "step": step,
                "question": q,
                "question_en": q_en,
                "hint": hint,
                "hint_en": hint_en,
                "applies_to_all": cats is None,
                "photo_required": photo,
                "hazard_type": hazard_type,
                "sort_order": (order + 1) * 10,
            },
        )
        item.categories.set(VenueCategory.objects.filter(code__in=cats or []))
