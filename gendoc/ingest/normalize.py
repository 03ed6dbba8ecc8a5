"""Text as published → text the matcher can compare, and cell text → a figure.

Published reports spell the same thing many ways: full-width digits and letters (NFKC folds
them), CJK text extracted from PDFs as Kangxi radicals (⼀⼆⼈ instead of 一二人: NFKC maps
those too, and the CJK Radicals Supplement gets its own table), non-breaking and ideographic
spaces, and zero written as `—`, `-`, `/` or `无`.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# CJK Radicals Supplement (U+2E80–U+2EFF) is not folded by NFKC; the radicals that PDF fonts
# emit for common characters, mapped to the unified ideographs they stand for.
_RADICALS_SUPPLEMENT = str.maketrans({
    "⺀": "冫", "⺁": "厂", "⺃": "乙", "⺅": "亻", "⺇": "几", "⺈": "刀", "⺉": "刂", "⺊": "卜",
    "⺋": "卩", "⺌": "小", "⺍": "小", "⺎": "兀", "⺏": "尣", "⺐": "尢", "⺑": "尣", "⺒": "巳",
    "⺓": "幺", "⺔": "彑", "⺖": "忄", "⺗": "心", "⺘": "扌", "⺙": "攵", "⺛": "旡", "⺜": "日",
    "⺝": "月", "⺞": "歹", "⺟": "母", "⺠": "民", "⺡": "氵", "⺢": "水", "⺣": "灬", "⺤": "爫",
    "⺥": "爫", "⺦": "丬", "⺧": "牛", "⺨": "犭", "⺩": "王", "⺪": "疋", "⺫": "目", "⺬": "示",
    "⺭": "礻", "⺮": "竹", "⺯": "糸", "⺰": "纟", "⺱": "网", "⺲": "网", "⺳": "网", "⺴": "网",
    "⺵": "网", "⺶": "羊", "⺷": "羊", "⺸": "羊", "⺹": "耂", "⺺": "肀", "⺻": "聿", "⺼": "肉",
    "⺽": "臼", "⺾": "艹", "⺿": "艹", "⻀": "艹", "⻁": "虎", "⻂": "衤", "⻃": "襾", "⻄": "西",
    "⻅": "见", "⻆": "角", "⻇": "角", "⻈": "讠", "⻉": "贝", "⻊": "足", "⻋": "车", "⻌": "辶",
    "⻍": "辶", "⻎": "辶", "⻏": "阝", "⻐": "金", "⻑": "長", "⻒": "镸", "⻓": "长", "⻔": "门",
    "⻕": "门", "⻖": "阝", "⻗": "雨", "⻘": "青", "⻙": "韦", "⻚": "页", "⻛": "风", "⻜": "飞",
    "⻝": "食", "⻞": "食", "⻟": "食", "⻠": "饣", "⻡": "饣", "⻢": "马", "⻣": "骨", "⻤": "鬼",
    "⻥": "鱼", "⻦": "鸟", "⻧": "卤", "⻨": "麦", "⻩": "黄", "⻪": "黾", "⻫": "齐", "⻬": "齐",
    "⻭": "齿", "⻮": "歯", "⻯": "龙", "⻰": "龙", "⻱": "龟", "⻲": "亀", "⻳": "龟",
})
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+")
# NFKC turns full-width punctuation into ASCII; Chinese text keeps its own forms, so these
# are put back after folding (digits and Latin letters stay folded).
_BACK_TO_FULL = str.maketrans({"(": "（", ")": "）", ",": "，", ":": "：", ";": "；", "!": "！", "?": "？"})


# CJK characters and full-width punctuation: between two of them a space or line break means nothing
CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_CJK_BREAK = re.compile(f"(?<=[{CJK}])[ \\t]*[\\r\\n]\\s*(?=[{CJK}])")
_BREAK = re.compile(r"[ \t]*[\r\n]\s*")


def join_lines(text: str) -> str:
    """Line breaks inside a web page's text, as a browser shows them (CSS Text's segment break
    rules): none between two CJK characters, a space elsewhere."""
    return _BREAK.sub(" ", _CJK_BREAK.sub("", text))


def fold(text: str) -> str:
    """NFKC plus the radicals NFKC leaves alone: what every reader applies to extracted text."""
    return unicodedata.normalize("NFKC", text).translate(_RADICALS_SUPPLEMENT)


# A report's labels and cells repeat across its tables, both formats' matchers and the
# hundreds of reports of an audit: these three pure functions are a third of an audit's time
# uncached (measured over 84 saved pages), and their results are immutable.
_cached = functools.lru_cache(maxsize=1 << 16)


@_cached
def clean(text: str) -> str:
    """Folded, whitespace runs collapsed to one space, trimmed; Chinese punctuation kept."""
    return _SPACES.sub(" ", fold(text).translate(_BACK_TO_FULL)).strip()


# The numbering of the official formats: a section or top row (一、), and what may start a
# paragraph of its own (一、 （一） 1. and the prose's 一是…).
_TOP_NUMBER = re.compile(r"^\s*[一二三四五六七八九十]+、")
PARAGRAPH_START = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[.．、]|[一二三四五六七八九十]是)")


def top_numbered(text: str) -> bool:
    """Numbered like a section of the report or a top row of a table: 一、 二、 …"""
    return bool(_TOP_NUMBER.match(text))


_LABEL_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]*[）)]|\d+[、.．]|[、.．])+"
)
_LABEL_NOISE = re.compile(r"[\s“”\"'‘’「」『』《》·•*]+")


@_cached
def label_key(text: str) -> str:
    """The part of a label that identifies it: numbering (一、 （三） 1.), quotes, spaces and
    brackets dropped, so 「3.危及“三安全一稳定”」 and 「3.危及三安全一稳定」 compare equal."""
    text = clean(text)
    text = _LABEL_NUMBERING.sub("", text.replace(" ", ""))
    text = _LABEL_NOISE.sub("", text)
    return text.replace("（", "(").replace("）", ")")


@dataclass(frozen=True)
class Figure:
    """A cell read as a figure. `note` says why it is doubtful or how it was repaired."""

    value: int | Decimal | None
    note: str = ""
    unit: str = ""   # a currency unit written in the cell (251000元), for the column's unit field


# Amount cells carry their unit (采购总金额 251000元); the unit goes to the figure's unit field.
_CURRENCY = ("亿元", "万元", "元")
_DASHES = {"—", "——", "-", "--", "–", "－", "/", "／", "无", "\\", "―", "一"}
_NUMBER = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?$")


@_cached
def figure_of(text: str) -> Figure | None:
    """A cell's figure, or None when the text is not a figure (a label).

    Blank → 0 with a note (published tables leave zero cells empty); dashes and 无 → 0 with a
    note; thousands separators accepted; decimals kept exact (amounts in 万元).
    """
    raw = clean(text)
    t = raw.replace(" ", "").replace("，", ",")
    if t == "":
        return Figure(0, "空白单元格按 0 读取")
    if t in _DASHES:
        return Figure(0, f"「{raw}」按 0 读取")
    if t.endswith(("件", "条", "项")):
        t = t[:-1]
    unit = next((u for u in _CURRENCY if t.endswith(u) and len(t) > len(u)), "")
    t = t[:-len(unit)] if unit else t
    m = _NUMBER.match(t)
    if not m:
        return None
    sign, whole, frac = m.groups()
    digits = whole.replace(",", "")
    try:
        value: int | Decimal = Decimal(digits + frac) if frac else int(digits)
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        return None
    if sign == "-":
        value = -value
    note = "" if raw == t or raw.replace(" ", "") in (t, t + unit) else f"「{raw}」按 {value} 读取"
    if "," in whole:
        note = ""
    return Figure(value, note, unit)
