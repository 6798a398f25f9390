"""CPU seconds of the rules pipeline over BC5CDR dev abstracts, run three ways, in one process:

  * pipe:      `nlp.pipe(texts, batch_size=32)` (the extract job's way; claimx components have a
               batching `pipe`, extractor/components/batching.py)
  * doc-wise:  every component on one Doc, then the next Doc (what `nlp.pipe` did before)
  * component: every Doc through one component, then the next component (the upper bound)

Each is run --repeats times after a warm-up pass (so every word already has its lexeme); the
minimum is printed. Usage: python benchmarks/pipe_order.py [--model rules] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BC5CDR = ROOT.parent / "shared" / "data" / "bc5cdr" / "dev.jsonl"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="rules")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    if not BC5CDR.exists():
        print(f"{BC5CDR} not found", file=sys.stderr)
        return 2
    from extractor.pipeline.annotate import warm_up
    from extractor.pipeline.load import load
    from extractor.reading.normalize import normalize

    nlp = warm_up(load(args.model))
    texts = [normalize(json.loads(line)["text"]).text for line in BC5CDR.open(encoding="utf-8")]
    words = sum(len(t.split()) for t in texts)
    list(nlp.pipe(texts))

    def pipe():
        for _ in nlp.pipe(texts, batch_size=32):
            pass

    def doc_wise():
        for text in texts:
            doc = nlp.make_doc(text)
            for _, proc in nlp.pipeline:
                doc = proc(doc)

    def component():
        docs = [nlp.make_doc(t) for t in texts]
        for _, proc in nlp.pipeline:
            docs = [proc(d) for d in docs]

    print(f"{len(texts)} abstracts, {words:,} words, model {args.model}; min of {args.repeats} runs")
    for name, run in (("pipe", pipe), ("doc-wise", doc_wise), ("component", component)):
        best = float("inf")
        for _ in range(args.repeats):
            started = time.process_time()
            run()
            best = min(best, time.process_time() - started)
        print(f"{name:10} {best:6.2f} CPU s  {words / best:9,.0f} words/CPU-s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
