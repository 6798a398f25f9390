"""Train the CHEMICAL/DISEASE recognizer: JSONL corpora -> DocBins -> spaCy NER, time-bounded.

`train_ner` is what `claimx train ner` calls. It keeps spaCy's own training loop
(`train_while_improving`: dev scoring, patience, best checkpoint) and adds what the CLI needs:
one-line errors for bad input, the claimx tokenizer for the training data, and a wall-clock bound.
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractor.errors import UsageError

# corpus labels -> pipeline labels (BC5CDR and NCBI-disease spell them Chemical/Disease, BioRED
# ChemicalEntity/DiseaseOrPhenotypicFeature)
NER_LABELS = {"Chemical": "CHEMICAL", "CHEMICAL": "CHEMICAL", "ChemicalEntity": "CHEMICAL",
              "Disease": "DISEASE", "DISEASE": "DISEASE", "DiseaseOrPhenotypicFeature": "DISEASE"}
from extractor.pipeline.shipped import models_root  # noqa: E402

DEFAULT_CONFIG = models_root() / "ner.cfg"


@dataclass
class ConversionStats:
    docs: int = 0
    spans: int = 0
    misaligned: int = 0  # spans whose edges fall inside a token: widened to token edges
    overlapping: int = 0  # spans dropped because they overlap an earlier one
    labels: dict[str, int] = field(default_factory=dict)


def jsonl_objects(path: Path, what: str = "training data") -> Iterator[tuple[int, Any]]:
    """(line number, parsed value) of each non-blank line of a JSONL file (gzip when it ends in
    .gz); a missing file or a line that is not JSON is a one-line UsageError."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{what} not found: {path}")
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                yield line_no, json.loads(line)
            except json.JSONDecodeError as e:
                raise UsageError(f"{path}:{line_no}: not JSONL ({e.msg})") from e


def read_ner_jsonl(path: Path) -> list[dict]:
    """Records `{"text", "spans": [{"start", "end", "label"}]}` with NER labels mapped; errors are one line."""
    records = []
    n_spans = 0
    for line_no, rec in jsonl_objects(path):
        if not isinstance(rec, dict) or not isinstance(rec.get("text"), str) or not isinstance(
            rec.get("spans", []), list
        ):
            raise UsageError(f"{path}:{line_no}: expected an object with 'text' (string) and 'spans' (list)")
        spans = []
        for span in rec.get("spans", []):
            try:
                start, end, label = int(span["start"]), int(span["end"]), str(span["label"])
            except (KeyError, TypeError, ValueError) as e:
                raise UsageError(f"{path}:{line_no}: each span needs integer 'start', 'end' and a 'label'") from e
            if label not in NER_LABELS:
                continue
            if not 0 <= start < end <= len(rec["text"]):
                raise UsageError(f"{path}:{line_no}: span {start}-{end} lies outside the text")
            spans.append((start, end, NER_LABELS[label]))
        n_spans += len(spans)
        records.append({"id": str(rec.get("id", line_no)), "text": rec["text"], "spans": spans})
    if not records:
        raise UsageError(f"{path}: no documents")
    if not n_spans:
        raise UsageError(f"{path}: no spans labelled {' or '.join(sorted(set(NER_LABELS)))}")
    return records


def annotated_labels(records: Iterable[dict]) -> tuple[str, ...]:
    """The pipeline labels a corpus annotates: those of which it has at least one span. A corpus
    without a label's spans (NCBI-disease has no chemicals) says nothing about where they are."""
    return tuple(sorted({label for rec in records for _s, _e, label in rec["spans"]}))


# doc.user_data key: the entity labels a training document is annotated for (read by
# claimx_biluo_ner's loss)
ANNOTATED_KEY = "claimx_ner_annotated"


def make_docs(nlp, records: Iterable[dict], stats: ConversionStats | None = None,
              annotated: Iterable[str] | None = None) -> list:
    """Tokenize with `nlp`'s tokenizer and set gold entities (misaligned edges widened to tokens).
    `annotated`: the labels these documents are annotated for, kept in each doc's user_data."""
    stats = stats if stats is not None else ConversionStats()
    docs = []
    for rec in records:
        doc = nlp.make_doc(rec["text"])
        if annotated is not None:  # claimx_biluo_ner does not learn that the other labels are absent
            doc.user_data[ANNOTATED_KEY] = list(annotated)
        ents, taken = [], set()
        for start, end, label in sorted(rec["spans"]):
            span = doc.char_span(start, end, label=label)
            if span is None:
                span = doc.char_span(start, end, label=label, alignment_mode="expand")
                stats.misaligned += 1
            if span is None or taken.intersection(range(span.start, span.end)):
                stats.overlapping += 1
                continue
            taken.update(range(span.start, span.end))
            ents.append(span)
            stats.labels[label] = stats.labels.get(label, 0) + 1
        doc.set_ents(ents, default="outside")
        stats.docs += 1
        stats.spans += len(ents)
        docs.append(doc)
    return docs


