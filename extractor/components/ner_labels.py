"""Map a third-party NER's labels onto claimx's (CHEMICAL, DISEASE), so any installed
spaCy/scispaCy pipeline feeds the same tables: `en_ner_bc5cdr_md` already says CHEMICAL/DISEASE,
`en_ner_bionlp13cg_md` says SIMPLE_CHEMICAL/CANCER, `en_core_sci_sm` says ENTITY (kept as is).
The mapping lives in `extractor/rules/data/ner_labels.json`.
"""

from __future__ import annotations

from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span

from extractor.components.batching import BatchPipe
from extractor.errors import PatternFileError
from extractor.rules.loader import load_json, require_keys

LABELS_FILE = "ner_labels.json"


@lru_cache(maxsize=1)
def default_mapping() -> dict[str, str | None]:
    data = load_json(LABELS_FILE)
    require_keys(data, {"_comment", "labels"}, {"labels"}, LABELS_FILE)
    labels = data["labels"]
    if not isinstance(labels, dict) or not all(isinstance(v, str | None) for v in labels.values()):
        raise PatternFileError(f"{LABELS_FILE}: 'labels' must map each label to a label or null")
    return dict(labels)


def map_entities(doc: Doc, mapping: dict[str, str | None]) -> list[Span]:
    """doc.ents relabelled by `mapping` (labels not in it unchanged; mapped to None: dropped)."""
    ents = []
    for ent in doc.ents:
        label = mapping.get(ent.label_, ent.label_)
        if label is None:
            continue
        ents.append(ent if label == ent.label_ else Span(doc, ent.start, ent.end, label=label))
    return ents


class NerLabels(BatchPipe):
    def __init__(self, name: str, mapping: dict[str, str | None] | None):
        self.name = name
        self.mapping = default_mapping() if mapping is None else dict(mapping)

    def __call__(self, doc: Doc) -> Doc:
        if doc.ents and any(mapping_changes(e.label_, self.mapping) for e in doc.ents):
            doc.ents = map_entities(doc, self.mapping)
        return doc


def mapping_changes(label: str, mapping: dict[str, str | None]) -> bool:
    return label in mapping and mapping[label] != label


@Language.factory("claimx_ner_labels", assigns=["doc.ents"], default_config={"mapping": None})
def make_ner_labels(nlp: Language, name: str, mapping: dict[str, str | None] | None) -> NerLabels:
    """Relabel doc.ents from a third-party NER; `mapping` overrides the shipped label table."""
    return NerLabels(name, mapping)
