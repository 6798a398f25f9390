"""Map a third-party NER's labels onto claimx's (CHEMICAL, DISEASE), so any installed
spaCy/scispaCy pipeline feeds the same tables: `en_ner_bc5cdr_md` already says CHEMICAL/DISEASE,
`en_ner_bionlp13cg_md` says SIMPLE_CHEMICAL/CANCER, `en_core_sci_sm` says ENTITY (kept as is).
The mapping lives in `extractor/rules/data/ner_labels.json`.
"""

from __future__ import annotations

from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span

from extractor.components.batching import RulesPipe
from extractor.rules.loader import read_rules
from extractor.rules.schemas import NerLabelsFile

LABELS_FILE = "ner_labels.json"
FILES = {LABELS_FILE: NerLabelsFile}


@lru_cache(maxsize=8)
def default_mapping(rules_path: str | None = None) -> dict[str, str | None]:
    """The shipped label table, or the one in `rules_path` (a folder holding ner_labels.json, or that file)."""
    return dict(read_rules(FILES, rules_path)[LABELS_FILE]["labels"])


def map_entities(doc: Doc, mapping: dict[str, str | None]) -> list[Span]:
    """doc.ents relabelled by `mapping` (labels not in it unchanged; mapped to None: dropped)."""
    ents = []
    for ent in doc.ents:
        label = mapping.get(ent.label_, ent.label_)
        if label is None:
            continue
        ents.append(ent if label == ent.label_ else Span(doc, ent.start, ent.end, label=label))
    return ents


class NerLabels(RulesPipe):
    FILES = FILES

    def __init__(self, name: str, mapping: dict[str, str | None] | None, rules_path: str | None = None):
        self.name = name
        self.rules_data = read_rules(FILES, rules_path)
        if mapping is not None:  # the config's own table wins, and is what to_disk saves
            self.rules_data = {LABELS_FILE: {"labels": dict(mapping)}}
        self.mapping = dict(self.rules_data[LABELS_FILE]["labels"])

    def _use_rules(self, data: dict) -> None:
        self.rules_data = data
        self.mapping = dict(data[LABELS_FILE]["labels"])

    def __call__(self, doc: Doc) -> Doc:
        if doc.ents and any(mapping_changes(e.label_, self.mapping) for e in doc.ents):
            doc.ents = map_entities(doc, self.mapping)
        return doc


def mapping_changes(label: str, mapping: dict[str, str | None]) -> bool:
    return label in mapping and mapping[label] != label


@Language.factory("claimx_ner_labels", assigns=["doc.ents"], default_config={"mapping": None, "rules_path": None})
def make_ner_labels(nlp: Language, name: str, mapping: dict[str, str | None] | None,
                    rules_path: str | None) -> NerLabels:
    """Relabel doc.ents from a third-party NER; `mapping` overrides the label table, which is
    otherwise read from `rules_path` (a folder holding ner_labels.json, or that file; null: the
    shipped one)."""
    return NerLabels(name, mapping, rules_path)
