"""The learned half of claimx_outcomes: a BILUO OUTCOME tagger (`claimx train outcomes`).

It is a spaCy pipeline folder holding one `claimx_biluo_ner` with its own small tok2vec
(models/outcomes.cfg). claimx_outcomes calls only its model and decoder on the docs it is given,
so the docs' own doc.ents (the CHEMICAL/DISEASE NER) are left alone; the hash embeddings read
token attributes by their string hashes, which do not depend on the vocab.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy
from spacy.tokens import Doc

from extractor.components import outcome_embed  # noqa: F401 - registers claimx.OutcomeContextHashEmbed.v2
from extractor.components.biluo_ner import OUTSIDE, best_tag_paths, decode_biluo
from extractor.errors import ModelNotFound
from extractor.pipeline.shipped import models_root

SHIPPED = Path("outcomes") / "tagger"  # under models_root()


class OutcomeTagger:
    """(start, end) token ranges of OUTCOME spans for a batch of docs."""

    def __init__(self, path: Path, outside_weight: float = 1.0):
        import spacy

        from extractor.pipeline.load import import_components, use_numpy_blas

        import_components()
        if not (path / "config.cfg").is_file():
            raise ModelNotFound(f"{path} is not an outcome tagger (no config.cfg; `claimx train outcomes` makes one)")
        nlp = use_numpy_blas(spacy.load(path))
        self.ner = nlp.get_pipe("ner")
        self.tags = self.ner.tags
        self.outside = self.tags.index(OUTSIDE)
        self.outside_weight = outside_weight

    def spans(self, docs: list[Doc]) -> list[list[tuple[int, int]]]:
        nonempty = [doc for doc in docs if len(doc)]
        if not nonempty:
            return [[] for _ in docs]
        scores = [numpy.array(x, dtype="float32") for x in self.ner.model.predict(nonempty)]
        for x in scores:
            x[:, self.outside] *= self.outside_weight
        paths = iter(best_tag_paths(scores, self.tags))  # all docs of the batch decoded together
        tags = self.tags
        return [[(s, e) for s, e, _label in decode_biluo([tags[i] for i in next(paths)])] if len(doc) else []
                for doc in docs]


@lru_cache(maxsize=4)
def _cached(path: str, outside_weight: float) -> OutcomeTagger:
    return OutcomeTagger(Path(path), outside_weight)


def load_tagger(path: str | None, outside_weight: float = 1.0) -> OutcomeTagger | None:
    """The tagger at `path` (None: the shipped one; "": none)."""
    if path == "":
        return None
    where = models_root() / SHIPPED if path is None else Path(path)
    return _cached(str(where), float(outside_weight))
