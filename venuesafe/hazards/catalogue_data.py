"""The hazard catalogue as reference data, from ../shared/domain/regulations.md §9 (basis: §4-§8).

Rows keep the table's own wording for "applies", severity and deadline; `hazard_rows()` turns
them into field values. Loaded by a data migration; afterwards it is data that district admins
edit in the admin. Many sources are third-party reposts: the `regulation` text says which
citations are still to be checked against the official text (待核实).
"""

from __future__ import annotations

import re

from venuesafe.venues.reference_data import CATEGORIES

_CATEGORY_CODES = {row[0] for row in CATEGORIES}

# §9 says H/M/L. 重大 ("major") is a determination people make (GB 35181 procedure), never a default.
_SEVERITY = {"H": "serious", "M": "general", "L": "general"}

# Hours for the "立即" (correct at once) rows: the order is still tracked until the re-check.
IMMEDIATE_DEADLINE_HOURS = 24

# (code, 中文, English, applies, detection, severity, ★ candidate major, deadline, legal basis / source)
CATALOGUE = [
    # -- Extinguishers (§5) ------------------------------------------------------------------
    (
        "EXT-01",
        "灭火器超过报废年限",
        "Extinguisher past its scrap age",
        "ALL",
        "D+P",
        "M",
        False,
        "3 d",
        "GB 55036-2022《消防设施通用规范》§10.0.8；GA 95-2007 §7.1；GB 50444-2008 表5.4.3"
        "（水基型6年，干粉、洁净气体10年，二氧化碳12年，自出厂日期起算）",
    ),
    (
        "EXT-02",
        "灭火器到期未送修",
        "Extinguisher overdue for repair",
        "ALL",
        "D",
        "L",
        False,
        "7 d",
        "GB 55036-2022《消防设施通用规范》§10.0.7；GA 95-2007 §7.1；GB 50444-2008 §5.3.2（自2023-03-01起不再强制执行）",
    ),
    (
        "EXT-03",
        "压力指示器不在绿区",
        "Pressure gauge not in the green band",
        "ALL",
        "P+C",
        "M",
        False,
        "3 d",
        "GB 4351.1-2005《手提式灭火器 第1部分》（压力指示器红、绿、黄区）；GB 50444-2008 §5.2（灭火器定期检查）",
    ),
    (
        "EXT-04",
        "灭火器未配置或数量不足",
        "No extinguishers, or too few",
        "ALL",
        "C",
        "M",
        False,
        "3 d",
        "《消防法》第六十条（消防设施、器材配置不符合国家标准、行业标准）",
    ),
    (
        "EXT-05",
        "灭火器被遮挡或挪作他用",
        "Extinguisher blocked or used for something else",
        "ALL",
        "P",
        "M",
        False,
        "立即",
        "《消防法》第六十条（挪用消防器材）；单位防火检查当场改正事项",
    ),
    (
        "EXT-06",
        "灭火器锈蚀、变形、铭牌不清、喷射软管龟裂、保险销或铅封缺失",
        "Damaged extinguisher (rust, deformation, illegible label, cracked hose, missing pin or seal)",
        "ALL",
        "P+C",
        "M",
        False,
        "3 d",
        "GB 55036-2022《消防设施通用规范》§10.0.8（报废条件）；GB 50444-2008 §5.2（灭火器定期检查）",
    ),
    (
        "EXT-07",
        "灭火器已被开启或喷射过",
        "Extinguisher already opened or discharged",
        "ALL",
        "C",
        "M",
        False,
        "3 d",
        "GB 50444-2008 §5.2（灭火器定期检查：未启用、未喷射）",
    ),
    (
        "EXT-08",
        "未按月(或半月)检查灭火器、无检查记录",
        "Extinguishers not checked monthly (or half-monthly), no check record",
        "ALL",
        "D+C",
        "L",
        False,
        "7 d",
        "GB 50444-2008 §5.2.1（每月检查）、§5.2.2（人员密集的公共场所、歌舞娱乐放映游艺场所每半月检查）、"
        "§5.2.4（检查记录）",
    ),
    # -- Evacuation --------------------------------------------------------------------------
    (
        "EVA-01",
        "占用、堵塞、锁闭疏散通道或安全出口",
        "Escape route or safety exit blocked or locked",
        "ALL",
        "P",
        "H",
        True,
        "立即",
        "《消防法》第六十条（占用、堵塞、封闭疏散通道、安全出口）；"
        "GB 35181-2017《重大火灾隐患判定方法》§7.3.3（已设置的安全出口被封堵；2025版条文待核实）",
    ),
    (
        "EVA-02",
        "门窗设置防盗网、铁栅栏、广告牌等障碍物",
        "Obstacles on windows or doors (grilles, bars, billboards)",
        "ALL",
        "P",
        "H",
        False,
        "限期拆除 7 d",
        "《消防法》第六十条（人员密集场所在门窗上设置影响逃生和灭火救援的障碍物）",
    ),
    (
        "EVA-03",
        "应急照明或疏散指示标志缺失、损坏",
        "Emergency lighting or exit signs missing or broken",
        "ALL",
        "P+C",
        "M",
        True,
        "7 d",
        "《消防法》第六十条（消防安全标志未保持完好有效）；"
        "GB 35181-2017《重大火灾隐患判定方法》§7.3.6（2025版条文待核实）",
    ),
    (
        "EVA-04",
        "安全出口数量不足或宽度不够",
        "Too few safety exits, or too narrow",
        "ENT,SHOP,ALL",
        "C",
        "H",
        True,
        "30 d",
        "GB 35181-2017《重大火灾隐患判定方法》§6.5、§7.3.3（2025版条文待核实）",
    ),
    (
        "EVA-05",
        "常闭防火门常开或损坏",
        "Self-closing fire door held open or broken",
        "ALL",
        "P",
        "M",
        False,
        "立即",
        "《消防法》第六十条（损坏、停用消防设施）；单位防火检查当场改正事项",
    ),
    (
        "EVA-06",
        "住宿部分无独立逃生出口",
        "Sleeping area without its own exit",
        "ALL",
        "C",
        "H",
        False,
        "30 d",
        "GA 703《住宿与生产储存经营合用场所消防安全技术要求》；地方小档口、小作坊消防安全检查标准",
    ),
    # -- Electrical --------------------------------------------------------------------------
    (
        "ELE-01",
        "私拉乱接电线",
        "Unauthorised ad-hoc wiring",
        "ALL",
        "P",
        "M",
        False,
        "立即",
        "南通市“九小场所”消防安全严禁事项（2023）；地方小场所消防安全检查标准",
    ),
    (
        "ELE-02",
        "明敷线路未穿管保护、线路老化",
        "Surface wiring without conduit, or aged wiring",
        "ALL",
        "P",
        "M",
        False,
        "7 d",
        "地方小场所消防安全检查标准（明敷线路穿管保护）",
    ),
    (
        "ELE-03",
        "超负荷用电、不合格插线板或大功率电器",
        "Overloaded circuits, sub-standard power strips or high-power appliances",
        "ALL",
        "P",
        "M",
        False,
        "立即",
        "崇川区社会面小场所安全检查（2025）；地方小场所消防安全检查标准",
    ),
    (
        "ELE-04",
        "未安装漏电保护或空气开关",
        "No earth-leakage (RCD) protection or circuit breaker",
        "ALL",
        "C",
        "M",
        False,
        "7 d",
        "乡镇“九小场所”消防安全整治方案（漏电保护装置）",
    ),
    (
        "ELE-05",
        "灯具或电气高温部位安装在可燃装修上",
        "Lamps or hot electrical parts mounted on combustible finishes",
        "ALL",
        "P",
        "M",
        False,
        "7 d",
        "乡镇“九小场所”消防安全整治方案（电气高温部位与可燃物）",
    ),
    # -- E-bikes -----------------------------------------------------------------------------
    (
        "EBK-01",
        "电动自行车室内、楼道或出口停放充电",
        "E-bike parked or charged indoors, in a corridor, stairwell or exit",
        "ALL,RENT",
        "P",
        "H",
        False,
        "立即",
        "电动自行车消防安全专项整治要求（2024）：严禁在室内、楼道、楼梯间、安全出口停放充电",
    ),
    (
        "EBK-02",
        "电动自行车进楼入户、飞线充电",
        "E-bike or battery taken indoors, or flying-lead charging",
        "ALL,RENT",
        "P",
        "H",
        False,
        "立即",
        "电动自行车消防安全专项整治要求（2024）：严禁进楼入户、飞线充电",
    ),
    (
        "EBK-03",
        "电动自行车或电池非法改装",
        "Illegally modified e-bike or battery",
        "ALL",
        "C",
        "M",
        False,
        "refer to 市监/公安",
        "电动自行车消防安全专项整治要求（2024）；移交市场监管、公安部门处理",
    ),
    (
        "EBK-04",
        "充电区与居住部分未实体分隔",
        "Charging area not physically separated from the sleeping area",
        "RENT,flag",
        "C",
        "H",
        False,
        "30 d",
        "乡镇“九小场所”消防安全整治方案（充电区与居住部分实体分隔）",
    ),
    # -- People sleeping on the premises (三合一) ---------------------------------------------
    (
        "RES-01",
        "经营场所违规住人(三合一)且未防火分隔",
        "People sleeping on business premises without fire separation (三合一)",
        "ALL",
        "C+P",
        "H",
        True,
        "30 d (甲乙类: 立即迁出)",
        "GA 703《住宿与生产储存经营合用场所消防安全技术要求》；"
        "GB 35181-2017《重大火灾隐患判定方法》§7.1.3（2025版条文待核实）；存放甲、乙类物品的，人员应立即迁出",
    ),
    (
        "RES-02",
        "住宿部分未设独立式感烟报警器或逃生器材",
        "No smoke alarm or escape gear where people sleep",
        "ALL",
        "C",
        "M",
        False,
        "7 d",
        "GA 703《住宿与生产储存经营合用场所消防安全技术要求》；地方小档口、小作坊消防安全检查标准",
    ),
    (
        "RES-03",
        "彩钢夹芯板(芯材低于A级)搭建住人场所",
        "Sleeping quarters built of sandwich panels with a combustible core (below class A)",
        "ALL,RENT",
        "P",
        "H",
        True,
        "authority",
        "GB 35181-2017《重大火灾隐患判定方法》§6.10（2025版条文待核实）；芯材燃烧性能按 GB 8624",
    ),
    (
        "RES-04",
        "易燃易爆危险品场所与居住场所同一建筑",
        "Flammable or explosive goods in the same building as housing",
        "ALL",
        "C",
        "H",
        True,
        "authority",
        "《消防法》第六十一条；GB 35181-2017《重大火灾隐患判定方法》§6.2（2025版条文待核实）",
    ),
    # -- Materials ---------------------------------------------------------------------------
    (
        "MAT-01",
        "易燃可燃材料装修或隔断(泡沫夹芯板等)",
        "Combustible finishes or partitions (foam sandwich panels etc.)",
        "ALL",
        "P",
        "M",
        True,
        "30 d",
        "南通市“九小场所”消防安全严禁事项（2023）；乡镇“九小场所”消防安全整治方案",
    ),
    (
        "MAT-02",
        "人员密集场所违规使用、储存易燃易爆危险品",
        "Flammable or explosive goods used or stored in a crowded place",
        "ALL",
        "C+P",
        "H",
        True,
        "立即",
        "GB 35181-2017《重大火灾隐患判定方法》§6.8（2025版条文待核实）；"
        "人员密集场所违规使用、储存易燃易爆危险品应立即改正",
    ),
    (
        "MAT-03",
        "可燃物乱堆乱放",
        "Combustible clutter",
        "ALL",
        "P",
        "L",
        False,
        "立即",
        "地方小场所消防安全检查标准（可燃物不得乱堆乱放）",
    ),
    # -- Management --------------------------------------------------------------------------
    (
        "MGT-01",
        "营业期间动火、焊割作业",
        "Hot work (welding, cutting) while open for business",
        "ALL",
        "C",
        "H",
        False,
        "立即",
        "南通市“九小场所”消防安全严禁事项（2023）：严禁营业期间动火、焊割作业",
    ),
    (
        "MGT-02",
        "无消防安全制度、未开展巡查或检查、无记录",
        "No fire-safety rules, no patrols or inspections, no records",
        "ALL",
        "C",
        "L",
        False,
        "7 d",
        "《消防监督检查规定》（公安部令第120号）；GB 25201-2010《建筑消防设施的维护管理》（防火巡查频次）",
    ),
    (
        "MGT-03",
        "员工不会报警、扑救初起火灾、疏散",
        "Staff cannot raise the alarm, fight an incipient fire or evacuate",
        "ALL",
        "C",
        "L",
        False,
        "7 d (training)",
        "消防安全培训要求：会报警、会扑救初起火灾、会组织疏散（崇川区社会面小场所安全检查，2025）",
    ),
    # -- Fire systems ------------------------------------------------------------------------
    (
        "FAC-01",
        "消防设施(报警、喷淋、消火栓)不能正常使用或未维保",
        "Fire systems (alarm, sprinkler, hydrant) not working or not maintained",
        "ALL",
        "C",
        "M",
        True,
        "30 d",
        "《消防法》第六十条（消防设施未保持完好有效）；GB 35181-2025《重大火灾隐患判定规则》附录A（条文待核实）",
    ),
    (
        "FAC-02",
        "消火栓被遮挡、埋压、圈占",
        "Hydrant blocked, buried or fenced in",
        "ALL",
        "P",
        "M",
        False,
        "立即",
        "《消防法》第六十条（埋压、圈占、遮挡消火栓）",
    ),
    # -- Gas (§4.2) --------------------------------------------------------------------------
    (
        "GAS-01",
        "未安装可燃气体报警装置",
        "No combustible-gas alarm",
        "FOOD (+any gas user)",
        "C+P",
        "H",
        False,
        "限期 7 d",
        "《安全生产法》第三十六条第四款（餐饮等行业使用燃气的生产经营单位应当安装可燃气体报警装置）；"
        "罚则：第九十九条第（八）项",
    ),
    (
        "GAS-02",
        "报警装置未通电或故障",
        "Gas alarm unpowered or faulty",
        "FOOD,MIXED",
        "C+P",
        "H",
        False,
        "立即",
        "《安全生产法》第三十六条第四款（保障报警装置正常使用）；罚则：第九十九条第（八）项",
    ),
    (
        "GAS-03",
        "未安装紧急切断阀或未与报警联动",
        "No emergency shut-off valve, or not linked to the alarm",
        "FOOD,MIXED",
        "C+P",
        "M",
        False,
        "限期 15 d",
        "《江苏省燃气管理条例》（餐饮用户安装燃气泄漏安全保护装置；条款号待核实）",
    ),
    (
        "GAS-04",
        "燃气软管老化、龟裂、破损、锈蚀",
        "Gas hose aged, cracked, damaged or corroded",
        "FOOD,ALL",
        "P",
        "H",
        False,
        "立即 (stop using until replaced)",
        "GB 55009-2021《燃气工程项目规范》；燃气用户“瓶、管、灶、阀”安全检查要点（更换前停止使用）",
    ),
    (
        "GAS-05",
        "软管超2米、有接口、穿墙门窗",
        "Gas hose longer than 2 m, with joints, or run through walls, doors or windows",
        "FOOD,ALL",
        "C+P",
        "M",
        False,
        "3 d",
        "GB 55009-2021《燃气工程项目规范》；"
        "燃气用户“瓶、管、灶、阀”安全检查要点（软管不超过2 m、中间无接口、不穿墙门窗）",
    ),
    (
        "GAS-06",
        "使用非燃气专用软管(建议金属波纹软管)",
        "Hose not made for gas (metal corrugated hose recommended)",
        "FOOD,ALL",
        "P",
        "M",
        False,
        "7 d",
        "GB 55009-2021《燃气工程项目规范》；管道燃气宜采用不锈钢波纹软管（地方燃气安全使用规定）",
    ),
    (
        "GAS-07",
        "软管超过使用期限",
        "Gas hose past its service life",
        "FOOD,ALL",
        "D",
        "M",
        False,
        "7 d",
        "GB 55009-2021《燃气工程项目规范》（软管使用年限不低于灶具判废年限）；橡胶软管更换周期（18个月或2年）待核实",
    ),
    (
        "GAS-08",
        "灶具无熄火保护装置",
        "Stove without flame-failure protection",
        "FOOD,ALL",
        "C+P",
        "M",
        False,
        "7 d",
        "《江苏省燃气管理条例》（燃气泄漏安全保护装置含熄火保护；条款号待核实）；无熄火保护装置的灶具判定为不合格",
    ),
    (
        "GAS-09",
        "灶具超过判废年限(8年)",
        "Stove past its 8-year scrap life",
        "FOOD,ALL",
        "D",
        "M",
        False,
        "15 d",
        "GB 17905-2008《家用燃气燃烧器具安全管理规则》（灶具判废年限8年）",
    ),
    (
        "GAS-10",
        "液化石油气钢瓶超检验期或无有效标识",
        "LPG cylinder overdue for inspection, or without a valid marking",
        "FOOD,ALL",
        "D+P",
        "H",
        False,
        "立即 (swap)",
        "液化石油气钢瓶定期检验（以瓶体标注的下次检验日期为准）；地方瓶装液化石油气安全使用规定（立即更换）",
    ),
    (
        "GAS-11",
        "地下、半地下(或禁用场所)使用瓶装液化石油气",
        "Bottled LPG used in a basement, semi-basement or other prohibited venue",
        "ALL",
        "C",
        "H",
        False,
        "立即",
        "地方瓶装液化石油气安全使用规定（地下室、半地下室禁用）；乡镇“九小场所”消防安全整治方案（高层建筑、地下室、歌舞娱乐场所、网吧、洗浴场所禁用）",
    ),
    (
        "GAS-12",
        "钢瓶超量存放、空实瓶混放、无专用气瓶间",
        "Too many cylinders stored, full and empty mixed, or no dedicated cylinder room",
        "FOOD,MIXED",
        "C+P",
        "M",
        False,
        "7 d",
        "地方瓶装液化石油气安全使用规定（存瓶总重超过100 kg设专用气瓶间，空瓶、实瓶不得混放）",
    ),
    (
        "GAS-13",
        "钢瓶与灶具净距不足0.5米或同室使用其他明火",
        "Cylinder closer than 0.5 m to the stove, or another open flame in the same room",
        "FOOD,MIXED",
        "P",
        "M",
        False,
        "立即",
        "地方瓶装液化石油气安全使用规定（钢瓶与灶具净距不小于0.5 m，同室不得使用其他明火）",
    ),
    (
        "GAS-14",
        "天然气与液化气双气源混用",
        "Piped gas and LPG both in use (dual gas sources)",
        "FOOD,MIXED",
        "C",
        "H",
        False,
        "立即",
        "燃气安全专项整治要求（无锡，2023）：禁止管道天然气与瓶装液化气双气源混用",
    ),
    (
        "GAS-15",
        "私接、改装燃气管道",
        "Unauthorised connections or changes to gas pipes",
        "FOOD,ALL",
        "P",
        "H",
        False,
        "立即 (封停)",
        "燃气安全专项整治要求：禁止私接三通、擅自改装燃气管道，违者封停（无锡，2023；崇川区，2025）",
    ),
    (
        "GAS-16",
        "调压器(减压阀)超期或漏气",
        "Pressure regulator overdue or leaking",
        "FOOD,ALL",
        "D+C",
        "M",
        False,
        "3 d",
        "调压器使用年限3～5年（来源不一，待核实）；漏气的应立即停用",
    ),
    (
        "GAS-17",
        "未签订供用气合同或钢瓶来源不明",
        "No gas supply contract, or cylinder of unknown origin",
        "FOOD,MIXED",
        "C",
        "M",
        False,
        "15 d",
        "地方瓶装液化石油气安全使用规定（与持证燃气经营企业签订供用气合同，钢瓶有电子标识）",
    ),
    # -- Kitchen -----------------------------------------------------------------------------
    (
        "KIT-01",
        "油烟管道未定期清洗",
        "Kitchen exhaust duct not cleaned regularly",
        "FOOD,MIXED",
        "P",
        "M",
        False,
        "限期 7 d",
        "崇川区社会面小场所安全检查（2025）：油烟管道定期清洗，未清洗的下达限期整改通知书",
    ),
    # -- Anything the catalogue does not name ------------------------------------------------
    (
        "OTH-01",
        "其他隐患",
        "Other hazard",
        "ALL",
        "C+P",
        "M",
        False,
        "",
        "按现场情形认定，在隐患描述中写明具体情形和依据",
    ),
]


