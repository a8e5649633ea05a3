"""Numbers as reports and people write them: '690', '1,234', '0.5', '两', '一百二十', '30余'."""
from __future__ import annotations

import re

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
CHINESE_NUMERAL = "零〇一二两三四五六七八九十百千万亿"

_ARABIC = re.compile(r"^[+-]?\d[\d,]*(\.\d+)?$")


def chinese_to_number(text: str) -> int | None:
    """'一百二十' → 120, '十五' → 15, '两' → 2; None for anything that is not a numeral."""
    if not text or any(ch not in CHINESE_NUMERAL for ch in text):
        return None
    if all(ch in _DIGITS for ch in text) and len(text) > 1:
        return int("".join(str(_DIGITS[ch]) for ch in text))
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _SMALL_UNITS:
            section += (1 if digit is None else digit) * _SMALL_UNITS[ch]
            digit = None
        else:
            section += digit or 0
            total = (total + section) * _BIG_UNITS[ch] if total else section * _BIG_UNITS[ch]
            section, digit = 0, None
    return total + section + (digit or 0)


def parse_number(text: str) -> float | None:
    """A table cell or a figure in a sentence; None when it holds no number (blank, '——', garbled)."""
    text = text.strip().replace(" ", "")
    if not text:
        return None
    if _ARABIC.match(text):
        return float(text.replace(",", ""))
    value = chinese_to_number(text)
    return float(value) if value is not None else None


def is_blank_cell(text: str) -> bool:
    """Empty, or a dash that stands for 'no value' ('——', '-', '/')."""
    return text.strip().strip("—-–/\\ ") == ""


_UNIT_SCALE = {"万元": ("元", 10_000), "亿元": ("元", 100_000_000), "千元": ("元", 1000)}


def to_base_unit(value: float, unit: str) -> tuple[float, str]:
    """0.5 万元 → (5000, '元'), so that amounts stated in different units compare; other units are kept."""
    base, scale = _UNIT_SCALE.get(unit, (unit, 1))
    return value * scale, base
