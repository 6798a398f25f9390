"""The reference section of a plain or PDF text, and its entries as `Reference` records.

`find_reference_section(text)` finds the last heading line such as `References`, `7. REFERENCES`
or `Literature cited` and returns the span after it, up to the next line that ends the section
(`Appendix`, `Supplementary material`, `Table 2. ...`) or the end of the text.

`parse_references(text)` splits that section into entries and parses each one (`parse_entry(raw)`
parses one reference string alone):

* splitting: a numbered list (`1.`, `1 `, `[1]`, `(1)`, `1)` at line starts, numbers in
  sequence, so a wrapped line that starts with a page number is not an entry; or run together
  on one line, `1. ... 2. ...`) or, failing that, an author-year list: one entry per paragraph
  or per line, where a line that does not start like an author (`Surname, X.`, `Surname XY,`)
  or that follows a line ending in `,`, `&` or `and` continues the entry before it (PDF text
  wraps entries with hard line breaks), and a very long entry is split where one entry ends
  and a name with a year starts the next (a list run together on one line);
* fields: the author list at the entry's start (Vancouver `Smith AB, Jones C, et al.`,
  APA/Harvard `Smith, A. B., & Jones, C.`, `Smith A.B.`, particles, hyphens, accents; a
  group author where no personal name starts the entry), the year (`2004a`: year + suffix),
  the title (up to the sentence end that is not an initial or an abbreviation), the journal,
  volume and pages, the doi and the PMID.

Plain regexes built once from extractor/rules/data/references.json; no exception escapes for
odd text, and a text without a reference heading costs one regex search.
"""

from __future__ import annotations

import bisect
import re
from functools import cache

from extractor.references.record import Reference
from extractor.rules.loader import load_data
from extractor.rules.regex import alternation, guard
from extractor.rules.schemas import ReferencesFile

DATA_FILE = "references.json"

UPPER = "A-ZÀ-ÖØ-ÞĀĆČĎĐĘĚĹĽŁŃŇŐŒŔŘŚŞŠŢŤŮŰŹŻŽΑ-ΩА-ЯЁ"
DASH = "-–—‒−"
NUMBERING = r"(?:(?:\d{1,2}(?:\.\d{1,2})*\.?|[IVXLC]{1,6}\.)[ \t]+)?"
CAPTION = (r"(?:Table|TABLE|Figure|FIGURE|Fig\.|Supplementary|SUPPLEMENTARY|Appendix|APPENDIX)"
           r"\s+(?:[A-Z]?\d+|[IVX]+|[A-Z])\b")
LABEL_FORMS = {  # marker at a line start -> the regex of the marker (group 1: the number)
    "bracket": r"\[(\d{1,4})\]",
    "paren": r"\((\d{1,4})\)",
    "dot": r"(\d{1,4})\.(?!\d)",
    "rparen": r"(\d{1,4})\)",
    "space": r"(\d{1,4})(?=[ \t]+[^\d\s])",
}


