"""Drug names that only their dose shows: an arm's code or abbreviation defined in another
sentence (`AZL-M/CTD 20/12.5 mg once daily`, `IV CPM (750 mg/m2)`, `MP: 1 g`, `α2a 3 MIU`,
`90 mg EPs-7630`). The lexicon and the abbreviation detector cannot know them; a short
capitalised code right beside a dose (a `:` or an opening bracket may sit between) is the thing
dosed, and every other occurrence of the same code in the text names it too (`more frequent with
AZL-M/CTD`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from spacy.tokens import Doc, Span

from extractor.components.drugs import letters_in_order
from extractor.pipeline.doctext import doc_text, token_texts

# a code: 2-12 characters of letters, digits, `-` and `/`, with two capitals, or a capital or a
# Greek letter next to a digit (`CPM`, `AZL-M/CTD`, `EPs-7630`, `α2a`)
_CODE = re.compile(r"^[A-Za-z0-9α-ωΑ-Ω][A-Za-z0-9α-ωΑ-Ω\-/]{1,11}$")
_TWO_CAPITALS = re.compile(r"[A-Z].*[A-Z]")
_LETTER_DIGIT = re.compile(r"[A-Zα-ωΑ-Ω]\d|\d[A-Za-zα-ωΑ-Ω]")
_BETWEEN = frozenset({":", "("})


_LONG_RUN = re.compile(r"[A-Za-zα-ωΑ-Ω]{6,}")
_PER_UNIT = re.compile(r"/[a-zµμ]")
_FORMULA = re.compile(r"^(?:[A-Z][a-z]?\d*){2,}$")


def is_code(word: str, stop: frozenset[str]) -> bool:
    """A short capitalised code that is not a unit, route, schedule or statistic word. Each part
    of it has at most five letters: `EVLWIG` (a measured index) is no arm's code, nor is a unit
    (`EU/ml`)."""
    if not _CODE.match(word) or word.lower() in stop or not any(c.isalpha() for c in word):
        return False
    if _LONG_RUN.search(word) or _PER_UNIT.search(word) or word[0].islower() and word[0].isascii():
        return False  # ... nor a plasmid or gene (`pFR`, `p24Gag`, `hIgG4`)
    if _FORMULA.match(word) and any(c.isdigit() or c.islower() for c in word):
        return False  # `NaCl`, `KH2PO4`: a salt of a buffer
    return bool(_TWO_CAPITALS.search(word) or (_LETTER_DIGIT.search(word) and not word[0].isdigit()))


def _scheduled(doc: Doc, dose: Span, schedules: list[Span]) -> bool:
    """A route or a frequency in the dose's sentence: the amount is a regimen's."""
    if doc.has_annotation("SENT_START"):
        lo, hi = dose.sent.start, dose.sent.end
    else:
        lo, hi = 0, len(doc)
    return any(lo <= s.start and s.end <= hi for s in schedules)


def dosed_names(doc: Doc, doses: Iterable[Span], taken: list[Span], stop: frozenset[str],
                defined_otherwise: frozenset[str], make: Callable[[Doc, int, int], Span],
                forms: frozenset[str] = frozenset(), schedules: Iterable[Span] = ()) -> list[Span]:
    """New DRUG spans (made by `make`) for the codes beside `doses` (spans whose unit is an
    amount, not a percentage), and for every other occurrence of those codes. `taken`: spans of
    any label that a code may not overlap; `defined_otherwise`: short forms the text defines as
    something else (`BW (body weight)`); `forms`: dosage-form words whose `of` names what is
    dosed (`FDCs of AZL-M/CTD`); `schedules`: the text's routes and frequencies, one of which
    must share a sentence with the dose (bench amounts of proteins and media have none)."""
    occupied = [False] * len(doc)
    for s in taken:
        occupied[s.start:s.end] = [True] * (s.end - s.start)
    codes: set[str] = set()
    n = len(doc)
    schedules = [s for s in schedules if s.label_ in ("ROUTE", "FREQUENCY")]
    for dose in doses:
        if not _scheduled(doc, dose, schedules):
            continue  # `0.5 µg RIF-1`, `10 mg YPD`: a bench amount, no drug's route or schedule near
        before = dose.start - 1
        if before >= 0 and doc[before].text in _BETWEEN:
            before -= 1
        for i in (before, dose.end):
            if 0 <= i < n and not occupied[i] and doc[i].text not in defined_otherwise \
                    and is_code(doc[i].text, stop):
                codes.add(doc[i].text)
                # `AZL-M/CTD 20/12.5 mg`: the code joined by a slash is dosed with it
                if i == before and i >= 2 and doc[i - 1].text == "/" and not occupied[i - 2] \
                        and is_code(doc[i - 2].text, stop):
                    codes.add(doc[i - 2].text)
    for i in range(2, n):  # `FDCs of AZL-M/CTD`, `doses of CPM`: a code a dosage form is of
        if doc[i - 1].lower_ == "of" and doc[i - 2].lower_ in forms and not occupied[i] \
                and doc[i].text not in defined_otherwise and is_code(doc[i].text, stop) \
                and _scheduled(doc, doc[i:i + 1], schedules):
            codes.add(doc[i].text)
            if i + 2 < n and doc[i + 1].text == "/" and not occupied[i + 2] and is_code(doc[i + 2].text, stop):
                codes.add(doc[i + 2].text)
    if not codes:
        return []
    found = []
    for i, token in enumerate(doc):
        if token.text in codes and not occupied[i]:
            found.append(make(doc, i, i + 1))
            occupied[i] = True
    return found


_SHORT = re.compile(r"^(?=[^a-z]*[A-Z])[A-Za-z][\w\-]{0,6}$")
_LONG_WORDS = 3
_NEAR = 8  # tokens between an amount and the name after it (`(200 mg/day for 4 weeks) with tongkat ali`)


def _definitions(doc: Doc) -> list[tuple[tuple[int, int], int]]:
    """(long form token range, short form token) of every `name (SHORT)` or `name (SHORT; ...)`
    whose short form takes its letters in order from the name's last one to three words."""
    words = token_texts(doc)
    out = []
    for i, w in enumerate(words):
        if w != "(" or i + 2 >= len(words) or words[i + 2] not in (")", ";", ",") or not _SHORT.match(words[i + 1]):
            continue
        for n in range(1, _LONG_WORDS + 1):
            lo = i - n
            if lo < 0 or not all(words[k].isalpha() for k in range(lo, i)):
                break
            name = " ".join(words[lo:i])
            if letters_in_order(words[i + 1], name) and name[0].lower() == words[i + 1][0].lower():
                out.append(((lo, i), i + 1))
                break
    return out


