"""A JATS `<ref-list>` as Reference records, from its structure.

Every citation form JATS has: `<element-citation>` and `<nlm-citation>` (fields only), and
`<mixed-citation>` and NLM 2's `<citation>` (fields inside the publisher's formatted text). The
`ref_id` is the `<ref id>` that the body's `<xref rid>` points to; `label` is the `<label>`
(`15`), None where the list has none. Authors are `Surname Initials` from the author
`<person-group>` (or from the names outside any editor group), a `<collab>` as it is written;
`year` and `year_suffix` split `2004a`; `pages` is `fpage-lpage`, a page range or an
elocation id; `doi` and `pmid` come from `<pub-id>`, a doi `<ext-link>` or a `doi:` comment.
`raw` is the entry's text: the formatted text of a mixed citation, the fields in list order
for the others.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from extractor.references.record import Reference

CITATIONS = ("element-citation", "mixed-citation", "nlm-citation", "citation")
_YEAR = re.compile(r"((?:1[5-9]|20)\d\d)\s*([a-z])?\b")
_DOI = re.compile(r"\b(10\.\d{4,9}/\S+?)[.,;]?(?:\s|$)")
_NOT_AUTHORS = frozenset({"editor", "translator", "guest-editor", "compiler", "curator", "director",
                          "inventor", "assignee"})


_BOOKS = frozenset({"book", "thesis", "report", "monograph"})
_AFTER_AUTHORS = frozenset({"article-title", "chapter-title", "source", "part-title"})


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text(element) -> str:
    """An element's visible text, whitespace collapsed."""
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _children(element, name: str) -> Iterable:
    return (child for child in element.iter() if _local(child.tag) == name)


def _first(element, name: str) -> str | None:
    for child in _children(element, name):
        text = _text(child)
        if text:
            return text
    return None


def initials(given: str) -> str:
    """`J. L` -> `JL`, `Pierre-Alain` -> `PA`, `SD` -> `SD` (already initials)."""
    given = given.strip()
    compact = given.replace(".", "").replace(" ", "").replace("-", "")
    if compact.isupper() and len(compact) <= 4:
        return compact
    return "".join(part[0].upper() for part in re.split(r"[\s.\-]+", given) if part and part[0].isalpha())


def _name(element) -> str | None:
    surname = _first(element, "surname")
    given = _first(element, "given-names")
    if not surname:
        return _text(element) or None
    return f"{surname} {initials(given)}".strip() if given else surname


def _authors(citation) -> list[str]:
    groups = [g for g in _children(citation, "person-group")]
    authors_groups = [g for g in groups if (g.get("person-group-type") or "author") not in _NOT_AUTHORS]
    holders = authors_groups or [citation]
    names: list[str] = []
    for holder in holders:
        for child in holder.iter():
            kind = _local(child.tag)
            if holder is citation and kind in _AFTER_AUTHORS:
                break  # no author group: the names printed before the title are the authors
            if kind in ("name", "string-name") and not _in_editor_group(child, citation):
                name = _name(child)
                if name:
                    names.append(name)
            elif kind == "collab" and not _in_editor_group(child, citation):
                text = _text(child)
                if text:
                    names.append(text)
    return names


def _in_editor_group(element, citation) -> bool:
    node = element.getparent()
    while node is not None and node is not citation:
        if _local(node.tag) == "person-group" and node.get("person-group-type") in _NOT_AUTHORS:
            return True
        node = node.getparent()
    return False


def _year(citation) -> tuple[int | None, str | None]:
    text = _first(citation, "year") or ""
    match = _YEAR.search(text)
    if match is None:
        return None, None
    return int(match.group(1)), match.group(2)


def _pages(citation) -> str | None:
    first, last = _first(citation, "fpage"), _first(citation, "lpage")
    if first and last and last != first:
        return f"{first}-{last}"
    return first or _first(citation, "page-range") or _first(citation, "elocation-id")


