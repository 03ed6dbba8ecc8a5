"""`make bench-peers` compares gendoc with Hugo and a hand-written script: these check that
the peers render the same report — the same figures in the same official cells, the same
prose — on three synthetic reports, in every format they write (Hugo: HTML and Markdown, as
gendoc's timed build), so the timings compare like with like."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bench.generate import generate
from bench.peers_check import figure, same_figures
from bench.peers_hugo import Untranslatable, make_site, translate
from bench.peers_layout import export_layouts

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ["bench-00001/2019", "bench-00001/2020", "bench-00002/2021"]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """Three synthetic reports (two years of one agency in the 2019 format, one in the 2021
    format), built by gendoc into project/gendoc as HTML and Markdown."""
    folder = generate(tmp_path_factory.mktemp("peers") / "project", 3)
    done = subprocess.run([sys.executable, "-m", "gendoc", "build", "-o", "gendoc", "--outputs", "html,md"], cwd=folder,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return folder


def check_pages(project: Path, out: Path) -> None:
    for report in REPORTS:
        data = yaml.safe_load((project / "reports" / f"{report}.yaml").read_text(encoding="utf-8"))
        page = (out / f"{report}.html").read_text(encoding="utf-8")
        t3, t4 = data["table3"], data["table4"]
        # 收到申请数, 自然人; （一）予以公开, 总计 (derived: the six columns); 行政复议, 结果维持
        assert figure(page, "三、", "一、本年新收政府信息公开申请数量", 0) == str(t3["new_received"]["natural"])
        assert figure(page, "三、", "（一）予以公开", -1) == str(sum(t3["results"]["granted"].values()))
        assert figure(page, "四、", "", 0) == str(t4["review"]["maintained"])
        assert figure(page, "四、", "", 4) == str(sum(t4["review"].values()))  # 行政复议 总计
        # every cell of tables 二、三、四 as gendoc's page has it
        gendoc = (project / "gendoc" / f"{report}.html").read_text(encoding="utf-8")
        assert same_figures(gendoc, page, data) == []
        # the prose: gendoc's narrative paragraphs, figures and 同比 included
        assert _paragraphs(page) == _paragraphs(gendoc)
    received = sum(data["table3"]["new_received"].values())
    assert f"本局新收政府信息公开申请{received}件" in page


def _paragraphs(html: str) -> list[str]:
    return [line for line in html.splitlines() if line.startswith("<p>")]


def check_markdown(project: Path, out: Path) -> None:
    for report in REPORTS:
        data = yaml.safe_load((project / "reports" / f"{report}.yaml").read_text(encoding="utf-8"))
        page = (out / f"{report}.md").read_text(encoding="utf-8")
        t2, t3, t4 = data["table2"], data["table3"], data["table4"]
        # the same cells as on the HTML page: 表三 is an HTML table inside the Markdown, 表四 is
        # pipe tables, one per merged head (行政复议 first), 表二 pipe tables per sub-table
        assert figure(page, "三、", "一、本年新收政府信息公开申请数量", 0, "md") == str(t3["new_received"]["natural"])
        assert figure(page, "三、", "（一）予以公开", -1, "md") == str(sum(t3["results"]["granted"].values()))
        assert figure(page, "四、", "", 0, "md") == str(t4["review"]["maintained"])
        assert figure(page, "四、", "", 4, "md") == str(sum(t4["review"].values()))  # 行政复议 总计
        assert figure(page, "二、", "规章", 0, "md") == str(next(iter(t2["art20_1"]["regulations"].values())))
        # every cell of every table, row by row under the same labels, as gendoc's Markdown has it
        gendoc = (project / "gendoc" / f"{report}.md").read_text(encoding="utf-8")
        assert same_figures(gendoc, page, data, "md") == []
        # title, publication date, headings and prose, line for line
        assert _prose(page) == _prose(gendoc)
        assert _prose(page)[0] == f"# {data['agency']['name']}{data['year']}年政府信息公开工作年度报告"
    received = sum(data["table3"]["new_received"].values())
    assert f"本局新收政府信息公开申请{received}件" in page


def _prose(markdown: str) -> list[str]:
    """The lines of a Markdown page outside its tables (pipe rows, HTML table rows)."""
    return [line for line in markdown.splitlines() if line and not line.startswith(("|", "<"))]


def _caught(reference: str, page: str, data: dict) -> None:
    """Wrong pages are refused: a figure off by one in 表三 (HTML inside the Markdown) and in
    表四 (a pipe table), a relabelled row of 表二, a table left out."""
    granted = re.search(r"<th colspan=\"2\">（一）予以公开</th><td align=\"right\">(\d+)</td>", page)
    assert granted, "no （一）予以公开 row in 表三"
    wrong = page.replace(granted.group(0), granted.group(0).replace(f">{granted.group(1)}<", f">{int(granted.group(1)) + 1}<"))
    assert any(p.startswith("table 三、") and "（一）予以公开" in p for p in same_figures(reference, wrong, data, "md"))
    review = data["table4"]["review"]
    row = "| " + " | ".join(str(v) for v in [*review.values(), sum(review.values())]) + " |"
    assert row in page
    wrong = page.replace(row, row.replace(f"| {review['maintained']} |", f"| {review['maintained'] + 1} |", 1))
    problems = same_figures(reference, wrong, data, "md")
    assert f"行政复议 结果维持: {review['maintained'] + 1} instead of {review['maintained']}" in problems
    assert "\n| 规章 |" in page
    problems = same_figures(reference, page.replace("\n| 规章 |", "\n| 规章制度 |"), data, "md")
    assert problems and problems[0].startswith("table 二、")
    cut = page[:page.index("## 四、")] + page[page.index("## 五、"):]
    assert any("四、" in p for p in same_figures(reference, cut, data, "md"))
    assert same_figures(reference, page, data, "md") == []


def test_markdown_check_catches_wrong_figures(project):
    """The Markdown check itself, on gendoc's own page (runs without Hugo)."""
    report = "bench-00001/2020"
    data = yaml.safe_load((project / "reports" / f"{report}.yaml").read_text(encoding="utf-8"))
    page = (project / "gendoc" / f"{report}.md").read_text(encoding="utf-8")
    _caught(page, page, data)


