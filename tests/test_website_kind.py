"""The second national form, 政府网站工作年度报表, as a kind: labels, layout, rules, authoring."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from gendoc.build.project import Project
from gendoc.cli.main import main
from tests.conftest import ROOT, line_of, replace_once

KIND = "website-annual-report"
CITY = ROOT / "reports" / "sample-city-portal"
BUREAU = ROOT / "reports" / "sample-bureau-website"

# Every label of the form as the specification prints it, top to bottom (group labels first).
LABELS = [
    "网站名称", "首页网址", "主办单位", "网站类型", "政府网站标识码", "ICP备案号", "公安机关备案号",
    "独立用户访问总量（单位：个）", "网站总访问量（单位：次）",
    "信息发布（单位：条）", "总数", "概况类信息更新量", "政务动态信息更新量", "信息公开目录信息更新量",
    "专栏专题（单位：个）", "维护数量", "新开设数量",
    "解读回应", "解读信息发布（单位：条）", "总数", "解读材料数量", "解读产品数量", "媒体评论文章数量",
    "回应公众关注热点或重大舆情数量（单位：次）",
    "办事服务", "是否发布服务事项目录", "注册用户数（单位：个）", "政务服务事项数量（单位：项）",
    "可全程在线办理政务服务事项数量（单位：项）", "办件量（单位：件）", "总数", "自然人办件量", "法人办件量",
    "互动交流", "是否使用统一平台", "留言办理", "收到留言数量（单位：条）", "办结留言数量（单位：条）",
    "平均办理时间（单位：天）", "公开答复数量（单位：条）", "征集调查", "征集调查期数（单位：期）",
    "收到意见数量（单位：条）", "公布调查结果期数（单位：期）", "在线访谈", "访谈期数（单位：期）",
    "网民留言数量（单位：条）", "答复网民提问数量（单位：条）", "是否提供智能问答",
    "安全防护", "安全检测评估次数（单位：次）", "发现问题数量（单位：个）", "问题整改数量（单位：个）",
    "是否建立安全监测预警机制", "是否开展应急演练", "是否明确网站安全责任人",
    "移动新媒体", "是否有移动新媒体", "微博", "名称", "信息发布量（单位：条）", "关注量（单位：个）",
    "微信", "名称", "信息发布量（单位：条）", "订阅数（单位：个）", "其他",
    "创新发展",
]


class Cells(HTMLParser):
    """The form table's cells in document order: (tag, text, rowspan, colspan)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.cells: list[list] = []
        self._open = False

    def handle_starttag(self, tag, attrs):
        if tag in ("th", "td"):
            a = dict(attrs)
            self.cells.append([tag, "", int(a.get("rowspan", 1)), int(a.get("colspan", 1))])
            self._open = True

    def handle_endtag(self, tag):
        if tag in ("th", "td"):
            self._open = False

    def handle_data(self, data):
        if self._open:
            self.cells[-1][1] += data


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    assert main(["build", "--root", str(ROOT), "-o", str(out), str(CITY), str(BUREAU)]) == 0
    return out


def cells(page) -> list[list]:
    parser = Cells()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.cells


def value_of(page_cells: list[list], *labels: str) -> str:
    """The value cell of the row reached through `labels` (group labels, then the item)."""
    want = list(labels)
    for i, (tag, text, _, _) in enumerate(page_cells):
        if tag == "th" and text == want[0]:
            if len(want) == 1:
                return page_cells[i + 1][1]
            want = want[1:]
    raise AssertionError(f"no row {labels}")


def test_every_label_character_for_character_and_in_order(built):
    heads = [text for tag, text, _, _ in cells(built / "sample-city-portal" / "2021.html") if tag == "th"]
    assert heads == LABELS


