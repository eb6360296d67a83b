"""The inspection checklists as reference data, from ../shared/domain/regulations.md §4 (and §5, §9).

Every question is phrased so that "yes" means compliant; a "no" raises one of `hazards`, the first
being the default. Items without `categories` are asked at every venue; the others at venues of
those top-level categories and their sub-types (the selector matches a venue's category or its
parent). Loaded by a data migration; afterwards it is data that district admins edit in the admin.
"""

from __future__ import annotations

from venuesafe.hazards.catalogue_data import upsert_by_code

CHECKLIST = [
    # -- Every venue (§4.1) ------------------------------------------------------------------
    {
        "code": "GEN-01",
        "section": "evacuation",
        "question": "疏散通道、安全出口畅通，未锁闭、堵塞或占用",
        "question_en": "Escape routes and safety exits are clear: not locked, blocked or occupied",
        "hint": "营业期间出口不上锁，通道内无货物、杂物、车辆；常闭防火门保持关闭",
        "hint_en": "Exits unlocked while open, no goods, clutter or vehicles in the way; fire doors kept shut",
        "hazards": ["EVA-01", "EVA-05", "EVA-04"],
    },
    {
        "code": "GEN-02",
        "section": "evacuation",
        "question": "门窗未设置防盗网、铁栅栏、广告牌等影响逃生的障碍物",
        "question_en": "No grilles, bars, billboards or other obstacles to escape on windows and doors",
        "hint": "外窗可从内部打开，确需防盗网的设有逃生口",
        "hint_en": "Outer windows open from inside; any necessary grille has an escape hatch",
        "hazards": ["EVA-02"],
    },
    {
        "code": "GEN-03",
        "section": "evacuation",
        "question": "应急照明和疏散指示标志齐全、完好，断电后能亮",
        "question_en": "Emergency lighting and exit signs are present, intact and light up without mains power",
        "hint": "按下测试键或断电时应急灯亮起，出口上方和通道上有指示标志",
        "hint_en": "Emergency lamps light on the test button or power cut; signs above exits and along routes",
        "hazards": ["EVA-03"],
    },
    {
        "code": "GEN-04",
        "section": "extinguishers",
        "question": "灭火器数量足够，摆放醒目、取用方便，未被遮挡或挪作他用",
        "question_en": "Enough extinguishers, placed visibly and within reach, not blocked or used for anything else",
        "hint": "每个配置点至少2具，放在出口、通道附近的明显位置",
        "hint_en": "At least 2 per point, in plain sight near exits and routes",
        "hazards": ["EXT-04", "EXT-05"],
    },
    {
        "code": "GEN-05",
        "section": "extinguishers",
        "question": "灭火器压力指针在绿区，在有效期内，外观完好且未开启",
        "question_en": "Extinguisher gauges are in the green band, units within their service life, "
        "intact and unopened",
        "hint": "指针在绿区；保险销、铅封齐全；瓶体无锈蚀变形，喷射软管无龟裂；未超过报废年限",
        "hint_en": "Needle in the green; pin and seal in place; no rust, dents or cracked hose; not past scrap age",
        "hazards": ["EXT-03", "EXT-01", "EXT-06", "EXT-07", "EXT-02"],
    },
    {
        "code": "GEN-06",
        "section": "extinguishers",
        "question": "消防设施（报警、喷淋、消火栓）完好有效，消火栓未被遮挡、埋压",
        "question_en": "Fire systems (alarm, sprinklers, hydrants) work, and hydrants are not blocked or buried",
        "hint": "设施有维保记录，控制器无故障；场所未设置这些设施的选“不适用”",
        "hint_en": "Maintenance records kept, no fault on the panel; answer 'not applicable' if there are none",
        "hazards": ["FAC-01", "FAC-02"],
    },
    {
        "code": "GEN-07",
        "section": "electrical",
        "question": "无私拉乱接电线，明敷线路穿管保护，线路无老化破损",
        "question_en": "No ad-hoc wiring; surface wiring runs in conduit and is not aged or damaged",
        "hint": "电线走线规整、穿阻燃管或线槽，无裸露接头",
        "hint_en": "Wiring tidy, in flame-retardant conduit or trunking, no bare joints",
        "hazards": ["ELE-01", "ELE-02"],
    },
    {
        "code": "GEN-08",
        "section": "electrical",
        "question": "未超负荷用电，插线板合格，装有漏电保护开关，灯具未贴可燃物安装",
        "question_en": "No overloading, approved power strips, an earth-leakage breaker fitted, "
        "lamps clear of combustibles",
        "hint": "插线板不串接，大功率电器单独供电，配电箱有漏电保护；灯具与可燃装修隔开",
        "hint_en": "Strips not daisy-chained, high-power appliances on their own circuit, RCD in the board; "
        "lamps insulated",
        "hazards": ["ELE-03", "ELE-04", "ELE-05"],
    },
    {
        "code": "GEN-09",
        "section": "fire_use",
        "question": "营业期间无动火、焊割作业，禁火区域无吸烟和明火",
        "question_en": "No welding, cutting or other hot work while open, and no smoking or open flame where forbidden",
        "hint": "动火作业在停业时进行并有人监护，禁烟区有标识",
        "hint_en": "Hot work only while closed and under watch; no-smoking areas are signed",
        "hazards": ["MGT-01"],
    },
    {
        "code": "GEN-10",
        "section": "sleeping",
        "question": "经营场所内无人住宿；如有人住宿，已实体分隔并设独立出口、感烟报警器和逃生器材",
        "question_en": "Nobody sleeps on the business premises; where someone does, that part is walled off with "
        "its own exit, a smoke alarm and escape gear",
        "hint": "住宿部分与经营、仓储部分用实体墙和楼板分隔，有独立出口、独立式感烟报警器、逃生绳或梯",
        "hint_en": "Sleeping part separated by solid wall and floor, with its own exit, a smoke alarm and an "
        "escape rope or ladder",
        "hazards": ["RES-01", "EVA-06", "RES-02", "RES-03"],
    },
    {
        "code": "GEN-11",
        "section": "materials",
        "question": "未使用泡沫夹芯板等易燃可燃材料装修或隔断",
        "question_en": "No foam sandwich panels or other combustible materials in finishes or partitions",
        "hint": "吊顶、隔墙采用不燃材料（如石膏板、砖墙），彩钢板芯材为岩棉等A级材料",
        "hint_en": "Ceilings and partitions non-combustible (plasterboard, brick); steel panels with class-A cores",
        "hazards": ["MAT-01", "RES-03"],
    },
    {
        "code": "GEN-12",
        "section": "materials",
        "question": "无违规使用、储存易燃易爆危险品，可燃物未乱堆乱放",
        "question_en": "No flammable or explosive goods used or stored against the rules, and no combustible clutter",
        "hint": "不存放汽油、酒精桶、烟花爆竹等；货物堆放整齐，远离电气设备和热源",
        "hint_en": "No petrol, drums of alcohol or fireworks; stock stacked tidily, away from electrics and heat",
        "hazards": ["MAT-02", "MAT-03", "RES-04"],
    },
    {
        "code": "GEN-13",
        "section": "ebike",
        "question": "电动自行车未在室内、楼道、出口停放充电，无进楼入户和飞线充电，无非法改装",
        "question_en": "No e-bikes parked or charged indoors, in corridors or exits; none taken indoors, no "
        "flying-lead charging, no modifications",
        "hint": "电动自行车在室外集中停放点或充电桩充电",
        "hint_en": "E-bikes park and charge at an outdoor bay or charging post",
        "hazards": ["EBK-01", "EBK-02", "EBK-03"],
    },
    {
        "code": "GEN-14",
        "section": "management",
        "question": "有消防安全制度，开展防火巡查、检查并有记录（含灭火器每月检查记录）",
        "question_en": "Fire-safety rules are in place, and patrols and checks are done and recorded "
        "(including the monthly extinguisher check)",
        "hint": "制度上墙，巡查记录和灭火器检查卡填写到当月",
        "hint_en": "Rules posted; patrol log and extinguisher check cards filled in up to this month",
        "hazards": ["MGT-02", "EXT-08"],
    },
    {
        "code": "GEN-15",
        "section": "management",
        "question": "员工会报警、会扑救初起火灾、会组织疏散",
        "question_en": "Staff can raise the alarm, fight an incipient fire and lead an evacuation",
        "hint": "随机询问一名员工：会拨打119、会使用灭火器、知道疏散路线",
        "hint_en": "Ask one member of staff: can call 119, use an extinguisher and knows the way out",
        "hazards": ["MGT-03"],
    },
    # -- Small restaurants: gas and kitchen (§4.2) -------------------------------------------
    {
        "code": "FOOD-01",
        "section": "gas",
        "question": "已安装可燃气体报警装置，通电且工作正常",
        "question_en": "A combustible-gas alarm is fitted, powered and working",
        "hint": "报警器装在用气设备附近，电源灯亮，按测试键能报警",
        "hint_en": "Alarm near the gas appliances, power light on, sounds on the test button",
        "hazards": ["GAS-01", "GAS-02"],
        "categories": ["FOOD"],
    },
    {
        "code": "FOOD-02",
        "section": "gas",
        "question": "报警装置与紧急切断阀联动，报警时能自动切断气源",
        "question_en": "The alarm is linked to an emergency shut-off valve that cuts the gas when it sounds",
        "hint": "测试报警时切断阀动作、灶具熄火",
        "hint_en": "On an alarm test the valve closes and the burners go out",
        "hazards": ["GAS-03"],
        "categories": ["FOOD"],
    },
    {
        "code": "FOOD-03",
        "section": "gas",
        "question": "燃气软管为专用软管，长度不超过2米、中间无接口、未穿墙门窗，无老化龟裂",
        "question_en": "The gas hose is a dedicated gas hose, at most 2 m, without joints, not through walls, doors "
        "or windows, not aged or cracked",
        "hint": "宜用不锈钢波纹软管，两端卡箍紧固，在使用期限内，远离灶火",
        "hint_en": "Stainless corrugated hose preferred, clamped at both ends, within its service life, "
        "away from the flame",
        "hazards": ["GAS-04", "GAS-05", "GAS-06", "GAS-07"],
        "categories": ["FOOD"],
    },
    {
        "code": "FOOD-04",
        "section": "gas",
        "question": "灶具有熄火保护装置，未超过判废年限",
        "question_en": "Stoves have flame-failure protection and are within their scrap life",
        "hint": "火焰熄灭后燃气自动切断；灶具使用不超过8年",
        "hint_en": "Gas cuts off when the flame goes out; stove no older than 8 years",
        "hazards": ["GAS-08", "GAS-09"],
        "categories": ["FOOD"],
    },
    {
        "code": "FOOD-05",
        "section": "gas",
        "question": "液化石油气钢瓶在检验期内、标识有效，存放规范",
        "question_en": "LPG cylinders are within their inspection date, properly marked and stored correctly",
        "hint": "扫码可查；空瓶实瓶分开，与灶具距离不小于0.5米，不在地下室，调压器完好；未使用瓶装气的选“不适用”",
        "hint_en": "Code scans; full and empty apart, at least 0.5 m from the stove, not in a basement, regulator "
        "sound; answer 'not applicable' without bottled gas",
        "hazards": ["GAS-10", "GAS-12", "GAS-13", "GAS-11", "GAS-16", "GAS-17"],
        "categories": ["FOOD"],
    },
    {
        "code": "FOOD-06",
        "section": "gas",
        "question": "未混用管道天然气和瓶装液化气，未私接、改装燃气管道",
        "question_en": "Piped gas and bottled LPG are not both in use, and gas pipes are not tapped or altered",
        "hint": "只有一种气源；管道、阀门为燃气公司安装，无私接三通",
        "hint_en": "One gas source only; pipes and valves fitted by the gas company, no added tees",
        "hazards": ["GAS-14", "GAS-15"],
        "categories": ["FOOD"],
    },
    {
        "code": "FOOD-07",
        "section": "kitchen",
        "question": "厨房油烟管道定期清洗，有清洗记录",
        "question_en": "The kitchen exhaust duct is cleaned regularly, with a cleaning record",
        "hint": "烟罩、管道无明显油垢，清洗记录在有效周期内",
        "hint_en": "No visible grease in hood and duct; cleaning record is up to date",
        "hazards": ["KIT-01"],
        "categories": ["FOOD"],
    },
    # -- Other categories --------------------------------------------------------------------
    {
        "code": "HOTEL-01",
        "section": "sleeping",
        "question": "客房和住宿区域有独立疏散出口，安装了独立式感烟火灾探测报警器",
        "question_en": "Guest rooms and sleeping areas have their own exit and a stand-alone smoke alarm",
        "hint": "每间客房有感烟报警器且能响，住宿楼层有不经过经营区的出口",
        "hint_en": "A working smoke alarm in every room; sleeping floors have an exit that avoids the business area",
        "hazards": ["EVA-06", "RES-02"],
        "categories": ["HOTEL"],
    },
    {
        "code": "ENT-01",
        "section": "extinguishers",
        "question": "每半月检查一次灭火器并有记录",
        "question_en": "Extinguishers are checked every half month, with a record",
        "hint": "歌舞娱乐场所灭火器检查卡每半月有一次签字",
        "hint_en": "The check card of an entertainment venue is signed every half month",
        "hazards": ["EXT-08"],
        "categories": ["ENT"],
    },
    {
        "code": "MFG-01",
        "section": "materials",
        "question": "易燃易爆物品单独存放、限量使用，不与住宿部分在同一建筑",
        "question_en": "Flammable or explosive goods are stored apart, used in limited amounts, and not in the same "
        "building as sleeping quarters",
        "hint": "油漆、溶剂等放在专用库房或柜内，车间只放当班用量，无人在厂房内住宿",
        "hint_en": "Paint and solvents in a dedicated store or cabinet, only a shift's amount on the floor, "
        "nobody sleeping in the building",
        "hazards": ["MAT-02", "MAT-03", "RES-04"],
        "categories": ["MFG"],
    },
    {
        "code": "RENT-01",
        "section": "ebike",
        "question": "电动自行车集中充电区与居住部分实体分隔",
        "question_en": "The e-bike charging area is physically separated from the living quarters",
        "hint": "充电区在室外或独立房间，与住房之间有实体墙，不占用疏散通道",
        "hint_en": "Charging outdoors or in a separate room, a solid wall from the homes, not in an escape route",
        "hazards": ["EBK-04"],
        "categories": ["RENT"],
    },
]


