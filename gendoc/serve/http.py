"""The live preview's HTTP server: build/ as it is, plus a live-reload script and the findings.

The standard library's threading HTTP server is enough for one person's browser on their own
machine (no dependency, no configuration); it listens on 127.0.0.1 unless told otherwise.
Files on disk stay exactly what `gendoc build` writes: only the HTML *sent* gets a small
script (an EventSource on `/__gendoc/events` that reloads the page when a build changed
something) and, when the page's report has findings, a panel listing them (file:line:col,
message) until they are fixed. A report whose errors kept it from ever being written is
answered with that panel instead of a 404, so the page comes back by itself once fixed.
"""
from __future__ import annotations

import html
import posixpath
import re
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from gendoc.diagnostics import ERROR, Diagnostic
from gendoc.serve.live import LiveBuild, Snapshot

EVENTS = "/__gendoc/events"
SCRIPT = "/__gendoc/live.js"
KEEPALIVE_SECONDS = 15
MAX_LISTED = 200  # findings listed on one page; the rest are counted

LIVE_JS = """// gendoc serve: reload this page when a build changed what it shows.
(function () {
  "use strict";
  var seen = document.documentElement.getAttribute("data-gendoc-generation");
  var events = new EventSource("EVENTS?seen=" + encodeURIComponent(seen));
  events.onopen = function () { document.documentElement.setAttribute("data-gendoc-live", "open"); };
  events.onmessage = function (e) {
    if (e.data !== seen) { events.close(); location.reload(); }
  };
})();
""".replace("EVENTS", EVENTS)

PANEL_STYLE = ("position:sticky;top:0;z-index:10;margin:0;padding:.6rem 1rem;background:#fff4f4;"
               "border-bottom:2px solid #a4161a;color:#1a1a1a;font-size:.9rem;line-height:1.5;"
               "max-height:40vh;overflow:auto")
_REPORT_PAGE = re.compile(r"^/(?P<agency>[^/]+)/(?P<year>\d{4})\.html$")


def _finding_line(d: Diagnostic) -> str:
    where = f"{d.file}:{d.line}:{d.col}" if d.line else d.file
    word = "错误" if d.severity == ERROR else "警告" if d.severity == "warning" else "提示"
    return (f"<li><code>{html.escape(where)}</code> {word}[{html.escape(d.code)}]："
            f"{html.escape(d.message())}</li>")


def findings_panel(findings: list[Diagnostic], heading: str) -> str:
    if not findings:
        return ""
    items = "".join(_finding_line(d) for d in findings[:MAX_LISTED])
    more = f"<p>另有 {len(findings) - MAX_LISTED} 条未列出。</p>" if len(findings) > MAX_LISTED else ""
    return (f'<aside id="gendoc-findings" role="alert" aria-label="校验发现的问题" style="{PANEL_STYLE}">'
            f'<p style="margin:0;text-indent:0;font-weight:bold">{html.escape(heading)}</p>'
            f'<ul style="margin:.3rem 0 0;padding-left:1.2rem">{items}</ul>{more}</aside>')


def _page_findings(path: str, snap: Snapshot) -> tuple[list[Diagnostic], str]:
    """The findings a page shows: its report's, or on an overview page every report's."""
    match = _REPORT_PAGE.match(path)
    if match:
        found = snap.findings.get((match["agency"], int(match["year"])), [])
        return list(found), f"此报告有 {len(found)} 条问题（修正并保存后本页自动更新）："
    if path.endswith("/index.html") and path.count("/") == 2:  # an agency's page
        agency = path.split("/")[1]
        found = [d for (a, _), ds in snap.findings.items() if a == agency for d in ds]
    else:
        found = [d for ds in snap.findings.values() for d in ds]
    found = snap.general + found
    return found, f"共 {len(found)} 条问题（修正并保存后本页自动更新）："


def with_live_parts(text: str, snap: Snapshot, findings: list[Diagnostic], heading: str) -> str:
    """The page as sent: its generation on <html>, the findings after <body>, the script."""
    text = re.sub(r"<html\b", f'<html data-gendoc-generation="{snap.generation}"', text, count=1)
    panel = findings_panel(findings, heading)
    if panel:
        text = re.sub(r"(<body\b[^>]*>)", lambda m: m.group(1) + panel, text, count=1)
    script = f'<script src="{SCRIPT}"></script>'
    if "</body>" in text:
        return text.replace("</body>", script + "</body>", 1)
    return text + script


class LiveHandler(SimpleHTTPRequestHandler):
    live: LiveBuild  # set on the class made per server

    def log_message(self, *args) -> None:  # the terminal shows builds, not every request
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        path = posixpath.normpath(unquote(parts.path)) if parts.path else "/"
        if path == EVENTS:
            return self._events()
        if path == SCRIPT:
            return self._send(LIVE_JS.encode(), "text/javascript; charset=utf-8")
        if path == "/" or path.endswith("/"):
            path = path.rstrip("/") + "/index.html"
        if path.endswith(".html"):
            return self._html(path)
        return super().do_GET()

    def _send(self, body: bytes, content_type: str, status: HTTPStatus = HTTPStatus.OK) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _html(self, path: str) -> None:
        snap = self.live.snapshot()
        findings, heading = _page_findings(path, snap)
        file = Path(self.translate_path(path))
        try:
            text = file.read_text(encoding="utf-8")
            status = HTTPStatus.OK
        except (OSError, UnicodeDecodeError):
            if not findings:
                return self.send_error(HTTPStatus.NOT_FOUND)
            # Never written (its errors kept it back): the findings are the page, until fixed.
            text = ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>尚未生成</title>'
                    '</head><body><main><h1>此报告尚未生成</h1><p>报告有错误，修正后本页自动显示报告。</p>'
                    '</main></body></html>')
            status = HTTPStatus.OK
        body = with_live_parts(text, snap, findings, heading).encode("utf-8")
        self._send(body, "text/html; charset=utf-8", status)

    def _events(self) -> None:
        """Server-sent events: the generation now, then each new one; a comment keeps the
        connection open. The browser's EventSource reconnects by itself after a restart."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Connection", "keep-alive")
        self.end_headers()
        try:
            current = self.live.snapshot().generation
            self.wfile.write(f"retry: 500\ndata: {current}\n\n".encode())
            self.wfile.flush()
            while not getattr(self.server, "closing", False):  # LiveServer's flag
                newer = self.live.wait(current, KEEPALIVE_SECONDS)
                self.wfile.write(b": still here\n\n" if newer == current else f"data: {newer}\n\n".encode())
                self.wfile.flush()
                current = newer
        except OSError:  # the page went away (closed, reloaded): nothing more to tell it
            return


class LiveServer(ThreadingHTTPServer):
    daemon_threads = True  # open event streams never keep the process alive
    closing = False


def make_server(live: LiveBuild, bind: str = "127.0.0.1", port: int = 8000) -> LiveServer:
    handler = type("BoundLiveHandler", (LiveHandler,), {"live": live})
    return LiveServer((bind, port), partial(handler, directory=str(live.out_dir)))
