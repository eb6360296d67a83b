"""The Simplified Chinese catalogue is complete and actually used."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation

from venuesafe.core.validators import USCC_ALPHABET, validate_uscc
from venuesafe.testing.factories import make_uscc

PO_PATH = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
_KEYWORD_RE = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) (".*")$')
_PLACEHOLDER_RE = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|\{\w*\}")


def _entries() -> list[dict]:
    """Parse the .po file into entries: {"flags": set, "msgid": str, "msgstr[0]": str, ...}."""
    entries = []
    for block in PO_PATH.read_text(encoding="utf-8").split("\n\n"):
        entry: dict = {"flags": set()}
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif match := _KEYWORD_RE.match(line):
                key = match.group(1)
                entry[key] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and key:
                entry[key] += ast.literal_eval(line)
            else:
                key = None
        if "msgid" in entry:
            entries.append(entry)
    return entries


def _translations(entry: dict) -> list[str]:
    return [value for key, value in entry.items() if key.startswith("msgstr")]


def test_catalogue__header_is_simplified_chinese_utf8():
    header = next(e for e in _entries() if e["msgid"] == "")
    assert "fuzzy" not in header["flags"]
    assert "Language: zh_Hans\n" in header["msgstr"]
    assert "charset=UTF-8" in header["msgstr"]
    assert "Plural-Forms: nplurals=1; plural=0;" in header["msgstr"]


def test_catalogue__every_message_is_translated_and_not_fuzzy():
    entries = [e for e in _entries() if e["msgid"] != ""]
    assert len(entries) > 100
    untranslated = [e["msgid"] for e in entries if not all(_translations(e)) or not _translations(e)]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []


def test_catalogue__placeholders_are_kept():
    wrong = []
    for entry in _entries():
        if entry["msgid"] == "":
            continue
        expected = set(_PLACEHOLDER_RE.findall(entry["msgid"] + entry.get("msgid_plural", "")))
        for translated in _translations(entry):
            if set(_PLACEHOLDER_RE.findall(translated)) != expected:
                wrong.append(entry["msgid"])
    assert wrong == []


@pytest.fixture
def compiled_catalogue():
    assert MO_PATH.exists(), "Compile the catalogues first: make messages"


def test_translation__uscc_label_comes_out_in_chinese(compiled_catalogue):
    from venuesafe.venues.models import LicenceKind

    with translation.override("zh-hans"):
        assert str(LicenceKind.USCC.label) == "统一社会信用代码"
    with translation.override("en"):
        assert str(LicenceKind.USCC.label) == "Unified social credit code"


def test_translation__uscc_check_digit_error_comes_out_in_chinese(compiled_catalogue):
    good = make_uscc(3)
    bad = good[:17] + next(ch for ch in USCC_ALPHABET if ch != good[17])
    with pytest.raises(ValidationError) as caught:
        validate_uscc(bad)
    assert caught.value.code == "uscc_check_digit"
    with translation.override("zh-hans"):
        assert caught.value.messages == ["统一社会信用代码校验位错误，请核对代码。"]
    with translation.override("en"):
        assert "check character" in caught.value.messages[0]


def test_translation__plural_message_uses_the_single_chinese_form(compiled_catalogue):
    with translation.override("zh-hans"):
        one = translation.ngettext("%(counter)s venue", "%(counter)s venues", 1) % {"counter": 1}
        many = translation.ngettext("%(counter)s venue", "%(counter)s venues", 5) % {"counter": 5}
    assert one == "共 1 个场所"
    assert many == "共 5 个场所"
