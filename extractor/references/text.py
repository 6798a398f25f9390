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
* fields: extractor.references.fields (authors, year and suffix, title, journal, volume,
  pages, doi, PMID); the regexes: extractor.references.patterns, from
  extractor/rules/data/references.json.

No exception escapes for odd text, and a text without a reference heading costs one regex
search.
"""

from __future__ import annotations

import re

from extractor.references.fields import parse_entry, parse_span
from extractor.references.patterns import DASH, Rules, rules
from extractor.references.record import Reference

__all__ = ["find_reference_section", "parse_entry", "parse_references"]


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
    refs = [parse_span(text, i, label, start, end, r) for i, (label, start, end) in enumerate(entries, 1)]
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
