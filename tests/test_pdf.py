"""The PDF: the seed's sentences copy out with the right figures, A4 pages, CJK fonts
embedded, table heads repeated — read back with poppler (pdftotext, pdfinfo, pdffonts).
Slow (LibreOffice): `make test-slow`. Without LibreOffice the build says how to install it
and writes everything else (a fast test)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from gendoc.cli.main import main

needs_office = [
    pytest.mark.slow,
    pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftotext")) and not os.environ.get("GENDOC_REQUIRE_BROWSER"),
                       reason="LibreOffice and poppler-utils are installed by .ci/run (make test-slow)"),
]


def text_of(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    return subprocess.run(["pdftotext", *pages, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def joined(text: str) -> str:
    """The text with its lines joined: a line break inside Chinese text is not a space.
    Nothing else is taken out — a gap the PDF sets between Chinese and digits must show."""
    return text.replace("\n", "")


@pytest.fixture(scope="module")
def seed_pdf(tmp_path_factory) -> Path:
    root = Path(__file__).resolve().parent.parent
    out = tmp_path_factory.mktemp("pdf")
    assert main(["build", "--root", str(root), "-o", str(out), "--outputs", "html,md,docx,pdf",
                 str(root / "reports" / "zhifu-drc" / "2020.yaml")]) == 0
    return out / "zhifu-drc" / "2020.pdf"


class TestSeedPdf:
    pytestmark = needs_office

    def test_the_sentences_copy_out_with_the_right_figures(self, seed_pdf):
        text = text_of(seed_pdf)
        # literally, as typed: no gap between Chinese and digits (LibreOffice sets one unless
        # told not to: gendoc.render.pdf), so no space in what pdftotext copies out
        assert "收到政府信息公开申请10件" in text
        assert "收到政府信息公开申请4件" not in joined(text)
        assert "全年办理依申请公开10件，其中予以公开7件，因本机关不掌握相关政府信息无法提供3件。" in joined(text)
        assert "截至2020年底，全局累计公开政府信息288条，全文电子化率为100%" in joined(text)
        assert not re.search(r"[\u2e80-\u2eff\u2f00-\u2fdf]", text)  # no Kangxi radicals for 行, 长, …

    def test_a4_pages_and_embedded_cjk_fonts(self, seed_pdf):
        info = subprocess.run(["pdfinfo", str(seed_pdf)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
        fonts = subprocess.run(["pdffonts", str(seed_pdf)], capture_output=True, text=True, check=True).stdout
        rows = [line.split() for line in fonts.splitlines()[2:]]
        assert rows and all(row[-5] == "yes" for row in rows)  # every font embedded
        assert any("CJK" in row[0] for row in rows)

    def test_table_heads_repeat_on_the_next_page(self, seed_pdf):
        info = subprocess.run(["pdfinfo", str(seed_pdf)], capture_output=True, text=True, check=True).stdout
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        with_head = [n for n in range(1, pages + 1) if "申请人情况" in text_of(seed_pdf, n, n)]
        # table 三 runs over two pages and table 四's head says 申请人情况 nowhere: two pages
        assert len(with_head) == 2 and with_head[1] == with_head[0] + 1
        second = joined(text_of(seed_pdf, with_head[1], with_head[1]))
        assert "自然人" in second and "法人或其他组织" in second

    def test_page_numbers_between_dashes(self, seed_pdf):
        assert "— 1 —" in text_of(seed_pdf, 1, 1) or "—1—" in text_of(seed_pdf, 1, 1).replace(" ", "")
        assert "2" in text_of(seed_pdf, 2, 2).split("—")[-2]


@pytest.mark.slow
@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftotext")) and not os.environ.get("GENDOC_REQUIRE_OFFICE"),
                    reason="LibreOffice and poppler-utils are installed by .ci/run (make test-slow)")
def test_one_libreoffice_run_prints_a_batch_of_reports_each_to_its_own_pdf(tmp_path):
    """Three reports of two agencies, two of them named 2022.docx: one batch, each PDF its own."""
    root = Path(__file__).resolve().parent.parent
    reports = [root / "reports" / "zhifu-drc" / "2020.yaml", root / "reports" / "sample-bureau" / "2021.yaml",
               root / "reports" / "sample-bureau" / "2022.yaml"]
    out = tmp_path / "out"
    assert main(["build", "--root", str(root), "-o", str(out), "--outputs", "docx,pdf", *map(str, reports)]) == 0
    texts = {p.relative_to(out).as_posix(): joined(text_of(p)) for p in sorted(out.glob("*/*.pdf"))}
    assert sorted(texts) == ["sample-bureau/2021.pdf", "sample-bureau/2022.pdf", "zhifu-drc/2020.pdf"]
    assert "烟台市芝罘区发展和改革局2020年" in texts["zhifu-drc/2020.pdf"]
    assert texts["sample-bureau/2021.pdf"].startswith("示例区示例局（样例数据）2021年政府信息公开工作年度报告")
    assert texts["sample-bureau/2022.pdf"].startswith("示例区示例局（样例数据）2022年政府信息公开工作年度报告")


def test_without_libreoffice_the_build_says_how_to_install_it(tmp_path, monkeypatch, capsys):
    root = Path(__file__).resolve().parent.parent
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no soffice, no fc-list
    out = tmp_path / "out"
    assert main(["build", "--root", str(root), "-o", str(out), "--outputs", "html,md,docx,pdf",
                 str(root / "reports" / "zhifu-drc" / "2020.yaml")]) == 0
    printed = capsys.readouterr().out
    assert "warning[O002]: 未生成 PDF（1 份报告）：找不到 LibreOffice（soffice）。" in printed
    assert "sudo apt-get install -y --no-install-recommends libreoffice-writer-nogui fonts-noto-cjk" in printed
    assert sorted(p.name for p in (out / "zhifu-drc").glob("2020.*")) == ["2020.docx", "2020.html", "2020.md"]


def test_without_a_chinese_font_the_build_says_how_to_install_one(tmp_path, monkeypatch, capsys):
    from gendoc.render import pdf

    root = Path(__file__).resolve().parent.parent
    monkeypatch.setattr(pdf, "soffice", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(pdf, "cjk_fonts", lambda: [])
    out = tmp_path / "out"
    assert main(["build", "--root", str(root), "-o", str(out), "--outputs", "html,md,docx,pdf",
                 str(root / "reports" / "zhifu-drc" / "2020.yaml")]) == 0
    printed = capsys.readouterr().out
    assert "系统中没有中文字体" in printed and "sudo apt-get install -y fonts-noto-cjk" in printed
    assert (out / "zhifu-drc" / "2020.docx").is_file() and not (out / "zhifu-drc" / "2020.pdf").exists()


def test_fontconfig_puts_the_official_font_first_and_noto_after_it():
    from gendoc.render.paged import load_layout
    from gendoc.render.pdf import fontconfig_text

    root = Path(__file__).resolve().parent.parent
    text = fontconfig_text(load_layout(root / "templates" / "common" / "gongwen.yaml"))
    assert "<include ignore_missing=\"yes\">/etc/fonts/fonts.conf</include>" in text
    assert re.search(r"<family>仿宋_GB2312</family><accept>.*<family>Noto Serif CJK SC</family></accept>", text)
    assert re.search(r"<family>黑体</family><accept>.*<family>Noto Sans CJK SC</family></accept>", text)


def test_outputs_on_the_command_line(tmp_path, capsys):
    root = Path(__file__).resolve().parent.parent
    out = tmp_path / "out"
    report = str(root / "reports" / "zhifu-drc" / "2020.yaml")
    assert main(["build", "--root", str(root), "-o", str(out), "--outputs", "html", report]) == 0
    assert sorted(p.name for p in (out / "zhifu-drc").glob("2020.*")) == ["2020.html"]
    # one more format asked for: the report is built again, incrementally
    assert main(["build", "--root", str(root), "-o", str(out), "--outputs", "html,docx", report]) == 0
    assert sorted(p.name for p in (out / "zhifu-drc").glob("2020.*")) == ["2020.docx", "2020.html"]
    assert main(["build", "--root", str(root), "-o", str(out), "--outputs", "html,odt", report]) == 2
    assert "未知的输出格式「odt」" in capsys.readouterr().err


class TestLibreOfficeRuns:
    """How a build's PDFs are shared out between LibreOffice runs, and what each run is
    started with — LibreOffice itself replaced by a stand-in that prints what it is asked."""

    @pytest.fixture
    def runs(self, tmp_path, monkeypatch):
        from gendoc.render import pdf

        started: list[tuple[int, dict[str, str]]] = []

        def fake_run(command, env, timeout):
            folder, count = re.fullmatch(r'macro:///GendocPdf\.Pdf\.Convert\("(.*)",(\d+)\)', command[-1]).groups()
            for n in range(int(count)):
                (Path(folder) / "out" / f"r{n}.pdf").write_bytes(b"%PDF-1.7 " + (Path(folder) / f"r{n}.docx").read_bytes())
            started.append((int(count), env))
            return 0, ""

        monkeypatch.setattr(pdf, "soffice", lambda: "/usr/bin/soffice")
        monkeypatch.setattr(pdf, "_install_macro", lambda program, profile, env: None)
        monkeypatch.setattr(pdf, "_run", fake_run)
        monkeypatch.delenv("GENDOC_PDF_ALLOCATOR", raising=False)
        monkeypatch.delenv("LD_PRELOAD", raising=False)
        return started

    def convert(self, tmp_path, count: int, jobs: int = 1):
        from gendoc.render import pdf
        from gendoc.render.paged import load_layout

        root = Path(__file__).resolve().parent.parent
        pairs = []
        for n in range(count):
            docx = tmp_path / "in" / f"a{n}" / "2020.docx"
            docx.parent.mkdir(parents=True)
            docx.write_bytes(f"report {n}".encode())
            pairs.append((docx, tmp_path / "out" / f"a{n}.pdf"))
        written: dict[Path, bytes] = {}
        results = pdf.convert(pairs, load_layout(root / "templates" / "common" / "gongwen.yaml"), tmp_path / "cache",
                              lambda target, data: written.__setitem__(target, data), jobs=jobs)
        assert results == {target: None for _, target in pairs}
        assert all(written[target] == b"%PDF-1.7 report " + str(n).encode() for n, (_, target) in enumerate(pairs))

    def test_a_fast_allocator_is_preloaded_into_libreoffice_and_runs_print_96_files(self, tmp_path, monkeypatch, runs):
        import ctypes.util

        monkeypatch.setattr(ctypes.util, "find_library",
                            lambda name: "libjemalloc.so.2" if name == "jemalloc" else None)
        monkeypatch.setenv("LD_PRELOAD", "libkeep.so")
        self.convert(tmp_path, 200)
        assert [count for count, _ in runs] == [96, 96, 8]
        assert {env["LD_PRELOAD"] for _, env in runs} == {"libjemalloc.so.2 libkeep.so"}
        assert all(env["SAL_USE_VCLPLUGIN"] == "svp" and env["FONTCONFIG_FILE"].endswith(".conf") for _, env in runs)

    def test_with_glibc_malloc_runs_print_48_files(self, tmp_path, monkeypatch, runs):
        import ctypes.util

        monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
        self.convert(tmp_path, 100)
        assert [count for count, _ in runs] == [48, 48, 4]
        assert all("LD_PRELOAD" not in env for _, env in runs)

    def test_gendoc_pdf_allocator_system_keeps_glibc_malloc(self, tmp_path, monkeypatch, runs):
        import ctypes.util

        monkeypatch.setattr(ctypes.util, "find_library", lambda name: f"lib{name}.so")
        monkeypatch.setenv("GENDOC_PDF_ALLOCATOR", "system")
        self.convert(tmp_path, 10)
        assert [count for count, _ in runs] == [10]
        assert "LD_PRELOAD" not in runs[0][1]

    def test_an_allocator_the_caller_preloads_is_kept_alone(self, tmp_path, monkeypatch, runs):
        import ctypes.util

        monkeypatch.setattr(ctypes.util, "find_library", lambda name: f"lib{name}.so")
        monkeypatch.setenv("LD_PRELOAD", "/opt/lib/libmimalloc.so.2")
        self.convert(tmp_path, 100)
        assert [count for count, _ in runs] == [96, 4]
        assert runs[0][1]["LD_PRELOAD"] == "/opt/lib/libmimalloc.so.2"

    def test_tcmalloc_is_chosen_before_jemalloc(self, monkeypatch):
        import ctypes.util

        from gendoc.render import pdf

        monkeypatch.delenv("GENDOC_PDF_ALLOCATOR", raising=False)
        monkeypatch.setattr(ctypes.util, "find_library", lambda name: f"lib{name}.so.9")
        assert pdf.fast_allocator() == "libtcmalloc_minimal.so.9"
