"""gendoc serve without a browser: the pages as sent, the findings panel, the event stream."""
from __future__ import annotations

import threading
import urllib.request

import pytest

from gendoc.cli.main import build_parser
from gendoc.serve.http import make_server
from gendoc.serve.live import LiveBuild

from tests.conftest import replace_once


@pytest.fixture
def served(project, tmp_path):
    live = LiveBuild(project, tmp_path / "out")
    live.rebuild()
    server = make_server(live, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield live, f"http://127.0.0.1:{server.server_address[1]}"
    server.closing = True
    server.shutdown()
    server.server_close()


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def test_listens_on_the_loopback_interface_unless_told(served):
    args = build_parser().parse_args(["serve"])
    assert (args.bind, args.port) == ("127.0.0.1", 8000)
    live, base = served
    assert base.startswith("http://127.0.0.1:")


def test_pages_carry_the_reload_script_and_files_on_disk_do_not(served):
    live, base = served
    status, page = get(base + "/sample-bureau/2022.html")
    assert status == 200 and '<script src="/__gendoc/live.js"></script></body>' in page
    assert '<html data-gendoc-generation="1"' in page and "gendoc-findings" not in page
    on_disk = (live.out_dir / "sample-bureau" / "2022.html").read_text(encoding="utf-8")
    assert "__gendoc" not in on_disk
    assert get(base + "/")[1].count("/__gendoc/live.js") == 1
    assert "EventSource" in get(base + "/__gendoc/live.js")[1]
    assert get(base + "/no-such/2022.html")[0] == 404


def test_findings_show_on_the_page_until_fixed(served, project):
    live, base = served
    report = project / "reports" / "sample-bureau" / "2022.yaml"
    good = report.read_text(encoding="utf-8")
    report.write_text(replace_once(good, "natural: 45", "natural: 46"), encoding="utf-8")
    snap = live.rebuild()
    assert snap.generation == 2
    page = get(base + "/sample-bureau/2022.html")[1]
    assert '<aside id="gendoc-findings" role="alert"' in page
    assert "2022.yaml:" in page and "错误[R001]" in page and "table3.new_received.natural" in page
    assert "错误[R001]" in get(base + "/index.html")[1]           # the overview lists it too
    assert "gendoc-findings" not in get(base + "/sample-bureau/2021.html")[1]
    report.write_text(good, encoding="utf-8")
    assert live.rebuild().generation == 3
    assert "gendoc-findings" not in get(base + "/sample-bureau/2022.html")[1]
    assert live.rebuild().generation == 3  # nothing changed: open pages are left alone


def test_a_report_never_written_shows_its_findings(served, project):
    live, base = served
    report = project / "reports" / "sample-bureau" / "2023.yaml"
    report.write_text((project / "reports" / "sample-bureau" / "2022.yaml").read_text(encoding="utf-8")
                      .replace("year: 2022", "year: 2023").replace("natural: 45", "natural: 46"), encoding="utf-8")
    live.rebuild()
    status, page = get(base + "/sample-bureau/2023.html")
    assert status == 200 and "此报告尚未生成" in page and "错误[" in page


def test_event_stream_announces_a_new_generation(served, project):
    live, base = served
    stream = urllib.request.urlopen(base + "/__gendoc/events", timeout=10)
    assert stream.readline() == b"retry: 500\n" and stream.readline() == b"data: 1\n"
    stream.readline()
    report = project / "reports" / "zhifu-drc" / "2020.yaml"
    report.write_text(report.read_text(encoding="utf-8") + "\n# 修改\n", encoding="utf-8")
    threading.Timer(0.2, live.rebuild).start()
    assert stream.readline() == b"data: 2\n"
    stream.close()
