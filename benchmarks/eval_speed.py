"""Is evaluating 1,000 abstracts faster than extracting them? (BC5CDR train + dev, 1,000 abstracts.)

    python benchmarks/eval_speed.py [--model default] [--limit 1000]

Measures, on the same 1,000 abstracts:
  1. `claimx extract` (library call, Parquet) of their text files;
  2. `claimx evaluate --pred` on those tables (read gold + tables, match, score, every error listed);
  3. `claimx evaluate --model` (pipeline run on the gold texts, then scoring), split pipeline / scoring;
  4. `claimx evaluate --pred` on dense predictions (the gold itself, every 3rd span shortened by one
     character, every 7th dropped, one spurious span per document), so scoring has real work
     even where the pipeline predicts little.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.evaluation import evaluate  # noqa: E402
from extractor.running.job import extract  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "bc5cdr"


def dense_tables(out: Path, gold_paths: list[Path], limit: int) -> int:
    docs, mentions = [], []
    n = 0
    for path in gold_paths:
        for line in path.read_text(encoding="utf-8").split("\n"):
            if not line.strip() or n >= limit:
                continue
            n += 1
            r = json.loads(line)
            text = r["text"]
            docs.append({"doc_id": r["id"], "source": "", "n_chars": len(text), "n_words": len(text.split()),
                         "n_sentences": 1, "status": "ok", "error": None})
            for i, s in enumerate(r["spans"]):
                if i % 7 == 6:
                    continue
                start, end = s["start"], s["end"] - (1 if i % 3 == 2 and s["end"] - s["start"] > 1 else 0)
                mentions.append({"doc_id": r["id"], "sent_id": 0, "start": start, "end": end,
                                 "label": s["label"].upper(), "text": text[start:end],
                                 "concept_id": (s.get("mesh") or [None])[0]})
            mentions.append({"doc_id": r["id"], "sent_id": 0, "start": 0, "end": 1, "label": "CHEMICAL",
                             "text": text[0:1], "concept_id": None})
    out.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(docs).to_parquet(out / "documents.parquet", index=False)
    pd.DataFrame(mentions).to_parquet(out / "mentions.parquet", index=False)
    return len(mentions)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="default")
    parser.add_argument("--limit", type=int, default=1000)
    args = parser.parse_args(argv)
    gold = [DATA / "train.jsonl", DATA / "dev.jsonl"]
    if not all(p.exists() for p in gold):
        print(f"BC5CDR not found under {DATA}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        texts = tmp / "texts"
        texts.mkdir()
        n = 0
        for path in gold:
            for line in path.read_text(encoding="utf-8").split("\n"):
                if line.strip() and n < args.limit:
                    r = json.loads(line)
                    (texts / f"{r['id']}.txt").write_text(r["text"], encoding="utf-8")
                    n += 1
        t = time.perf_counter()
        summary = extract([str(texts)], tmp / "out", fmt="parquet", model=args.model)
        extract_s = time.perf_counter() - t

        t = time.perf_counter()
        from_tables = evaluate(gold, pred=tmp / "out", label_map="bc5cdr", limit=args.limit)
        pred_s = time.perf_counter() - t

        t = time.perf_counter()
        from_model = evaluate(gold, model=args.model, label_map="bc5cdr", limit=args.limit)
        model_s = time.perf_counter() - t

        n_dense = dense_tables(tmp / "dense", gold, args.limit)
        t = time.perf_counter()
        dense = evaluate(gold, pred=tmp / "dense", label_map="bc5cdr", limit=args.limit)
        dense_s = time.perf_counter() - t

    print(f"{n} abstracts, {summary.words:,} words, model {args.model}\n")
    print("| step | seconds | notes |\n|---|---|---|")
    print(f"| claimx extract (Parquet) | {extract_s:.2f} | model load + pipeline + tables |")
    print(f"| evaluate --pred (extract's tables) | {pred_s:.2f} | scoring {from_tables.scoring_seconds:.3f} s, "
          f"{from_tables.scores.micro('strict').tp + from_tables.scores.micro('strict').fp} predicted spans |")
    print(f"| evaluate --model | {model_s:.2f} | pipeline {from_model.predictions.seconds:.2f} s, "
          f"scoring {from_model.scoring_seconds:.3f} s |")
    print(f"| evaluate --pred (dense: {n_dense:,} predicted spans) | {dense_s:.2f} | scoring "
          f"{dense.scoring_seconds:.3f} s, {len(dense.scores.errors):,} errors listed, micro strict F1 "
          f"{dense.scores.micro('strict').f1:.3f}, lenient {dense.scores.micro('lenient').f1:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
