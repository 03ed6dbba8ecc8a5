"""The Hugo side of `make bench-peers`: a Hugo 0.111 site that renders a project's reports,
each as an HTML page and a Markdown page — what gendoc's timed build (`--outputs html,md`)
writes.

Hugo reads the project's report files themselves, unchanged: the `reports/` folder is mounted
as Hugo data (`data/reports/<agency>/<year>.yaml`, `site.Data.reports`). Hugo 0.111 makes
pages only from content files (content adapters, which make pages from data, came with
0.126), so each report gets a content file of two front-matter lines naming its agency and
year — what a site of reports in Hugo keeps by hand. Everything else happens in Hugo, at
build time, per report: the derived figures (总计, 小计), last year's report for 同比, the
narratives (Markdown with figures) and the three tables.

The narratives are written in gendoc's template language (Jinja). Hugo cannot run Jinja, so
each distinct narrative text is translated once, here, into a Go-template partial named by
the MD5 of the text (`layouts/partials/n/<md5>.html`); Hugo picks it by the hash of the
text it reads from the data and runs it with the report's figures — the translation of what
a Hugo author would have written by hand. The tables' layout (official labels, merged
cells) comes from the kind's schema as data (`data/shapes/<kind>.json`, written by
`bench.peers_layout`), the Hugo equivalent of writing out each table's HTML and Markdown once.

The Markdown page is a custom output format (media type text/markdown, plain text:
`outputs: page: [HTML, MD]`) with its own layout (`_default/single.md`), carrying gendoc's
Markdown: the same headings, prose, pipe tables, and 表三 as an HTML table with its merged
cells. What both pages need from the data — the derived figures, last year's, each narrative
as Markdown with its figures — is worked out once per page (`partials/report.html`, kept in
the page's `.Store`, which the second output format finds filled; last year's derived figures
come from `partialCached`, keyed on agency and year); the HTML page then renders the
narratives' Markdown, the Markdown page writes it as it is.
Validation: none — Hugo has none.
"""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import yaml
from jinja2 import Environment, nodes

from bench.peers_layout import export_layouts, is_derived

SKELETON = Path(__file__).resolve().parent / "peers" / "hugo"

# The gendoc filters the narratives use, as Hugo partials (bench/peers/hugo/layouts/partials/f/):
# filter name → (partial, names of its positional arguments after the value, keyword names).
FILTERS = {
    "yoy": ("f/yoy.html", ["b", "u"], {"pct": "pct"}),
    "pct": ("f/pct.html", ["b"], {}),
    "date_zh": ("f/date_zh.html", ["f"], {}),
    "amount": ("f/amount.html", ["u"], {}),
}


class Untranslatable(ValueError):
    """A narrative uses template syntax the translation does not cover."""


def _go_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


class _Translator:
    """One narrative (a Jinja template) → one Go template. Data names resolve against the
    partial's context: `$.r` the report, `$.d` its derived figures (a Scratch keyed by dotted
    path), `$.p` / `$.pd` last year's report and its derived figures."""

    def __init__(self) -> None:
        self.loops: dict[str, tuple[str, str]] = {}  # loop variable → (index variable, list variable)
        self.counter = 0

    def template(self, text: str) -> str:
        return "".join(self.node(n) for n in Environment().parse(text).body)

    def node(self, node: nodes.Node) -> str:
        if isinstance(node, nodes.Output):
            return "".join(self.node(n) for n in node.nodes)
        if isinstance(node, nodes.TemplateData):
            if "{{" in node.data:
                raise Untranslatable("literal '{{' in a narrative")
            return node.data
        if isinstance(node, nodes.If):
            out = "{{ if " + self.expr(node.test) + " }}" + "".join(self.node(n) for n in node.body)
            for branch in node.elif_:
                out += "{{ else if " + self.expr(branch.test) + " }}" + "".join(self.node(n) for n in branch.body)
            if node.else_:
                out += "{{ else }}" + "".join(self.node(n) for n in node.else_)
            return out + "{{ end }}"
        if isinstance(node, nodes.For):
            if not isinstance(node.target, nodes.Name) or node.else_ or node.test:
                raise Untranslatable("for loop form")
            self.counter += 1
            index, items = f"$i{self.counter}", f"$l{self.counter}"
            self.loops[node.target.name] = (index, items)
            head = "{{ " + items + " := " + self.expr(node.iter) + " }}{{ range " + index + ", $" + node.target.name + " := " + items + " }}"
            body = "".join(self.node(n) for n in node.body)
            del self.loops[node.target.name]
            return head + body + "{{ end }}"
        if isinstance(node, nodes.Expr):
            return "{{ " + self.expr(node) + " }}"
        raise Untranslatable(type(node).__name__)

    def expr(self, node: nodes.Node) -> str:
        if isinstance(node, nodes.Const):
            if isinstance(node.value, bool):
                return "true" if node.value else "false"
            if isinstance(node.value, str):
                return _go_string(node.value)
            return repr(node.value)
        if isinstance(node, (nodes.Add, nodes.Sub)):
            return f"({'add' if isinstance(node, nodes.Add) else 'sub'} {self.expr(node.left)} {self.expr(node.right)})"
        if isinstance(node, nodes.Concat):
            return "(print " + " ".join(self.expr(n) for n in node.nodes) + ")"
        if isinstance(node, nodes.Or):
            return f"(or {self.expr(node.left)} {self.expr(node.right)})"
        if isinstance(node, nodes.And):
            return f"(and {self.expr(node.left)} {self.expr(node.right)})"
        if isinstance(node, nodes.Not):
            return f"(not {self.expr(node.node)})"
        if isinstance(node, nodes.Filter):
            if node.name not in FILTERS or node.node is None:
                raise Untranslatable(f"filter {node.name}")
            partial, names, keywords = FILTERS[node.name]
            if len(node.args) > len(names) or any(k.key not in keywords for k in node.kwargs):
                raise Untranslatable(f"arguments of {node.name}")
            parts = [f'"a" {self.expr(node.node)}']
            parts += [f'"{name}" {self.expr(arg)}' for name, arg in zip(names, node.args)]
            parts += [f'"{keywords[str(k.key)]}" {self.expr(k.value)}' for k in node.kwargs]
            return f'(partial "{partial}" (dict {" ".join(parts)}))'
        if isinstance(node, (nodes.Name, nodes.Getattr)):
            return self.lookup(node)
        raise Untranslatable(type(node).__name__)

    def lookup(self, node: nodes.Node) -> str:
        path: list[str] = []
        while isinstance(node, nodes.Getattr):
            path.insert(0, node.attr)
            node = node.node
        if not isinstance(node, nodes.Name):
            raise Untranslatable("lookup on an expression")
        root = node.name
        if root == "loop":
            index, items = next(reversed(self.loops.values()))
            attr = path[0]
            return {"last": f"(eq {index} (sub (len {items}) 1))", "first": f"(eq {index} 0)",
                    "index": f"(add {index} 1)", "index0": index}[attr]
        if root in self.loops:
            return "$" + root + "".join("." + p for p in path)
        data, derived = ("$.p", "$.pd") if root == "prev" else ("$.r", "$.d")
        if root != "prev":
            path.insert(0, root)
        if not path:
            return data
        if is_derived(path):
            return f'({derived}.Get "{".".join(path)}")'
        return "(index " + data + " " + " ".join(_go_string(p) for p in path) + ")"


