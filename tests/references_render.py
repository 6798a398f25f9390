"""Plain-text reference sections made from real JATS `<ref-list>`s, with the XML's fields as gold.

For the text side of issue 19: `parse_references` must find and parse a reference list as a
plain or PDF text shows it. The 63 articles of ../shared/data/citations/jats/ give real
references; this renders each article's list in one of three styles:

* `mixed`: each `<mixed-citation>`'s own text (the publisher's formatting, names as
  `Surname Given`), numbered where the `<ref>` has a `<label>`; articles whose mixed citations
  are bare fields without punctuation (structure only) have no `mixed` rendering;
* `vancouver`: numbered, `Smith AB, Jones C, et al. Title. Journal. 2004;12(3):33-45.`, from
  the structure of any citation element;
* `apa`: alphabetical author-year, `Smith, A. B., & Jones, C. (2004a). Title. Journal, 12(3),
  33–45.`, with `a`/`b` suffixes where one first author has two entries in a year.

`wrap` hard-wraps every entry at that width, as PDF text does; `joined` runs the entries together
on one line. Gold per entry: first author's
surname (`<surname>` or `<collab>`), year, article title, and the entry's span in the text.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

STYLES = ("mixed", "vancouver", "apa")
CITATIONS = ("mixed-citation", "element-citation", "nlm-citation", "citation")


@dataclass
class Gold:
    surname: str | None
    year: int | None
    title: str | None
    start: int = 0  # the entry's span in the rendered text (after its label)
    end: int = 0
    rid: str | None = None  # the `<ref id>` the entry comes from


@dataclass
class Rendered:
    doc: str
    style: str
    text: str
    gold: list[Gold] = field(default_factory=list)


def _local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _text(el) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def _find(el, name: str):
    for child in el.iter():
        if _local(child.tag) == name:
            return child
    return None


def _children(el, name: str) -> list:
    return [c for c in el.iter() if _local(c.tag) == name]


def _authors(cit) -> tuple[list[tuple[str, str]], bool]:
    """((surname, given) or (collab, '')) of the citation's authors, and whether `<etal>` follows."""
    groups = [g for g in cit if _local(g.tag) == "person-group"]
    authors_group = next((g for g in groups if g.get("person-group-type", "author") == "author"), None)
    scope = authors_group if authors_group is not None else (cit if not groups else None)
    out: list[tuple[str, str]] = []
    etal = False
    if scope is None:
        return out, etal
    for el in scope:
        name = _local(el.tag)
        if name in ("name", "string-name"):
            surname = _text(_find(el, "surname"))
            if surname:
                out.append((surname, _text(_find(el, "given-names"))))
        elif name == "collab":
            out.append((_text(el), ""))
        elif name == "etal":
            etal = True
    return out, etal


def _year(cit) -> int | None:
    el = _find(cit, "year")
    m = re.search(r"(1[5-9]|20)\d\d", _text(el)) if el is not None else None
    return int(m.group(0)) if m else None


def _gold(cit) -> Gold:
    authors, _ = _authors(cit)
    title = _find(cit, "article-title")
    ref = next((a for a in cit.iterancestors() if _local(a.tag) == "ref"), None)
    return Gold(authors[0][0] if authors else None, _year(cit), _text(title) or None,
                rid=ref.get("id") if ref is not None else None)


def _formatted(cit) -> bool:
    """A `<mixed-citation>` with its own punctuation between the fields (not bare fields)."""
    pieces = [cit.text or ""] + [c.tail or "" for c in cit]
    return bool("".join(pieces).strip(" \n\t"))


