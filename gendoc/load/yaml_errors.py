"""libyaml's syntax errors, turned into findings a clerk can act on: the place, what is wrong
in Chinese (with the parser's English kept), and the classic causes named — a tab, a
full-width colon, an unclosed quote or bracket, nesting too deep."""
from __future__ import annotations

import yaml

from gendoc.diagnostics import ERROR, Diagnostic, Location


def too_deep_bracket(text: str, max_depth: int) -> tuple[int, int] | None:
    """Position of the first [ or { nested deeper than max_depth (quotes are skipped)."""
    depth, quote = 0, ""
    for index, char in enumerate(text):
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char in "[{":
            depth += 1
            if depth > max_depth:
                return _char_position(text, index)
        elif char in "]}":
            depth -= 1
    return None


def syntax_diagnostic(exc: BaseException, libyaml: bool, text: str, lines: list[str], file: str,
                       fullwidth_lines: set[int]) -> Diagnostic | None:
    if isinstance(exc, UnicodeEncodeError):   # load_text() given a str with lone surrogates
        line, col = _char_position(text, exc.start)
        return Diagnostic(ERROR, "Y002", {"guess": "", "guess_en": ""}, file, line, col)

    if isinstance(exc, yaml.reader.ReaderError):
        index = exc.position
        if libyaml:  # libyaml reports a byte offset into the UTF-8
            index = len(text.encode("utf-8")[:index].decode("utf-8", "ignore"))
        line, col = _char_position(text, index)
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        problem = (f"有不可见的控制字符 U+{code:04X}（常见于从 Word 或网页复制粘贴的文字），请删除它"
                   f"（{exc.reason}: #x{code:04x}）")
        return Diagnostic(ERROR, "Y001", {"problem": problem}, file, line, col)

    if not isinstance(exc, yaml.MarkedYAMLError) or exc.problem_mark is None:
        return Diagnostic(ERROR, "Y001", {"problem": f"YAML 格式有误（{exc}）"}, file, 0, 0)

    problem = exc.problem or ""
    context = exc.context or ""
    pmark, cmark = exc.problem_mark, exc.context_mark
    line, col = pmark.line + 1, pmark.column + 1
    ctx_line = cmark.line + 1 if cmark is not None else line

    # The same line (or the key it swallowed) already has a Y011: that is the explanation.
    if fullwidth_lines and _caused_by_fullwidth(line, ctx_line, lines, fullwidth_lines):
        return None

    # Tabs used for indentation.
    tab = _tab_position(problem, line, col, lines)
    if tab is not None:
        return Diagnostic(ERROR, "Y007", {}, file, tab[0], tab[1])

    char = lines[line - 1][col - 1] if 0 < line <= len(lines) and 0 < col <= len(lines[line - 1]) else ""
    zh = _explain(problem, context, ctx_line, char)
    english = f"{context}: {problem}" if context else problem
    related = []
    if cmark is not None and (cmark.line, cmark.column) != (pmark.line, pmark.column):
        related.append(Location(file, ctx_line, cmark.column + 1, "context"))
    return Diagnostic(ERROR, "Y001", {"problem": f"{zh}（{english}）"}, file, line, col, "", related)


def _char_position(text: str, index: int) -> tuple[int, int]:
    index = max(0, min(index, len(text)))
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _is_blank_or_comment(line: str) -> bool:
    s = line.strip()
    return not s or s.startswith("#")


def _caused_by_fullwidth(line: int, ctx_line: int, lines: list[str], fullwidth_lines: set[int]) -> bool:
    if line in fullwidth_lines or ctx_line in fullwidth_lines:
        return True
    # `natural：10` is read as text and the next content line trips the parser
    n = line - 1
    while n >= 1:
        if n in fullwidth_lines:
            return True
        if n > len(lines) or not _is_blank_or_comment(lines[n - 1]):
            return False
        n -= 1
    return False