class Rules:
    """The compiled regexes and word sets of references.json."""

    def __init__(self, data: dict):
        self.min_year, self.max_year = data["min_year"], data["max_year"]
        self.max_label, self.max_first_label = data["max_label"], data["max_first_label"]
        self.max_group_words = data["max_group_author_words"]
        self.min_dated_share = data["min_dated_share"]
        ws = r"[ \t]+"
        self.heading = re.compile(
            rf"^[ \t]*{NUMBERING}(?:{alternation(data['headings'], spaces=ws)})[ \t]*:?"
            r"(?:[ \t]*$|[ \t]+(?=(?:\[1\]|\(1\)|1\.)[ \t]+\S))",  # or `References 1. Bell RF ...` on one line
            re.IGNORECASE | re.MULTILINE)
        self.ending = re.compile(
            rf"^[ \t]*(?:{NUMBERING}(?i:{alternation(data['end_headings'], spaces=ws)})[ \t]*:?[ \t]*$|{CAPTION})",
            re.MULTILINE)
        self.labels = {name: re.compile(rf"[ \t]*{form}[ \t]*") for name, form in LABEL_FORMS.items()}

        word = rf"[{UPPER}][^\W\d_]*(?:['’\-‐‑][^\W\d_]+)*"
        particle = rf"(?:(?i:{alternation(data['name_particles'])})\s+)"
        lower_start = r"(?:d['’]|O['’])?"  # d'Alembert, O'Brien
        word2 = rf"[{UPPER}](?=[^\W\d_]*[^\W\d_{UPPER}])[^\W\d_]*(?:['’\-‐‑][^\W\d_]+)*"  # not `RB`
        surname = rf"{particle}{{0,3}}{lower_start}{word}(?:[ ]{particle}{{0,3}}{word2})?"
        init_plain = rf"[{UPPER}][a-z]?(?:-?[{UPPER}][a-z]?){{0,3}}(?![\w'’]|\.\w)"  # AB, Th, K-M
        init_dots = rf"[{UPPER}][a-z]?\.(?:[ \-]?[{UPPER}][a-z]?\.)*(?:[ \-]?[{UPPER}](?=\s*[,;]))?"
        initials = rf"(?:{init_dots}|{init_plain})"
        suffix = r"(?:,?\s+(?:Jr|Sr|II|III|IV)\.?(?![\w]))?"
        self.name_forms = {
            "vancouver": re.compile(rf"(?P<s>{surname})\s+(?P<i>{initials}){suffix}"),
            "comma": re.compile(rf"(?P<s>{surname}),\s*(?P<i>{initials}){suffix}"),
            "given_first": re.compile(rf"(?P<i>{init_dots})\s*(?P<s>{surname})(?![\w])"),
        }
        conj = alternation(data["conjunctions"])
        self.name_sep = re.compile(rf"\s*,?\s*(?:\.\.\.|…)\s*|\s*[,;]\s*(?:(?:{conj})\s+)?|\s+(?:{conj})\s+")
        # `..., Wortman, J. R., … Human Microbiome Consortium. (2010)`: a group after the names
        self.trailing_group = re.compile(
            rf"\s*,?\s*(?:(?:\.\.\.|…|&|and)\s*)?(?P<g>[{UPPER}][^\d().?!]{{1,120}}?)\.?\s*(?=\(\s*(?:1[5-9]|20)\d\d)")
        self.et_al = re.compile(rf"\s*,?\s*(?:{alternation(data['et_al'])})", re.IGNORECASE)
        # where an author-year entry starts a line: a surname, then `, X.` or ` XY,`
        person = (rf"{surname}(?:,\s*{init_dots}|,\s*{init_plain}[,.]"
                  rf"|\s+{initials}(?:\s*[,.](?!\s*\d)|\s*\()|\s+{initials}$)"  # not `Glycoconj J, 23, 5–17.`
                  rf"|{init_dots}\s*{surname},")
        self.person_start = re.compile(person)
        self.entry_start = re.compile(
            rf"[ \t]*(?:{person}"
            rf"|[{UPPER}][^\W\d_]+[^\n(]{{0,80}}?\(\s*(?:1[5-9]|20)\d\d[a-z]?\))")  # `World Health Assembly. (2011)`
        self.group_words = frozenset(data["group_words"])
        year = r"(?:1[5-9]|20)\d\d"
        self.year_paren = re.compile(rf"\(\s*(?P<y>{year})(?P<x>[a-z])?\.?(?:\s*[,;/][^()]{{0,40}})?\s*\)"
                                     r"|\(\s*(?:n\.\s?d\.|in press|forthcoming|submitted)\s*\)", re.IGNORECASE)
        self.year_bare = re.compile(rf"(?P<y>{year})(?P<x>[a-z])?(?![\w])")
        self.year_any = re.compile(rf"(?<![\w/.\-])(?P<y>{year})(?P<x>[a-z])?(?![\w/])")
        self.abbreviations = frozenset(data["title_abbreviations"])
        self.sentence_end = re.compile(r"[.?!](?=[\s\"”’)\]]|$)")
        prefixes = alternation(data["doi_prefixes"], spaces=r"\s*")
        # the doi itself first (one cheap test a position), then the prefix just before it
        self.doi = re.compile(r"(?P<d>10\.\d{4,9}/[^\s\"<>]+)")
        self.doi_prefix = re.compile(rf"(?:{prefixes})\s*$", re.IGNORECASE)
        pmid = alternation(data["pmid_markers"], spaces=r"[ \t]*")
        self.pmid = re.compile(rf"(?:{pmid})\s*:?\s*(?P<p>\d{{1,9}})\b")
        self.pmid_tail = re.compile(r"(?:^|[\s.])(?P<p>\d{7,8})\.?\s*$")  # searched in the last characters
        trailers = [*data["trailer_markers"], "http://", "https://", "www."]
        self.trailer = re.compile(rf"{guard(trailers)}(?:{alternation(trailers)})", re.IGNORECASE)
        self.vol_pages = re.compile(
            rf"(?<![\w.])(?P<v>\d{{1,5}}[A-Za-z]?)(?!\d)\s*(?:\(\s*[^()]{{1,20}}\))?\s*[:,]?\s*(?:pp?\.\s*)?"
            rf"(?P<p>[A-Za-z]{{0,2}}\d+(?:\s*[{DASH}]\s*[A-Za-z]{{0,2}}\d+)?)(?![\w])")
        self.pages_only = re.compile(rf"\bpp?\.\s*(?P<p>\d+(?:\s*[{DASH}]\s*\d+)?)")
        self.chapter = re.compile(r"[Ii]n:\s|In\s(?=.*\b(?:[Ee]ds?\b|[Ee]ditors?\b))")


