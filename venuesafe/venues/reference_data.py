"""Reference data built from ../shared/domain/regulations.md §2-§3: the 九小场所 categories and
their sub-types, the line departments (条线), and which departments answer for which category.
Loaded by a data migration; afterwards it is data that district admins edit in the admin."""

DEPARTMENTS = [
    ("FIRE", "消防救援", "Fire and rescue"),
    ("MARKET", "市场监管", "Market regulation"),
    ("EMERGENCY", "应急管理", "Emergency management"),
    ("URBAN", "城市管理", "Urban management"),
    ("HOUSING_GAS", "住建(燃气)", "Housing and construction (gas)"),
    ("POLICE", "公安", "Public security"),
    ("COMMERCE", "商务", "Commerce"),
    ("EDUCATION", "教育", "Education"),
    ("HEALTH", "卫生健康", "Health"),
    ("CULTURE", "文化旅游", "Culture and tourism"),
]

# (code, 中文, English, departments, [(sub-code, 中文, English), ...])
CATEGORIES = [
    (
        "SHOP",
        "小商店",
        "Small shop",
        ["FIRE", "MARKET", "COMMERCE"],
        [
            ("SHOP_STREET", "沿街商铺", "Street-front shop"),
            ("SHOP_MARKET", "超市/便利店", "Supermarket / convenience store"),
            ("SHOP_HARDWARE", "五金店", "Hardware shop"),
        ],
    ),
    (
        "FOOD",
        "小餐饮",
        "Small restaurant",
        ["FIRE", "MARKET", "HOUSING_GAS", "COMMERCE"],
        [
            ("FOOD_BBQ", "烧烤", "Barbecue"),
            ("FOOD_SNACK", "小吃", "Snack bar"),
        ],
    ),
    (
        "HOTEL",
        "小旅店",
        "Small hotel / guesthouse",
        ["FIRE", "POLICE", "CULTURE"],
        [
            ("HOTEL_BNB", "民宿", "Homestay (B&B)"),
        ],
    ),
    ("ENT", "小歌舞娱乐", "Small KTV / entertainment", ["FIRE", "POLICE", "CULTURE"], []),
    ("NETC", "小网吧", "Small internet café", ["FIRE", "POLICE", "CULTURE"], []),
    (
        "BEAUTY",
        "小美容洗浴",
        "Beauty / bath / foot massage",
        ["FIRE", "MARKET", "HEALTH"],
        [
            ("BEAUTY_HAIR", "美容美发", "Hair and beauty salon"),
            ("BEAUTY_FOOT", "足浴", "Foot massage"),
            ("BEAUTY_BATH", "洗浴", "Bath house"),
        ],
    ),
    (
        "MFG",
        "小生产加工企业",
        "Small workshop / manufacturer",
        ["FIRE", "EMERGENCY", "MARKET"],
        [
            ("MFG_WORKSHOP", "小作坊", "Small workshop"),
        ],
    ),
    (
        "EDU",
        "小型学校幼儿园",
        "Small school / kindergarten",
        ["FIRE", "EDUCATION"],
        [
            ("EDU_TRAINING", "培训机构", "Training centre"),
        ],
    ),
    ("MED", "小型医疗机构", "Small clinic", ["FIRE", "HEALTH"], []),
    ("MIXED", "多业态混合生产经营场所", "Mixed-use premises", ["FIRE", "EMERGENCY", "MARKET", "URBAN"], []),
    (
        "RENT",
        "出租房/群租房/经营性自建房",
        "Rental / self-built business housing",
        ["FIRE", "POLICE", "HOUSING_GAS", "URBAN"],
        [],
    ),
]


def load_reference_data(VenueCategory, Department, CategoryDepartment) -> None:
    """Idempotent: creates what is missing, leaves admins' edits alone."""
    departments = {}
    for code, name, name_en in DEPARTMENTS:
        departments[code], _ = Department.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en})
    for order, (code, name, name_en, dept_codes, subtypes) in enumerate(CATEGORIES):
        parent, created = VenueCategory.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order * 10}
        )
        if created:
            for dept_code in dept_codes:
                CategoryDepartment.objects.get_or_create(category=parent, department=departments[dept_code])
        for sub_order, (sub_code, sub_name, sub_en) in enumerate(subtypes, start=1):
            VenueCategory.objects.get_or_create(
                code=sub_code,
                defaults={"name": sub_name, "name_en": sub_en, "parent": parent, "sort_order": order * 10 + sub_order},
            )