def dosed_long_forms(doc: Doc, doses: Iterable[Span], taken: list[Span], given_before: frozenset[str],
                     make: Callable[[Doc, int, int], Span], not_heads: frozenset[str] = frozenset()) -> list[Span]:
    """`randomized to receive tongkat ali (TA; 200 mg/day ...)`, `supplementation (200 mg/day)
    with tongkat ali (TA)`: a name the text abbreviates, right after a giving word (`receive`,
    `with`), with an amount in its bracket or just before it, is the thing given; so are its
    short form and every later occurrence of it. `not_heads`: last words of names that are no
    substance (`therapy`, `training`)."""
    doses = list(doses)
    if not doses or "(" not in doc_text(doc):
        return []
    occupied = [False] * len(doc)
    for s in taken:
        occupied[s.start:s.end] = [True] * (s.end - s.start)
    found: list[Span] = []
    forms: set[str] = set()
    for (lo, hi), short in _definitions(doc):
        if any(occupied[lo:hi]) or occupied[short]:
            continue
        before = lo - 1
        if before < 0 or doc[before].lower_ not in given_before:
            continue
        if doc[hi - 1].lower_ in not_heads:
            continue  # `cognitive behavioural therapy (CBT)`: not a substance
        closer = next((k for k in range(short, min(len(doc), short + 40)) if doc[k].text == ")"), short)
        if not any(short < d.start < closer or 0 <= lo - d.end <= _NEAR for d in doses):
            continue  # the amount is this name's: in its bracket or just before it
        for a, b in ((lo, hi), (short, short + 1)):
            found.append(make(doc, a, b))
            occupied[a:b] = [True] * (b - a)
        forms.add(doc[short].text)
    for i, token in enumerate(doc):
        if token.text in forms and not occupied[i]:
            found.append(make(doc, i, i + 1))
            occupied[i] = True
    return found


