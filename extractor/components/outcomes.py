"""OUTCOME mentions: what was measured or changed (`pain scores`, `quality of life`, `mortality`).

Rules first: a term list (derived from EBM-NLP and Evidence Inference plus hand-written names) and
a head-noun rule (`<modifiers> scores|levels|rate|...`), merged longest-first. Then a small learned
span tagger (extractor/components/outcome_tagger.py) adds the outcomes the rules never saw, where
they overlap no rule span. In a structured abstract, nothing is taken from a sentence opened by a
background or methods heading, nor a tagger span from the first three sentences (in_place).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.attrs import IS_ALPHA, IS_STOP, LOWER
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans, minibatch

from extractor.components.batching import RulesPipe
from extractor.components.outcome_embed import LATER, MIN_SENTENCES, SECTION_WORDS, abstract_layout
from extractor.components.outcome_tagger import OutcomeTagger, load_tagger
from extractor.pipeline.extensions import register_extensions, set_attrs
from extractor.rules.loader import read_rules
from extractor.rules.schemas import OutcomesFile, OutcomeTermsFile

RULES_FILE = "outcomes.json"
TERMS_FILE = "outcome_terms.json"
FILES = {RULES_FILE: OutcomesFile, TERMS_FILE: OutcomeTermsFile}
GROUP = "outcomes"
LABEL = "OUTCOME"


@dataclass(frozen=True)
class OutcomeRules:
    terms: tuple[str, ...]
    heads: frozenset[str]
    not_modifiers: frozenset[str]
    max_modifiers: int
    judgement_words: frozenset[str] = frozenset()  # a span of only these (`significantly more effective`) is no outcome


@lru_cache(maxsize=8)
def load_rules(rules_path: str | Path | None = None) -> OutcomeRules:
    """The shipped rules, or those in `rules_path` (a folder holding outcomes.json and/or
    outcome_terms.json, or one of those files)."""
    return rules_from_data(read_rules(FILES, rules_path))


def rules_from_data(files: dict) -> OutcomeRules:
    rules, derived = files[RULES_FILE], files[TERMS_FILE]
    maximum = rules["max_modifiers"]
    skip = set(rules.get("not_terms", []))
    terms = sorted((set(rules["terms"]) | set(derived["terms"])) - skip)
    return OutcomeRules(tuple(terms), frozenset(rules["heads"]), frozenset(rules["not_modifiers"]), maximum,
                        frozenset(rules.get("judgement_words", [])))


def build_phrase_matcher(nlp: Language, rules: OutcomeRules) -> PhraseMatcher:
    phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
    phrases.add(LABEL, list(nlp.tokenizer.pipe(rules.terms)))
    return phrases


def head_rule_spans(doc: Doc, rules: OutcomeRules) -> list[Span]:
    """`<modifiers> <head>`: a head noun (`scores`, `levels`) after 1..max_modifiers alphabetic
    non-stop words that are not in not_modifiers, taking as many modifiers as there are.

    Read from token arrays: spaCy's Matcher with a `{1,n}` quantifier tried every token and was
    the slowest part of the rule components.
    """
    if not len(doc):
        return []
    strings = doc.vocab.strings
    rows = doc.to_array([LOWER, IS_ALPHA, IS_STOP]).tolist()
    lowers = [strings[row[0]] for row in rows]
    spans = []
    for i, lower in enumerate(lowers):
        if lower not in rules.heads:
            continue
        start = i
        while (start > 0 and i - start < rules.max_modifiers and rows[start - 1][1] and not rows[start - 1][2]
               and lowers[start - 1] not in rules.not_modifiers):
            start -= 1
        if start < i:  # a bare head noun names no outcome
            spans.append(Span(doc, start, i + 1, label=LABEL))
    return spans


_HYPHENS = frozenset({"-", "\u2010", "\u2011"})


def _joined(doc: Doc, i: int) -> bool:
    """Whether token i is a hyphen written inside a word (`Kaplan-Meier`, `IL-6`, `pain-free`)."""
    return (0 < i < len(doc) - 1 and doc[i].text in _HYPHENS and not doc[i - 1].whitespace_
            and not doc[i].whitespace_)


def whole_words(span: Span) -> Span:
    """The span widened to the whole hyphenated words at its edges: an outcome does not start or
    end inside `Kaplan-Meier` or `pain-free` (`Meier survival` is a fragment)."""
    doc, start, end = span.doc, span.start, span.end
    while start > 1 and _joined(doc, start - 1):
        start -= 2
    while end < len(doc) - 1 and _joined(doc, end):
        end += 2
    return span if (start, end) == (span.start, span.end) else Span(doc, start, end, label=LABEL)


def outcome_spans(doc: Doc, phrases: PhraseMatcher, rules: OutcomeRules) -> list[Span]:
    """Longest non-overlapping outcome spans from the term list and the head rule, each widened to
    whole hyphenated words."""
    candidates = [Span(doc, s, e, label=LABEL) for _, s, e in phrases(doc)]
    candidates += head_rule_spans(doc, rules)
    return filter_spans([whole_words(span) for span in candidates])


def tidy(span: Span) -> Span | None:
    """A tagger span without punctuation or stop words at its edges and widened to whole
    hyphenated words; None when nothing is left or it crosses a line break or a heading's colon
    (`BODY.SUBJECTS:` is a section heading, not an outcome)."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].is_punct or doc[start].is_stop or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_stop or doc[end - 1].is_space):
        end -= 1
    if start == end or "\n" in doc[start:end].text or any(":" in token.text for token in doc[start:end]):
        return None
    if end < len(doc) and doc[end].text == ":" and (start == 0 or "\n" in doc[start - 1].text_with_ws):
        return None  # a heading's label (`Objective:`, `Main outcome measures:`), not an outcome
    if not any(token.is_alpha for token in doc[start:end]):
        return None
    return whole_words(Span(doc, start, end, label=LABEL))