def convert(src: Path | Sequence[Path], dest: Path, nlp=None) -> ConversionStats:
    """JSONL file(s) -> one .spacy DocBin tokenized with the claimx tokenizer. Each document
    records the labels its file annotates (`annotated_labels`), so that a corpus of diseases
    alone does not teach that its chemicals are absent."""
    from spacy.tokens import DocBin

    nlp = nlp if nlp is not None else blank_claimx()
    stats = ConversionStats()
    docs = []
    for path in [src] if isinstance(src, (str, Path)) else src:
        records = read_ner_jsonl(path)
        docs.extend(make_docs(nlp, records, stats, annotated=annotated_labels(records)))
    DocBin(docs=docs, store_user_data=True).to_disk(dest)
    return stats


def blank_claimx():
    """A blank English pipeline with the claimx (scispaCy) tokenizer."""
    import spacy

    from extractor.pipeline.tokenizer import create_scispacy_tokenizer  # noqa: F401 - registers the tokenizer

    return spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "claimx.scispacy_tokenizer.v2"}}})


@dataclass
class TrainResult:
    best_path: Path
    scores: dict
    steps: int
    seconds: float
    stopped: str  # "patience", "max_steps", "max_epochs" or "time"
    train_stats: ConversionStats
    dev_stats: ConversionStats


