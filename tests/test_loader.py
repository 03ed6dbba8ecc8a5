"""Tests for the load stage: gendoc/load/yaml_loader.py and gendoc/load/sourcemap.py."""
from __future__ import annotations

import math
import os
import tracemalloc
from pathlib import Path
from decimal import Decimal

import pytest
import yaml

from gendoc.load import yaml_loader as loader_module
from gendoc.diagnostics import Location
from gendoc.load.yaml_loader import Loaded, load_file, load_text
from gendoc.load.sourcemap import SourceMap, format_path


def codes(result: Loaded) -> list[str]:
    return [d.code for d in result.diagnostics]


def only(result: Loaded, code: str):
    """The single diagnostic of the result, which must have the given code."""
    assert codes(result) == [code], [(d.code, d.line, d.col, d.message()) for d in result.diagnostics]
    assert result.data is None
    return result.diagnostics[0]


def ok(text: str, file: str = "r.yaml"):
    result = load_text(text, file)
    assert result.diagnostics == [], [(d.code, d.line, d.col, d.message()) for d in result.diagnostics]
    return result


@pytest.fixture(params=["libyaml", "pure"])
def any_parser(request, monkeypatch):
    """Run a test with libyaml and with PyYAML's pure-Python parser (the fallback)."""
    if request.param == "libyaml":
        if not getattr(yaml, "__with_libyaml__", False):
            pytest.skip("libyaml not available")
        monkeypatch.setattr(loader_module, "_Loader", yaml.CSafeLoader)
    else:
        monkeypatch.setattr(loader_module, "_Loader", yaml.SafeLoader)
    return request.param


# ---------------------------------------------------------------------------------------
# scalars: YAML 1.2 core schema


def test_core_schema_values(any_parser):
    r = ok(
        "a: no\nb: yes\nc: on\nd: off\ne: 010\nf: 1.50\ng: 190.457379\nh: 2020-01-01\n"
        "i: 2020-01-01T10:00:00\nj: true\nk: FALSE\nl: ~\nm:\nn: Null\no: 0x1F\np: 0o17\n"
        "q: -12\nr: +7\ns: 1e3\nt: .5\nu: 1_000\nv: 1:30\nw: 0b101\nx: y\n"
    )
    d = r.data
    assert d["a"] == "no" and d["b"] == "yes" and d["c"] == "on" and d["d"] == "off"
    assert d["e"] == 10 and type(d["e"]) is int
    assert d["f"] == Decimal("1.50") and isinstance(d["f"], Decimal) and str(d["f"]) == "1.50"
    assert str(d["g"]) == "190.457379"
    assert d["h"] == "2020-01-01" and d["i"] == "2020-01-01T10:00:00"
    assert d["j"] is True and d["k"] is False
    assert d["l"] is None and d["m"] is None and d["n"] is None
    assert d["o"] == "0x1F" and d["p"] == "0o17"  # not decimal: text, which the schema refuses with a hint
    assert d["q"] == -12 and d["r"] == 7
    assert d["s"] == Decimal("1e3") and isinstance(d["s"], Decimal)
    assert d["t"] == Decimal("0.5")
    assert d["u"] == "1_000" and d["v"] == "1:30" and d["w"] == "0b101"
    assert d["x"] == "y"


def test_quoted_and_block_scalars_are_text(any_parser):
    r = ok("a: '010'\nb: \"true\"\nc: |\n  12\nd: >-\n  1.5\ne: 'null'\n")
    assert r.data == {"a": "010", "b": "true", "c": "12\n", "d": "1.5", "e": "null"}


def test_special_floats():
    r = ok("a: [.inf, -.Inf, +.INF, .nan, .NaN]\n")
    a = r.data["a"]
    assert a[0] == math.inf and a[1] == -math.inf and a[2] == math.inf
    assert math.isnan(a[3]) and math.isnan(a[4])


def test_keys_are_text():
    r = ok("2019: a\ntrue: b\n1.50: c\nnull: d\n")
    assert r.data == {"2019": "a", "true": "b", "1.50": "c", "null": "d"}
    assert all(type(k) is str for k in r.data)


