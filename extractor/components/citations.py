"""Citation markers: numeric (`[15]`, `[1,11]`, `[3–5]`, `[12, 14–16]`, `[1][2]`) and
author-year (`(Smith et al., 2009; Lee 2011)`, narrative `Smith et al. (2009)`).

One span per citation *group*, the convention of the JATS-derived `citations` corpus:
adjacent brackets (`[44], [45]`, `[18]–[23]`) are one group; a parenthesis holding only
author-year items is one group including its parentheses; where a parenthesis also holds
other words (`(see Lee 2011)`, `(Figure 1; Lee 2011)`) the group is the run of items alone.
Regexes run once over `doc.text`; spans are snapped to tokens with `alignment_mode="expand"`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from extractor.components.batching import RulesPipe
from extractor.pipeline.doctext import doc_text
from extractor.pipeline.extensions import register_extensions, set_attrs
from extractor.pipeline.spans import Found, char_spans
from extractor.rules.loader import DATA_FOLDER, read_rules, validate
from extractor.rules.regex import alternation
from extractor.rules.schemas import CitationsFile

GROUP = "citations"
LABEL = "CITATION"
SOURCE = "claimx_citations"
DATA_FILE = "citations.json"
FILES = {DATA_FILE: CitationsFile}


class CitationRules:
    """Compiled regexes and limits built from the data file (validated on load)."""

    def __init__(self, data: dict, where: str = f"{DATA_FOLDER}/{DATA_FILE}"):
        validate(data, CitationsFile, where)
        self.data = data
        num, ay = data["numeric"], data["author_year"]
        self.max_ref = num["max_ref"]
        self.max_range = num["max_range"]
        self.min_year, self.max_year = ay["min_year"], ay["max_year"]
        self.not_names = frozenset(ay["not_names"])

        dash = "[" + "".join(re.escape(d) for d in num["range_dashes"]) + "]"
        item_sep = "[" + "".join(re.escape(s) for s in num["item_separators"]) + "]"
        group_sep = "".join(re.escape(s) for s in num["group_separators"] if s)
        leader = rf"(?:(?:{alternation(num['leaders'])})\s*)?"
        item = rf"\d{{1,4}}(?:\s*{dash}\s*\d{{1,4}})?"
        locator = rf"(?:\s*:\s*[^\[\]\n]{{1,{num['locator_max_chars']}}}?)?"
        bracket = rf"\[\s*{leader}{item}(?:\s*{item_sep}\s*{item})*{locator}\s*\]"
        self.numeric = re.compile(
            rf"(?<![\d\]])(?:{bracket})(?:[ \t]*(?:[{group_sep}]|{dash})?[ \t]*{bracket})*(?![A-Za-z0-9+])"
        )
        # `F[1,12]` (degrees of freedom), `the interval [10, 20]`: not citations
        self.single_letter_before = re.compile(r"(?<![^\W\d_])[^\W\d_]$")
        self.interval_cue = re.compile(rf"\b(?:{alternation(num['not_after'])})\s*$", re.IGNORECASE)
        self.interval = re.compile(r"\[\s*\d+\s*,\s*\d+\s*\]")
        self.numbers = re.compile(rf"(\d{{1,4}})(?:[\s\[\]]*{dash}[\s\[\]]*(\d{{1,4}}))?")
        # `other agents.8 In`, `trials.12,14 The`: a superscript citation flattened onto the full stop
        # (PMC plain text, PDF text), right after a word and before a new sentence
        number = rf"\d{{1,3}}(?:{dash}\d{{1,3}})?"
        self.superscript = re.compile(
            rf"(?<=[^\W\d_]{{2}}\.){number}(?:,{number})*(?=[ \t]+[A-Z(]|[ \t]*\n|[ \t]*$)")
        self.superscript_not_after = frozenset(w.lower() for w in num.get("superscript_not_after", ()))

        upper = "A-ZÀ-ÖØ-ÞĀĆČĎĐĘĚĹĽŁŃŇŐŒŔŘŚŞŠŢŤŮŰŹŻŽ"
        word = rf"[{upper}](?:[^\W\d_]|['’\-](?=[^\W\d_]))*"
        particle = rf"(?:(?:{alternation(ay['name_particles'])})\s+)"
        name = rf"{particle}{{0,3}}{word}(?:\s+{particle}{{0,3}}{word}){{0,{ay['max_name_words'] - 1}}}"
        surname = rf"{particle}{{0,2}}{word}"
        et_al = r"\s+et\s+al\b\.?"
        conj = rf"(?:{alternation(ay['conjunctions'])})"
        year = rf"(?:(?:1[89]|20)\d\d[a-z]?(?![\d])|{alternation(ay['year_words'])})"
        years = rf"{year}(?:\s*,\s*(?:{year}|[a-z](?![\w])))*"
        authors = rf"{name}(?:{et_al}|(?:\s*,\s*{name})*\s*,?\s+{conj}\s+{name}(?:{et_al})?)?"
        self.item = re.compile(rf"(?P<authors>{authors})\s*,?\s+(?P<years>{years})")
        self.leader = re.compile(rf"^(?:(?:{alternation(ay['leaders'])})\s+)+")
        self.year = re.compile(year)
        # parentheses / square brackets with no nesting of their own kind (searched separately,
        # so `[e.g., X (Smith 1996)]` and `(..., [Lee, 2008])` are both seen)
        self.enclosures = (re.compile(r"\((?P<c>[^()\n]{4,2000}?)\)"), re.compile(r"\[(?P<c>[^\[\]\n]{4,2000}?)\]"))
        # narrative: years only, and a surname with a lower-case letter (not `BMI (1975)`)
        narrative_year = r"(?:1[89]|20)\d\d[a-z]?(?!\d)"
        narrative_years = rf"{narrative_year}(?:\s*,\s*(?:{narrative_year}|[a-z](?!\w)))*"
        narrative_authors = rf"(?=\w*[a-z]){surname}(?:{et_al}|\s+{conj}\s+{surname}(?:{et_al})?)?"
        self.narrative = re.compile(
            rf"(?<![\w.])(?P<authors>{narrative_authors})\s*\((?P<years>{narrative_years})\)"
        )


@lru_cache(maxsize=1)
def default_rules() -> CitationRules:
    return CitationRules(read_rules(FILES)[DATA_FILE])


def expand_numeric(marker: str, rules: CitationRules | None = None) -> list[int] | None:
    """`[12, 14–16]` -> [12, 14, 15, 16]; `[18]–[23]` -> 18..23. None when a number or range
    breaks the sanity limits (so `[2010]` or `[1–500]` is not taken for a citation)."""
    rules = rules or default_rules()
    # drop locators such as `[12: fig. 3]` bracket by bracket
    core = re.sub(r":[^\]]*\]", "]", marker)
    refs: list[int] = []
    for m in rules.numbers.finditer(core):
        lo = int(m.group(1))
        hi = int(m.group(2)) if m.group(2) else lo
        if not (1 <= lo <= rules.max_ref and 1 <= hi <= rules.max_ref) or hi < lo or hi - lo > rules.max_range:
            return None
        refs.extend(range(lo, hi + 1))
    return refs or None


_CUTS = re.compile(r",\s+|\b(?:in|by|from|of|see)\s+")


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def author_year_refs(authors: str, years: str, rules: CitationRules | None = None) -> list[str]:
    """`Smith et al.`, `2006, 2012` -> ["Smith et al., 2006", "Smith et al., 2012"]; `1995a, b` -> a and b."""
    rules = rules or default_rules()
    authors = _clean(authors).rstrip(",")
    refs, last_year = [], None
    for part in (p.strip() for p in years.split(",")):
        if rules.year.fullmatch(part):
            last_year = part
            refs.append(f"{authors}, {part}")
        elif last_year and len(part) == 1:
            refs.append(f"{authors}, {last_year.rstrip('abcdefghijklmnopqrstuvwxyz')}{part}")
    return refs


def _valid_authors(authors: str, years: str, rules: CitationRules) -> bool:
    first = authors.split()[0].rstrip(".,")
    several = " al" in authors or len(authors.split()) > 1 and any(c in authors.split() for c in ("and", "&"))
    if first in rules.not_names and not several:  # `(In 2010)` is no citation, `(An et al. 2011)` is
        return False
    for y in re.findall(r"\d{4}", years):
        if not rules.min_year <= int(y) <= rules.max_year:
            return False
    return True


def find_numeric(text: str, rules: CitationRules | None = None) -> list[Found]:
    rules = rules or default_rules()
    found = []
    for m in rules.numeric.finditer(text):
        before = text[max(0, m.start() - 30):m.start()]
        if rules.single_letter_before.search(before) or (
                rules.interval.fullmatch(m.group()) and rules.interval_cue.search(before)):
            continue
        refs = expand_numeric(m.group(), rules)
        if refs:
            found.append(Found(m.start(), m.end(), LABEL, refs=tuple(refs), style="numeric"))
    return found


def find_superscript(text: str, rules: CitationRules | None = None) -> list[Found]:
    """Reference numbers flattened onto a full stop (`other agents.8 In this context`), numeric style;
    not after an abbreviation (`Fig.3`, `No.2`: superscript_not_after)."""
    rules = rules or default_rules()
    found = []
    for m in rules.superscript.finditer(text):
        word = re.search(r"([^\W\d_]+)\.$", text[max(0, m.start() - 30):m.start()])
        if word is None or word.group(1).lower() in rules.superscript_not_after:
            continue
        refs = expand_numeric(m.group(), rules)
        if refs:
            found.append(Found(m.start(), m.end(), LABEL, refs=tuple(refs), style="numeric"))
    return found


def _enclosed_items(text: str, start: int, end: int, rules: CitationRules) -> list[Found]:
    """Author-year groups inside one parenthesis/bracket whose content is text[start:end]."""
    parts, pos = [], start
    for piece in text[start:end].split(";"):
        if piece.strip():  # `2012;; Yu` - an empty item neither breaks a run nor counts
            parts.append((pos, pos + len(piece)))
        pos += len(piece) + 1
    # each part: (item start, item end, refs, had_leader) or None when it is not a citation
    items = []
    for p_start, p_end in parts:
        part = text[p_start:p_end]
        stripped = part.strip()
        lead = len(part) - len(part.lstrip())
        leader = rules.leader.match(stripped)
        offset = p_start + lead + (leader.end() if leader else 0)
        body = stripped[leader.end():] if leader else stripped
        m = rules.item.fullmatch(body)
        prefixed = False
        if not m:
            # `data file for Figure 11, Kessler and Baldwin, 2001`: an item closing the part
            for cut in _CUTS.finditer(body):
                m = rules.item.fullmatch(body[cut.end():])
                if m:
                    offset += cut.end()
                    prefixed = True
                    break
        if not m or not _valid_authors(m.group("authors"), m.group("years"), rules):
            items.append(None)
            continue
        refs = author_year_refs(m.group("authors"), m.group("years"), rules)
        if not refs:
            items.append(None)
            continue
        items.append((offset + m.start(), offset + m.end(), refs, bool(leader) or prefixed))
    if items and all(items) and not any(i[3] for i in items):
        refs = [r for i in items for r in i[2]]
        return [Found(start - 1, end + 1, LABEL, refs=tuple(refs), style="author_year")]
    groups: list[Found] = []
    run: list[tuple] = []
    for item in [*items, None]:
        if item is not None and (not run or not item[3]):
            run.append(item)
            continue
        if run:
            groups.append(Found(run[0][0], run[-1][1], LABEL, refs=tuple(r for i in run for r in i[2]),
                                    style="author_year"))
        run = [item] if item is not None else []
    return groups


def find_author_year(text: str, rules: CitationRules | None = None) -> list[Found]:
    rules = rules or default_rules()
    found = []
    for enclosure in rules.enclosures:
        for m in enclosure.finditer(text):
            if rules.year.search(m.group("c")):
                found.extend(_enclosed_items(text, m.start("c"), m.end("c"), rules))
    for m in rules.narrative.finditer(text):
        if _valid_authors(m.group("authors"), m.group("years"), rules):
            refs = author_year_refs(m.group("authors"), m.group("years"), rules)
            if refs:
                found.append(Found(m.start(), m.end(), LABEL, refs=tuple(refs), style="author_year"))
    return found


def find_citations(text: str, rules: CitationRules | None = None) -> list[Found]:
    """All citation groups in `text`, sorted, without overlaps (the earlier, then longer, wins)."""
    rules = rules or default_rules()
    candidates = sorted(find_numeric(text, rules) + find_author_year(text, rules) + find_superscript(text, rules),
                        key=lambda c: (c.start, -c.end))
    kept: list[Found] = []
    for c in candidates:
        if kept and c.start < kept[-1].end:
            continue
        kept.append(c)
    return kept


class CitationFinder(RulesPipe):
    """Thin component: finds citation groups in doc.text and writes them to doc.spans["citations"]."""

    FILES = FILES

    def __init__(self, rules: CitationRules | None = None, rules_path: str | Path | None = None):
        if rules_path is not None:
            self._use_rules(read_rules(FILES, rules_path))
        else:
            self.rules = rules or default_rules()
            self.rules_data = {DATA_FILE: self.rules.data}

    def _use_rules(self, data: dict) -> None:
        self.rules_data = data
        self.rules = CitationRules(data[DATA_FILE])

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for c, span in char_spans(doc, find_citations(doc_text(doc), self.rules)):
            set_attrs(span, **c.attrs(), source=SOURCE)
            spans.append(span)
        doc.spans[GROUP] = spans
        return doc


@Language.factory("claimx_citations", assigns=["doc.spans"], default_config={"rules_path": None})
def make_citations(nlp: Language, name: str, rules_path: str | None) -> CitationFinder:
    """Citation groups into doc.spans["citations"]; `rules_path`: a folder holding a citations.json,
    or that file (null: the shipped one)."""
    register_extensions()
    return CitationFinder(rules_path=rules_path)
