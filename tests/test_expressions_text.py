"""Text in the rule language: yes/no answers and choices compared, `filled()` for form rows."""
from __future__ import annotations

import pytest

from gendoc.check.expressions import ExpressionError, Missing, evaluate, parse, paths_in, unparse

DATA = {
    "media": {"has": "是", "weibo": {"name": "示例发布", "posts": 0}, "wechat": {}, "other": "  "},
    "answer": "否", "blank": "", "n": 3,
}
ROOTS = {"data": DATA, "prev": None, "kind": {}}


def ev(text: str, data: dict = DATA):
    refs: list = []
    value = evaluate(parse(text), {**ROOTS, "data": data}, refs)
    assert evaluate(parse(text), {**ROOTS, "data": data}) == value  # traced and untraced agree
    return value, refs


@pytest.mark.parametrize("text, value", [
    ('media.has == "是"', True), ('media.has != "是"', False), ("answer == '否'", True),
    ('"是" == media.has', True),
    ('media.has == "是" and answer == "否"', True), ('not media.has == "否"', True),
])
def test_text_compares_with_equal_and_not_equal(text, value):
    assert ev(text)[0] is value


@pytest.mark.parametrize("text", ['blank == "是"', 'missing == "是"', 'n == "3"', 'media.weibo == "是"'])
def test_a_text_comparison_with_no_text_there_does_not_apply(text):
    with pytest.raises(Missing):
        evaluate(parse(text), ROOTS)


@pytest.mark.parametrize("text, value, read", [
    ("filled(media.weibo.name)", True, [("media", "weibo", "name")]),
    ("filled(media.weibo.*)", True, [("media", "weibo", "name"), ("media", "weibo", "posts")]),  # 0 is filled
    ("filled(media.wechat.*)", False, []),       # an empty row
    ("filled(media.other)", False, []),          # blank text
    ("filled(media.absent.name, media.wechat.name)", False, []),  # absent places are empty
    ("filled(media.absent.name, media.weibo.name)", True, [("media", "weibo", "name")]),
    ('media.has == "否" or filled(media.weibo.name)', True, [("media", "has"), ("media", "weibo", "name")]),
])
def test_filled_reads_absent_places_as_empty(text, value, read):
    got, refs = ev(text)
    assert got is value
    assert [r.path for r in refs] == read


@pytest.mark.parametrize("text", [
    'media.has < "是"',            # text has no order
    'n + 1 == "是"',               # a sum is a figure, not text
    '"是"',                         # text is not a truth value
    'media.has == "是" + 1',
    "filled(n + 1)",               # filled() takes places
    'sum(media.*) == "是"',
    'media.* == "是"',             # one path, one answer
    'filled(media.has) + 1',
])
def test_misused_text_is_refused_when_parsed(text):
    with pytest.raises(ExpressionError):
        parse(text, "truth") if not text.startswith("filled(media.has) +") else parse(text)


def test_unparse_and_paths_round_trip():
    node = parse('media.has == "否" and not filled(media.weibo.*, media.other)')
    assert unparse(node) == '(media.has == "否") and not filled(media.weibo.*, media.other)'
    assert list(paths_in(node)) == [("media", "has"), ("media", "weibo", "*"), ("media", "other")]
    assert parse(unparse(node)) == node
