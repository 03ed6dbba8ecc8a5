"""Write outputs so that nothing is ever half-written or needlessly touched."""
from __future__ import annotations

import errno
import os
import itertools
import stat
from pathlib import Path

_SERIAL = itertools.count()


def write_if_changed(target: Path, content: str | bytes) -> bool:
    """Atomically replace `target` with `content`; return False when it already held it."""
    return bool(write_together({target: content}))


def write_together(files: dict[Path, str | bytes]) -> list[Path]:
    """Write several outputs of one report as a set; return the ones that changed.

    Every changed file is first written in full to a temporary file beside its target (the
    same file system, so the rename is atomic): a reader or a crash sees the old file or the
    new one, never a mix. Only when all are staged are they renamed into place, one after
    the other; a failure while staging (full disk, a folder that cannot be written) leaves
    every target as it was — a new HTML never stands beside an old Markdown. Unchanged
    outputs keep their modification time, which keeps downstream tools quiet.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for target, content in files.items():
            data = content if isinstance(content, bytes) else content.encode("utf-8")
            if _holds(target, data):
                continue
            staged.append((stage(target, data), target))
        for tmp, target in staged:
            os.replace(tmp, target)
    except BaseException:
        for tmp, _ in staged:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass  # already renamed into place
        raise
    return [target for _, target in staged]


class NotARegularFile(OSError):
    """The target is a device, a pipe, a symbolic link or a folder: gendoc writes files
    only, and replacing such a thing (`-o /dev/full`) would destroy it."""

    def __init__(self, target: Path):
        super().__init__(errno.EEXIST, "不是普通文件（设备、管道、符号链接或目录），不会替换它（not a regular file）", str(target))


def _holds(target: Path, data: bytes) -> bool:
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        return False
    if not stat.S_ISREG(st.st_mode):
        raise NotARegularFile(target)
    return st.st_size == len(data) and target.read_bytes() == data


def stage(target: Path, data: bytes) -> str:
    """`data` in a new temporary file beside `target`; its name.

    Not `tempfile.mkstemp`: it makes an owner-only file that must then be chmod-ed, and its
    random names and file object cost more than the write (a build stages two files a
    report). The name is unique to this process and call; `O_EXCL` refuses a file another
    left behind, and the mode, less the umask, is what a plain `open()` would give."""
    name = os.fspath(target)
    while True:
        tmp = f"{os.path.dirname(name)}/.{os.path.basename(name)}.{os.getpid()}.{next(_SERIAL)}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        except FileExistsError:
            continue
        except FileNotFoundError:
            target.parent.mkdir(parents=True, exist_ok=True)  # the first output of its folder
            continue
        break
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    except BaseException:
        os.close(fd)
        os.unlink(tmp)
        raise
    os.close(fd)
    return tmp