def test_groups_merge_their_label_cell_down_the_rows_they_cover(built):
    spans = {text: (rowspan, colspan) for tag, text, rowspan, colspan in cells(built / "sample-city-portal" / "2021.html")
             if tag == "th" and (rowspan > 1 or colspan > 1)}
    assert spans["信息发布（单位：条）"] == (4, 1)
    assert spans["解读回应"] == (5, 1)
    assert spans["解读信息发布（单位：条）"] == (4, 1)
    assert spans["办事服务"] == (7, 1)
    assert spans["办件量（单位：件）"] == (3, 1)
    assert spans["互动交流"] == (12, 1)
    assert spans["移动新媒体"] == (8, 1)
    # an item without a group spans all three label columns; one in a group, the other two
    assert spans["网站名称"] == (1, 3)
    assert spans["回应公众关注热点或重大舆情数量（单位：次）"] == (1, 2)
    assert spans["是否提供智能问答"] == (1, 2)


def test_figures_text_yes_no_and_choices_in_their_cells(built):
    page = cells(built / "sample-city-portal" / "2021.html")
    assert value_of(page, "网站类型") == "☑政府门户网站 □部门网站 □专项网站"
    assert value_of(page, "办事服务", "办件量（单位：件）", "总数") == "500847"  # 412306 + 88541, derived (W-1)
    assert value_of(page, "解读回应", "解读信息发布（单位：条）", "总数") == "175"  # 118 + 42 + 15 (W-2)
    assert value_of(page, "互动交流", "留言办理", "平均办理时间（单位：天）") == "4.6"
    assert value_of(page, "互动交流", "是否提供智能问答") == "☑是 □否"
    assert value_of(page, "移动新媒体", "微博", "名称") == "示例市发布（样例）"
    assert value_of(page, "创新发展") == "☑搜索即服务 □多语言版本 ☑无障碍浏览 □千人千网 ☑其他：政策文件智能匹配"
    bureau = cells(built / "sample-bureau-website" / "2021.html")
    assert value_of(bureau, "移动新媒体", "是否有移动新媒体") == "□是 ☑否"
    assert value_of(bureau, "移动新媒体", "微博", "关注量（单位：个）") == ""  # no account: blank, not 0
    assert value_of(bureau, "创新发展") == "□搜索即服务 □多语言版本 ☑无障碍浏览 □千人千网 □其他"


def test_title_lines_and_signoff(built):
    html = (built / "sample-city-portal" / "2021.html").read_text(encoding="utf-8")
    assert "<h1>政府网站工作年度报表</h1>" in html
    assert "（2021年度）" in html and "填报单位：示例市人民政府办公室（样例数据）" in html
    assert "填报人：示例丙（样例）" in html and "填报日期：2022-01-16" in html
    md = (built / "sample-city-portal" / "2021.md").read_text(encoding="utf-8")
    assert "| 办事服务 / 办件量（单位：件） / 总数 | 500847 |" in md
    assert "| 互动交流 / 是否使用统一平台 | ☑是 □否 |" in md
    assert md.startswith("# 政府网站工作年度报表\n\n（2021年度）\n")


def _validate(project, text, capsys) -> tuple[int, str]:
    path = project / "reports" / "sample-city-portal" / "2021.yaml"
    path.write_text(text, encoding="utf-8")
    capsys.readouterr()
    code = main(["validate", "--root", str(project), str(path)])
    return code, capsys.readouterr().out


def test_a_typed_total_that_does_not_add_up_is_w1(project, capsys):
    text = (CITY / "2021.yaml").read_text(encoding="utf-8")
    broken = replace_once(text, "cases: {natural: 412306, legal: 88541}", "cases: {total: 500000, natural: 412306, legal: 88541}")
    code, out = _validate(project, broken, capsys)
    assert code == 1
    line = line_of(broken, "cases: {total")
    assert f"2021.yaml:{line}:" in out and "error[W-1]" in out and "500847" in out


