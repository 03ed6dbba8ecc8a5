"""A source file → SourceDocument, by its type; every failure a finding, never a traceback.

The reader is chosen by the file's suffix (a table here: the Excel import of drafts adds
its own entry the same way). Files are read with a size limit first: a 50 MB page is not an
annual report, and nothing is parsed before that is known.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Callable

from gendoc.diagnostics import ERROR, Diagnostic
from gendoc.ingest.document import SourceDocument

MAX_BYTES = 20 * 1024 * 1024   # the largest real report seen is a few MB (a PDF with images)


def _html(raw: bytes, file: str, digest: str) -> SourceDocument:
    from gendoc.ingest.read_html import read_html

    return read_html(raw, file, digest)


def _text(raw: bytes, file: str, digest: str) -> SourceDocument:
    from gendoc.ingest.read_text import read_text

    return read_text(raw, file, digest)


def _markdown(raw: bytes, file: str, digest: str) -> SourceDocument:
    from gendoc.ingest.read_markdown import read_markdown

    return read_markdown(raw, file, digest)


def _docx(raw: bytes, file: str, digest: str) -> SourceDocument:
    from gendoc.ingest.read_docx import read_docx

    return read_docx(raw, file, digest)


def _pdf(raw: bytes, file: str, digest: str) -> SourceDocument:
    from gendoc.ingest.read_pdf import read_pdf

    return read_pdf(raw, file, digest)


READERS: dict[str, Callable[[bytes, str, str], SourceDocument]] = {
    ".html": _html, ".htm": _html, ".shtml": _html, ".xhtml": _html,
    ".txt": _text, ".text": _text, ".md": _markdown, ".markdown": _markdown,
    ".docx": _docx,
    ".pdf": _pdf,
}


def suffixes() -> list[str]:
    return sorted(READERS)


def read_source(path: Path) -> SourceDocument:
    file = str(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        return _failed(file, "", Diagnostic(ERROR, "I005", {"suffix": path.suffix or path.name}, file))
    try:
        size = os.stat(file).st_size
        if not path.is_file():
            return _failed(file, "", Diagnostic(ERROR, "F002", {"target": file}, file))
        if size > MAX_BYTES:
            return _failed(file, "", Diagnostic(ERROR, "I002", {"size": size, "limit": MAX_BYTES}, file))
        with open(file, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return _failed(file, "", Diagnostic(ERROR, "F001", {"target": file}, file))
    except OSError as exc:
        return _failed(file, "", Diagnostic(ERROR, "F003", {"reason": exc.strerror or str(exc)}, file))
    if len(raw) > MAX_BYTES:
        return _failed(file, "", Diagnostic(ERROR, "I002", {"size": len(raw), "limit": MAX_BYTES}, file))
    digest = hashlib.sha256(raw).hexdigest()
    try:
        return reader(raw, file, digest)
    except Exception as exc:
        return _failed(file, digest, Diagnostic(ERROR, "I004", {"reason": f"{type(exc).__name__}: {exc}"[:200]}, file))


def _failed(file: str, digest: str, finding: Diagnostic) -> SourceDocument:
    doc = SourceDocument(file=file, digest=digest)
    doc.findings.append(finding)
    return doc
