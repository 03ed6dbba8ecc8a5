"""The report as a Word file in the 党政机关公文格式 (GB/T 9704-2012).

    docx_bytes(blocks, grid, layout) -> bytes

`blocks` is the rendered HTML page as paragraphs, headings and table references
(gendoc.render.page_blocks); `grid(key)` gives each table's grid (gendoc.render.table_grid),
drawn here with exactly its merged cells (w:gridSpan, w:vMerge); `layout` is the page
description of templates/common/gongwen.yaml (margins, the 22 × 28 character grid, the
official fonts as East Asian fonts, page numbers `— 1 —` right on odd pages, left on even).

python-docx builds the document: page set-up, styles and footers once per layout (a `_Base`),
then each report's body. The package parts that never change (styles, settings, footers,
theme…) are serialized once; a report only serializes its own body and title. The zip is
written with fixed timestamps, so the same report gives byte-identical files.
"""
from __future__ import annotations

import copy
import io
import math
import zipfile
from typing import Any, Callable
from xml.sax.saxutils import escape

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from lxml import etree

from gendoc.render.page_blocks import Block
from gendoc.render.table_grid import Cell, Grid

TWIPS_PER_MM = 1440 / 25.4
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # zip entries: no build time inside the file
_DOCUMENT_PART = "word/document.xml"
_CORE_PART = "docProps/core.xml"


def twips(mm: float) -> int:
    return round(mm * TWIPS_PER_MM)


def docx_bytes(blocks: list[Block], grid: Callable[[str], Grid], layout: dict, title: str = "") -> bytes:
    return _base(layout).write(blocks, grid, title)


_BASES: dict[int, _Base] = {}


def _base(layout: dict) -> _Base:
    base = _BASES.get(id(layout))
    if base is None or base.layout is not layout:
        base = _BASES[id(layout)] = _Base(layout)
    return base


# -- the page, the styles, the footers: once per layout --------------------------------------

