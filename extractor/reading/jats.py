"""PMC/JATS XML input: title, abstract, section titles and body paragraphs as text.

Parsed without network access, DTD loading or entity expansion (no XXE).
"""

from __future__ import annotations

_JATS_SKIP = frozenset({"fig", "table-wrap", "table", "disp-formula", "inline-formula", "fn-group",
                        "supplementary-material", "graphic", "media", "ref-list", "alternatives"})


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _inline_text(element) -> str:
    """Visible text of a paragraph or title; xrefs keep their text, figures/tables are left out."""
    parts: list[str] = []

    def visit(node):
        if node.text:
            parts.append(node.text)
        for child in node:
            # unexpanded entity references (never resolved) and left-out elements add nothing
            if isinstance(child.tag, str) and _local(child.tag) not in _JATS_SKIP:
                visit(child)
            if child.tail:
                parts.append(child.tail)

    visit(element)
    return " ".join("".join(parts).split())


def _jats_blocks(element, out: list[str]) -> None:
    """Section titles and paragraphs in document order."""
    for child in element:
        name = _local(child.tag)
        if name in _JATS_SKIP:
            continue
        if name in ("title", "p"):
            text = _inline_text(child)
            if text:
                out.append(text)
        elif name in ("sec", "abstract", "boxed-text", "list", "list-item", "def-list", "def-item", "def"):
            _jats_blocks(child, out)


def jats_text(data: bytes) -> str:
    """Title, abstract and body of a PMC/JATS article, one block per line pair.

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
        if title is not None and _inline_text(title):
            blocks.append(_inline_text(title))
        for abstract in meta.iterfind("{*}abstract"):
            if abstract.get("abstract-type") in ("graphical", "teaser"):
                continue
            _jats_blocks(abstract, blocks)
    for body in root.iterfind("{*}body"):
        _jats_blocks(body, blocks)
    if not blocks:
        raise ValueError("JATS article without title, abstract or body text")
    return "\n\n".join(blocks) + "\n"