@pytest.mark.skipif(shutil.which("hugo") is None,
                    reason="Hugo is not installed (apt-get install -y --no-install-recommends hugo); make bench-peers installs it")
def test_hugo_site_renders_the_same_figures_and_prose(project, tmp_path):
    site = tmp_path / "site"
    assert make_site(project, site) == 3
    done = subprocess.run(["hugo", "--quiet", "-s", str(site), "-d", str(tmp_path / "out"), "--cacheDir", str(tmp_path / "cache")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "out"
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.*")) == sorted(
        f"{report}.{fmt}" for report in REPORTS for fmt in ("html", "md"))
    check_pages(project, out)
    check_markdown(project, out)
    report = "bench-00001/2020"
    data = yaml.safe_load((project / "reports" / f"{report}.yaml").read_text(encoding="utf-8"))
    _caught((project / "gendoc" / f"{report}.md").read_text(encoding="utf-8"), (out / f"{report}.md").read_text(encoding="utf-8"), data)


def test_python_script_renders_the_same_figures_and_prose(project, tmp_path):
    layouts = tmp_path / "layouts.json"
    layouts.write_text(json.dumps(export_layouts(project), ensure_ascii=False), encoding="utf-8")
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "peers_naive.py"), str(project), str(tmp_path / "out"),
                           "--layouts", str(layouts), "--compile-once"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    check_pages(project, tmp_path / "out")


def test_python_script_validates(project, tmp_path):
    """The script is no faster for skipping its schema: a wrong figure is refused."""
    broken = tmp_path / "project"
    shutil.copytree(project / "reports", broken / "reports")
    shutil.copytree(project / "schemas", broken / "schemas")
    report = broken / "reports" / "bench-00002" / "2021.yaml"
    report.write_text(report.read_text(encoding="utf-8").replace("new_received: {natural: ", "new_received: {natural: -"), encoding="utf-8")
    layouts = tmp_path / "layouts.json"
    layouts.write_text(json.dumps(export_layouts(project), ensure_ascii=False), encoding="utf-8")
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "peers_naive.py"), str(broken), str(tmp_path / "out"),
                           "--layouts", str(layouts)], capture_output=True, text=True)
    assert done.returncode == 1
    assert "2021.yaml" in done.stderr and "minimum" in done.stderr


def test_translation_refuses_what_it_does_not_cover():
    assert translate("共{{ table3.new_received.total }}件") == '共{{ ($.d.Get "table3.new_received.total") }}件'
    assert translate("{% if prev %}{{ prev.year }}{% endif %}") == '{{ if $.p }}{{ (index $.p "year") }}{{ end }}'
    with pytest.raises(Untranslatable):
        translate("{{ year | zh_num }}")
