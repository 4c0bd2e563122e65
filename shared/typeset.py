"""PDF documents typeset by typst: a template in a domain's folder, the data passed as JSON.

The PyPI wheel bundles the compiler and fonts that cover Cyrillic (Libertinus Serif, New Computer Modern, DejaVu
Sans Mono); the template reads its data with `json(bytes(sys.inputs.data))` and may embed images given as files.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import typst


def typeset(template: Path, data: Any, files: dict[str, bytes] | None = None, image: bool = False) -> bytes:
    """Compile `template` with `data` (JSON-serialisable) as `sys.inputs.data`; `files` (name → bytes, e.g. a QR
    code as SVG) are written beside it for the template to include. A PDF, or with `image` a PNG of a one-page
    template. Raises typst's error on a broken template."""
    with tempfile.TemporaryDirectory(prefix="typeset-") as folder:
        root = Path(folder)
        main = root / template.name
        main.write_bytes(template.read_bytes())
        for name, content in (files or {}).items():
            (root / Path(name).name).write_bytes(content)
        inputs = {"data": json.dumps(data, ensure_ascii=False, default=str)}
        if image:
            png: bytes = typst.compile(str(main), root=str(root), sys_inputs=inputs, format="png", ppi=96)
            return png
        pdf: bytes = typst.compile(str(main), root=str(root), sys_inputs=inputs)
        return pdf
