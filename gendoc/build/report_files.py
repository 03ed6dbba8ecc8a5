"""Which files are reports, and which output each one owns.

A report is `reports/<agency>/<year>.yaml` (or `.yml`): the folder name is the agency's id,
the file name its four-digit report year. That pair alone decides the outputs
(`<out>/<agency>/<year>.html` …), so it must be unambiguous: a file whose name is not a
year (`2020 copy.yaml`, `２０２０.yaml`, `02020.yaml`, `2020.YAML`, `2020.yaml.txt`) is
skipped with a finding that says so, and two files that would own the same outputs
(`2020.yaml` beside `2020.yml`, `reports/archive/a/2020.yaml` beside `reports/a/2020.yaml`)
are both refused, each finding naming the other — neither is written over the other.
"""
from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import Iterable, Iterator

from gendoc.diagnostics import ERROR, WARNING, Diagnostic

REPORT_SUFFIXES = (".yaml", ".yml")
_YEAR_NAME = re.compile(r"[0-9]{4}")  # ASCII digits only: `２０２０` and `2020²` are not years
# Names that look like a report someone meant to be read (case aside, or an extra suffix).
_LOOKS_LIKE_REPORT = re.compile(r"\.ya?ml(\.|$)", re.IGNORECASE)


def report_identity(path: Path | str) -> tuple[str, int | None]:
    """reports/<agency>/<year>.yaml → (agency, year); year None when the name is not one.
    From the names alone, as Path.parent.name and Path.stem give them (a walk of thousands
    of files makes no Path per file)."""
    stem = os.path.splitext(os.path.basename(path))[0]
    return os.path.basename(os.path.dirname(path)), int(stem) if _YEAR_NAME.fullmatch(stem) else None


def is_report_name(path: Path | str) -> bool:
    return os.path.splitext(path)[1] in REPORT_SUFFIXES and report_identity(path)[1] is not None


def _skipped_name(path: Path | str) -> bool:
    """A file a person probably meant as a report but that is not named like one. Hidden
    files and editor leftovers (`.2020.yaml.swp`, `2020.yaml~`) are not meant for anyone."""
    name = os.path.basename(path)
    if name.startswith(".") or name.endswith("~") or is_report_name(path):
        return False
    return bool(_LOOKS_LIKE_REPORT.search(name))


def relative_to_cwd(path: Path, cwd: Path | None = None) -> Path:
    """The path relative to the current folder (`cwd`, when the caller has it already) when
    it lies below it: findings read `reports/a/2020.yaml:12:3`, and CI annotations need
    repository-relative paths."""
    if path.is_absolute():
        try:
            return path.relative_to(cwd or Path.cwd())
        except ValueError:
            return path
    return path


def source_key(root: Path, path: Path | str) -> str:
    """What identifies a report file whatever the current folder and however the path was
    typed (`reports/../reports/a/2020.yaml`): its real path relative to the project root,
    or its real absolute path when it lies outside. (Plain strings, not Paths: a build
    keys every report, and a no-op build of thousands must stay quick.)"""
    folder = _real_folder(os.path.abspath(os.path.dirname(path) or "."))
    real = os.path.join(folder, os.path.basename(path))
    top = _real_folder(os.path.abspath(root))
    if folder == top or folder.startswith(top.rstrip(os.sep) + os.sep):
        real = os.path.relpath(real, top)
    return real.replace(os.sep, "/")


@functools.lru_cache(maxsize=4096)
def _real_folder(folder: str) -> str:
    """Folders resolved once each: reports share a few folders, and a no-op build of
    thousands of reports must not pay a symlink walk per file."""
    return os.path.realpath(folder)


def skipped(path: Path, *, named: bool) -> Diagnostic:
    """F006: a report-like file left out. An error when the file was named on the command
    line (the user asked for it), a warning when a folder walk met it."""
    return Diagnostic(ERROR if named else WARNING, "F006", {"name": path.name}, str(relative_to_cwd(path)))


