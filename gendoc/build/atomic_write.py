"""Write outputs so that nothing is ever half-written or needlessly touched."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

# mkstemp creates files readable by the owner only; outputs are meant to be published, so
# they get the permissions a plain open() would give (0666 less the process umask).
_UMASK = os.umask(0)
os.umask(_UMASK)
_MODE = 0o666 & ~_UMASK


def write_if_changed(target: Path, content: str) -> bool:
    """Atomically replace `target` with `content`; return False when it already held it.

    The temporary file lives in the target's folder so that the final rename is atomic on
    the same file system: a reader (or a crash) sees the old file or the new one, never a
    mix. Unchanged outputs keep their modification time, which keeps downstream tools quiet.
    """
    data = content.encode("utf-8")
    try:
        if target.stat().st_size == len(data) and target.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, _MODE)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return True
