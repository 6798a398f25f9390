"""Negation and hedging (ConText-style cue + scope rules) on every mention and sentence.

A cue's scope is its clause, not its sentence: `While the authors did not address X, they did
show Y` negates X but not Y. Cues and clause breaks live in patterns/context.json. We measured
negspacy and medspaCy's ConText on PHEE and chose these rules (docs/claims.md says why).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from extractor.components.batching import BatchPipe
from extractor.errors import PatternFileError
from extractor.pipeline.doctext import lower_words
from extractor.pipeline.extensions import register_extensions, set_attrs
from extractor.rules.loader import load_json, require_keys

FILE = "context.json"
SENTENCE_GROUP = "sentences"
SENTENCE_LABEL = "SENTENCE"
# span groups whose spans are not mentions and get no cue annotation
_SKIP_GROUPS = frozenset({"claims", "regimens", SENTENCE_GROUP})


@dataclass(frozen=True)
class ContextRules:
    negation: dict[str, bool]  # phrase -> np_scope
    hedge: dict[str, bool]
    pseudo_negation: frozenset[str]
    clause_breaks: frozenset[str]
    soft_breaks: frozenset[str]


@dataclass(frozen=True)
class Cue:
    start: int  # token index in the doc
    end: int
    kind: str  # "negation" | "hedge"
    text: str
    np_scope: bool = False


@lru_cache(maxsize=1)
def load_rules() -> ContextRules:
    data = load_json(FILE)
    require_keys(data, {"_doc", "negation", "hedge", "pseudo_negation", "clause_breaks", "soft_breaks"},
                 {"negation", "hedge", "pseudo_negation", "clause_breaks", "soft_breaks"}, FILE)
    cues = {}
    for kind in ("negation", "hedge"):
        cues[kind] = {}
        for i, record in enumerate(data[kind]):
            require_keys(record, {"phrase", "np_scope"}, {"phrase"}, f"{FILE} {kind}[{i}]")
            phrase = record["phrase"]
            if not isinstance(phrase, str) or phrase != phrase.lower() or not phrase.strip():
                raise PatternFileError(f"{FILE} {kind}[{i}]: phrase must be a non-empty lower-case string")
            cues[kind][phrase] = bool(record.get("np_scope", False))
    return ContextRules(
        negation=cues["negation"], hedge=cues["hedge"],
        pseudo_negation=frozenset(data["pseudo_negation"]),
        clause_breaks=frozenset(data["clause_breaks"]), soft_breaks=frozenset(data["soft_breaks"]),
    )


def build_matcher(nlp: Language, rules: ContextRules) -> PhraseMatcher:
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    tokenizer = nlp.tokenizer
    for kind, table in (("negation", rules.negation), ("hedge", rules.hedge)):
        matcher.add(kind, [tokenizer(p) for p in table])
    matcher.add("pseudo", [tokenizer(p) for p in rules.pseudo_negation])
    return matcher


def find_cues(doc: Doc, matcher: PhraseMatcher, rules: ContextRules) -> list[Cue]:
    """Cue matches, longest first per kind; negation cues overlapping a pseudo phrase are dropped."""
    by_kind: dict[str, list[Span]] = {"negation": [], "hedge": [], "pseudo": []}
    for match_id, start, end in matcher(doc):
        by_kind[doc.vocab.strings[match_id]].append(Span(doc, start, end))
    pseudo = [(s.start, s.end) for s in by_kind["pseudo"]]
    cues = []
    for kind, table in (("negation", rules.negation), ("hedge", rules.hedge)):
        for span in filter_spans(by_kind[kind]):
            if kind == "negation" and any(a < span.end and span.start < b for a, b in pseudo):
                continue
            text = span.text.lower()
            cues.append(Cue(span.start, span.end, kind, span.text, table.get(text, False)))
    return sorted(cues, key=lambda c: (c.start, c.end))


def cue_scope(cue: Cue, sent_start: int, sent_end: int, doc: Doc, rules: ContextRules) -> tuple[int, int]:
    """Token range [start, end) the cue governs: its clause. np_scope cues look forward only and
    run through commas (lists of negated things); others cover the clause both ways."""
    words = lower_words(doc)

    def is_break(i: int, soft: bool) -> bool:
        low = words[i]
        return low in rules.clause_breaks or (soft and low in rules.soft_breaks)

    end = cue.end
    while end < sent_end and not is_break(end, soft=not cue.np_scope):
        end += 1
    if cue.np_scope:
        return cue.start, end
    start = cue.start
    while start > sent_start and not is_break(start - 1, soft=True):
        start -= 1
    return start, end


def scopes_by_sentence(doc: Doc, cues: list[Cue], rules: ContextRules) -> list[tuple[Span, list[tuple[Cue, int, int]]]]:
    """Each sentence with the (cue, scope start, scope end) triples of the cues inside it."""
    sents = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
    out, i = [], 0
    for sent in sents:
        scoped = []
        while i < len(cues) and cues[i].start < sent.end:
            if cues[i].start >= sent.start:
                start, end = cue_scope(cues[i], sent.start, sent.end, doc, rules)
                scoped.append((cues[i], start, end))
            i += 1
        out.append((sent, scoped))
    return out


def span_context(start: int, end: int, scoped: list[tuple[Cue, int, int]]) -> dict:
    """negated/hedged and the first cue whose scope overlaps tokens [start, end)."""
    result = {"negated": False, "negation_cue": None, "hedged": False, "hedge_cue": None}
    for cue, a, b in scoped:
        if a < end and start < b:
            key = "negated" if cue.kind == "negation" else "hedged"
            if not result[key]:
                result[key] = True
                result["negation_cue" if cue.kind == "negation" else "hedge_cue"] = cue.text
    return result


def sentence_context(scoped: list[tuple[Cue, int, int]]) -> dict:
    """A sentence is negated/hedged when any cue is in it; the first cue of each kind is reported."""
    result = {"negated": False, "negation_cue": None, "hedged": False, "hedge_cue": None}
    for cue, _, _ in scoped:
        key = "negated" if cue.kind == "negation" else "hedged"
        if not result[key]:
            result[key] = True
            result["negation_cue" if cue.kind == "negation" else "hedge_cue"] = cue.text
    return result


class ContextAnnotator(BatchPipe):
    """Thin component: finds cues, scopes them, annotates mentions and `doc.spans["sentences"]`."""

    def __init__(self, nlp: Language, name: str = "claimx_context"):
        register_extensions()
        self.name = name
        self.rules = load_rules()
        self.matcher = build_matcher(nlp, self.rules)

    def __call__(self, doc: Doc) -> Doc:
        cues = find_cues(doc, self.matcher, self.rules)
        per_sentence = scopes_by_sentence(doc, cues, self.rules)
        starts = [sent.start for sent, _ in per_sentence]
        sentences = []
        for sent, scoped in per_sentence:
            span = Span(doc, sent.start, sent.end, label=SENTENCE_LABEL)
            set_attrs(span, **sentence_context(scoped), source=self.name, cue_scopes=tuple(
                (cue.kind, cue.text, doc[a].idx, doc[b - 1].idx + len(doc[b - 1])) for cue, a, b in scoped))
            sentences.append(span)
        doc.spans[SENTENCE_GROUP] = sentences
        if not cues:
            return doc
        for span in self._mentions(doc):
            k = _sentence_index(starts, span.start)
            values = span_context(span.start, span.end, per_sentence[k][1])
            if values["negated"] or values["hedged"]:
                set_attrs(span, **values)
        return doc

    @staticmethod
    def _mentions(doc: Doc) -> list[Span]:
        spans = list(doc.ents)
        for name, group in doc.spans.items():
            if name not in _SKIP_GROUPS:
                spans.extend(group)
        return spans


def _sentence_index(starts: list[int], token: int) -> int:
    return max(0, bisect_right(starts, token) - 1)


@Language.factory(
    "claimx_context",
    assigns=["doc.spans", "span._.negated", "span._.hedged", "span._.negation_cue", "span._.hedge_cue",
             "span._.cue_scopes"],
)
def make_context(nlp: Language, name: str) -> ContextAnnotator:
    return ContextAnnotator(nlp, name)
