"""Scale of `claimx extract`: words/s with 1 and 2 workers, peak memory per worker as the number
of documents grows, and the time to resume a run killed half-way.

Documents are built from ../shared/data: the words/s runs use PubMed abstracts (bc5cdr, claims,
ebm_nlp); the memory runs add the evidence_inference full texts cut into 250-word pieces, so
10,000 documents are 10,000 different texts, and 1,000 and 10,000 are drawn from the same mix.

    python benchmarks/scale.py                       # the full measurement (minutes)
    python benchmarks/scale.py --quick               # 200 docs, memory at 100 and 1,000
    python benchmarks/scale.py --docs 500 --skip-rss --skip-resume

Prints one JSON object; docs/scale.md records the figures and the machine they came from.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"
ABSTRACTS = ["bc5cdr/train.jsonl", "bc5cdr/dev.jsonl", "claims/train.jsonl", "claims/dev.jsonl",
             "ebm_nlp/dev.jsonl"]
FULL_TEXTS = ["evidence_inference/train.jsonl", "evidence_inference/dev.jsonl"]


def texts(limit: int, abstracts_only: bool = False) -> list[str]:
    """`limit` distinct abstract-sized texts: PubMed abstracts, then (unless `abstracts_only`)
    250-word pieces of full texts; shuffled with a fixed seed, so a smaller run draws from the
    same mix as a larger one."""
    pool: list[str] = []
    for name in ABSTRACTS:
        with open(DATA / name, encoding="utf-8") as f:
            pool.extend(json.loads(line)["text"] for line in f if line.strip())
    if not abstracts_only:
        for name in FULL_TEXTS:
            with open(DATA / name, encoding="utf-8") as f:
                for line in f:
                    words = json.loads(line)["text"].split()
                    pool.extend(" ".join(words[i:i + 250]) for i in range(0, len(words) - 50, 250))
    if len(pool) < limit:
        raise SystemExit(f"only {len(pool)} texts in {DATA}; ask for fewer")
    random.Random(0).shuffle(pool)
    return pool[:limit]


def write_corpus(folder: Path, n: int, abstracts_only: bool = False) -> Path:
    path = folder / f"docs-{n}{'-abstracts' if abstracts_only else ''}.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for i, text in enumerate(texts(n, abstracts_only)):
            f.write(json.dumps({"id": f"d{i:06d}", "text": text}) + "\n")
    return path


def run(corpus: Path, out: Path, workers: int, batch_size: int, model: str) -> dict:
    import resource

    from extractor.running.job import extract

    def cpu(who):
        usage = resource.getrusage(who)
        return usage.ru_utime + usage.ru_stime

    driver, children = cpu(resource.RUSAGE_SELF), cpu(resource.RUSAGE_CHILDREN)
    summary = extract([str(corpus)], out, fmt="parquet", workers=workers, batch_size=batch_size, model=model)
    driver_cpu = cpu(resource.RUSAGE_SELF) - driver
    worker_cpu = cpu(resource.RUSAGE_CHILDREN) - children  # the workers have exited and been waited for
    return {"documents": summary.documents, "failed": summary.failed, "words": summary.words,
            "seconds": round(summary.seconds, 2), "words_per_s": round(summary.words / summary.seconds),
            "steady_words_per_s": round(summary.steady_words_per_s),
            "first_batch_after_s": round(summary.first_batch_at or 0, 2),
            "worker_peak_rss_mb": round(summary.worker_peak_rss_mb, 1), "workers_recycled": summary.recycled,
            "driver_cpu_s": round(driver_cpu, 2), "worker_cpu_s": round(worker_cpu, 2),
            # CPU time the workers got, per second of the run and per worker: under 1 on a busy machine
            "worker_cpu_share": round(worker_cpu / summary.seconds / max(1, workers), 2),
            "words_per_worker_cpu_s": round(summary.words / worker_cpu) if worker_cpu else None}


def committed(out: Path) -> int:
    from extractor.tables.read import read_table

    try:
        return len(read_table(out, "documents"))
    except Exception:  # noqa: BLE001 - nothing committed yet
        return 0


def committed_parts(out: Path) -> int:
    """Batches committed so far (cheap enough to poll while the workers run)."""
    folder = out / "documents"
    return sum(1 for p in folder.iterdir() if p.name.startswith("part-")) if folder.is_dir() else 0


def resume_after_kill(corpus: Path, out: Path, n: int, workers: int, batch_size: int, model: str) -> dict:
    args = [sys.executable, str(ROOT / "cli.py"), "extract", str(corpus), "--out", str(out), "--format", "parquet",
            "--workers", str(workers), "--batch-size", str(batch_size), "--model", model]
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while committed_parts(out) * batch_size < n // 2 and proc.poll() is None:
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    killed_after = time.perf_counter() - started
    done = committed(out)
    started = time.perf_counter()
    r = subprocess.run([*args, "--resume"], capture_output=True, text=True)
    resume_s = time.perf_counter() - started
    return {"killed_after_s": round(killed_after, 2), "documents_done_when_killed": done,
            "resume_s": round(resume_s, 2), "resume_exit": r.returncode, "resume_summary": r.stderr.strip(),
            "documents_after_resume": committed(out)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=2000, help="documents for the words/s runs")
    parser.add_argument("--rss-docs", default="1000,10000", help="document counts for the memory runs")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--model", default="default")
    parser.add_argument("--quick", action="store_true", help="--docs 200 --rss-docs 100,1000")
    parser.add_argument("--skip-speed", action="store_true", help="only the memory (and resume) runs")
    parser.add_argument("--skip-rss", action="store_true")
    parser.add_argument("--skip-resume", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.docs, args.rss_docs = 200, "100,1000"
    if not DATA.is_dir():
        raise SystemExit(f"needs the shared corpora at {DATA}")
    result: dict = {"machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                                "python": platform.python_version(), "load_avg": os.getloadavg()},
                    "batch_size": args.batch_size, "model": args.model}
    with tempfile.TemporaryDirectory(prefix="claimx-scale-") as tmp:
        tmp = Path(tmp)
        corpus = write_corpus(tmp, args.docs, abstracts_only=True)
        speed = {}
        if not args.skip_speed:
            for workers in (1, 2):
                speed[workers] = run(corpus, tmp / f"speed-{workers}", workers, args.batch_size, args.model)
            result["speed"] = {f"{w} worker{'s' if w > 1 else ''}": v for w, v in speed.items()}
            result["speedup_2_vs_1"] = round(speed[2]["words_per_s"] / speed[1]["words_per_s"], 2)
            result["steady_speedup_2_vs_1"] = round(
                speed[2]["steady_words_per_s"] / speed[1]["steady_words_per_s"], 2)
        if not args.skip_rss:
            rss = {}
            for n in (int(x) for x in args.rss_docs.split(",")):
                rss[n] = run(write_corpus(tmp, n), tmp / f"rss-{n}", 1, args.batch_size, args.model)
            result["memory"] = {f"{n} documents": v for n, v in rss.items()}
            small, large = (rss[min(rss)], rss[max(rss)])
            result["rss_growth"] = round(large["worker_peak_rss_mb"] / small["worker_peak_rss_mb"] - 1, 3)
        if not args.skip_resume:
            result["resume"] = resume_after_kill(corpus, tmp / "resume", args.docs, 2, args.batch_size, args.model)
            if speed:
                result["resume"]["uninterrupted_s"] = speed[2]["seconds"]
    result["machine"]["load_avg_after"] = os.getloadavg()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
