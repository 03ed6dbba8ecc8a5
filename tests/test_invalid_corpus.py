"""Walk tests/cases/cases.yaml: every real-user mistake yields its one expected finding."""
from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest
import yaml

from gendoc.cli.main import main

CASES_DIR = Path(__file__).parent / "cases"
CASES = yaml.safe_load((CASES_DIR / "cases.yaml").read_text(encoding="utf-8"))


def materialise(case: dict, root: Path) -> Path:
    """Write the case's input into the project copy and return the path to validate."""
    folder = root / "reports" / "zhifu-drc"
    if case.get("target") == "empty-dir":
        (root / "empty").mkdir()
        return root / "empty"
    if case.get("target") == "missing":
        return folder / "2021.yaml"
    if "template_edit" in case:
        name, old, new = case["template_edit"]
        template = root / "templates" / name
        text = template.read_text(encoding="utf-8")
        assert old in text, f"{case['name']}: edit target not in {name}: {old!r}"
        template.write_text(text.replace(old, new, 1), encoding="utf-8")
    path = folder / case.get("name_as", "2020.yaml")
    if "size" in case:
        with open(path, "wb") as handle:
            handle.truncate(case["size"])
        return path
    if "file" in case:
        path.write_bytes((CASES_DIR / case["file"]).read_bytes())
        return path
    text = (folder / "2020.yaml").read_text(encoding="utf-8")
    for old, new in case.get("edit", []):
        assert old in text, f"{case['name']}: edit target not in seed: {old!r}"
        text = text.replace(old, new, 1)
    if case.get("crlf"):
        text = text.replace("\n", "\r\n")
    # gb18030 is the superset Windows uses for "GBK": every character of the seed encodes.
    encoding = {"gbk": "gb18030"}.get(case.get("encoding", "utf-8"), case.get("encoding", "utf-8"))
    data = text.encode(encoding)
    if case.get("bom"):
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)
    return path


def run_case(case: dict, root: Path, out_dir: Path) -> tuple[int, list[str], Path]:
    path = materialise(case, root)
    command = "build" if case.get("build") else "validate"
    argv = [command, "--root", str(root), str(path)]
    if command == "build":
        argv[1:1] = ["-o", str(out_dir)]
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(io.StringIO()):
        code = main(argv)
    findings = [line for line in stdout.getvalue().splitlines() if line and not line.startswith(" ")]
    return code, findings, path


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(case, project, tmp_path):
    root = project
    code, findings, path = run_case(case, project, tmp_path / "out")
    if case["expect"] == "clean":
        assert (code, findings) == (0, [])
        return
    prefix = f"{path}:"
    assert findings, "no finding"
    first = findings[0]
    if first.startswith(prefix):
        first = first[len(prefix):].lstrip()
    first = first.replace(str(root), "{root}")
    assert first == case["expect"]
    assert len(findings) == case.get("count", 1), findings
    kind_problem = re.search(r"error\[K0(0[3-9]|[1-9]\d)\]", case["expect"])  # the kind's own files: exit 2
    assert code == (2 if kind_problem else 1 if "error[" in case["expect"] else 0)
