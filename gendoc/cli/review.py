"""`gendoc diff | textconv | schema` — reviewing figure changes, in git and in editors.

    gendoc diff [REV | REV1..REV2 | REV1...REV2] [PATH...]   figures that changed between revisions
    gendoc diff A.yaml B.yaml                                 two files, e.g. one agency's two years
    gendoc textconv FILE                                      git diff driver: a line per figure
    gendoc schema KIND [-o FILE]                              one-file copy of a kind's schema

`diff` exits 0 whether or not anything changed (it is a review tool), 1 when a report could
not be loaded on one side (its findings are printed), 2 on a usage error (not a git
repository, unknown revision). `textconv` always exits 0: a broken file is shown as its raw
text with a note, so that `git diff` keeps working.
"""
from __future__ import annotations

import copy
import json
import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin

from gendoc.diagnostics import ERROR, Diagnostic
from gendoc.diff import ReportDiff, compare, figure_lines, show
from gendoc.gitrev import GitError, Repo
from gendoc.loader import DEFAULT_MAX_BYTES, Loaded, load_text
from gendoc.pipeline import REPORT_SUFFIXES, Project
from gendoc.sourcemap import SourceMap, format_path

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
WORKTREE = None  # the working tree, as a side of a diff


def register(sub, common) -> None:
    lang_default = os.environ.get("GENDOC_LANG", "zh")

    diff = sub.add_parser(
        "diff", help="逐项比较报告数字的变化（git 版本之间，或两个文件）",
        description="逐项比较报告数字的变化，用正式表格标签显示：填报的数字、随之变动的合计、状态变化的规则、改动过的正文。"
                    "默认比较 HEAD 与工作区中 reports/ 下的全部报告。",
        epilog="例：gendoc diff；gendoc diff main..HEAD；gendoc diff origin/main...HEAD --format md；"
               "gendoc diff reports/a/2021.yaml reports/a/2022.yaml")
    diff.add_argument("items", nargs="*", metavar="REV|PATH",
                      help="可选的 git 版本（REV、REV1..REV2 或 REV1...REV2），然后是报告文件或目录；"
                           "或恰好两个报告文件")
    diff.add_argument("--format", dest="output_format", choices=["text", "md", "json"], default="text",
                      help="输出格式：text（默认）、md（可直接贴到合并请求评论）、json")
    diff.add_argument("--lang", choices=["zh", "en"], default=lang_default, help="提示信息语言（默认 zh）")
    diff.add_argument("--root", type=Path, default=None, help="项目根目录（含 schemas/）")
    diff.set_defaults(handler=run_diff)

    textconv = sub.add_parser(
        "textconv", help="git 差异驱动：每个数字一行，带正式标签",
        description="把报告文件转换为每个数字一行、带正式标签的文本，供 git diff / git log -p 使用。"
                    "设置：.gitattributes 中写 `reports/**/*.yaml diff=gendoc`，"
                    "再执行 git config diff.gendoc.textconv \"gendoc textconv\"。")
    textconv.add_argument("file", metavar="FILE")
    textconv.add_argument("--lang", choices=["zh", "en"], default=lang_default)
    textconv.add_argument("--root", type=Path, default=None, help="项目根目录（含 schemas/）")
    textconv.set_defaults(handler=run_textconv)

    schema = sub.add_parser(
        "schema", help="导出某种文档类型的单文件 JSON Schema（供编辑器等使用）",
        description="把文档类型的 JSON Schema（draft-07）连同它引用的 ../common/defs.json 合成一个文件，"
                    "所有 $ref 都指向文件内的 definitions。")
    schema.add_argument("kind", metavar="KIND", help="文档类型，如 annual-report-2021")
    schema.add_argument("-o", "--output", type=Path, default=None, help="写入的文件（默认：标准输出）")
    schema.add_argument("--root", type=Path, default=None, help="项目根目录（含 schemas/）")
    schema.set_defaults(handler=run_schema)


# ==========================================================================================
# gendoc diff