def _tab_position(problem: str, line: int, col: int, lines: list[str]) -> tuple[int, int] | None:
    if not 0 < line <= len(lines):
        return None
    text = lines[line - 1]
    indent_end = len(text) - len(text.lstrip(" \t"))
    if 0 < col <= len(text) and text[col - 1] == "\t" and (col - 1 <= indent_end or "tab" in problem):
        return line, col
    if "\t" in text[:indent_end]:
        return line, text.index("\t") + 1
    if "tab" in problem and "\t" in text:
        return line, text.index("\t") + 1
    return None


def _explain(problem: str, context: str, ctx_line: int, char: str) -> str:
    """A helpful Chinese sentence for the usual libyaml (and PyYAML) messages."""
    p = problem
    if p.startswith("mapping values are not allowed"):
        return ("这里不能出现“: ”：如果值本身含有“: ”，请给整个值加引号；"
                "否则请检查这一行与上一行的缩进是否对齐、上一行是否缺少冒号")
    if p.startswith("could not find expected ':'"):
        return (f"第 {ctx_line} 行的键后面缺少冒号：键与值之间应为半角冒号加空格（如 natural: 10），"
                "或这一行的缩进有误")
    if p.startswith("did not find expected key") or p.startswith("expected <block end>"):
        return (f"缩进不一致：这一行没有与第 {ctx_line} 行开始的同一组键对齐（同一层级的键前面的空格数必须相同），"
                "也可能是上一行缺少冒号或多了“- ”")
    if p.startswith("did not find expected '-' indicator"):
        return f"列表（第 {ctx_line} 行开始）中出现了不以“- ”开头的行，或缩进不一致"
    if p.startswith("block sequence entries are not allowed"):
        return "这里不能出现列表项“- ”：请检查缩进；如果“- ”是文字的一部分，请给整个值加引号"
    if p.startswith("found character") and p.endswith("that cannot start any token"):
        shown = char if char and char.isprintable() else "?"
        return (f"字符“{shown}”不能作为值的开头（@ ` % 等是 YAML 保留字符）：请给整个值加引号，"
                "如 \"@某某\"")
    if p.startswith("found undefined alias"):
        return "引用了未定义的别名（*）：报告文件中不要使用“*”开头的写法，如是文字请加引号"
    if "quoted scalar" in context and (p.startswith("found unexpected end of stream")
                                       or p.startswith("found unexpected document indicator")):
        return f"第 {ctx_line} 行开始的引号没有闭合：请补上配对的结束引号（中文引号“”不算，须为英文引号）"
    if "',' or ']'" in p:
        return f"第 {ctx_line} 行开始的方括号“[”没有闭合，或列表各项之间缺少英文逗号“,”"
    if "',' or '}'" in p:
        return f"第 {ctx_line} 行开始的花括号“{{”没有闭合，或各项之间缺少英文逗号“,”"
    if p.startswith("found unknown escape character"):
        return "双引号里的反斜杠“\\”后面跟了不认识的字符：含“\\”的文字请改用单引号，或写成“\\\\”"
    if "expected node content" in p or "expected the node content" in p:
        return "这里缺少值"
    if "block scalar" in context:
        return "块文本标记“|”或“>”后面不能直接跟文字：请换行后再缩进书写"
    if "tag handle" in p or "tag" in context:
        return "无法识别以“!”开头的标签：报告文件中不要使用 YAML 标签；如是文字请加引号"
    if "alphabetic or numeric character" in p:
        return "“&”“*”或“!”后面缺少名字：如果这是文字内容，请给整个值加引号"
    if p.startswith("found incompatible YAML document") or "directive" in p or "directive" in context:
        return "不支持的 YAML 指令（以 % 开头的行）：请删除它"
    if "document start" in p:
        return "文档结束标记（...）之后不能再有内容"
    if p.startswith("found unexpected end of stream"):
        return "文件意外结束：可能有没有闭合的引号或括号"
    if p.startswith("found unexpected ':'"):
        return "这里不能出现冒号“:”：如果是文字的一部分，请给整个值加引号"
    return "YAML 格式有误"
