"""Make docs/review.png: the review page of a small run over invented texts, in headless Chromium.

Runs the real `claimx extract` on the texts below, adds the annotations listed here (so the
picture shows every kind of span, overlaps and a claim whatever the pipeline finds), writes the
page with `claimx review` and photographs it with one span selected.

    python benchmarks/review_screenshot.py [--out docs/review.png]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TEXTS = {
    "commentary-ketamine": (
        "Low-dose ketamine for refractory neuropathic pain\n\n"
        "In a randomised trial, 48 patients with refractory neuropathic pain received intravenous ketamine "
        "0.25 mg/kg/h for 5 days, and 46 received saline [3]. Mean pain scores fell by 2.1 points at week 4 "
        "(p = 0.01) but drifted back towards baseline by week 12 [4,7]. Sleep quality did not improve.\n\n"
        "Ketamine might reduce central sensitisation, yet so small a sample limits what can be concluded "
        "[9\u201311]. Larger trials with longer follow-up are needed.\n"
    ),
    "abstract-markup": "Authors pasted <script>alert(1)</script> and <b>bold</b> markup; it shows as text.\n",
}
DOC = "commentary-ketamine"
# (text, occurrence, label, attributes)
MENTIONS = [
    ("48 patients", 0, "SAMPLE_SIZE", {"value": "48", "norm_value": 48.0}),
    ("refractory neuropathic pain", 1, "DISEASE", {"concept_id": "MESH:D009437"}),
    ("neuropathic pain", 1, "DISEASE", {"concept_id": "MESH:D009437"}),
    ("intravenous", 0, "ROUTE", {"value": "intravenous"}),
    ("ketamine", 1, "DRUG", {"concept_id": "DB01221", "concept_name": "Ketamine"}),
    ("0.25 mg/kg/h", 0, "DOSE", {"value": "0.25", "unit": "mg/kg/h", "norm_value": 0.25, "norm_unit": "mg/kg/h"}),
    ("5 days", 0, "DURATION", {"value": "5", "unit": "day", "norm_value": 5.0, "norm_unit": "d"}),
    ("46", 0, "SAMPLE_SIZE", {"value": "46", "norm_value": 46.0}),
    ("saline", 0, "CHEMICAL", {"concept_id": "MESH:D012965"}),
    ("[3]", 0, "CITATION", {}),
    ("pain scores", 0, "OUTCOME", {}),
    ("2.1 points", 0, "STATISTIC", {"value": "2.1"}),
    ("week 4", 0, "TIMEPOINT", {"value": "4", "unit": "week", "norm_value": 28.0, "norm_unit": "d"}),
    ("p = 0.01", 0, "STATISTIC", {"value": "0.01"}),
    ("week 12", 0, "TIMEPOINT", {"value": "12", "unit": "week", "norm_value": 84.0, "norm_unit": "d"}),
    ("[4,7]", 0, "CITATION", {}),
    ("Sleep quality", 0, "OUTCOME", {"negated": True, "negation_cue": "did not"}),
    ("Ketamine", 0, "DRUG", {"concept_id": "DB01221", "concept_name": "Ketamine", "hedged": True,
                             "hedge_cue": "might"}),
    ("[9\u201311]", 0, "CITATION", {}),
]
CITATIONS = [("[3]", ["3"]), ("[4,7]", ["4", "7"]), ("[9\u201311]", ["9", "10", "11"])]
CLAIMS = [
    ("Mean pain scores fell by 2.1 points at week 4 (p = 0.01) but drifted back towards baseline by week 12 [4,7].",
     {"claim_type": "finding", "direction": "decrease", "significant": True, "outcomes": ["pain scores"],
      "timepoints": ["week 4", "week 12"], "citations": ["[4,7]"]}),
    ("Sleep quality did not improve.",
     {"claim_type": "finding", "direction": "no_change", "negated": True, "outcomes": ["Sleep quality"]}),
    ("Ketamine might reduce central sensitisation, yet so small a sample limits what can be concluded [9\u201311].",
     {"claim_type": "hypothesis", "direction": "decrease", "hedged": True, "drugs": ["Ketamine"],
      "citations": ["[9\u201311]"]}),
]


def find(text: str, needle: str, occurrence: int) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def merge(out: Path, name: str, rows: list[dict], key: list[str]) -> None:
    from extractor.errors import OutputError
    from extractor.tables.read import read_table
    from extractor.tables.writers import write_frame

    try:
        frame = read_table(out, name)
    except OutputError:
        frame = pd.DataFrame()
    for column in rows[0]:
        if isinstance(rows[0][column], list):
            for row in rows:
                row[column] = ";".join(row.get(column) or [])
    columns = list(frame.columns) + [c for c in rows[0] if c not in frame.columns]
    frames = [f for f in (frame, pd.DataFrame(rows, columns=columns)) if len(f)]
    write_frame(pd.concat(frames, ignore_index=True).drop_duplicates(subset=key), out / f"{name}.csv", "csv")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "review.png")
    args = parser.parse_args()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    text = TEXTS[DOC]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "papers").mkdir()
        for name, body in TEXTS.items():
            (tmp / "papers" / f"{name}.txt").write_text(body, encoding="utf-8")
        run = tmp / "run"
        subprocess.run([sys.executable, str(ROOT / "cli.py"), "extract", str(tmp / "papers"), "--out", str(run)],
                       cwd=tmp, check=True)
        merge(run, "mentions", [
            {"doc_id": DOC, "sent_id": 0, "start": s, "end": e, "label": label, "text": needle,
             "negated": False, "hedged": False, "source": "example", **attrs}
            for needle, k, label, attrs in MENTIONS for s, e in [find(text, needle, k)]
        ], ["doc_id", "start", "end", "label"])
        merge(run, "citations", [
            {"doc_id": DOC, "sent_id": 0, "start": s, "end": e, "text": needle, "refs": refs, "style": "numeric"}
            for needle, refs in CITATIONS for s, e in [find(text, needle, 0)]
        ], ["doc_id", "start", "end"])
        merge(run, "claims", [
            {"doc_id": DOC, "sent_id": i, "start": s, "end": e, "text": sentence, "claim_type": None,
             "direction": None, "significant": None, "hedged": False, "negated": False, "drugs": [], "doses": [],
             "durations": [], "outcomes": [], "sample_sizes": [], "citations": [], "timepoints": [], **attrs}
            for i, (sentence, attrs) in enumerate(CLAIMS) for s, e in [find(text, sentence, 0)]
        ], ["doc_id", "start", "end"])
        subprocess.run([sys.executable, str(ROOT / "cli.py"), "review", str(run)], check=True)

        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser")
        for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     f"--user-data-dir={tmp / 'profile'}", "--window-size=1400,860", "--hide-scrollbars"):
            options.add_argument(flag)
        driver = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))
        try:
            driver.get((run / "review.html").resolve().as_uri())
            next(r for r in driver.find_elements("css selector", "#doc-list .vrow") if DOC in r.text).click()
            driver.find_element("css selector", '#tabs [data-table="mentions"]').click()
            driver.find_element("id", "table-this-doc").click()
            for row in driver.find_elements("css selector", "#table tbody tr"):
                if "0.25 mg/kg/h" in row.text:
                    row.click()
                    break
            driver.find_element("css selector", "#detail .span-card.focus button.accept").click()
            driver.execute_script("document.getElementById('table-wrap').scrollLeft = 0")
            args.out.parent.mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(args.out))
        finally:
            driver.quit()
    print(args.out)


if __name__ == "__main__":
    main()
