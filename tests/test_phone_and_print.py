"""The report page as a phone shows it (headless Chromium at 390 px) and as it prints (A4):
measured on the rendered page, not read from the CSS."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from gendoc.cli.main import main
from tests.browser import chromium

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["zhifu-drc/2020.html", "sample-bureau/2022.html", "sample-city-portal/2022.html"]

# Every figure cell out of sight, with what would tell a reader it is there.
HIDDEN_FIGURES = """
const out = [];
for (const cell of document.querySelectorAll('td.num')) {
  const r = cell.getBoundingClientRect();
  if (r.left >= 0 && r.right <= window.innerWidth + 0.5) continue;
  const wrap = cell.closest('.table-wrap');
  const cue = wrap && wrap.previousElementSibling && wrap.previousElementSibling.classList.contains('scroll-cue')
    ? wrap.previousElementSibling : null;
  const shown = cue && cue.offsetParent !== null && getComputedStyle(cue).display !== 'none'
    && cue.getBoundingClientRect().width > 0;
  out.push({text: cell.textContent, table: cell.closest('table').id,
            scrollable: !!wrap && wrap.scrollWidth > wrap.clientWidth && getComputedStyle(wrap).overflowX === 'auto',
            cue: shown ? cue.textContent : null});
}
return out;
"""

# Characters a line of each label cell holds: its content's extent along the line over its
# font size (across for horizontal text, down for a group label set upright).
LABEL_WIDTHS = """
return Array.from(document.querySelectorAll('th.label, th.group')).map(cell => {
  const s = getComputedStyle(cell);
  const upright = s.writingMode.startsWith('vertical');
  const inner = upright
    ? cell.clientHeight - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom)
    : cell.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
  return {text: cell.textContent, chars: inner / parseFloat(s.fontSize), upright: upright};
});
"""

# Table 三 scrolled to its far right: for each body row, where its labels end and where its
# last figure lies.
SCROLLED_RIGHT = """
const wrap = document.querySelector('#table3-table').closest('.table-wrap');
wrap.scrollLeft = wrap.scrollWidth;
return Array.from(document.querySelectorAll('#table3-table tbody tr')).map(tr => {
  const labels = Array.from(tr.querySelectorAll('th')).map(th => th.getBoundingClientRect());
  const figures = tr.querySelectorAll('td.num');
  const last = figures[figures.length - 1].getBoundingClientRect();
  return {label_left: Math.min(...labels.map(r => r.left)), label_right: Math.max(...labels.map(r => r.right)),
          figure_left: last.left, figure_right: last.right};
});
"""

# Figures of a table's first body row wholly in view beside its label, without scrolling.
FIGURES_IN_VIEW = """
const row = document.querySelector(arguments[0] + ' tbody tr');
return Array.from(row.querySelectorAll('td.num')).filter(cell => {
  const r = cell.getBoundingClientRect();
  return r.left >= 0 && r.right <= window.innerWidth + 0.5;
}).length;
"""


def phone(web, width: int = 390, height: int = 844) -> None:
    """A phone's viewport (a desktop window cannot be made that narrow)."""
    web.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True})


def a4(info: str) -> bool:
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    return abs(width - 595.3) < 1 and abs(height - 841.9) < 1


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    assert main(["build", "--root", str(ROOT), "-o", str(out), "--outputs", "html"]) == 0
    return out


