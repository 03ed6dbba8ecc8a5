"""The folders of gendoc/ are its stages, and imports flow one way: a stage imports only the
shared modules and the stages before it (docs/architecture.md), and nothing imports the CLI."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "gendoc"

# The order of docs/architecture.md's table. Later entries may import earlier ones only.
STAGES = ["load", "kind", "check", "render", "build", "review", "author", "ingest", "serve", "cli"]
SHARED = {"diagnostics", "plaindata"}


def imported_modules(source: str, module: str) -> list[tuple[int, str]]:
    """Every gendoc module a file imports, top-level or inside a function, with its line."""
    found = []
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the importing package
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.append((node.lineno, name))
            # `from gendoc import render` names a stage too
            found += [(node.lineno, f"gendoc.{a.name}") for a in node.names
                      if name == "gendoc" and a.name in {*STAGES, *SHARED}]
    return [(line, name) for line, name in found if name == "gendoc" or name.startswith("gendoc.")]


def stage_of(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) < 2:
        return None
    return parts[1] if parts[1] in STAGES else ("shared" if parts[1] in SHARED else parts[1])


def violations(package: Path = PACKAGE) -> list[str]:
    problems = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package.parent).with_suffix("")
        module = ".".join(rel.parts)
        if module.endswith(".__init__"):
            module = module[: -len(".__init__")]
        here = stage_of(module)
        if here in (None, "__main__"):
            continue
        for line, target in imported_modules(path.read_text(encoding="utf-8"), module):
            there = stage_of(target)
            if there in (None, "shared", here):
                continue
            if here == "shared":
                problems.append(f"{path}:{line}: shared module imports stage {there} ({target})")
            elif there not in STAGES:
                problems.append(f"{path}:{line}: imports {target}, which belongs to no stage")
            elif STAGES.index(there) > STAGES.index(here):
                problems.append(f"{path}:{line}: stage {here} imports later stage {there} ({target})")
    return problems


def test_imports_flow_one_way():
    assert violations() == []


def test_top_level_holds_only_shared_modules():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert top == ["__init__.py", "__main__.py"] + sorted(f"{m}.py" for m in SHARED)
    folders = sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists())
    assert set(folders) <= set(STAGES), folders


def test_every_stage_folder_is_in_the_architecture_table():
    table = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    for folder in (p for p in PACKAGE.iterdir() if (p / "__init__.py").exists()):
        assert f"`gendoc/{folder.name}/`" in table, folder.name
        for module in folder.glob("*.py"):
            if module.name != "__init__.py":
                assert f"`{module.name}`" in table, f"{folder.name}/{module.name} is not in docs/architecture.md"


@pytest.mark.parametrize("stage, target", [
    ("render", "from gendoc.cli.main import main"),
    ("check", "from gendoc.render.engine import render_documents"),
    ("load", "    from gendoc.build import project\n"),
    ("plaindata", "from gendoc.load import yaml_loader"),
])
def test_a_wrong_way_import_is_caught(tmp_path, stage, target):
    """The walker itself: copy the package, plant one import that points the wrong way."""
    import shutil

    copy = tmp_path / "gendoc"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    victim = copy / f"{stage}.py" if stage in SHARED else copy / stage / "__init__.py"
    body = "def f():\n" + target if target.startswith("    ") else target + "\n"
    victim.write_text(victim.read_text(encoding="utf-8") + "\n" + body, encoding="utf-8")
    found = violations(copy)
    assert len(found) == 1 and str(victim) in found[0], found
