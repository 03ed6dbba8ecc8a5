"""Narratives that differ only in their wording share one compiled template.

Every agency writes its own prose around the same few placeholders (`{{ year }}年`,
`{{ table3.new_received.total }}件`), and each year it rewords last year's. Compiling a
narrative (Jinja's code generator, then Python's) costs about 1.1 ms of the 1.6 ms it takes
from text to template; a build of a thousand agencies' reports would compile some twelve
thousand. So the parsed tree's text pieces (`TemplateData`) are lifted out into variables,
and the tree that remains — the *skeleton*: tags, expressions and line numbers, no wording —
is compiled once for every narrative that has it. Rendering passes the narrative's own
pieces as those variables; `{{ name }}` of a text outputs it unchanged (the narrative
environment neither escapes nor finalises), so the output is the one the narrative's own
template would give, piece for piece, and a failure names the same line (the skeleton keeps
every node's line). tests/test_narrative_skeleton.py renders every narrative of the
project's reports both ways.
"""
from __future__ import annotations

from typing import Iterator

from jinja2 import Environment, Template, nodes

# The variables that hold the text pieces; a narrative that names one itself is compiled as
# it is (no author would, but then nothing can mix them up).
PIECE = "_gendoc_text_"
_MAX_SKELETONS = 2048


class Narrative:
    """A compiled skeleton with one narrative's own text pieces."""

    __slots__ = ("template", "pieces")

    def __init__(self, template: Template, pieces: dict[str, str]):
        self.template = template
        self.pieces = pieces

    def generate(self, context: dict) -> Iterator[str]:
        return self.template.generate(context, **self.pieces)

    def render(self, context: dict) -> str:
        return self.template.render(context, **self.pieces)


_SKELETONS: dict[str, Template] = {}


def compile_narrative(env: Environment, tree: nodes.Template, text: str) -> Narrative | Template:
    """The template of a parsed narrative: a shared skeleton and its pieces (the tree is
    changed in place: pass a fresh one)."""
    if PIECE in text:
        return env.from_string(tree)
    pieces: dict[str, str] = {}
    for output in tree.find_all(nodes.Output):
        for i, child in enumerate(output.nodes):
            if isinstance(child, nodes.TemplateData):
                name = f"{PIECE}{len(pieces)}"
                pieces[name] = child.data
                output.nodes[i] = nodes.Name(name, "load", lineno=child.lineno)
    key = _key(tree)
    template = _SKELETONS.get(key)
    if template is None:
        if len(_SKELETONS) >= _MAX_SKELETONS:
            _SKELETONS.clear()
        template = _SKELETONS[key] = env.from_string(tree)
    return Narrative(template, pieces)


def _key(tree: nodes.Template) -> str:
    """The skeleton as text: its nodes and fields (repr), and every node's line, which repr
    leaves out but error messages need."""
    lines = [str(node.lineno) for node in tree.find_all(nodes.Node)]
    return f"{tree!r}|{','.join(lines)}"


def clear() -> None:
    _SKELETONS.clear()
