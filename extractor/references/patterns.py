"""The compiled regexes and word sets of extractor/rules/data/references.json, shared by the
section finder and splitter (extractor.references.text) and the entry parser
(extractor.references.fields); built once per process.
"""

from __future__ import annotations

import re
from functools import cache

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
