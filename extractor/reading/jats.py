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

Parsed without network access, DTD loading or entity expansion (no XXE).
"""

from __future__ import annotations

FORMULA_PLACEHOLDER = "[formula]"

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


def _blocks(element, out: list[str]) -> None:
    """The blocks of a container, in document order."""
    in_foot = _local(element.tag) == "table-wrap-foot"
    for child in element:
        name = _local(child.tag)
        if name in _TEXT_BLOCKS:
            _paragraph(child, out)
        elif name in _CONTAINERS or (in_foot and name == "fn-group"):
            _blocks(child, out)


def _paragraph(element, out: list[str]) -> None:
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
                else:
                    visit(child)
            if child.tail:
                parts.append(child.tail)

    visit(element)
    flush()


def jats_text(data: bytes) -> str:
    """Title, abstract, body and back-matter prose of a PMC/JATS article, one block per line pair.

    Parsed without network access, DTD loading or entity expansion (no XXE).
    """
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             dtd_validation=False, huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        raise ValueError(f"not well-formed XML: {e}".splitlines()[0]) from e
    if root is None or _local(root.tag) != "article":
        raise ValueError(f"not a JATS article (root element <{_local(getattr(root, 'tag', ''))}>)")
    blocks: list[str] = []
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
    return "\n\n".join(blocks) + "\n"
