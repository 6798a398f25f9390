"""PMC/JATS XML input: the article's prose as text, one block per paragraph.

Read: the article title; the abstracts (not graphical ones or teasers); the body: section titles
and every paragraph, at any depth of `<sec>`, also inside lists, definition lists, quotes, boxes,
statements, verse and speech; the captions (title and paragraphs) of figures and tables and the
tables' footnotes, without the table cells; floats collected in `<floats-group>`; from the back
matter the acknowledgements and the appendices.

A formula (`<inline-formula>`, or a `<disp-formula>` inside a paragraph) becomes the fixed word
`[formula]` (FORMULA_PLACEHOLDER), so that the sentence around it stays readable (`Let [formula]
be a set of points`). A display formula standing between paragraphs has no sentence to keep and
is left out.

A block-level element inside a `<p>` (a figure, a list, a quote ...) splits the paragraph where
it stands: the text before it, its own blocks, the text after it.

Left out: labels (`Fig 1`, `(2)`, list bullets), table cells, graphics, media and supplementary
material, code, footnote groups, the reference list, glossaries, back sections (eLife's
"Additional information": funding, author contributions), and sub-articles (decision letters,
author responses).

The reference list is not text to analyse but structure: `jats_article` returns it as Reference
records (`extractor.references.jats`), with the place of every `<xref ref-type="bibr">` in the
text and the `rid`s it names, so that citation markers resolve to the entries they point at.

Parsed without network access, DTD loading or entity expansion (no XXE).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extractor.references.record import Reference

FORMULA_PLACEHOLDER = "[formula]"
# brackets around a bibliographic xref's text while blocks are built (private-use characters,
# removed from the text once the xrefs' offsets are known)
_OPEN, _CLOSE = "\ue000", "\ue001"

# elements whose text is one block (a `<p>` can hold blocks of its own, which split it)
_TEXT_BLOCKS = frozenset({"p", "title", "term", "speaker", "verse-line", "attrib"})
# elements that hold blocks: read child by child; anything not listed here is left out
_CONTAINERS = frozenset({
    "sec", "abstract", "body", "ack", "app-group", "app", "floats-group",
    "list", "list-item", "def-list", "def-item", "def", "disp-quote", "boxed-text", "statement",
    "verse-group", "speech", "question-wrap", "question", "answer", "explanation",
    "fig", "fig-group", "table-wrap", "table-wrap-group", "caption", "table-wrap-foot", "fn",
})
# formulas: one placeholder each, inside a paragraph
_FORMULAS = frozenset({"inline-formula", "disp-formula", "disp-formula-group", "chem-struct"})
# left out wherever they are, also inside a paragraph
_LEFT_OUT = frozenset({
    "label", "table", "alternatives", "graphic", "inline-graphic", "media", "supplementary-material",
    "fn-group", "ref-list", "glossary", "code", "preformat", "chem-struct-wrap", "object-id",
    "sec-meta", "permissions", "array",
})
# from <back>: the rest (references, footnotes, glossary, notes, back <sec>) is left out
_BACK_READ = frozenset({"ack", "app-group", "app"})


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


@dataclass
class Xref:
    """A bibliographic `<xref>` in the text: its offsets and the reference ids it names."""

    start: int
    end: int
    rids: tuple[str, ...]


@dataclass
class JatsArticle:
    text: str
    references: list[Reference] = field(default_factory=list)
    xrefs: list[Xref] = field(default_factory=list)


class _Blocks(list):
    """The text blocks in document order, and the rids of each bracketed xref in them."""

    def __init__(self) -> None:
        super().__init__()
        self.rids: list[tuple[str, ...]] = []


def _blocks(element, out: _Blocks) -> None:
    """The blocks of a container, in document order."""
    in_foot = _local(element.tag) == "table-wrap-foot"
    for child in element:
        name = _local(child.tag)
        if name in _TEXT_BLOCKS:
            _paragraph(child, out)
        elif name in _CONTAINERS or (in_foot and name == "fn-group"):
            _blocks(child, out)


def _paragraph(element, out: _Blocks) -> None:
    """A paragraph's visible text as one block; xrefs keep their text, formulas become the
    placeholder, and a block-level element inside it splits it where it stands."""
    parts: list[str] = []

    def flush() -> None:
        text = " ".join("".join(parts).split())
        if text:
            out.append(text)
        parts.clear()

    def visit(node) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            # unexpanded entity references (never resolved), comments and PIs add nothing
            if isinstance(child.tag, str):
                name = _local(child.tag)
                if name in _FORMULAS:
                    parts.append(FORMULA_PLACEHOLDER)
                elif name in _LEFT_OUT:
                    pass
                elif name in _TEXT_BLOCKS:
                    flush()
                    _paragraph(child, out)
                elif name in _CONTAINERS:
                    flush()
                    _blocks(child, out)
                elif name == "break":
                    parts.append(" ")
                elif name == "xref" and child.get("ref-type") == "bibr" and child.get("rid", "").strip():
                    out.rids.append(tuple(child.get("rid").split()))
                    parts.append(_OPEN)
                    visit(child)
                    parts.append(_CLOSE)
                else:
                    visit(child)
            if child.tail:
                parts.append(child.tail)

    visit(element)
    flush()


def _without_brackets(text: str, rids: list[tuple[str, ...]]) -> tuple[str, list[Xref]]:
    """The text with the xref brackets removed, and each bracketed xref's offsets in it."""
    parts: list[str] = []
    xrefs: list[Xref] = []
    at = length = 0
    opened: int | None = None
    for i, char in enumerate(text):
        if char == _OPEN or char == _CLOSE:
            parts.append(text[at:i])
            length += i - at
            at = i + 1
            if char == _OPEN:
                opened = length
            elif opened is not None and len(xrefs) < len(rids):
                xrefs.append(Xref(opened, length, rids[len(xrefs)]))
                opened = None
    parts.append(text[at:])
    return "".join(parts), xrefs