class _Base:
    def __init__(self, layout: dict):
        self.layout = layout
        page, fonts = layout["page"], layout["fonts"]
        self.page = page
        self.fonts = fonts
        self.doc = Document()
        package = self.doc.part.package
        for key, rel in list(package.rels.items()):
            if rel.reltype.endswith("/thumbnail"):  # python-docx's picture of an empty page
                package.rels.pop(key)
        self.core_width = twips(page["width"] - page["inside"] - page["outside"])
        self.core_height = twips(page["height"] - page["top"] - page["bottom"])
        self.line = self.core_height // layout["grid"]["lines"]  # 22 lines: 579 twips
        self._styles()
        self._settings()
        section_pr = self.doc.sections[0]._sectPr
        self._page(section_pr, landscape=False)
        self._footers()
        self._document_frame()
        self.static = self._static_parts()

    # fonts and styles
    def _rfonts(self, font: dict) -> str:
        name, latin = escape(font["name"], {'"': "&quot;"}), escape(font.get("latin") or font["name"], {'"': "&quot;"})
        return f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{name}" w:cs="{latin}"/>'

    def condense(self, size: float) -> int:
        """Character spacing (twips, negative) that puts `grid.chars` characters of `size`
        points on a line of the 版心: 28 × 3号 needs 15.8 pt a character, not 16."""
        pitch = self.core_width / self.layout["grid"]["chars"]  # twips
        return min(0, math.floor(float(pitch) - size * 20))

    def _rpr(self, font: dict, bold: bool = False, condensed: bool = False) -> str:
        size = round(font["size"] * 2)
        weight = "<w:b/><w:bCs/>" if bold else '<w:b w:val="0"/><w:bCs w:val="0"/>'
        spacing = f'<w:spacing w:val="{self.condense(font["size"]) if condensed else 0}"/>'
        return (f"<w:rPr {nsdecls('w')}>{self._rfonts(font)}{weight}"
                f'<w:color w:val="000000"/>{spacing}<w:kern w:val="0"/><w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
                '<w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr>')

    def _ppr_children(self, jc: str, first_chars: int, size: float, after: int = 0, exact: bool = True,
                      snap: bool = True) -> str:
        """Paragraph properties in schema order: autoSpaceDE/DN, snapToGrid, spacing, ind, jc."""
        indent = (f'<w:ind w:firstLineChars="{first_chars * 100}" w:firstLine="{round(first_chars * size * 20)}"/>'
                  if first_chars else '<w:ind w:firstLineChars="0" w:firstLine="0"/>')
        spacing = (f'<w:spacing w:before="0" w:after="{after}" w:line="{self.line}" w:lineRule="exact"/>' if exact
                   else '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>')
        # No automatic gap between Chinese and Latin or digits: "申请10件" is typed without
        # spaces, and a gap would copy out of the PDF as one ("申请 10件").
        return ('<w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>' + ("" if snap else '<w:snapToGrid w:val="0"/>')
                + f'{spacing}{indent}<w:jc w:val="{jc}"/>')

    def _ppr(self, *args, **kwargs) -> str:
        return f"<w:pPr {nsdecls('w')}>{self._ppr_children(*args, **kwargs)}</w:pPr>"

    def _set_style(self, style_id: str, ppr: str, rpr: str) -> None:
        style = self.doc.styles.element.get_by_id(style_id)
        for old in style.findall(qn("w:pPr")) + style.findall(qn("w:rPr")):
            style.remove(old)
        style.append(parse_xml(ppr))
        style.append(parse_xml(rpr))

    def _styles(self) -> None:
        f = self.fonts
        styles = self.doc.styles.element
        # Document defaults: the body font and size, no theme fonts (they would override the
        # official East Asian font), Chinese as the East Asian language.
        defaults = styles.find(qn("w:docDefaults"))
        defaults.getparent().remove(defaults)
        styles.insert(0, parse_xml(
            f"<w:docDefaults {nsdecls('w')}><w:rPrDefault>{self._rpr(f['body'])}</w:rPrDefault>"
            f"<w:pPrDefault><w:pPr>{self._ppr_children('both', 0, 0)}</w:pPr></w:pPrDefault></w:docDefaults>"))
        body = f["body"]["size"]
        self._set_style("Normal", self._ppr("both", 2, body), self._rpr(f["body"], condensed=True))
        self._set_style("Title", self._ppr("center", 0, f["title"]["size"], after=self.line), self._rpr(f["title"]))
        self._set_style("Heading1", self._ppr("both", 2, body), self._rpr(f["heading1"], condensed=True))
        self._set_style("Heading2", self._ppr("both", 2, body), self._rpr(f["heading2"], condensed=True))
        self._set_style("Footer", self._ppr("right", 0, f["page_number"]["size"], exact=False), self._rpr(f["page_number"]))
        for heading in ("Heading1", "Heading2", "Title"):  # keep a heading with what follows it
            ppr = self.doc.styles.element.get_by_id(heading).find(qn("w:pPr"))
            ppr.insert(0, parse_xml(f"<w:keepNext {nsdecls('w')}/>"))
        styles.append(parse_xml(
            f'<w:style {nsdecls("w")} w:type="paragraph" w:customStyle="1" w:styleId="TableText">'
            '<w:name w:val="Table Text"/><w:basedOn w:val="Normal"/><w:qFormat/>'
            f"<w:pPr>{self._ppr_children('center', 0, 0, exact=False, snap=False)}</w:pPr>"
            f"{self._rpr(f['table'])}</w:style>"))

    def _settings(self) -> None:
        settings = self.doc.settings.element
        # Odd and even pages have their own footers; the margins mirror for double-sided
        # printing, so the 订口 is always on the binding side.
        for tag in ("w:evenAndOddHeaders", "w:mirrorMargins"):
            if settings.find(qn(tag)) is None:
                settings.append(parse_xml(f"<{tag} {nsdecls('w')}/>"))
        _sort_settings(settings)

    def _page(self, sect_pr, landscape: bool) -> None:
        p = self.page
        width, height = twips(p["width"]), twips(p["height"])
        top, bottom, inside, outside = (twips(p[k]) for k in ("top", "bottom", "inside", "outside"))
        if landscape:  # the 版心 turned with the page: 225 mm wide, 156 mm high
            width, height = height, width
            top, bottom, inside, outside = inside, outside, top, bottom
        for tag in ("w:pgSz", "w:pgMar", "w:docGrid", "w:cols"):
            for old in sect_pr.findall(qn(tag)):
                sect_pr.remove(old)
        orient = ' w:orient="landscape"' if landscape else ""
        elements = [
            f'<w:pgSz {nsdecls("w")} w:w="{width}" w:h="{height}"{orient}/>',
            f'<w:pgMar {nsdecls("w")} w:top="{top}" w:right="{outside}" w:bottom="{bottom}" w:left="{inside}" '
            f'w:header="851" w:footer="{twips(p["footer"])}" w:gutter="0"/>',
            f'<w:cols {nsdecls("w")} w:space="425"/>',
            # A line grid only: a character grid narrower than the font (28 characters of 3号
            # in 156 mm) makes LibreOffice give each character two cells. The 28 characters
            # come from the body text's character spacing instead (see `condense`).
            f'<w:docGrid {nsdecls("w")} w:type="lines" w:linePitch="{self.line}"/>',
        ]
        # Schema order: headerReference/footerReference, …, pgSz, pgMar, …, cols, …, docGrid.
        refs = [e for e in sect_pr if e.tag in (qn("w:headerReference"), qn("w:footerReference"))]
        rest = [e for e in sect_pr if e not in refs]
        for e in rest:
            sect_pr.remove(e)
        position = len(refs)
        for xml in elements[:2]:
            sect_pr.insert(position, parse_xml(xml))
            position += 1
        for e in rest:
            if e.tag in (qn("w:titlePg"), qn("w:textDirection"), qn("w:bidi"), qn("w:rtlGutter")):
                sect_pr.append(e)
        sect_pr.insert(position, parse_xml(elements[2]))
        sect_pr.insert(position + 1, parse_xml(elements[3]))

    def _footers(self) -> None:
        section = self.doc.sections[0]
        number = self.layout["page_number"]
        indent = round(number.get("indent_chars", 1) * self.fonts["page_number"]["size"] * 20)
        for footer, jc, side in ((section.footer, "right", "right"), (section.even_page_footer, "left", "left")):
            footer.is_linked_to_previous = False
            paragraph = footer.paragraphs[0]
            paragraph.style = self.doc.styles["Footer"]
            ppr = paragraph._p.get_or_add_pPr()
            ppr.append(parse_xml(f'<w:ind {nsdecls("w")} w:{side}="{indent}"/>'))
            ppr.append(parse_xml(f'<w:jc {nsdecls("w")} w:val="{jc}"/>'))
            before, _, after = number["text"].partition("{page}")
            for xml in _page_field(before, after):
                paragraph._p.append(parse_xml(xml))

    def _document_frame(self) -> None:
        """word/document.xml as text around its body, and the section properties a report
        may need: a report's body is then written as text, without parsing XML."""
        body = self.doc.element.body
        sect_pr = body.sectPr
        refs = (qn("w:headerReference"), qn("w:footerReference"))

        def text(element) -> str:
            return str(etree.tostring(element, encoding="unicode"))

        def unlinked(landscape: bool) -> str:  # a later section: it inherits the footers
            copy_ = copy.deepcopy(sect_pr)
            for e in [e for e in copy_ if e.tag in refs]:
                copy_.remove(e)
            self._page(copy_, landscape)
            return text(copy_)

        self.sections = {"first": text(sect_pr), False: unlinked(False), True: unlinked(landscape=True)}
        for child in list(body):
            body.remove(child)
        body.append(etree.Comment("gendoc-body"))
        whole = self.doc.part.blob.decode("utf-8")
        body.remove(body[0])
        body.append(sect_pr)
        self.head, self.tail = whole.split("<!--gendoc-body-->")

    def _static_parts(self) -> bytes:
        """A zip of every part but the report's own two, compressed once: each report's file
        is this zip with its body and title appended (compressing the styles, theme and
        settings again for every report cost more than writing the report)."""
        saved = io.BytesIO()
        self.doc.save(saved)
        buffer = io.BytesIO()
        with zipfile.ZipFile(saved) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in source.namelist():
                if name not in (_DOCUMENT_PART, _CORE_PART):
                    info = zipfile.ZipInfo(name, _FIXED_TIME)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    archive.writestr(info, source.read(name))
        return buffer.getvalue()

    # -- one report ------------------------------------------------------------------------
    def write(self, blocks: list[Block], grid: Callable[[str], Grid], title: str) -> bytes:
        out: list[str] = []
        wide = self.layout["tables"].get("landscape_from", 10 ** 6)
        grids = {b.grid: grid(b.grid) for b in blocks if b.kind == "table"}
        landscape = False
        ending: Any = "first"  # the section properties of the section being written

        for i, block in enumerate(blocks):
            # A wide table turns its page (with its heading) to landscape, then back.
            upcoming = _table_ahead(blocks, i)
            turn = upcoming is not None and grids[upcoming].width >= wide
            if turn != landscape:
                out.append(f"<w:p><w:pPr>{self.sections[ending]}</w:pPr></w:p>")
                landscape = turn
                ending = landscape
            if block.kind == "table":
                out.append(self._table(grids[block.grid], landscape))
            else:
                out.append(_paragraph_xml(block))
        out.append(self.sections[ending])
        document = (self.head + "".join(out) + self.tail).encode("utf-8")
        core = self.doc.core_properties
        core.title = title or next((b.text for b in blocks if b.kind == "title"), "")
        core.author = core.last_modified_by = "gendoc"
        return self._zip(document, _core_blob(self.doc))

    def _table(self, g: Grid, landscape: bool) -> str:
        width = self.core_height if landscape else self.core_width  # a landscape page turns the 版心
        size = _table_font_size(self.layout["tables"]["sizes"], g.width)
        return table_xml(g, width, size, twips(self.layout["tables"].get("cell_margin", 1)))

    def _zip(self, document: bytes, core: bytes) -> bytes:
        buffer = io.BytesIO(self.static)
        buffer.seek(0, io.SEEK_END)
        with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
            for name, data in ((_DOCUMENT_PART, document), (_CORE_PART, core)):
                info = zipfile.ZipInfo(name, _FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data)
        return buffer.getvalue()


