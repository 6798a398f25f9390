"""claimx: turn what biomedical papers claim into tables.

The names below load on first use, so `import extractor` (and the CLI's start-up) does not
import spaCy until a pipeline is needed.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "Document": "extractor.reading.document",
    "normalize": "extractor.reading.normalize",
    "load": "extractor.pipeline.load",
    "annotate": "extractor.pipeline.annotate",
    "extract_tables": "extractor.api",
    "read_table": "extractor.tables.read",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'extractor' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
