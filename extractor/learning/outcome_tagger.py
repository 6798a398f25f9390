"""Train the OUTCOME span tagger that `claimx_outcomes` adds to its rules (`claimx train outcomes`).

Training data: the EVEN-numbered documents (0, 2, 4 ... by line) of an EBM-NLP JSONL file, the
half that outcome_terms.json is derived from; the odd-numbered ones are the measurement half of
benchmarks/outcomes_ebmnlp.py and are never read. Every tenth line (0, 10, 20 ...) is held out for
choosing the checkpoint. Gold: the `O` spans and the finer `O:*` spans, overlapping ones merged.
The model is models/outcomes.cfg: claimx_biluo_ner with a small tok2vec of its own, trained with
spaCy's loop (seeded, so a re-run gives the same weights).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from extractor.errors import UsageError
from extractor.learning.ner_training import ConversionStats, blank_claimx, jsonl_objects, make_docs
from extractor.pipeline.shipped import models_root

DEFAULT_CONFIG = models_root() / "outcomes.cfg"
LABEL = "OUTCOME"
DEV_EVERY = 10  # lines 0, 10, 20 ... choose the checkpoint


def is_outcome(label: str) -> bool:
    return label == "O" or label.startswith("O:")


def merged(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping (start, end) character ranges joined into one."""
    out: list[list[int]] = []
    for start, end in sorted(intervals):
        if out and start < out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]


def read_derivation_half(path: Path, all_even: bool = False) -> tuple[list[dict], list[dict]]:
    """(train, dev) records of the even-numbered lines, OUTCOME spans only (`all_even`: the dev
    records are in train too); errors are one line."""
    train, dev = [], []
    n_spans = 0
    for index, (line_no, rec) in enumerate(jsonl_objects(path, "EBM-NLP data")):
        if not isinstance(rec, dict) or not isinstance(rec.get("text"), str) or not isinstance(
                rec.get("spans"), list):
            raise UsageError(f"{path}:{line_no}: each line needs 'text' and a 'spans' list")
        if index % 2:  # the measurement half
            continue
        try:
            ranges = [(int(s["start"]), int(s["end"])) for s in rec["spans"] if is_outcome(str(s["label"]))]
        except (KeyError, TypeError, ValueError) as e:
            raise UsageError(f"{path}:{line_no}: each span needs integer 'start', 'end' and a 'label'") from e
        spans = [(s, e, LABEL) for s, e in merged(ranges)]
        n_spans += len(spans)
        (dev if index % DEV_EVERY == 0 else train).append({"text": rec["text"], "spans": spans})
    if not n_spans:
        raise UsageError(f"{path}: no outcome spans (label 'O' or 'O:...') in its even-numbered lines")
    if not train or not dev:
        raise UsageError(f"{path}: too few documents: the tagger trains on even-numbered lines and "
                         f"chooses its checkpoint on lines 0, {DEV_EVERY}, {2 * DEV_EVERY} ... (give at least 3 lines)")
    return (train + dev if all_even else train), dev


@dataclass
class OutcomeTrainResult:
    out: Path
    scores: dict
    steps: int
    seconds: float
    train_stats: ConversionStats
    dev_stats: ConversionStats


def train_outcomes(ebm_nlp: Path, out: Path, config: Path | None = None, max_steps: int | None = None,
                   log=None, all_even: bool = False) -> OutcomeTrainResult:
    """Train on the derivation half of `ebm_nlp` and write the best checkpoint on lines 0, 10,
    20 ... (a spaCy pipeline folder holding the tagger alone) to `out`. `all_even`: train on those
    lines too and write the weights after the last update (max_steps, the config's or given), so
    nothing is chosen on documents the tagger has seen."""
    from spacy.tokens import DocBin
    from spacy.util import load_config
    from thinc.api import use_ops

    from extractor.learning.ner_training import _train_loop
    from extractor.pipeline.load import import_components

    log = log or (lambda _msg: None)
    config = Path(config) if config else DEFAULT_CONFIG
    if not config.is_file():
        raise UsageError(f"training config not found: {config}")
    train, dev = read_derivation_half(Path(ebm_nlp), all_even)
    tokenizer_nlp = blank_claimx()
    train_stats, dev_stats = ConversionStats(), ConversionStats()
    with tempfile.TemporaryDirectory(prefix="claimx-outcomes-") as work:
        work_dir = Path(work)
        DocBin(docs=make_docs(tokenizer_nlp, train, train_stats)).to_disk(work_dir / "train.spacy")
        DocBin(docs=make_docs(tokenizer_nlp, dev, dev_stats)).to_disk(work_dir / "dev.spacy")
        log(f"train: {train_stats.docs} docs, {train_stats.spans} outcome spans; "
            f"checkpoint choice: {dev_stats.docs} docs, {dev_stats.spans} spans")
        overrides = {"paths.train": str(work_dir / "train.spacy"), "paths.dev": str(work_dir / "dev.spacy")}
        if max_steps is not None:
            overrides["training.max_steps"] = max_steps
        cfg = load_config(config, overrides=overrides, interpolate=False)
        import_components()
        (work_dir / "run").mkdir()
        with use_ops("numpy", use_blis=False):
            best_path, scores, steps, seconds, _stopped = _train_loop(cfg, work_dir / "run", None, log)
        if all_even:  # the dev lines were trained on: keep the last weights, not a choice made on them
            best_path = best_path.parent / "model-last"
        out = Path(out)
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(best_path, out)
    return OutcomeTrainResult(out, scores, steps, seconds, train_stats, dev_stats)
