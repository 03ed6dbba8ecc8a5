"""The one finding type every stage returns, and the catalogue of stable codes.

Messages are stored as templates in Chinese (the default: the people fixing the files are
Chinese clerks) and English; a Diagnostic keeps the code and its parameters so that any
reporter can render it in either language.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITY_RANK = {ERROR: 2, WARNING: 1, INFO: 0}


@dataclass(frozen=True)
class Location:
    file: str
    line: int = 0
    col: int = 0
    note: str = ""
    note_en: str = ""  # the note in English, when it differs

    def note_in(self, lang: str = "zh") -> str:
        return self.note_en if lang == "en" and self.note_en else self.note


@dataclass
class Diagnostic:
    severity: str
    code: str
    params: dict[str, Any]
    file: str
    line: int = 0
    col: int = 0
    path: str = ""
    related: list[Location] = field(default_factory=list)

    def message(self, lang: str = "zh") -> str:
        """The message, ending with the data path in brackets when the finding has one
        (the official labels tell a person where to look, the path tells a program)."""
        text = render_message(self.code, self.params, lang)
        return f"{text} [{self.path}]" if self.path else text

    def sort_key(self) -> tuple:
        return (self.file, self.line, self.col, self.code)


# code -> (title, zh template, en template). Templates use str.format with the params.
# Codes are stable: tests, CI annotations and people's notes refer to them. Rule findings
# use the rule's own id (T3-1, X-1, ...) and take their text from the kind's rules file.
CATALOGUE: dict[str, tuple[str, str, str]] = {
    # -- files and command line
    "F001": ("file not found", "找不到文件或目录：{target}", "no such file or directory: {target}"),
    "F002": ("not a report file", "不是报告文件（应为 .yaml 文件或包含报告的目录）：{target}",
             "not a report file (expected a .yaml file or a folder of reports): {target}"),
    "F003": ("unreadable file", "无法读取文件：{reason}", "cannot read the file: {reason}"),
    "F004": ("file name and year disagree",
             "文件名年份 {file_year} 与「报告年度」year: {year} 不一致",
             "the file name says {file_year} but year is {year}"),
    "F005": ("output not written", "无法写入输出文件 {target}：{reason}",
             "cannot write output {target}: {reason}"),
    "F006": ("report file skipped", "已跳过「{name}」：报告文件名应为四位年份加 .yaml（如 2020.yaml），所在目录名为机关标识",
             "skipped '{name}': a report file is named by its four-digit year, e.g. 2020.yaml, in its agency's folder"),
    "F007": ("two files for one report",
             "与 {others} 对应同一份报告 {output}（同一机关同一年度只能有一个文件）：都不生成，请删除或改名其一",
             "shares its report {output} with {others} (one file per agency and year): neither is built; "
             "remove or rename one"),
    "F008": ("build process lost", "生成本报告的进程意外终止（{reason}），本报告未生成：请重新运行",
             "the process building this report died ({reason}); nothing was written for it: run the build again"),
    # -- YAML loading
    "Y001": ("YAML syntax error", "YAML 语法错误：{problem}", "YAML syntax error: {problem}"),
    "Y002": ("not UTF-8", "文件不是 UTF-8 编码{guess}。请用编辑器“另存为”UTF-8 编码（如记事本：另存为 → 编码选 UTF-8）",
             "the file is not UTF-8{guess_en}; re-save it as UTF-8 (e.g. Notepad: Save As → Encoding: UTF-8)"),
    "Y003": ("duplicate key", "键「{key}」重复：第 {first_line} 行已出现过，同一层级的键只能写一次",
             "duplicate key '{key}': already given on line {first_line}"),
    "Y004": ("anchor or alias", "不支持 YAML 锚点/别名（{token}）：每个数字只写一次，不要引用",
             "YAML anchors and aliases ({token}) are not supported in report files"),
    "Y005": ("file too large", "文件过大（{size} 字节，上限 {limit} 字节），不像是报告数据文件",
             "file too large ({size} bytes, limit {limit}); not a report data file"),
    "Y006": ("nesting too deep", "嵌套层级过深（超过 {limit} 层）", "nesting deeper than {limit} levels"),
    "Y007": ("tab indentation", "使用了制表符（Tab）缩进：YAML 只允许空格缩进，请把 Tab 换成空格",
             "tab character used for indentation: YAML allows spaces only"),
    "Y008": ("several documents", "文件含多个 YAML 文档（---）：一个文件只能写一份报告",
             "the file holds several YAML documents (---); one report per file"),
    "Y009": ("empty file", "文件为空：没有任何报告内容", "the file is empty"),
    "Y010": ("not a mapping", "报告文件的顶层应为键值对（如 year: 2020），实为{found}",
             "the top level of a report must be a mapping (key: value), found {found_en}"),
    "Y011": ("full-width colon", "键后使用了全角冒号“：”（中文输入法）：请改为半角冒号加空格“: ”",
             "full-width colon '：' (typed by a Chinese IME) after a key: use ': '"),
    "Y012": ("unsupported tag", "不支持的 YAML 标签 {tag}", "unsupported YAML tag {tag}"),
    "Y013": ("non-string key", "键必须是文字，实为 {found}", "mapping keys must be text, found {found_en}"),
    "Y014": ("invisible character", "含有不可见的控制字符 {char}（{name}）：它会改变文字和数字的显示顺序或隐藏内容，使页面与数据不一致，请删除",
             "invisible control character {char} ({name}): it reorders or hides text, so the page would not read as the data; remove it"),
    # -- kinds
    "K001": ("unknown format", "未知的报告格式 format: {format}（可用：{known}）",
             "unknown report format '{format}' (known: {known})"),
    "K002": ("missing format", "缺少报告格式 format（可用：{known}）",
             "missing 'format' (known: {known})"),
    # -- a kind's own files (gendoc kind check; rules also whenever the kind is used)
    "K003": ("malformed rules file", "规则文件写法有误：{problem}", "the rules file is malformed: {problem}"),
    "K004": ("rule expression does not parse", "规则 {rule_name} 的表达式有误：{problem}",
             "rule {rule_name}: the expression does not parse: {problem}"),
    "K005": ("rule names no declared place", "规则 {rule_name} 引用的数据不存在：{problem}",
             "rule {rule_name} names a place the schema does not declare: {problem}"),
    "K006": ("rule target of the wrong kind", "规则 {rule_name} 的 target 有误：{problem}",
             "rule {rule_name}: wrong target: {problem}"),
    "K007": ("bad foreach", "规则 {rule_name} 的 foreach 有误：{problem}", "rule {rule_name}: bad foreach: {problem}"),
    "K009": ("kind file does not load", "文档类型的文件无法读取：{problem}", "a file of the kind does not load: {problem}"),
    "K010": ("schema is not valid draft-07", "schema 不是有效的 JSON Schema（draft-07）：{problem}",
             "the schema is not a valid draft-07 JSON Schema: {problem}"),
    "K011": ("untitled property", "{problem}", "a property has no title (its official label): {problem}"),
    "K012": ("malformed annotation", "schema 注解有误：{problem}", "malformed schema annotation: {problem}"),
    "K013": ("table cannot be laid out", "表格「{table}」无法按 x-layout 排版：{problem}",
             "table '{table}' cannot be laid out by its x-layout: {problem}"),
    "K014": ("template missing or broken", "模板有误：{problem}", "template missing or broken: {problem}"),
    "K015": ("template reads missing data", "模板引用的数据不存在：{problem}", "the template reads data no report has: {problem}"),
    "K016": ("kind.yaml malformed", "kind.yaml 有误：{problem}", "kind.yaml is malformed: {problem}"),
    "K017": ("migration names no declared place", "migrations.yaml 有误：{problem}",
             "migrations.yaml names a place that does not exist: {problem}"),
    "K008": ("unbound placeholder", "规则 {rule_name} 用了 {{{name}}}，但 foreach 中没有定义 {name}",
             "rule {rule_name} uses {{{name}}} but its foreach does not define {name}"),
    # -- schema
    "S001": ("wrong type", "{place}应为{expected}，实为{found}", "{place_en} must be {expected_en}, found {found_en}"),
    "S002": ("missing item", "{place}缺少必填项「{label}」（{key}）", "{place_en} lacks required '{key}' ({label})"),
    "S003": ("unknown key", "{place}中有未知的键「{key}」{hint}", "unknown key '{key}' in {place_en}{hint_en}"),
    "S004": ("below minimum", "{place}应不小于 {limit}，实为 {found}", "{place_en} must be at least {limit}, found {found}"),
    "S005": ("above maximum", "{place}应不大于 {limit}，实为 {found}（数值异常大）",
             "{place_en} must be at most {limit}, found {found} (implausibly large)"),
    "S006": ("too few items", "{place}至少应有 {limit} 项，实有 {found} 项", "{place_en} needs at least {limit} items, found {found}"),
    "S007": ("too many items", "{place}至多 {limit} 项，实有 {found} 项", "{place_en} allows at most {limit} items, found {found}"),
    "S008": ("wrong format", "{place}格式不对：应为{expected}，实为「{found}」",
             "{place_en} has the wrong form: expected {expected_en}, found '{found}'"),
    "S009": ("not allowed value", "{place}的值「{found}」不在允许范围内（{allowed}）",
             "{place_en}: '{found}' is not one of {allowed}"),
    "S010": ("schema violation", "{place}不符合格式要求：{detail}", "{place_en} does not fit the format: {detail}"),
    "S011": ("empty text", "{place}不能为空", "{place_en} must not be empty"),
    # -- rules
    "R001": ("broken rule", "{title}：{detail}", "{title_en}: {detail_en}"),
    "R002": ("stated total differs", "{place}填写为 {stated}，但按各项计算应为 {computed}（{title}）",
             "{place_en} is stated as {stated} but the figures add up to {computed} ({title_en})"),
    "R005": ("division by zero", "{title}：无法计算，除数 {divisor} 为 0（规则 {rule}）",
             "{title_en}: cannot be computed, the divisor {divisor} is 0 (rule {rule})"),
    "R006": ("rule names several figures", "{title}：规则 {rule} 写法有误，本报告无法计算：{problem}",
             "{title_en}: rule {rule} is malformed and cannot be computed for this report: {problem}"),
    # -- drafts: figures not known yet (status: draft | final)
    "W001": ("unknown figure in a draft", "{place}尚未填写（null）：草稿可以暂缺，定稿（status: final）前须填写",
             "{place_en} is not known yet (null): fine in a draft, required before status: final"),
    "W002": ("unknown figure in a final report",
             "{place}尚未填写（null）：定稿（status: final，不写 status 即为定稿）不能有未填写的数字；请填写，或把 status 改为 draft",
             "{place_en} is null in a final report (no status means final): fill it in, or set status: draft"),
    "W004": ("year-bound words kept from last year", "{place}沿用了上年的正文，其中的日期或年份「{literal}」可能已过时：请改为本年度的，或改用 {{{{ year }}}}",
             "{place_en} keeps last year's text with the date or year '{literal}': update it, or use {{{{ year }}}}"),
    "W005": ("no place in the new format", "上年报告的{place}在{format}中没有对应项，未带入新文件{reason}",
             "{place_en} of last year's report has no place in {format} and was not carried over{reason}"),
    "W006": ("narrative reference with no place in the new format",
             "{place}引用的「{literal}」在{format}中没有对应项，请改写这句{reason}",
             "{place_en} refers to '{literal}', which {format} does not have: rewrite the sentence{reason}"),
    # -- the fill-in workbook (gendoc import FILE.xlsx --into REPORT.yaml)
    "X001": ("unplaced cell", "{cell} 的数字 {value} 无法按标签对应到表格中的任何一格（{labels}），未读入",
             "{cell}: the number {value} matches no cell of the tables by its labels ({labels}); not read"),
    "X002": ("not a figure", "{cell} 的值「{value}」不是{place}可用的数字（件数为不小于 0 的整数），未读入",
             "{cell}: '{value}' is not a valid figure for {place_en}; not read"),
    "X003": ("figure given twice", "{cell} 与 {first} 都是{place}，只读入了 {first}",
             "{cell} and {first} both give {place_en}; only {first} was read"),
    "X004": ("figure not in the workbook", "工作簿中找不到{place}，报告文件中的值保持不变",
             "the workbook has no {place_en}; the report file's value is kept"),
    "W003": ("rules skipped in a draft", "因有尚未填写的数字，以下 {count} 条规则本次未检查：{rules}",
             "{count} rules were not checked because figures they need are not known yet: {rules_en}"),
    # -- narrative and templates
    "N001": ("template syntax error", "模板语法错误：{problem}", "template syntax error: {problem}"),
    "N002": ("undefined name", "模板引用了不存在的数据「{name}」{hint}", "the template refers to undefined '{name}'{hint_en}"),
    "N003": ("literal figure in prose", "正文中直接写了数字「{figure}」：数字应引用数据（写成 {{{{ … }}}}），否则会与表格不一致",
             "literal figure {figure} in prose; reference the data instead, or it will drift from the tables"),
    "N004": ("template error", "模板渲染出错：{problem}", "template rendering failed: {problem}"),
    "N006": ("narrative too costly", "正文超出限制：{problem}", "the narrative exceeds a limit: {problem}"),
    "N007": ("invisible character in narrative", "正文渲染结果含有不可见的控制字符 {char}（{name}）（如 &#x202e; 之类的字符引用）：请删除",
             "the rendered narrative holds the invisible control character {char} ({name}), e.g. from a character reference; remove it"),
    "N005": ("unsafe template", "模板中不允许的操作：{problem}", "operation not allowed in a narrative template: {problem}"),
    "N010": ("prose contradicts the table", "正文「{quote}」称{label}为 {stated}，但{place}为 {actual}",
             "the prose '{quote}' gives {label} as {stated}, but {place} is {actual}"),
    "N011": ("statement contradicts the table", "正文「{quote}」与表格不符：{label}（见{detail}）",
             "the prose '{quote}' contradicts the tables: {label} (see {detail})"),
    # -- import of published reports (gendoc import / audit)
    "I001": ("not an annual report", "不是政府信息公开工作年度报告：{reason}", "not a government information disclosure annual report: {reason}"),
    "I002": ("source too large", "文件过大（{size} 字节，上限 {limit} 字节），不像是一份年度报告",
             "file too large ({size} bytes, limit {limit}); not an annual report"),
    "I003": ("undecodable text", "部分文字无法按 {encoding} 编码解读，已用 � 代替：请核对原文",
             "some bytes are not valid {encoding}; replaced with �: compare with the original"),
    "I004": ("damaged file", "文件已损坏或无法解析（{reason}）", "the file is damaged or cannot be parsed ({reason})"),
    "I005": ("unsupported file type", "不支持的文件类型「{suffix}」（支持 .html .htm .shtml .txt .md .docx .pdf）",
             "unsupported file type '{suffix}' (supported: .html .htm .shtml .txt .md .docx .pdf)"),
    "I006": ("no text layer", "PDF 没有文字层（扫描件或图片）：无法读取，需要先做文字识别（OCR）",
             "the PDF has no text layer (a scan or images): run OCR first"),
    "I007": ("year not found", "找不到报告年度：标题中应有“××××年政府信息公开工作年度报告”",
             "no report year found: the title should read '…YYYY年政府信息公开工作年度报告'"),
    "I008": ("no national format for the year", "{year} 年度没有适用的全国统一格式（2019 版格式自 2019 年度起适用）：{reason}",
             "no national format covers report year {year} (the 2019 format applies from 2019): {reason}"),
    "I009": ("tables in the wrong format", "{year} 年度应使用「{expected}」，但表格是「{found}」的",
             "report year {year} requires '{expected}', but the tables are in '{found}'"),
    "I010": ("table missing", "未找到表格「{table}」：其中的数字保持未知（null）", "table '{table}' not found: its figures stay unknown (null)"),
    "I011": ("unknown row", "「{table}」中的行「{label}」不是正式表格的行，未读取", "row '{label}' of '{table}' is not a row of the official table; not read"),
    "I012": ("negative figure", "「{label}」的数字「{text}」为负数，该栏不允许负数：未读取", "'{text}' in {label} is negative where the table allows none; not read"),
    "I013": ("no column headers", "「{label}」的数字上方没有列标题：按正式表格的列顺序读取，请核对",
             "figures of '{label}' have no column headers: read in the official column order, check them"),
    "I014": ("surplus figures", "「{label}」应有 {expected} 个数字，原文有 {found} 个：多余的未读取",
             "'{label}' has {expected} columns but the source gives {found} figures; the surplus is not read"),
    "I015": ("figures not given", "原文没有给出 {count} 个数字（如 {place}）：保持未知（null），请补填",
             "the source does not give {count} figures (e.g. {place}): left unknown (null), fill them in"),
    "I017": ("value read with a repair", "{place}：{note}", "{place}: {note}"),
    "I018": ("output exists", "{target} 已存在，不会覆盖", "{target} already exists; not overwritten"),
    "I019": ("tracked changes", "Word 文件含未接受的修订（{count} 处）：按接受全部修订后的文字读取，请核对",
             "the Word file has {count} tracked changes: read as if all were accepted; check them"),
    "I020": ("truncated source", "原文似乎不完整（{reason}）", "the source looks truncated ({reason})"),
    "I021": ("a row in another format", "「{label}」按{older}填写为一行，{format}中它分为 {count} 行（{rows}）：这些行的数字保持未知（null），请按本年度格式补填",
             "'{label}' is one row as in {older}; {format} splits it into {count} rows ({rows}): their figures stay unknown (null), fill them in"),
    # -- audit of published reports
    "A001": ("published late", "发布时间 {published} 晚于法定期限 {deadline}（《条例》第五十条：每年1月31日前公布）",
             "published {published}, after the legal deadline {deadline} (31 January)"),
    "A002": ("publication date unknown", "找不到发布时间：无法判断是否按期公布", "no publication date found: cannot tell whether it was on time"),
    # -- output formats (Word, PDF)
    "O001": ("page description broken", "页面格式文件有误：{problem}", "the page description is broken: {problem}"),
    "O002": ("PDF not written", "未生成 PDF（{count} 份报告）：{reason}。{fix}。其他格式照常生成",
             "PDF not written ({count} report(s)): {reason}. {fix}. The other formats are written"),
    "O003": ("PDF conversion failed", "PDF 生成失败：{problem}（下次构建将重试）",
             "PDF conversion failed: {problem} (the next build tries again)"),
}


def is_kind_problem(code: str) -> bool:
    """A finding about a kind's own files (K003–K099), not about a report."""
    return len(code) == 4 and code[0] == "K" and code[1:].isdigit() and 3 <= int(code[1:]) <= 99


