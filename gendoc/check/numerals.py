"""Numbers as written in Chinese prose: 10, １０, 1,234, 四, 二十六, 一百零二, 两千."""
from __future__ import annotations

import re
import unicodedata

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
# What a claim pattern's {n} stands for.
NUMBER_PATTERN = r"(?P<n>[0-9０-９][0-9０-９,，]*|[零〇一二两三四五六七八九十百千万]+)"


def parse_number(text: str) -> int | None:
    """The value of a whole number in Arabic (ASCII or full-width, thousands separators) or
    Chinese numerals; None when the text is not one."""
    t = unicodedata.normalize("NFKC", text).replace(",", "").replace("，", "").strip()
    if t.isdigit():
        return int(t)
    if not t or any(ch not in DIGITS and ch not in UNITS and ch != "万" for ch in t):
        return None
    total = 0
    if "万" in t:
        high, _, t = t.partition("万")
        value = _below_10000(high) if high else 1
        if value is None:
            return None
        total = value * 10000
    rest = _below_10000(t) if t else 0
    return None if rest is None else total + rest


def _below_10000(t: str) -> int | None:
    if all(ch in DIGITS for ch in t) and len(t) > 1:  # 二〇二〇: digit by digit
        return int("".join(str(DIGITS[ch]) for ch in t))
    total, current = 0, None
    for ch in t:
        if ch in DIGITS:
            current = DIGITS[ch]
        elif ch in UNITS:
            total += (1 if current is None else current) * UNITS[ch]
            current = None
        else:
            return None
    return total + (current or 0)


def is_number_text(text: str) -> bool:
    return re.fullmatch(NUMBER_PATTERN, text) is not None and parse_number(text) is not None
