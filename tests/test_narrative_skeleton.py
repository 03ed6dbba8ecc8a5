"""Narratives compiled as shared skeletons render exactly as their own templates would."""
from __future__ import annotations

from pathlib import Path

import pytest

from gendoc.build.project import Project
from gendoc.render import engine, narrative_skeleton
from gendoc.render.template_errors import template_line
from tests.conftest import ROOT


def _own_template(text: str):
    """The narrative compiled whole, as gendoc did before skeletons."""
    env = engine._narrative_env()
    return env.from_string(env.parse(text))


def _every_narrative() -> list[tuple[str, str, dict]]:
    """(report, narrative text, the context it is rendered in) for every templated
    narrative of the project's reports."""
    from gendoc.kind.labels import narrative_paths
    from gendoc.plaindata import get_path

    project = Project(ROOT)
    files, _ = project.discover([])
    found = []
    for path in files:
        result = project.check(path)
        if result.report is None or result.kind is None:
            continue
        prev = project.previous(path, result.year) if result.year else None
        context = {**result.report.data, "prev": prev.data if prev else None}
        for at in narrative_paths(result.kind.index, result.report.data):
            text = get_path(result.report.data, at)
            if "{" in text:
                found.append((str(path), text, context))
    return found


NARRATIVES = _every_narrative()


def test_the_reports_have_narratives_of_both_sorts():
    assert len(NARRATIVES) >= 25
    assert any("{%" in text for _, text, _ in NARRATIVES)  # statements (if, for) as well as {{ }}


@pytest.mark.parametrize("text, context", [(t, c) for _, t, c in NARRATIVES],
                         ids=[f"{Path(f).parent.name}-{Path(f).stem}-{i}" for i, (f, _, _) in enumerate(NARRATIVES)])
def test_every_narrative_of_the_reports_renders_as_its_own_template(text, context):
    assert engine._compile_narrative(text).render(context) == _own_template(text).render(context)


@pytest.mark.parametrize("text, context", [(t, c) for _, t, c in NARRATIVES if "。" in t],
                         ids=[f"{Path(f).parent.name}-{Path(f).stem}-{i}" for i, (f, t, _) in enumerate(NARRATIVES) if "。" in t])
def test_a_reworded_narrative_found_by_its_tokens_renders_as_its_own_template(text, context):
    """The second narrative of a skeleton is found from the lexer's tokens, without a parse:
    its own texts go where the first one's went."""
    from unittest import mock

    first = engine._compile_narrative(text)
    reworded = text.replace("。", f"（另一种说法，{len(text)}）。", 1)
    env = engine._narrative_env()
    with mock.patch.object(env, "parse", side_effect=AssertionError("parsed: not found by its tokens")):
        second = engine._compile_narrative(reworded)
    assert second.render(context) == _own_template(reworded).render(context)
    assert isinstance(second, narrative_skeleton.Narrative) and second.template is first.template
    # a line more before the tags: another skeleton (its failures name their own lines)
    moved = text.replace("。", f"。\n另起一行{len(text)}。", 1)
    assert engine._compile_narrative(moved).render(context) == _own_template(moved).render(context)


TRICKY = [
    "甲{{- year -}}乙\n  {{ year }}  丙",
    "{% raw %}{{ year }} 原样{% endraw %}后{{ year }}",
    "{% set t %}文字{{ year }}{% endset %}{{ t }}|{{ t|length }}",
    "{% filter upper %}abc{{ year }}{% endfilter %}",
    "{% macro m(x) %}<{{ x }}>段{% endmacro %}{{ m(1) }}{{ m('二') }}",
    "{% for i in [1, 2] %}第{{ i }}项；{% endfor %}完",
    "{# 注释 #}正文{{ year }}\n\n第二段\n",
    "{% if year > 2000 %}是\n{% else %}否{% endif %}",
    "{{ '字面' ~ year }}和{{ \"x\" }}",
    "{% block b %}块{{ year }}{% endblock %}尾",
    "{% macro m() %}[{{ caller() }}]{% endmacro %}{% call m() %}调用{{ year }}{% endcall %}",
    "{% with n = year %}有{{ n }}{% endwith %}无",
    "{% for i in [1, 2] %}{% if loop.first %}首{% else %}次{% endif %}{{ loop.index }}{% endfor %}",
]