def test_core_tags_are_honoured(any_parser):
    r = ok("a: !!str 010\nb: !!int '12'\nc: !!float 3\nd: !!bool 'true'\ne: !!null ''\n"
           "f: !!map {x: 1}\ng: !!seq [1]\nh: !!int 0010\n")
    assert r.data == {"a": "010", "b": 12, "c": Decimal("3"), "d": True, "e": None,
                      "f": {"x": 1}, "g": [1], "h": 10}
    assert isinstance(r.data["c"], Decimal)


def test_a_hexadecimal_int_is_refused(any_parser):
    r = load_text("h: !!int 0x10\n", "t.yaml")
    assert [d.code for d in r.diagnostics] == ["Y001"] and "0x10" in r.diagnostics[0].message()


def test_unknown_tag_is_y012():
    r = load_text("a: 1\nb: !!binary aGVsbG8=\nc: !Ref x\n", "t.yaml")
    assert codes(r) == ["Y012", "Y012"]
    assert [(d.line, d.col) for d in r.diagnostics] == [(2, 4), (3, 4)]
    assert r.diagnostics[0].params["tag"] == "!!binary"
    assert r.diagnostics[1].params["tag"] == "!Ref"
    assert r.data is None


def test_core_tag_with_wrong_value():
    d = only(load_text("a: !!int abc\n", "t.yaml"), "Y001")
    assert (d.line, d.col) == (1, 4)
    assert "abc" in d.params["problem"]


def test_big_integer_does_not_raise():
    r = ok("a: " + "9" * 5000 + "\n")
    # more digits than Python converts (4,300): kept exactly as typed, as text, which the
    # schema then reports as not a number
    assert r.data["a"] == "9" * 5000


# ---------------------------------------------------------------------------------------
# structure findings


def test_duplicate_keys_report_both_lines(any_parser):
    text = "year: 2020\ntable3:\n  natural: 1\n  legal: 2\n  natural: 3\nyear: 2021\n"
    r = load_text(text, "dup.yaml")
    assert r.data is None
    assert codes(r) == ["Y003", "Y003"]
    first, second = r.diagnostics
    assert (first.line, first.col) == (5, 3)
    assert first.params == {"key": "natural", "first_line": 3}
    assert first.related == [Location("dup.yaml", 3, 3, "first")]
    assert first.path == "table3.natural"
    assert (second.line, second.col) == (6, 1)
    assert second.params == {"key": "year", "first_line": 1}
    assert second.related == [Location("dup.yaml", 1, 1, "first")]
    assert "第 3 行" in first.message()


def test_anchor_and_alias_rejected(any_parser):
    r = load_text("a: &x 1\nb: *x\n", "t.yaml")
    # The first anchor ends the parse: one finding, at the anchor.
    assert codes(r) == ["Y004"]
    assert [(d.line, d.col, d.params["token"]) for d in r.diagnostics] == [(1, 4, "&x")]
    assert r.data is None


def test_alias_bomb_rejected_fast():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join(["*" + prev] * 9) + "]")
    bomb = "\n".join(lines) + "\n"
    r = load_text(bomb, "bomb.yaml")  # how fast: bench/loader_guards.py (make bench)
    assert r.data is None
    assert set(codes(r)) == {"Y004"}
    assert (r.diagnostics[0].line, r.diagnostics[0].col) == (1, 4)


def test_several_documents_y008(any_parser):
    d = only(load_text("year: 2020\n---\nyear: 2021\n", "t.yaml"), "Y008")
    assert (d.line, d.col) == (2, 1)


def test_leading_document_marker_is_fine():
    assert ok("---\nyear: 2020\n...\n").data == {"year": 2020}


@pytest.mark.parametrize("text", ["", "\n\n", "# 只有注释\n# comment\n", "---\n", "\ufeff"])
def test_empty_file_y009(text, any_parser):
    d = only(load_text(text, "t.yaml"), "Y009")
    assert (d.line, d.col) == (1, 1)