def load_checklists(ChecklistItem, HazardType, VenueCategory) -> None:
    """Idempotent: creates or updates every item by code. Takes historical models in migrations."""
    hazard_types = {h.code: h for h in HazardType.objects.all()}
    category_codes = {code for item in CHECKLIST for code in item.get("categories", [])}
    categories = {c.code: c for c in VenueCategory.objects.filter(code__in=category_codes)}
    needed = {code for item in CHECKLIST for code in item["hazards"]}
    missing = sorted((needed - set(hazard_types)) | (category_codes - set(categories)))
    if missing:
        raise LookupError(f"Load the categories and the hazard catalogue first; missing: {missing}")
    for order, item in enumerate(CHECKLIST, start=1):
        item_categories = item.get("categories", [])
        fields = {
            "section": item["section"],
            "question": item["question"],
            "question_en": item["question_en"],
            "hint": item["hint"],
            "hint_en": item["hint_en"],
            "applies_to_all": not item_categories,
            "default_hazard_type": hazard_types[item["hazards"][0]],
            "sort_order": order * 10,
        }
        checklist_item = upsert_by_code(ChecklistItem, item["code"], fields)
        checklist_item.hazard_types.set([hazard_types[code] for code in item["hazards"]])
        checklist_item.categories.set([categories[code] for code in item_categories])
