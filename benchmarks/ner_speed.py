"""Words/s of the full claimx default pipeline and of the scispaCy-architecture speed anchor, same run, same text.

usage: python benchmarks/ner_speed.py [--model default] [--text FILE] [--docs N] [--repeat N] [--anchor-repeat N]
                                      [--anchor ../shared/bench/scispacy_arch_speed.py] [--json OUT.json]

Text: BC5CDR dev abstracts (one paragraph each) unless --text is given. Words are whitespace-separated
(as in the anchor script). Each figure is one process, one core's worth of BLAS threads
(OPENBLAS_NUM_THREADS=1 is set for all runs so the comparison is fair on a shared machine).
The anchor runs twice, with thinc's default blis and with --numpy-blas; the ratio uses its faster run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"


def dev_text() -> str:
    path = SHARED / "data" / "bc5cdr" / "dev.jsonl"
    if not path.is_file():
        raise SystemExit(f"ner_speed: {path} not found; pass --text FILE")
    return "\n\n".join(json.loads(line)["text"] for line in path.open(encoding="utf-8"))


def pipeline_speed(model: str, paras: list[str], blis: bool = False) -> float:
    from extractor.pipeline.load import load

    nlp = load(model)
    if blis:  # undo the numpy-BLAS choice load() makes, to measure its effect
        from thinc.api import NumpyOps

        ops = NumpyOps()
        for _, proc in nlp.pipeline:
            if hasattr(getattr(proc, "model", None), "walk"):
                for node in proc.model.walk():
                    node.ops = ops
    list(nlp.pipe(paras[:5]))
    words = sum(len(p.split()) for p in paras)
    t = time.perf_counter()
    for _ in nlp.pipe(paras, batch_size=64):
        pass
    return words / (time.perf_counter() - t)


def anchor_speed(script: Path, text_file: Path, repeat: int, numpy_blas: bool) -> float:
    cmd = [sys.executable, str(script), str(text_file), str(repeat)] + (["--numpy-blas"] if numpy_blas else [])
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return float(out.strip().splitlines()[-1].split("=")[1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="default")
    ap.add_argument("--text")
    ap.add_argument("--docs", type=int, default=0, help="use only the first N paragraphs (0: all)")
    ap.add_argument("--repeat", type=int, default=2, help="passes over the text for the claimx pipeline")
    ap.add_argument("--anchor-repeat", type=int, default=0, help="anchor passes (0: --repeat)")
    ap.add_argument("--anchor", default=str(SHARED / "bench" / "scispacy_arch_speed.py"))
    ap.add_argument("--no-anchor", action="store_true")
    ap.add_argument("--json", dest="json_out")
    args = ap.parse_args(argv)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # child processes too

    text = Path(args.text).read_text(encoding="utf-8") if args.text else dev_text()
    paras = [p for p in text.split("\n\n") if p.strip()][: args.docs or None]
    result = {"model": args.model, "paragraphs": len(paras), "words": sum(len(p.split()) for p in paras),
              "repeat": args.repeat}
    result["claimx_words_per_s"] = round(pipeline_speed(args.model, paras * args.repeat))
    result["claimx_blis_words_per_s"] = round(pipeline_speed(args.model, paras * args.repeat, blis=True))
    print(f"claimx {args.model} (numpy BLAS, as shipped): {result['claimx_words_per_s']:,} words/s")
    print(f"claimx {args.model} (thinc blis):            {result['claimx_blis_words_per_s']:,} words/s")
    anchor = Path(args.anchor)
    if not args.no_anchor and anchor.is_file():
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
            f.write("\n\n".join(paras))
        try:
            repeat = args.anchor_repeat or args.repeat
            result["anchor_blis_words_per_s"] = round(anchor_speed(anchor, Path(f.name), repeat, False))
            result["anchor_numpy_words_per_s"] = round(anchor_speed(anchor, Path(f.name), repeat, True))
        finally:
            os.unlink(f.name)
        best_anchor = max(result["anchor_blis_words_per_s"], result["anchor_numpy_words_per_s"])
        result["speedup_vs_best_anchor"] = round(result["claimx_words_per_s"] / best_anchor, 1)
        print(f"anchor (scispaCy en_ner_bc5cdr_md architecture), blis: {result['anchor_blis_words_per_s']:,} words/s")
        print(f"anchor, --numpy-blas:                          {result['anchor_numpy_words_per_s']:,} words/s")
        print(f"claimx / faster anchor: {result['speedup_vs_best_anchor']}x")
    elif not args.no_anchor:
        print(f"anchor script {anchor} not found; skipped", file=sys.stderr)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
