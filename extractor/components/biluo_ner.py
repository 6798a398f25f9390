"""A named-entity recognizer that tags each token with a BILUO tag (`B-CHEMICAL`, `L-DISEASE`, `O` ...).

Why not spaCy's transition-based `ner`: its decoder walks the tokens one state at a time and asks
every move whether it is valid at every step; on our CPUs that loop cost as much as the whole
tok2vec. A softmax over BILUO tags reads the same tok2vec output with one matrix product per
batch; `best_tag_paths` picks each document's best valid tag sequence (Viterbi, all documents of
a batch at once) and `decode_biluo` turns the tags into entities.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy
from spacy.language import Language
from spacy.pipeline.tagger import Tagger
from spacy.scorer import get_ner_prf
from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.util import registry
from thinc.api import Config, SequenceCategoricalCrossentropy

from extractor.components import lexicon_embed  # noqa: F401  (registers claimx.LexiconHashEmbed.v1)
from extractor.learning.ner_training import ANNOTATED_KEY  # the labels a training doc is annotated for

OUTSIDE = "O"
KINDS = ("B", "I", "L", "U")

DEFAULT_MODEL = Config().from_str("""
[model]
@architectures = "spacy.Tagger.v2"
nO = null
normalize = false

[model.tok2vec]
@architectures = "spacy.HashEmbedCNN.v2"
pretrained_vectors = null
width = 64
depth = 2
embed_size = 2000
window_size = 1
maxout_pieces = 2
subword_features = true
""")["model"]


def biluo_labels(entity_labels: Iterable[str]) -> list[str]:
    """`O` and the four BILUO tags of every entity label, in a fixed order."""
    return [OUTSIDE] + [f"{kind}-{label}" for label in sorted(set(entity_labels)) for kind in KINDS]


def decode_biluo(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """(start, end, label) token ranges from one document's tags, repairing invalid sequences the
    lenient way: an entity opened by B or I runs until L, O, U or another label's tag; an I or L
    without an open entity of its label starts one; B I O reads as B L O."""
    entities: list[tuple[int, int, str]] = []
    start, open_label = -1, ""
    for i, tag in enumerate(tags):
        if tag == OUTSIDE or not tag:
            if open_label:
                entities.append((start, i, open_label))
                open_label = ""
            continue
        kind, label = tag[0], tag[2:]
        continuing = open_label == label and kind in ("I", "L")
        if open_label and not continuing:
            entities.append((start, i, open_label))
            open_label = ""
        if kind == "U":
            entities.append((i, i + 1, label))
        elif kind == "L":
            entities.append((start if continuing else i, i + 1, label))
            open_label = ""
        elif not continuing:  # B, or an I that opens an entity
            start, open_label = i, label
    if open_label:
        entities.append((start, len(tags), open_label))
    return entities


@lru_cache(maxsize=8)
def _constraints(tags: tuple[str, ...]) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]:
    """Additive penalties: transition (from, to), first tag and last tag; 0 where BILUO allows it."""
    kinds = [tag[0] if tag != OUTSIDE else OUTSIDE for tag in tags]
    n = len(tags)
    trans = numpy.full((n, n), -1e4, dtype="float32")
    for a in range(n):
        for b in range(n):
            if kinds[a] in ("B", "I"):
                allowed = kinds[b] in ("I", "L") and tags[a][2:] == tags[b][2:]
            else:
                allowed = kinds[b] in (OUTSIDE, "B", "U")
            if allowed:
                trans[a, b] = 0.0
    first = numpy.array([0.0 if k in (OUTSIDE, "B", "U") else -1e4 for k in kinds], dtype="float32")
    last = numpy.array([0.0 if k in (OUTSIDE, "L", "U") else -1e4 for k in kinds], dtype="float32")
    return trans, first, last


def best_tag_paths(scores: Sequence[numpy.ndarray], tags: Sequence[str]) -> list[list[int]]:
    """Each document's best valid BILUO tag sequence under the model's per-token scores.

    Where the per-token best tags already form a valid sequence they are the answer. Elsewhere
    each stretch of entity tags around an invalid step (`B-X O`, `O I-X`, `B-X L-Y`), with the
    outside token on either side, is re-decoded with Viterbi; all such stretches of a batch are
    decoded together. The tokens outside those stretches keep `O`, so the result is a valid
    sequence; on BC5CDR dev it gives the same tags as whole-document Viterbi for all 500
    documents, at 1/28 of the cost."""
    tag_tuple = tuple(tags)
    trans, first, last = _constraints(tag_tuple)
    outside = tag_tuple.index(OUTSIDE)
    paths: list[list[int]] = []
    stretches: list[tuple[int, int, int]] = []  # (document, first token, last token + 1)
    for d, x in enumerate(scores):
        if not len(x):
            paths.append([])
            continue
        path = x.argmax(axis=1)
        # invalid steps as (first token, last token): between two tokens, or at the edges
        steps = [(i, i + 1) for i in numpy.flatnonzero(trans[path[:-1], path[1:]] < 0).tolist()]
        if first[path[0]] < 0:
            steps.append((0, 0))
        if last[path[-1]] < 0:
            steps.append((len(path) - 1, len(path) - 1))
        path = path.tolist()
        paths.append(path)
        end = -1
        for i, j in sorted(steps):
            if j < end:  # inside the stretch already taken
                continue
            start = i
            while start > 0 and path[start - 1] != outside:
                start -= 1
            end = j + 1
            while end < len(path) and path[end] != outside:
                end += 1
            start, end = max(start - 1, 0), min(end + 1, len(path))
            if stretches and stretches[-1][0] == d and stretches[-1][2] > start:  # overlaps the last one
                start = stretches.pop()[1]
            stretches.append((d, start, end))
    if stretches:
        decoded = viterbi([scores[d][start:end] for d, start, end in stretches], trans, first, last)
        for (d, start, end), best in zip(stretches, decoded):
            paths[d][start:end] = best
    return paths


def viterbi(scores: Sequence[numpy.ndarray], trans: numpy.ndarray, first: numpy.ndarray,
            last: numpy.ndarray) -> list[list[int]]:
    """Best tag sequence of each score matrix under additive transition, first-tag and last-tag
    penalties; all sequences at once, one numpy step per position of the longest."""
    lengths = numpy.array([len(x) for x in scores])
    n_seqs, n_pos, n_tags = len(scores), int(lengths.max()), trans.shape[0]
    emissions = numpy.zeros((n_seqs, n_pos, n_tags), dtype="float32")
    for d, x in enumerate(scores):
        emissions[d, : len(x)] = x
    back = numpy.zeros((n_seqs, n_pos, n_tags), dtype="int32")
    best = emissions[:, 0] + first
    for i in range(1, n_pos):
        candidates = best[:, :, None] + trans  # (sequence, from, to)
        back[:, i] = candidates.argmax(axis=1)
        stepped = candidates.max(axis=1) + emissions[:, i]
        best = numpy.where((lengths > i)[:, None], stepped, best)  # a finished sequence keeps its scores
    paths = numpy.zeros((n_seqs, n_pos), dtype="int32")
    rows = numpy.arange(n_seqs)
    current = (best + last).argmax(axis=1)
    for i in range(n_pos - 1, -1, -1):
        inside = lengths > i
        paths[:, i] = numpy.where(inside, current, 0)
        if i:
            current = numpy.where(inside, back[rows, i, current], current)
    return [paths[d, : lengths[d]].tolist() for d in range(n_seqs)]


def _partial_outside_grad(probs, allowed: list[int]):
    """Gradient of -log(sum of the allowed tags' probabilities) with respect to the logits, for
    softmax outputs `probs` (rows: tokens): the probabilities minus their share renormalised over
    the allowed tags. A token outside a disease-only corpus's spans may be O or a chemical."""
    target = probs * 0
    kept = probs[:, allowed]
    target[:, allowed] = kept / numpy.maximum(kept.sum(axis=1, keepdims=True), 1e-12)
    return probs - target


@registry.scorers("claimx.biluo_ner_scorer.v1")
def make_ner_scorer():
    """spaCy's entity P/R/F (the tagger's own scorer would score token tags, which we do not set)."""
    return get_ner_prf


class BiluoNER(Tagger):
    """spaCy's `Tagger` trained on BILUO tags derived from the reference entities; its
    predictions are written to `doc.ents` (the token `tag_` attribute is left alone).
    `labels` are the entity labels, as for spaCy's `ner`; `tags` are what the model predicts."""

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(self.cfg["labels"])

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(sorted({tag[2:] for tag in self.cfg["labels"] if tag != OUTSIDE}))

    @property
    def label_data(self) -> tuple[str, ...]:
        return self.tags

    def add_label(self, label: str) -> int:
        """Add an entity label (its four BILUO tags) or one tag; 1 if anything was new."""
        if not isinstance(label, str):
            raise ValueError(f"{self.name}: a label must be a string, not {type(label).__name__}")
        is_tag = label == OUTSIDE or (label[1:2] == "-" and label[:1] in KINDS)
        wanted = [label] if is_tag else biluo_labels([label])[1:]
        new = [tag for tag in wanted if tag not in self.cfg["labels"]]
        if new and self.model.has_dim("nO") and self.model.get_dim("nO") == len(self.cfg["labels"]):
            raise ValueError(f"{self.name}: cannot add {label!r} to a trained model")
        for tag in new:
            self.cfg["labels"].append(tag)
            self.vocab.strings.add(tag)
        return int(bool(new))

    def predict(self, docs: list[Doc]) -> list[list[int]]:
        if not any(len(doc) for doc in docs):
            return [[] for _ in docs]
        scores = [self.model.ops.to_numpy(x) for x in self.model.predict(docs)]
        return best_tag_paths(scores, self.tags)

    def set_annotations(self, docs: Iterable[Doc], batch_tag_ids) -> None:
        if isinstance(docs, Doc):
            docs = [docs]
        tags = self.tags
        for doc, tag_ids in zip(docs, batch_tag_ids):
            entities = decode_biluo([tags[i] for i in tag_ids])
            doc.set_ents([Span(doc, s, e, label) for s, e, label in entities], default="outside")

    def get_loss(self, examples: Iterable[Example], scores):
        loss_func = SequenceCategoricalCrossentropy(names=self.tags, normalize=False,
                                                    label_smoothing=self.cfg["label_smoothing"])
        examples = list(examples)
        truths = [[tag if tag and tag != "-" else None for tag in eg.get_aligned_ner()] for eg in examples]
        d_scores, loss = loss_func(scores, truths)
        partial = False
        for i, eg in enumerate(examples):
            allowed = self._allowed_outside(eg.reference.user_data.get(ANNOTATED_KEY))
            if allowed is not None:
                rows = [k for k, tag in enumerate(truths[i]) if tag == OUTSIDE]
                if rows:
                    d_scores[i][rows] = _partial_outside_grad(scores[i][rows], allowed)
                    partial = True
        if partial:
            loss = sum(float((d**2).sum()) for d in d_scores)
        if self.model.ops.xp.isnan(loss):
            raise ValueError(f"{self.name}: the loss is NaN")
        return float(loss), d_scores

    def _allowed_outside(self, annotated) -> list[int] | None:
        """Tag indices a token outside the gold spans may take in a document annotated only for
        `annotated` labels: O and every tag of the labels it is not annotated for (None: O alone)."""
        if annotated is None:
            return None
        free = [j for j, tag in enumerate(self.tags) if tag != OUTSIDE and tag[2:] not in annotated]
        return [self.tags.index(OUTSIDE), *free] if free else None

    def initialize(self, get_examples, *, nlp=None, labels=None) -> None:
        if labels is None:
            labels = biluo_labels(ent.label_ for eg in get_examples() for ent in eg.reference.ents)
        self.add_label(OUTSIDE)
        for label in labels:
            self.add_label(label)
        if not self.labels:
            raise ValueError(f"{self.name}: no entities in the training examples")
        docs, truths = [], []
        for eg in list(get_examples())[:10]:
            docs.append(eg.predicted)
            truths.append(self.model.ops.asarray(
                [[float(tag == t) for t in self.tags] for tag in eg.get_aligned_ner()], dtype="float32"))
        self.model.initialize(X=docs, Y=truths)


@Language.factory(
    "claimx_biluo_ner",
    assigns=["doc.ents", "token.ent_iob", "token.ent_type"],
    default_config={"model": DEFAULT_MODEL, "scorer": {"@scorers": "claimx.biluo_ner_scorer.v1"},
                    "label_smoothing": 0.0},
    default_score_weights={"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None},
)
def make_biluo_ner(nlp: Language, name: str, model, scorer, label_smoothing: float) -> BiluoNER:
    return BiluoNER(nlp.vocab, model, name, scorer=scorer, label_smoothing=label_smoothing)
