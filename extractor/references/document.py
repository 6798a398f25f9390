"""A document's reference list, from wherever it is: the input's structure or its text."""

from __future__ import annotations

from extractor.reading.document import Document
from extractor.references.resolve import ReferenceIndex
from extractor.references.text import find_reference_section, parse_references

_INDEX = "_claimx_reference_index"


def reference_index(document: Document) -> ReferenceIndex:
    """The document's references, indexed for resolution; built once per document (the rows of
    every piece of a long text resolve against the same list).

    A JATS article's come from its `<ref-list>`; any other text's from its reference section
    (`references.text`), whose place the index keeps as `section` (original offsets; None where
    the text has none, or it held no entry)."""
    index = getattr(document, _INDEX, None)
    if index is None:
        section = None
        if document.references is not None:
            references = document.references
        else:
            references = parse_references(document.text) if document.text else []
            section = find_reference_section(document.text) if references else None
        index = ReferenceIndex(references, document.xrefs)
        index.section = section
        setattr(document, _INDEX, index)
    return index
