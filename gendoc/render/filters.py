"""Number, date and percentage filters: one set for the prose and the tables alike.

A figure looks the same wherever it appears — in a narrative sentence, in a table cell, in a
Markdown pipe table — because every one of them goes through these functions. They are pure
(no locale, no clock, no I/O), so the same data always gives the same text.

Numbers arrive as the loader made them: `int` for counts, `Decimal` for anything typed with
a decimal point (kept exactly as typed: `1.50` stays "1.50"), rarely `float`. `bool` is not
a number here (YAML `yes` must never print as 1).
"""
from __future__ import annotations

import datetime as _dt
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable

Number = int | Decimal | float


def _require_number(value: Any, name: str) -> Number:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, float)):
        raise TypeError(f"{name}：需要数字，实为 {value!r}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise TypeError(f"{name}：需要有限的数字，实为 {value!r}")
    return value


def _decimal(value: Number) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        # repr() is the shortest text that reads back as the same float: 190.457379, not
        # 190.45737899999999.
        return Decimal(repr(value))
    return Decimal(value)


def num(value: Any) -> str:
    """A figure as plain digits: 16176 → "16176"; Decimal("1.50") → "1.50" (as typed).

    No thousands separators: the official tables and most published reports print bare digits.
    """
    if type(value) is int:  # a count, nearly always: no checks to make (a bool is no int here)
        return str(value)
    value = _require_number(value, "num")
    if isinstance(value, int):
        return str(value)
    # "f" never switches to exponent notation (Decimal("1E+3") → "1000") and keeps the
    # typed number of decimals (Decimal("1.50") → "1.50").
    return format(_decimal(value), "f")


def signed(value: Any) -> str:
    """A change with its sign: +3, -2, 0 (本年增/减)."""
    if type(value) is int:
        return f"+{value}" if value > 0 else str(value)
    value = _require_number(value, "signed")
    text = num(value)
    return "+" + text if value > 0 else text


def _int_pct(part: int, whole: int, digits: int) -> str:
    """pct of two whole numbers in integer arithmetic, exactly as the Decimal way rounds it
    (half away from zero): the overview's charts print thousands of shares, and Decimal
    made each cost 6 µs."""
    negative = (part < 0) != (whole < 0)
    scaled, rest = divmod(abs(part) * 100 * 10 ** digits, abs(whole))
    if 2 * rest >= abs(whole):
        scaled += 1
    units, fraction = divmod(scaled, 10 ** digits)
    text = str(units)
    if fraction:  # its digits with the leading zeros, without the trailing ones
        text += "." + str(fraction).rjust(digits, "0").rstrip("0")
    if negative and scaled:
        text = "-" + text
    return text + "%"


def pct(part: Any, whole: Any, digits: int = 1) -> str:
    """`part` as a percentage of `whole`: pct(7, 10) → "70%", pct(1, 3) → "33.3%".

    Rounded half up (not banker's rounding) to `digits` decimals; trailing zeros after the
    decimal point are dropped ("70.0" → "70"). A `whole` of 0 gives "0%" (nothing of nothing).
    """
    if type(part) is int and type(whole) is int and type(digits) is int and 0 <= digits <= 10:
        return _int_pct(part, whole, digits) if whole else "0%"  # counts: the overview's thousands
    part = _require_number(part, "pct")
    whole = _require_number(whole, "pct")
    if isinstance(digits, bool) or not isinstance(digits, int) or not 0 <= digits <= 10:
        raise TypeError(f"pct：小数位数应为 0–10 的整数，实为 {digits!r}")
    if whole == 0:
        return "0%"
    if type(part) is int and type(whole) is int:
        return _int_pct(part, whole, digits)
    ratio = _decimal(part) * 100 / _decimal(whole)
    rounded = ratio.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    text = format(rounded, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text + "%"


_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?\s*$")
_DATE_FORMATS: dict[str, Callable[[int, int, int], str]] = {
    "ymd": lambda y, m, d: f"{y}年{m}月{d}日",
    "md": lambda y, m, d: f"{m}月{d}日",
    "ym": lambda y, m, d: f"{y}年{m}月",
    "y": lambda y, m, d: f"{y}年",
}


def date_zh(value: Any, fmt: str = "ymd") -> str:
    """"2020-06-24" → "2020年6月24日"; date_zh(v, "md") → "6月24日"; also "ym", "y".

    A date-time ("2020-12-31 14:38:32") gives its date part. Dates stay strings in the data
    (the loader never turns them into date objects), but date objects are accepted too.
    """
    if fmt not in _DATE_FORMATS:
        raise ValueError(f"date_zh：未知的日期格式 {fmt!r}（可用：{'、'.join(_DATE_FORMATS)}）")
    if isinstance(value, (_dt.date, _dt.datetime)):
        y, m, d = value.year, value.month, value.day
    elif isinstance(value, str):
        match = _DATE.match(value)
        if not match:
            raise ValueError(f"date_zh：不是日期（应为 YYYY-MM-DD）：{value!r}")
        y, m, d = (int(g) for g in match.groups())
        try:
            _dt.date(y, m, d)
        except ValueError as exc:
            raise ValueError(f"date_zh：不存在的日期 {value!r}") from exc
    else:
        raise TypeError(f"date_zh：需要日期文字，实为 {value!r}")
    return _DATE_FORMATS[fmt](y, m, d)


def amount(value: Any, unit: Any = None) -> str:
    """A sum of money or other quantity with its optional unit: amount(12.5, "万元") → "12.5万元"."""
    text = num(value)
    if unit is None or unit == "":
        return text
    if not isinstance(unit, str):
        raise TypeError(f"amount：单位应为文字，实为 {unit!r}")
    return text + unit


_pct = pct  # `yoy` has a parameter named pct


def yoy(current: Any, previous: Any, unit: str = "", pct: bool = False, digits: int = 1) -> str:
    """A change against last year, as the phrase that follows 同比 / 较上年:

    yoy(12, 10, "件") → "增加2件"; yoy(8, 10, "件") → "减少2件"; yoy(10, 10, "件") → "持平";
    yoy(12, 10, "件", pct=True) → "增加2件（增长20%）" (no percentage when last year was 0).
    """
    current = _require_number(current, "yoy")
    previous = _require_number(previous, "yoy")
    if not isinstance(unit, str):
        raise TypeError(f"yoy：单位应为文字，实为 {unit!r}")
    diff = _decimal(current) - _decimal(previous)
    if diff == 0:
        return "持平"
    text = ("增加" if diff > 0 else "减少") + num(abs(diff)) + unit
    if pct and previous != 0:
        text += f"（{'增长' if diff > 0 else '下降'}{_pct(abs(diff), abs(_decimal(previous)), digits)}）"
    return text


_ZH_DIGITS = "零一二三四五六七八九"


def zh_num(value: Any) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五: section and part numbering."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 10000:
        raise TypeError(f"zh_num：需要 0–9999 的整数，实为 {value!r}")
    if value < 10:
        return _ZH_DIGITS[value]
    if value < 20:
        return "十" + (_ZH_DIGITS[value - 10] if value > 10 else "")
    out = ""
    zero = False
    for unit_value, unit_name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, value = divmod(value, unit_value)
        if digit:
            if zero:
                out += "零"
                zero = False
            out += _ZH_DIGITS[digit] + unit_name
        elif out:
            zero = True
    return out


# The one set registered in every environment: layout templates and (sandboxed) narratives.
# A new filter: add the (pure) function above and list it here.
FILTERS: dict[str, Callable[..., str]] = {
    "num": num,
    "signed": signed,
    "pct": pct,
    "date_zh": date_zh,
    "amount": amount,
    "yoy": yoy,
    "zh_num": zh_num,
}

__all__ = ["FILTERS", "num", "signed", "pct", "date_zh", "amount", "yoy", "zh_num"]
