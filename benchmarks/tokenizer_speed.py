"""Words per CPU-second of the shipped tokenizer (ChunkCachedTokenizer) against spaCy's Tokenizer
with the same rules, each fresh, first pass over each text set (every chunk new to both caches):

  * BC5CDR dev abstracts (shorter than `min_chars`: the chunk cache is bypassed),
  * the seed commentary repeated 187 times (PDF text: a special case early in every copy),
  * Evidence Inference dev full texts (papers).

Each set runs in a fresh process per tokenizer, so both pay for creating the lexemes.
Usage: python benchmarks/tokenizer_speed.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
SEED = ROOT.parent / "shared" / "seeds" / "ketamine-commentary.txt"


def texts_of(name: str) -> list[str]:
    if name == "seed":
        return [SEED.read_text(encoding="utf-8")] * 187
    path = DATA / ("bc5cdr/dev.jsonl" if name == "abstracts" else "evidence_inference/dev.jsonl")
    return [json.loads(line)["text"] for line in path.open(encoding="utf-8")]


def one(name: str, which: str) -> None:
    sys.path.insert(0, str(ROOT))
    from spacy.tokenizer import Tokenizer

    from extractor.pipeline.load import load
    from extractor.reading.normalize import normalize

    tokenizer = load("rules").tokenizer
    if which == "spacy":
        tokenizer = Tokenizer(tokenizer.vocab, rules=tokenizer.rules, prefix_search=tokenizer.prefix_search,
                              suffix_search=tokenizer.suffix_search, infix_finditer=tokenizer.infix_finditer,
                              token_match=tokenizer.token_match, url_match=tokenizer.url_match)
    texts = [normalize(t).text for t in texts_of(name)]
    started = time.process_time()
    for text in texts:
        tokenizer(text)
    print(sum(len(t.split()) for t in texts) / (time.process_time() - started))


def main() -> int:
    if len(sys.argv) == 3:
        one(sys.argv[1], sys.argv[2])
        return 0
    if not SEED.exists() or not (DATA / "bc5cdr" / "dev.jsonl").exists():
        print("../shared data not found", file=sys.stderr)
        return 2
    print(f"{'text set':12} {'spaCy':>12} {'chunk cache':>12}  words/CPU-s")
    for name in ("abstracts", "seed", "papers"):
        if name == "papers" and not (DATA / "evidence_inference" / "dev.jsonl").exists():
            continue
        rates = [float(subprocess.run([sys.executable, __file__, name, which], capture_output=True, text=True,
                                      check=True).stdout) for which in ("spacy", "cached")]
        print(f"{name:12} {rates[0]:12,.0f} {rates[1]:12,.0f}  ({rates[1] / rates[0]:.1f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
