"""claimx pipeline components: each module registers one `claimx_<thing>` factory.

`COMPONENTS` is the one list of them. `extractor.pipeline.load` imports their modules (which
registers the factories) and adds them, in this order, on top of every pipeline it loads: the
shipped `default` and `rules` (whose config.cfg hold only their own tokenizer, and tok2vec + ner
for `default`) exactly as an installed spaCy or scispaCy pipeline. The `spacy_factories` entry
points in pyproject.toml, which let `spacy.blank("en").add_pipe("claimx_<thing>")` and
`spacy.load` find a factory without importing claimx first, name the same factories
(tests/test_components.py fails when the two drift apart).
"""

from __future__ import annotations

from dataclasses import dataclass

# where a component goes (extractor.pipeline.load.add_claimx_components):
END = "end"  # after everything there is
SENTENCES = "sentences"  # before the first component that reads sentence starts, else at the end
WITH_NER = "with_ner"  # at the end, when the pipeline has an NER of its own (something sets doc.ents)
AFTER_NER = "after_ner"  # right after the last spaCy NER or entity ruler, when there is one
IN_CONFIG = "in_config"  # never added: a pipeline's config names it (the shipped default's `ner`)


@dataclass(frozen=True)
class Component:
    name: str  # in nlp.pipe_names
    module: str  # extractor.components.<module>, whose make_<module> is the factory
    factory: str = ""  # the factory's name when it is not `name`
    where: str = END

    @property
    def factory_name(self) -> str:
        return self.factory or self.name

    @property
    def entry_point(self) -> str:
        return f"extractor.components.{self.module}:make_{self.module}"


COMPONENTS: tuple[Component, ...] = (
    Component("claimx_sentences", "sentences", where=SENTENCES),
    Component("claimx_ner_labels", "ner_labels", where=AFTER_NER),  # a third-party NER's labels -> claimx's
    # scispaCy's abbreviation detector under its usual name, built without its Matchers
    Component("abbreviation_detector", "abbreviations", factory="claimx_abbreviations"),
    Component("claimx_ner_consistency", "ner_consistency", where=WITH_NER),
    Component("claimx_citations", "citations"),
    Component("claimx_quantities", "quantities"),
    Component("claimx_drugs", "drugs"),
    Component("claimx_dosing", "dosing"),
    Component("claimx_outcomes", "outcomes"),
    Component("claimx_context", "context"),
    Component("claimx_claims", "claims"),
    Component("claimx_regimens", "regimens"),
    Component("ner", "biluo_ner", factory="claimx_biluo_ner", where=IN_CONFIG),
)
