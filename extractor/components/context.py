"""Negation and hedging (ConText-style cue + scope rules) on every mention and sentence.

A cue's scope is its clause, not its sentence: `While the authors did not address X, they did
show Y` negates X but not Y. Cues and clause breaks live in extractor/rules/data/context.json. We measured
negspacy and medspaCy's ConText on PHEE and chose these rules (docs/claims.md says why).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from extractor.components.batching import RulesPipe
from extractor.pipeline.doctext import lower_words
from extractor.pipeline.extensions import register_extensions, set_attrs
from extractor.rules.loader import read_rules
from extractor.rules.schemas import ContextFile

FILE = "context.json"
FILES = {FILE: ContextFile}
SENTENCE_GROUP = "sentences"
SENTENCE_LABEL = "SENTENCE"
# span groups whose spans are not mentions and get no cue annotation
_SKIP_GROUPS = frozenset({"claims", "regimens", SENTENCE_GROUP})


@dataclass(frozen=True)
class ContextRules:
    negation: dict[str, bool]  # phrase -> np_scope
    hedge: dict[str, bool]
    pseudo_negation: frozenset[str]
    pseudo_hedge: frozenset[str]
    complement_hedges: frozenset[str]
    sentence_hedges: frozenset[str]
    clause_breaks: frozenset[str]
    soft_breaks: frozenset[str]


@dataclass(frozen=True)
class Cue:
    start: int  # token index in the doc
    end: int
    kind: str  # "negation" | "hedge"
    text: str
    np_scope: bool = False


@lru_cache(maxsize=8)
def load_rules(rules_path: str | Path | None = None) -> ContextRules:
    """The shipped cues, or those in `rules_path` (a folder holding context.json, or that file)."""
    return rules_from_data(read_rules(FILES, rules_path))


def rules_from_data(files: dict) -> ContextRules:
    data = files[FILE]
    cues = {kind: {r["phrase"]: bool(r.get("np_scope", False)) for r in data[kind]} for kind in ("negation", "hedge")}
    return ContextRules(
        negation=cues["negation"], hedge=cues["hedge"],
        pseudo_negation=frozenset(data["pseudo_negation"]), pseudo_hedge=frozenset(data.get("pseudo_hedge", [])),
        complement_hedges=frozenset(data.get("complement_hedges", [])),
        sentence_hedges=frozenset(data.get("sentence_hedges", [])),
        clause_breaks=frozenset(data["clause_breaks"]), soft_breaks=frozenset(data["soft_breaks"]),
    )


def build_matcher(nlp: Language, rules: ContextRules) -> PhraseMatcher:
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    tokenizer = nlp.tokenizer
    for kind, table in (("negation", rules.negation), ("hedge", rules.hedge)):
        matcher.add(kind, [tokenizer(p) for p in table])
    matcher.add("pseudo", [tokenizer(p) for p in rules.pseudo_negation])
    if rules.pseudo_hedge:
        matcher.add("pseudo_hedge", [tokenizer(p) for p in rules.pseudo_hedge])
    return matcher


def find_cues(doc: Doc, matcher: PhraseMatcher, rules: ContextRules) -> list[Cue]:
    """Cue matches, longest first per kind; cues overlapping a pseudo phrase of their kind are dropped."""
    by_kind: dict[str, list[Span]] = {"negation": [], "hedge": [], "pseudo": [], "pseudo_hedge": []}
    for match_id, start, end in matcher(doc):
        by_kind[doc.vocab.strings[match_id]].append(Span(doc, start, end))
    pseudo = {"negation": [(s.start, s.end) for s in by_kind["pseudo"]],
              "hedge": [(s.start, s.end) for s in by_kind["pseudo_hedge"]]}
    cues = []
    for kind, table in (("negation", rules.negation), ("hedge", rules.hedge)):
        for span in filter_spans(by_kind[kind]):
            if any(a < span.end and span.start < b for a, b in pseudo[kind]):
                continue
            text = span.text.lower()
            cues.append(Cue(span.start, span.end, kind, span.text, table.get(text, False)))
    return sorted(cues, key=lambda c: (c.start, c.end))


def cue_scope(cue: Cue, sent_start: int, sent_end: int, doc: Doc, rules: ContextRules) -> tuple[int, int]:
    """Token range [start, end) the cue governs: its clause. np_scope cues look forward only and
    run through commas (lists of negated things); others cover the clause both ways. A complement
    hedge followed by `that` (`suggest that`) governs the rest of the sentence; a sentence hedge
    (`to our knowledge`, `as far as we know`) the whole sentence."""
    if cue.kind == "hedge" and cue.text.lower() in rules.sentence_hedges:
        return sent_start, sent_end
    words = lower_words(doc)

    def is_break(i: int, soft: bool) -> bool:
        low = words[i]
        if low == "while" and i + 1 < len(words) and words[i + 1].endswith("ing"):
            return False  # `drinking water while slowing down`: a phrase of the clause, not a new clause
        return low in rules.clause_breaks or (soft and low in rules.soft_breaks)

    end = cue.end
    if cue.kind == "hedge" and end < sent_end and words[end] == "that" and words[cue.start] in rules.complement_hedges:
        end = sent_end  # `our data suggest that X, consistent with Y`: the whole complement is hedged
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


class ContextAnnotator(RulesPipe):
    """Thin component: finds cues, scopes them, annotates mentions and `doc.spans["sentences"]`."""

    FILES = FILES

    def __init__(self, nlp: Language, name: str = "claimx_context", rules_path: str | Path | None = None):
        register_extensions()
        self.name = name
        self.nlp = nlp
        self.rules_data = read_rules(FILES, rules_path)
        self.rules = load_rules(rules_path)
        self.matcher = build_matcher(nlp, self.rules)

    def _use_rules(self, data: dict) -> None:
        self.rules_data = data
        self.rules = rules_from_data(data)
        self.matcher = build_matcher(self.nlp, self.rules)

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
    default_config={"rules_path": None},
)
def make_context(nlp: Language, name: str, rules_path: str | None) -> ContextAnnotator:
    """Negation and hedge cues, their scopes, on mentions and doc.spans["sentences"]; `rules_path`:
    a folder holding a context.json, or that file (null: the shipped one)."""
    return ContextAnnotator(nlp, name, rules_path)