def jats_text(data: bytes) -> str:
    """Title, abstract, body and back-matter prose of a PMC/JATS article, one block per line pair."""
    return jats_article(data).text


def jats_article(data: bytes) -> JatsArticle:
    """The article's prose (see the module docstring), its references and its xrefs.

    Parsed without network access, DTD loading or entity expansion (no XXE).
    """
    from lxml import etree

    from extractor.references.jats import jats_references

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             dtd_validation=False, huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        raise ValueError(f"not well-formed XML: {e}".splitlines()[0]) from e
    if root is None or _local(root.tag) != "article":
        raise ValueError(f"not a JATS article (root element <{_local(getattr(root, 'tag', ''))}>)")
    blocks = _Blocks()
    meta = root.find(".//{*}front/{*}article-meta")
    if meta is None:
        meta = root.find(".//article-meta")
    if meta is not None:
        title = meta.find(".//{*}title-group/{*}article-title")
        if title is not None:
            _paragraph(title, blocks)
        for abstract in meta.iterfind("{*}abstract"):
            if abstract.get("abstract-type") in ("graphical", "teaser"):
                continue
            _blocks(abstract, blocks)
    for body in root.iterfind("{*}body"):
        _blocks(body, blocks)
    for floats in root.iterfind("{*}floats-group"):
        _blocks(floats, blocks)
    for back in root.iterfind("{*}back"):
        for child in back:
            if _local(child.tag) in _BACK_READ:
                _blocks(child, blocks)
    if not blocks:
        raise ValueError("JATS article without title, abstract or body text")
    text = "\n\n".join(blocks) + "\n"
    if _OPEN in text or _CLOSE in text:
        text, xrefs = _without_brackets(text, blocks.rids)
    else:
        xrefs = []
    return JatsArticle(text, jats_references(root), xrefs)
