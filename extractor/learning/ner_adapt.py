"""Corrections become a better model: fine-tune a pipeline's NER on reviewed documents.

The gold is what the review page exports (`{"id", "text", "spans": [...]}`); its CHEMICAL and
DISEASE spans are taken as every entity of the document (a reviewed document is complete for
them), the other labels are ignored. The base pipeline's NER is updated a few passes with a
small learning rate, the gold documents alongside rehearsal documents, so that what it knew
is kept. The rehearsal documents are the base pipeline's own `rehearsal.jsonl.gz` (the shipped
`default` holds the 500 BC5CDR train abstracts it was trained on) or a JSONL given with
`--rehearse`; a text there without spans is labelled by the base model itself before any update
(pseudo-rehearsal). Deterministic for a given seed.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from extractor.errors import UsageError
from extractor.learning.ner_training import NER_LABELS, jsonl_objects, make_docs, read_ner_jsonl

REHEARSAL_FILE = "rehearsal.jsonl.gz"  # in a pipeline folder: what its NER rehearses when adapted
ADAPT_LEARN_RATE = 0.0005
ADAPT_EPOCHS = 12
GOLD_REPEAT = 3  # each gold document's copies in a pass: a handful of them must outweigh what the model learnt
REHEARSE_PER_GOLD = 4  # rehearsal documents drawn per gold copy, each pass


@dataclass
class AdaptResult:
    path: Path
    gold_docs: int
    gold_spans: int
    rehearsal_docs: int
    updates: int
    seconds: float
    losses: list[float] = field(default_factory=list)  # the NER loss of each pass


def base_ner_pipeline(base: str):
    """The base pipeline's own components (tokenizer, tok2vec, NER), without claimx's rule components."""
    import spacy

    from extractor.pipeline.load import _load_folder, find_pipeline, import_components

    import_components()
    found = find_pipeline(base)
    nlp = _load_folder(found) if isinstance(found, Path) else spacy.load(found)
    if "ner" not in nlp.pipe_names:
        raise UsageError(f"pipeline {base!r} has no NER to adapt")
    return nlp


def shipped_rehearsal(base: str) -> Path | None:
    """The rehearsal file a pipeline folder ships, if any."""
    from extractor.pipeline.load import find_pipeline

    found = find_pipeline(base)
    path = found / REHEARSAL_FILE if isinstance(found, Path) else None
    return path if path is not None and path.is_file() else None


def adapt_ner(gold: Path, base: str, out: Path, rehearse: Path | None = None, epochs: int = ADAPT_EPOCHS,
              learn_rate: float = ADAPT_LEARN_RATE, seed: int = 0,
              log: Callable[[str], None] | None = None) -> AdaptResult:
    """Fine-tune `base`'s NER on the reviewed documents in `gold` and save the pipeline to `out`
    (use it with `--model out`). `rehearse`: None for the base folder's own rehearsal file (no
    rehearsal when it has none)."""
    from spacy.training import Example
    from spacy.util import fix_random_seed, minibatch
    from thinc.api import use_ops

    log = log or (lambda _msg: None)
    started = time.perf_counter()
    fix_random_seed(seed)
    rng = random.Random(seed)
    nlp = base_ner_pipeline(base)
    rehearse = rehearse or shipped_rehearsal(base)
    records = read_ner_jsonl(gold)
    gold_docs = make_docs(nlp, records)
    examples = [Example(nlp.make_doc(doc.text), doc) for doc in gold_docs]
    rehearsal = _rehearsal_examples(nlp, rehearse, records) if rehearse else []
    n_entities = sum(len(d.ents) for d in gold_docs)
    log(f"gold: {len(examples)} documents, {n_entities} entities; rehearsal: {len(rehearsal)} documents")
    gold_copies = examples * GOLD_REPEAT
    other = [name for name in nlp.pipe_names if name not in ("tok2vec", "ner")]
    updates, losses = 0, []
    with use_ops("numpy", use_blis=False), nlp.select_pipes(disable=other):
        optimizer = nlp.resume_training()
        optimizer.learn_rate = learn_rate
        for _ in range(epochs):
            drawn = rng.sample(rehearsal, min(len(rehearsal), REHEARSE_PER_GOLD * len(gold_copies)))
            batch_of_pass = gold_copies + drawn
            rng.shuffle(batch_of_pass)
            loss: dict[str, float] = {}
            for batch in minibatch(batch_of_pass, size=8):
                nlp.update(batch, sgd=optimizer, drop=0.1, losses=loss)
                updates += 1
            losses.append(round(loss.get("ner", 0.0), 3))
    out = Path(out)
    nlp.to_disk(out, exclude=["tokenizer"])  # the tokenizer is rebuilt from the config, as shipped
    return AdaptResult(out, len(examples), n_entities, len(rehearsal), updates,
                       time.perf_counter() - started, losses)


def _rehearsal_examples(nlp, path: Path, gold_records: list[dict]) -> list:
    """Examples from a JSONL of texts: with its spans as gold where it has them, else labelled by
    the base model now (before any update). Texts that are also gold documents are left out."""
    from spacy.training import Example

    gold_texts = {r["text"] for r in gold_records}
    labelled, raw = [], []
    for line_no, rec in jsonl_objects(path, "rehearsal data"):
        if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
            raise UsageError(f"{path}:{line_no}: expected an object with 'text' (string)")
        if rec["text"] in gold_texts:
            continue
        (labelled if rec.get("spans") else raw).append(rec)
    examples = []
    if labelled:
        records = [{"id": str(r.get("id", i)), "text": r["text"],
                    "spans": [(int(s["start"]), int(s["end"]), NER_LABELS[s["label"]]) for s in r["spans"]
                              if s.get("label") in NER_LABELS]} for i, r in enumerate(labelled)]
        examples += [Example(nlp.make_doc(d.text), d) for d in make_docs(nlp, records)]
    for doc in nlp.pipe(r["text"] for r in raw):
        examples.append(Example(nlp.make_doc(doc.text), doc))
    if not examples:
        raise UsageError(f"{path}: no texts to rehearse on")
    return examples