def _mixed_text(el) -> str:
    """The citation as the publisher shows it: its text, names as `Surname Given`."""
    if _local(el.tag) == "name":
        return " ".join(p for p in (_text(_find(el, "surname")), _text(_find(el, "given-names"))) if p)
    parts = [el.text or ""] if isinstance(el.tag, str) else []
    for child in el:
        if isinstance(child.tag, str):
            parts.append(_mixed_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _initials(given: str) -> list[str]:
    letters = [c for c in given if c.isupper()]
    return letters or ([given[0].upper()] if given else [])


def _end(s: str) -> str:
    s = s.strip()
    return s if s[-1:] in ".?!" else s + "."


def _pages(cit) -> str:
    first, last = _text(_find(cit, "fpage")), _text(_find(cit, "lpage"))
    return f"{first}–{last}" if first and last and last != first else first


def _ids(cit) -> dict[str, str]:
    return {p.get("pub-id-type"): _text(p) for p in _children(cit, "pub-id")}


def _unstructured(cit) -> str | None:
    """The citation's own text where it has no fields to render (a free-text `<mixed-citation>`)."""
    if _authors(cit)[0] or _find(cit, "article-title") is not None or _find(cit, "source") is not None:
        return None
    return " ".join(_mixed_text(cit).split())


def vancouver(cit) -> str:
    own = _unstructured(cit)
    if own is not None:
        return own
    authors, etal = _authors(cit)
    names = [f"{s} {''.join(_initials(g))}".strip() for s, g in authors]
    if len(names) > 6:
        names, etal = names[:6], True
    head = ", ".join(names) + (", et al" if etal and names else "")
    title, source = _text(_find(cit, "article-title")), _text(_find(cit, "source"))
    year, volume, issue = _year(cit), _text(_find(cit, "volume")), _text(_find(cit, "issue"))
    parts = [_end(head)] if head else []
    if title:
        parts.append(_end(title))
    if title and volume:  # an article
        if source:
            parts.append(_end(source))
        loc = f"{year or ''};{volume}" + (f"({issue})" if issue else "")
        pages = _pages(cit)
        parts.append(loc + (f":{pages}." if pages else "."))
    else:  # a book or a chapter
        if source:
            parts.append(("In: " if title else "") + _end(source))
        place, publisher = _text(_find(cit, "publisher-loc")), _text(_find(cit, "publisher-name"))
        imprint = ": ".join(p for p in (place, publisher) if p)
        parts.append(f"{imprint}; {year}." if imprint and year else _end(imprint or str(year or "")))
        if _pages(cit):
            parts.append(f"p. {_pages(cit)}.")
    ids = _ids(cit)
    if ids.get("doi"):
        parts.append(f"doi:{ids['doi']}.")
    if ids.get("pmid"):
        parts.append(f"PMID: {ids['pmid']}.")
    return " ".join(p for p in parts if p.strip(". "))


def apa(cit, suffix: str = "") -> str:
    own = _unstructured(cit)
    if own is not None:
        return own
    authors, etal = _authors(cit)
    names = []
    for s, g in authors:
        initials = " ".join(f"{i}." for i in _initials(g))
        names.append(f"{s}, {initials}" if initials else s)
    if etal:
        head = ", ".join(names) + ", et al."
    elif len(names) > 1:
        head = ", ".join(names[:-1]) + ", & " + names[-1]
    else:
        head = names[0] if names else ""
    year = _year(cit)
    parts = [_end(head)] if head else []
    parts.append(f"({year}{suffix})." if year else "(n.d.).")
    title, source = _text(_find(cit, "article-title")), _text(_find(cit, "source"))
    volume, issue = _text(_find(cit, "volume")), _text(_find(cit, "issue"))
    if title:
        parts.append(_end(title))
    if title and volume:
        where = ", ".join(p for p in (source, volume + (f"({issue})" if issue else ""), _pages(cit)) if p)
        parts.append(_end(where))
    else:
        if source:
            parts.append(("In " if title else "") + _end(source))
        place, publisher = _text(_find(cit, "publisher-loc")), _text(_find(cit, "publisher-name"))
        if place or publisher:
            parts.append(_end(": ".join(p for p in (place, publisher) if p)))
    doi = _ids(cit).get("doi")
    if doi:
        parts.append(f"https://doi.org/{doi}")
    return " ".join(parts)


def _citations(path: Path) -> list[tuple[str | None, object]]:
    tree = etree.parse(str(path))
    out = []
    for ref_list in tree.iter("{*}ref-list"):
        for ref in ref_list.iter("{*}ref"):
            cit = next((c for c in ref.iter() if _local(c.tag) in CITATIONS), None)
            if cit is not None:
                label = ref.find("{*}label")
                out.append((_text(label) or None if label is not None else None, cit))
    return out


def _sort_key(s: str) -> str:
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().casefold()


def render(path: Path, style: str, wrap: int | None = None, joined: bool = False) -> Rendered | None:
    """The article's references as a plain-text paper ending, or None (no such rendering).
    `joined`: the entries run together on one line (as a reader that joins lines gives them)."""
    cits = _citations(path)
    entries: list[tuple[str | None, str, Gold]] = []
    if style == "mixed":
        mixed = [(lab, c) for lab, c in cits if _local(c.tag) == "mixed-citation" and _formatted(c)]
        if not mixed or len(mixed) < len(cits) / 2:
            return None
        for lab, c in mixed:
            body = " ".join(_mixed_text(c).split())
            if lab and body.startswith(lab):
                lab = None
            entries.append((lab.rstrip(".") if lab else None, body, _gold(c)))
    elif style == "vancouver":
        for i, (_, c) in enumerate(cits, 1):
            entries.append((str(i), vancouver(c), _gold(c)))
    elif style == "apa":
        golds = [(_gold(c), c) for _, c in cits]
        golds.sort(key=lambda gc: (_sort_key(gc[0].surname or ""), gc[0].year or 0, _sort_key(gc[0].title or "")))
        seen: dict[tuple, int] = {}
        for g, _ in golds:
            seen[(g.surname, g.year)] = seen.get((g.surname, g.year), 0) + 1
        count: dict[tuple, int] = {}
        for g, c in golds:
            key = (g.surname, g.year)
            suffix = ""
            if seen[key] > 1 and g.year:
                suffix = "abcdefghijklmnopqrstuvwxyz"[count.get(key, 0) % 26]
                count[key] = count.get(key, 0) + 1
            entries.append((None, apa(c, suffix), g))
    else:
        raise ValueError(f"unknown style {style!r}; one of {STYLES}")
    text = f"{path.stem}\n\nIntroduction\n\nEarlier work is cited here [1].\n\nReferences\n\n"
    out = Rendered(path.stem, style, "")
    lines = []
    pos = len(text)
    for label, body, gold in entries:
        head = f"{label}. " if label else ""
        line = head + body
        if wrap:
            line = "\n".join(textwrap.wrap(line, wrap, break_long_words=False, break_on_hyphens=False))
        gold.start, gold.end = pos + len(head), pos + len(line)
        lines.append(line)
        out.gold.append(gold)
        pos += len(line) + 1
    out.text = text + (" " if joined else "\n").join(lines) + "\n\nTable 1. Baseline characteristics\n\nAge 54 (12)\n"
    return out


def norm(s: str | None) -> str:
    """A title or surname compared loosely: letters and digits only, case folded."""
    return "".join(c for c in unicodedata.normalize("NFKC", s or "").casefold() if c.isalnum())


def score(rendered: Rendered, refs: list) -> dict[str, int]:
    """Counts of gold entries and of those whose first surname, year and title the parsed entry
    that overlaps them most has right."""
    counts = {"entries": 0, "surname": 0, "year": 0, "title": 0, "surname_gold": 0, "year_gold": 0,
              "title_gold": 0, "all3": 0, "all3_gold": 0, "found": len(refs)}
    for g in rendered.gold:
        counts["entries"] += 1
        best, overlap = None, 0
        for r in refs:
            o = min(r.end, g.end) - max(r.start, g.start)
            if o > overlap:
                best, overlap = r, o
        ok = {}
        if g.surname is not None:
            counts["surname_gold"] += 1
            ok["surname"] = best is not None and norm(best.first_surname) == norm(g.surname)
        if g.year is not None:
            counts["year_gold"] += 1
            ok["year"] = best is not None and best.year == g.year
        if g.title is not None:
            counts["title_gold"] += 1
            ok["title"] = best is not None and norm(best.title) == norm(g.title)
        for k, v in ok.items():
            counts[k] += int(v)
        if len(ok) == 3:
            counts["all3_gold"] += 1
            counts["all3"] += int(all(ok.values()))
    return counts


def score_resolution(paths: list[Path], wrap: int | None = 80, show: int = 0) -> dict:
    """Each article's text with its reference list rendered after it (Vancouver for a numeric
    article, APA for an author-year one), the list parsed, and the body's markers resolved by
    label or by surname and year: per style, how many markers name what their xrefs name."""
    from extractor.components.citations import find_citations
    from extractor.evaluation.references import gold_ids
    from extractor.reading.jats import jats_article
    from extractor.references.resolve import ReferenceIndex
    from extractor.references.text import parse_references

    counts: Counter = Counter()
    wrong: list[dict] = []
    for path in paths:
        article = jats_article(path.read_bytes())
        body = article.text
        markers = find_citations(body)
        numeric = sum(m.style == "numeric" for m in markers) >= len(markers) / 2
        rendered = render(path, "vancouver" if numeric else "apa", wrap=wrap)
        if rendered is None:
            continue
        cut = rendered.text.index("\n\nReferences\n\n")
        text = body.rstrip("\n") + rendered.text[cut:]
        shift = len(body.rstrip("\n")) - cut
        parsed = parse_references(text)
        rid_of = {}
        for ref in parsed:  # a parsed entry is the rendered entry it overlaps most
            best = max(rendered.gold, key=lambda g: min(ref.end, g.end + shift) - max(ref.start, g.start + shift))
            if min(ref.end, best.end + shift) > max(ref.start, best.start + shift):
                rid_of[ref.ref_id] = best.rid
        index = ReferenceIndex(parsed)
        order = {r.ref_id: i for i, r in enumerate(article.references)}
        ids = [r.ref_id for r in article.references]
        xrefs = sorted(article.xrefs, key=lambda x: x.start)
        style = "numeric" if numeric else "author_year"
        for marker in markers:
            inside = [x for x in xrefs if x.start < marker.end and x.end > marker.start]
            if not inside or marker.style != style:
                continue
            gold = gold_ids(inside, body, order, ids)
            got = [rid_of.get(r) for r in index.by_refs([str(r) for r in marker.refs or ()], marker.style)]
            counts[f"{style}:markers"] += 1
            counts[f"{style}:right"] += got == gold
            if got != gold and len(wrong) < show:
                wrong.append({"file": path.name, "marker": body[marker.start:marker.end], "gold": gold, "got": got})
    out = {}
    for style in ("numeric", "author_year"):
        n = counts[f"{style}:markers"]
        out[style] = {"markers": n, "right": counts[f"{style}:right"],
                      "share": round(counts[f"{style}:right"] / n, 4) if n else None}
    out["wrong"] = wrong
    return out
