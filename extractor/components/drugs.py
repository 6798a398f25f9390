"""DRUG mentions into `doc.spans["drugs"]`: the drug lexicon, salt forms, abbreviations
defined in the text, and the NER's CHEMICAL entities that the lexicon or a drug-name suffix
confirms.

The matching is a pure function over token texts (`match_lexicon`); the component adds the
abbreviation and NER steps and sets the spans and their attributes.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from extractor.components.batching import RulesPipe
from extractor.pipeline.doctext import doc_text, token_offsets
from extractor.pipeline.extensions import set_attrs
from extractor.rules.drug_lexicon import FILES, MAX_TOKENS, DrugConcept, DrugLexicon, lexicon_from_rules
from extractor.rules.loader import read_rules

GROUP = "drugs"


_PART_SPLIT = re.compile(r"[-/]")


def match_lexicon(text: str, starts: list[int], ends: list[int], lexicon: DrugLexicon,
                  ) -> list[tuple[int, int, DrugConcept]]:
    """Longest lexicon matches, left to right, over the tokens of `text` (given by their
    character offsets). Returns (start, end, concept) in token indices.

    Tokens are compared lower-cased with single spaces between them. The case-sensitive
    abbreviation list (`MTX`, `5-FU`) is tried where nothing matched. A hyphenated token the
    tokenizer kept whole (`amiodarone-induced`) matches on its first part. A match followed
    by a `not_before` word (`serotonin syndrome`) is skipped.
    """
    low = text.lower()
    if len(low) != len(text):  # a rare character whose lower case is longer
        low = "".join(ch.lower()[:1] for ch in text)
    n = len(starts)
    lowers = [low[starts[i]:ends[i]] for i in range(n)]
    prefixes, terms, salts = lexicon.prefixes, lexicon.terms, lexicon.salts
    out = []
    i = 0
    while i < n:
        key = lowers[i]
        best = None
        if key in prefixes or key in terms:
            j = i
            while True:
                concept = lexicon.lookup(key)
                if concept is not None:
                    best = (j + 1, concept)
                if key not in prefixes:
                    break
                j += 1
                while j < n and not lowers[j].strip():  # space tokens
                    j += 1
                if j >= n or j - i >= MAX_TOKENS:
                    break
                key = key + (" " if starts[j] > ends[j - 1] else "") + lowers[j]
        elif key.endswith("s") and len(key) > 4:
            concept = lexicon.lookup(key)
            if concept is not None:
                best = (i + 1, concept)
        if best is None:
            concept = lexicon.abbreviations.get(text[starts[i]:ends[i]])
            if concept is not None:
                best = (i + 1, concept)
            elif "-" in key or "/" in key:
                part, rest = _PART_SPLIT.split(key, 1)
                concept = lexicon.lookup(part) if len(part) > 3 and rest not in lexicon.not_before else None
                if concept is not None:
                    best = (i + 1, concept)
        if best is not None and best[0] < n and lowers[best[0]] in lexicon.not_before:
            best = None
        if best is None:
            i += 1
            continue
        end, concept = best
        parts = _combination(i, end, starts, ends, lowers, lexicon)
        if parts:  # "lopinavir/ritonavir": each ingredient is a drug of its own
            out.extend(parts)
            i = end
            continue
        if not concept.is_class:
            while end < n and lowers[end] in salts and starts[end] > ends[end - 1]:  # "ketamine hydrochloride"
                end += 1
        out.append((i, end, concept))
        i = end
    return out


def _combination(i: int, end: int, starts: list[int], ends: list[int], lowers: list[str], lexicon: DrugLexicon,
                 ) -> list[tuple[int, int, DrugConcept]]:
    """The ingredients of a combination matched as one term (`lopinavir/ritonavir`,
    `bortezomib / dexamethasone`): [(start, end, concept)] for the two drugs when the match
    is drug, `/` or `-`, drug and both are single drugs (not classes) in the lexicon; else []."""
    if end - i != 3 or lowers[i + 1] not in ("/", "-"):
        return []
    first, second = lexicon.lookup(lowers[i]), lexicon.lookup(lowers[i + 2])
    if first is None or second is None or first.is_class or second.is_class:
        return []
    return [(i, i + 1, first), (i + 2, i + 3, second)]


def _overlaps(span: Span, others: list[Span]) -> bool:
    return any(o.start < span.end and span.start < o.end for o in others)


class DrugRecognizer(RulesPipe):
    FILES = FILES

    def __init__(self, lexicon: DrugLexicon, ner_labels: list[str], dictionary: str | None = None,
                 rules_data: dict | None = None):
        self.lexicon = lexicon
        self.dictionary = dictionary
        self.rules_data = rules_data if rules_data is not None else read_rules(FILES)
        self.ner_labels = set(ner_labels)

    def _use_rules(self, data: dict) -> None:
        self.rules_data = data
        self.lexicon = lexicon_from_rules(self.dictionary, data)

    def __call__(self, doc: Doc) -> Doc:
        spans: list[Span] = []
        text = doc_text(doc)
        starts, ends = token_offsets(doc)
        for start, end, concept in match_lexicon(text, starts, ends, self.lexicon):
            spans.append(self._make(doc, start, end, concept, "lexicon"))
        spans.extend(self._abbreviations(doc, spans))
        spans.extend(self._from_ner(doc, spans))
        doc.spans[GROUP] = sorted(spans, key=lambda s: (s.start, s.end))
        return doc

    @staticmethod
    def _make(doc: Doc, start: int, end: int, concept: DrugConcept | None, source: str) -> Span:
        span = Span(doc, start, end, label="DRUG")
        set_attrs(span, concept_id=concept.concept_id if concept else None,
                  concept_name=concept.name if concept else None,
                  is_class=bool(concept and concept.is_class), source=source)
        return span

    def _abbreviations(self, doc: Doc, drugs: list[Span]) -> list[Span]:
        """`ketamine (KET) ... KET`: every short form whose long form ends in a drug."""
        if not Doc.has_extension("abbreviations"):
            return []
        found = []
        by_end = {d.end: d for d in drugs}
        for short in doc._.abbreviations:
            long = short._.long_form
            drug = by_end.get(long.end)
            if drug is None or drug.start < long.start or _overlaps(short, drugs + found):
                continue
            span = self._make(doc, short.start, short.end, None, "abbreviation")
            set_attrs(span, concept_id=drug._.concept_id, concept_name=drug._.concept_name,
                      is_class=drug._.is_class)
            found.append(span)
        return found

    def _from_ner(self, doc: Doc, drugs: list[Span]) -> list[Span]:
        """CHEMICAL entities that a drug-name suffix confirms (lexicon matches are DRUGs anyway)."""
        found = []
        for ent in doc.ents:
            if ent.label_ not in self.ner_labels or _overlaps(ent, drugs + found):
                continue
            if any(self.lexicon.is_drug_like(t.text) for t in ent):
                found.append(self._make(doc, ent.start, ent.end, None, "ner"))
        return found


@Language.factory(
    "claimx_drugs", assigns=["doc.spans"],
    default_config={"dictionary": None, "ner_labels": ["CHEMICAL", "Chemical"], "rules_path": None},
)
def make_drugs(nlp: Language, name: str, dictionary: str | None, ner_labels: list[str],
               rules_path: str | None) -> DrugRecognizer:
    """`dictionary`: path of a drug-named-entity-recognition dictionary file (default: the
    installed package's). `rules_path`: a folder holding some of claimx's drug word lists
    (drug_classes.jsonl, drug_stoplist.json, drug_salts.json, drug_suffixes.json,
    drug_abbreviations.json, drug_spellings.json; the others stay shipped), or one of those files
    (null: the shipped ones). Building the lexicon here makes a missing or corrupt dictionary an
    error when the pipeline is loaded."""
    rules = read_rules(FILES, rules_path)
    return DrugRecognizer(lexicon_from_rules(dictionary, rules), ner_labels, dictionary, rules)
