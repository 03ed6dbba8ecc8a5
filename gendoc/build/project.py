"""One report end to end: load → validate → derive → render → write.

`Project` ties the stages together for a project root (the folder with schemas/, templates/
and reports/). It never prints or exits: every outcome is a `ReportResult` carrying its
Diagnostics.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
import enum
from typing import Any, Iterable, Literal

from gendoc.diagnostics import ERROR, Diagnostic, HasFindings
from gendoc.kind.registry import Kind, KindRegistry
from gendoc.load.yaml_loader import Loaded, load_file
from gendoc.load.invisible_chars import invisible_characters
from gendoc.check.rules import Report, apply_rules
from gendoc.check.schema_gate import gate_for
from gendoc.build.report_files import (  # noqa: F401  (report_identity, REPORT_SUFFIXES re-exported)
    REPORT_SUFFIXES, Claims, collision, discover, report_identity,
)


class _Find(enum.Enum):
    """`check(prev=…)` not given: last year's report is looked up beside the file."""

    PREV = enum.auto()



@dataclass
class ReportResult(HasFindings):
    file: str
    agency: str
    year: int | None
    kind: Kind | None = None
    report: Report | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    outputs: dict[str, Path] = field(default_factory=dict)
    prev: Report | None = None  # last year's derived report, as the rules read it (and the templates)



def _without(data: dict, paths: set[tuple]) -> dict:
    """A copy of the data with the values at `paths` blanked (None: absent to the rules)."""
    from gendoc.plaindata import copy_data

    out = copy_data(data)
    for path in sorted(paths, key=len):
        node: Any = out
        for step in path[:-1]:
            try:
                node = node[step]
            except (KeyError, IndexError, TypeError):
                node = None
                break
        if path and isinstance(node, (dict, list)):
            try:
                node[path[-1]] = None
            except (IndexError, TypeError):
                pass
    return out


