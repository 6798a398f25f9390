"""`claimx review`: the payload and page (no browser), then the page itself in headless Chromium."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.errors import OutputError, UsageError
from extractor.review import build_payload, json_for_html, load_labels, render_html, write_review
from extractor.tables.read import read_table
from extractor.tables.rows import MENTION_LABELS
from extractor.tables.writers import write_frame
from tests.conftest import ROOT, extract_in_this_process

runner = CliRunner()
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

# invented texts: one with markup that must show as text, one with a character outside the BMP before a span
TEXTS = {
    "trial": "Ketamine 0.35 mg/kg/h was infused for 4.2 days in 30 patients [1,2].\n"
             "Pain scores were lower at 12 weeks, but function did not improve.\n",
    "markup": "Authors pasted <script>alert(1)</script> and <b>bold</b> into the abstract.\n"
              "The \U0001d6fc-agonist clonidine and naloxone were compared.\n",
}
# mention rows the test adds to what `extract` found: (doc, text, label, attributes)
EXTRA_MENTIONS = [
    ("trial", "Ketamine", "DRUG", {"concept_id": "DB01221", "concept_name": "Ketamine"}),
    ("trial", "0.35 mg/kg/h", "DOSE", {"value": "0.35", "unit": "mg/kg/h", "norm_value": 0.35, "norm_unit": "mg/kg/h"}),
    ("trial", "4.2 days", "DURATION", {"value": "4.2", "unit": "day", "norm_value": 4.2, "norm_unit": "d"}),
    ("trial", "4.2 days", "TIMEPOINT", {"value": "4.2", "unit": "day", "norm_value": 4.2, "norm_unit": "d"}),
    ("trial", "30 patients", "SAMPLE_SIZE", {"value": "30", "norm_value": 30.0}),
    ("trial", "[1,2]", "CITATION", {}),
    ("trial", "12 weeks", "TIMEPOINT", {"value": "12", "unit": "week", "norm_value": 84.0, "norm_unit": "d"}),
    ("trial", "Pain scores", "OUTCOME", {}),
    ("markup", "clonidine", "DRUG", {"concept_id": "DB00575"}),
    ("markup", "<b>bold</b>", "CHEMICAL", {"concept_name": "<img src=x onerror=alert(2)>"}),
    ("markup", "naloxone", "DRUG", {"concept_id": "DB01183"}),
]


HOSTILE_ID = "<img src=x onerror=alert(3)>"


def _offsets(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def _append(out: Path, name: str, rows: list[dict], key: list[str]) -> None:
    """Put known rows into a table of the run (or create it). The run's own rows of the
    documents these rows belong to are replaced, so the browser checks do not depend on
    what the evolving pipeline finds there; other documents keep the real output."""
    try:
        frame = read_table(out, name)
    except OutputError:  # the table does not exist in this run yet
        frame = pd.DataFrame()
    known = pd.DataFrame(rows)
    if len(frame):
        frame = frame[~frame["doc_id"].astype(str).isin(set(known["doc_id"]))]
    frames = [f for f in (frame, known) if len(f)]
    merged = pd.concat(frames, ignore_index=True).drop_duplicates(subset=key)
    path = write_frame(merged, out / f"{name}.csv", "csv")
    state_path = out / ".claimx" / "state.json"  # extract records each table's committed size
    if state_path.exists():
        state = json.loads(state_path.read_text(encoding="utf-8"))
        state.setdefault("sizes", {})[name] = path.stat().st_size
        state_path.write_text(json.dumps(state), encoding="utf-8")


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    """A real `claimx extract` run over the invented texts, with known mentions, citations and a claim added."""
    base = tmp_path_factory.mktemp("review")
    src = base / "papers"
    src.mkdir()
    for name, text in TEXTS.items():
        (src / f"{name}.txt").write_text(text, encoding="utf-8")
    (src / "broken.txt").write_bytes(b"")  # an error row: listed, no text
    (src / f"{HOSTILE_ID}.txt").write_text("A file name with markup.", encoding="utf-8")
    out = base / "run"
    with pytest.MonkeyPatch.context() as monkeypatch:
        extract_in_this_process(monkeypatch)
        result = runner.invoke(app, ["extract", str(src), "--out", str(out)])
    assert result.exit_code == 1, result.output  # 1: the empty file failed, the rest was written
    mentions = []
    for doc, needle, label, attrs in EXTRA_MENTIONS:
        start, end = _offsets(TEXTS[doc], needle)
        mentions.append({"doc_id": doc, "sent_id": 0, "start": start, "end": end, "label": label, "text": needle,
                         "source": "test", **attrs})
    _append(out, "mentions", mentions, ["doc_id", "start", "end", "label"])
    start, end = _offsets(TEXTS["trial"], "[1,2]")
    _append(out, "citations", [{"doc_id": "trial", "sent_id": 0, "start": start, "end": end, "text": "[1,2]",
                                "refs": "1;2", "style": "numeric", "ref_ids": "r1;r2"}], ["doc_id", "start", "end"])
    _append(out, "references", [
        {"doc_id": "trial", "ref_id": "r1", "label": "1", "authors": "Sigtermans MJ;van Hilten JJ", "year": 2009,
         "title": "Ketamine produces effective and long-term pain relief", "journal": "Pain", "volume": "145",
         "pages": "304-311", "raw": "1. Sigtermans MJ, van Hilten JJ. Ketamine produces ..."},
        {"doc_id": "trial", "ref_id": "r2", "label": "2", "authors": "Lee C", "year": 2004, "year_suffix": "b",
         "title": "A second trial", "raw": "2. Lee C. A second trial."}], ["doc_id", "ref_id"])
    start, end = _offsets(TEXTS["trial"], "Ketamine")
    _append(out, "regimens", [{"doc_id": "trial", "sent_id": 0, "drug": "Ketamine", "dose": "0.35 mg/kg/h",
                               "route": None, "frequency": None, "duration": "4.2 days", "sample_size": "30 patients",
                               "start": start, "end": end}], ["doc_id", "start", "end"])
    sentence = "Pain scores were lower at 12 weeks, but function did not improve."
    start, end = _offsets(TEXTS["trial"], sentence)
    _append(out, "claims", [{"doc_id": "trial", "sent_id": 1, "start": start, "end": end, "text": sentence,
                             "claim_type": "finding", "direction": "decrease", "significant": None, "hedged": False,
                             "negated": False, "outcomes": "Pain scores", "durations": "", "drugs": "",
                             "timepoints": "12 weeks"}], ["doc_id", "start", "end"])
    return out


# ---------- without a browser ----------

@pytest.mark.parametrize("data, forbidden", [
    ("</script><script>alert(1)</script>", "</script"),
    ("<!-- x", "<!--"),
    ("a & b > c", "&"),
], ids=["close-script", "comment", "ampersand"])
def test_json_for_html_escapes_markup(data, forbidden):
    text = json_for_html({"t": data})
    assert forbidden not in text
    assert json.loads(text) == {"t": data}


def test_page_has_only_our_scripts_and_no_network(run):
    payload, texts = build_payload(run)
    html = render_html(payload, texts)
    assert html.count("<script>") == 1  # the page's own script; data blocks are application/json
    assert len(re.findall(r'<script type="application/json"', html)) == 1 + sum(t is not None for t in texts)
    assert "<script>alert(1)" not in html and "<b>bold" not in html
    assert not re.search(r"(src|href)=[\"']?(https?:)?//", html), "page must not load anything from the network"
    assert "default-src 'none'" in html


def test_payload_documents_tables_and_lists(run):
    payload, texts = build_payload(run)
    docs = {d["id"]: d for d in payload["documents"]}
    assert docs["broken"]["has_text"] is False and docs["broken"]["problem"] == "empty file"
    assert texts[[d["id"] for d in payload["documents"]].index("markup")] == TEXTS["markup"]
    citations = payload["tables"]["citations"]
    row = dict(zip(citations["columns"], citations["rows"][-1]))
    assert row["refs"] == ["1", "2"]
    assert payload["tables"]["claims"] is not None


@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonl", "xlsx"])
def test_every_output_format_reads_back(tmp_path, fmt):
    from extractor.tables.rows import CITATION_COLUMNS, DOCUMENT_COLUMNS, to_frame
    from extractor.tables.writers import write_tables

    text = "Shown before [3-5] and since [12]."
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    docs = [{"doc_id": "007", "source": str(tmp_path / "a.txt"), "n_chars": len(text), "n_words": 6,
             "n_sentences": 1, "status": "ok"}]
    cites = [{"doc_id": "007", "sent_id": 0, "start": 13, "end": 18, "text": "[3-5]", "refs": ["3", "4", "5"],
              "style": "numeric"},
             {"doc_id": "007", "sent_id": 0, "start": 29, "end": 33, "text": "[12]", "refs": ["12"],
              "style": "numeric"}]
    write_tables({"documents": to_frame(docs, DOCUMENT_COLUMNS), "citations": to_frame(cites, CITATION_COLUMNS)},
                 tmp_path / "o", fmt)
    payload, texts = build_payload(tmp_path / "o")
    table = payload["tables"]["citations"]
    rows = [dict(zip(table["columns"], row)) for row in table["rows"]]
    assert [r["refs"] for r in rows] == [["3", "4", "5"], ["12"]]
    assert {r["doc_id"] for r in rows} == {payload["documents"][0]["id"]}  # ids match whatever the format
    assert texts == [text] and payload["tables"]["mentions"] is None


def test_missing_tables_are_none(tmp_path, extract_here):
    (tmp_path / "a.txt").write_text("Naloxone was given.", encoding="utf-8")
    result = runner.invoke(app, ["extract", str(tmp_path / "a.txt"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    (tmp_path / "o" / "mentions.csv").unlink()
    payload, _ = build_payload(tmp_path / "o")
    assert payload["tables"]["mentions"] is None
    assert payload["tables"]["regimens"] is None or payload["tables"]["regimens"]["columns"][0] == "doc_id"


@pytest.mark.parametrize("source, reason", [
    ("-", "standard input"),
    ("does/not/exist.txt", "cannot re-read"),
], ids=["stdin", "missing-file"])
def test_unreadable_source_is_a_problem_not_a_failure(tmp_path, source, reason):
    out = tmp_path / "o"
    out.mkdir()
    write_frame(pd.DataFrame([{"doc_id": "d", "source": source, "n_chars": 5, "n_words": 1, "n_sentences": 1,
                               "status": "ok", "error": None}]), out / "documents.csv", "csv")
    payload, texts = build_payload(out)
    assert texts == [None]
    assert reason in payload["documents"][0]["problem"]


def test_changed_source_text_is_flagged(tmp_path, extract_here):
    (tmp_path / "a.txt").write_text("Naloxone was given.", encoding="utf-8")
    runner.invoke(app, ["extract", str(tmp_path / "a.txt"), "--out", str(tmp_path / "o")])
    (tmp_path / "a.txt").write_text("Naloxone was given twice.", encoding="utf-8")
    payload, _ = build_payload(tmp_path / "o")
    assert "changed since extract" in payload["documents"][0]["problem"]


def test_every_mention_label_has_a_colour():
    assert set(MENTION_LABELS) <= {record["label"] for record in load_labels()}


@pytest.mark.parametrize("make", [
    lambda p: p / "missing",
    lambda p: p,  # a folder without a documents table
], ids=["missing-folder", "not-a-run"])
def test_bad_out_dir_is_a_usage_error(tmp_path, make):
    with pytest.raises(UsageError):
        write_review(make(tmp_path))


def test_cli_bad_input_is_one_line_exit_2(tmp_path):
    r = subprocess.run([sys.executable, str(ROOT / "cli.py"), "review", str(tmp_path / "nope")],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "not a folder" in r.stderr


def test_cli_writes_the_page(run, tmp_path):
    result = runner.invoke(app, ["review", str(run), "--out", str(tmp_path / "r.html")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_help_has_an_example():
    result = runner.invoke(app, ["review", "--help"])
    assert result.exit_code == 0 and "Example:" in result.output


# ---------- in a real browser ----------

@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if CHROMIUM is None or CHROMEDRIVER is None:
        pytest.skip("no chromium/chromedriver binary (Debian: apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tmp_path_factory.mktemp("chromium-profile")
    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1400,900"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def page(run, browser):
    path, _ = write_review(run)
    browser.get(path.resolve().as_uri())
    return browser


def js(driver, script, *args):
    return driver.execute_script(script, *args)


def open_doc(driver, doc_id):
    js(driver, "document.getElementById('doc-filter').value = arguments[0];"
               "document.getElementById('doc-filter').dispatchEvent(new Event('input'));", doc_id)
    driver.find_element("css selector", "#doc-list .vrow[data-doc]").click()
    assert driver.find_element("id", "doc-title").text == doc_id


def test_markup_in_a_paper_shows_as_text(page):
    from selenium.common.exceptions import NoAlertPresentException

    open_doc(page, "markup")
    text = page.find_element("id", "doc-text")
    assert "<script>alert(1)</script>" in text.text and "<b>bold</b>" in text.text
    assert not text.find_elements("css selector", "script, b")
    next(m for m in text.find_elements("css selector", ".m") if m.text == "<b>bold</b>").click()
    detail = page.find_element("id", "detail")
    assert "<img src=x onerror=alert(2)>" in detail.text and not detail.find_elements("css selector", "img, b")
    page.find_element("css selector", '#tabs [data-table="mentions"]').click()
    assert not page.find_elements("css selector", "#table img, #table b")
    # a file name with markup: extract makes ids safe as file names, the page shows that id as text
    open_doc(page, "_img_src_x_onerror_alert_3__")
    assert not page.find_elements("css selector", "body img")
    with pytest.raises(NoAlertPresentException):
        page.switch_to.alert.text  # noqa: B018 - raises when no alert was opened


def test_spans_are_highlighted_with_overlaps(page):
    open_doc(page, "trial")
    marks = page.find_elements("css selector", "#doc-text .m")
    assert "Ketamine" in [m.text for m in marks]
    both = [m for m in marks if m.text == "4.2 days"]  # DURATION and TIMEPOINT on the same text
    assert len(both) == 1 and set(both[0].get_attribute("data-tags").split()) == {"DURATION", "TIMEPOINT"}
    assert js(page, "return arguments[0].style.backgroundImage.split('linear-gradient').length - 1", both[0]) == 2
    legend = [c.text for c in page.find_elements("css selector", "#legend .chip")]
    assert {"DRUG", "DOSE", "CITATION"} <= set(legend)


def test_a_marker_shows_the_references_it_cites(page):
    open_doc(page, "trial")
    marker = next(m for m in page.find_elements("css selector", "#doc-text .m") if m.text == "[1,2]")
    title = marker.get_attribute("title")
    assert "cites [1] Sigtermans MJ, van Hilten JJ (2009). Ketamine produces effective" in title
    assert "cites [2] Lee C (2004b). A second trial" in title
    marker.click()
    cites = page.find_element("css selector", "#detail .span-card .cites")
    lines = [r.text for r in cites.find_elements("css selector", ".reference")]
    assert lines[0].startswith("[1] Sigtermans MJ, van Hilten JJ (2009). Ketamine") and "Pain 145 304-311" in lines[0]
    assert len(lines) == 2
    page.find_element("css selector", '#tabs [data-table="references"]').click()
    assert "references (2)" in page.find_element("css selector", '#tabs [data-table="references"]').text


def test_filter_a_table_and_jump_to_the_span(page):
    open_doc(page, "markup")  # start elsewhere: the click must switch documents
    page.find_element("css selector", '#tabs [data-table="mentions"]').click()
    box = page.find_element("id", "table-filter")
    box.clear()
    box.send_keys("label:DOSE mg/kg")
    rows = page.find_elements("css selector", "#table tbody tr")
    assert len(rows) == 1 and "0.35 mg/kg/h" in rows[0].text
    rows[0].click()
    assert page.find_element("id", "doc-title").text == "trial"
    flashed = page.find_elements("css selector", "#doc-text .m.flash")
    assert "".join(f.text for f in flashed) == "0.35 mg/kg/h"
    card = page.find_element("css selector", "#detail .span-card.focus")
    assert "mg/kg/h" in card.text and "norm_value" in card.text


def test_sorting_a_table(page):
    page.find_element("id", "table-filter").clear()
    js(page, "document.getElementById('table-filter').dispatchEvent(new Event('input'))")
    page.find_element("css selector", '#table th[data-col="start"]').click()
    page.find_element("css selector", '#table th[data-col="start"]').click()  # descending
    starts = [int(td.text) for td in page.find_elements("css selector", "#table tbody tr td:nth-child(3)")]
    assert starts == sorted(starts, reverse=True) and len(starts) > 3


def test_regimen_row_jumps_to_its_drug(page):
    open_doc(page, "markup")
    page.find_element("css selector", '#tabs [data-table="regimens"]').click()
    row = next(r for r in page.find_elements("css selector", "#table tbody tr") if "Ketamine" in r.text)
    assert "0.35 mg/kg/h" in row.text and "4.2 days" in row.text
    row.click()
    assert page.find_element("id", "doc-title").text == "trial"
    assert [f.text for f in page.find_elements("css selector", "#doc-text .m.flash")] == ["Ketamine"]
    assert page.find_element("css selector", "#detail .span-card.focus").get_attribute("data-key") == "0:8:DRUG"


def test_claim_shows_direction_and_linked_mentions(page):
    page.find_element("css selector", '#tabs [data-table="claims"]').click()
    page.find_element("css selector", "#table tbody tr").click()
    card = page.find_element("css selector", "#detail .claim-card")
    assert "decrease" in card.text and "finding" in card.text
    assert {c.text for c in card.find_elements("css selector", ".links .chip")} == {"Pain scores", "12 weeks"}
    overlined = page.find_elements("css selector", "#doc-text .c")  # claim sentences are marked in the text
    assert "".join(f.text for f in overlined) == "Pain scores were lower at 12 weeks, but function did not improve."
    focused = page.find_elements("css selector", "#doc-text .claim-focus")
    assert "".join(f.text for f in focused).startswith("Pain scores were lower")


def test_reject_add_export_and_reload(page, run):
    open_doc(page, "trial")
    page.find_element("css selector", '#tabs [data-table="mentions"]').click()
    box = page.find_element("id", "table-filter")
    box.clear()
    box.send_keys("ketamine label:DRUG")
    page.find_element("css selector", "#table tbody tr").click()
    page.find_element("css selector", '#detail .span-card.focus[data-key="0:8:DRUG"] button.reject').click()
    assert page.find_elements("css selector", '#detail .span-card[data-key="0:8:DRUG"] .status.rejected')

    # relabel TIMEPOINT 12 weeks -> DURATION
    page.find_element("id", "table-filter").clear()
    page.find_element("id", "table-filter").send_keys("12 weeks")
    page.find_element("css selector", "#table tbody tr").click()
    card = page.find_element("css selector", "#detail .span-card.focus")
    from selenium.webdriver.support.ui import Select

    Select(card.find_element("css selector", "select.label-select")).select_by_value("DURATION")

    # add a missed OUTCOME by selecting "function" in the text
    js(page, """
        const box = document.getElementById('doc-text');
        const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
        let node;
        while ((node = walker.nextNode()) && !node.data.includes('function')) {}
        const i = node.data.indexOf('function');
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 'function '.length);  // trailing space is trimmed
        const sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        box.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
    """)
    time.sleep(0.2)  # the page reads the selection after the mouseup event
    assert page.find_element("id", "add-text").text == "function"
    Select(page.find_element("id", "add-label")).select_by_value("OUTCOME")
    page.find_element("id", "add-btn").click()
    assert page.find_elements("css selector", "#detail .span-card .status.added")

    # the reload keeps every decision (localStorage keyed by the run)
    reload_until_reviewed(page, "trial")
    tags = [m.get_attribute("data-tags") for m in page.find_elements("css selector", "#doc-text .m[data-tags]")]
    assert "\u2717DRUG" in tags and "OUTCOME" in tags

    page.find_element("id", "export-btn").click()
    target = page.downloads / f"{run.resolve().name}-gold.jsonl"
    for _ in range(100):
        if target.exists() and target.stat().st_size:
            break
        time.sleep(0.05)
    records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    check_gold(records)
    check_evaluate_reads_export(target, run)


def reload_until_reviewed(page, doc_id, tries=20):
    """Reload the page until it shows `doc_id` as reviewed. Chromium hands a page's
    localStorage writes to its storage service asynchronously, so on a loaded machine a
    reload in the same instant can read the state from before the last write."""
    for _ in range(tries):
        page.refresh()
        open_doc(page, doc_id)
        if page.find_element("id", "doc-reviewed").is_selected():
            return
        time.sleep(0.25)
    raise AssertionError(f"{doc_id} is not marked reviewed after {tries} reloads: the decisions were not saved")


def check_evaluate_reads_export(target, run):
    """`claimx evaluate` takes the exported corrections as they are: the run's tables score
    against them with the rejected span as spurious and the added one as missed."""
    from typer.testing import CliRunner

    from extractor.cli import app
    from extractor.evaluation import evaluate

    result = CliRunner().invoke(app, ["evaluate", str(target), "--pred", str(run)])
    assert result.exit_code == 0, result.output
    labels = evaluate([str(target)], pred=run).scores.labels
    assert "DRUG" not in labels  # the only DRUG was rejected: the gold has none to score
    assert labels["OUTCOME"].strict.fn >= 1  # the added "function"
    assert labels["CITATION"].strict.f1 == 1.0


def check_gold(records):
    assert [r["id"] for r in records] == ["trial"]  # only the reviewed document
    (gold,) = records
    assert gold["text"] == TEXTS["trial"]
    assert set(gold) >= {"id", "text", "spans", "claims"}
    for span in gold["spans"] + gold["claims"]:
        assert gold["text"][span["start"]:span["end"]] == span["text"]
    labels = {(s["text"], s["label"]) for s in gold["spans"]}
    assert ("Ketamine", "DRUG") not in labels  # rejected
    assert ("function", "OUTCOME") in labels  # added
    assert ("12 weeks", "DURATION") in labels and ("12 weeks", "TIMEPOINT") not in labels  # relabelled
    dose = next(s for s in gold["spans"] if s["label"] == "DOSE")
    assert dose["norm_value"] == 0.35 and dose["norm_unit"] == "mg/kg/h"
    citation = next(s for s in gold["spans"] if s["label"] == "CITATION")
    assert citation["refs"] == ["1", "2"]
    (claim,) = gold["claims"]
    assert claim["direction"] == "decrease" and claim["outcomes"] == ["Pain scores"]


def test_offsets_survive_characters_outside_the_bmp(page):
    open_doc(page, "markup")
    lines = js(page, "return window.claimxReview.goldLines('all')")
    gold = next(json.loads(line) for line in lines if json.loads(line)["id"] == "markup")
    spans = {s["text"]: s for s in gold["spans"]}
    assert gold["text"][spans["naloxone"]["start"]:spans["naloxone"]["end"]] == "naloxone"
    marks = [m.text for m in page.find_elements("css selector", "#doc-text .m")]
    assert "naloxone" in marks and "clonidine" in marks


@pytest.fixture(scope="module")
def big_page(tmp_path_factory, browser):
    """1,000 small documents with 3 mentions each, written with the real table writers."""
    from extractor.tables.rows import DOCUMENT_COLUMNS, MENTION_COLUMNS, to_frame
    from extractor.tables.writers import write_tables

    base = tmp_path_factory.mktemp("big")
    documents, mentions = [], []
    for k in range(1000):
        text = f"Patient {k} took aspirin 100 mg daily for {k % 30 + 1} days.\n"
        path = base / f"doc-{k:04d}.txt"
        path.write_text(text, encoding="utf-8")
        documents.append({"doc_id": f"doc-{k:04d}", "source": str(path), "n_chars": len(text), "n_words": 9,
                          "n_sentences": 1, "status": "ok"})
        for needle, label in (("aspirin", "DRUG"), ("100 mg", "DOSE"), (f"{k % 30 + 1} days", "DURATION")):
            start, end = _offsets(text, needle)
            mentions.append({"doc_id": f"doc-{k:04d}", "sent_id": 0, "start": start, "end": end, "label": label,
                             "text": needle, "negated": False, "hedged": False, "source": "test"})
    write_tables({"documents": to_frame(documents, DOCUMENT_COLUMNS),
                  "mentions": to_frame(mentions, MENTION_COLUMNS)}, base / "run", "parquet")
    path, _ = write_review(base / "run")
    browser.get(path.resolve().as_uri())
    return browser


def test_thousand_documents_render_lazily(big_page):
    rows = big_page.find_elements("css selector", "#doc-list .vrow")
    assert 0 < len(rows) < 100  # a virtual list: only the visible rows exist
    assert big_page.find_element("id", "doc-count").text.startswith("1000 of 1000 documents")
    assert len(big_page.find_elements("css selector", "#doc-text [data-s]")) < 20  # one document's text only
    open_doc(big_page, "doc-0999")
    assert big_page.find_element("id", "doc-text").text.startswith("Patient 999 took aspirin")
    big_page.find_element("css selector", '#tabs [data-table="mentions"]').click()
    assert big_page.find_element("id", "page-info").text == "1 / 30"
    assert len(big_page.find_elements("css selector", "#table tbody tr")) == 100
    big_page.find_element("id", "page-next").click()
    assert big_page.find_element("id", "page-info").text == "2 / 30"
    first = big_page.find_element("css selector", "#table tbody tr td").text
    assert first == "doc-0033"  # rows 100-102 belong to the 34th document


def test_keyboard_review(big_page):
    from selenium.webdriver.common.action_chains import ActionChains

    open_doc(big_page, "doc-0007")
    big_page.find_element("id", "doc-text").click()
    ActionChains(big_page).send_keys("j", "j", "r").perform()
    card = big_page.find_element("css selector", "#detail .span-card.focus")
    assert card.get_attribute("data-key").endswith(":DOSE") and card.find_elements("css selector", ".status.rejected")
    ActionChains(big_page).send_keys("u").perform()
    assert big_page.find_elements("css selector", "#detail .span-card.focus .status.pending")
