"""PDF: the Word file (gendoc.render.docx) printed by LibreOffice, many reports at once
(one LibreOffice run per batch, driven by a small Basic macro: see `_MACRO`).

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

import ctypes.util
import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape

# Where a PDF lands is the build stage's business: `convert` is given the build's atomic
# writer (`write(target, data)`) instead of keeping a second copy of it here.
Write = Callable[[Path, bytes], object]
INSTALL = "sudo apt-get install -y --no-install-recommends libreoffice-writer-nogui fonts-noto-cjk libtcmalloc-minimal4"
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
    cache = cache.resolve()  # LibreOffice does not run in our working directory
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
    env = dict(os.environ, FONTCONFIG_FILE=str(fontconfig_file(layout, cache)), SAL_USE_VCLPLUGIN="svp")
    fast = preload_allocator(env)
    # A LibreOffice start costs seconds of CPU: a second one pays off only for a larger batch.
    jobs = max(1, min(jobs, len(pairs) // 8))
    # One LibreOffice run per core (its own profile), each printing its share in runs of at
    # most `size` files: with glibc's allocator a run's cost per file grows once it has
    # printed some fifty (259 ms of CPU a file up to 48, 358 ms from 48 to 96); with a fast
    # allocator it stays flat, and fewer runs save their start (0.8 s each).
    size = BATCH if fast else BATCH_GLIBC
    batches = [pairs[i:i + size] for i in range(0, len(pairs), size)]

    def lane(i: int) -> dict[Path, str | None]:
        done: dict[Path, str | None] = {}
        for batch in batches[i::jobs]:
            done.update(_batch(program, batch, env, cache / f"libreoffice-{i}", write, timeout))
        return done

    with ThreadPoolExecutor(jobs) as pool:
        for done in pool.map(lane, range(jobs)):
            results.update(done)
    return results


BATCH = 96
BATCH_GLIBC = 48

# glibc's malloc is about a third of LibreOffice's CPU while it prints these files (perf:
# _int_malloc, malloc_consolidate, unlink_chunk) and the reason a long run slows down. Either
# of these allocators, preloaded into LibreOffice alone, takes 35-40 % off its CPU a file
# (412 → 235-261 ms on 2 cores, 192 files; docs/performance.md) with the same pages and
# text; tcmalloc first, as the quicker of the two at 48 files a run. An optional speed-up:
# without either, LibreOffice runs with glibc's malloc as before. An allocator already in
# LD_PRELOAD is kept alone; GENDOC_PDF_ALLOCATOR=system keeps glibc's.
FAST_ALLOCATORS = ("tcmalloc_minimal", "jemalloc")


def preload_allocator(env: dict[str, str]) -> bool:
    """A fast allocator put first in `env`'s LD_PRELOAD; whether LibreOffice runs with one.
    An allocator the caller preloads already is kept alone: never two at once."""
    preloaded = env.get("LD_PRELOAD", "")
    if "malloc" in preloaded:
        return True
    allocator = fast_allocator()
    if allocator:
        env["LD_PRELOAD"] = f"{allocator} {preloaded}".strip()
    return allocator is not None


def fast_allocator() -> str | None:
    """The installed fast allocator's file name (found by the dynamic loader when preloaded),
    or None."""
    if os.environ.get("GENDOC_PDF_ALLOCATOR") == "system":
        return None
    for name in FAST_ALLOCATORS:
        found = ctypes.util.find_library(name)
        if found:
            return found
    return None


# LibreOffice (7.4) reads the Word file's paragraph properties but drops w:autoSpaceDE and
# w:autoSpaceDN (its DOCX import has `case LN_CT_PPrBase_autoSpaceDE: break;`), so the Word
# file's "no automatic gap between Chinese and Latin or digits" is lost and LibreOffice adds a
# fifth of the font height at every such switch ("申请 10 件"; pdftotext copies it out as a
# space). There is no command-line switch for it: the batch runs a small Basic macro instead
# of `--convert-to`, which opens each file, turns the gap off in every paragraph style (what
# the Word file says), and exports the PDF — one LibreOffice run for the whole batch.
_LIBRARY = "GendocPdf"
_MACRO = """Sub Convert(folder As String, count As Long)
  Dim n As Long
  For n = 0 To count - 1
    ConvertOne(ConvertToURL(folder &amp; "/r" &amp; n &amp; ".docx"), ConvertToURL(folder &amp; "/out/r" &amp; n &amp; ".pdf"))
  Next
End Sub

