"""`gendoc diff`: the figures that changed, in the tables' own labels (see review.py)."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from gendoc.diagnostics import ERROR, Diagnostic
from gendoc.review.figure_diff import ReportDiff, compare, show
from gendoc.review.git_revisions import GitError, Repo
from gendoc.load.yaml_loader import DEFAULT_MAX_BYTES, Loaded, load_text
from gendoc.build.project import REPORT_SUFFIXES, Project
from gendoc.load.sourcemap import SourceMap, format_path

from gendoc.cli.exit_codes import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
WORKTREE = None  # the working tree, as a side of a diff



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
    from gendoc.check.rules import apply_rules

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
