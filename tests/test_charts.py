"""Static SVG charts: well-formed, the same bytes for the same data, every figure as text."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

from gendoc.render.charts import Series, bars, shares

NS = "{http://www.w3.org/2000/svg}"


def test_bars_carry_every_figure_and_gridlines_are_whole_numbers():
    svg = bars("c1", "行政复议和行政诉讼数量", ["2021年", "2022年"],
               [Series("行政复议", [2, 3]), Series("行政诉讼", [1, None])])
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{NS}title").text == "行政复议和行政诉讼数量"
    assert root.find(f"{NS}desc").text == (
        "行政复议和行政诉讼数量。2021年：行政复议2件，行政诉讼1件；2022年：行政复议3件，行政诉讼未知。")
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert texts[texts.index("0"):texts.index("0") + 5] == ["0", "1", "2", "3", "4"]  # gridlines
    assert "未知" in texts and texts.count("3") == 2  # a gridline and 2022's bar
    assert svg == bars("c1", "行政复议和行政诉讼数量", ["2021年", "2022年"],
                       [Series("行政复议", [2, 3]), Series("行政诉讼", [1, None])])


def test_shares_split_each_bar_by_the_series_sum():
    svg = shares("c2", "申请办理结果构成", ["2022年"],
                 [Series("予以公开", [28]), Series("部分公开", [Decimal(7)]), Series("不予公开", [0])])
    root = ET.fromstring(svg)
    assert root.find(f"{NS}desc").text == (
        "申请办理结果构成。2022年：予以公开28件（80%），部分公开7件（20%），不予公开0件（0%）。")
    widths = [float(r.get("width")) for r in root.iter(f"{NS}rect") if float(r.get("height")) > 20]
    assert abs(widths[0] / widths[1] - 4) < 0.01  # 28 : 7
    assert "共35件" in [t.text for t in root.iter(f"{NS}text")]
