"""scispaCy's abbreviation detector (Schwartz & Hearst 2003), with its two spaCy Matchers replaced by
scans of the token ORTH array.

scispaCy finds `( ... )` candidates with a Matcher pattern `(`, any tokens, `)` and each defined
short form's other occurrences with a second Matcher it fills per document. Both walk the Doc
token by token in Python objects: 85% of the component's time on PubMed abstracts. Here the
same candidates come, in the Matcher's order (by closing bracket, then latest opening bracket),
from the positions of `(` and `)` in the array, and the occurrences from a search for the short
form's token sequence. Everything else is scispaCy's own code (`filter_matches`,
`find_abbreviation`), so `doc._.abbreviations` and `Span._.long_form` are what scispaCy gives:
tests/test_abbreviations.py compares the two on the claims and BC5CDR dev abstracts.
"""

from __future__ import annotations

from collections import defaultdict

from scispacy.abbreviation import AbbreviationDetector, filter_matches, find_abbreviation
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokens import Doc, Span

from extractor.components.batching import BatchPipe

# scispaCy's filter_matches drops candidates with more than 8 tokens inside the brackets
MAX_INSIDE = 8


def bracket_candidates(orths: list[int], open_id: int, close_id: int) -> list[tuple[int, int, int]]:
    """(match_id, start, end) of every `(` ... `)` with 1..MAX_INSIDE tokens between, brackets
    excluded from (start, end), ordered as spaCy's Matcher returns them: by closing bracket,
    then from the latest opening bracket back. Longer ones are left out (scispaCy drops them)."""
    out = []
    opens: list[int] = []
    for j, orth in enumerate(orths):
        if orth == close_id:
            for i in reversed(opens):
                if j - i - 1 > MAX_INSIDE:
                    break
                if j - i >= 2:
                    out.append((0, i + 1, j))
        if orth == open_id:
            opens.append(j)
    return out


def occurrences(orths: list[int], form: list[int]) -> list[int]:
    """Start of every occurrence of the token sequence `form` in `orths`."""
    n, first = len(form), form[0]
    return [i for i, orth in enumerate(orths) if orth == first and orths[i:i + n] == form]


class FastAbbreviationDetector(BatchPipe, AbbreviationDetector):
    """scispaCy's AbbreviationDetector without its Matchers (see the module docstring)."""

    def __init__(self, nlp: Language, name: str = "abbreviation_detector", make_serializable: bool = False):
        super().__init__(nlp, name=name, make_serializable=make_serializable)
        self.open_id = nlp.vocab.strings.add("(")
        self.close_id = nlp.vocab.strings.add(")")

    def __call__(self, doc: Doc) -> Doc:
        orths = doc.to_array(ORTH).tolist() if len(doc) else []
        if self.open_id not in orths:
            if self.make_serializable:
                doc._.abbreviations = [self.make_short_form_serializable(a) for a in doc._.abbreviations]
            return doc
        candidates = bracket_candidates(orths, self.open_id, self.close_id)
        filtered = filter_matches(candidates, doc) if candidates else []
        for long_form, short_forms in self._occurrences(filtered, doc, orths):
            for short in short_forms:
                short._.long_form = long_form
                doc._.abbreviations.append(short)
        if self.make_serializable:
            doc._.abbreviations = [self.make_short_form_serializable(a) for a in doc._.abbreviations]
        return doc

    def find_matches_for(self, filtered: list[tuple[Span, Span]], doc: Doc) -> list[tuple[Span, set[Span]]]:
        return self._occurrences(filtered, doc, doc.to_array(ORTH).tolist() if len(doc) else [])

    def _occurrences(self, filtered: list[tuple[Span, Span]], doc: Doc,
                     orths: list[int]) -> list[tuple[Span, set[Span]]]:
        """scispaCy's find_matches_for: the first definition of each long and short form wins,
        and every occurrence of a defined short form's tokens is that abbreviation."""
        found: dict[Span, set[Span]] = defaultdict(set)
        seen_long: set[str] = set()
        seen_short: set[str] = set()
        forms: list[tuple[Span, list[int]]] = []
        for long_candidate, short_candidate in filtered:
            short, long = find_abbreviation(long_candidate, short_candidate)
            if long is None or long.text in seen_long or short.text in seen_short:
                continue
            seen_long.add(long.text)
            seen_short.add(short.text)
            found[long].add(short)
            forms.append((long, orths[short.start:short.end]))
        for long, form in forms:
            for start in occurrences(orths, form):
                found[long].add(doc[start:start + len(form)])
        return list(found.items())


@Language.factory("claimx_abbreviations", default_config={"make_serializable": False})
def make_abbreviations(nlp: Language, name: str, make_serializable: bool) -> FastAbbreviationDetector:
    return FastAbbreviationDetector(nlp, name=name, make_serializable=make_serializable)