def _pub_id(citation, kind: str) -> str | None:
    for child in _children(citation, "pub-id"):
        if (child.get("pub-id-type") or "").lower() == kind:
            text = _text(child)
            if text:
                return text
    return None


def _doi(citation) -> str | None:
    doi = _pub_id(citation, "doi")
    if doi:
        return doi
    for child in _children(citation, "ext-link"):
        href = child.get("{http://www.w3.org/1999/xlink}href") or _text(child)
        if child.get("ext-link-type") == "doi" or "doi.org/" in href:
            return href.split("doi.org/", 1)[-1].strip() or None
    for child in _children(citation, "comment"):
        match = _DOI.search(_text(child) + " ")
        if match:
            return match.group(1)
    return None


def _formatted(element) -> str:
    """A mixed citation's text as printed: a name's surname and given names kept apart."""
    parts: list[str] = [element.text or ""]
    for child in element:
        if _local(child.tag) in ("name", "string-name"):
            parts.append(" ".join(_text(part) for part in child if _text(part)) or _text(child))
        elif isinstance(child.tag, str):
            parts.append(_formatted(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _has_own_text(citation) -> bool:
    """Whether a citation holds printed text between its fields (a formatted mixed citation)."""
    return bool((citation.text or "").strip() or any((child.tail or "").strip() for child in citation))


def _raw(citation, fields: Reference) -> str:
    if _local(citation.tag) in ("mixed-citation", "citation") and _has_own_text(citation):
        return " ".join(_formatted(citation).split())
    parts = [", ".join(fields.authors)]
    if fields.year:
        parts.append(f"({fields.year}{fields.year_suffix or ''})")
    parts += [fields.title or "", _first(citation, "source") or ""]
    parts.append(" ".join(p for p in (fields.volume, fields.pages) if p))
    parts = [p.strip() for p in parts if p and p.strip()]
    return " ".join(p if p[-1] in ".?!" else p + "." for p in parts)


def _title(text: str | None) -> str | None:
    """A title without the full stop some lists end it with (`?` and `!` are kept)."""
    return text[:-1].rstrip() if text and text.endswith(".") and not text.endswith("..") else text


def reference(ref, position: int) -> Reference | None:
    """One `<ref>` -> Reference (None when it holds no citation)."""
    citation = next((child for child in ref.iter() if _local(child.tag) in CITATIONS), None)
    if citation is None:
        return None
    label = next((_text(child) for child in ref if _local(child.tag) == "label"), None) or None
    year, suffix = _year(citation)
    title = _title(_first(citation, "article-title") or _first(citation, "chapter-title"))
    source = _first(citation, "source")
    kind = citation.get("publication-type") or citation.get("citation-type")
    if title is None and source is not None and (kind in _BOOKS or _first(citation, "publisher-name")):
        title, source = source, None  # a book, report or thesis: its source is its title
    record = Reference(
        ref_id=ref.get("id") or f"r{position}", raw="", label=label.rstrip(".") if label else None,
        authors=_authors(citation), year=year, year_suffix=suffix, title=title, journal=source,
        volume=_first(citation, "volume"), pages=_pages(citation), doi=_doi(citation),
        pmid=_pub_id(citation, "pmid"),
    )
    record.raw = _raw(citation, record)
    return record


def jats_references(root) -> list[Reference]:
    """The references of every `<ref-list>` in the article's back matter, in list order."""
    out: list[Reference] = []
    seen: set[str] = set()
    for back in (child for child in root if _local(child.tag) == "back"):
        for ref in (el for el in back.iter() if _local(el.tag) == "ref"):
            record = reference(ref, len(out) + 1)
            if record is None:
                continue
            if record.ref_id in seen:  # a broken file's repeated id: keep ids unique
                record.ref_id = f"{record.ref_id}-{len(out) + 1}"
            seen.add(record.ref_id)
            out.append(record)
    return out
