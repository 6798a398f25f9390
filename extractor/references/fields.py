"""The fields of one reference-list entry: authors, year, title, journal, volume, pages, doi, PMID.

The author list is read at the entry's start in the form its first name has (Vancouver
`Smith AB`, APA `Smith, A. B.`, given names first `A. B. Smith`), with bodies alone, leading,
among or after the names; the year after the authors (`(2004a)`, `2001.`) or after the title
(`2004;12:33`); the title up to the sentence end that is not an abbreviation, an initial, a
numbered part or a subtitle; then the journal up to the first number, and volume and pages.
Nothing here raises on odd text: an entry whose fields cannot be read keeps them empty.
"""

from __future__ import annotations

import bisect
import re

from extractor.references.patterns import DASH, Rules, rules
from extractor.references.record import Reference

LINE_END_HYPHEN = re.compile(r"(?<=\w)-[ \t]*\n\s*(?=\w)")  # `long-\nterm`: the hyphen kept, the break dropped


def parse_entry(raw: str, ref_id: str = "r1", label: str | None = None) -> Reference:
    """One reference string's fields (a free-text JATS `<mixed-citation>`, a line a user pasted);
    `start`/`end` stay None: the string is not a span of a document's text."""
    ref = Reference(ref_id=ref_id, raw=raw, label=label)
    _fill(ref, raw, rules())
    return ref


def parse_span(text: str, n: int, label: str | None, start: int, end: int, r: Rules) -> Reference:
    """Entry `n` of a list, text[start:end], as a record with ref_id `r<n>` and its offsets."""
    raw = text[start:end]
    ref = Reference(ref_id=f"r{n}", raw=raw, label=label, start=start, end=end)
    _fill(ref, raw, r)
    return ref


def _fill(ref: Reference, raw: str, r: Rules) -> None:
    try:
        _fields(ref, " ".join(LINE_END_HYPHEN.sub("-", raw).split()), r)
    except (IndexError, ValueError):  # odd text: the entry stays, its fields empty
        pass


def _fields(ref: Reference, body: str, r: Rules) -> None:
    cut = len(body)
    doi = r.doi.search(body)
    if doi:
        ref.doi = _clean_doi(doi.group("d"))
        prefix = r.doi_prefix.search(body, max(0, doi.start() - 24), doi.start())
        cut = min(cut, prefix.start() if prefix else doi.start())
    pmid = (r.pmid.search(body) or r.pmid_tail.search(body, max(0, len(body) - 12))
            or (doi and PMID_AFTER_DOI.match(body, doi.end())))
    if pmid:
        ref.pmid = pmid.group("p")
        cut = min(cut, pmid.start() if pmid.re is r.pmid else pmid.start("p"))
    trailer = r.trailer.search(body)
    if trailer:
        cut = min(cut, trailer.start())
    main = body[:cut].rstrip()

    authors, pos = _authors(main, r)
    ref.authors = authors
    pos = _skip(main, pos)
    year = r.year_paren.match(main, pos) or (r.year_bare.match(main, pos) if authors else None)
    if year:
        _set_year(ref, year, r)
        pos = _skip(main, year.end())
    title_end = _title_end(main, pos, r)
    title = main[pos:title_end].strip()
    rest_at = _skip(main, title_end)
    if title and not r.chapter.match(title):
        ref.title = title.rstrip(".").strip() if title.endswith(".") else title
    rest = main[rest_at:]
    if ref.year is None:
        later = r.year_any.search(rest) or r.year_any.search(main)
        if later:
            _set_year(ref, later, r)
    if rest and not r.chapter.match(rest):
        journal = re.match(r"[^\d(]+", rest)
        if journal:
            name = journal.group(0).strip(" .,;:")
            if name and len(name) <= 200:
                ref.journal = name
            rest_at += journal.end()
    tail = main[rest_at:]
    year_in_tail = r.year_any.search(tail)
    if year_in_tail and year_in_tail.start() == 0:
        tail = tail[year_in_tail.end():]
    vp = r.vol_pages.search(tail)
    if vp:
        ref.volume, ref.pages = vp.group("v"), _dash(vp.group("p"))
    else:
        pp = r.pages_only.search(tail)
        if pp:
            ref.pages = _dash(pp.group("p"))


PMID_AFTER_DOI = re.compile(r"[.,;]?\s+(?P<p>\d{7,8})(?!\d)")  # PLOS: `doi: 10.1371/... 22415112; PMCID`


