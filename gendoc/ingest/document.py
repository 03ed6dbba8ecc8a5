"""What every source reader produces: the report as a list of paragraphs and tables.

Readers differ (HTML, Word, PDF, plain text); everything after them — the label matcher,
the narrative splitter, the audit — sees only this. A table is an expanded grid: every
position holds the cell covering it, so a merged cell appears at each position it spans and
is recognised as one cell by its `ident`.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Cell:
    text: str          # normalised text (see normalize.clean)
    ident: int         # the same for every grid position one merged source cell covers
    line: int = 0      # where the cell starts in the source (0: unknown)
    col: int = 0


@dataclass
class Table:
    rows: list[list[Cell]]
    line: int = 0


@dataclass
class Paragraph:
    text: str
    line: int = 0
    col: int = 0
    heading: bool = False  # marked up as a heading (<h1>–<h6>, Word heading style)


Block = Paragraph | Table


@dataclass
class SourceDocument:
    """One source file, read. `findings` are the reader's own (encoding, size, damage)."""

    file: str
    digest: str                                  # sha256 of the bytes read
    blocks: list[Block] = field(default_factory=list)
    title: str = ""                              # <title>, document core title
    published: str | None = None                 # from metadata, when the format has it
    kind_of_file: str = "text"                   # html | docx | pdf | text
    findings: list = field(default_factory=list)

    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]
