"""Regenerate tests/golden/ from reports/ (`make golden`). Review the diff before committing:
a golden file changes only when the rendered report is meant to change."""
from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from gendoc.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"


def regenerate() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        # The formats the fast suite builds (tests/conftest.py): PDFs need LibreOffice.
        code = main(["build", "--root", str(ROOT), "-o", tmp, "--force", "--outputs", "html,md,docx"])
        if code != 0:
            return code
        if GOLDEN.exists():  # the printed pages (tests/golden/pages/) are make golden-pages's
            for folder in GOLDEN.iterdir():
                if folder.name != "pages":
                    shutil.rmtree(folder) if folder.is_dir() else folder.unlink()
        for path in sorted(Path(tmp).rglob("*")):
            if path.suffix in (".html", ".md") and path.parent != Path(tmp):  # not the index
                target = GOLDEN / path.relative_to(tmp)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
                print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(regenerate())