Sub ConvertOne(source As String, target As String)
  Dim doc As Object
  Dim load(0) As New com.sun.star.beans.PropertyValue
  Dim store(0) As New com.sun.star.beans.PropertyValue
  ' A file that fails is left without a PDF (the build reports it) and the batch goes on:
  ' a Basic error must never stop a headless run at a message box.
  On Error Resume Next
  load(0).Name = "Hidden" : load(0).Value = True
  store(0).Name = "FilterName" : store(0).Value = "writer_pdf_Export"
  doc = StarDesktop.loadComponentFromURL(source, "_blank", 0, load())
  Dim styles As Object
  styles = doc.StyleFamilies.getByName("ParagraphStyles")
  Dim i As Long
  For i = 0 To styles.Count - 1
    styles.getByIndex(i).ParaIsCharacterDistance = False
  Next
  doc.storeToURL(target, store())
  If Not IsNull(doc) Then doc.close(True)
End Sub
"""
_XML_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE {0} PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" '
             '"{1}">\n')


def _install_macro(program: str, profile: Path, env: dict[str, str]) -> None:
    """The Basic library in the LibreOffice profile the batch runs with (checked each run:
    the profile may be older than this gendoc). A new profile is made by LibreOffice first
    (a fraction of a second): its first start would write over a library list put there
    before it."""
    basic = profile / "user" / "basic"
    if not (basic / "script.xlc").is_file():
        subprocess.run([program, "--headless", "--norestore", "--nologo", "--nolockcheck", "--nodefault",
                        "--terminate_after_init", f"-env:UserInstallation={profile.resolve().as_uri()}"],
                       capture_output=True, env=env, timeout=120, stdin=subprocess.DEVNULL)
    library = basic / _LIBRARY
    library.mkdir(parents=True, exist_ok=True)
    ns = 'xmlns:library="http://openoffice.org/2000/library" xmlns:xlink="http://www.w3.org/1999/xlink"'
    files = {
        basic / "script.xlc": _XML_HEAD.format("library:libraries", "libraries.dtd")
        + f'<library:libraries {ns}>\n <library:library library:name="Standard" library:link="false"/>\n'
          f' <library:library library:name="{_LIBRARY}" '
          f'xlink:href="$(USER)/basic/{_LIBRARY}/script.xlb/" xlink:type="simple" library:link="false"/>\n'
          "</library:libraries>\n",
        library / "script.xlb": _XML_HEAD.format("library:library", "library.dtd")
        + f'<library:library xmlns:library="http://openoffice.org/2000/library" library:name="{_LIBRARY}" '
          'library:readonly="false" library:passwordprotected="false">\n <library:element library:name="Pdf"/>\n'
          "</library:library>\n",
        library / "Pdf.xba": _XML_HEAD.format("script:module", "module.dtd")
        + '<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Pdf" '
          f'script:language="StarBasic">{_MACRO}</script:module>\n',
    }
    for path, text in files.items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")


def _batch(program: str, pairs: list[tuple[Path, Path]], env: dict[str, str], profile: Path, write: Write,
           timeout: float) -> dict[Path, str | None]:
    """One LibreOffice run for a batch. Files are copied under unique names first: reports
    of different agencies share file names (2020.docx)."""
    results: dict[Path, str | None] = {}
    with tempfile.TemporaryDirectory(prefix="gendoc-pdf-") as tmp:
        work = Path(tmp)
        for i, (docx, _) in enumerate(pairs):
            shutil.copyfile(docx, work / f"r{i}.docx")
        out = work / "out"
        out.mkdir()
        folder = str(work.resolve()).replace('"', '""')
        command = [program, "--headless", "--norestore", "--nologo", "--nolockcheck", "--nodefault",
                   f"-env:UserInstallation={profile.resolve().as_uri()}",
                   f'macro:///{_LIBRARY}.Pdf.Convert("{folder}",{len(pairs)})']
        try:
            _install_macro(program, profile, env)
            code, stderr = _run(command, env, timeout + 5 * len(pairs))
            failure = None if code == 0 else (stderr.strip() or f"退出码 {code}")[-300:]
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


def _run(command: list[str], env: dict[str, str], timeout: float) -> tuple[int, str]:
    """(exit status, stderr). `soffice` is a launcher that starts soffice.bin: on a timeout
    the whole process group is killed, or a hung soffice.bin would be left holding the
    profile, and the next batch would hand its work to it and get nothing back."""
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                          env=env, text=True, start_new_session=True) as process:
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise
        return process.returncode, stderr
