"""OUTCOME mentions: what was measured or changed (`pain scores`, `quality of life`, `mortality`).

Two sources, merged longest-first: a term list (derived from EBM-NLP and Evidence Inference plus
hand-written names) and a head-noun rule (`<modifiers> scores|levels|rate|...`) for outcomes the
list has never seen. No tagger is needed, so the default pipeline stays fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..errors import PatternFileError
from ..extensions import register_extensions, set_attrs
from ..resources import load_json, require_keys

RULES_FILE = "outcomes.json"
TERMS_FILE = "outcome_terms.json"
GROUP = "outcomes"
LABEL = "OUTCOME"


@dataclass(frozen=True)
class OutcomeRules:
    terms: tuple[str, ...]
    heads: frozenset[str]
    not_modifiers: frozenset[str]
    max_modifiers: int


@lru_cache(maxsize=1)
def load_rules() -> OutcomeRules:
    rules = load_json(RULES_FILE)
    require_keys(rules, {"_doc", "terms", "heads", "max_modifiers", "not_modifiers", "not_terms"},
                 {"terms", "heads", "max_modifiers", "not_modifiers"}, RULES_FILE)
    derived = load_json(TERMS_FILE)
    require_keys(derived, {"_doc", "terms"}, {"terms"}, TERMS_FILE)
    for name, data in ((RULES_FILE, rules), (TERMS_FILE, derived)):
        bad = [t for t in data["terms"] if not isinstance(t, str) or not t.strip() or t != t.lower()]
        if bad:
            raise PatternFileError(f"{name}: terms must be non-empty lower-case strings, got {bad[:3]}")
    maximum = rules["max_modifiers"]
    if not isinstance(maximum, int) or not 0 <= maximum <= 6:
        raise PatternFileError(f"{RULES_FILE}: max_modifiers must be an integer 0..6, got {maximum!r}")
    skip = set(rules.get("not_terms", []))
    terms = sorted((set(rules["terms"]) | set(derived["terms"])) - skip)
    return OutcomeRules(tuple(terms), frozenset(rules["heads"]), frozenset(rules["not_modifiers"]), maximum)


def build_matchers(nlp: Language, rules: OutcomeRules) -> tuple[PhraseMatcher, Matcher]:
    phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
    phrases.add(LABEL, list(nlp.tokenizer.pipe(rules.terms)))
    heads = Matcher(nlp.vocab, validate=True)
    modifier = {"IS_ALPHA": True, "IS_STOP": False, "LOWER": {"NOT_IN": sorted(rules.not_modifiers)}}
    head = {"LOWER": {"IN": sorted(rules.heads)}}
    # modifiers are required: a bare head noun (`scores`, `levels`) names no outcome
    heads.add(LABEL, [[{**modifier, "OP": f"{{1,{rules.max_modifiers}}}"}, head]], greedy="LONGEST")
    return phrases, heads


def outcome_spans(doc: Doc, phrases: PhraseMatcher, heads: Matcher) -> list[Span]:
    """Longest non-overlapping outcome spans from both matchers."""
    candidates = [Span(doc, s, e, label=LABEL) for _, s, e in phrases(doc)]
    candidates += [Span(doc, s, e, label=LABEL) for _, s, e in heads(doc)]
    return filter_spans(candidates)


class OutcomeRecognizer:
    """Thin component: match, keep the longest, write `doc.spans["outcomes"]`."""

    def __init__(self, nlp: Language, name: str = "claimx_outcomes"):
        register_extensions()
        self.name = name
        self.phrases, self.heads = build_matchers(nlp, load_rules())

    def __call__(self, doc: Doc) -> Doc:
        spans = outcome_spans(doc, self.phrases, self.heads)
        for span in spans:
            set_attrs(span, source=self.name)
        doc.spans[GROUP] = spans
        return doc


@Language.factory("claimx_outcomes", assigns=["doc.spans"])
def make_outcomes(nlp: Language, name: str) -> OutcomeRecognizer:
    return OutcomeRecognizer(nlp, name)