@pytest.mark.parametrize("page", PAGES)
def test_on_a_390_px_phone_no_figure_hides_without_a_cue(built, page):
    with chromium(390, 844) as web:
        phone(web)
        web.get((built / page).as_uri())
        assert web.execute_script("return window.innerWidth") == 390
        assert web.execute_script("return document.documentElement.scrollWidth") <= 390  # the page itself never scrolls sideways
        hidden = web.execute_script(HIDDEN_FIGURES)
        for figure in hidden:
            assert figure["scrollable"] and figure["cue"], figure
            assert "左右滑动" in figure["cue"]
        labels = web.execute_script(LABEL_WIDTHS)
        assert labels
        narrow = [label for label in labels if label["chars"] < 5]
        assert narrow == []
        if page.startswith("zhifu-drc"):
            # tables 三 and 四 are wider than the phone: their far figures are out of sight, cued
            assert {f["table"] for f in hidden} >= {"table3-table", "table4-table"}
            # table 三's outer row groups are set upright in narrow columns, so beside the labels
            # the first figures of a row (自然人, 商业企业, 科研机构, 社会公益组织) are in view
            assert [label["text"] for label in labels if label["upright"]][:2] == ["三、本年度办理结果", "（三）不予公开"]
            assert web.execute_script(FIGURES_IN_VIEW, "#table3-table") >= 4
            # scrolled to its last column (总计), every row still shows its label, the label
            # blocks of all rows end at one line, and the figures lie right of it, in view
            rows = web.execute_script(SCROLLED_RIGHT)
            assert len(rows) == 23 and len({round(r["label_right"]) for r in rows}) == 1
            for r in rows:
                assert r["label_left"] >= 0 and r["label_right"] <= r["figure_left"] + 0.5
                assert r["figure_right"] <= 390.5
            # and scrolled to, the last figure of table 四 comes into view
            in_view = web.execute_script("""
                const wrap = document.querySelector('#table4-table').closest('.table-wrap');
                wrap.scrollLeft = wrap.scrollWidth;
                const cells = wrap.querySelectorAll('td.num');
                const r = cells[cells.length - 1].getBoundingClientRect();
                return r.left >= 0 && r.right <= window.innerWidth + 0.5;""")
            assert in_view


def test_on_a_desktop_nothing_hides_and_no_cue_shows(built):
    with chromium(1280, 900) as web:
        web.get((built / PAGES[0]).as_uri())
        assert web.execute_script(HIDDEN_FIGURES) == []
        assert web.execute_script(
            "return Array.from(document.querySelectorAll('.scroll-cue')).filter(c => c.offsetParent !== null).length") == 0


def test_screenshots_at_phone_and_desktop_width(built, tmp_path):
    """Pictures for a person to look at (kept under the test's tmp folder)."""
    for width, height in ((390, 2400), (1280, 2400)):
        with chromium(width, height) as web:
            if width < 500:
                phone(web, width, height)
            web.get((built / PAGES[0]).as_uri())
            web.execute_script("document.querySelector('#table3').scrollIntoView()")
            shot = tmp_path / f"seed-{width}.png"  # look at them: pytest --basetemp=DIR
            web.save_screenshot(str(shot))
            assert shot.stat().st_size > 10_000


@pytest.mark.skipif(shutil.which("chromium") is None or shutil.which("pdftotext") is None,
                    reason="chromium and poppler-utils (make test-slow)")
def test_printed_a4_with_page_numbers_and_table_3_breaking_under_a_repeated_head(built, tmp_path):
    pdf = tmp_path / "seed.pdf"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", (built / PAGES[0]).as_uri()], check=True, capture_output=True, timeout=120)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert a4(info)
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    texts = [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"],
                            capture_output=True, text=True, check=True).stdout for n in range(1, pages + 1)]
    for n, text in enumerate(texts, 1):
        assert re.search(rf"—\s*{n}\s*—", text), n  # page numbers between dashes
    heading = next(n for n, t in enumerate(texts) if "三、收到和处理政府信息公开申请情况" in t)
    # the table starts on the page of its heading (no empty rest of a page before it) …
    assert "本年新收政府信息公开申请数量" in texts[heading]
    # … and where it runs on, its head comes again
    runs_on = [n for n in range(heading + 1, pages) if "本年度办理结果" in texts[n] or "结转下年度继续办理" in texts[n]]
    for n in runs_on:
        assert "申请人情况" in texts[n]
