"""Citation markers -> the references they cite (`ref_ids`).

Three ways, the surest first:
* by structure: a JATS article's `<xref rid>`s inside the marker (a range `[3-7]` marked up as
  two xrefs, 3 and 7, takes the entries between them in list order);
* numeric markers by label: `[15]` -> the entry labelled 15; a numbered style whose list has no
  labels at all (some JATS files) is numbered by position;
* author-year markers by first author's surname and year: `Smith et al., 2004b` -> the Smith
  entry of 2004 with suffix b (or, where the list prints no suffixes, the second such entry in
  list order); two-author forms (`Smith and Lee, 2004`) and `et al.` tell apart entries of the
  same first author and year.

A marker, or an item of it, that names nothing in the list resolves to nothing: its `ref_ids`
stays empty rather than guessed.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence

from extractor.references.record import Reference, surname

_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212"
_AUTHOR_YEAR = re.compile(r"^(?P<authors>.+?),?\s+(?P<year>(?:1[5-9]|20)\d\d)(?P<suffix>[a-z])?$")
_ET_AL = re.compile(r"\s+et\s+al\b\.?", re.IGNORECASE)
_AND = re.compile(r"\s*(?:,\s*)?(?:\band\b|&)\s*|\s*,\s*", re.IGNORECASE)


def name_key(name: str) -> str:
    """A surname for matching: accents dropped, lower case, letters only (`Zörgö` = `zorgo`)."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if c.isalpha()).lower()


def _last_word_key(name: str) -> str:
    return name_key(name.split()[-1]) if name.split() else ""


def parse_author_year(item: str) -> tuple[list[str], bool, int, str | None] | None:
    """`Smith and Lee, 2004a` -> (["Smith", "Lee"], False, 2004, "a"); None if not that form."""
    match = _AUTHOR_YEAR.match(" ".join(item.split()))
    if match is None:
        return None
    authors = match.group("authors").strip().rstrip(",")
    et_al = bool(_ET_AL.search(authors))
    authors = _ET_AL.sub("", authors)
    names = [n.strip() for n in _AND.split(authors) if n.strip()]
    if not names:
        return None
    return names, et_al, int(match.group("year")), match.group("suffix")


class ReferenceIndex:
    """One document's references, indexed for resolving its markers."""

    def __init__(self, references: Sequence[Reference], xrefs: Sequence | None = None):
        self.references = list(references)
        self.position = {r.ref_id: i for i, r in enumerate(self.references)}
        labels = [_label_number(r.label) for r in self.references]
        if any(label is not None for label in labels):
            self.by_number = {n: r.ref_id for n, r in zip(labels, self.references) if n is not None}
        else:  # a numbered style whose list carries no labels: numbered by position
            self.by_number = {i + 1: r.ref_id for i, r in enumerate(self.references)}
        self.by_first: dict[tuple[str, int], list[Reference]] = defaultdict(list)
        self.by_last_word: dict[tuple[str, int], list[Reference]] = defaultdict(list)
        for r in self.references:
            if r.year is not None and r.authors:
                surname = r.first_surname or ""
                self.by_first[(name_key(surname), r.year)].append(r)
                self.by_last_word[(_last_word_key(surname), r.year)].append(r)
        self.xrefs = sorted(xrefs or [], key=lambda x: (x.start, x.end))
        self._xref_starts = [x.start for x in self.xrefs]
        self.section: tuple[int, int] | None = None  # the reference section in the text, if there

    def __bool__(self) -> bool:
        return bool(self.references)

    def resolve(self, start: int, end: int, refs: Iterable, style: str | None, text: str = "") -> list[str]:
        """The ref_ids of the marker at [start, end) of the document's text (`text`), whose
        expanded `refs` (numbers or `Author, year` strings) and `style` the citation finder gave."""
        if not self.references:
            return []
        if self.xrefs:
            ids = self.by_xrefs(start, end, text)
            if ids:
                return ids
        return self.by_refs(refs, style)

    def by_refs(self, refs: Iterable, style: str | None) -> list[str]:
        """Resolution from the marker's own items (no structure)."""
        out: list[str] = []
        for ref in refs:
            if style == "numeric":
                ref_id = self.by_number.get(int(ref)) if str(ref).isdigit() else None
                found = [ref_id] if ref_id else []
            else:
                found = self.by_author_year(str(ref))
            out.extend(found)
        return list(dict.fromkeys(out))

    def by_author_year(self, item: str) -> list[str]:
        parsed = parse_author_year(item)
        if parsed is None:
            return []
        names, et_al, year, suffix = parsed
        candidates = self.by_first.get((name_key(names[0]), year)) or self.by_last_word.get(
            (_last_word_key(names[0]), year), [])
        if len(candidates) > 1 and len(names) > 1 and not et_al:
            second = [r for r in candidates if len(r.authors) > 1
                      and name_key(surname(r.authors[1])) == name_key(names[1])]
            candidates = second or candidates
        if suffix:
            suffixed = [r for r in candidates if r.year_suffix == suffix]
            if suffixed:
                candidates = suffixed
            elif not any(r.year_suffix for r in candidates):
                index = ord(suffix) - ord("a")  # suffixes not printed: they follow list order
                candidates = [candidates[index]] if 0 <= index < len(candidates) else []
            else:
                candidates = []
        elif len(candidates) > 1:
            counted = [r for r in candidates if _fits_count(r, names, et_al)]
            candidates = counted or candidates
        return [r.ref_id for r in candidates]

    def by_xrefs(self, start: int, end: int, text: str) -> list[str]:
        """The rids of the xrefs inside the marker, ranges between two of them filled in."""
        first = bisect_left(self._xref_starts, start)
        inside = []
        for x in self.xrefs[max(0, first - 1):]:
            if x.start >= end:
                break
            if x.end > start and x.start < end:
                inside.append(x)
        ids: list[str] = []
        for i, x in enumerate(inside):
            if i and text and _is_range(text[inside[i - 1].end:x.start]):
                lo = self.position.get(ids[-1]) if ids else None
                hi = self.position.get(x.rids[0])
                if lo is not None and hi is not None and lo < hi:
                    ids.extend(r.ref_id for r in self.references[lo + 1:hi])
            ids.extend(rid for rid in x.rids if rid in self.position)
        return list(dict.fromkeys(ids))


def _fits_count(reference: Reference, names: list[str], et_al: bool) -> bool:
    if et_al:
        return len(reference.authors) >= 3
    return len(reference.authors) == len(names)


def _is_range(between: str) -> bool:
    between = between.strip(" \u2009\u00a0[]()")
    return bool(between) and all(c in _DASHES for c in between)


def _label_number(label: str | None) -> int | None:
    if not label:
        return None
    core = label.strip().strip("[]().: ")
    return int(core) if core.isdigit() else None
