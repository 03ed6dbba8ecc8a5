"""`gendoc serve [--port N] [--bind ADDR]` — build, serve build/ and rebuild on every save.

Listens on 127.0.0.1 only, unless `--bind` names another address. Runs until Ctrl+C (exit 0);
a port that cannot be opened is a usage error (exit 2).
"""
from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path

from gendoc.cli.exit_codes import EXIT_OK, EXIT_USAGE


def register(sub, common) -> None:
    serve = sub.add_parser("serve", help="实时预览：生成并在本机提供 build/，保存文件后自动重新生成并刷新页面",
                           description="生成全部报告，在 http://127.0.0.1:端口/ 提供 build/；监视 reports/、templates/、"
                                       "schemas/，保存后只重新生成改动的部分，打开的页面自动刷新，问题直接显示在页面上。")
    serve.add_argument("--port", type=int, default=8000, help="端口（默认 8000；0 表示任选一个空闲端口）")
    serve.add_argument("--bind", default="127.0.0.1",
                       help="监听地址（默认 127.0.0.1，只有本机能访问；改成其他地址须明确指定）")
    serve.add_argument("-o", "--output", type=Path, default=None, help="输出目录（默认 build/）")
    serve.add_argument("--root", type=Path, default=None, help="项目根目录（含 schemas/、templates/）")
    serve.add_argument("--lang", choices=["zh", "en"], default=os.environ.get("GENDOC_LANG", "zh"))
    serve.set_defaults(handler=_serve, output_format="text", paths=[])


def _say(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def _serve(project, args) -> int:
    from gendoc.cli.reporters import REPORTERS, wants_colour
    from gendoc.diagnostics import count_by_severity
    from gendoc.serve.http import make_server
    from gendoc.serve.live import LiveBuild
    from gendoc.serve.watch import watch_and_rebuild

    out_dir = args.output or (project.root / "build")
    live = LiveBuild(project.root, out_dir, jobs=None)  # the first build may use every core

    def report(snap) -> None:
        found = snap.general + [d for ds in snap.findings.values() for d in ds]
        REPORTERS["text"](found, sys.stdout, args.lang, wants_colour(sys.stdout))
        sys.stdout.flush()
        counts = count_by_severity(found)
        _say(f"已生成（{snap.seconds:.2f} 秒）：{counts['error']} 个错误，{counts['warning']} 个警告")

    report(live.rebuild())
    live.jobs = 1  # later builds run beside the server's threads: no worker processes
    try:
        server = make_server(live, args.bind, args.port)
    except OSError as exc:
        _say(f"gendoc serve: 无法在 {args.bind}:{args.port} 上监听：{exc.strerror or exc}")
        return EXIT_USAGE
    host, port = server.server_address[:2]
    host = host.decode() if isinstance(host, bytes) else str(host)
    shown = f"[{host}]" if ":" in host else host
    thread = threading.Thread(target=server.serve_forever, name="gendoc-http", daemon=True)
    thread.start()
    _say(f"gendoc serve: http://{shown}:{port}/ （监视 reports/、templates/、schemas/；按 Ctrl+C 停止）")
    stop = threading.Event()
    # SIGTERM (a service manager, a test) ends the preview as Ctrl+C does.
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        watch_and_rebuild(live, stop, lambda changes, snap: report(snap))
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.closing = True
        server.shutdown()
        server.server_close()
    return EXIT_OK