_WORDS = {
    "worktree": ("工作区", "working tree"),
    "typed": ("填报的数据", "typed figures"),
    "derived": ("随之变动的合计（计算值）", "derived totals that moved"),
    "findings": ("规则状态变化", "rules whose status changed"),
    "narrative": ("正文有改动", "narrative text changed"),
    "uncomparable": ("无法比较（只有一种格式有）", "could not compare (only one format has them)"),
    "broken": ("新违反", "newly broken"),
    "fixed": ("已修复", "newly fixed"),
    "added": ("新增的报告", "added report"),
    "deleted": ("删除的报告", "deleted report"),
    "unreadable": ("无法读取，未能比较", "could not be read; not compared"),
    "only_in": ("只在{kind}中", "only in {kind}"),
    "nothing": ("没有变化", "no changes"),
    "item": ("项目", "item"),
    "old": ("原值", "old"),
    "new": ("新值", "new"),
    "typed_short": ("填报", "typed"),
    "derived_short": ("合计", "total"),
    "year": ("{year} 年度", "report year {year}"),
    "findings_count": ("{errors} 个错误，{warnings} 个警告", "{errors} error(s), {warnings} warning(s)"),
    "summary": ("共比较 {total} 份报告：{changed} 份有变化，{added} 份新增，{deleted} 份删除",
                "{total} report(s) compared: {changed} changed, {added} added, {deleted} deleted"),
    "unreadable_count": ("，{n} 份无法读取", ", {n} could not be read"),
}


def _w(key: str, lang: str, **params) -> str:
    zh, en = _WORDS[key]
    return (en if lang == "en" else zh).format(**params)


class _Side:
    """One side of a comparison: a commit, or the working tree."""

    def __init__(self, repo: Repo, commit: str | None, name: str):
        self.repo, self.commit, self.name = repo, commit, name
        self._read: dict[str, bytes | None] = {}
        self._folders: dict[str, set[str]] = {}

    def files(self, rels: list[str]) -> list[str]:
        if self.commit is not None:
            found = self.repo.files(self.commit, [r or "." for r in rels])
        else:
            found = []
            for rel in rels:
                here = self.repo.on_disk(rel)
                if here.is_file():
                    found.append(rel)
                elif here.is_dir():
                    found.extend(self.repo.relative(p) for p in sorted(here.rglob("*"))
                                 if p.is_file() and ".git" not in p.relative_to(here).parts)
        return [f for f in found if f.endswith(REPORT_SUFFIXES)]

    def read(self, rel: str) -> bytes | None:
        """The file's bytes on this side (None when it has no such file); read once."""
        if rel not in self._read:
            self._read[rel] = self._read_uncached(rel)
        return self._read[rel]

    def _read_uncached(self, rel: str) -> bytes | None:
        if self.commit is not None:
            folder = rel.rsplit("/", 1)[0] if "/" in rel else ""
            if folder not in self._folders:  # one ls-tree per folder spares a git show per absent file
                self._folders[folder] = set(self.repo.files(self.commit, [folder or "."]))
            if rel not in self._folders[folder]:
                return None
            return self.repo.read(self.commit, rel)
        path = self.repo.on_disk(rel)
        try:
            return path.read_bytes() if path.is_file() else None
        except OSError:
            return None

    def file_label(self, rel: str) -> str:
        return rel if self.commit is None else f"{self.name}:{rel}"


def run_diff(project: Project, args) -> int:
    lang = args.lang
    items = list(args.items)
    try:
        if len(items) == 2 and all(Path(i).is_file() for i in items):
            old, new = project.check(Path(items[0])), project.check(Path(items[1]))
            diffs = [compare(old, new, f"{items[0]} → {items[1]}")]
            left, right = items
            total = 1
        else:
            diffs, left, right, total = _diff_revisions(project, items, lang)
    except GitError as exc:
        sys.stderr.write(f"gendoc diff: {exc}\n")
        return EXIT_USAGE
    except _Usage as exc:
        sys.stderr.write(f"gendoc diff: {exc}\n")
        return EXIT_USAGE

    unreadable = [r for d in diffs for r in d.unreadable]
    if unreadable:
        from gendoc.cli.reporters import text as text_reporter

        text_reporter([x for r in unreadable for x in r.diagnostics], sys.stderr, lang, False)
    render = {"text": render_text, "md": render_markdown, "json": render_json}[args.output_format]
    sys.stdout.write(render(diffs, left, right, lang, total))
    sys.stdout.flush()
    return EXIT_FINDINGS if unreadable else EXIT_OK


class _Usage(Exception):
    pass


