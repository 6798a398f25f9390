"""Long documents: time and peak memory of `claimx extract` on one text of 1, 5 and 20 MB.

Each text is the sample corpus (corpus/texts) repeated, paragraphs joined by blank lines, cut at
a paragraph to the size. Each size runs in its own process (peak RSS is per process), in that
process (`--workers 0`), with the default pipeline, tables written as jsonl; `0` is one corpus
text, for the pipeline's own memory.

    python benchmarks/long_documents.py                 # 0, 1, 5, 20 MB
    python benchmarks/long_documents.py --sizes 1 5 --model rules

Prints a table: MB, characters, seconds, peak RSS (MB), words, mentions.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TEXTS = ROOT / "corpus" / "texts"


def build_text(megabytes: float) -> str:
    """The corpus texts repeated to `megabytes` (UTF-8), cut after a paragraph; 0: one text."""
    texts = [p.read_text(encoding="utf-8").strip() for p in sorted(TEXTS.glob("*.txt"))]
    if megabytes <= 0:
        return texts[0]
    limit = int(megabytes * 1_000_000)
    parts, size, i = [], 0, 0
    while True:
        for paragraph in texts[i % len(texts)].split("\n\n"):
            n = len(paragraph.encode("utf-8")) + 2
            if size + n > limit:
                return "\n\n".join(parts)
            parts.append(paragraph)
            size += n
        i += 1


def one(megabytes: float, model: str) -> dict:
    """Run in a child process: extract one text of this size, report the figures."""
    from extractor.running.job import extract
    from extractor.running.memory import peak_rss_mb
    from extractor.tables.read import read_table

    text = build_text(megabytes)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "long.txt"
        path.write_text(text, encoding="utf-8")
        started = time.perf_counter()
        summary = extract([str(path)], Path(tmp) / "out", fmt="jsonl", model=model, workers=0)
        seconds = time.perf_counter() - started
        peak = peak_rss_mb()  # of the run, not of reading its tables back
        documents = read_table(Path(tmp) / "out", "documents")
        with open(Path(tmp) / "out" / "mentions.jsonl", encoding="utf-8") as f:
            mentions = sum(1 for line in f if line.strip())
    return {"mb": megabytes, "chars": len(text), "seconds": round(seconds, 1),
            "peak_rss_mb": round(peak), "words": summary.words, "mentions": mentions,
            "status": str(documents["status"].iloc[0]), "error": documents["error"].iloc[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[0, 1, 5, 20], help="MB")
    parser.add_argument("--model", default="default")
    parser.add_argument("--one", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(one(args.one, args.model), default=str))
        return
    print(f"{'MB':>5} {'chars':>11} {'seconds':>8} {'peak RSS MB':>12} {'words':>10} {'mentions':>9}  status")
    for size in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(size), "--model", args.model],
                             capture_output=True, text=True, check=False)
        if out.returncode:
            print(f"{size:>5g}  failed: {out.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{r['mb']:>5g} {r['chars']:>11,} {r['seconds']:>8} {r['peak_rss_mb']:>12} "
              f"{r['words']:>10,} {r['mentions']:>9,}  {r['status']} {r['error'] or ''}".rstrip(), flush=True)


if __name__ == "__main__":
    main()