def render_message(code: str, params: dict[str, Any], lang: str = "zh") -> str:
    _title, zh, en = CATALOGUE[code]
    template = en if lang == "en" else zh
    values = _Defaulting(params)
    return template.format_map(values)


class _Defaulting(dict):
    """English fields fall back to the Chinese ones; missing optional hints are empty."""

    def __missing__(self, key: str) -> str:
        if key.endswith("_en") and key[:-3] in self:
            return str(self[key[:-3]])
        return ""


def count_by_severity(diagnostics: Iterable[Diagnostic]) -> dict[str, int]:
    counts = {ERROR: 0, WARNING: 0, INFO: 0}
    for d in diagnostics:
        counts[d.severity] += 1
    return counts


def worst(diagnostics: Iterable[Diagnostic]) -> str | None:
    """The most severe severity present, or None when clean."""
    best = None
    for d in diagnostics:
        if best is None or SEVERITY_RANK[d.severity] > SEVERITY_RANK[best]:
            best = d.severity
    return best


def status_of(diagnostics: Iterable[Diagnostic]) -> str:
    """clean / warnings / errors: what summaries, the index page and exit codes go by."""
    return {None: "clean", INFO: "clean", WARNING: "warnings", ERROR: "errors"}[worst(diagnostics)]


# Findings by class, for overviews: a code's letters before its digits name its class.
CODE_CLASSES = {
    "F": "文件", "Y": "YAML 语法", "K": "报告格式", "S": "数据项", "R": "勾稽关系", "N": "正文",
}
RULE_CLASS = "勾稽关系"  # findings of a kind's own rules carry the rule's id (T3-1, X-1, …)


def code_class(code: str) -> str:
    """The class of a finding code in Chinese: 文件, 数据项, 勾稽关系, 正文, …"""
    letters = code.rstrip("0123456789")
    if letters in CODE_CLASSES:
        return CODE_CLASSES[letters]
    return RULE_CLASS if "-" in code else "其他"


class HasFindings:
    """What a result with a `diagnostics` list says about itself (summaries, report results)."""

    diagnostics: list[Diagnostic]

    @property
    def status(self) -> str:
        return status_of(self.diagnostics)

    @property
    def ok(self) -> bool:
        return self.status != "errors"