def _diff_revisions(project: Project, items: list[str], lang: str) -> tuple[list[ReportDiff], str, str, int]:
    """The reports that differ between two sides, their names, and how many files were looked at."""
    repo = Repo.containing(project.root)
    worktree_name = _w("worktree", lang)
    left_side = right_side = None
    paths = items
    if items and not os.path.lexists(items[0]):
        spec = items[0]
        paths = items[1:]
        if "..." in spec:
            a, b = spec.split("...", 1)
            a, b = a or "HEAD", b or "HEAD"
            base = repo.merge_base(repo.resolve(a), repo.resolve(b))
            left_side = _Side(repo, base, base[:12])  # the merge base, as `git diff A...B` compares
            right_side = _Side(repo, repo.resolve(b), b)
        elif ".." in spec:
            a, b = spec.split("..", 1)
            a, b = a or "HEAD", b or "HEAD"
            left_side, right_side = _Side(repo, repo.resolve(a), a), _Side(repo, repo.resolve(b), b)
        else:
            try:
                left_side = _Side(repo, repo.resolve(spec), spec)
            except GitError:
                raise _Usage(f"「{spec}」既不是 git 版本，也不是存在的文件或目录"
                             f"（neither a revision nor an existing path）") from None
    if left_side is None:
        left_side = _Side(repo, repo.resolve("HEAD"), "HEAD")
    if right_side is None:
        right_side = _Side(repo, WORKTREE, worktree_name)

    targets = [Path(p) for p in paths] or [project.root / "reports"]
    rels = [repo.relative(t) for t in targets]
    old_files, new_files = left_side.files(rels), right_side.files(rels)
    for target, rel in zip(targets, rels, strict=True):
        if paths and not any(_under(f, rel) for f in old_files + new_files) and not os.path.lexists(target):
            raise _Usage(f"两个版本中都没有这个路径（no such path in either version）：{target}")

    diffs = []
    every = sorted(set(old_files) | set(new_files))
    for rel in every:
        old_raw, new_raw = left_side.read(rel), right_side.read(rel)
        if old_raw is not None and old_raw == new_raw and _same_prev(rel, left_side, right_side):
            continue
        old = _check(project, left_side, rel, old_raw) if old_raw is not None else None
        new = _check(project, right_side, rel, new_raw) if new_raw is not None else None
        diffs.append(compare(old, new, rel))
    return diffs, left_side.name, right_side.name, len(every)


def _under(file: str, rel: str) -> bool:
    return not rel or file == rel or file.startswith(rel.rstrip("/") + "/")


def _prev_candidates(rel: str, year: int) -> list[str]:
    folder = rel.rsplit("/", 1)[0] if "/" in rel else ""
    return [f"{folder}/{year - 1}{s}" if folder else f"{year - 1}{s}" for s in REPORT_SUFFIXES]


def _same_prev(rel: str, left: _Side, right: _Side) -> bool:
    """Last year's file is the same on both sides (so cross-year rules cannot have moved)."""
    stem = rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if not stem.isdigit():
        return False
    return all(left.read(c) == right.read(c) for c in _prev_candidates(rel, int(stem)))


def _load(raw: bytes, label: str) -> Loaded:
    if len(raw) > DEFAULT_MAX_BYTES:
        return Loaded(None, SourceMap(label), [Diagnostic(
            ERROR, "Y005", {"size": len(raw), "limit": DEFAULT_MAX_BYTES}, label)])
    return load_text(raw, label)


def _check(project: Project, side: _Side, rel: str, raw: bytes):
    """Check one file as it is on one side; last year's report is read from the same side."""
    label = side.file_label(rel)
    loaded = _load(raw, label)
    data = loaded.data
    prev = None
    year = data.get("year") if isinstance(data, dict) else None
    if isinstance(year, int) and not isinstance(year, bool):
        prev = _derive_prev(project, side, rel, year)
    return project.check(Path(label), loaded, prev=prev)


def _derive_prev(project: Project, side: _Side, rel: str, year: int):
    from gendoc.rules import apply_rules

    for candidate in _prev_candidates(rel, year):
        raw = side.read(candidate)
        if raw is None:
            continue
        label = side.file_label(candidate)
        loaded = _load(raw, label)
        if not isinstance(loaded.data, dict):
            return None
        kind = project.kinds.get(str(loaded.data.get("format")))
        if kind is None:
            return None
        report, _ = apply_rules(kind, loaded.data, label, loaded.sourcemap, None)
        return report
    return None


# -- rendering ------------------------------------------------------------------------------

