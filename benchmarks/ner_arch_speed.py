"""Speed side of the NER trade-off: words/s of claimx pipelines with different tok2vec sizes, untrained.

Inference cost does not depend on the weights' values (as in ../shared/bench/scispacy_arch_speed.py),
so each architecture is built from models/ner.cfg with overrides, initialised on a few dev documents
and timed on the same paragraphs, in one process, interleaved (noise on a shared machine hits all alike).

usage: python benchmarks/ner_arch_speed.py [--docs 200] [--rounds 2] [--vectors runs/vectors]
(with --vectors every architecture gets the static vectors, as shipped; without, none has them)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

T2V = "components.tok2vec.model"


def arch(width: int, depth: int, maxout: int = 3) -> dict:
    return {f"{T2V}.encode.width": width, f"{T2V}.encode.depth": depth, f"{T2V}.encode.maxout_pieces": maxout}


ARCHS = {
    "w64 d4 maxout3 (shipped shape)": arch(64, 4),
    "w64 d2 maxout2": arch(64, 2, 2),
    "w64 d4 maxout2": arch(64, 4, 2),
    "w96 d4 maxout3": arch(96, 4),
    "w128 d4 maxout3": arch(128, 4),
    "w256 d8 (scispaCy md NER tok2vec)": arch(256, 8),
}


def build(overrides: dict, docs: list, vectors: str | None):
    from spacy.training import Example
    from spacy.util import load_config
    from thinc.api import use_ops

    from extractor.pipeline.load import add_claimx_components, import_components, use_numpy_blas
    from extractor.pipeline.vectors import cache_floret_vectors

    import_components()
    overrides = {**overrides, f"{T2V}.embed.include_static_vectors": bool(vectors)}
    cfg = load_config(ROOT / "models" / "ner.cfg", overrides=overrides)
    import spacy

    with use_ops("numpy", use_blis=False):
        nlp = spacy.util.load_model_from_config(cfg, auto_fill=True)
        if vectors:
            nlp.vocab.from_disk(Path(vectors) / "vocab")
            cache_floret_vectors(nlp)
        nlp.initialize(lambda: [Example(nlp.make_doc(d.text), d) for d in docs])
    add_claimx_components(nlp)
    return use_numpy_blas(nlp)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--vectors", help="a vectors folder (claimx train vectors) given to every architecture")
    args = ap.parse_args(argv)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    data = ROOT.parent / "shared" / "data" / "bc5cdr" / "dev.jsonl"
    if not data.is_file():
        print(f"ner_arch_speed: {data} not found", file=sys.stderr)
        return 2
    from extractor.learning.ner_training import blank_claimx, make_docs, read_ner_jsonl

    records = read_ner_jsonl(data)[: args.docs]
    gold = make_docs(blank_claimx(), records[:20])
    texts = [r["text"] for r in records]
    words = sum(len(t.split()) for t in texts)
    pipelines = {name: build(o, gold, args.vectors) for name, o in ARCHS.items()}
    best = {name: 0.0 for name in pipelines}
    for _ in range(args.rounds):
        for name, nlp in pipelines.items():
            t = time.perf_counter()
            for _doc in nlp.pipe(texts, batch_size=64):
                pass
            best[name] = max(best[name], words / (time.perf_counter() - t))
    for name, wps in best.items():
        print(f"{name:40s} {wps:10,.0f} words/s")
    print(json.dumps({k: round(v) for k, v in best.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
