"""The unit every reader produces and every table row points back to."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Document:
    """A document's original text. Offsets in every table index into `text`."""

    id: str
    text: str
    source: str
    meta: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    # from the input's structure (a JATS <ref-list> and its <xref>s); None: none there, the
    # reference list, if any, is found in the text
    references: list | None = None
    xrefs: list | None = None

    @property
    def ok(self) -> bool:
        return self.error is None
