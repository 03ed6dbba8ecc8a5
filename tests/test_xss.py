"""Every text field of a report is hostile input: the built HTML must contain nothing that runs."""
from __future__ import annotations

import re
import zlib
from pathlib import Path
from html.parser import HTMLParser

import yaml

from gendoc.cli.main import main
from gendoc.render.engine import narrative_paths

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "<svg/onload=alert(3)>",
    "[点我](javascript:alert(4))",
    "<a href=\"javascript:alert(5)\">x</a>",
    "\"><iframe src=//evil.example></iframe>",
    "<style>body{background:url(javascript:alert(6))}</style>",
    "![x](javascript:alert(7))",
    "<details open ontoggle=alert(8)>",
]
ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "main", "header", "h1", "h2", "h3", "p",
                "div", "section", "table", "thead", "tbody", "tr", "th", "td", "strong", "em", "ul", "ol",
                "li", "a", "code", "br", "blockquote", "hr", "caption", "small", "span", "pre"}
# The overview pages add gendoc's own navigation, filter form, charts and filter script.
OVERVIEW_TAGS = {"nav", "form", "fieldset", "legend", "label", "input", "figure", "figcaption", "svg", "desc",
                 "rect", "line", "text", "script", "link"}
OWN_SCRIPT = (Path(__file__).resolve().parent.parent / "templates" / "overview" / "overview.js").read_text(encoding="utf-8")


class Audit(HTMLParser):
    def __init__(self, overview: bool = False):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.styles = 0
        self.allowed = ALLOWED_TAGS | (OVERVIEW_TAGS if overview else set())
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        if tag not in self.allowed:
            self.problems.append(f"tag <{tag}>")
        self.in_script = tag == "script"
        if tag == "style":
            self.styles += 1
        if tag == "link":  # the one link: gendoc's own shared overview stylesheet, relative
            link = dict(attrs)
            if link.get("rel") != "stylesheet" or not re.fullmatch(r"(\.\./)*gendoc-overview\.css", link.get("href") or ""):
                self.problems.append(f"<link> other than the overview stylesheet: {link}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"handler {name} on <{tag}>")
            if name in ("href", "src", "action", "formaction") and value and \
                    value.strip().lower().replace("\t", "").startswith(("javascript:", "data:", "vbscript:")):
                self.problems.append(f"{name}={value}")


    def handle_data(self, data):
        # The one script allowed is gendoc's own overview.js, byte for byte.
        if self.in_script and data.strip() != OWN_SCRIPT.strip():
            self.problems.append("a script that is not gendoc's overview.js")

    def handle_endtag(self, tag):
        self.in_script = False


def _fixed_choice(index, path) -> bool:
    """A string the schema pins to a list of choices or a pattern (other than an e-mail
    address): a payload there is refused by the schema, never rendered."""
    if index is None:
        return False
    return bool(index.get(path, "enum")) or (bool(index.get(path, "pattern")) and path[-1] != "email")


def poison(value, path=(), narrative=frozenset(), index=None):
    """Append a payload to every string of the report, keeping Jinja syntax intact."""
    if isinstance(value, dict):
        return {k: poison(v, path + (k,), narrative, index) for k, v in value.items()}
    if isinstance(value, list):
        return [poison(v, path + (i,), narrative, index) for i, v in enumerate(value)]
    if isinstance(value, str) and path and path[0] not in ("format", "published") and path[-1] != "postcode" \
            and not _fixed_choice(index, path) \
            and not (len(path) >= 3 and path[0] == "facts" and path[-1] == "value"):
        # A fixed choice per field (crc32, not hash(): the same every run); an e-mail address
        # must still fit its pattern, so it gets the payload without spaces.
        payload = PAYLOADS[0] if path[-1] == "email" else PAYLOADS[zlib.crc32(repr(path).encode()) % len(PAYLOADS)]
        return value + "\n\n" + "\n\n".join(PAYLOADS) if path in narrative else value + payload
    return value


def test_no_executable_content_from_any_text_field(project, tmp_path, capsys):
    from gendoc.kind.registry import KindRegistry

    registry = KindRegistry(project)
    for report in sorted((project / "reports").rglob("*.yaml")):
        data = yaml.safe_load(report.read_text(encoding="utf-8"))
        index = registry.get(data["format"]).index
        narrative = frozenset(narrative_paths(index, data))
        report.write_text(yaml.safe_dump(poison(data, (), narrative, index), allow_unicode=True, sort_keys=False),
                          encoding="utf-8")
    out = tmp_path / "out"
    code = main(["build", "--root", str(project), "-o", str(out)])
    assert code == 0, capsys.readouterr().out
    built = sorted(out.rglob("*.html"))
    reports = [p for p in built if not p.name.startswith("index")]
    assert len(reports) == 7 and len(built) == 7 + 4 + 4  # reports, overview of 3 years, 4 sites and agencies
    for page in built:
        overview = page.name.startswith("index")
        audit = Audit(overview)
        text = page.read_text(encoding="utf-8")
        audit.feed(text)
        assert audit.problems == [], page
        assert audit.styles <= 1  # only gendoc's own stylesheet
        assert "&lt;script&gt;" in text or (overview and "<script>alert" not in text)
    for md_file in sorted(out.rglob("*.md")):
        md = md_file.read_text(encoding="utf-8")
        # Code-hosting sites render raw HTML inside Markdown: no tag may survive, only text —
        # but gendoc's own tables with merged cells (table 三): table rows and cells, spans
        # and alignment, nothing else
        own = re.sub(r'</?(?:table|tr|th|td)(?: (?:colspan|rowspan)="\d+"| align="right")*>', "", md)
        assert re.findall(r"<(?!https?://)[A-Za-z!/?]", own) == [], md_file
        assert "](javascript:" not in md.replace("\\](javascript:", ""), md_file