class Project:
    def __init__(self, root: Path | str, outputs: Iterable[str] | None = None):
        """`outputs` narrows the formats every kind's `outputs` lists (e.g. html, md, docx,
        pdf); None: the environment variable GENDOC_OUTPUTS (comma-separated) when set, else
        every format of the kind."""
        self.root = Path(root)
        if outputs is None and os.environ.get("GENDOC_OUTPUTS"):
            outputs = [f.strip() for f in os.environ["GENDOC_OUTPUTS"].split(",") if f.strip()]
        self.outputs = tuple(outputs) if outputs is not None else None
        self.kinds = KindRegistry(self.root)
        self._derived: dict[str, Report | None] = {}
        self._claims: Claims | None = None

    def formats(self, kind: Kind) -> list[str]:
        """The formats built for a report of `kind`: the kind's own, as narrowed."""
        wanted = self.outputs
        if wanted is not None and "pdf" in wanted and "docx" not in wanted:
            wanted = (*wanted, "docx")  # the PDF is the Word file, printed
        return [f for f in kind.outputs if wanted is None or f in wanted]

    # -- discovery ------------------------------------------------------------------------
    def discover(self, targets: Iterable[str]) -> tuple[list[Path], list[Diagnostic]]:
        """Report files named on the command line (default: every reports/**/<year>.yaml),
        and findings about what was left out. Afterwards `check` refuses a file that shares
        its outputs with another (`gendoc.build.report_files`)."""
        targets = list(targets)
        files, problems = discover(self.root, targets)
        # Files named one by one (`validate a/2020.yaml`): only files of their years can be
        # their rivals, so the walk keys no other.
        named = all(os.path.isfile(t) for t in targets) if targets else False
        if targets:
            self._claims = Claims(self.root, files, {f.stem for f in files} if named else None)
        else:  # the whole reports folder, just walked: its files are every claimant
            self._claims = Claims(self.root, walked=files)
        return files, problems

    def rivals(self, path: Path) -> list[Path]:
        """Other files that map to the same outputs as `path` (known after `discover`)."""
        return self._claims.rivals(path) if self._claims is not None else []

    # -- checking ---------------------------------------------------------------------------
    def check(self, path: Path, loaded: Loaded | None = None, *, prev: Report | None | Literal[_Find.PREV] = _Find.PREV) -> ReportResult:
        """Load, validate and derive one report; cross-year rules read last year's file.

        `prev` supplies last year's derived report instead (None: there is none), e.g. for a
        file as it was at a git revision; left out, last year's file is read from disk.
        """
        agency, file_year = report_identity(path)
        result = ReportResult(file=str(path), agency=agency, year=file_year)
        rivals = self.rivals(path)
        if rivals:
            result.diagnostics.append(collision(path, rivals))
            return result
        loaded = loaded or load_file(path)
        result.diagnostics.extend(loaded.diagnostics)
        # An invisible character is the one finding about its place: the schema would only
        # quote it back (and a terminal would obey it).
        result.diagnostics.extend(invisible_characters(loaded.text, str(path), searched=loaded.no_invisible))
        data = loaded.data
        if data is None or any(d.severity == ERROR for d in result.diagnostics):
            return result
        kind = self._kind_of(data, result, loaded)
        if kind is None:
            return result
        broken = self.kind_problems(kind)
        if broken:
            # The kind's rules would misjudge every report (a misspelt path silently switches
            # a rule off): none is checked until they are fixed. Each report carries the
            # findings, located in the rules files; the command line prints them once.
            result.diagnostics.extend(broken)
            return result
        result.kind = kind
        from gendoc.check.prose_figures import literal_figures
        from gendoc.check.unknown_figures import null_and_unknown, skipped_rules_finding, unknown_findings

        # Figures not known yet, as typed (before the schema check blanks what it rejected).
        any_null, unknown = null_and_unknown(kind.index, data)
        result.diagnostics.extend(unknown_findings(kind, data, str(path), loaded.sourcemap, unknown))
        gate = gate_for(kind)
        if gate is None or not gate(data):
            # Only a file the fast gate rejects pays for jsonschema (and its import), which
            # then reports every error with its place.
            from gendoc.check.json_schema import check_with_paths

            found, bad = check_with_paths(kind, data, str(path), loaded.sourcemap, loaded.text)
            result.diagnostics.extend(found)
            # A figure the schema rejected is left out of the rules: one mistake, one finding.
            data = _without(data, bad)
        result.diagnostics.extend(literal_figures(kind, data, str(path), loaded.sourcemap, loaded.text))
        year = data.get("year")
        if isinstance(year, int) and not isinstance(year, bool):
            result.year = year
            if file_year is not None and file_year != year:
                line, col = loaded.sourcemap.value(("year",))
                result.diagnostics.append(Diagnostic(
                    ERROR, "F004", {"file_year": file_year, "year": year}, str(path), line, col, "year"))
        if prev is _Find.PREV:
            prev = self.previous(path, result.year) if result.year else None
        report, findings = apply_rules(kind, data, str(path), loaded.sourcemap, prev, unknown)
        report.complete = not any_null
        result.report, result.prev = report, prev
        self._remember(path, report)
        result.diagnostics.extend(findings)
        result.diagnostics.extend(skipped_rules_finding(kind, data, str(path), loaded.sourcemap, report.skipped, unknown))
        if any(d.code == "N003" for d in result.diagnostics):  # literal figures: are they true?
            from gendoc.check.prose_claims import contradictions

            result.diagnostics.extend(contradictions(kind, report.data, data, str(path), loaded.sourcemap, loaded.text))
        result.diagnostics.sort(key=Diagnostic.sort_key)
        return result

    def _kind_of(self, data: dict, result: ReportResult, loaded: Loaded) -> Kind | None:
        known = "、".join(self.kinds.ids())
        fmt = data.get("format")
        if fmt is None:
            result.diagnostics.append(Diagnostic(ERROR, "K002", {"known": known}, result.file, 1, 1, "format"))
            return None
        kind = self.kinds.get(str(fmt))
        if kind is None:
            line, col = loaded.sourcemap.value(("format",))
            result.diagnostics.append(Diagnostic(
                ERROR, "K001", {"format": fmt, "known": known}, result.file, line, col, "format"))
        return kind

    def kind_problems(self, kind: Kind) -> list[Diagnostic]:
        """Everything `gendoc kind check` finds wrong with the kind (K003–K016), once per
        kind and process, from the cache when the kind's files have not changed."""
        if "kind-check" not in kind.compiled:
            from gendoc.build.kind_check import cached_check_kind

            kind.compiled["kind-check"] = [d for d in cached_check_kind(self, kind) if d.severity == ERROR]
        return kind.compiled["kind-check"]

    def previous(self, path: Path, year: int) -> Report | None:
        """Last year's report of the same agency, derived (None when absent or broken)."""
        for suffix in REPORT_SUFFIXES:
            candidate = path.with_name(f"{year - 1}{suffix}")
            if candidate.is_file():
                return self._derive_only(candidate)
        return None

    def _remember(self, path: Path, report: Report | None) -> None:
        """Keep a derived report for next year's cross-year rules: reports are built in
        path order, so last year's is usually the one just built. Bounded: memory must not
        grow with the number of reports, and what a worker keeps is what its cycle collector
        walks again and again (64 kept cost a build worker 0.1–0.2 ms a report and 8 MB).
        A miss only means last year's file is derived once more."""
        if len(self._derived) >= 8:
            self._derived.pop(next(iter(self._derived)))
        self._derived[os.path.abspath(path)] = report

    def _derive_only(self, path: Path) -> Report | None:
        key = os.path.abspath(path)
        if key not in self._derived:
            loaded = load_file(path)
            report = None
            if loaded.data is not None and isinstance(loaded.data, dict):
                kind = self.kinds.get(str(loaded.data.get("format")))
                if kind is not None:
                    from gendoc.check.unknown_figures import null_and_unknown

                    any_null, unknown = null_and_unknown(kind.index, loaded.data)
                    report, _ = apply_rules(kind, loaded.data, str(path), loaded.sourcemap, None, unknown)
                    report.complete = not any_null
            self._remember(path, report)
        return self._derived[key]

    # -- rendering ---------------------------------------------------------------------------
    def validate(self, path: Path) -> ReportResult:
        """Everything `build` would find, without writing: the checks, then every narrative
        rendered in its sandbox and every layout template run, the text thrown away."""
        result = self.check(path)
        self._render(result, text=False)
        return result

    def _render(self, result: ReportResult, *, text: bool = True) -> dict[str, str | bytes] | None:
        """Every output of the report's kind, or None when it has errors; the findings of
        rendering are added to `result`. `text=False` skips the Markdown → HTML conversion
        of narratives, which never fails: validation needs the findings, not the pages."""
        if not result.ok or result.report is None or result.kind is None:
            return None
        from gendoc.render.engine import render_documents

        from gendoc.render.paged import BATCHED_FORMATS

        prev = result.prev
        # A build makes PDFs afterwards, in batches; validation checks their page description.
        formats = [f for f in self.formats(result.kind) if text is False or f not in BATCHED_FORMATS]
        complete = result.report.complete and (prev is None or prev.complete)
        outputs = render_documents(result.kind, result.report.data, prev.data if prev else None, formats,
                                   result.report.sourcemap, convert=text, complete=complete)
        rendered: dict[str, str | bytes] = {}
        for fmt in formats:
            out = outputs[fmt]
            for d in out.diagnostics:
                if d not in result.diagnostics:  # narrative findings are shared by all formats
                    result.diagnostics.append(d)
            if out.text is None:
                if any(d.severity == ERROR for d in out.diagnostics):
                    return None
                continue  # an output that cannot be made here (no PDF engine): the others are written
            rendered[fmt] = out.text
        return rendered if result.ok else None

    # -- building ---------------------------------------------------------------------------
    def build(self, path: Path, out_dir: Path) -> ReportResult:
        """Check, render every output of the kind, and write them atomically.

        A report with errors writes nothing: its previous good outputs stay as they were.
        """
        from gendoc.build.atomic_write import write_together

        result = self.check(path)
        rendered = self._render(result)
        if rendered is None:
            return result
        targets = {fmt: out_dir / result.agency / f"{result.year}.{fmt}" for fmt in rendered}
        try:
            # all outputs of the report, or none: never a new HTML beside an old Markdown
            write_together({targets[fmt]: text for fmt, text in rendered.items()})
        except OSError as exc:
            failed = exc.filename or next(iter(targets.values()))
            result.diagnostics.append(Diagnostic(
                ERROR, "F005", {"target": str(failed), "reason": exc.strerror or str(exc)}, str(failed)))
            return result
        result.outputs.update(targets)
        return result


def default_root() -> Path:
    """The project root: the current folder when it holds schemas/, else gendoc's checkout."""
    env = os.environ.get("GENDOC_ROOT")
    if env:
        return Path(env)
    here = Path.cwd()
    if (here / "schemas").is_dir():
        return here
    return Path(__file__).resolve().parents[2]
