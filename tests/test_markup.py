"""The plain-paragraph fast path gives exactly what markdown-it gives, or steps aside."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gendoc.render.markup import _markdown_renderer, plain_paragraphs

ALPHABET = st.sampled_from(list("收到申请件予以公开。，；：“”（）一二三是年月日") + list("0123456789abcXYZ .)-+*_#>`<&!|~=[]\\\"'\t")
                           + ["\n", "\n\n", "  ", "    ", "\u3000", "1.", "- ", "# ", "---", "\n-", "2023-12-31",
                              "https://www.example.org/a-b/"])


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(st.lists(ALPHABET, max_size=40).map("".join))
def test_fast_path_agrees_with_markdown_it(text):
    fast = plain_paragraphs(text)
    if fast is not None:
        assert fast == _markdown_renderer().render(text).rstrip("\n")


def test_plain_prose_takes_the_fast_path():
    text = "从受理情况来看，2020年我局收到政府信息公开申请10件。\n\n第二段：办结10件。"
    assert plain_paragraphs(text) == "<p>从受理情况来看，2020年我局收到政府信息公开申请10件。</p>\n<p>第二段：办结10件。</p>"


def test_a_dash_inside_a_line_is_text():
    text = "本报告电子版可在门户网站（https://www.example.org/sample-bureau/）查阅，统计至2023-12-31。"
    assert plain_paragraphs(text) == f"<p>{text}</p>"
    for text in ("- 第一项", "标题\n---", "  - 缩进的列表", "段落\n\n---"):
        assert plain_paragraphs(text) is None


def test_anything_that_could_be_markup_steps_aside():
    for text in ("1. 第一项", "**重点**", "[链接](https://example.org)", "<b>x</b>", "a & b", "标题\n===", "行尾两个空格  \n下一行"):
        assert plain_paragraphs(text) is None


def test_the_written_out_whitespace_class_is_every_whitespace_but_space_and_line_break():
    import re

    from gendoc.render.markup import _OTHER_SPACE

    every = "".join(map(chr, range(0x110000)))
    assert re.findall(f"[{_OTHER_SPACE}]", every) == re.findall(r"[^\S \n]", every)
