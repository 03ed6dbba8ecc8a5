"""The seed's printed pages (Word file → LibreOffice → PDF → pdftoppm) match their golden
pictures within a tolerance: margins, the 22-line grid, tables 二/三/四, the landscape page,
page numbers. Slow: make test-slow; regenerate with make golden-pages and look at them."""
from __future__ import annotations

import shutil

import pytest

from tests.page_images import GOLDEN_PAGES, difference, pages, seed_pdf

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftoppm")),
                       reason="LibreOffice and poppler-utils (make test-slow; .ci/run installs them)"),
]


def test_printed_pages_match_their_golden_pictures(tmp_path):
    golden = sorted(GOLDEN_PAGES.glob("zhifu-drc-2020-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
    assert golden, "no golden pages: make golden-pages"
    folder = tmp_path / "png"
    folder.mkdir()
    printed = pages(seed_pdf(tmp_path / "out"), folder)
    assert len(printed) == len(golden)
    for new, old in zip(printed, golden):
        mean, strong = difference(new, old)
        assert mean < 2.0 and strong < 0.005, f"{old.name}: mean grey difference {mean:.2f}, {strong:.2%} of pixels"


def test_a_changed_page_is_caught(tmp_path):
    """The comparison can fail: a page with one more line of text is not its golden page."""
    from PIL import Image, ImageDraw

    golden = sorted(GOLDEN_PAGES.glob("zhifu-drc-2020-*.png"))[0]
    moved = tmp_path / "moved.png"
    image = Image.open(golden).convert("L")
    ImageDraw.Draw(image).rectangle((40, 200, 260, 215), fill=0)
    image.save(moved)
    mean, strong = difference(moved, golden)
    assert not (mean < 2.0 and strong < 0.005)
