"""The overview of many agencies: statuses, region totals, year-over-year changes, safe links."""
from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from gendoc.build.incremental import Summary
from gendoc.build.overview_data import overview_of
from gendoc.build.overview_pages import href
from gendoc.cli.main import main
from gendoc.diagnostics import ERROR, WARNING, Diagnostic
from gendoc.kind.registry import KindRegistry

from tests.conftest import replace_once


class Rows(HTMLParser):
    """Every table row of a page as the texts of its cells, and every link."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.links: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "a":
            self.links.append(dict(attrs)["href"])

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def page(path: Path) -> Rows:
    parsed = Rows()
    parsed.feed(path.read_text(encoding="utf-8"))
    return parsed


def row(parsed: Rows, first: str) -> list[str]:
    return next(r for r in parsed.rows if r and r[0].startswith(first))


def annual_reports_only(project: Path) -> Path:
    """The project's annual reports (zhifu-drc, sample-bureau) without the other kinds' samples."""
    for folder in (project / "reports").iterdir():
        if folder.name not in ("zhifu-drc", "sample-bureau"):
            shutil.rmtree(folder)
    return project


def build(project: Path, out: Path) -> int:
    return main(["build", "--root", str(project), "-o", str(out)])


@pytest.fixture
def two_agencies(project: Path) -> Path:
    annual_reports_only(project)
    shutil.copytree(project / "reports" / "sample-bureau", project / "reports" / "sample-two")
    return project


def test_region_totals_sum_final_reports_in_the_official_layout(two_agencies, tmp_path, capsys):
    out = tmp_path / "out"
    assert build(two_agencies, out) == 0
    year = page(out / "index-2022.html")
    # 一、本年新收: 61 in each sample report, 122 for the two, in the 总计 column.
    assert row(year, "一、本年新收政府信息公开申请数量")[-1] == "122"
    assert row(year, "一、本年新收政府信息公开申请数量")[1] == "90"  # 自然人 45 + 45
    text = (out / "index-2022.html").read_text(encoding="utf-8")
    assert "合计纳入 2 份已定稿且校验无错误的报告（该年度此格式共 2 份" in text
    # A report with an error is listed as 错误 and left out of the totals.
    report = two_agencies / "reports" / "sample-two" / "2022.yaml"
    report.write_text(replace_once(report.read_text(encoding="utf-8"), "natural: 45", "natural: 46"), encoding="utf-8")
    assert build(two_agencies, out) == 1
    year = page(out / "index-2022.html")
    assert row(year, "一、本年新收政府信息公开申请数量")[-1] == "61"
    assert "合计纳入 1 份已定稿且校验无错误的报告（该年度此格式共 2 份" in (out / "index-2022.html").read_text(encoding="utf-8")
    listed = row(year, "示例区示例局（样例数据）sample-two")
    assert listed[1] == "错误" and listed[2] == "政府信息公开工作年度报告（2021 版格式）" and int(listed[3]) >= 1
    assert "勾稽关系" in listed[5]
    capsys.readouterr()


def test_missing_and_late_reports(project, tmp_path):
    annual_reports_only(project)
    out = tmp_path / "out"
    report = project / "reports" / "sample-bureau" / "2022.yaml"
    report.write_text(replace_once(report.read_text(encoding="utf-8"), 'published: "2023-01-18"',
                                   'published: "2023-02-01"'), encoding="utf-8")
    assert build(project, out) == 0
    # zhifu-drc reported for 2020 only: 2021 and 2022 (the newest year) are missing.
    for year in (2021, 2022):
        listed = row(page(out / f"index-{year}.html"), "烟台市芝罘区发展和改革局")
        assert listed[1] == "缺失" and listed[-1] == "—"
    assert row(page(out / "index-2022.html"), "示例区示例局")[1] == "通过逾期"
    assert row(page(out / "index-2021.html"), "示例区示例局")[1] == "通过"
    years = page(out / "index.html")
    # 2022: sample-bureau (late) and zhifu-drc (missing).
    assert row(years, "2022年度")[1:] == ["2", "1", "0", "0", "0", "1", "1", "1"]
    assert row(years, "2020年度")[1:] == ["1", "1", "0", "0", "0", "0", "0", "1"]


def test_agency_page_puts_years_side_by_side_with_changes(project, tmp_path):
    out = tmp_path / "out"
    assert build(project, out) == 0
    agency = page(out / "sample-bureau" / "index.html")
    assert row(agency, "项目") == ["项目", "2021年度", "2022年度"]
    assert row(agency, "本年新收申请") == ["本年新收申请", "54", "61（+7（+13%））"]
    assert row(agency, "行政诉讼") == ["行政诉讼", "1", "2（+1（+100%））"]
    assert row(agency, "状态") == ["状态", "通过", "通过"]
    assert "../sample-bureau/2021.html" in agency.links and "../index-2022.html" in agency.links
    zhifu = page(out / "zhifu-drc" / "index.html")
    assert row(zhifu, "状态") == ["状态", "通过", "缺失", "缺失"]
    svg = (out / "sample-bureau" / "index.html").read_text(encoding="utf-8")
    # The charts carry their figures as text: 2022's outcome mix, 28 of 62 予以公开.
    assert "2022年：予以公开28件（45.2%）" in svg


def test_statuses_of_drafts_errors_and_findings_by_class():
    kinds = KindRegistry(Path(__file__).resolve().parent.parent)

    def summary(agency, year, *, draft=False, findings=(), published="2023-01-10"):
        return Summary(file=f"reports/{agency}/{year}.yaml", agency=agency, year=year, kind_id="annual-report-2021",
                       agency_name=agency.upper(), published=published, draft=draft,
                       diagnostics=[Diagnostic(sev, code, {}, "f") for sev, code in findings])

    overview = overview_of([
        summary("a", 2020, published="2021-01-31"),   # due date itself: on time
        summary("a", 2022, draft=True, published=""),
        summary("b", 2022, findings=[(ERROR, "T3-1"), (ERROR, "S001"), (WARNING, "N003")]),
        summary("c", 2021, published="2022-02-01"),
    ], kinds)
    statuses = {(e.agency, v.year): e.statuses for v in overview.years for e in v.entries}
    assert statuses == {
        ("a", 2020): ["pass"], ("a", 2021): ["missing"], ("a", 2022): ["draft"],
        ("b", 2022): ["error"], ("c", 2021): ["pass", "late"], ("c", 2022): ["missing"],
    }
    b = next(e for e in overview.years[0].entries if e.agency == "b")
    assert (b.errors, b.warnings, b.classes) == (2, 1, {"勾稽关系": 1, "数据项": 1, "正文": 1})


@pytest.mark.parametrize("agency", ["javascript:document.body.innerHTML='X'%2F%2F", "dept#1", "q?x=1", "a b", "中文"])
def test_links_are_percent_encoded_path_segments(project, tmp_path, agency):
    shutil.move(project / "reports" / "sample-bureau", project / "reports" / agency)
    out = tmp_path / "out"
    assert build(project, out) == 0
    links = page(out / "index.html").links
    expected = href(agency, "2022.html")
    assert expected in links
    # No link has a scheme, a query or a fragment (but the year pages' own status filter):
    # each leads to a file of the build.
    for link in links:
        parts = urlsplit(link)
        assert parts.scheme == parts.netloc == parts.fragment == "", link
        assert parts.query == "" or re.fullmatch(r"index-\d{4}\.html\?status=[a-z]+", link), link
    assert (out / agency / "2022.html").is_file()
    assert href(agency, "index.html") in links and (out / agency / "index.html").is_file()


def test_overview_pages_follow_removed_agencies_and_are_not_rewritten_needlessly(project, tmp_path):
    out = tmp_path / "out"
    assert build(project, out) == 0
    index = out / "index.html"
    stamp = index.stat().st_mtime_ns
    assert build(project, out) == 0
    assert index.stat().st_mtime_ns == stamp
    shutil.rmtree(project / "reports" / "zhifu-drc")
    assert build(project, out) == 0
    assert not (out / "zhifu-drc").exists() and not (out / "index-2020.html").exists()
    assert "zhifu-drc" not in index.read_text(encoding="utf-8")


def test_another_kind_is_listed_by_its_own_data(project, tmp_path):
    """The website form names its site in form.site_name and sums into no table: it is listed,
    named and charted by its kind.yaml alone."""
    out = tmp_path / "out"
    assert build(project, out) == 0
    listed = row(page(out / "index-2022.html"), "示例市人民政府门户网站（样例数据）")
    assert listed[1:3] == ["通过", "政府网站工作年度报表"]
    portal = page(out / "sample-city-portal" / "index.html")
    assert row(portal, "网站总访问量")[0] == "网站总访问量" and len(row(portal, "网站总访问量")) == 3
    assert "2022年度合计（政府网站工作年度报表）" not in (out / "index-2022.html").read_text(encoding="utf-8")


def test_a_warning_is_listed_as_such_and_a_failing_report_as_stale(project, tmp_path, capsys):
    annual_reports_only(project)
    out = tmp_path / "out"
    report = project / "reports" / "zhifu-drc" / "2020.yaml"
    text = report.read_text(encoding="utf-8")
    report.write_text(replace_once(text, "收到政府信息公开申请{{ table3.new_received.total }}件", "收到政府信息公开申请10件"),
                      encoding="utf-8")  # a figure typed into prose: a warning (N003)
    assert build(project, out) == 0
    listed = row(page(out / "index-2020.html"), "烟台市芝罘区发展和改革局")
    assert listed[1] == "警告" and "（上次通过校验的版本）" not in listed[-1]
    report.write_text(replace_once(text, "new_received: {natural: 10", "new_received: {natural: 11"), encoding="utf-8")
    assert build(project, out) == 1
    listed = row(page(out / "index-2020.html"), "烟台市芝罘区发展和改革局")
    assert listed[1] == "错误"
    # its last good pages are still linked, marked as the version that last passed
    assert listed[-1].endswith("HTML · Markdown（上次通过校验的版本）")
    capsys.readouterr()


def test_one_change_renders_only_the_pages_that_show_it(project, tmp_path, monkeypatch):
    from gendoc.build import overview_pages

    out = tmp_path / "out"
    assert build(project, out) == 0
    rendered = []
    real = overview_pages._Pages.agency
    monkeypatch.setattr(overview_pages._Pages, "agency", lambda self, view: rendered.append(view.agency) or real(self, view))
    assert build(project, out) == 0
    assert rendered == []  # nothing changed: nothing rendered
    report = project / "reports" / "sample-bureau" / "2022.yaml"
    report.write_text(replace_once(report.read_text(encoding="utf-8"), "{name: 政策文件类, count: 24}",
                                   "{name: 政策文件类, count: 25}"), encoding="utf-8")
    assert build(project, out) == 0
    assert rendered == ["sample-bureau"]
    assert "本年新收申请" in (out / "sample-bureau" / "index.html").read_text(encoding="utf-8")


def test_every_overview_page_links_the_one_shared_stylesheet(project, tmp_path):
    out = tmp_path / "out"
    assert build(project, out) == 0
    css = (out / "gendoc-overview.css").read_text(encoding="utf-8")
    assert ".overview" in css and "@media print" in css  # the overview's rules and the reports'
    pages = [out / "index.html", out / "index-2022.html", out / "sample-bureau" / "index.html"]
    for path in pages:
        text = path.read_text(encoding="utf-8")
        assert "<style" not in text, path  # not repeated in every page
    assert '<link rel="stylesheet" href="gendoc-overview.css">' in pages[0].read_text(encoding="utf-8")
    assert '<link rel="stylesheet" href="../gendoc-overview.css">' in pages[2].read_text(encoding="utf-8")


def test_pages_rendered_on_several_cores_are_those_of_one(tmp_path):
    """A large overview is rendered by forked processes, each writing its share of the
    pages: the folder holds the same files, byte for byte, as when one process writes all."""
    from bench.overview import summaries
    from gendoc.build.overview_pages import MANIFEST, PARALLEL_PAGES, write_overview

    made, kinds = summaries(PARALLEL_PAGES + 12, 2)
    templates = Path(__file__).resolve().parent.parent / "templates"
    one, several = tmp_path / "one", tmp_path / "several"
    assert write_overview(made, kinds, templates, one, jobs=1) == []
    assert write_overview(made, kinds, templates, several, jobs=2) == []
    files = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert len(files) > PARALLEL_PAGES and Path(MANIFEST) in files
    assert files == sorted(p.relative_to(several) for p in several.rglob("*") if p.is_file())
    for rel in files:
        assert (one / rel).read_bytes() == (several / rel).read_bytes(), rel


def test_a_changed_figure_renders_its_own_year_page_not_the_other_years(project, tmp_path, monkeypatch):
    """A year page shows its year's reports and, of the others, only names, years and
    statuses: a figure changed in 2022 renders the 2022 page and the landing page again,
    while a new agency name renders every year page (each lists the agency by its name)."""
    from gendoc.build import overview_pages

    annual_reports_only(project)
    out = tmp_path / "out"
    assert build(project, out) == 0
    rendered: list = []
    real = overview_pages._Pages.year
    monkeypatch.setattr(overview_pages._Pages, "year",
                        lambda self, view, landing: rendered.append((view.year, landing)) or real(self, view, landing))
    report = project / "reports" / "sample-bureau" / "2022.yaml"
    report.write_text(replace_once(report.read_text(encoding="utf-8"), "{name: 政策文件类, count: 24}",
                                   "{name: 政策文件类, count: 25}"), encoding="utf-8")
    assert build(project, out) == 0
    assert sorted(rendered) == [(2022, False), (2022, True)]
    rendered.clear()
    text = report.read_text(encoding="utf-8")
    name = re.search(r"^  name: (\S+)", text, re.M).group(1)
    report.write_text(text.replace(f"  name: {name}", f"  name: {name}（更名）", 1), encoding="utf-8")
    assert build(project, out) == 0
    years = sorted({year for year, landing in rendered if not landing})
    assert years == list(range(2020, 2023))  # every year page, 2020 (zhifu-drc's) to 2022
    assert f"{name}（更名）" in (out / "index-2021.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("mistake, code", [("{{ view.no_such_name }}", "N002"), ("{% if %}", "N001")])
def test_an_overview_template_edited_wrong_is_a_finding_at_its_line(project, tmp_path, capsys, mistake, code):
    # A project's copy of the overview templates is text anyone may edit: a mistake in it is
    # reported at its line like a report template's, never as a traceback.
    annual_reports_only(project)
    template = project / "templates" / "overview" / "agency.html.j2"
    lines = template.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if "{% block main %}" in line) + 1
    lines.insert(at, mistake + "\n")
    template.write_text("".join(lines), encoding="utf-8")
    assert main(["build", "--root", str(project), "-o", str(tmp_path / "out"), "--outputs", "html,md"]) == 1
    out, err = capsys.readouterr()
    assert f"agency.html.j2:{at + 1}:" in out and f"error[{code}]" in out
    assert "Traceback" not in out + err
