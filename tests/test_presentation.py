"""Presentation choices an agency is entitled to, as report-level options; tables stay official."""
from __future__ import annotations

import re

from gendoc.cli.main import main
from tests.conftest import line_of, replace_once

OPTIONS = """presentation:
  title_order: year_agency
  date_label: 发布日期
  date_style: iso
  section_titles:
    problems: 五、政府信息公开工作存在的主要问题及改进情况
    table4: 四、因政府信息公开工作被申请行政复议提起行政诉讼情况
"""


def _build(project, capsys) -> tuple[str, str]:
    out = project / "out"
    assert main(["build", "--root", str(project), "-o", str(out), str(project / "reports" / "sample-bureau")]) == 0, \
        capsys.readouterr()
    folder = out / "sample-bureau"
    return (folder / "2022.html").read_text(encoding="utf-8"), (folder / "2022.md").read_text(encoding="utf-8")


def _tables(html: str) -> list[str]:
    return re.findall(r"<table.*?</table>", html, re.S)


def test_options_change_title_date_and_section_wording_but_never_the_tables(project, capsys):
    default_html, _ = _build(project, capsys)
    path = project / "reports" / "sample-bureau" / "2022.yaml"
    path.write_text(replace_once(path.read_text(encoding="utf-8"), 'published: "2023-01-18"\n',
                                 'published: "2023-01-18"\n' + OPTIONS), encoding="utf-8")
    html, md = _build(project, capsys)
    assert "<h1>2022年示例区示例局（样例数据）政府信息公开工作年度报告</h1>" in html
    assert md.startswith("# 2022年示例区示例局（样例数据）政府信息公开工作年度报告\n\n发布日期：2023-01-18\n")
    assert "发布日期：2023-01-18</p>" in html
    assert "<h2>五、政府信息公开工作存在的主要问题及改进情况</h2>" in html
    assert "## 四、因政府信息公开工作被申请行政复议提起行政诉讼情况" in md
    assert "<h2>三、收到和处理政府信息公开申请情况</h2>" in html  # sections without a choice keep the label
    assert _tables(html) == _tables(default_html)  # the tables stay the official ones


def test_a_wording_that_is_not_an_official_variant_is_refused(project, capsys):
    path = project / "reports" / "sample-bureau" / "2022.yaml"
    text = replace_once(path.read_text(encoding="utf-8"), 'published: "2023-01-18"\n',
                        'published: "2023-01-18"\npresentation:\n  section_titles:\n    problems: 五、问题和打算\n')
    path.write_text(text, encoding="utf-8")
    assert main(["validate", "--root", str(project), str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:{line_of(text, '五、问题和打算')}:" in out and "error[S009]" in out


def test_the_authoring_guides_examples_are_accepted_as_written(project, capsys):
    """The `presentation:` and `facts:` blocks of docs/authoring.md, pasted into a report."""
    from tests.conftest import ROOT

    guide = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", guide, re.S)
    presentation = next(b for b in blocks if b.startswith("presentation:"))
    facts = next(b for b in blocks if b.startswith("facts:"))
    path = project / "reports" / "sample-bureau" / "2022.yaml"
    text = path.read_text(encoding="utf-8")
    text = replace_once(text, 'published: "2023-01-18"\n', 'published: "2023-01-18"\n' + presentation)
    present = set(re.findall(r"^  (\w+):", text.split("\nfacts:\n", 1)[1].split("\n\n", 1)[0], re.M))
    extra = "".join(line + "\n" for line in facts.splitlines()[1:]
                    if line.strip() and line.split(":")[0].strip() not in present)
    assert "budget_published" in extra  # the guide's date example is among those pasted
    text = replace_once(text, "facts:\n", "facts:\n" + extra)
    path.write_text(text, encoding="utf-8")
    assert main(["validate", "--root", str(project), str(path)]) == 0, capsys.readouterr().out


def test_each_report_laid_out_in_one_process_gets_its_own_section_headings(project, capsys):
    # The sections macros are imported once per process and reach the report being laid out
    # through the layout's globals. In one process, 2021 is laid out first, then 2022: each
    # page must show its own report's headings (a library bound to the first report would
    # give 2022 the official labels).
    path = project / "reports" / "sample-bureau" / "2022.yaml"
    path.write_text(replace_once(path.read_text(encoding="utf-8"), 'published: "2023-01-18"\n',
                                 'published: "2023-01-18"\n' + OPTIONS), encoding="utf-8")
    html_2022, _ = _build(project, capsys)
    folder = project / "out" / "sample-bureau"
    html_2021 = (folder / "2021.html").read_text(encoding="utf-8")
    md_2021 = (folder / "2021.md").read_text(encoding="utf-8")
    assert "<h2>五、政府信息公开工作存在的主要问题及改进情况</h2>" in html_2022
    assert "<h2>五、政府信息公开工作存在的主要问题及改进情况</h2>" not in html_2021
    assert "## 四、因政府信息公开工作被申请行政复议提起行政诉讼情况" not in md_2021
    assert "<h2>五、存在的主要问题及改进情况</h2>" in html_2021
