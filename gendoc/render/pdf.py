"""PDF: the Word file (gendoc.render.docx) printed by LibreOffice, many reports at once.

    engine_problem() -> (reason, fix) | None      what is missing on this machine, if anything
    convert(pairs, layout, cache, write, jobs) -> {target: error | None}

Why LibreOffice and not WeasyPrint (measured on the 2-core development machine, the seed
report, docs/architecture.md): the PDF is then the Word file's own layout — the 公文 page,
the 22 × 28 grid, the landscape page of table 四, odd/even page numbers — with nothing to
keep in step; WeasyPrint would need a second, CSS description of the same page. Per report it
is no slower: WeasyPrint took 0.55 s a report (6 pages, 0.37 s layout + 0.18 s font
subsetting), LibreOffice 0.29 s of CPU a report in a batch of 20, after one start-up of ~3 s.
So reports are converted in batches, one LibreOffice per core, each with its own profile.

Fonts: the Word file names the official fonts (仿宋_GB2312, 黑体, …). A fontconfig file written
from the page description's `fallback` lists maps each to the installed fonts (Noto CJK on
Debian) *after* the official one, so a machine that has the official fonts uses them. CJK
fonts are embedded (subsets) by LibreOffice's PDF export.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape

# Where a PDF lands is the build stage's business: `convert` is given the build's atomic
# writer (`write(target, data)`) instead of keeping a second copy of it here.
Write = Callable[[Path, bytes], object]
INSTALL = "sudo apt-get install -y --no-install-recommends libreoffice-writer-nogui fonts-noto-cjk"
INSTALL_FONTS = "sudo apt-get install -y fonts-noto-cjk"


def soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def engine_problem() -> tuple[str, str] | None:
    """(reason, how to fix it) when PDFs cannot be made here; None when they can."""
    if soffice() is None:
        return ("找不到 LibreOffice（soffice）", f"请安装：{INSTALL}")
    if not cjk_fonts():
        return ("系统中没有中文字体，PDF 中的汉字将无法显示", f"请安装：{INSTALL_FONTS}")
    return None


def cjk_fonts() -> list[str]:
    """Installed font families that cover Chinese (fontconfig's own answer)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    try:
        listed = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({line.split(",")[0].strip() for line in listed.splitlines() if line.strip()})


def fontconfig_text(layout: dict) -> str:
    """A fontconfig file: the system's configuration, then each official font followed by
    the fonts that stand in for it where it is not installed."""
    lines = ['<?xml version="1.0"?>', '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">', "<fontconfig>",
             '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>']
    seen = set()
    for font in layout["fonts"].values():
        name = font["name"]
        if name in seen:
            continue
        seen.add(name)
        fallbacks = "".join(f"<family>{escape(f)}</family>" for f in font.get("fallback", []))
        lines.append(f'  <alias binding="same"><family>{escape(name)}</family><accept>{fallbacks}</accept></alias>')
    lines.append("</fontconfig>")
    return "\n".join(lines) + "\n"


def fontconfig_file(layout: dict, cache: Path) -> Path:
    text = fontconfig_text(layout)
    path = cache / f"fonts-{hashlib.sha256(text.encode()).hexdigest()[:12]}.conf"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    return path


def convert(pairs: list[tuple[Path, Path]], layout: dict, cache: Path, write: Write, jobs: int = 1,
            timeout: float = 600) -> dict[Path, str | None]:
    """Each (docx, target pdf) converted; each PDF is handed to `write`, which replaces its
    target atomically. Returns target → None, or the reason it was not written."""
    program = soffice()
    results: dict[Path, str | None] = {}
    if not pairs:
        return results
    if program is None:
        return {target: "找不到 LibreOffice（soffice）" for _, target in pairs}
    fonts = fontconfig_file(layout, cache)
    # A LibreOffice start costs seconds of CPU: a second one pays off only for a larger batch.
    jobs = max(1, min(jobs, len(pairs) // 8))
    batches = [pairs[i::jobs] for i in range(jobs)]
    with ThreadPoolExecutor(jobs) as pool:
        for done in pool.map(lambda ib: _batch(program, ib[1], fonts, cache / f"libreoffice-{ib[0]}", write, timeout),
                             enumerate(batches)):
            results.update(done)
    return results


def _batch(program: str, pairs: list[tuple[Path, Path]], fonts: Path, profile: Path, write: Write,
           timeout: float) -> dict[Path, str | None]:
    """One LibreOffice run for a batch. Files are linked under unique names first: reports
    of different agencies share file names (2020.docx)."""
    results: dict[Path, str | None] = {}
    with tempfile.TemporaryDirectory(prefix="gendoc-pdf-") as tmp:
        work = Path(tmp)
        inputs = []
        for i, (docx, _) in enumerate(pairs):
            link = work / f"r{i}.docx"
            shutil.copyfile(docx, link)
            inputs.append(str(link))
        out = work / "out"
        env = dict(os.environ, FONTCONFIG_FILE=str(fonts), SAL_USE_VCLPLUGIN="svp")
        command = [program, "--headless", "--norestore", "--nologo", "--nolockcheck", "--nodefault",
                   f"-env:UserInstallation={profile.resolve().as_uri()}",
                   "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(out), *inputs]
        try:
            run = subprocess.run(command, capture_output=True, text=True, env=env,
                                 timeout=timeout + 5 * len(pairs), stdin=subprocess.DEVNULL)
            failure = None if run.returncode == 0 else (run.stderr.strip() or f"退出码 {run.returncode}")[-300:]
        except (OSError, subprocess.SubprocessError) as exc:
            failure = str(exc)
        for i, (_, target) in enumerate(pairs):
            made = out / f"r{i}.pdf"
            if not made.is_file() or made.stat().st_size == 0:
                results[target] = failure or "LibreOffice 未输出 PDF"
                continue
            try:
                write(target, made.read_bytes())
            except OSError as exc:
                results[target] = exc.strerror or str(exc)
                continue
            results[target] = None
    return results

