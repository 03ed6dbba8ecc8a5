"""The number / date / percentage filters shared by prose and tables, with real report values."""
from __future__ import annotations

from decimal import Decimal

import pytest

from gendoc.render.filters import FILTERS, amount, date_zh, num, pct, signed, yoy, zh_num


@pytest.mark.parametrize("value, text", [
    (16176, "16176"),                           # 访客数近16176人次 — no thousands separator
    (0, "0"),
    (288, "288"),
    (Decimal("190.457379"), "190.457379"),      # 遂溪县北坡镇 2022 本年收费金额（万元）
    (Decimal("1.50"), "1.50"),                  # kept exactly as typed, trailing zero included
    (Decimal("0.00"), "0.00"),
    (Decimal("1E+3"), "1000"),                  # never exponent notation
    (190.457379, "190.457379"),                 # a float prints its shortest exact form
])
def test_num(value, text):
    assert num(value) == text


@pytest.mark.parametrize("value", ["16176", None, True, [1]])
def test_num_rejects_what_is_not_a_number(value):
    with pytest.raises(TypeError):
        num(value)


@pytest.mark.parametrize("value, text", [
    (3, "+3"), (-2, "-2"), (0, "0"), (-8, "-8"), (Decimal("1.5"), "+1.5"), (Decimal("-0.25"), "-0.25"),
])
def test_signed(value, text):
    assert signed(value) == text


@pytest.mark.parametrize("args, text", [
    ((7, 10), "70%"),                   # seed report: 予以公开 7 of （七）总计 10
    ((3, 10), "30%"),
    ((1, 3), "33.3%"),
    ((2, 3), "66.7%"),
    ((13364, 13810), "96.8%"),          # spec §6.2 worked example figures
    ((10, 10), "100%"),
    ((0, 10), "0%"),
    ((0, 0), "0%"),                     # nothing of nothing
    ((5, 0), "0%"),
    ((1, 8), "12.5%"),
    ((1, 8, 0), "13%"),                 # half up, not banker's rounding
    ((1, 40, 0), "3%"),                 # 2.5 → 3
    ((1, 3, 2), "33.33%"),
    ((1, 2, 2), "50%"),                 # trailing zeros dropped
    ((Decimal("0.5"), 2), "25%"),
])
def test_pct(args, text):
    assert pct(*args) == text


def test_pct_rejects_bad_digits():
    with pytest.raises(TypeError):
        pct(1, 2, digits="1")


@pytest.mark.parametrize("value, fmt, text", [
    ("2020-06-24", "ymd", "2020年6月24日"),     # seed: 部门预算公开日期
    ("2020-09-28", "md", "9月28日"),            # seed: "和9月28日" (year not repeated)
    ("2020-12-31 14:38:32", "ymd", "2020年12月31日"),  # seed 发布时间: the date part
    ("2021-01-05", "ym", "2021年1月"),
    ("2021-01-05", "y", "2021年"),
])
def test_date_zh(value, fmt, text):
    assert date_zh(value, fmt) == text


def test_date_zh_default_format():
    assert date_zh("2021-01-20") == "2021年1月20日"


@pytest.mark.parametrize("value", ["2020-02-30", "20200624", "明天", 20200624])
def test_date_zh_rejects_non_dates(value):
    with pytest.raises((ValueError, TypeError)):
        date_zh(value)


def test_date_zh_rejects_unknown_format():
    with pytest.raises(ValueError):
        date_zh("2020-06-24", "dmy")


@pytest.mark.parametrize("args, text", [
    ((Decimal("12.5"), "万元"), "12.5万元"),
    ((Decimal("190.457379"), "万元"), "190.457379万元"),
    ((0,), "0"),
    ((35000, "元"), "35000元"),
    ((0, None), "0"),
])
def test_amount(args, text):
    assert amount(*args) == text


@pytest.mark.parametrize("n, text", [
    (1, "一"), (2, "二"), (8, "八"), (10, "十"), (11, "十一"), (20, "二十"), (21, "二十一"),
    (100, "一百"), (101, "一百零一"), (110, "一百一十"),
])
def test_zh_num(n, text):
    assert zh_num(n) == text


def test_one_filter_set_for_prose_and_tables():
    assert {"num", "signed", "pct", "date_zh", "amount", "yoy"} <= set(FILTERS)
    assert FILTERS["num"] is num


@pytest.mark.parametrize("args, kwargs, text", [
    ((12, 10, "件"), {}, "增加2件"),
    ((8, 10, "件"), {}, "减少2件"),
    ((10, 10, "件"), {}, "持平"),
    ((120, 100, "条"), {"pct": True}, "增加20条（增长20%）"),
    ((2, 3, "件"), {"pct": True}, "减少1件（下降33.3%）"),
    ((5, 0, "件"), {"pct": True}, "增加5件"),            # no growth rate from zero
    ((Decimal("12.50"), Decimal("10.00"), "万元"), {}, "增加2.50万元"),
])
def test_yoy(args, kwargs, text):
    assert yoy(*args, **kwargs) == text


def test_pct_of_whole_numbers_rounds_as_the_decimal_way_does():
    """Whole numbers take an integer shortcut (the overview prints thousands of shares): it
    must give the very text the Decimal way gives, ties and signs included."""
    import random
    from decimal import ROUND_HALF_UP, Decimal

    def by_decimal(part: int, whole: int, digits: int) -> str:
        rounded = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
        text = format(rounded, "f")
        text = text.rstrip("0").rstrip(".") if "." in text else text
        return ("0" if text in ("-0", "") else text) + "%"

    rng = random.Random(5)
    cases = [(1, 8, 1), (1, 8, 0), (-1, 8, 1), (1, -200, 0), (-1, 200, 0), (5, 1000, 1), (2, 3, 10), (0, 7, 2)]
    cases += [(rng.randint(-5000, 5000), rng.choice([rng.randint(1, 3000), -rng.randint(1, 40), 8, 400]), rng.randint(0, 6))
              for _ in range(20000)]
    assert [pct(p, w, d) for p, w, d in cases] == [by_decimal(p, w, d) for p, w, d in cases]
    assert pct(1, 8, 1) == "12.5%" and pct(1, 3) == "33.3%" and pct(-1, 200, 0) == "-1%"