def _core_blob(doc) -> bytes:
    """docProps/core.xml without creation and modification times (a build date would make
    every build a different file)."""
    part = doc.core_properties._element
    for tag in ("dcterms:created", "dcterms:modified", "cp:lastPrinted"):
        for old in part.findall(qn(tag)):
            part.remove(old)
    return bytes(doc.part.package._core_properties_part.blob)


def _table_ahead(blocks: list[Block], i: int) -> str | None:
    """The table this block belongs with: itself, or the one its heading (or the headings
    and paragraphs just before it, up to the previous table or heading of level 1) opens."""
    for block in blocks[i:]:
        if block.kind == "table":
            return block.grid
        if block.kind == "title" or (block.kind == "heading" and block.level == 1 and block is not blocks[i]):
            return None
    return None


def _table_font_size(sizes: list, columns: int) -> float:
    for limit, size in sizes:
        if columns <= limit:
            return float(size)
    return float(sizes[-1][1])


_HEADING_STYLES = {1: "Heading1", 2: "Heading2"}


def _paragraph_xml(block: Block) -> str:
    """One paragraph as WordprocessingML text (the document's namespaces are declared on
    its root): the style carries the font, size, indent and line pitch."""
    style = "Title" if block.kind == "title" else _HEADING_STYLES.get(block.level) if block.kind == "heading" else None
    props = f'<w:pStyle w:val="{style}"/>' if style else ""
    if block.kind == "paragraph" and block.align == "center":
        props += '<w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/>'
    strong = block.kind == "heading" and block.level > 2  # below 二级标题: bold body text
    runs = []
    for run in block.runs:
        rpr = ("<w:b/><w:bCs/>" if run.bold or strong else "") + ("<w:i/><w:iCs/>" if run.italic else "")
        text = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in run.text.split("\n"))
        runs.append(f"<w:r>{f'<w:rPr>{rpr}</w:rPr>' if rpr else ''}{text}</w:r>")
    return f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}{''.join(runs)}</w:p>"


