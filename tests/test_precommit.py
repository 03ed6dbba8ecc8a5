"""The `gendoc-validate` pre-commit hook, run by the pre-commit framework for real.

pre-commit installs a hook from a git repository: the test makes one from gendoc's working
tree as it is now (committed or not), points a throwaway repository of reports at it, and
commits a valid report (accepted), then an invalid one (refused, with the finding).
pre-commit builds the hook's virtual environment with pip, so this needs the package index.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, replace_once

pytestmark = pytest.mark.skipif(importlib.util.find_spec("pre_commit") is None,
                                reason="the pre-commit package is not installed (pip install pre-commit)")


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@example.org",
                           "-c", "commit.gpgsign=false", *args],
                          cwd=repo, capture_output=True, text=True, check=check, env=_env(repo))


def _env(repo: Path) -> dict:
    env = dict(os.environ)
    env["PRE_COMMIT_HOME"] = str(repo.parent / "pre-commit-home")  # no environments left behind
    env.pop("PYTHONPATH", None)
    return env


def pre_commit(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=repo, capture_output=True,
                          text=True, env=_env(repo))


def test_manifest_is_valid():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = [h for h in hooks if h["id"] == "gendoc-validate"]
    assert hook["entry"] == "gendoc validate"
    assert hook["language"] == "python"
    assert hook["files"] == r"^reports/.*\.ya?ml$"
    done = subprocess.run([sys.executable, "-m", "pre_commit", "validate-manifest",
                           str(ROOT / ".pre-commit-hooks.yaml")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def _snapshot_of_gendoc(dest: Path) -> str:
    """A one-commit repository holding gendoc's working tree (tracked and new files)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, check=True).stdout.decode("utf-8").split("\0")
    dest.mkdir()
    for rel in filter(None, listed):
        source = ROOT / rel
        if source.is_file():
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    git(dest, "init", "-q")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "gendoc snapshot")
    return git(dest, "rev-parse", "HEAD").stdout.strip()


def test_hook_accepts_a_valid_report_and_refuses_an_invalid_one(tmp_path):
    hook_repo = tmp_path / "gendoc"
    rev = _snapshot_of_gendoc(hook_repo)

    reports = tmp_path / "reports-repo"
    reports.mkdir()
    shutil.copytree(ROOT / "schemas", reports / "schemas")
    shutil.copytree(ROOT / "templates", reports / "templates")  # validation renders, as build does
    (reports / "reports" / "zhifu-drc").mkdir(parents=True)
    seed = reports / "reports" / "zhifu-drc" / "2020.yaml"
    seed.write_bytes((ROOT / "reports" / "zhifu-drc" / "2020.yaml").read_bytes())
    (reports / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook_repo.as_posix()}\n    rev: {rev}\n    hooks:\n      - id: gendoc-validate\n",
        encoding="utf-8")
    git(reports, "init", "-q")
    done = pre_commit(reports, "install")
    assert done.returncode == 0, done.stdout + done.stderr

    # valid: the commit goes through, the hook ran and passed
    git(reports, "add", "-A")
    done = git(reports, "commit", "-m", "seed", check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "gendoc validate" in done.stdout + done.stderr
    assert "Passed" in done.stdout + done.stderr

    # invalid: refused, with the broken rule and its line
    seed.write_text(replace_once(seed.read_text(encoding="utf-8"), "granted: {natural: 7", "granted: {natural: 8"),
                    encoding="utf-8")
    git(reports, "add", "-A")
    head = git(reports, "rev-parse", "HEAD").stdout
    done = git(reports, "commit", "-m", "break", check=False)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert "Failed" in output
    assert "error[T3-1]" in output and "reports/zhifu-drc/2020.yaml:" in output
    assert git(reports, "rev-parse", "HEAD").stdout == head  # nothing was committed
