"""Bytes of a report file to text: UTF-8 (a BOM is fine), or a clear finding saying which
encoding the file seems to be in (GBK from a Chinese Windows editor, UTF-16) and where."""
from __future__ import annotations

import errno
import re

from gendoc.diagnostics import ERROR, Diagnostic

_GUESS_GBK = ("（看起来是 GBK/GB18030 编码，常见于中文 Windows 记事本）",
              " (it looks like GBK/GB18030, as saved by Chinese Windows editors)")
_GUESS_UTF16 = ("（看起来是 UTF-16 编码，即记事本“另存为”中的“Unicode”）",
                " (it looks like UTF-16, Notepad's 'Unicode' encoding)")
_GUESS_UTF32 = ("（看起来是 UTF-32 编码）", " (it looks like UTF-32)")
_CJK = re.compile("[\u4e00-\u9fff]")
_BYTE_BREAKS = re.compile(rb"\r\n|\r|\n")


def decode(raw: bytes, file: str) -> tuple[str | None, Diagnostic | None]:
    def y002(line: int, col: int, guess: tuple[str, str] | None) -> tuple[None, Diagnostic]:
        zh, en = guess if guess else ("", "")
        return None, Diagnostic(ERROR, "Y002", {"guess": zh, "guess_en": en}, file, line, col)

    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return y002(1, 1, _GUESS_UTF32)
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return y002(1, 1, _GUESS_UTF16)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _byte_position(raw, exc.start)
        guess = None
        try:
            if _CJK.search(raw.decode("gb18030")):
                guess = _GUESS_GBK
        except UnicodeDecodeError:
            pass
        if guess is None and _looks_utf16(raw):
            guess = _GUESS_UTF16
        return y002(line, col, guess)
    if "\x00" in text and _looks_utf16(raw):  # UTF-16 without a BOM is valid UTF-8 (NULs)
        return y002(1, 1, _GUESS_UTF16)
    return text, None


def _looks_utf16(raw: bytes) -> bool:
    sample = raw[:2000]
    half = len(sample) // 2
    if half < 2:
        return False
    return max(sample[0::2].count(0), sample[1::2].count(0)) >= half * 0.3


def _byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    """1-based (line, col in characters) of byte ``offset``; the bytes before it are UTF-8."""
    prefix = raw[:offset]
    line_start = 0
    line = 1
    for m in _BYTE_BREAKS.finditer(prefix):
        line += 1
        line_start = m.end()
    return line, len(prefix[line_start:].decode("utf-8", "replace")) + 1


def os_reason(exc: OSError) -> str:
    zh = {errno.EACCES: "没有读取权限", errno.EPERM: "没有读取权限", errno.ENAMETOOLONG: "文件名过长",
          errno.ELOOP: "符号链接循环", errno.EIO: "读写错误"}.get(exc.errno or -1)
    en = exc.strerror or exc.__class__.__name__
    return f"{zh}（{en}）" if zh else en


# ----------------------------------------------------------------------------------------
# scalars: YAML 1.2 core schema