@pytest.mark.parametrize("text, found", [
    ("- 1\n- 2\n", "列表"),
    ("hello\n", "文字"),
    ("42\n", "数字"),
    ("true\n", "真假值（true/false）"),
])
def test_top_level_not_mapping_y010(text, found):
    d = only(load_text(text, "t.yaml"), "Y010")
    assert d.params["found"] == found
    assert (d.line, d.col) == (1, 1)


def test_complex_key_y013(any_parser):
    r = load_text("? [a, b]\n: 1\n? {x: 1}\n: 2\nok: 3\n", "t.yaml")
    assert codes(r) == ["Y013", "Y013"]
    assert [(d.line, d.col, d.params["found"]) for d in r.diagnostics] == [(1, 3, "列表"), (3, 3, "键值对")]
    assert r.data is None


def test_deep_flow_nesting_y006_no_recursion_error():
    text = "[" * 100_000 + "]" * 100_000
    r = load_text(text, "deep.yaml")  # how fast: bench/loader_guards.py (make bench)
    d = only(r, "Y006")
    assert (d.line, d.col) == (1, 65)  # the 65th bracket is one level too deep
    assert d.params["limit"] == 64


def test_deep_unclosed_and_block_nesting():
    d = only(load_text("a: " + "[" * 100_000, "deep.yaml"), "Y006")
    # Older libyaml: our event count stops at the 64th bracket (the mapping is a level too);
    # newer libyaml stops scanning first and the bracket count points at the 65th.
    assert d.line == 1 and d.col in (3 + 64, 3 + 65)
    block = "k0:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 200))
    d = only(load_text(block, "deep.yaml"), "Y006")
    assert (d.line, d.col) == (65, 65)


def test_max_depth_is_a_parameter():
    text = "a:\n  b:\n    c: 1\n"
    assert load_text(text, "t.yaml", max_depth=3).data == {"a": {"b": {"c": 1}}}
    d = only(load_text(text, "t.yaml", max_depth=2), "Y006")
    assert (d.line, d.col) == (3, 5)


# ---------------------------------------------------------------------------------------
# syntax errors, tabs, full-width colons


def test_syntax_error_y001_translated(any_parser):
    d = only(load_text("year: 2020\nname: a: b\n", "t.yaml"), "Y001")
    assert (d.line, d.col) == (2, 8)
    problem = d.params["problem"]
    assert "引号" in problem and "mapping values are not allowed" in problem


def test_bad_indentation_y001():
    d = only(load_text("table3:\n  natural: 1\n legal: 2\n", "t.yaml"), "Y001")
    assert (d.line, d.col) == (3, 2)
    assert "缩进" in d.params["problem"] and "did not find expected key" in d.params["problem"]


def test_unclosed_quote_and_bracket(any_parser):
    d = only(load_text('a: "abc\nb: 1\n', "t.yaml"), "Y001")
    assert "第 1 行开始的引号没有闭合" in d.params["problem"]
    assert d.related and (d.related[0].line, d.related[0].col) == (1, 4)
    d = only(load_text("a: [1, 2\nb: 1\n", "t.yaml"), "Y001")
    assert "方括号" in d.params["problem"]


def test_reserved_character(any_parser):
    d = only(load_text("name: 芝罘区\nnote: @某人\n", "t.yaml"), "Y001")
    assert (d.line, d.col) == (2, 7)
    assert "“@”" in d.params["problem"]


def test_control_character_position():
    d = only(load_text("名称: 芝罘\x0b区\n", "t.yaml"), "Y001")
    assert (d.line, d.col) == (1, 7)  # characters, not bytes
    assert "U+000B" in d.params["problem"]


def test_tab_indentation_y007(any_parser):
    d = only(load_text("table3:\n\tnatural: 1\n", "t.yaml"), "Y007")
    assert (d.line, d.col) == (2, 1)
    d = only(load_text("table3:\n  natural: 1\n  \tlegal: 2\n", "t.yaml"), "Y007")
    assert (d.line, d.col) == (3, 3)


def test_tab_inside_values_is_fine():
    assert ok("a: 'x\ty'\nb: |\n  x\n  \tz\n").data == {"a": "x\ty", "b": "x\n\tz\n"}


