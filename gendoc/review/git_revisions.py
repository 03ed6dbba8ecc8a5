"""Reading report files as they were at a git revision.

A thin, shell-free wrapper over `git` (run as a subprocess with an argument list): which
files a revision holds under some folders (`git ls-tree`), and the bytes of one of them
(`git show REV:path`). Nothing here prints or exits; problems are `GitError`s with a message
a person can act on (the CLI turns them into a usage error).

Paths handed in and out are POSIX paths relative to the repository's top-level folder, the
way git itself names files.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterable, Sequence


class GitError(Exception):
    """git is missing, the folder is not in a repository, or a revision is unknown."""


@dataclass(frozen=True)
class Repo:
    top: Path  # the work tree's top-level folder, resolved

    # -- finding the repository ---------------------------------------------------------------
    @classmethod
    def containing(cls, folder: Path | str) -> Repo:
        folder = Path(folder)
        if shutil.which("git") is None:
            raise GitError("找不到 git 命令（git is not installed or not on PATH）")
        if not folder.is_dir():
            raise GitError(f"目录不存在（no such folder）：{folder}")
        done = _run(["git", "rev-parse", "--show-toplevel"], cwd=folder)
        if done.returncode != 0:
            raise GitError(f"{folder} 不在 git 仓库中（not a git repository）")
        return cls(Path(done.stdout.decode("utf-8", "replace").strip()).resolve())

    # -- revisions --------------------------------------------------------------------------
    def resolve(self, rev: str) -> str:
        """The commit id a revision names; GitError when git does not know it."""
        if not rev or rev.startswith("-") or "\x00" in rev:
            raise GitError(f"不是有效的 git 版本（not a valid revision）：{rev!r}")
        done = self.git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
        if done.returncode != 0:
            raise GitError(f"git 仓库中没有这个版本（unknown revision）：{rev}")
        return done.stdout.decode("ascii").strip()

    def merge_base(self, left: str, right: str) -> str:
        done = self.git("merge-base", left, right)
        if done.returncode != 0:
            raise GitError(f"{left} 与 {right} 没有共同祖先（no merge base）")
        return done.stdout.decode("ascii").strip()

    # -- files at a revision ------------------------------------------------------------------
    def files(self, commit: str, under: Iterable[str]) -> list[str]:
        """Every file of `commit` at or below the given repository-relative paths."""
        wanted = list(under)
        if not wanted:
            return []
        done = self.git("ls-tree", "-r", "-z", "--name-only", "--full-tree", commit, "--", *wanted)
        if done.returncode != 0:
            raise GitError(_stderr(done) or f"git ls-tree {commit} failed")
        return sorted(p for p in done.stdout.decode("utf-8", "surrogateescape").split("\x00") if p)

    def read(self, commit: str, path: str) -> bytes | None:
        """The bytes of `path` at `commit` (no textconv, no filters); None when absent."""
        done = self.git("show", "--no-textconv", f"{commit}:{path}")
        if done.returncode != 0:
            return None
        return done.stdout

    # -- paths --------------------------------------------------------------------------------
    def relative(self, path: Path | str) -> str:
        """A path on disk as git names it (relative to the top-level folder, with /)."""
        absolute = Path(os.path.abspath(path))
        try:
            rel = absolute.resolve().relative_to(self.top)
        except ValueError:
            try:
                rel = absolute.relative_to(self.top)
            except ValueError:
                raise GitError(f"{path} 不在 git 仓库 {self.top} 中（outside the repository）") from None
        text = PurePosixPath(*rel.parts).as_posix()
        return "" if text == "." else text

    def on_disk(self, rel: str) -> Path:
        return self.top.joinpath(*PurePosixPath(rel).parts) if rel else self.top

    def git(self, *args: str) -> subprocess.CompletedProcess:
        return _run(["git", *args], cwd=self.top)


def _run(argv: Sequence[str], cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.setdefault("GIT_OPTIONAL_LOCKS", "0")  # a read-only look must not take the index lock
    env["LC_ALL"] = env.get("LC_ALL") or "C"
    try:
        return subprocess.run(list(argv), cwd=cwd, capture_output=True, stdin=subprocess.DEVNULL, env=env, check=False)
    except OSError as exc:
        raise GitError(f"无法运行 git（cannot run git）：{exc}") from exc


def _stderr(done: subprocess.CompletedProcess) -> str:
    return done.stderr.decode("utf-8", "replace").strip()