def _page_field(before: str, after: str) -> list[str]:
    """`— PAGE —` as runs with a complex field (Word and LibreOffice both update it)."""
    w = nsdecls("w")

    def text(t: str) -> str:
        return f'<w:r {w}><w:t xml:space="preserve">{escape(t)}</w:t></w:r>'

    return [
        text(before),
        f'<w:r {w}><w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r {w}><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>',
        f'<w:r {w}><w:fldChar w:fldCharType="separate"/></w:r>',
        text("1"),
        f'<w:r {w}><w:fldChar w:fldCharType="end"/></w:r>',
        text(after),
    ]


_SETTINGS_ORDER = [
    "writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime", "doNotDisplayPageBoundaries",
    "displayBackgroundShape", "printPostScriptOverText", "printFractionalCharacterWidth", "printFormsData",
    "embedTrueTypeFonts", "embedSystemFonts", "saveSubsetFonts", "saveFormsData", "mirrorMargins", "alignBordersAndEdges",
    "bordersDoNotSurroundHeader", "bordersDoNotSurroundFooter", "gutterAtTop", "hideSpellingErrors",
    "hideGrammaticalErrors", "activeWritingStyle", "proofState", "formsDesign", "attachedTemplate", "linkStyles",
    "stylePaneFormatFilter", "stylePaneSortMethod", "documentType", "mailMerge", "revisionView", "trackRevisions",
    "doNotTrackMoves", "doNotTrackFormatting", "documentProtection", "autoFormatOverride", "styleLockTheme",
    "styleLockQFSet", "defaultTabStop", "autoHyphenation", "consecutiveHyphenLimit", "hyphenationZone",
    "doNotHyphenateCaps", "showEnvelope", "summaryLength", "clickAndTypeStyle", "defaultTableStyle",
    "evenAndOddHeaders", "bookFoldRevPrinting", "bookFoldPrinting", "bookFoldPrintingSheets",
    "drawingGridHorizontalSpacing", "drawingGridVerticalSpacing", "displayHorizontalDrawingGridEvery",
    "displayVerticalDrawingGridEvery", "doNotUseMarginsForDrawingGridOrigin", "drawingGridHorizontalOrigin",
    "drawingGridVerticalOrigin", "doNotShadeFormData", "noPunctuationKerning", "characterSpacingControl",
    "printTwoOnOne", "strictFirstAndLastChars", "noLineBreaksAfter", "noLineBreaksBefore", "savePreviewPicture",
    "doNotValidateAgainstSchema", "saveInvalidXml", "ignoreMixedContent", "alwaysShowPlaceholderText",
    "doNotDemarcateInvalidXml", "saveXmlDataOnly", "useXSLTWhenSaving", "saveThroughXslt", "showXMLTags",
    "alwaysMergeEmptyNamespace", "updateFields", "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars",
    "rsids", "mathPr", "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary",
    "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator",
]


