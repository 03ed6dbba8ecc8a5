"""A kind's JSON Schema as one self-contained file (for editors and other tools)."""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin


def bundle_schema(kind) -> dict:
    """The kind's schema as one self-contained document: every `$ref` into another file
    (e.g. ../common/defs.json#/definitions/count) is copied into this document's
    `definitions` and pointed at there. Titles, descriptions and x- annotations stay."""
    documents = kind.documents
    root_uri = kind.schema_uri
    root = copy.deepcopy(kind.schema)
    taken = set((root.get("definitions") or {}).keys())
    names: dict[tuple[str, str], str] = {}
    pending: list[tuple[str, str]] = []
    definitions: dict[str, Any] = {}

    def name_for(doc: str, fragment: str) -> str:
        key = (doc, fragment)
        if key not in names:
            parts = [p for p in fragment.split("/") if p]
            base = (parts[-1] if parts else Path(urldefrag(doc)[0]).stem) or "schema"
            base = base.replace("~1", "_").replace("~0", "_")
            name, n = base, 2
            while name in taken:
                stem = Path(doc).stem
                name = f"{stem}_{base}" if n == 2 else f"{stem}_{base}_{n}"
                n += 1
            taken.add(name)
            names[key] = name
            pending.append(key)
        return names[key]

    def rewrite(node: Any, base: str) -> Any:
        if isinstance(node, dict):
            out = {}
            for k, v in node.items():
                if k == "$ref" and isinstance(v, str):
                    target = urljoin(base, v)
                    doc, fragment = urldefrag(target)
                    doc = doc or base
                    out[k] = f"#{fragment}" if doc == root_uri else f"#/definitions/{name_for(doc, fragment)}"
                elif k in ("$id", "$schema") and base != root_uri:
                    continue
                else:
                    out[k] = rewrite(v, base)
            return out
        if isinstance(node, list):
            return [rewrite(v, base) for v in node]
        return node

    bundled = rewrite(root, root_uri)
    while pending:
        doc, fragment = pending.pop(0)
        node: Any = documents[doc]
        for part in [p for p in fragment.split("/") if p]:
            node = node[part.replace("~1", "/").replace("~0", "~")]
        definitions[names[(doc, fragment)]] = rewrite(node, doc)
    result = {"$schema": bundled.pop("$schema", "http://json-schema.org/draft-07/schema#"),
              "$comment": f"由 gendoc schema {kind.id} 生成（generated, do not edit）：schemas/{kind.id}/schema.json "
                          "及其引用的文件合成的单文件副本"}
    result.update(bundled)
    if definitions:
        result["definitions"] = {**(bundled.get("definitions") or {}), **definitions}
    return result
