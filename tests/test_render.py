"""Rendering: the right figure in the right cell, official labels, narratives, errors, safety."""
from __future__ import annotations

import copy
import gc
import re
import dataclasses
from decimal import Decimal
from html.parser import HTMLParser

from gendoc.ingest.grid import expand
from pathlib import Path

import pytest
import yaml

from gendoc.render import engine as render_module
from gendoc.kind.registry import KindRegistry
from gendoc.load.yaml_loader import load_text
from gendoc.render.engine import md_cell, neutralize_html, render_document

ROOT = Path(__file__).resolve().parent.parent
COLS = ["natural", "commercial", "research", "social", "legal", "org_other"]
HEADINGS = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
]

HEAD = """\
format: annual-report-2019
year: 2020
agency:
  name: 测试区发展和改革局
published: "2021-01-20 09:30:00"
preamble: |
  {{ year }}年，本局收到政府信息公开申请{{ table3.new_received.total }}件。
overview:
  parts:
    - title: 主动公开情况
      text: |
        全年主动公开政府信息{{ proactive.total }}条。
    - title: 依申请公开情况
      text: |
        收到申请{{ table3.new_received.total }}件，予以公开{{ table3.results.granted.total }}件，占{{ table3.results.granted.total | pct(table3.results.total.total) }}。

        第二段：办结{{ table3.results.total.total }}件。
proactive:
  categories:
    - {name: 政策法规类, count: 14}
    - {name: 重点领域类, count: 198}
problems:
  parts:
    - title: 存在的主要问题
      text: |
        人员不足。
    - title: 改进措施
      text: 加强培训。
other_matters:
  text: 本年度未收取信息处理费。
"""


def zero_row() -> dict:
    return dict.fromkeys(COLS, 0)


def tables() -> dict:
    def rows(keys):
        return {k: zero_row() for k in keys}

    t3 = {
        "new_received": {**zero_row(), "natural": 10, "commercial": 2},
        "carried_over": zero_row(),
        "results": {
            "granted": {**zero_row(), "natural": 7, "commercial": 1},
            "partial": zero_row(),
            "denied": rows(["state_secret", "prohibited", "three_security", "third_party",
                            "internal_affairs", "process_info", "enforcement_file", "admin_query"]),
            "unable": {"not_held": {**zero_row(), "natural": 3, "commercial": 1},
                       "need_creation": zero_row(), "unclear": zero_row()},
            "not_processed": rows(["petition", "repeated", "publication", "mass_repeated", "confirmation"]),
            "other": zero_row(),
        },
        "carried_forward": zero_row(),
    }
    t2 = {
        "art20_1": {"regulations": {"new_made": 0, "new_published": 0, "total_published": 0},
                    "normative": {"new_made": 2, "new_published": 2, "total_published": 15}},
        "art20_5": {"licensing": {"last_year": 6, "change": 3, "decisions": 41},
                    "other_services": {"last_year": 0, "change": 0, "decisions": 0}},
        "art20_6": {"penalty": {"last_year": 24, "change": -2, "decisions": 5},
                    "coercion": {"last_year": 4, "change": 0, "decisions": 0}},
        "art20_8": {"fees": {"last_year": 2, "change": 0}},
        "art20_9": {"procurement": {"projects": 3, "amount": 12.5, "amount_unit": "万元"}},
    }
    t4 = {
        "review": {"maintained": 1, "corrected": 0, "other": 0, "pending": 1},
        "direct_suit": {"maintained": 0, "corrected": 0, "other": 0, "pending": 0},
        "suit_after_review": {"maintained": 0, "corrected": 1, "other": 0, "pending": 0},
    }
    return {"table2": t2, "table3": t3, "table4": t4}


def report_text(head: str = HEAD) -> str:
    body = yaml.safe_dump(tables(), allow_unicode=True, sort_keys=False, default_flow_style=None)
    return head + body.replace("amount: 12.5", "amount: 12.50")


def derive(data: dict) -> dict:
    """The totals rules.py derives, computed by hand so these tests stand on their own."""
    data = copy.deepcopy(data)

    def rows(node):
        for value in node.values():
            if isinstance(value, dict):
                if "natural" in value:
                    yield value
                else:
                    yield from rows(value)

    for row in rows(data["table3"]):
        row["total"] = sum(row[c] for c in COLS)
    leaves = list(rows(data["table3"]["results"]))
    data["table3"]["results"]["total"] = {c: sum(r[c] for r in leaves) for c in COLS + ["total"]}
    for group in data["table4"].values():
        group["total"] = sum(group.values())
    data["proactive"]["total"] = sum(c["count"] for c in data["proactive"]["categories"])
    return data