def _counts(diffs: list[ReportDiff]) -> dict[str, int]:
    statuses = [d.status for d in diffs]
    return {s: statuses.count(s) for s in ("changed", "added", "deleted", "unreadable", "unchanged")}


def _summary(diffs: list[ReportDiff], lang: str, total: int) -> str:
    c = _counts(diffs)
    line = _w("summary", lang, total=total, changed=c["changed"], added=c["added"], deleted=c["deleted"])
    if c["unreadable"]:
        line += _w("unreadable_count", lang, n=c["unreadable"])
    return line


def _about(result, lang: str) -> str:
    """（annual-report-2021，2022 年度，1 个错误，0 个警告） for an added report."""
    bits = []
    if result.kind is not None:
        bits.append(result.kind.id)
    if result.year:
        bits.append(_w("year", lang, year=result.year))
    errors = sum(1 for d in result.diagnostics if d.severity == ERROR)
    warnings = sum(1 for d in result.diagnostics if d.severity == "warning")
    if errors or warnings:
        bits.append(_w("findings_count", lang, errors=errors, warnings=warnings))
    sep = ", " if lang == "en" else "，"
    return (f" ({sep.join(bits)})" if lang == "en" else f"（{sep.join(bits)}）") if bits else ""


def _where(d: Diagnostic) -> str:
    return f"{d.file}:{d.line}:{d.col}" if d.line else d.file


def render_text(diffs: list[ReportDiff], left: str, right: str, lang: str, total: int) -> str:
    shown = [d for d in diffs if d.status != "unchanged"]
    colon = ": " if lang == "en" else "："
    out = [f"gendoc diff: {left} → {right}", ""]
    if not shown:
        return "\n".join([f"{_w('nothing', lang)}{colon}{left} → {right}", _summary(diffs, lang, total)]) + "\n"
    for d in shown:
        status = d.status
        if status in ("added", "deleted", "unreadable"):
            about = _about(d.new, lang) if status == "added" else ""
            out.append(f"{d.name}{colon}{_w(status, lang)}{about}")
        else:
            out.append(d.name)
        for key, changes in (("typed", d.typed), ("derived", d.derived)):
            if changes:
                out.append(f"  {_w(key, lang)}")
                out.extend(f"    {c.label}: {show(c.old)} → {show(c.new)}" for c in changes)
        if d.findings:
            out.append(f"  {_w('findings', lang)}")
            for f in d.findings:
                where = f" {_where(f.diagnostic)}" if f.status == "broken" else ""
                out.append(f"    {_w(f.status, lang)} {f.diagnostic.severity}[{f.rule}]{where}: "
                           f"{f.diagnostic.message(lang)}")
        if d.narrative:
            out.append(f"  {_w('narrative', lang)}")
            out.extend(f"    {c.label}" for c in d.narrative)
        if d.uncomparable:
            out.append(f"  {_w('uncomparable', lang)}")
            for u in d.uncomparable:
                kind = u.kind_title if lang == "zh" else u.kind_id
                out.append(f"    [{_w('only_in', lang, kind=kind)}] {u.label} / {'、'.join(u.items)}"
                           if u.label else f"    [{_w('only_in', lang, kind=kind)}] {'、'.join(u.items)}")
        out.append("")
    out.append(_summary(diffs, lang, total))
    return "\n".join(out) + "\n"


