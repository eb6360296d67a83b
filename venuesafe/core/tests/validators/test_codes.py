"""Licence codes and mobile numbers."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from venuesafe.core.validators import (
    USCC_ALPHABET,
    normalize_code,
    normalize_mobile,
    uscc_check_char,
    validate_mobile,
    validate_other_licence_number,
    validate_uscc,
)

# Real, published codes (each one checked against the GB 32100-2015 algorithm before being kept here):
REAL_USCC = [
    "91350100M000100Y43",  # the example code on Wikipedia's "Unified Social Credit Identifier" page
    "914403001922038216",  # Huawei Technologies Co., Ltd. (zh.wikipedia, 华为 infobox, 机构代码)
    "91420000737944946L",  # quoted as a valid code in "Precise and accurate unified social credit code regular (JS)"
]


def _code_of(exc_info) -> str:
    return exc_info.value.code


@pytest.mark.parametrize("code", REAL_USCC)
def test_validate_uscc__real_codes_pass(code):
    validate_uscc(code)
    assert uscc_check_char(code[:17]) == code[17]


@pytest.mark.parametrize("code", REAL_USCC)
def test_validate_uscc__every_other_check_character_fails(code):
    for ch in USCC_ALPHABET:
        if ch == code[17]:
            continue
        with pytest.raises(ValidationError) as exc:
            validate_uscc(code[:17] + ch)
        assert _code_of(exc) == "uscc_check_digit"


def test_validate_uscc__a_changed_body_character_is_caught():
    # Changing any single body character changes the weighted sum mod 31 (all weights are non-zero mod 31).
    code = REAL_USCC[1]
    for i in range(17):
        for ch in "0A":
            if code[i] == ch:
                continue
            with pytest.raises(ValidationError) as exc:
                validate_uscc(code[:i] + ch + code[i + 1 :])
            assert _code_of(exc) == "uscc_check_digit"


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z"])
def test_validate_uscc__forbidden_letters_refused(letter):
    code = "913501004" + letter + "0001002"  # 17 characters
    with pytest.raises(ValidationError) as exc:
        validate_uscc(code + "0")
    assert _code_of(exc) == "uscc_alphabet"
    assert letter in exc.value.params["chars"]


def test_validate_uscc__punctuation_refused_as_alphabet():
    with pytest.raises(ValidationError) as exc:
        validate_uscc("91350100M000100Y4.")
    assert _code_of(exc) == "uscc_alphabet"


@pytest.mark.parametrize("code", ["", "9135010", "91350100M000100Y4", "91350100M000100Y433", "9" * 30])
def test_validate_uscc__wrong_length_refused(code):
    with pytest.raises(ValidationError) as exc:
        validate_uscc(code)
    assert _code_of(exc) == "uscc_length"
    assert exc.value.params["count"] == len(code)


def test_validate_uscc__length_message_in_english():
    with translation.override("en"):
        with pytest.raises(ValidationError) as exc:
            validate_uscc("123")
        assert exc.value.messages == ["A unified social credit code has 18 characters; this one has 3."]


@pytest.mark.parametrize(
    "raw",
    [
        "91350100m000100y43",
        " 91350100M000100Y43 ",
        "9135 0100 M000 100Y 43",
        "91350100-M000100Y4-3",
        "\t914403001922038216\n",
    ],
)
def test_validate_uscc__lower_case_spaces_and_dashes_normalised(raw):
    validate_uscc(raw)
    assert len(normalize_code(raw)) == 18


@pytest.mark.parametrize("value", ["JY13206020012345", "320602000123456", "abc-123", "123456", "A" * 32])
def test_validate_other_licence_number__accepts(value):
    validate_other_licence_number(value)


@pytest.mark.parametrize("value", ["", "12345", "A" * 33, "JY1320602/001", "许可证123456"])
def test_validate_other_licence_number__refuses(value):
    with pytest.raises(ValidationError) as exc:
        validate_other_licence_number(value)
    assert _code_of(exc) == "licence_format"


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("13912345678", "13912345678"),
        ("+8613912345678", "13912345678"),
        ("+86 139 1234 5678", "13912345678"),
        ("008613912345678", "13912345678"),
        ("139-1234-5678", "13912345678"),
        ("", ""),
    ],
)
def test_normalize_mobile__strips_country_code_and_separators(raw, normalised):
    assert normalize_mobile(raw) == normalised


@pytest.mark.parametrize("value", ["13912345678", "+86 139 1234 5678", "0086 19912345678", "15000000000"])
def test_validate_mobile__accepts(value):
    validate_mobile(value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "1391234567",
        "139123456789",
        "12912345678",
        "23912345678",
        "+1 139 1234 5678",
        "0513-85123456",
        "1391234567a",
    ],
)
def test_validate_mobile__refuses(value):
    with pytest.raises(ValidationError) as exc:
        validate_mobile(value)
    assert _code_of(exc) == "mobile_invalid"
