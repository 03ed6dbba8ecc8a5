"""Headless Chromium for the slow tests (`make test-slow`): pages as a reader's browser shows them.

Chromium and its driver come from Debian (`chromium`, `chromium-driver`; `.ci/run` installs
them). Each browser starts with a fresh profile and without any network service of its own.
Without them the browser tests are skipped — except under `make test-slow`, which sets
GENDOC_REQUIRE_BROWSER=1 so that a missing browser fails instead of passing silently.
"""
from __future__ import annotations

import http.server
import os
import shutil
import socketserver
import tempfile
import threading
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Iterator

import pytest

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


def _binaries() -> tuple[str | None, str | None]:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return browser, driver


def unavailable(reason: str):
    if os.environ.get("GENDOC_REQUIRE_BROWSER"):
        pytest.fail(f"{reason} (make test-slow needs it: apt-get install chromium chromium-driver)")
    pytest.skip(reason)


@contextmanager
def chromium(width: int = 1280, height: int = 900) -> Iterator:
    """A selenium WebDriver for headless Chromium with a throwaway profile."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        unavailable("selenium is not installed")
    browser, driver = _binaries()
    if not browser or not driver:
        unavailable("chromium or chromedriver not found")
    profile = tempfile.mkdtemp(prefix="gendoc-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in CHROMIUM_FLAGS + [f"--user-data-dir={profile}", f"--window-size={width},{height}"]:
        options.add_argument(flag)
    web = webdriver.Chrome(service=Service(executable_path=driver), options=options)
    web.set_page_load_timeout(30)
    try:
        yield web
    finally:
        web.quit()
        shutil.rmtree(profile, ignore_errors=True)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextmanager
def static_server(folder: Path) -> Iterator[str]:
    """`folder` served on 127.0.0.1 at a free port; yields the base URL."""
    handler = partial(_Quiet, directory=str(folder))
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler) as httpd:
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{httpd.server_address[1]}/"
        finally:
            httpd.shutdown()


def axe_violations(web, rules_off: tuple[str, ...] = ()) -> list[dict]:
    """axe-core's violations on the open page (the vendored copy, no network)."""
    web.execute_script(AXE.read_text(encoding="utf-8"))
    options = {"rules": {rule: {"enabled": False} for rule in rules_off}}
    result = web.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, arguments[0]).then(r => done(r.violations), e => done([{id: 'axe-error', help: String(e), nodes: []}]));",
        options,
    )
    return [{"id": v["id"], "help": v["help"], "targets": [n.get("target") for n in v["nodes"]][:5]} for v in result]