@pytest.fixture(scope="module")
def kind():
    return KindRegistry(ROOT).get("annual-report-2019")


def render(kind, text: str, fmt: str, pass_text: bool = True, **kw):
    loaded = load_text(text, "reports/test/2020.yaml")
    assert loaded.data is not None, [d.message() for d in loaded.diagnostics]
    return render_document(kind, derive(loaded.data), None, fmt, loaded.sourcemap,
                           loaded.text if pass_text else None, **kw)


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


# -- HTML reading ----------------------------------------------------------------------------

class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, str]] = []   # (tag, text) of h1/h2/h3/title/p
        self.tables: list[list[list[tuple[str, int, int]]]] = []
        self._open: str | None = None
        self._text = ""
        self._cell: list | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("h1", "h2", "h3", "title", "p"):
            self._open, self._text = tag, ""
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = ["", int(a.get("colspan", 1)), int(a.get("rowspan", 1))]

    def handle_endtag(self, tag):
        if tag == self._open:
            self.tags.append((tag, self._text))
            self._open = None
        elif tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(tuple(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._open:
            self._text += data
        if self._cell is not None:
            self._cell[0] += data


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def html_matrix(rows: list[list[tuple[str, int, int]]]) -> list[list[str]]:
    """The table as a browser lays it out: the expander `gendoc import` reads pages with."""
    return expand(rows)


# -- HTML ------------------------------------------------------------------------------------

def test_html_page(kind):
    out = render(kind, report_text(), "html")
    assert out.diagnostics == []
    html = out.text
    assert html.startswith("<!DOCTYPE html>\n<html lang=\"zh-CN\">")
    assert '<meta charset="utf-8">' in html
    assert html.endswith("</html>\n")
    page = parse(html)
    title = "测试区发展和改革局2020年政府信息公开工作年度报告"
    assert ("title", title) in page.tags and ("h1", title) in page.tags
    assert [t for tag, t in page.tags if tag == "h2"] == HEADINGS
    assert [t for tag, t in page.tags if tag == "h3"] == [
        "（一）主动公开情况", "（二）依申请公开情况", "（一）存在的主要问题", "（二）改进措施",
    ]
    paragraphs = [t for tag, t in page.tags if tag == "p"]
    assert "发布时间：2021年1月20日" in paragraphs
    assert "2020年，本局收到政府信息公开申请12件。" in paragraphs
    assert "全年主动公开政府信息212条。" in paragraphs
    assert "收到申请12件，予以公开8件，占66.7%。" in paragraphs
    assert "第二段：办结12件。" in paragraphs
    assert "本年度未收取信息处理费。" in paragraphs


def test_html_tables_put_figures_in_their_cells(kind):
    page = parse(render(kind, report_text(), "html").text)
    t2, t3, t4 = page.tables
    m3 = html_matrix(t3)
    assert all(len(row) == 10 for row in m3)
    assert m3[0][3] == "申请人情况" and m3[1][4] == "法人或其他组织" and m3[2][4] == "商业企业"
    by_label = {row[2]: row[3:] for row in m3[3:]}
    assert by_label["（一）予以公开"] == ["7", "1", "0", "0", "0", "0", "8"]
    assert by_label["1.本机关不掌握相关政府信息"] == ["3", "1", "0", "0", "0", "0", "4"]
    assert by_label["（七）总计"] == ["10", "2", "0", "0", "0", "0", "12"]  # derived row
    assert by_label["一、本年新收政府信息公开申请数量"] == ["10", "2", "0", "0", "0", "0", "12"]
    assert [(text, rowspan) for text, _, rowspan in t3[5] if text == "三、本年度办理结果"] == [("三、本年度办理结果", 20)]

    m2 = html_matrix(t2)
    rows2 = {row[0]: row[1:] for row in m2}
    assert rows2["行政许可"] == ["6", "+3", "41"]
    assert rows2["行政处罚"] == ["24", "-2", "5"]
    assert rows2["规范性文件"] == ["2", "2", "15"]
    assert rows2["政府集中采购"] == ["3", "12.50万元", "12.50万元"]  # typed 12.50, kept; spans 2 columns

    m4 = html_matrix(t4)
    assert m4[0][:6] == ["行政复议"] * 5 + ["行政诉讼"]
    assert m4[3] == ["1", "0", "0", "1", "2", "0", "0", "0", "0", "0", "0", "1", "0", "0", "1"]


# -- Markdown --------------------------------------------------------------------------------

def md_row(md: str, label_cell: str) -> list[str]:
    """The figures of the Markdown table row whose label cell is `label_cell`."""
    line = next(line for line in md.splitlines() if label_cell in line)
    return re.findall(r"<td[^>]*>([^<]*)</td>", line)


def test_markdown(kind):
    out = render(kind, report_text(), "md")
    assert out.diagnostics == []
    md = out.text
    lines = md.splitlines()
    assert lines[0] == "# 测试区发展和改革局2020年政府信息公开工作年度报告"
    assert "发布时间：2021年1月20日" in lines
    assert [line[3:] for line in lines if line.startswith("## ")] == HEADINGS
    assert [line for line in lines if line.startswith("### ")] == [
        "### （一）主动公开情况", "### （二）依申请公开情况", "### （一）存在的主要问题", "### （二）改进措施",
    ]
    assert "收到申请12件，予以公开8件，占66.7%。" in lines
    # table 三 as an HTML table with its merges (GitHub and Gitea render those): one line a row
    assert md_row(md, '<th colspan="2">（一）予以公开</th>') == ["7", "1", "0", "0", "0", "0", "8"]
    assert md_row(md, '<th colspan="2">（七）总计</th>') == ["10", "2", "0", "0", "0", "0", "12"]
    assert md_row(md, "<th>3.危及“三安全一稳定”</th>") == ["0"] * 7
    assert '<th rowspan="8">（三）不予公开</th>' in md
    assert "**第二十条第（九）项**" in lines
    assert "| 政府集中采购 | 3 | 12.50万元 |" in lines
    assert "| 行政许可 | 6 | +3 | 41 |" in lines
    assert '<th colspan="3" rowspan="3">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</th>' in md
    assert '<th colspan="5">法人或其他组织</th>' in md
    # table 四: one narrow table per merged head (fifteen columns would be strips on a site)
    assert "| 行政复议·结果维持 | 行政复议·结果纠正 | 行政复议·其他结果 | 行政复议·尚未审结 | 行政复议·总计 |" in lines
    assert "| 行政诉讼·复议后起诉·结果维持 | 行政诉讼·复议后起诉·结果纠正 | 行政诉讼·复议后起诉·其他结果 | 行政诉讼·复议后起诉·尚未审结 | 行政诉讼·复议后起诉·总计 |" in lines
    assert lines.count("| 1 | 0 | 0 | 1 | 2 |") == 1 and lines.count("| 0 | 0 | 0 | 0 | 0 |") == 1
    assert lines.count("| 0 | 1 | 0 | 0 | 1 |") == 1
    assert "\n\n\n" not in md and md.endswith("\n") and not md.endswith("\n\n")
    # every pipe-table block: header, alignment row, rows — all with the same cell count
    for i, line in enumerate(lines):
        if line.startswith("| ") and lines[i + 1].startswith("| :--"):
            width = line.count(" | ")
            j = i + 1
            while j < len(lines) and lines[j].startswith("|"):
                assert lines[j].count(" |") == width + 1, lines[j]
                j += 1


def test_md_cell_escapes_pipes():
    assert md_cell("甲|乙\n丙") == "甲\\|乙 丙"
    assert md_cell(12) == "12"


# -- narratives ------------------------------------------------------------------------------

def test_undefined_name_in_block_narrative_points_at_its_yaml_line(kind):
    head = HEAD.replace("第二段：办结", "第二段：{{ nope }}办结")
    text = report_text(head)
    expected = line_of(text, "{{ nope }}")
    for pass_text in (True, False):
        out = render(kind, text, "html", pass_text=pass_text)
        assert out.text is None
        [d] = out.diagnostics
        assert (d.code, d.severity, d.file, d.line) == ("N002", "error", "reports/test/2020.yaml", expected)
        assert d.path == "overview.parts[1].text"
        assert "「nope」" in d.message()
    assert d.col >= 1


def test_undefined_name_suggests_the_closest(kind):
    head = HEAD.replace("text: 本年度未收取信息处理费。", "text: \"{{ yaer }}年度未收取信息处理费。\"")
    head = head.replace("予以公开{{ table3.results.granted.total }}", "予以公开{{ table3.results.grantd.total }}")
    text = report_text(head)
    out = render(kind, text, "md")
    assert out.text is None
    by_path = {d.path: d for d in out.diagnostics}
    inline = by_path["other_matters.text"]
    assert inline.code == "N002" and inline.line == line_of(text, "{{ yaer }}")
    assert "「yaer」" in inline.message() and "year" in inline.message()
    nested = by_path["overview.parts[1].text"]
    assert nested.line == line_of(text, "grantd")
    assert "table3.results.grantd" in nested.message() and "granted" in nested.message()


def test_syntax_error_in_narrative(kind):
    head = HEAD.replace("第二段：办结", "第二段：{% if %}办结")
    text = report_text(head)
    out = render(kind, text, "html")
    [d] = out.diagnostics
    assert d.code == "N001" and d.line == line_of(text, "{% if %}")


@pytest.mark.parametrize("expr", ["{{ agency.__class__ }}", "{{ agency.update({}) }}", "{{ 'x' * 10000000 }}"])
def test_sandbox_violation(kind, expr):
    text = report_text(HEAD.replace("人员不足。", expr))
    out = render(kind, text, "html")
    [d] = out.diagnostics
    assert d.code == "N005" and d.path == "problems.parts[0].text" and d.line == line_of(text, expr)


def test_filter_failure_is_a_diagnostic(kind):
    out = render(kind, report_text(HEAD.replace("人员不足。", "{{ agency.name | num }}")), "html")
    [d] = out.diagnostics
    assert d.code == "N004"


def test_script_is_inert_in_both_formats(kind):
    head = HEAD.replace("name: 测试区发展和改革局", "name: 测试<script>alert(1)</script>局")
    head = head.replace("人员不足。", "人员不足<script>alert(2)</script><img src=x onerror=alert(3)>。{{ agency.name }}")
    text = report_text(head)
    html = render(kind, text, "html").text
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert "测试&lt;script&gt;alert(1)&lt;/script&gt;局2020年" in html
    assert "人员不足&lt;script&gt;alert(2)&lt;/script&gt;" in html
    md = render(kind, text, "md").text
    assert "<script" not in md.lower() and "<img" not in md.lower()
    assert md.splitlines()[0] == "# 测试&lt;script&gt;alert(1)&lt;/script&gt;局2020年政府信息公开工作年度报告"


def test_neutralize_html_keeps_autolinks():
    assert neutralize_html("见 <https://www.gov.cn> 与 <a@b.cn>") == "见 <https://www.gov.cn> 与 <a@b.cn>"
    assert neutralize_html("<b>粗</b> 1 < 2") == "&lt;b>粗&lt;/b> 1 < 2"


# -- layout templates ------------------------------------------------------------------------

@pytest.mark.parametrize("body, code, line", [
    ('{% extends "base.html.j2" %}\n{% block preamble %}\n<p>{{ nope }}</p>\n{% endblock %}\n', "N002", 3),
    ('{% extends "base.html.j2" %}\n{% block preamble %}{% if %}{% endblock %}\n', "N001", 2),
    ('{% extends "base.html.j2" %}\n\n{% block preamble %}{{ label("table3.nope") }}{% endblock %}\n', "N002", 3),
    ('{% extends "base.html.j2" %}\n{% block preamble %}{{ grid("agency") }}{% endblock %}\n', "N004", 2),
])
def test_layout_template_errors_point_at_the_template(kind, tmp_path, body, code, line):
    (tmp_path / "report.html.j2").write_text(body, encoding="utf-8")
    broken = dataclasses.replace(kind, templates_dir=tmp_path, outputs={"html": "report.html.j2"})
    out = render(broken, report_text(), "html")
    assert out.text is None
    [d] = out.diagnostics
    assert d.code == code and Path(d.file) == tmp_path / "report.html.j2" and d.line == line


def test_unknown_format_is_a_diagnostic(kind):
    out = render(kind, report_text(), "odt")
    assert out.text is None and out.diagnostics[0].code == "N004"


# -- determinism and purity ------------------------------------------------------------------

def test_output_is_deterministic_and_data_untouched(kind):
    loaded = load_text(report_text(), "reports/test/2020.yaml")
    data = derive(loaded.data)
    before = copy.deepcopy(data)
    first = {fmt: render_document(kind, data, None, fmt, loaded.sourcemap).text for fmt in ("html", "md")}
    render_module.clear_caches()
    second = {fmt: render_document(kind, data, None, fmt, loaded.sourcemap).text for fmt in ("html", "md")}
    assert first == second
    assert data == before


def test_table_texts_live_and_die_with_their_environment(kind):
    """Table markup is cached per environment: when environments are rebuilt, nothing of an
    old one survives to be picked up by a new one (ids of freed objects are reused)."""
    loaded = load_text(report_text(), "reports/test/2020.yaml")
    data = derive(loaded.data)
    render_module.clear_caches()
    render_document(kind, data, None, "html", loaded.sourcemap)
    assert len(render_module._TABLE_TEXT) == 1
    render_module._LAYOUT_ENVS.clear()
    gc.collect()
    assert len(render_module._TABLE_TEXT) == 0
    for _ in range(30):  # the id-keyed cache once put an HTML <table> into the Markdown
        render_module._LAYOUT_ENVS.clear()
        html = render_document(kind, data, None, "html", loaded.sourcemap).text
        render_module._LAYOUT_ENVS.clear()
        md = render_document(kind, data, None, "md", loaded.sourcemap).text
        # the Markdown's own table 三 is a bare <table> of cells, never the page's markup
        assert 'data-grid="table3"' in html and "data-grid" not in md and 'class="' not in md
        assert '<th colspan="2">（七）总计</th>' in md


def test_prev_is_available_to_narratives(kind):
    head = HEAD.replace("人员不足。", "{% if prev %}上年结转{{ prev.table3.carried_forward.total }}件。{% endif %}人员不足。")
    loaded = load_text(report_text(head), "reports/test/2020.yaml")
    data = derive(loaded.data)
    prev = copy.deepcopy(data)
    prev["table3"]["carried_forward"]["total"] = 3
    html = render_document(kind, data, prev, "html", loaded.sourcemap).text
    assert "上年结转3件。人员不足。" in html
    html = render_document(kind, data, None, "html", loaded.sourcemap).text
    assert "<p>人员不足。</p>" in html


# -- the seed report -------------------------------------------------------------------------

SEED = ROOT / "reports" / "zhifu-drc" / "2020.yaml"


@pytest.mark.skipif(not SEED.exists(), reason="seed report not present")
def test_seed_report_renders_from_its_own_figures():
    from gendoc.build.project import Project

    project = Project(ROOT)
    result = project.check(SEED)
    assert result.ok, [d.message() for d in result.diagnostics]
    for fmt in ("html", "md"):
        out = render_document(result.kind, result.report.data, None, fmt, result.report.sourcemap)
        assert out.diagnostics == []
        assert "收到政府信息公开申请10件" in out.text      # the published prose said 4
        assert "全年办理依申请公开10件" in out.text
        assert "烟台市芝罘区发展和改革局2020年政府信息公开工作年度报告" in out.text
    md = out.text
    assert md_row(md, "<th>1.本机关不掌握相关政府信息</th>") == ["3", "0", "0", "0", "0", "0", "3"]
    assert md_row(md, '<th colspan="2">（七）总计</th>') == ["10", "0", "0", "0", "0", "0", "10"]


def test_decimal_amount_typed_in_yaml_is_kept(kind):
    loaded = load_text(report_text(), "x.yaml")
    assert loaded.data["table2"]["art20_9"]["procurement"]["amount"] == Decimal("12.50")


def test_gendoc_uses_no_private_jinja_attribute():
    """A Jinja minor release may rename its private attributes: gendoc must not touch any
    (`obj._name` where Jinja's own classes define `_name`)."""
    import ast
    import inspect

    import jinja2
    import jinja2.sandbox

    private = {name for module in (jinja2, jinja2.sandbox) for _, cls in inspect.getmembers(module, inspect.isclass)
               for name in dir(cls) if name.startswith("_") and not name.startswith("__")}
    assert {"_undefined_exception", "_fail_with_undefined_error"} <= private
    used = []
    for path in sorted((ROOT / "gendoc").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in private:
                used.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.attr}")
    assert used == []


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_a_layout_template_receives_the_data_and_exactly_the_layout_names(kind, monkeypatch, fmt):
    """`gendoc kind check` accepts in a layout template the report's top-level keys and
    LAYOUT_NAMES: the names the renderer really hands over must be those, no more, no fewer."""
    from gendoc.load.yaml_loader import load_file
    from gendoc.render import engine

    data = load_file(ROOT / "reports" / "zhifu-drc" / "2020.yaml").data
    received: dict = {}

    class Spy:
        def render(self, context):
            received.update(context)
            return ""

    env = engine._layout_env(kind, fmt)
    monkeypatch.setattr(env, "get_template", lambda name: Spy())
    engine._render_layout(kind, data, None, fmt, "reports/zhifu-drc/2020.yaml")
    assert set(received) - set(data) == set(engine.LAYOUT_NAMES)
    assert all(received[key] is data[key] for key in data if key not in engine.LAYOUT_NAMES)