def parse_applies(applies: str) -> tuple[bool, list[str]]:
    """§9 "applies" → (applies to all, category codes). "flag" (三合一 as a venue condition) is ignored."""
    codes = [token.strip().split(" ")[0] for token in applies.split(",")]
    codes = [code for code in codes if code and code != "flag"]
    if "ALL" in codes:
        return True, []
    unknown = set(codes) - _CATEGORY_CODES
    if unknown or not codes:
        raise ValueError(f"Unknown category in {applies!r}: {sorted(unknown)}")
    return False, codes


def parse_deadline(deadline: str) -> tuple[bool, int | None]:
    """§9 "deadline" → (fix at once, default hours). "authority" / "refer to …" / "" → no default."""
    if deadline.startswith("立即"):
        return True, IMMEDIATE_DEADLINE_HOURS
    days = re.search(r"(\d+) d\b", deadline)
    return False, int(days.group(1)) * 24 if days else None


def hazard_rows() -> list[dict]:
    """The catalogue as field values, in table order."""
    rows = []
    for order, (code, name, name_en, applies, detection, sev, star, deadline, regulation) in enumerate(CATALOGUE):
        applies_to_all, categories = parse_applies(applies)
        fix_immediately, hours = parse_deadline(deadline)
        rows.append(
            {
                "code": code,
                "name": name,
                "name_en": name_en,
                "applies_to_all": applies_to_all,
                "categories": categories,
                "default_severity": _SEVERITY[sev],
                "default_deadline_hours": hours,
                "fix_immediately": fix_immediately,
                "detection": detection,
                "candidate_major_factor": star,
                "regulation": regulation,
                "sort_order": (order + 1) * 10,
            }
        )
    return rows