_MARKS = frozenset({"™", "®"})


def _dosed_at(doses: list[Span], lo: int, hi: int, words: list[str]) -> bool:
    """An amount right before the name (`200 mg/day of X`, `20 mg X`) or right after it
    (`X 500 mg`, `X (20 ppm`)."""
    for d in doses:
        if d.end == lo or (d.end == lo - 1 and words[lo - 1] == "of"):
            return True
        if d.start == hi or (d.start == hi + 1 and words[hi] in ("(", ":", ",")):
            return True
    return False


def marked_products(doc: Doc, doses: Iterable[Span], taken: list[Span], make: Callable[[Doc, int, int], Span],
                    product_words: frozenset[str]) -> list[Span]:
    """`200 mg/day of Physta™`, `Tylenol® 500 mg`, `propofol (Diprivan®, ...)`, `one of the
    supplements (Jack3d™)`: a name the text marks as a trademark is a product, and a drug where
    it is dosed or named in a bracket right after a drug or a product word (`supplements`,
    `tablets`). A marked name elsewhere (`SPSS®`, a microscope) is left alone."""
    words = token_texts(doc)
    if not _MARKS.intersection(words):
        return []
    doses = list(doses)
    occupied = [False] * len(doc)
    for s in taken:
        occupied[s.start:s.end] = [True] * (s.end - s.start)
    drug_ends = {s.end for s in taken if s.label_ == "DRUG"}
    found = []
    for i, w in enumerate(words):
        if w not in _MARKS or i == 0 or occupied[i - 1] or not words[i - 1][:1].isalnum():
            continue
        lo = i - 1
        if lo > 0 and words[lo - 1][:1].isupper() and words[lo - 1].isalnum() and not occupied[lo - 1]:
            lo -= 1  # `Vitamin Code®`
        in_bracket = lo > 1 and words[lo - 1] == "(" and (lo - 1 in drug_ends
                                                           or words[lo - 2].lower() in product_words)
        if in_bracket or _dosed_at(doses, lo, i + 1, words):
            found.append(make(doc, lo, i))
            occupied[lo:i] = [True] * (i - lo)
    return found


def dosed_chemicals(doc: Doc, doses: Iterable[Span], taken: list[Span], make: Callable[[Doc, int, int], Span],
                    schedules: Iterable[Span] = (), labels: frozenset[str] = frozenset({"CHEMICAL"})) -> list[Span]:
    """`inhalation of NO (20 ppm for 1 hour)`, `20 mg of huperzine A`: a chemical the recognizer
    found that is dosed, in a sentence with a route or a schedule, is a drug given even when no
    dictionary knows it (bench amounts of reagents have no route or schedule near)."""
    doses = list(doses)
    ents = doc.ents if doses else ()
    if not ents:
        return []
    schedules = [s for s in schedules if s.label_ in ("ROUTE", "FREQUENCY")]
    words = token_texts(doc)
    occupied = [False] * len(doc)
    for s in taken:
        occupied[s.start:s.end] = [True] * (s.end - s.start)
    found = []
    for ent in ents:
        if ent.label_ not in labels or any(occupied[ent.start:ent.end]):
            continue
        near = [d for d in doses if abs(d.start - ent.end) <= 2 or abs(ent.start - d.end) <= 2]
        if near and _dosed_at(near, ent.start, ent.end, words) and any(_scheduled(doc, d, schedules) for d in near):
            found.append(make(doc, ent.start, ent.end))
            occupied[ent.start:ent.end] = [True] * (ent.end - ent.start)
    return found