@cache
def rules() -> Rules:
    return Rules(load_data(DATA_FILE, ReferencesFile))


# ---------------------------------------------------------------- the section

def find_reference_section(text: str) -> tuple[int, int] | None:
    """(start, end) of the reference section's body (after its heading, whitespace trimmed), or
    None where no heading is followed by any text. The last such heading wins: a table of
    contents names `References` before the section itself does."""
    return _find_section(text, rules()) if isinstance(text, str) else None


def _find_section(text: str, r: Rules) -> tuple[int, int] | None:
    if not text:
        return None
    for heading in reversed(list(r.heading.finditer(text))):
        start = heading.end()
        ending = r.ending.search(text, start + 1)
        end = ending.start() if ending else len(text)
        span = _trim(text, start, end)
        if span is not None:
            return span
    return None


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


# ---------------------------------------------------------------- entries

def parse_references(text: str) -> list[Reference]:
    """The entries of `text`'s reference section (none: []), with offsets into `text`."""
    r = rules()
    span = _find_section(text, r) if isinstance(text, str) else None
    if span is None:
        return []
    entries = _split(text, span, r)
    refs = [_parse(text, i, label, start, end, r) for i, (label, start, end) in enumerate(entries, 1)]
    # a `Reference` line that heads no reference list (a table's column in PDF text): few years
    if sum(ref.year is not None for ref in refs) < r.min_dated_share * len(refs):
        return []
    return refs


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each line of text[start:end], trailing whitespace dropped; blank lines
    as empty spans."""
    out = []
    pos = start
    while pos <= end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        e = stop
        while e > pos and text[e - 1].isspace():
            e -= 1
        out.append((pos, e))
        if nl < 0:
            break
        pos = nl + 1
    return out


def _split(text: str, span: tuple[int, int], r: Rules) -> list[tuple[str | None, int, int]]:
    lines = _lines(text, *span)
    numbered = _numbered(text, lines, r)
    if len(numbered) > 1:
        return numbered
    inline = _inline_numbered(text, span, r)
    if inline:
        return inline
    return numbered or _author_year(text, lines, r)


INLINE_FIRST = {"bracket": re.compile(r"\[1\]\s*"), "paren": re.compile(r"\(1\)\s*"),
                "dot": re.compile(r"1\.\s+(?=[^\W\d_])")}
INLINE_NEXT = {"bracket": r"\[{n}\]\s*", "paren": r"(?<=\s)\({n}\)\s*",
               "dot": r"(?<=\s){n}\.\s+(?=[^\W\d_])"}
INLINE_AFTER_END = re.compile(r"[.?!)\]\d]\s+$")


def _inline_numbered(text: str, span: tuple[int, int], r: Rules) -> list[tuple[str | None, int, int]]:
    """A numbered list run together on few lines (`1. Bell RF. ... 2009;141:210-4. 2. Correll GE
    ...`, as some readers join lines): the markers 1, 2, 3 ... in order, each after the last; a
    `2.` counts where an entry ends before it or a name follows it (not `Part 2. Review`)."""
    start, end = span
    for name, first in INLINE_FIRST.items():
        m = first.match(text, start, end)
        if not m:
            continue
        bodies = [(1, m.end())]
        while True:
            n = bodies[-1][0] + 1
            nxt = None
            for cand in re.compile(INLINE_NEXT[name].format(n=n)).finditer(text, bodies[-1][1], end):
                if (name != "dot" or r.person_start.match(text, cand.end(), end)
                        or INLINE_AFTER_END.search(text, max(start, cand.start() - 3), cand.start())):
                    nxt = cand
                    break
            if nxt is None:
                break
            bodies[-1] = (*bodies[-1], nxt.start())
            bodies.append((n, nxt.end()))
        if len(bodies) < 2:
            continue
        out = []
        for n, s, *e in bodies:
            trimmed = _trim(text, s, e[0] if e else end)
            if trimmed is not None:
                out.append((str(n), *trimmed))
        return out
    return []


def _numbered(text: str, lines: list[tuple[int, int]], r: Rules) -> list[tuple[str | None, int, int]]:
    """Entries of a numbered list: the label form whose numbers run in sequence from the first
    labelled line over the most lines (at least two), else []."""
    best: list[tuple[str, int, int]] = []
    heads = [ls for ls in lines if ls[1] > ls[0]][:5]
    for name, form in r.labels.items():
        first = None
        for ls in heads:
            m = form.match(text, ls[0], ls[1])
            # `(2001). Title` at a line start is a year: a list starts low, except `[12]`
            limit = r.max_label if name == "bracket" else r.max_first_label
            if m and int(m.group(1)) <= limit and (first is None or int(m.group(1)) == 1):
                first = (ls, m)
                if int(m.group(1)) == 1:
                    break
        if first is None:
            continue
        found = [(int(first[1].group(1)), first[1])]
        skip = 0 if name == "space" else 1  # a lost number (a page break) may be skipped, not with `1 `
        for ls in lines[lines.index(first[0]) + 1:]:
            m = form.match(text, ls[0], ls[1])
            if m:
                n = int(m.group(1))
                if found[-1][0] < n <= found[-1][0] + 1 + skip:
                    found.append((n, m))
        if len(found) > len(best):
            best = found
    if len(best) < 2 and not (best and best[0][0] == 1 and len(lines) == 1):
        return []
    out = []
    for k, (n, m) in enumerate(best):
        stop = best[k + 1][1].start() if k + 1 < len(best) else lines[-1][1]
        span = _trim(text, m.end(), stop)
        if span is not None:
            out.append((str(n), *span))
    return out


CONTINUES = re.compile(r"(?:[" + DASH + r",;:&(\[]|\b(?:and|of|the|in|for|on|with|to|a|an|et|by))$", re.IGNORECASE)
TERMINAL = re.compile(r"(?:[.?!)\]\d]|\b[A-Za-z]\d+|(?:https?://|www\.|\b10\.\d{4,9}/)\S+)$")  # ... 33-45. / doi


def _author_year(text: str, lines: list[tuple[int, int]], r: Rules) -> list[tuple[str | None, int, int]]:
    """Entries of an unnumbered list: paragraphs, split further at lines that start like an
    entry. Where most lines start like one (one entry per line), every line starts an entry
    unless it plainly continues the one before; otherwise (entries wrapped over lines) a line
    starts one only if it starts like an entry and the line before ends like one."""
    filled = [ls for ls in lines if ls[1] > ls[0]]
    if not filled:
        return []
    starts = {ls for ls in filled if r.entry_start.match(text, ls[0], ls[1])}
    paragraphs = sum(1 for a, b in zip(lines, lines[1:]) if a[1] <= a[0] < b[0] < b[1]) + 1
    # entries in paragraphs: a line inside one starts an entry only as in wrapped text
    # one entry per line: most lines start like an entry, or nearly all end like one
    terminal = sum(1 for ls in filled if TERMINAL.search(text, ls[0], ls[1]))
    per_line = paragraphs < 2 and (len(starts) >= 0.6 * len(filled) or terminal >= 0.85 * len(filled))
    indent = min(_indent(text, ls) for ls in filled)
    out: list[list[int]] = []
    previous = None  # the line before, None after a blank line
    for ls in lines:
        if ls[1] <= ls[0]:
            previous = None
            continue
        new = previous is None or not out
        if not new:
            line = text[ls[0]:ls[1]].lstrip()
            prev = text[previous[0]:previous[1]]
            hanging = _indent(text, ls) > indent and _indent(text, previous) == indent
            if CONTINUES.search(prev) or hanging or not (line[:1].isupper() or ls in starts):
                new = False
            elif per_line:
                new = True
            else:
                new = ls in starts and bool(TERMINAL.search(prev))
        if new:
            out.append([ls[0], ls[1]])
        else:
            out[-1][1] = ls[1]
        previous = ls
    entries = []
    for s, e in out:
        for part in _run_together(text, s, e, r) if e - s > RUN_TOGETHER_CHARS else [(s, e)]:
            span = _trim(text, *part)
            if span is not None:
                entries.append((None, *span))
    return entries


RUN_TOGETHER_CHARS = 600  # an author-year entry longer than this may be several run together
ENTRY_END = re.compile(r"(?<=[.\d)\]])\s+(?=[^\W\d_])")


def _run_together(text: str, start: int, end: int, r: Rules) -> list[tuple[int, int]]:
    """An author-year list run together on one line (`... 643–657. Prescott DM (1994) ...`):
    split where an entry ends (`.`, `)`, a digit) and the next starts like one and has a year
    within its first 300 characters."""
    cuts = [start]
    for m in ENTRY_END.finditer(text, start, end):
        at = m.end()
        if r.person_start.match(text, at, end) and r.year_any.search(text, at, min(end, at + 300)):
            if at - cuts[-1] > 40:
                cuts.append(at)
    return [(a, b) for a, b in zip(cuts, cuts[1:] + [end])]


def _indent(text: str, ls: tuple[int, int]) -> int:
    n = 0
    while ls[0] + n < ls[1] and text[ls[0] + n] in " \t":
        n += 1
    return n


# ---------------------------------------------------------------- fields

LINE_END_HYPHEN = re.compile(r"(?<=\w)-[ \t]*\n\s*(?=\w)")  # `long-\nterm`: the hyphen kept, the break dropped


def parse_entry(raw: str, ref_id: str = "r1", label: str | None = None) -> Reference:
    """One reference string's fields (a free-text JATS `<mixed-citation>`, a line a user pasted);
    `start`/`end` stay None: the string is not a span of a document's text."""
    ref = Reference(ref_id=ref_id, raw=raw, label=label)
    _fill(ref, raw, rules())
    return ref


def _parse(text: str, n: int, label: str | None, start: int, end: int, r: Rules) -> Reference:
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
