"""How `claimx review` copes with 1,000 documents: page build time and size, and in headless
Chromium the time to load the page, open a document, filter and sort the mentions table and build
the gold export of every document.

The run is built from ../shared/data/bc5cdr (train + dev: 1,000 PubMed abstracts): each abstract is
a text file and a `documents` row, and its gold Chemical/Disease spans become `mentions` rows (about
the mention density of a real run), so the page holds real texts and offsets without the cost of an
extract run. One long document is added: the longest article of ../shared/data/citations dev
(about 110,000 characters) with a mention on every 8th word and a second, overlapping one on every
24th (about 2,500 spans), to time drawing a long, dense text. Nothing from the corpus is written
into the project.

    python benchmarks/review_scale.py [--docs 1000] [--repeat 3]

Prints one JSON object; docs/review.md records the figures.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "bc5cdr"
LONG = ROOT.parent / "shared" / "data" / "citations" / "dev.jsonl"
LABELS = ("DRUG", "DOSE", "DURATION", "OUTCOME", "SAMPLE_SIZE", "DISEASE")


def build_run(folder: Path, n_docs: int) -> Path:
    from extractor.tables.rows import DOCUMENT_COLUMNS, MENTION_COLUMNS, to_frame
    from extractor.tables.writers import write_tables

    records = []
    for split in ("train", "dev"):
        with open(DATA / f"{split}.jsonl", encoding="utf-8") as f:
            records.extend(json.loads(line) for line in f)
    records = records[:n_docs]
    with open(LONG, encoding="utf-8") as f:
        article = max((json.loads(line) for line in f), key=lambda r: len(r["text"]))
    words = list(re.finditer(r"\S+", article["text"]))
    spans = [{"start": m.start(), "end": m.end(), "label": LABELS[k % len(LABELS)], "text": m.group()}
             for k, m in enumerate(words[::8])]
    spans += [{"start": a.start(), "end": b.end(), "label": "OUTCOME", "text": article["text"][a.start():b.end()]}
              for a, b in zip(words[::24], words[2::24])]
    records.append({"id": "long-article", "text": article["text"], "spans": spans})
    papers = folder / "papers"
    papers.mkdir(parents=True)
    documents, mentions = [], []
    for record in records:
        path = papers / f"{record['id']}.txt"
        path.write_text(record["text"], encoding="utf-8")
        text = path.read_text(encoding="utf-8")
        documents.append({"doc_id": record["id"], "source": str(path), "n_chars": len(text),
                          "n_words": len(text.split()), "n_sentences": text.count(". ") + 1, "status": "ok"})
        for span in record["spans"]:
            mesh = [m for m in span.get("mesh", []) if m != "-1"]
            mentions.append({"doc_id": record["id"], "sent_id": 0, "start": span["start"], "end": span["end"],
                             "label": span["label"].upper(), "text": span["text"],
                             "concept_id": mesh[0] if mesh else None, "negated": False, "hedged": False,
                             "source": "bc5cdr-gold"})
    out = folder / "run"
    write_tables({"documents": to_frame(documents, DOCUMENT_COLUMNS),
                  "mentions": to_frame(mentions, MENTION_COLUMNS)}, out, "csv")
    return out


def chromium(profile: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1400,900"):
        options.add_argument(flag)
    return webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))


# each returns milliseconds measured inside the page (performance.now), the DOM work included
BROWSER_STEPS = {
    "open_long_document_at_end_of_list": """
        const t0 = performance.now();
        const f = document.getElementById('doc-filter');
        f.value = ''; f.dispatchEvent(new Event('input'));
        const list = document.getElementById('doc-list');
        list.scrollTop = list.scrollHeight; list.dispatchEvent(new Event('scroll'));
        const rows = list.querySelectorAll('.vrow'); rows[rows.length - 1].click();
        if (document.getElementById('doc-title').textContent !== 'long-article') throw new Error('wrong document');
        return performance.now() - t0;""",
    "open_an_abstract_by_filter": """
        const t0 = performance.now();
        const f = document.getElementById('doc-filter');
        f.value = window.claimxBenchId; f.dispatchEvent(new Event('input'));
        document.querySelector('#doc-list .vrow').click();
        return performance.now() - t0;""",
    "filter_mentions": """
        const t0 = performance.now();
        const f = document.getElementById('table-filter');
        f.value = 'label:CHEMICAL lithium'; f.dispatchEvent(new Event('input'));
        return performance.now() - t0;""",
    "sort_mentions_by_text": """
        const f = document.getElementById('table-filter');
        f.value = ''; f.dispatchEvent(new Event('input'));
        const t0 = performance.now();
        document.querySelector('#table th[data-col="text"]').click();
        return performance.now() - t0;""",
    "click_row_to_span": """
        const t0 = performance.now();
        const rows = document.querySelectorAll('#table tbody tr'); rows[rows.length - 1].click();
        return performance.now() - t0;""",
    "gold_export_all": """
        const t0 = performance.now();
        if (!window.claimxReview.goldLines('all').length) throw new Error('nothing exported');
        return performance.now() - t0;""",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"needs {DATA} (../shared/data beside the checkout)")
    from extractor.review import write_review

    with tempfile.TemporaryDirectory() as tmp:
        run = build_run(Path(tmp), args.docs)
        builds = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            page, payload = write_review(run)
            builds.append(time.perf_counter() - t0)
        n_mentions = len(payload["tables"]["mentions"]["rows"])
        result = {
            "documents": len(payload["documents"]), "mentions": n_mentions,
            "build_s": round(statistics.median(builds), 2), "html_mb": round(page.stat().st_size / 1e6, 2),
            "machine": f"{platform.machine()}, {platform.python_version()}",
        }
        driver = chromium(Path(tmp) / "profile")
        try:
            loads, steps = [], {name: [] for name in BROWSER_STEPS}
            for _ in range(args.repeat):
                driver.get(page.resolve().as_uri())
                loads.append(driver.execute_script(
                    "const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd - n.startTime;"))
                driver.execute_script("window.claimxBenchId = arguments[0]", payload["documents"][500]["id"])
                for name, script in BROWSER_STEPS.items():
                    steps[name].append(driver.execute_script(script))
            result["page_load_ms"] = round(statistics.median(loads))
            result.update({f"{name}_ms": round(statistics.median(v), 1) for name, v in steps.items()})
            result["chromium"] = driver.capabilities.get("browserVersion")
        finally:
            driver.quit()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