def translate(text: str) -> str:
    """A narrative in gendoc's template language as a Go template for Hugo."""
    return _Translator().template(text)


def narrative_key(text: str) -> str:
    """The partial a narrative text is rendered by: Hugo computes the same with `md5`."""
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def narratives(data: dict, layout: dict) -> list[str]:
    """The narrative texts of one report, in page order (the sections the kind's layout names)."""
    texts = []
    for section in layout["sections"]:
        value = data.get(section["key"])
        if section["type"] == "text" and isinstance(value, str):
            texts.append(value)
        elif section["type"] == "section" and isinstance(value, dict):
            if isinstance(value.get("text"), str):
                texts.append(value["text"])
            texts.extend(part["text"] for part in value.get("parts", []) if isinstance(part.get("text"), str))
    return texts


def make_site(project: Path, site: Path) -> int:
    """The Hugo site for the project's reports at `site` (made afresh); returns the number of
    report pages. Run `hugo -s site -d OUT` to build it."""
    if site.exists():
        shutil.rmtree(site)
    shutil.copytree(SKELETON, site)
    reports = project / "reports"
    config = {
        "baseURL": "https://example.org/", "languageCode": "zh-CN", "title": "reports",
        "uglyURLs": True,  # <agency>/<year>.html, as gendoc writes
        "disableKinds": ["home", "section", "taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"],
        # Each report as HTML and as Markdown, as gendoc's timed build writes them: a plain-text
        # output format of the Markdown media type (layouts/_default/single.md).
        "outputFormats": {"MD": {"mediaType": "text/markdown", "isPlainText": True}},
        "outputs": {"page": ["HTML", "MD"]},
        "module": {"mounts": [
            {"source": "content", "target": "content"},
            {"source": "layouts", "target": "layouts"},
            {"source": "data", "target": "data"},
            # The project's report files as data.reports.<agency>.<year> (Hugo 0.111 puts a
            # folder mounted at data/reports at the root of site.Data: mount the project with
            # a filter instead).
            {"source": str(project.resolve()), "target": "data", "includeFiles": ["/reports/**"]},
        ]},
    }
    (site / "hugo.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    layouts = export_layouts(project)
    texts: set[str] = set()
    count = 0
    for path in sorted(reports.glob("*/*.yaml")):
        agency, year = path.parent.name, path.stem
        page = site / "content" / agency / f"{year}.md"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f"---\nagency: {agency}\nyear: {year}\n---\n", encoding="utf-8")
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        texts.update(narratives(data, layouts[data["format"]]))
        count += 1
    partials = site / "layouts" / "partials" / "n"
    partials.mkdir(parents=True, exist_ok=True)
    for text in texts:
        (partials / f"{narrative_key(text)}.html").write_text(translate(text), encoding="utf-8")
    (site / "data" / "shapes").mkdir(parents=True, exist_ok=True)
    for kind, layout in layouts.items():
        (site / "data" / "shapes" / f"{kind}.json").write_text(json.dumps(layout, ensure_ascii=False), encoding="utf-8")
    return count
