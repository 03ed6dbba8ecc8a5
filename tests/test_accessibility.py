"""Accessibility of every page gendoc writes: header paths for figures, captions, keyboard."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from gendoc.cli.main import main


class Cells(HTMLParser):
    """Header cells by id (their text), figure cells with their `headers`."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.heads: dict[str, str] = {}
        self.figures: list[tuple[list[str], str]] = []
        self.captions: list[str] = []
        self.regions: list[dict] = []
        self._open: tuple[str, dict] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("th", "td", "caption"):
            self._open, self._text = (tag, attrs), []
        if tag == "div" and "table-wrap" in (attrs.get("class") or ""):
            self.regions.append(attrs)

    def handle_endtag(self, tag):
        if self._open and tag == self._open[0]:
            name, attrs = self._open
            text = "".join(self._text).strip()
            if name == "th" and attrs.get("id"):
                self.heads[attrs["id"]] = text
            elif name == "td" and attrs.get("headers"):
                self.figures.append((attrs["headers"].split(), text))
            elif name == "caption":
                self.captions.append(text)
            self._open = None

    def handle_data(self, data):
        if self._open:
            self._text.append(data)

    def path_of(self, *labels: str) -> list[list[str]]:
        """The header paths of the figure cells whose headers include every one of `labels`."""
        paths = [[self.heads[i] for i in ids] for ids, _ in self.figures]
        return [p for p in paths if all(label in p for label in labels)]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = Path(__file__).resolve().parent.parent
    out = tmp_path_factory.mktemp("built")
    assert main(["build", "--root", str(root), "-o", str(out)]) == 0
    return out


def parsed(path: Path) -> Cells:
    cells = Cells()
    cells.feed(path.read_text(encoding="utf-8"))
    return cells


def test_a_figure_of_table_three_names_its_whole_header_path(built):
    page = parsed(built / "sample-bureau" / "2022.html")
    assert page.path_of("1.属于国家秘密", "自然人") == [
        ["三、本年度办理结果", "（三）不予公开", "1.属于国家秘密", "申请人情况", "自然人"]]
    assert page.path_of("一、本年新收政府信息公开申请数量", "商业企业") == [
        ["一、本年新收政府信息公开申请数量", "申请人情况", "法人或其他组织", "商业企业"]]
    # 表四: no row labels, two levels of column heads.
    assert ["行政诉讼", "未经复议直接起诉", "结果维持"] in page.path_of("未经复议直接起诉", "结果维持")
    # 表二: a sub-table's figures are under its caption row and its own head row, never another's.
    for path in page.path_of("第二十条第（一）项"):
        assert sum(p.startswith("第二十条") for p in path) == 1


def test_every_table_has_a_caption_and_a_keyboard_reachable_frame(built):
    for page_path in [built / "sample-bureau" / "2022.html", built / "zhifu-drc" / "2020.html",
                      built / "index.html", built / "index-2022.html", built / "sample-bureau" / "index.html"]:
        page = parsed(page_path)
        text = page_path.read_text(encoding="utf-8")
        assert text.count("<table") == len(page.captions) > 0, page_path
        assert page.regions and all(r.get("tabindex") == "0" and r.get("role") == "region" for r in page.regions)
    assert "三、收到和处理政府信息公开申请情况" in parsed(built / "sample-bureau" / "2022.html").captions


def test_one_font_stack_for_every_page(built):
    import re

    stacks = set()
    for page in [*built.glob("*.html"), *built.glob("*/*.html")]:
        stacks |= set(re.findall(r"font-family:\s*([^;]+);", page.read_text(encoding="utf-8")))
    # One stack for text (and the monospace one of <code> in the browser's own style).
    assert len(stacks) == 1, stacks