def _sort_settings(settings) -> None:
    """Settings in the order the schema prescribes (Word refuses a file otherwise)."""
    rank = {qn(f"w:{name}"): i for i, name in enumerate(_SETTINGS_ORDER)}
    children = list(settings)
    children.sort(key=lambda e: rank.get(e.tag, len(rank)))
    for child in children:
        settings.remove(child)
        settings.append(child)


# -- tables --------------------------------------------------------------------------------------

def _positions(g: Grid) -> tuple[list[list[Cell]], dict[int, tuple[int, int]]]:
    """The grid's matrix and each cell's top-left position."""
    matrix = g.matrix()
    origin: dict[int, tuple[int, int]] = {}
    for r, row in enumerate(matrix):
        for c, cell in enumerate(row):
            origin.setdefault(id(cell), (r, c))
    return matrix, origin


def label_columns(matrix: list[list[Cell]], header_rows: int) -> int:
    """Leading grid columns that hold only labels in every row with figures."""
    rows = [row for row in matrix[header_rows:] if any(not c.header for c in row)]
    count = 0
    while rows and count < len(rows[0]) and all(row[count].header for row in rows):
        count += 1
    return count


def column_widths(g: Grid, matrix: list[list[Cell]], total: int) -> list[int]:
    """Label columns as wide as their longest one-column label needs (3–9 characters; a
    group label spanning several rows may wrap over them); figure columns as their heads
    (which may wrap once) and their values (text values too: names, addresses) need,
    2.5–14 characters. Only the proportions matter: the table fills the 版心."""
    labels = label_columns(matrix, len(g.header_rows))
    weights = []
    for c in range(g.width):
        cells = {id(row[c]): row[c] for row in matrix}.values()
        if c < labels:
            need = max((len(x.text) / x.rowspan for x in cells if x.colspan == 1 and x.header), default=0)
            weights.append(min(9.0, max(3.0, need)))
        else:
            need = max((len(x.text) / (2 if x.header else 1) for x in cells if x.colspan == 1), default=0)
            weights.append(min(14.0, max(2.5, need)))
    scale = total / sum(weights)
    widths = [int(w * scale) for w in weights]
    widths[-1] += total - sum(widths)
    return widths