# A sentence opened by one of these headings describes the setting, the design or the population
# (`METHODS Sixty patients were randomized ...`): the rules' and the tagger's spans there were
# mostly not outcomes on EBM-NLP abstracts.
DESIGN_HEADINGS = frozenset(SECTION_WORDS[2]) | {"BACKGROUND", "INTRODUCTION", "CONTEXT"}


def in_place(doc: Doc, ruled: list[Span], learned: list[Span]) -> tuple[list[Span], list[Span]]:
    """The spans outside sentences opened by a DESIGN_HEADINGS heading, and the tagger's only
    outside an abstract's first three sentences (the title and the aim name the condition and the
    treatment; most of the tagger's spans there were wrong on EBM-NLP abstracts it was not trained
    on). A text of fewer than four sentences (a claim) keeps the tagger's spans."""
    n_sentences, sentences, _sections, headings = abstract_layout(doc)

    def kept(span: Span) -> bool:
        return headings[sentences[span.start]] not in DESIGN_HEADINGS

    ruled = [span for span in ruled if kept(span)]
    if n_sentences >= MIN_SENTENCES:
        learned = [span for span in learned if sentences[span.start] >= LATER]
    return ruled, [span for span in learned if kept(span)]


def _naming(spans: list[Span], rules: OutcomeRules) -> list[Span]:
    """The spans that name something measured: not only words that judge an arm (`significantly
    more effective`, `clinically meaningful`)."""
    judging = rules.judgement_words
    return [span for span in spans
            if any(t.lower_ not in judging and any(c.isalpha() for c in t.text) for t in span)]


class OutcomeRecognizer(RulesPipe):
    """Thin component: match, keep the longest, add the tagger's spans that overlap none of them,
    write `doc.spans["outcomes"]`."""

    FILES = FILES

    def __init__(self, nlp: Language, name: str = "claimx_outcomes", rules_path: str | Path | None = None,
                 tagger: str | None = None, outside_weight: float = 0.5):
        register_extensions()
        self.tagger: OutcomeTagger | None = load_tagger(tagger, outside_weight)
        self.name = name
        self.nlp = nlp
        self.rules_data = read_rules(FILES, rules_path)
        self.rules = load_rules(rules_path)
        self.phrases = build_phrase_matcher(nlp, self.rules)

    def _use_rules(self, data: dict) -> None:
        self.rules_data = data
        self.rules = rules_from_data(data)
        self.phrases = build_phrase_matcher(self.nlp, self.rules)

    def __call__(self, doc: Doc) -> Doc:
        return self._annotate([doc])[0]

    def pipe(self, stream, *, batch_size: int = 32):
        """Batches, so the tagger scores a batch of docs with one pass of its model."""
        handler = self.get_error_handler()
        for batch in minibatch(stream, size=batch_size):
            try:
                yield from self._annotate(batch)
            except Exception as e:  # noqa: BLE001 - the handler decides (spaCy's default re-raises)
                handler(self.name, self, batch, e)

    def _annotate(self, docs: list[Doc]) -> list[Doc]:
        found = self.tagger.spans(docs) if self.tagger is not None else [[] for _ in docs]
        for doc, tagged in zip(docs, found):
            ruled = outcome_spans(doc, self.phrases, self.rules)
            learned = filter_spans([span for span in (tidy(Span(doc, s, e, label=LABEL)) for s, e in tagged)
                                    if span is not None])
            ruled, learned = in_place(doc, ruled, learned)
            ruled, learned = _naming(ruled, self.rules), _naming(learned, self.rules)
            spans = ruled + [span for span in learned if not any(span.start < r.end and r.start < span.end
                                                                 for r in ruled)]
            spans.sort(key=lambda span: span.start)
            for span in spans:
                set_attrs(span, source=self.name)
            doc.spans[GROUP] = spans
        return docs


@Language.factory("claimx_outcomes", assigns=["doc.spans"],
                  default_config={"rules_path": None, "tagger": None, "outside_weight": 0.5})
def make_outcomes(nlp: Language, name: str, rules_path: str | None, tagger: str | None,
                  outside_weight: float) -> OutcomeRecognizer:
    """Outcome phrases into doc.spans["outcomes"]; `rules_path`: a folder holding outcomes.json
    and/or outcome_terms.json, or one of them (null: the shipped ones); `tagger`: a folder from
    `claimx train outcomes` (null: the shipped models/outcomes/tagger, "": rules alone);
    `outside_weight`: the tagger's O probability is multiplied by it (below 1: more spans)."""
    return OutcomeRecognizer(nlp, name, rules_path, tagger, outside_weight)