def _cell(value: Any) -> str:
    text = value if isinstance(value, str) else show(value)
    return (text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", " ").replace("\n", " "))


def render_markdown(diffs: list[ReportDiff], left: str, right: str, lang: str, total: int) -> str:
    shown = [d for d in diffs if d.status != "unchanged"]
    out = [f"## gendoc diff: `{left}` → `{right}`", ""]
    if not shown:
        out += [f"{_w('nothing', lang)}. {_summary(diffs, lang, total)}." if lang == "en"
                else f"{_w('nothing', lang)}。{_summary(diffs, lang, total)}。", ""]
        return "\n".join(out)
    colon = ": " if lang == "en" else "："
    for d in shown:
        status = d.status
        title = f"### `{d.name}`"
        if status in ("added", "deleted", "unreadable"):
            about = _about(d.new, lang) if status == "added" else ""
            title += f" — {_w(status, lang)}{_cell(about)}"
        out += [title, ""]
        rows = [(_w("typed_short", lang), c) for c in d.typed] + [(_w("derived_short", lang), c) for c in d.derived]
        if rows:
            out.append(f"| | {_w('item', lang)} | {_w('old', lang)} | {_w('new', lang)} |")
            out.append("| --- | --- | ---: | ---: |")
            out.extend(f"| {what} | {_cell(c.label)} | {_cell(c.old)} | {_cell(c.new)} |" for what, c in rows)
            out.append("")
        if d.findings:
            out.append(f"**{_w('findings', lang)}**")
            out.append("")
            for f in d.findings:
                out.append(f"- {_w(f.status, lang)} `{f.rule}` ({f.diagnostic.severity}){colon}"
                           f"{_cell(f.diagnostic.message(lang))}")
            out.append("")
        if d.narrative:
            out.append(f"**{_w('narrative', lang)}**{colon}" + ("; " if lang == "en" else "；").join(
                _cell(c.label) for c in d.narrative))
            out.append("")
        if d.uncomparable:
            out.append(f"**{_w('uncomparable', lang)}**")
            out.append("")
            for u in d.uncomparable:
                kind = u.kind_title if lang == "zh" else u.kind_id
                where = f"{_cell(u.label)} / " if u.label else ""
                out.append(f"- {_w('only_in', lang, kind=_cell(kind))}{colon}{where}{_cell('、'.join(u.items))}")
            out.append("")
        if status == "unreadable":
            for r in d.unreadable:
                for x in r.diagnostics:
                    out.append(f"- `{_cell(_where(x))}` {x.severity}[{x.code}]{colon}{_cell(x.message(lang))}")
            out.append("")
    out += [_summary(diffs, lang, total), ""]
    return "\n".join(out)


def render_json(diffs: list[ReportDiff], left: str, right: str, lang: str, total: int) -> str:
    def change(c):
        return {"path": format_path(c.path), "label": c.label, "old": c.old, "new": c.new}

    def diag(x: Diagnostic):
        return {"file": x.file, "line": x.line, "col": x.col, "severity": x.severity, "code": x.code,
                "rule": x.params.get("rule"), "path": x.path, "message": x.message(lang)}

    reports = []
    for d in diffs:
        if d.status == "unchanged":
            continue
        reports.append({
            "file": d.name, "status": d.status,
            "kind": {"old": d.old.kind.id if d.old and d.old.kind else None,
                     "new": d.new.kind.id if d.new and d.new.kind else None},
            "typed": [change(c) for c in d.typed],
            "derived": [change(c) for c in d.derived],
            "narrative": [{"path": format_path(c.path), "label": c.label} for c in d.narrative],
            "findings": [{"status": f.status, **diag(f.diagnostic)} for f in d.findings],
            "uncomparable": [{"only_in": u.kind_id, "label": u.label, "items": u.items} for u in d.uncomparable],
            "problems": [diag(x) for r in d.unreadable for x in r.diagnostics],
        })
    doc = {"left": left, "right": right, "compared": total, "reports": reports}
    return json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n"


# ==========================================================================================
# gendoc textconv

def run_textconv(project: Project, args) -> int:
    """Never fails loudly: whatever the file holds, git diff gets text and exit status 0."""
    out = getattr(sys.stdout, "buffer", None)

    def write(text: str | bytes) -> None:
        data = text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text
        if out is not None:
            out.write(data)
            out.flush()
        else:  # a text-only stream (tests capturing output)
            sys.stdout.write(data.decode("utf-8", "replace"))
            sys.stdout.flush()

    try:
        raw = Path(args.file).read_bytes()
    except OSError as exc:
        write(f"# gendoc textconv: 无法读取文件（cannot read the file）: {exc.strerror or exc}\n")
        return EXIT_OK
    try:
        text, note = textconv(project, raw, args.lang)
    except Exception as exc:  # noqa: BLE001 — a diff driver must not break git diff
        text, note = None, [f"# gendoc textconv: 内部错误，以下为原文（internal error, raw text follows）: "
                            f"{type(exc).__name__}"]
    if text is not None:
        write(text)
        return EXIT_OK
    write("".join(line + "\n" for line in note))
    write(raw)
    if raw and not raw.endswith(b"\n"):
        write(b"\n")
    return EXIT_OK


def textconv(project: Project, raw: bytes, lang: str = "zh") -> tuple[str | None, list[str]]:
    """(the labelled rendering of a report file's bytes, []), or — when the bytes cannot be
    read as a report — (None, the note lines to print above the raw text).

    The result depends on the bytes alone (not on the file's name or last year's file), so that
    both sides of a `git diff` are rendered alike.
    """
    name = "report.yaml"
    loaded = _load(raw, name)
    result = None
    if loaded.data is not None:
        result = project.check(Path(name), loaded, prev=None)
    if result is None or result.report is None:
        problems = result.diagnostics if result is not None else loaded.diagnostics
        note = ["# gendoc textconv: 无法作为报告读取，以下为原文（cannot read as a report; raw text follows）"]
        for d in problems:
            if d.severity == ERROR:
                where = f"{d.line}:{d.col}: " if d.line else ""
                note.append(f"# {where}{d.severity}[{d.code}] {d.message(lang)}".replace("\n", " "))
        return None, note
    return "".join(line + "\n" for line in figure_lines(result, lang)), []


# ==========================================================================================
# gendoc schema

def run_schema(project: Project, args) -> int:
    kind = project.kinds.get(args.kind)
    if kind is None:
        known = "、".join(project.kinds.ids())
        sys.stderr.write(f"gendoc schema: 没有文档类型「{args.kind}」（unknown kind）；已有：{known}\n")
        return EXIT_USAGE
    text = json.dumps(bundle_schema(kind), ensure_ascii=False, indent=2) + "\n"
    if args.output is None:
        sys.stdout.write(text)
        return EXIT_OK
    from gendoc.writer import write_if_changed

    try:
        write_if_changed(args.output, text)
    except OSError as exc:
        sys.stderr.write(f"gendoc schema: 无法写入 {args.output}（cannot write）：{exc.strerror or exc}\n")
        return EXIT_FINDINGS
    sys.stderr.write(f"已写入 {args.output}（{kind.title}，单文件 JSON Schema draft-07）\n")
    return EXIT_OK


def bundle_schema(kind) -> dict:
    """The kind's schema as one self-contained document: every `$ref` into another file
    (e.g. ../common/defs.json#/definitions/count) is copied into this document's
    `definitions` and pointed at there. Titles, descriptions and x- annotations stay."""
    documents = kind.documents
    root_uri = kind.schema_uri
    root = copy.deepcopy(kind.schema)
    taken = set((root.get("definitions") or {}).keys())
    names: dict[tuple[str, str], str] = {}
    pending: list[tuple[str, str]] = []
    definitions: dict[str, Any] = {}

    def name_for(doc: str, fragment: str) -> str:
        key = (doc, fragment)
        if key not in names:
            parts = [p for p in fragment.split("/") if p]
            base = (parts[-1] if parts else Path(urldefrag(doc)[0]).stem) or "schema"
            base = base.replace("~1", "_").replace("~0", "_")
            name, n = base, 2
            while name in taken:
                stem = Path(doc).stem
                name = f"{stem}_{base}" if n == 2 else f"{stem}_{base}_{n}"
                n += 1
            taken.add(name)
            names[key] = name
            pending.append(key)
        return names[key]

    def rewrite(node: Any, base: str) -> Any:
        if isinstance(node, dict):
            out = {}
            for k, v in node.items():
                if k == "$ref" and isinstance(v, str):
                    target = urljoin(base, v)
                    doc, fragment = urldefrag(target)
                    doc = doc or base
                    out[k] = f"#{fragment}" if doc == root_uri else f"#/definitions/{name_for(doc, fragment)}"
                elif k in ("$id", "$schema") and base != root_uri:
                    continue
                else:
                    out[k] = rewrite(v, base)
            return out
        if isinstance(node, list):
            return [rewrite(v, base) for v in node]
        return node

    bundled = rewrite(root, root_uri)
    while pending:
        doc, fragment = pending.pop(0)
        node: Any = documents[doc]
        for part in [p for p in fragment.split("/") if p]:
            node = node[part.replace("~1", "/").replace("~0", "~")]
        definitions[names[(doc, fragment)]] = rewrite(node, doc)
    result = {"$schema": bundled.pop("$schema", "http://json-schema.org/draft-07/schema#"),
              "$comment": f"由 gendoc schema {kind.id} 生成（generated, do not edit）：schemas/{kind.id}/schema.json "
                          "及其引用的文件合成的单文件副本"}
    result.update(bundled)
    if definitions:
        result["definitions"] = {**(bundled.get("definitions") or {}), **definitions}
    return result
