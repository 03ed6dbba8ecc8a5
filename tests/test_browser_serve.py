"""gendoc serve in a real browser: a save shows on the open page by itself, findings included."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest

from tests.browser import chromium
from tests.conftest import replace_once

pytestmark = pytest.mark.slow


@pytest.fixture
def server(project, tmp_path):
    process = subprocess.Popen(
        [sys.executable, "-m", "gendoc", "serve", "--port", "0", "--root", str(project), "-o", str(tmp_path / "out")],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env={**os.environ, "NO_COLOR": "1"})
    try:
        deadline = time.monotonic() + 120
        url = None
        while url is None and time.monotonic() < deadline:
            line = process.stderr.readline()
            assert line, "gendoc serve ended before it said where it listens"
            found = re.search(r"http://127\.0\.0\.1:\d+/", line)
            url = found.group(0) if found else None
        assert url, "no URL within two minutes"
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            assert process.wait(timeout=20) == 0  # SIGTERM ends it cleanly
        finally:
            if process.poll() is None:
                process.kill()
            process.stderr.close()


def wait_for(web, script: str, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = web.execute_script(script)
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"not true within {timeout} s: {script}")


def test_a_save_updates_the_open_page_and_findings_show_until_fixed(server, project):
    report = project / "reports" / "sample-bureau" / "2022.yaml"
    good = report.read_text(encoding="utf-8")
    with chromium() as web:
        web.get(server + "sample-bureau/2022.html")
        assert "主动公开政府信息596条" in web.find_element("tag name", "body").text
        wait_for(web, "return document.documentElement.getAttribute('data-gendoc-live') === 'open'")
        web.execute_script("window.notReloaded = true;")
        # A figure changes: 政策文件类 24 → 31, so the derived total goes from 596 to 603.
        report.write_text(replace_once(good, "{name: 政策文件类, count: 24}", "{name: 政策文件类, count: 31}"),
                          encoding="utf-8")
        saved = time.monotonic()
        wait_for(web, "return document.body && document.body.innerText.includes('主动公开政府信息603条')")
        print(f"page updated {time.monotonic() - saved:.2f} s after the save")
        assert web.execute_script("return window.notReloaded === undefined")  # it reloaded by itself
        # A rule breaks: the finding shows on the page, with file:line and the rule's words.
        report.write_text(replace_once(good, "natural: 45", "natural: 46"), encoding="utf-8")
        panel = wait_for(web, "const p = document.getElementById('gendoc-findings'); return p && p.innerText")
        assert re.search(r"2022\.yaml:\d+:\d+", panel) and "错误[R001]" in panel and "第一项加第二项之和" in panel
        # Fixed: the panel goes away by itself.
        report.write_text(good, encoding="utf-8")
        wait_for(web, "return document.readyState === 'complete' && !document.getElementById('gendoc-findings')"
                      " && document.body.innerText.includes('主动公开政府信息596条')")
