"""Does pretraining the recognizer's tok2vec on unlabelled full texts pay? The ablation behind the
model card's pretraining rows, re-runnable.

usage: python benchmarks/ner_pretraining.py --out runs/pretraining [--objective vectors|characters]
                                            [--words 8000000] [--hidden 300]

1. Paragraphs of 20-400 words from `unlabeled/pmc_rct_fulltext.jsonl.gz` become a JSONL corpus.
2. spaCy's masked-token pretraining (`spacy.PretrainVectors.v1`: predict a masked word's floret
   vector, cosine loss; or `spacy.PretrainCharacters.v1`: its first and last 4 characters) trains the
   shipped tok2vec architecture (`models/ner.cfg`) on `--words` words, with the shipped vectors.
3. `train_ner` trains the recognizer as the model card's command does, with `init_tok2vec` set to
   the pretrained weights, and the result is installed into a copy of `models/default`.

Then score it: `python benchmarks/ner_dev.py --model OUT/pipeline --corpus all`. Takes about 25
minutes on two cores (pretraining 10-12, NER training 5).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT.parent / "shared" / "data"
SHIPPED = ROOT / "models" / "default"


def write_paragraphs(dest: Path) -> int:
    words = 0
    with gzip.open(DATA / "unlabeled" / "pmc_rct_fulltext.jsonl.gz", "rt", encoding="utf-8") as f, \
            dest.open("w", encoding="utf-8") as out:
        for line in f:
            for para in re.split(r"\n\s*\n", json.loads(line)["text"]):
                n = len(para.split())
                if 20 <= n <= 400:
                    out.write(json.dumps({"text": para.strip()}) + "\n")
                    words += n
    return words


def pretraining_config(objective: str, hidden: int, raw_text: Path):
    import spacy
    from spacy.util import load_config
    from thinc.api import Config

    cfg = load_config(ROOT / "models" / "ner.cfg", interpolate=False)
    defaults = Config().from_str((Path(spacy.__file__).parent / "default_config_pretraining.cfg").read_text(),
                                 interpolate=False)
    cfg["pretraining"] = defaults["pretraining"]
    cfg["corpora"]["pretrain"] = defaults["corpora"]["pretrain"]
    cfg["corpora"]["pretrain"]["path"] = str(raw_text)
    if objective == "vectors":
        cfg["pretraining"]["objective"] = {"@architectures": "spacy.PretrainVectors.v1", "maxout_pieces": 3,
                                           "hidden_size": hidden, "loss": "cosine"}
    else:
        cfg["pretraining"]["objective"]["hidden_size"] = hidden
    cfg["initialize"]["vectors"] = None  # the shipped vectors are read into the vocab directly
    return cfg


def pretrain(cfg, max_words: int, dest: Path) -> None:
    from spacy.schemas import ConfigSchemaPretrain
    from spacy.training.pretrain import create_pretraining_model, ensure_docs, make_update
    from spacy.util import dot_to_object, load_model_from_config, registry
    from thinc.api import fix_random_seed, use_ops

    from extractor.pipeline.load import import_components
    from extractor.pipeline.vectors import cache_floret_vectors

    import_components()
    fix_random_seed(0)
    with use_ops("numpy", use_blis=False):
        nlp = load_model_from_config(cfg, auto_fill=True)
        nlp.vocab.from_disk(SHIPPED / "vocab")
        cache_floret_vectors(nlp)
        resolved = nlp.config.interpolate()
        P = registry.resolve(resolved["pretraining"], schema=ConfigSchemaPretrain)
        corpus = registry.resolve({"corpus": dot_to_object(resolved, P["corpus"])})["corpus"]
        model = create_pretraining_model(nlp, P)
        optimizer, loss_fn = P["optimizer"], model.attrs["loss"]
        started, words, loss = time.perf_counter(), 0, 0.0
        while words < max_words:
            for batch in P["batcher"](corpus(nlp)):
                docs = ensure_docs(batch)
                loss += make_update(model, docs, optimizer, loss_fn)
                words += sum(len(doc) for doc in docs)
                if words >= max_words:
                    break
        print(f"pretrained on {words:,} words in {time.perf_counter() - started:.0f} s (last loss {loss:.0f})")
        with model.use_params(optimizer.averages):
            dest.write_bytes(model.get_ref("tok2vec").to_bytes())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--objective", choices=["vectors", "characters"], default="vectors")
    ap.add_argument("--words", type=int, default=8_000_000)
    ap.add_argument("--hidden", type=int, default=300)
    args = ap.parse_args(argv)
    import spacy

    from extractor.learning.ner_training import package_ner, train_ner

    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    raw = out / "paragraphs.jsonl"
    print(f"{write_paragraphs(raw):,} words of paragraphs -> {raw}")
    cfg = pretraining_config(args.objective, args.hidden, raw)
    weights = out / "tok2vec.bin"
    pretrain(cfg, args.words, weights)
    cfg_path = out / "ner_pretrained.cfg"
    cfg.to_disk(cfg_path)
    vectors = spacy.blank("en")  # `--vectors` wants a pipeline folder: a blank one holding the shipped vectors
    vectors.vocab.from_disk(SHIPPED / "vocab")
    vectors.to_disk(out / "vectors")
    result = train_ner([DATA / "bc5cdr" / "train.jsonl", DATA / "biored" / "train.jsonl",
                        DATA / "ncbi_disease" / "train.jsonl"], DATA / "bc5cdr" / "dev.jsonl", out / "ner",
                       config=cfg_path, max_minutes=50,
                       overrides={"paths.vectors": str(out / "vectors"), "paths.init_tok2vec": str(weights)},
                       log=lambda msg: print(msg, flush=True))
    pipeline = out / "pipeline"
    shutil.rmtree(pipeline, ignore_errors=True)
    shutil.copytree(SHIPPED, pipeline)
    package_ner(result.best_path, pipeline)
    print(f"best dev ents_f {result.scores.get('ents_f', 0):.4f} at {result.steps} steps -> {pipeline}; now run "
          f"python benchmarks/ner_dev.py --model {pipeline} --corpus all")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
