"""Document kinds: a schema, its rules and its templates, found as data on disk.

    schemas/<kind>/kind.yaml     id, title, report years, output templates
    schemas/<kind>/schema.json   JSON Schema (draft-07), titles = official labels
    schemas/<kind>/rules.yaml    derivations and checks (may `include` shared rule files)
    templates/<kind>/            the kind's templates; templates/common/ is shared

Nothing in gendoc's code names a kind: adding one is adding folders.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from gendoc.kind.labels import SchemaIndex

# The kind's own files are trusted and plain: the C loader reads them several times faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class KindError(Exception):
    """A kind's own files are broken (a maintainer's error, not a report author's)."""


@dataclass
class Kind:
    id: str
    # Kinds of one family are successive formats of the same document (the 2019 and 2021
    # annual reports): `gendoc new` moves a report to the family's format for its year.
    family: str
    title: str
    title_en: str
    first_year: int
    last_year: int
    outputs: dict[str, str]
    folder: Path
    templates_dir: Path
    common_templates_dir: Path
    schema: dict
    schema_uri: str
    documents: dict[str, dict] = field(repr=False)
    # What the overview of many agencies shows for this kind (kind.yaml `overview`): tables
    # summed over a region, measures compared year over year, charts. Empty: none of it.
    overview: dict[str, Any] = field(default_factory=dict, repr=False)
    # What later stages compile from this kind once per process (the schema gate, the
    # jsonschema validator), kept here so it lives and dies with the kind it came from.
    compiled: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def index(self) -> SchemaIndex:
        return SchemaIndex(self.schema, self.schema_uri, self.documents)

    @cached_property
    def rules(self) -> dict[str, list]:
        """Derivations, checks and year-to-year carries, includes resolved, in order."""
        return _load_rules(self.folder / "rules.yaml", seen=set())

    def fits_year(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year

    def source_files(self) -> list[Path]:
        """Every file whose change must re-render this kind's reports."""
        files = [p for p in self.folder.rglob("*") if p.is_file()]
        files += [Path(uri[len("file://"):]) for uri in self.documents if uri.startswith("file://")]
        for folder in (self.templates_dir, self.common_templates_dir):
            if folder.is_dir():
                files += [p for p in folder.rglob("*") if p.is_file()]
        common_rules = self.folder.parent / "common"
        if common_rules.is_dir():
            files += [p for p in common_rules.rglob("*") if p.is_file()]
        return sorted(set(files))


def _load_rules(path: Path, seen: set[Path]) -> dict[str, list]:
    path = path.resolve()
    if path in seen:
        raise KindError(f"rules include cycle at {path}")
    seen.add(path)
    sections = ("derive", "checks", "carry")
    merged: dict[str, list] = {name: [] for name in sections}
    if not path.exists():
        return merged
    doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}
    for inc in doc.get("include", ()):
        sub = _load_rules(path.parent / inc, seen)
        for name in sections:
            merged[name] += sub[name]
    for name in sections:
        merged[name] += doc.get(name, []) or []
    return merged


class KindRegistry:
    """All kinds under one project root (a folder holding schemas/ and templates/)."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.schemas_dir = self.root / "schemas"
        self.templates_dir = self.root / "templates"
        self._kinds: dict[str, Kind] | None = None
        self._documents: dict[str, dict] | None = None

    def _all_documents(self) -> dict[str, dict]:
        if self._documents is None:
            docs = {}
            for p in sorted(self.schemas_dir.rglob("*.json")):
                try:
                    docs[p.resolve().as_uri()] = json.loads(p.read_text(encoding="utf-8"))
                except (OSError, ValueError) as exc:
                    raise KindError(f"{p}: {exc}") from exc
            self._documents = docs
        return self._documents

    def _scan(self) -> dict[str, Kind]:
        if self._kinds is None:
            kinds = {}
            for manifest in sorted(self.schemas_dir.glob("*/kind.yaml")):
                kind = self._load(manifest)
                kinds[kind.id] = kind
            self._kinds = kinds
        return self._kinds

    def _load(self, manifest: Path) -> Kind:
        try:
            meta: dict[str, Any] = yaml.load(manifest.read_text(encoding="utf-8"), Loader=_LOADER)
        except (OSError, yaml.YAMLError) as exc:
            raise KindError(f"{manifest}: {exc}") from exc
        kind_id = meta.get("id") if isinstance(meta, dict) else None
        if not isinstance(kind_id, str) or not kind_id:
            raise KindError(f"{manifest}: 缺少文档类型标识 id（missing the kind's id）")
        folder = manifest.parent
        schema_path = (folder / "schema.json").resolve()
        docs = self._all_documents()
        uri = schema_path.as_uri()
        if uri not in docs:
            raise KindError(f"{folder}: no schema.json")
        years = meta.get("years", {})
        return Kind(
            id=meta["id"],
            family=str(meta.get("family") or meta["id"]),
            title=meta.get("title", meta["id"]),
            title_en=meta.get("title_en", meta.get("title", meta["id"])),
            first_year=int(years.get("first", 0)),
            last_year=int(years.get("last") or 9999),
            outputs=dict(meta.get("outputs", {})),
            folder=folder,
            templates_dir=self.templates_dir / meta["id"],
            common_templates_dir=self.templates_dir / "common",
            schema=docs[uri],
            schema_uri=uri,
            documents=docs,
            overview=dict(meta.get("overview") or {}),
        )

    def get(self, kind_id: str) -> Kind | None:
        return self._scan().get(kind_id)

    def ids(self) -> list[str]:
        return sorted(self._scan())

    def for_year(self, year: int, family: str | None = None) -> Kind | None:
        """The kind whose report years include `year` (the newest when several do), of
        `family` when given."""
        fitting = [k for k in self._scan().values() if k.fits_year(year) and family in (None, k.family)]
        return max(fitting, key=lambda k: k.first_year) if fitting else None