def test_fullwidth_colon_y011():
    text = "year: 2020\ntable3:\n  legal: 5\n  natural：10\n  social: 1\n"
    d = only(load_text(text, "t.yaml"), "Y011")  # and no Y001 for the same mistake
    assert (d.line, d.col) == (4, 10)


def test_fullwidth_colon_y011_every_line():
    text = "year: 2020\ntable3:\n  natural：10\n  legal：5\n  social: 1\n"
    r = load_text(text, "t.yaml")
    assert codes(r) == ["Y011", "Y011"]
    assert [(d.line, d.col) for d in r.diagnostics] == [(3, 10), (4, 8)]


def test_fullwidth_colon_y011_top_level_and_lists():
    d = only(load_text("year：2020\n", "t.yaml"), "Y011")
    assert (d.line, d.col) == (1, 5)
    d = only(load_text("parts:\n  - title：概述\n", "t.yaml"), "Y011")
    assert (d.line, d.col) == (2, 10)
    d = only(load_text("a: 1\nb:\n  natural ：10\n", "t.yaml"), "Y011")
    assert (d.line, d.col) == (3, 11)


def test_fullwidth_colon_in_prose_is_fine():
    r = ok("a: |\n  APP：见附件\n  一是：加强领导\nb: 说明：无\nc: \"x\n  PDF：y\"\n")
    assert r.data["a"] == "APP：见附件\n一是：加强领导\n"
    assert r.data["b"] == "说明：无"


# ---------------------------------------------------------------------------------------
# encodings and line ends


def test_gbk_bytes_y002(tmp_path):
    p = tmp_path / "gbk.yaml"
    p.write_bytes("year: 2020\n名称: 芝罘区\n".encode("gbk"))
    d = only(load_file(p), "Y002")
    assert (d.line, d.col) == (2, 1)
    assert "GBK" in d.params["guess"] and "GBK" in d.params["guess_en"]
    assert "GBK" in d.message() and "GBK" in d.message("en")


def test_gbk_first_bad_byte_column(tmp_path):
    p = tmp_path / "gbk.yaml"
    p.write_bytes("名称: 芝罘区".encode("gbk"))
    d = only(load_file(p), "Y002")
    assert (d.line, d.col) == (1, 1)
    p.write_bytes("year: 2020\nname: 芝罘区\n".encode() + "名称: 芝罘区".encode("gbk"))
    d = only(load_file(p), "Y002")
    assert (d.line, d.col) == (3, 1)
    p.write_bytes("name: 芝罘区 ".encode() + "区".encode("gbk"))
    d = only(load_file(p), "Y002")
    assert (d.line, d.col) == (1, 11)


def test_utf16_y002(tmp_path):
    p = tmp_path / "u16.yaml"
    p.write_bytes("year: 2020\n".encode("utf-16"))  # with BOM
    d = only(load_file(p), "Y002")
    assert "UTF-16" in d.params["guess"] and (d.line, d.col) == (1, 1)
    p.write_bytes("year: 2020\n".encode("utf-16-le"))  # without BOM
    assert "UTF-16" in only(load_file(p), "Y002").params["guess"]


def test_bom_and_crlf_accepted(tmp_path):
    p = tmp_path / "bom.yaml"
    p.write_bytes(b"\xef\xbb\xbf" + "year: 2020\r\nname: 芝罘区\r\ntable3:\r\n  natural: 3\r\n".encode())
    r = load_file(p)
    assert r.diagnostics == []
    assert r.data == {"year": 2020, "name": "芝罘区", "table3": {"natural": 3}}
    assert r.sourcemap.value(("year",)) == (1, 7)      # the BOM is not a column
    assert r.sourcemap.value(("table3", "natural")) == (4, 12)
    assert r.sourcemap.key(("table3", "natural")) == (4, 3)
    assert r.text is not None and not r.text.startswith("\ufeff") and "\r" not in r.text
    assert r.text.split("\n")[1] == "name: 芝罘区"


def test_crlf_errors_have_right_lines():
    d = only(load_text("a: 1\r\nb: 2\r\na: 3\r\n", "t.yaml"), "Y003")
    assert (d.line, d.col) == (3, 1)