def train_ner(
    train: Path | Sequence[Path],
    dev: Path,
    out: Path,
    config: Path | None = None,
    max_minutes: float | None = None,
    overrides: dict | None = None,
    log: Callable[[str], None] | None = None,
) -> TrainResult:
    """Train an NER pipeline (config: models/ner.cfg) and write `out/model-best` and `out/model-last`.
    `train`: one JSONL file or several (each annotating the labels it has spans of)."""
    from spacy.util import load_config
    from thinc.api import use_ops

    log = log or (lambda _msg: None)
    config = Path(config) if config else DEFAULT_CONFIG
    if not config.is_file():
        raise UsageError(f"training config not found: {config}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tokenizer_nlp = blank_claimx()
    train_stats = convert(train, out / "train.spacy", tokenizer_nlp)
    dev_stats = convert(dev, out / "dev.spacy", tokenizer_nlp)
    log(f"train: {train_stats.docs} docs, {train_stats.spans} entities ({train_stats.misaligned} widened); "
        f"dev: {dev_stats.docs} docs, {dev_stats.spans} entities")

    all_overrides = {"paths.train": str(out / "train.spacy"), "paths.dev": str(out / "dev.spacy")}
    all_overrides.update(overrides or {})
    cfg = load_config(config, overrides=all_overrides, interpolate=False)
    if "include_static_vectors = true" in cfg.to_str() and cfg["paths"].get("vectors") in (None, "null", ""):
        raise UsageError(f"{config} uses static vectors: pass --vectors DIR (made by `claimx train vectors`)")
    from extractor.pipeline.load import import_components

    import_components()
    # numpy's BLAS: about 3x faster than thinc's default blis here (see models/default/README.md)
    with use_ops("numpy", use_blis=False):
        best_path, best_scores, step, seconds, stopped = _train_loop(cfg, out, max_minutes, log)
    return TrainResult(best_path, best_scores, step, seconds, stopped, train_stats, dev_stats)


def _train_loop(cfg, out: Path, max_minutes: float | None, log: Callable[[str], None]):
    import spacy
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import create_evaluation_callback, create_train_batches, train_while_improving
    from spacy.util import resolve_dot_names

    nlp = init_nlp(cfg)
    from extractor.pipeline.vectors import cache_floret_vectors

    cache_floret_vectors(nlp)  # static vectors are not updated in training: compute each word's once
    resolved = nlp.config.interpolate()
    T = spacy.registry.resolve(resolved["training"], schema=spacy.schemas.ConfigSchemaTraining)
    train_corpus, dev_corpus = resolve_dot_names(resolved, [T["train_corpus"], T["dev_corpus"]])
    optimizer = T["optimizer"]
    batcher = T["batcher"]
    score_weights = T["score_weights"]
    evaluate = create_evaluation_callback(nlp, dev_corpus, score_weights)
    batches = create_train_batches(nlp, train_corpus, batcher, T["max_epochs"])
    training_step_iterator = train_while_improving(
        nlp,
        optimizer,
        batches,
        evaluate,
        dropout=T["dropout"],
        accumulate_gradient=T["accumulate_gradient"],
        patience=T["patience"],
        max_steps=T["max_steps"],
        eval_frequency=T["eval_frequency"],
        exclude=[],
        annotating_components=[],
        before_update=None,
    )
    best_path, last_path = out / "model-best", out / "model-last"
    started = time.perf_counter()
    deadline = started + max_minutes * 60 if max_minutes else None
    best_score, best_scores, step, stopped = -1.0, {}, 0, "patience"
    for _batch, info, is_best in training_step_iterator:
        step = info["step"]
        if info["score"] is not None and info["other_scores"] and step % T["eval_frequency"] == 0:
            scores = info["other_scores"]
            log(f"epoch {info['epoch']} step {step}: score {info['score']:.4f} "
                f"(ents_f {scores.get('ents_f', 0):.4f}) loss {info['losses'].get('ner', 0):.1f} "
                f"{time.perf_counter() - started:.0f}s")
            if is_best and info["score"] > best_score:
                best_score, best_scores = info["score"], scores
                with nlp.use_params(optimizer.averages):
                    nlp.to_disk(best_path)
        if deadline and time.perf_counter() > deadline:
            stopped = "time"
            break
    else:
        if T["max_steps"] and step >= T["max_steps"]:
            stopped = "max_steps"
    nlp.to_disk(last_path)
    if not best_path.exists():  # stopped before the first evaluation
        nlp.to_disk(best_path)
    return best_path, best_scores, step, time.perf_counter() - started, stopped


PACKAGED_PARTS = ("tok2vec", "ner", "vocab")


def package_ner(model_dir: Path, dest: Path) -> list[Path]:
    """Copy a trained NER's weights (tok2vec/, ner/, vocab/) into a pipeline folder such as models/default.

    The [components.tok2vec*] and [components.ner*] sections of the destination's config.cfg are
    replaced by the trained ones (the rest of that file is kept as written); "tok2vec" and "ner"
    must already be in its [nlp] pipeline list.
    """
    import shutil

    model_dir, dest = Path(model_dir), Path(dest)
    missing = [part for part in PACKAGED_PARTS if not (model_dir / part).is_dir()]
    if missing:
        raise UsageError(f"{model_dir} is not a trained NER pipeline (missing {', '.join(missing)})")
    if not (dest / "config.cfg").is_file():
        raise UsageError(f"{dest} is not a pipeline folder (no config.cfg)")
    _copy_component_config(model_dir / "config.cfg", dest / "config.cfg")
    copied = []
    for part in PACKAGED_PARTS:
        target = dest / part
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(model_dir / part, target)
        copied.append(target)
    return copied


def train_vectors(
    texts: list[Path],
    out: Path,
    dim: int = 64,
    bucket: int = 20000,
    epochs: int = 5,
    log: Callable[[str], None] | None = None,
) -> Path:
    """Subword (floret) static vectors from unlabelled JSONL text, saved as a spaCy vectors pipeline.

    Text is tokenized with the claimx tokenizer so vector keys are the tokens the NER sees. floret
    hashes words and character 3-6-grams into `bucket` rows: the table stays small (bucket x dim
    floats) and unseen chemical names still get a vector from their pieces.
    """
    import tempfile

    try:
        import floret
    except ImportError as e:
        raise UsageError("training vectors needs floret: pip install 'claimx[train]'") from e
    from spacy.training.initialize import convert_vectors

    log = log or (lambda _msg: None)
    out = Path(out)
    nlp = blank_claimx()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.txt"
        n_words = 0
        with corpus.open("w", encoding="utf-8") as f:
            for path in texts:
                if not Path(path).is_file():
                    raise UsageError(f"text file not found: {path}")
                docs = (rec.get("text", "") for _, rec in jsonl_objects(path, "text file") if isinstance(rec, dict))
                for doc in nlp.tokenizer.pipe(docs, batch_size=64):
                    line = []  # one line per paragraph (whitespace tokens hold the line breaks)
                    for token in [*doc, None]:
                        if token is None or token.is_space:
                            if line:
                                f.write(" ".join(line) + "\n")
                                n_words += len(line)
                                line = []
                        else:
                            line.append(token.text)
        if not n_words:
            raise UsageError("no text to train vectors on")
        log(f"training {dim}-d floret vectors on {n_words:,} words")
        model = floret.train_unsupervised(
            str(corpus), model="cbow", mode="floret", hashCount=2, bucket=bucket, minn=3, maxn=6,
            dim=dim, epoch=epochs, minCount=3, thread=1, verbose=0)
        vectors_file = Path(tmp) / "vectors.floret"
        model.save_floret_vectors(str(vectors_file))
        vec_nlp = blank_claimx()
        convert_vectors(vec_nlp, vectors_file, truncate=0, prune=-1, mode="floret")
        vec_nlp.to_disk(out)
    return out


def _is_ner_section(header: str) -> bool:
    name = header.strip()[1:-1]
    return any(name == c or name.startswith(c + ".") for c in ("components.tok2vec", "components.ner"))


def _copy_component_config(src: Path, dest: Path) -> None:
    """Replace dest's tok2vec/ner config sections by src's, textually (keeps dest's comments and order)."""
    import re

    def split(text: str) -> list[str]:
        return [block.strip("\n") for block in re.split(r"\n(?=\[)", text.strip("\n"))]

    trained = [block for block in split(src.read_text(encoding="utf-8")) if _is_ner_section(block.split("\n")[0])]
    if not trained:
        raise UsageError(f"{src} has no [components.tok2vec]/[components.ner] sections")
    kept = [block for block in split(dest.read_text(encoding="utf-8")) if not _is_ner_section(block.split("\n")[0])]
    dest.write_text("\n\n".join(kept + trained) + "\n", encoding="utf-8")
