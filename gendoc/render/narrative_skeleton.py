"""Narratives that differ only in their wording share one compiled template.

Every agency writes its own prose around the same few placeholders (`{{ year }}年`,
`{{ table3.new_received.total }}件`), and each year it rewords last year's. Turning a
narrative into a template costs about 1.6 ms (parsing 0.5 ms, Jinja's code generator and
Python's compiler the rest); a build of a thousand agencies' reports would compile some
twelve thousand. So the parsed tree's text pieces (`TemplateData`) are lifted out into
variables, and the tree that remains — the *skeleton*: tags, expressions and line numbers,
no wording — is compiled once for every narrative that has it. Rendering passes the
narrative's own pieces as those variables; `{{ name }}` of a text outputs it unchanged (the
narrative environment neither escapes nor finalises), so the output is the one the
narrative's own template would give, piece for piece, and a failure names the same line
(the skeleton keeps every node's line).

A skeleton met before is found without parsing: Jinja's lexer alone (a third of the parse)
gives the tokens, and the tokens but the texts' contents, with their lines, are the key —
the parser builds the same tree from the same tokens, whatever the texts say. Its pieces
are the texts in token order, checked against the tree's order when the skeleton is first
made (a skeleton whose orders differed would be found by its tree only).
tests/test_narrative_skeleton.py renders every narrative of the project's reports both ways.
"""
from __future__ import annotations

import re
from typing import Callable, Iterator

from jinja2 import Environment, Template, TemplateSyntaxError, nodes

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


_BY_TREE: dict[str, Template] = {}
_BY_TOKENS: dict[tuple, Template] = {}


def compile_narrative(env: Environment, text: str,
                      check: Callable[[Environment, nodes.Template], None]) -> Narrative | Template:
    """The template of a narrative: a shared skeleton and its pieces. `check(env, tree)`
    may refuse the parsed tree (raising TemplateSyntaxError), as for any template."""
    if PIECE in text:
        tree = env.parse(text)
        check(env, tree)
        return env.from_string(tree)
    try:
        key, texts = _tokens(env, text)
    except TemplateSyntaxError:
        key, texts = None, []  # the parse below raises it, located, as before
    known = _BY_TOKENS.get(key) if key is not None else None
    if known is not None:
        return Narrative(known, _named(texts))
    tree = env.parse(text)
    check(env, tree)
    pieces = _lift(tree)
    tree_key = _tree_key(tree)
    template = _BY_TREE.get(tree_key)
    if template is None:
        _bounded(_BY_TREE)
        template = _BY_TREE[tree_key] = env.from_string(tree)
    if key is not None and list(pieces.values()) == texts:
        _bounded(_BY_TOKENS)
        _BY_TOKENS[key] = template
    return Narrative(template, pieces)


def _tokens(env: Environment, text: str) -> tuple[tuple, list[str]]:
    """(the lexer's tokens with every text's content left out, the texts that are not
    empty — those the parser makes into `TemplateData` — in order)."""
    parts: list[tuple] = []
    texts: list[str] = []
    normalize = getattr(env.lexer, "_normalize_newlines", None) or _newlines(env)  # as the token stream does
    for line, kind, value in env.lexer.tokeniter(text, None):
        if kind == "data":
            value = normalize(value)
            parts.append((line, "data" if value else "empty"))
            if value:
                texts.append(value)
        else:
            parts.append((line, kind, value))
    return tuple(parts), texts


def _newlines(env: Environment) -> Callable[[str], str]:
    """Line breaks as Jinja's token stream writes them in a text (its own helper is private)."""
    return lambda text: _LINE_BREAK.sub(env.newline_sequence, text)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _lift(tree: nodes.Template) -> dict[str, str]:
    """Replace every text of the tree by a variable (in place); the texts by variable."""
    pieces: dict[str, str] = {}
    for output in tree.find_all(nodes.Output):
        for i, child in enumerate(output.nodes):
            if isinstance(child, nodes.TemplateData):
                name = f"{PIECE}{len(pieces)}"
                pieces[name] = child.data
                output.nodes[i] = nodes.Name(name, "load", lineno=child.lineno)
    return pieces


def _named(texts: list[str]) -> dict[str, str]:
    return {f"{PIECE}{i}": text for i, text in enumerate(texts)}


def _tree_key(tree: nodes.Template) -> str:
    """The skeleton as text: its nodes and fields (repr), and every node's line, which repr
    leaves out but error messages need."""
    lines = [str(node.lineno) for node in tree.find_all(nodes.Node)]
    return f"{tree!r}|{','.join(lines)}"


def _bounded(cache: dict) -> None:
    if len(cache) >= _MAX_SKELETONS:  # a long-lived `gendoc serve` meets many edits
        cache.clear()


def clear() -> None:
    _BY_TREE.clear()
    _BY_TOKENS.clear()
