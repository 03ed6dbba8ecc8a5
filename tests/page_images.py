"""Printed pages as pictures: the seed's Word file printed by LibreOffice (gendoc's PDF, with
the fontconfig file that maps the official fonts to the installed Noto CJK fonts) and
rasterised by pdftoppm, compared with tests/golden/pages/ within a tolerance.

    python -m tests.page_images        (make golden-pages) writes the golden pictures.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN_PAGES = ROOT / "tests" / "golden" / "pages"
SEED = ROOT / "reports" / "zhifu-drc" / "2020.yaml"
DPI = 36  # enough to see the layout (lines, tables, page numbers), small enough to keep


def seed_pdf(out: Path) -> Path:
    from gendoc.cli.main import main

    code = main(["build", "--root", str(ROOT), "-o", str(out), "--outputs", "docx,pdf", str(SEED)])
    pdf = out / "zhifu-drc" / "2020.pdf"
    if code != 0 or not pdf.is_file():
        raise RuntimeError(f"no PDF (exit {code}): is LibreOffice installed?")
    return pdf


def pages(pdf: Path, folder: Path) -> list[Path]:
    """One greyscale PNG a page."""
    subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-png", str(pdf), str(folder / "page")],
                   check=True, capture_output=True, timeout=120)
    return sorted(folder.glob("page-*.png"), key=lambda p: int(p.stem.split("-")[-1]))


def difference(a: Path, b: Path) -> tuple[float, float]:
    """(mean absolute difference of the grey levels, share of pixels that differ by more
    than a third of the scale); sizes must be equal."""
    from PIL import Image, ImageChops

    one, two = Image.open(a).convert("L"), Image.open(b).convert("L")
    if one.size != two.size:
        return 255.0, 1.0
    diff = ImageChops.difference(one, two)
    histogram = diff.histogram()
    total = one.size[0] * one.size[1]
    mean = sum(level * count for level, count in enumerate(histogram)) / total
    strong = sum(histogram[86:]) / total
    return mean, strong


def regenerate() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        pdf = seed_pdf(Path(tmp) / "out")
        folder = Path(tmp) / "png"
        folder.mkdir()
        GOLDEN_PAGES.mkdir(parents=True, exist_ok=True)
        for old in GOLDEN_PAGES.glob("*.png"):
            old.unlink()
        for n, page in enumerate(pages(pdf, folder), 1):
            target = GOLDEN_PAGES / f"zhifu-drc-2020-{n}.png"
            target.write_bytes(page.read_bytes())
            print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(regenerate())