def test_more_online_services_than_services_is_an_error_w3(project, capsys):
    text = (CITY / "2021.yaml").read_text(encoding="utf-8")
    code, out = _validate(project, replace_once(text, "online_items: 1467", "online_items: 1900"), capsys)
    assert code == 1 and "error[W-3]" in out and "「政府网站工作年度报表/办事服务/可全程在线办理政务服务事项数量（单位：项）」(1900)" in out


def test_more_finished_than_received_messages_only_warns_w5(project, capsys):
    text = (CITY / "2021.yaml").read_text(encoding="utf-8")
    code, out = _validate(project, replace_once(text, "finished: 6175", "finished: 6300"), capsys)
    assert code == 0 and "warning[W-5]" in out


@pytest.mark.parametrize("change, broken", [
    (("has_media: 是", "has_media: 否"), True),           # accounts named, but 否
    (("    weibo: {name: 示例市发布（样例）, posts: 3120, followers: 215300}\n"
      "    wechat: {name: 示例市政府（样例）, posts: 1460, subscribers: 392800}\n"
      "    other: 示例市政务客户端（样例）\n", ""), True),  # 是, but no account at all
    (("    other: 示例市政务客户端（样例）\n", ""), False),  # 是, two accounts named
])
def test_mobile_media_answer_agrees_with_the_account_rows_w9(project, capsys, change, broken):
    text = (CITY / "2021.yaml").read_text(encoding="utf-8")
    code, out = _validate(project, replace_once(text, *change), capsys)
    assert ("error[W-9]" in out) == broken
    assert code == (1 if broken else 0)


def test_a_blank_yes_no_item_is_refused_with_its_label(project, capsys):
    text = (CITY / "2021.yaml").read_text(encoding="utf-8")
    broken = replace_once(text, "    smart_qa: 是\n", "")
    code, out = _validate(project, broken, capsys)
    assert code == 1
    assert f"2021.yaml:{line_of(broken, 'interaction:')}:3: error[S002]: 「政府网站工作年度报表」/「互动交流」缺少必填项「是否提供智能问答」" in out
    assert out.count("error[") == 1  # one mistake, one finding


def test_new_keeps_the_site_and_its_form(project, capsys):
    assert main(["new", "--root", str(project), "sample-city-portal", "2023"]) == 0
    made = project / "reports" / "sample-city-portal" / "2023.yaml"
    text = made.read_text(encoding="utf-8")
    assert "format: website-annual-report" in text  # not the annual report format of 2023
    assert "site_name: 示例市人民政府门户网站（样例数据）" in text
    assert "status: draft" in text
    assert "visits: ~" in text and "cases: {natural: ~, legal: ~}" in text  # not known yet
    assert "total" not in text.split("cases:")[1].split("\n")[0]  # derived totals are not written
    result = Project(project).check(made)
    assert result.ok and result.kind.id == KIND


def test_diff_and_textconv_name_the_forms_labels(capsys):
    assert main(["diff", str(BUREAU / "2021.yaml"), str(BUREAU / "2022.yaml")]) == 0
    out = capsys.readouterr().out
    assert "政府网站工作年度报表 / 移动新媒体 / 是否有移动新媒体: 否 → 是" in out
    assert "政府网站工作年度报表 / 办事服务 / 办件量（单位：件） / 总数: 2526 → 2716" in out
    assert main(["textconv", str(BUREAU / "2022.yaml")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "政府网站工作年度报表 / 办事服务 / 办件量（单位：件） / 总数 = 2716（计算值）" in lines
    assert "政府网站工作年度报表 / 移动新媒体 / 微信 / 名称 = 示例区示例局（样例）" in lines


def test_schema_is_the_one_home_of_the_labels():
    """No label of the form is typed into the kind's templates: they come from the schema."""
    for template in (ROOT / "templates" / KIND).glob("*.j2"):
        text = re.sub(r"\{#.*?#\}", "", template.read_text(encoding="utf-8"), flags=re.S)
        typed = [label for label in set(LABELS) if len(label) > 2 and label in text]
        assert typed == [], template