def discover(root: Path, targets: Iterable[str]) -> tuple[list[Path], list[Diagnostic]]:
    """Report files named on the command line (default: every reports/**/<year>.yaml)."""
    targets = list(targets) or [str(root / "reports")]
    files: list[Path] = []
    problems: list[Diagnostic] = []
    for target in targets:
        path = Path(target)
        if path.is_dir():
            found: list[Path] = []
            for candidate in sorted(_regular_files(str(path)), key=_parts):
                if is_report_name(candidate):
                    found.append(Path(candidate))
                elif _skipped_name(candidate):
                    problems.append(skipped(Path(candidate), named=False))
            if not found:
                problems.append(Diagnostic(ERROR, "F002", {"target": target}, target))
            files.extend(found)
        elif path.is_file():
            if is_report_name(path):
                files.append(path)
            elif path.suffix.lower() in REPORT_SUFFIXES or _skipped_name(path):
                problems.append(skipped(path, named=True))
            else:
                problems.append(Diagnostic(ERROR, "F002", {"target": target}, target))
        else:
            problems.append(Diagnostic(ERROR, "F001", {"target": target}, target))
    cwd = Path.cwd()
    unique = list(dict.fromkeys(relative_to_cwd(f, cwd) for f in files))
    return unique, problems


def _regular_files(folder: str) -> Iterator[str]:
    """Every regular file below `folder`, as `Path.rglob("*")` walks it (into linked
    folders too), from one `scandir` per folder: no Path object or `stat` per file."""
    stack = [folder]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir():
                stack.append(entry.path)
            elif entry.is_file():
                yield entry.path


def _parts(path: str) -> list[str]:
    return path.split(os.sep)  # the order of sorted Paths: by folder, then by name


class Claims:
    """Which of the project's report files (those under <root>/reports/) claim each
    (agency, year). More than one claimant is an error for each of them. A file from
    outside the project's reports folder, named on the command line, is checked on its own."""

    def __init__(self, root: Path, extra: Iterable[Path] = (), only_years: set[str] | None = None,
                 walked: Iterable[Path | str] | None = None):
        """`only_years`: the years asked about (`2020`), when not every report is: a rival of
        `a/2020.yaml` is a `2020.yaml` or `2020.yml`, whatever its folder. `walked`: every
        report file under <root>/reports, when the caller has just found them (`discover`
        of the whole folder), rather than walking the folder again."""
        self.root = root
        # Grouped by the (agency, year) of the names alone; the real paths of a group are
        # worked out when a file of it is first asked about (`validate` of one file in a
        # project of ten thousand asks about one).
        self._paths: dict[tuple[str, int | None], list[Path | str]] = {}
        self._named = dict.fromkeys(str(p) for p in extra)  # given, not walked: is each really a file?
        if walked is None:
            walked = _regular_files(str(root / "reports"))
        if only_years is not None:
            walked = (p for p in walked if os.path.splitext(os.path.basename(p))[0] in only_years)
        for path in (*walked, *self._named):
            if is_report_name(path):
                self._paths.setdefault(report_identity(path), []).append(path)
        self._claimants: dict[tuple[str, int | None], dict[str, Path | str]] = {}

    def rivals(self, path: Path) -> list[Path]:
        """The other files that map to the outputs of `path` (empty when it is alone)."""
        agency, year = report_identity(path)
        if len(self._paths.get((agency, year), ())) < 2:
            return []  # a rival needs a second file claiming these outputs (nearly every report is alone)
        group = self._group((agency, year))
        own = source_key(self.root, path)
        return [relative_to_cwd(Path(p)) for key, p in sorted(group.items()) if key != own] if own in group else []

    def _group(self, identity: tuple[str, int | None]) -> dict[str, Path | str]:
        """The files under the project's reports folder that claim `identity`, by real path."""
        group = self._claimants.get(identity)
        if group is None:
            group = self._claimants[identity] = {}
            for path in self._paths.get(identity, ()):
                if str(path) in self._named and not os.path.isfile(path):
                    continue
                key = source_key(self.root, path)
                if key.startswith("reports/"):
                    group.setdefault(key, path)
        return group


def collision(path: Path, rivals: list[Path]) -> Diagnostic:
    """F007 on `path`: its outputs would be the same files as those of `rivals`."""
    agency, year = report_identity(path)
    names = "、".join(str(p) for p in rivals)
    return Diagnostic(ERROR, "F007", {"others": names, "output": f"{agency}/{year}"}, str(path))
