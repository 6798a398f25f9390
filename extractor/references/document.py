"""A document's reference list, from wherever it is: the input's structure or its text."""

from __future__ import annotations

from extractor.reading.document import Document
from extractor.references.resolve import ReferenceIndex

_INDEX = "_claimx_reference_index"


def reference_index(document: Document) -> ReferenceIndex:
    """The document's references, indexed for resolution; built once per document (the rows of
    every piece of a long text resolve against the same list)."""
    index = getattr(document, _INDEX, None)
    if index is None:
        references = document.references if document.references is not None else []
        index = ReferenceIndex(references, document.xrefs)
        setattr(document, _INDEX, index)
    return index