@pytest.mark.parametrize("text", TRICKY)
def test_whitespace_control_raw_blocks_macros_and_loops_render_as_before(text):
    context = {"year": 2024}
    assert engine._compile_narrative(text).render(context) == _own_template(text).render(context)
    # and reworded (found by its tokens): every text piece gets other words
    reworded = text.replace("文字", "别的文字").replace("段", "一段").replace("完", "结束").replace("尾", "末尾")
    assert engine._compile_narrative(reworded).render(context) == _own_template(reworded).render(context)


def test_narratives_worded_differently_share_one_compiled_skeleton():
    first = engine._compile_narrative("本局共收到申请{{ year }}件，同比持平。")
    second = engine._compile_narrative("我单位全年收到申请{{ year }}件。")
    other_tag = engine._compile_narrative("我单位全年收到申请{{ year + 1 }}件。")
    assert isinstance(first, narrative_skeleton.Narrative)
    assert first.template is second.template
    assert other_tag.template is not first.template
    assert first.render({"year": 7}) == "本局共收到申请7件，同比持平。"
    assert second.render({"year": 7}) == "我单位全年收到申请7件。"


def test_a_failure_names_the_line_of_its_own_narrative():
    """Two narratives whose tags are the same but stand on other lines are not one skeleton:
    an undefined name is reported on the line where each wrote it."""
    lines = []
    for text in ("第一行\n{{ nope }}", "第一行\n\n第三行{{ nope }}"):
        with pytest.raises(Exception) as caught:
            engine._compile_narrative(text).render({})
        lines.append(template_line(caught.value, lambda name: name == engine.NARRATIVE_TEMPLATE_NAME))
        assert caught.type.__name__ == "UndefinedError"
    assert lines == [2, 3]


def test_a_narrative_naming_the_piece_variables_is_compiled_whole():
    text = "{{ _gendoc_text_0 }}"
    assert not isinstance(engine._compile_narrative(text), narrative_skeleton.Narrative)


def test_random_narratives_and_their_rewordings_render_as_their_own_templates():
    """Narratives put together at random from texts, line breaks, whitespace control,
    comments, raw blocks, conditions and loops: each, and a rewording of it found by its
    tokens, renders as its own template would (or fails with the same kind of error)."""
    import random

    texts = ["本局", "收到申请", "件。", " ", "\n", "\n\n", "  \n  ", "，同比", "。\n"]
    tags = ["{{ year }}", "{{- year }}", "{{ year -}}", "{{- year -}}", "{# 注 #}", "{#- 注 -#}",
            "{% if year > 2020 %}多{% else %}少{% endif %}", "{%- if year %} 有 {%- endif %}",
            "{% for i in [1, 2] %}{{ i }}、{% endfor %}", "{% raw %}{{ 原样 }}{% endraw %}",
            "{{ missing }}", "{{ year | pct(10) }}"]
    rng = random.Random(11)
    context = {"year": 2024}

    def outcome(compiled):
        try:
            return compiled.render(context)
        except Exception as exc:  # the same failure either way
            return type(exc).__name__

    for n in range(300):
        parts = [rng.choice(texts if rng.random() < 0.55 else tags) for _ in range(rng.randint(1, 9))]
        text = "".join(parts) + f"第{n}篇"
        assert outcome(engine._compile_narrative(text)) == outcome(_own_template(text)), text
        reworded = "".join(p.replace("本局", "我单位").replace("收到申请", "共受理") for p in parts) + f"第{n}篇改"
        assert outcome(engine._compile_narrative(reworded)) == outcome(_own_template(reworded)), reworded
