"""Year-bound words in last year's prose: what a clerk must reread before the text is reused.

`gendoc new` keeps the narrative (most of it describes standing arrangements), but a date or
a year typed as text — 2020年6月24日, 2020年度, 1月31日, 2020-06-24 — was true of last year
and is wrong, unnoticed, in this year's report. Each one found outside `{{ }}` / `{% %}` is
flagged: a comment above the field in the new file and a located warning (W004).
"""
from __future__ import annotations

import re

from gendoc.check.prose_figures import _JINJA

YEAR_BOUND = re.compile(
    r"(?<![0-9０-９])(?:"
    r"(?:19|20)[0-9]{2}\s*年(?:度|[0-9]{1,2}\s*月(?:[0-9]{1,2}\s*日)?|底|初|末)?"   # 2020年, 2020年度, 2020年6月24日
    r"|(?:19|20)[0-9]{2}[-/.][0-9]{1,2}[-/.][0-9]{1,2}"                            # 2020-06-24
    r"|(?<!年)(?<![0-9])[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*日"                                            # 6月24日
    r")"
)


def year_bound(text: str) -> list[tuple[int, str]]:
    """(offset, literal) of every year or date typed as text, outside Jinja tags."""
    blanked = _JINJA.sub(lambda m: " " * len(m.group(0)), text)
    return [(m.start(), m.group(0)) for m in YEAR_BOUND.finditer(blanked)]
