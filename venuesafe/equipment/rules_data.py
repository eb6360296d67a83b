"""The date rules of regulations.md §6 as reference data (loaded by a data migration)."""

from __future__ import annotations

# (rule_id, 中文, English, kind, params, hazard code, advice 中文, advice English, basis, unconfirmed)
DATE_RULES = [
    (
        "R-EXT-SCRAP",
        "灭火器到达报废年限",
        "Extinguisher reaches its scrap age",
        "extinguisher",
        {"years": {"water": 6, "powder": 10, "clean_agent": 10, "co2": 12}},
        "EXT-01",
        "到期前更换同类型灭火器，旧瓶交有资质的维修单位报废。",
        "Replace it with one of the same type before the date; hand the old one to a licensed service for scrapping.",
        "GA 95-2007 §7.1；GB 50444-2008 表5.4.3；GB 55036-2022 §10.0.8"
        "（自出厂日期起算：水基型6年，干粉、洁净气体10年，二氧化碳12年）",
        False,
    ),
    (
        "R-EXT-REPAIR",
        "灭火器到期送修",
        "Extinguisher due for repair",
        "extinguisher",
        {"first_years_water": 3, "then_years_water": 1, "first_years": 5, "then_years": 2},
        "EXT-02",
        "送有资质的维修单位检修，登记送修日期。",
        "Send it to a licensed service and record the repair date.",
        "GB 50444-2008 §5.3.2（自2023-03-01起不再强制，由GB 55036-2022替代）："
        "出厂满3年（水基）或5年（其他）首次维修，之后每1年或2年",
        False,
    ),
    (
        "R-EXT-CHECK",
        "灭火器按月检查",
        "Monthly extinguisher check",
        "extinguisher",
        {"days": 31, "days_half_monthly": 15},
        "EXT-08",
        "检查压力指针、保险销、铅封和瓶身，填写检查记录。",
        "Check the gauge, pin, seal and body, and fill in the check record.",
        "GB 50444-2008 §5.2.1（每月）、§5.2.2（歌舞娱乐等人员密集场所每半月）",
        False,
    ),
    (
        "R-STOVE",
        "燃气灶具到达判废年限",
        "Gas stove reaches its 8-year scrap life",
        "gas_stove",
        {"years": 8},
        "GAS-09",
        "更换带熄火保护的合格灶具。",
        "Replace it with a compliant stove with flame-failure protection.",
        "GB 17905-2008（燃气灶具判废年限8年）",
        False,
    ),
    (
        "R-HOSE",
        "燃气软管到达使用期限",
        "Gas hose reaches its service life",
        "gas_hose",
        {"metal_years": 8},
        "GAS-07",
        "更换燃气专用金属波纹软管，长度不超过2米、中间无接头。",
        "Replace it with a dedicated metal corrugated gas hose, at most 2 m and without joints.",
        "GB 55009-2021（软管寿命不低于灶具判废年限）；橡胶软管更换周期18个月或2年，来源待核实",
        True,
    ),
    (
        "R-CYL",
        "液化石油气钢瓶超过检验日期",
        "LPG cylinder past its inspection date",
        "lpg_cylinder",
        {},
        "GAS-10",
        "联系供气企业换用在检验期内的钢瓶。",
        "Ask the gas supplier to swap it for a cylinder within its inspection date.",
        "钢瓶检验周期4年，以瓶身标注或二维码信息为准",
        False,
    ),
    (
        "R-REG",
        "调压器（减压阀）到达使用年限",
        "Pressure regulator reaches its service life",
        "regulator",
        {},
        "GAS-16",
        "更换合格的调压器并检查接口是否漏气。",
        "Replace the regulator and check the joints for leaks.",
        "调压器使用年限3年或5年，来源不一，待核实",
        True,
    ),
]


# Days of warning before the due date; 30 unless listed. The monthly check repeats every month,
# so a month's warning would never close: a week is enough to remind.
WARN_DAYS = {"R-EXT-CHECK": 7}


def load_date_rules(DateRule, HazardType) -> None:
    """Create the rules that are missing; never overwrite what an admin changed."""
    for rule_id, name, name_en, kind, params, hazard_code, advice, advice_en, basis, unconfirmed in DATE_RULES:
        if DateRule.objects.filter(rule_id=rule_id).exists():
            continue
        DateRule.objects.create(
            rule_id=rule_id,
            name=name,
            name_en=name_en,
            kind=kind,
            params=params,
            hazard_type=HazardType.objects.get(code=hazard_code),
            advice=advice,
            advice_en=advice_en,
            basis=basis,
            unconfirmed=unconfirmed,
            warn_days=WARN_DAYS.get(rule_id, 30),
        )
