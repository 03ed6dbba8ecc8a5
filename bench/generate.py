"""Deterministic synthetic reports for benchmarks: both formats, many agencies, consecutive
years (so cross-year rules run), the narrative of the real reports (so prose is realistic).

Each agency gets 2019–2020 in the 2019 format (narrative of the seed report) and 2021–… in the
2021 format (narrative of the sample agency). Figures are random but consistent: every rule
holds, and each year's 上年结转 is last year's 结转下年度继续办理.
"""
from __future__ import annotations

import copy
import random
import shutil
from pathlib import Path

import yaml

from gendoc.author.report_yaml import emit
from gendoc.kind.registry import KindRegistry

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = {"annual-report-2019": ROOT / "reports" / "zhifu-drc" / "2020.yaml",
             "annual-report-2021": ROOT / "reports" / "sample-bureau" / "2022.yaml"}
COLUMNS = ["natural", "commercial", "research", "social", "legal", "org_other"]


def _rows(node: dict, path: tuple = ()):
    """Every table-三 row mapping (a dict holding `natural`) under node, with its path."""
    if "natural" in node:
        yield path, node
        return
    for key, value in node.items():
        if isinstance(value, dict):
            yield from _rows(value, path + (key,))


def _figures(data: dict, rng: random.Random, carried: dict | None) -> None:
    def walk(node):
        for key, value in node.items():
            if isinstance(value, dict):
                walk(value)
            elif isinstance(value, int) and not isinstance(value, bool):
                node[key] = rng.choice([0, 0, 0, rng.randint(0, 9), rng.randint(0, 300)])
    for table in ("table2", "table4", "facts"):
        if table in data:
            walk(data[table])
    for item in data.get("proactive", {}).get("categories", []):
        item["count"] = rng.randint(0, 200)
    for fact in data.get("facts", {}).values():
        if isinstance(fact.get("value"), int):
            fact["value"] = rng.randint(0, 20000)
    t3 = data["table3"]
    for _, row in _rows(t3["results"]):
        for col in COLUMNS:
            row[col] = rng.choice([0, 0, 0, rng.randint(0, 12)])
    t3["carried_over"] = dict(carried) if carried else dict.fromkeys(COLUMNS, 0)
    t3["carried_forward"] = {c: rng.choice([0, 0, rng.randint(0, 4)]) for c in COLUMNS}
    handled = {c: sum(row[c] for _, row in _rows(t3["results"])) for c in COLUMNS}
    t3["new_received"] = {}
    for c in COLUMNS:
        need = handled[c] + t3["carried_forward"][c] - t3["carried_over"][c]
        if need < 0:  # more carried over than handled: handle the rest as 予以公开
            t3["results"]["granted"][c] += -need
            need = 0
        t3["new_received"][c] = need
    if "art20_8" in data.get("table2", {}) and "amount" in data["table2"]["art20_8"]["fees"]:
        from decimal import Decimal
        data["table2"]["art20_8"]["fees"]["amount"] = Decimal(rng.randint(0, 10**6)) / Decimal(10**4)
    if "art20_1" in data.get("table2", {}) and "in_force" in data["table2"]["art20_1"]["normative"]:
        for row in data["table2"]["art20_1"].values():
            row["in_force"] = row.get("in_force", 0) + row["issued"]
            row["repealed"] = min(row["repealed"], row["in_force"])
            row["in_force"] -= row["repealed"]


def _reword(kind, data: dict, agency: int) -> None:
    """Give every templated narrative its own wording (the placeholders stay), as agencies
    write their own prose: each then has a text no other report has."""
    from gendoc.kind.labels import narrative_paths
    from gendoc.plaindata import get_path

    for path in list(narrative_paths(kind.index, data)):
        text = get_path(data, path)
        if "{{" in text and "。" in text:
            get_path(data, path[:-1])[path[-1]] = text.replace("。", f"（第{agency}局{data['year']}年的表述）。", 1)


def generate(out: Path, count: int, years_per_agency: int = 5, seed: int = 2026, own_wording: bool = False) -> Path:
    """A project folder with `count` reports under out/reports (schemas/templates copied).
    `own_wording`: every report's templated prose worded its own way (`_reword`)."""
    if out.exists():
        shutil.rmtree(out)
    for name in ("schemas", "templates"):
        shutil.copytree(ROOT / name, out / name)
    registry = KindRegistry(out)
    bases = {k: yaml.safe_load(p.read_text(encoding="utf-8")) for k, p in TEMPLATES.items()}
    rng = random.Random(seed)
    made = 0
    agency = 0
    while made < count:
        agency += 1
        carried = None
        last_in_force = None
        last_items: dict = {}
        # One agency in three reports 2019–2020 in the 2019 format, the others 2021 onwards in
        # the 2021 format: each narrative's `prev.…` then reads a report of its own format.
        first, years = (2019, 2) if agency % 3 == 1 else (2021, years_per_agency)
        for year in range(first, first + years):
            if made >= count:
                break
            kind = registry.for_year(year)
            data = copy.deepcopy(bases[kind.id])
            data["year"] = year
            data["published"] = f"{year + 1}-01-{rng.randint(10, 31):02d}"
            data["agency"]["name"] = f"基准测试第{agency}局（合成数据）"
            _figures(data, rng, carried)
            if own_wording:
                _reword(kind, data, agency)
            if last_in_force and "in_force" in data["table2"]["art20_1"]["normative"]:
                for key, row in data["table2"]["art20_1"].items():
                    row["in_force"] = last_in_force[key] + row["issued"] - row["repealed"]
                    if row["in_force"] < 0:
                        row["repealed"] += row["in_force"]
                        row["in_force"] = 0
            for sub in ("art20_5", "art20_6", "art20_8"):  # 2019 format: rule X-3 holds
                for key, row in data["table2"].get(sub, {}).items():
                    if "last_year" in row:
                        if (sub, key) in last_items:
                            row["last_year"] = last_items[(sub, key)]
                        row["change"] = max(row["change"], -row["last_year"])
                        last_items[(sub, key)] = row["last_year"] + row["change"]
            carried = data["table3"]["carried_forward"]
            if "in_force" in data["table2"]["art20_1"]["normative"]:
                last_in_force = {k: r["in_force"] for k, r in data["table2"]["art20_1"].items()}
            header = [f"# yaml-language-server: $schema=../../schemas/{kind.id}/schema.json",
                      "# 合成的基准测试数据（synthetic benchmark data）"]
            target = out / "reports" / f"bench-{agency:05d}" / f"{year}.yaml"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(emit(data, kind.index, header), encoding="utf-8")
            made += 1
    return out


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.generate",
                                     description="Write a synthetic project of consistent reports for benchmarks.")
    parser.add_argument("folder", type=Path, help="where to write the project (made if missing)")
    parser.add_argument("count", type=int, help="how many reports")
    options = parser.parse_args()
    folder = generate(options.folder, options.count)
    print(f"{options.count} reports in {folder / 'reports'}")