def _skip(s: str, pos: int) -> int:
    while pos < len(s) and s[pos] in " .,;:":
        pos += 1
    return pos


def _set_year(ref: Reference, m: re.Match, r: Rules) -> None:
    if m.group("y") is None:
        return
    year = int(m.group("y"))
    if r.min_year <= year <= r.max_year:
        ref.year = year
        ref.year_suffix = m.group("x")


def _dash(pages: str) -> str:
    return re.sub(rf"\s*[{DASH}]\s*", "-", pages)


def _clean_doi(doi: str) -> str:
    doi = doi.rstrip(".,;")
    while doi.endswith((")", "]")) and doi.count(doi[-1]) > doi.count("(" if doi[-1] == ")" else "["):
        doi = doi[:-1].rstrip(".,;")
    return doi


def _initials(given: str) -> str:
    letters = [c for c in given if c.isupper()]
    return "".join(letters) or given[:1].upper()


def _authors(s: str, r: Rules) -> tuple[list[str], int]:
    """The author list at the start of `s` (`Surname Initials` each) and where it ends. A group
    author stands alone (`World Health Organization.`), leads the names (`Genomes Project
    Consortium, Abecasis GR, ...`), sits among them (`..., Wang W, SPARC Study Group, ...`) or
    follows them (`..., Wortman JR, ... Human Microbiome Consortium. (2010)`)."""
    authors: list[str] = []
    pos = 0
    lead = GROUP_LEAD.match(s)
    if lead and _is_group(lead.group(1), r) and _first_name(s, lead.end(), r):
        authors.append(" ".join(lead.group(1).split()))
        pos = lead.end()
    first = _first_name(s, pos, r)
    if first is None:
        return _group_author(s, r) if not authors else (authors, pos)
    form, m = first
    authors.append(f"{_surname(m.group('s'))} {_initials(m.group('i'))}")
    pos = m.end()
    while True:
        sep = r.name_sep.match(s, pos)
        if not sep:
            break
        nxt = form.match(s, sep.end())
        if nxt:
            authors.append(f"{_surname(nxt.group('s'))} {_initials(nxt.group('i'))}")
            pos = nxt.end()
            continue
        group = GROUP_IN_LIST.match(s, sep.end())
        if group and (_is_group(group.group(0), r) or _many_capitalised(group.group(0))):
            authors.append(" ".join(group.group(0).split()))
            pos = group.end()
            continue
        break
    group = r.trailing_group.match(s, pos)
    if group:
        authors.append(" ".join(group.group("g").split()))
        return authors, group.end()
    et_al = r.et_al.match(s, pos)
    if et_al:
        pos = et_al.end()
    return authors, pos


GROUP_LEAD = re.compile(r"([^\W\d_][^,.:;()\d]{2,100}?),\s+")
GROUP_IN_LIST = re.compile(r"[^\W\d_][^,.:;()\d]{2,100}?(?=\s*[,.;]|\s+et al)")


def _first_name(s: str, pos: int, r: Rules) -> tuple[re.Pattern, re.Match] | None:
    """The name form (`Smith AB`, `Smith, A. B.`, `A. B. Smith`) of the name at `pos`, and its match."""
    for name in ("vancouver", "comma", "given_first"):
        m = r.name_forms[name].match(s, pos)
        if m and _not_title_words(m):
            return r.name_forms[name], m
    return None


NAME_ENDS = re.compile(r"\s*(?:[,.;:(]|$|(?:et al|and|&)\b)")


def _not_title_words(m: re.Match) -> bool:
    """`Vitamin D deficiency ...` or `U.S. Department of ...` (a title or a body, then a
    lower-case word) is no name: a name ends before `,` `.` `;` `(`, `et al`, `and` or the end."""
    return m.group(0).endswith(".") or bool(NAME_ENDS.match(m.string, m.end()))


def _surname(s: str) -> str:
    return " ".join(s.split())


FUNCTION_WORDS = frozenset("of the and in for on de des la le et und der die a an to with from at by &".split())


def _capitalised(words: list[str]) -> bool:
    return all(w[:1].isupper() or w[:1].isdigit() or w.lower() in FUNCTION_WORDS for w in words)


def _many_capitalised(name: str) -> bool:
    """`Alzheimer's Disease Neuroimaging I`: three or more capitalised words, more than a person's
    name holds; after a comma in a name list, a body (a title never follows a comma there)."""
    words = name.split()
    return len(words) >= 3 and _capitalised(words) and sum(w[:1].isupper() for w in words) >= 3