def upsert_by_code(Model, code: str, fields: dict):
    """update_or_create by code that saves only when a value differs, so reloading adds no history rows."""
    obj = Model.objects.filter(code=code).first()
    if obj is None:
        return Model.objects.create(code=code, **fields)
    changed = [name for name, value in fields.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, fields[name])
        obj.save(update_fields=changed)
    return obj


def load_hazard_catalogue(HazardType, VenueCategory) -> None:
    """Idempotent: creates or updates every catalogue row by code. Takes historical models in migrations."""
    categories = {c.code: c for c in VenueCategory.objects.filter(code__in=_CATEGORY_CODES)}
    missing = _CATEGORY_CODES - set(categories)
    if missing:
        raise LookupError(f"Venue categories missing, load venues.reference_data first: {sorted(missing)}")
    for row in hazard_rows():
        fields = {k: v for k, v in row.items() if k not in ("code", "categories")}
        hazard_type = upsert_by_code(HazardType, row["code"], fields)
        hazard_type.categories.set([categories[code] for code in row["categories"]])


def ensure_reference_data() -> None:
    """(Re)load categories, the hazard catalogue, the checklists and the self-check items when a flush removed them.

    Tests call this after a transactional test emptied the tables the data migrations filled.
    """
    from venuesafe.hazards.models import HazardType
    from venuesafe.inspections.checklist_data import CHECKLIST, load_checklists
    from venuesafe.inspections.models import ChecklistItem
    from venuesafe.org.models import Department
    from venuesafe.venues.models import CategoryDepartment, VenueCategory
    from venuesafe.venues.reference_data import load_reference_data

    every_category = _CATEGORY_CODES | {sub[0] for row in CATEGORIES for sub in row[4]}
    if VenueCategory.objects.filter(code__in=every_category).count() < len(every_category):
        load_reference_data(VenueCategory, Department, CategoryDepartment)
    if HazardType.objects.filter(code__in=[row[0] for row in CATALOGUE]).count() < len(CATALOGUE):
        load_hazard_catalogue(HazardType, VenueCategory)
    if ChecklistItem.objects.filter(code__in=[item["code"] for item in CHECKLIST]).count() < len(CHECKLIST):
        load_checklists(ChecklistItem, HazardType, VenueCategory)
    from venuesafe.selfchecks.items_data import SELF_CHECK_ITEMS, load_self_check_items
    from venuesafe.selfchecks.models import SelfCheckItem

    if SelfCheckItem.objects.filter(code__in=[row[0] for row in SELF_CHECK_ITEMS]).count() < len(SELF_CHECK_ITEMS):
        load_self_check_items(SelfCheckItem, HazardType, VenueCategory)
    from venuesafe.equipment.models import DateRule
    from venuesafe.equipment.rules_data import load_date_rules
    from venuesafe.risk.models import CategoryRisk
    from venuesafe.risk.reference_data import load_risk_reference_data

    load_date_rules(DateRule, HazardType)
    if not CategoryRisk.objects.exists() or not HazardType.objects.exclude(gb35181_element="").exists():
        load_risk_reference_data(CategoryRisk, VenueCategory, HazardType)