def table_xml(g: Grid, total_width: int, font_size: float, cell_margin: int) -> str:
    matrix, origin = _positions(g)
    widths = column_widths(g, matrix, total_width)
    size = round(font_size * 2)
    run_pr = f'<w:rPr><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>'
    bold_pr = f'<w:rPr><w:b/><w:bCs/><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>'
    border = 'w:val="single" w:sz="4" w:space="0" w:color="000000"'
    out = [
        f'<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
        '<w:jc w:val="center"/>'
        f'<w:tblBorders><w:top {border}/><w:left {border}/><w:bottom {border}/><w:right {border}/>'
        f'<w:insideH {border}/><w:insideV {border}/></w:tblBorders>'
        '<w:tblLayout w:type="fixed"/>'
        f'<w:tblCellMar><w:left w:w="{cell_margin}" w:type="dxa"/><w:right w:w="{cell_margin}" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>'
        '</w:tblPr><w:tblGrid>',
        "".join(f'<w:gridCol w:w="{x}"/>' for x in widths),
        "</w:tblGrid>",
    ]
    for r, row in enumerate(matrix):
        # Rows never split across pages; the column heads repeat on every page. A row of heads
        # only (the column heads, a sub-table's 第二十条第（一）项 and its heads) keeps with the
        # row after it, so that no page ends on heads without a figure under them (Word keeps
        # a row whose paragraphs are "keep with next" on the page of the next row).
        keep = "<w:keepNext/>" if all(cell.header for cell in row) else ""
        out.append("<w:tr><w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if r < len(g.header_rows) else "") + "</w:trPr>")
        c = 0
        while c < g.width:
            cell = row[c]
            top, _ = origin[id(cell)]
            span = cell.colspan
            props = f'<w:tcW w:w="{sum(widths[c:c + span])}" w:type="dxa"/>'
            if span > 1:
                props += f'<w:gridSpan w:val="{span}"/>'
            if cell.rowspan > 1:
                props += '<w:vMerge w:val="restart"/>' if top == r else "<w:vMerge/>"
            props += '<w:vAlign w:val="center"/>'
            jc = "left" if cell.role in ("label", "group", "caption") else "center"
            text = cell.text if top == r else ""
            rpr = bold_pr if cell.role == "caption" else run_pr
            runs = f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>' if text else ""
            out.append(f'<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:pPr><w:pStyle w:val="TableText"/>{keep}'
                       f'<w:jc w:val="{jc}"/>{rpr}</w:pPr>{runs}</w:p></w:tc>')
            c += span
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)
