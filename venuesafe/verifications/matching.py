"""Duplicate protection for reported new venues: is an archived venue nearby the same shop?

A sign name is compared after normalising: NFKC (full-width → half-width), lower case, text in
brackets dropped (branch names such as “（陈桥店）”), spaces, punctuation and symbols dropped, and
then common legal and shop-type suffixes stripped from the end (有限公司, 店, 馆, …), repeatedly.
Two normalised names are similar when one contains the other (the shorter having at least two
characters) or when difflib's SequenceMatcher ratio reaches VERIFICATION_NAME_SIMILARITY (0.6).
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

from django.conf import settings

# Longest first, so "有限责任公司" goes before "公司" and "旗舰店" before "店".
SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "分公司",
    "公司",
    "旗舰店",
    "专卖店",
    "连锁店",
    "便利店",
    "分店",
    "总店",
    "门店",
    "店",
    "馆",
    "铺",
)

_BRACKETS = re.compile(r"[(\[（【〔][^)\]）】〕]*[)\]）】〕]")


def normalise_name(name: str) -> str:
    text = unicodedata.normalize("NFKC", name or "").lower()
    text = _BRACKETS.sub("", text)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZSC")
    stripped = True
    while stripped and text:
        stripped = False
        for suffix in SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text = text[: -len(suffix)]
                stripped = True
                break
    return text


def name_similarity(a: str, b: str) -> float:
    """1.0 when one normalised name contains the other, else SequenceMatcher's ratio (0 for empty names)."""
    na, nb = normalise_name(a), normalise_name(b)
    if not na or not nb:
        return 0.0
    shorter, longer = sorted((na, nb), key=len)
    if len(shorter) >= 2 and shorter in longer:
        return 1.0
    return SequenceMatcher(None, na, nb).ratio()


def names_similar(a: str, b: str) -> bool:
    return name_similarity(a, b) >= settings.VERIFICATION_NAME_SIMILARITY
