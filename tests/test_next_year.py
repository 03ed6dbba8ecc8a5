"""`gendoc new`: drafts that keep what people wrote, across the 2021 format change, and for
an agency with no report yet — each validates with warnings only, renders with the 草稿
mark, and becomes final once its figures are filled in."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from gendoc.author import round_trip
from gendoc.author.draft_shape import move_figures
from gendoc.author.migrations import load_migration
from gendoc.build.project import Project
from gendoc.cli.main import main
from gendoc.kind.registry import KindRegistry
from tests.conftest import ROOT, line_of, replace_once


def _new(project: Path, capsys, *args: str) -> tuple[int, str, str]:
    code = main(["new", "--root", str(project), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def _errors(project: Path, path: Path) -> list[str]:
    return [d.message() for d in Project(project).check(path).diagnostics if d.severity == "error"]


def _fill_and_finalise(path: Path, value: str = "0") -> None:
    """What the clerk does: every ~ becomes a figure, the applications carried over are
    settled, status final."""
    text = path.read_text(encoding="utf-8")
    carried = re.search(r"carried_over: (\{[^}]*\})", text).group(1)
    text = re.sub(r"carried_forward: \{[^}]*\}", f"carried_forward: {carried}", text)
    text = text.replace("published: ~", 'published: "2024-01-20"')
    text = re.sub(r"(?<=[:,] )~(?=[,}\n])", value, text)
    text = text.replace("status: draft", "status: final")
    path.write_text(text, encoding="utf-8")


def test_the_round_trip_settings_give_this_projects_files_back_byte_for_byte():
    for rel in ("reports/zhifu-drc/2020.yaml", "reports/sample-bureau/2022.yaml", "reports/sample-bureau/2021.yaml"):
        text = (ROOT / rel).read_text(encoding="utf-8")
        assert round_trip.dump(round_trip.load(text)) == text, rel


def test_sample_agency_into_2023_keeps_comments_and_order_and_becomes_final(project, capsys):
    code, out, err = _new(project, capsys, "sample-bureau", "2023")
    assert code == 0, out + err
    made = project / "reports" / "sample-bureau" / "2023.yaml"
    last = (project / "reports" / "sample-bureau" / "2022.yaml").read_text(encoding="utf-8")
    text = made.read_text(encoding="utf-8")
    assert "185 个数字待填写" in err
    # every comment of last year's file is still there, and the keys in the same order
    assert [line for line in last.splitlines() if line.lstrip().startswith("#")] == \
           [line for line in text.splitlines() if line.lstrip().startswith("#")]
    assert "    regulations: {issued: ~, repealed: ~, in_force: ~}     # 规章（区级部门无规章制定权）" in text
    keys = lambda t: [line.split(":")[0] for line in t.splitlines() if re.match(r"^[a-z_]+:", line)]
    assert keys(text) == [k if k != "year" else k for k in keys(last)][:2] + ["status"] + keys(last)[2:]
    data = yaml.safe_load(text)
    assert data["status"] == "draft" and data["published"] is None
    assert data["facts"]["survey_satisfaction"] == {"label": "社会评议满意率", "value": None, "unit": "%"}
    assert data["proactive"]["categories"][0] == {"name": "机构职能类", "count": None}
    assert data["table3"]["carried_over"] == {"natural": 2, "commercial": 1, "research": 0, "social": 0,
                                              "legal": 0, "org_other": 0}
    result = Project(project).check(made)
    assert {d.severity for d in result.diagnostics} == {"warning", "info"}
    assert main(["build", "--root", str(project), "-o", str(project / "out"), str(made)]) == 0
    html = (project / "out" / "sample-bureau" / "2023.html").read_text(encoding="utf-8")
    assert "草稿 · 尚未定稿，不得发布" in html and "满意率—%" in html
    _fill_and_finalise(made)
    assert _errors(project, made) == []
    assert main(["validate", "--root", str(project), str(made)]) == 0


def test_seed_into_2021_crosses_the_format_change(project, capsys):
    seed = project / "reports" / "zhifu-drc" / "2020.yaml"
    seed_text = seed.read_text(encoding="utf-8")
    code, out, err = _new(project, capsys, "zhifu-drc", "2021")
    assert code == 0, out + err
    made = project / "reports" / "zhifu-drc" / "2021.yaml"
    text = made.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/annual-report-2021/schema.json\n")
    assert "# Repairs made while transcribing (the rest keeps the published wording):" in text
    data = yaml.safe_load(text)
    assert data["format"] == "annual-report-2021" and data["year"] == 2021 and data["status"] == "draft"
    assert data["table2"]["art20_1"]["normative"] == {"issued": None, "repealed": None, "in_force": None}
    assert data["table2"]["art20_5"] == {"licensing": {"decisions": None}}
    assert "art20_9" not in data["table2"]
    # the comments after the removed 第二十条第（九）项 head table 三: they stay, above it
    kept = [line for line in seed_text.splitlines() if line.startswith("#") and "yaml-language-server" not in line]
    assert [line for line in kept if line not in text.splitlines()] == []
    assert text.index("# 三、收到和处理政府信息公开申请情况\n# Columns:") < text.index("\ntable3:")
    assert list(data["table3"]["results"]["other"]) == ["no_correction", "no_fee", "other"]
    assert "      other: {natural: ~, commercial: ~, research: ~, social: ~, legal: ~, org_other: ~}  # 3.其他" in text
    # the narrative's reference moved to the 2021 figure
    assert "{% if not table2.art20_1.normative.issued %}" in text and "new_made" not in text
    # what has no place in 2021: located in last year's file, with the reason
    w005 = [line for line in out.splitlines() if "warning[W005]" in line]
    assert len(w005) == 12
    procurement = next(line for line in w005 if line.endswith("[table2.art20_9]"))
    assert procurement.startswith(f"{seed}:{line_of(seed_text, 'art20_9:')}:")
    assert "2021 版格式没有第二十条第（九）项（政府集中采购）" in procurement
    assert any("「其他对外管理服务事项」" in line and line.startswith(f"{seed}:{line_of(seed_text, 'other_services:')}:")
               for line in w005)
    assert _errors(project, made) == []
    assert main(["build", "--root", str(project), "-o", str(project / "out"), str(made)]) == 0
    html = (project / "out" / "zhifu-drc" / "2021.html").read_text(encoding="utf-8")
    assert "草稿 · 尚未定稿，不得发布" in html and "全文电子化率为—%" in html
    assert "2020年6月24日" not in html  # last year's budget dates were facts: now unknown
    _fill_and_finalise(made)
    assert _errors(project, made) == []


def test_a_reference_the_new_format_cannot_place_is_a_located_finding(project, capsys):
    seed = project / "reports" / "zhifu-drc" / "2020.yaml"
    seed.write_text(replace_once(seed.read_text(encoding="utf-8"), "我局无收取信息处理费情况。",
                                 "我局无收取信息处理费情况，政府集中采购{{ table2.art20_9.procurement.projects }}项。"),
                    encoding="utf-8")
    code, out, _ = _new(project, capsys, "zhifu-drc", "2021")
    assert code == 1  # the draft is written, but its prose names a figure 2021 does not have
    made = project / "reports" / "zhifu-drc" / "2021.yaml"
    text = made.read_text(encoding="utf-8")
    w006 = [line for line in out.splitlines() if "warning[W006]" in line]
    assert len(w006) == 1
    assert w006[0].startswith(f"{made}:{line_of(text, '政府集中采购{{')}:")
    assert "「table2.art20_9.procurement.projects」在政府信息公开工作年度报告（2021 版格式）中没有对应项" in w006[0]
    assert "2021 版格式没有第二十条第（九）项" in w006[0]
    assert "error[N002]" in out  # and validate says why it cannot render


def test_years_and_dates_typed_into_prose_are_flagged(project, capsys):
    last = project / "reports" / "sample-bureau" / "2022.yaml"
    last.write_text(replace_once(last.read_text(encoding="utf-8"), "本局坚持以公开为常态",
                                 "本局于2022年3月15日印发工作要点，坚持以公开为常态"), encoding="utf-8")
    code, out, _ = _new(project, capsys, "sample-bureau", "2023")
    assert code == 0
    made = project / "reports" / "sample-bureau" / "2023.yaml"
    text = made.read_text(encoding="utf-8")
    w004 = [line for line in out.splitlines() if "warning[W004]" in line]
    assert len(w004) == 1 and "「2022年3月15日」" in w004[0]
    line = line_of(text, "本局于2022年3月15日")
    assert w004[0].startswith(f"{made}:{line}:")
    comment = text.splitlines()[line_of(text, "  text: |") - 2]
    assert comment.strip().startswith("# 待核对（gendoc new）：正文含上年的日期或年份「2022年3月15日」")


def test_a_same_format_year_carries_the_2019_item_counts_and_keeps_unknown_keys(project, capsys):
    folder = project / "reports" / "zhifu-drc"
    text = (folder / "2020.yaml").read_text(encoding="utf-8")
    text = text.replace("year: 2020", "year: 2019").replace("licensing: {last_year: 6, change: 0,",
                                                             "licensing: {last_year: 6, change: 2,")
    text = replace_once(text, "procurement: {projects: 0, amount: 0}",
                        "procurement: {projects: 0, amount: 0, amount_unit: 万元}  # 金额单位按财政局口径")
    (folder / "2020.yaml").unlink()
    (folder / "2019.yaml").write_text(text, encoding="utf-8")
    code, out, err = _new(project, capsys, "zhifu-drc", "2020")
    assert code == 0, out + err
    made = (folder / "2020.yaml").read_text(encoding="utf-8")
    assert "procurement: {projects: ~, amount: ~, amount_unit: 万元}  # 金额单位按财政局口径" in made
    data = yaml.safe_load(made)
    assert data["table2"]["art20_5"]["licensing"] == {"last_year": 8, "change": None, "decisions": None}
    assert "W005" not in out


def test_a_brand_new_agency_starts_from_the_kinds_skeleton(project, capsys):
    code, out, err = _new(project, capsys, "new-town", "2023", "--name", "示例县示例镇人民政府")
    assert code == 0, out + err
    made = project / "reports" / "new-town" / "2023.yaml"
    data = yaml.safe_load(made.read_text(encoding="utf-8"))
    assert data["agency"]["name"] == "示例县示例镇人民政府" and data["year"] == 2023
    assert data["status"] == "draft" and data["format"] == "annual-report-2021"
    index = KindRegistry(project).get("annual-report-2021").index
    for key in index.required(()):
        assert key in data, key
    assert [p["title"] for p in data["overview"]["parts"]] == ["主动公开", "依申请公开", "政府信息管理",
                                                               "政府信息公开平台建设", "监督保障"]
    assert data["table3"]["results"]["other"]["no_fee"] == dict.fromkeys(
        ["natural", "commercial", "research", "social", "legal", "org_other"], None)
    assert _errors(project, made) == []
    assert main(["build", "--root", str(project), "-o", str(project / "out"), str(made)]) == 0
    assert "【草稿】示例县示例镇人民政府2023年" in (project / "out" / "new-town" / "2023.html").read_text(encoding="utf-8")
    _fill_and_finalise(made)
    assert _errors(project, made) == []


def test_the_migration_moves_figures_too():
    """Applied to a whole 2020 report (not only to a new draft): the 2019 figures land in
    their 2021 places."""
    registry = KindRegistry(ROOT)
    new = registry.get("annual-report-2021")
    migration = load_migration(new)
    text = (ROOT / "reports" / "zhifu-drc" / "2020.yaml").read_text(encoding="utf-8")
    text = text.replace("normative: {new_made: 0, new_published: 0, total_published: 0}",
                        "normative: {new_made: 3, new_published: 2, total_published: 17}")
    text = text.replace("    other: {natural: 0,", "    other: {natural: 4,")
    doc = round_trip.load(text)
    move_figures(doc, migration, new.index)
    assert dict(doc["table2"]["art20_1"]["normative"]) == {"new_published": 2, "issued": 3, "in_force": 17}
    assert doc["table3"]["results"]["other"]["other"]["natural"] == 4
    assert migration.narrative_path(("table3", "results", "other", "total")) == \
           ("table3", "results", "other_total", "total")


def test_removing_an_item_keeps_the_comment_lines_that_follow_it():
    # ruamel files a comment under the item it follows; removing that item must not take
    # the comments that introduce the next one — only the item's own end-of-line comment
    doc = round_trip.load(
        "table:\n"
        "  gone: {a: 1}   # 旧行\n"
        "  # 下一行的说明\n"
        "  kept: {a: 2}\n"
        "block:\n"
        "  inner:\n"
        "    x: 1   # 旧格\n"
        "# 表三\n"
        "table3: 1\n")
    round_trip.remove_key(doc["table"], "gone")
    round_trip.remove_key(doc, "block")
    assert round_trip.dump(doc) == "table:\n  # 下一行的说明\n  kept: {a: 2}\n# 表三\ntable3: 1\n"