def _is_group(name: str, r: Rules) -> bool:
    """A body's name: few capitalised words, one of them a body's (`Group`, `Consortium`)."""
    words = name.split()
    return (0 < len(words) <= r.max_group_words and _capitalised(words)
            and any(w.lower().strip(",'’s") in r.group_words for w in words))


def _group_author(s: str, r: Rules) -> tuple[list[str], int]:
    """`World Health Organization.` / `CDC (2006)`: the words before the first sentence end or
    year, when they are few, capitalised, and name a body or are followed by the year."""
    m = re.match(r"([^.:(\d]+?)(?:\.\s|:\s|\s*\(|\s*$)", s)
    if not m:
        return [], 0
    name = " ".join(m.group(1).strip(" ,").split())
    words = name.split()
    year_next = s[m.end(1):].lstrip(" .").startswith("(")
    if not (_is_group(name, r) or (words and len(words) <= 4 and _capitalised(words) and year_next)):
        return [], 0
    return [name], m.end(1)


def _title_end(s: str, pos: int, r: Rules) -> int:
    """Where the title that starts at `pos` ends: the first `.`, `?` or `!` that ends a
    sentence; not the dot of an abbreviation (`vs.`, `spp.`) or of an initial followed by a
    lower-case word (`E. coli`), and not one followed by a sentence of running words that another
    part (the journal) still follows before the numbers (a subtitle: `Who shares? Who doesn't?
    Factors associated with ... data. PLoS ONE. 2011`)."""
    ends = [i for i in (m.start() for m in r.sentence_end.finditer(s, pos)) if _ends_sentence(s, pos, i, r)]
    digits = [m.start() for m in ANCHOR.finditer(s, pos)]
    numeral_dot = False
    for k, i in enumerate(ends):
        if numeral_dot:  # the dot of `phred. I. Accuracy assessment`
            numeral_dot = False
            continue
        if k + 1 < len(ends):
            d = bisect.bisect_right(digits, i)
            anchor = digits[d] if d < len(digits) else len(s)
            if NUMERAL.fullmatch(s, i + 1, ends[k + 1]) and k + 2 < len(ends) and ends[k + 2] < anchor:
                numeral_dot = True
                continue
            if _subtitle(s, i, ends[k + 1], anchor):
                continue
        return i + 1 if s[i] in "?!" else i
    return len(s)


def _ends_sentence(s: str, pos: int, i: int, r: Rules) -> bool:
    if s[i] in "?!":
        return True
    k = i
    while k > pos and (s[k - 1].isalnum() or s[k - 1] in "._"):  # the word before the dot
        k -= 1
    word = s[k:i]
    if ROMAN.fullmatch(word) and s[max(pos, k - 5):k].rstrip().lower().endswith("part"):
        return False  # `Part II. Psychoacoustic analysis`
    if word.lower() in r.abbreviations:
        return False
    after = s[i + 1:i + 3].lstrip()
    return not (len(word) == 1 and word.isupper() and after[:1].islower())


NUMERAL = re.compile(r"\s*(?:Part\s+)?(?:[IVX]{1,4}|\d{1,2})")
ROMAN = re.compile(r"[IVX]{1,4}|\d{1,2}")
IN_SOURCE = re.compile(r"\s*In:?\s")
# where the numbers after the title begin: a year, `12(3)`, `77: 217`, `149, 10–20`, `2004;`
ANCHOR = re.compile(r"(?<![\w-])(?:1[5-9]|20)\d\d(?!\d)|(?<![\w-])\d+[a-z]?\s*[(:;]|(?<![\w-])\d+,\s+\d")
LETTER = re.compile(r"[^\W\d_]")


def _subtitle(s: str, i: int, j: int, first_digit: int) -> bool:
    """Whether s[i+1:j] (between two sentence ends) is more title: running words (at least two
    lower-case content words), with more words (the journal) after it before the numbers."""
    segment = s[i + 1:j]
    if j > first_digit or IN_SOURCE.match(segment):
        return False
    content = [w for w in segment.split() if w[:1].islower() and w.replace("'", "").replace("’", "").isalpha()
               and w not in FUNCTION_WORDS]
    return len(content) >= (1 if s[i] in "?!" else 2) and bool(LETTER.search(s, j + 1, first_digit))