def test_load_text_accepts_bom_string_and_bytes():
    assert ok("\ufeffa: 1\n").data == {"a": 1}
    r = load_text("a: 芝罘\n".encode(), "t.yaml")
    assert r.data == {"a": "芝罘"}
    assert only(load_text("名称: 芝罘区".encode("gbk"), "t.yaml"), "Y002").params["guess"]


def test_lone_surrogate_in_text_is_y002():
    d = only(load_text("a: x\udcff\n", "t.yaml"), "Y002")
    assert (d.line, d.col) == (1, 5)


# ---------------------------------------------------------------------------------------
# files


def test_missing_file_f001(tmp_path):
    target = tmp_path / "nope.yaml"
    d = only(load_file(target), "F001")
    assert d.params["target"] == str(target) and d.file == str(target)
    assert only(load_file(tmp_path / "nope" / "x.yaml"), "F001")


def test_directory_f002(tmp_path):
    d = only(load_file(tmp_path), "F002")
    assert d.params["target"] == str(tmp_path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_is_not_opened(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    only(load_file(fifo), "F002")  # would hang forever if it were opened


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read anything")
def test_unreadable_f003(tmp_path):
    p = tmp_path / "secret.yaml"
    p.write_text("a: 1\n", encoding="utf-8")
    p.chmod(0)
    try:
        only(load_file(p), "F003")
    finally:
        p.chmod(0o644)


def test_read_failure_f003(tmp_path, monkeypatch):
    p = tmp_path / "r.yaml"
    p.write_text("a: 1\n", encoding="utf-8")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(loader_module, "open", refuse, raising=False)
    d = only(load_file(p), "F003")
    assert "Permission denied" in d.params["reason"] and "没有读取权限" in d.params["reason"]


def test_huge_file_rejected_without_reading(tmp_path):
    p = tmp_path / "huge.yaml"
    with open(p, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # sparse: costs no disk
    tracemalloc.start()
    r = load_file(p)  # how fast: bench/loader_guards.py (make bench)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    d = only(r, "Y005")
    assert d.params == {"size": 50 * 1024 * 1024, "limit": 2_000_000}
    assert peak < 1_000_000
    assert r.text is None


def test_max_bytes_parameter(tmp_path):
    p = tmp_path / "r.yaml"
    p.write_text("year: 2020\n", encoding="utf-8")
    assert only(load_file(p, max_bytes=5), "Y005").params == {"size": 11, "limit": 5}
    assert load_file(p, max_bytes=11).data == {"year": 2020}


def test_a_file_that_grew_after_its_stat_is_read_whole_or_refused(tmp_path, monkeypatch):
    # The loader reads as many bytes as the stat said and one more; a file that grew in
    # between (the stat below says 3 bytes of 11) is read to its end, or refused past the limit.
    import os

    from gendoc.load import yaml_loader

    p = tmp_path / "r.yaml"
    p.write_text("year: 2020\n", encoding="utf-8")
    real_stat = os.stat

    def stat_says_3_bytes(f, *args, **kwargs):
        st = real_stat(f, *args, **kwargs)
        return os.stat_result((*st[:6], 3, *st[7:10])) if os.fspath(f) == os.fspath(p) else st

    monkeypatch.setattr(yaml_loader.os, "stat", stat_says_3_bytes)
    assert load_file(p).data == {"year": 2020}
    assert only(load_file(p, max_bytes=5), "Y005").params == {"size": 11, "limit": 5}


def test_file_is_not_modified(tmp_path):
    p = tmp_path / "r.yaml"
    raw = "\ufeffyear: 2020\r\nname: 芝罘区\r\n".encode("utf-8")
    p.write_bytes(raw)
    os.utime(p, (1_000_000_000, 1_000_000_000))
    r = load_file(str(p))
    assert r.data == {"year": 2020, "name": "芝罘区"}
    assert p.read_bytes() == raw and os.stat(p).st_mtime == 1_000_000_000
    assert r.sourcemap.file == str(p)


# ---------------------------------------------------------------------------------------
# source map


REPORT = """\
year: 2020
table3:
  results:
    granted:
      natural: 10
      legal:   2
sections:
  overview:
    parts:
      - title: 概述
        text: 全年共收到申请。
      - {title: 其他, text: 无}
flags: [a, b]
"""


def test_sourcemap_positions(any_parser):
    r = ok(REPORT)
    sm = r.sourcemap
    assert sm.value(()) == (1, 1) and sm.key(()) == (1, 1)
    assert sm.value(("year",)) == (1, 7) and sm.key(("year",)) == (1, 1)
    assert sm.key(("table3",)) == (2, 1)
    assert sm.value(("table3",)) == (3, 3)  # a block mapping starts at its first key
    assert sm.value(("table3", "results", "granted", "natural")) == (5, 16)
    assert sm.key(("table3", "results", "granted", "natural")) == (5, 7)
    assert sm.value(("table3", "results", "granted", "legal")) == (6, 16)
    assert sm.value(("sections", "overview", "parts")) == (10, 7)
    assert sm.value(("sections", "overview", "parts", 0)) == (10, 9)
    assert sm.key(("sections", "overview", "parts", 0)) == (10, 9)  # list items have no key
    assert sm.key(("sections", "overview", "parts", 0, "text")) == (11, 9)
    assert sm.value(("sections", "overview", "parts", 0, "text")) == (11, 15)
    assert sm.value(("sections", "overview", "parts", 1)) == (12, 9)
    assert sm.key(("sections", "overview", "parts", 1, "text")) == (12, 21)
    assert sm.value(("sections", "overview", "parts", 1, "text")) == (12, 27)
    assert sm.value(("flags", 1)) == (13, 12)


def test_sourcemap_unknown_paths_walk_up():
    sm = ok(REPORT).sourcemap
    assert sm.value(("table3", "results", "denied", "natural")) == sm.value(("table3", "results"))
    assert sm.key(("table3", "results", "denied")) == (3, 3)
    assert sm.value(("sections", "overview", "parts", 7, "text")) == (10, 7)
    assert sm.value(("nope",)) == (1, 1)
    assert sm.has(("year",)) and not sm.has(("nope",))
    assert sm.value(["table3", "results"]) == (4, 5)  # lists work as paths too


def test_sourcemap_standalone():
    sm = SourceMap("x.yaml")
    assert sm.file == "x.yaml"
    assert sm.value(("a",)) == (1, 1) and sm.key(()) == (1, 1)
    sm.set(("a",), (3, 4), (3, 1))
    sm.set(("a", 0), (4, 5))
    assert sm.value(("a",)) == (3, 4) and sm.key(("a",)) == (3, 1)
    assert sm.key(("a", 0)) == (4, 5)
    assert sm.value(("a", 0, "b")) == (4, 5)


def test_format_path():
    assert format_path(("table3", "results", "granted", "natural")) == "table3.results.granted.natural"
    assert format_path(("sections", "overview", "parts", 0, "text")) == "sections.overview.parts[0].text"
    assert format_path(()) == ""
    assert format_path((0, "a")) == "[0].a"
    assert format_path(("m", 1, 2)) == "m[1][2]"


def test_chinese_columns_count_characters():
    r = ok("名称: 芝罘区\n单位:\n  名字: 政府办\n")
    assert r.sourcemap.value(("名称",)) == (1, 5)
    assert r.sourcemap.value(("单位", "名字")) == (3, 7)


# ---------------------------------------------------------------------------------------
# robustness and speed


@pytest.mark.parametrize("text", [
    "\x00\x01\x02", "a: [", "{", "}", "- - - -", "? ? ?", "a: *", "&", "!", "%TAG", "a: !<x", "'",
    "a: |\n b\n  c\n d", "---\n...\n---", ": :", "a:\n- b\n -c", "\t", "a: \"\\x\"", "\u2028a: 1\n",
    "a: b\n\u3000c: d\n",
])
def test_garbage_never_raises(text, any_parser):
    r = load_text(text, "g.yaml")
    assert isinstance(r, Loaded)
    if r.diagnostics:
        assert r.data is None
        for d in r.diagnostics:
            d.message(), d.message("en")


def test_ten_kb_report_loads():
    from bench.loader_guards import ten_kb_report

    text = ten_kb_report()  # how fast: bench/loader_guards.py (make bench)
    assert 8_000 < len(text.encode("utf-8")) < 14_000
    r = load_text(text, "r.yaml")
    assert r.diagnostics == [] and r.data["table3"]["row3"]["legal"] == 21
    assert r.data["parts"][29]["title"] == "第29部分"


def test_every_report_of_the_project_takes_the_line_reader():
    """The project's reports are of the common shape the line reader answers for (a report
    it left to the event loop would still load, only slower: this keeps the speed honest)."""
    from gendoc.load.fast_yaml import read_common_shape
    from gendoc.load.yaml_loader import DEFAULT_MAX_DEPTH, _plain_scalar

    reports = sorted((Path(__file__).resolve().parent.parent / "reports").rglob("*.yaml"))
    assert reports
    for report in reports:
        text = report.read_text(encoding="utf-8")
        assert read_common_shape(text, DEFAULT_MAX_DEPTH, _plain_scalar) is not None, report


@pytest.mark.parametrize("text", ["a: 1\nb:\n  c: {d: 1}\n", "a:\n  - x: 1\n    y: [1, 2]\n", "a: [1, {b: 2}]\n"])
@pytest.mark.parametrize("depth", [0, 1, 2, 3, 4])
def test_the_line_reader_keeps_the_depth_limit(text, depth):
    """Y006 comes at the same depth whichever reader takes the file."""
    from unittest import mock

    from gendoc.load import yaml_loader

    fast = load_text(text, "x.yaml", max_depth=depth)
    with mock.patch.object(yaml_loader, "read_common_shape", lambda *args, **kwargs: None):
        slow = load_text(text, "x.yaml", max_depth=depth)
    assert repr(fast.data) == repr(slow.data) and fast.diagnostics == slow.diagnostics
    assert list(fast.sourcemap._entries.items()) == list(slow.sourcemap._entries.items())


def test_fullwidth_key_lines_are_those_a_line_by_line_look_finds():
    """Y011's candidates are found from one "：" to the next; they must be the lines a
    look at every line finds, numbered as libyaml numbers them, whatever the text."""
    import random

    from gendoc.load.yaml_loader import _FULLWIDTH_KEY, _fullwidth_key_lines, _split_lines
    from tests.conftest import ROOT

    def line_by_line(text: str) -> dict[int, int]:
        found = {}
        for index, line in enumerate(_split_lines(text)):
            m = _FULLWIDTH_KEY.match(line) if "：" in line else None
            if m is not None:
                found[index + 1] = m.end()
        return found

    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "reports").glob("*/*.yaml"))]
    pieces = ["：", "natural：", "- year：", "\t", " ", "\n", "\x85", "\u2028", "-", "- ", "  key ：", "：：", "\n：", "x：\n"]
    rng = random.Random(5)
    hits = 0
    for _ in range(3000):
        text = rng.choice(texts)
        for _ in range(rng.randint(1, 6)):
            at = rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice(pieces) + text[at + rng.randint(0, 2):]
        assert _fullwidth_key_lines(text) == line_by_line(text)
        hits += bool(line_by_line(text))
    assert hits > 300


def test_a_file_the_loader_screened_is_not_searched_again_and_no_other_is_spared():
    """The loader searches a file once for the characters its line reader refuses and the
    invisible ones; Y014 trusts that search for that very text, and for no other."""
    from gendoc.load.invisible_chars import invisible_characters

    clean = load_text("year: 2020\nname: 甲局\n", "a.yaml")
    assert clean.data == {"year": 2020, "name": "甲局"}
    assert invisible_characters(clean.text, "a.yaml") == []
    hidden = load_text("year: 2020\nname: 甲\u202e局\n", "b.yaml")
    assert hidden.data == {"year": 2020, "name": "甲\u202e局"}
    found = invisible_characters(hidden.text, "b.yaml")
    assert [(d.code, d.line, d.col) for d in found] == [("Y014", 2, 8)]
    # the same characters as a new text object, after the clean one was screened
    assert [d.code for d in invisible_characters("name: 甲\u202e局\n", "c.yaml")] == ["Y014"]
