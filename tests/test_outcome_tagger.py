"""`claimx train outcomes`: the derivation half only, bad input as one line, a tiny real run."""

import json

import pytest

from extractor.cli import main
from extractor.errors import UsageError
from extractor.learning.outcome_tagger import merged, read_derivation_half

TEXTS = [
    "Pain scores and nausea were lower with ketamine at 24 hours.",
    "The odd-numbered lines are the measurement half and are never read.",
    "Mortality at 30 days did not differ, but length of stay was shorter.",
]


def ebm_line(text, outcomes):
    spans = []
    for phrase in outcomes:
        start = text.index(phrase)
        spans.append({"start": start, "end": start + len(phrase), "label": "O"})
    return json.dumps({"text": text, "spans": spans})


@pytest.fixture
def tiny(tmp_path):
    path = tmp_path / "ebm.jsonl"
    lines = [ebm_line(TEXTS[0], ["Pain scores", "nausea"]), ebm_line(TEXTS[1], ["measurement half"]),
             ebm_line(TEXTS[2], ["Mortality", "length of stay"])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_reads_even_lines_only(tiny):
    train, dev = read_derivation_half(tiny)
    assert [r["text"] for r in dev] == [TEXTS[0]] and [r["text"] for r in train] == [TEXTS[2]]


def test_all_even_trains_on_the_checkpoint_lines_too(tiny):
    train, dev = read_derivation_half(tiny, all_even=True)
    assert [r["text"] for r in dev] == [TEXTS[0]] and [r["text"] for r in train] == [TEXTS[2], TEXTS[0]]


def test_overlapping_outcome_spans_are_merged():
    assert merged([(0, 11), (5, 20), (30, 35)]) == [(0, 20), (30, 35)]


@pytest.mark.parametrize("content, message", [
    (None, "not found"),
    ("this is not json\n", "not JSONL"),
    ('{"text": "Pain fell."}\n', "needs 'text' and a 'spans' list"),
    ('{"text": "Pain fell.", "spans": [{"start": 0, "end": 4, "label": "P"}]}\n', "no outcome spans"),
    ('{"text": "Pain fell.", "spans": [{"start": 0, "label": "O"}]}\n', "needs integer"),
    ('{"text": "Pain fell.", "spans": [{"start": 0, "end": 4, "label": "O"}]}\n', "too few documents"),
], ids=["missing", "not-json", "no-spans", "no-outcomes", "span-no-end", "one-document"])
def test_cli_bad_input_is_one_line_exit_2(tmp_path, capsys, content, message):
    path = tmp_path / "bad.jsonl"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "outcomes", "--ebm-nlp", str(path), "--out", str(tmp_path / "out")])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith("claimx: error:") and message in err
    with pytest.raises(UsageError):
        read_derivation_half(path)


def test_cli_tiny_run_writes_a_usable_tagger(tiny, tmp_path, capsys):
    from extractor.components.outcome_tagger import OutcomeTagger
    from extractor.learning.ner_training import blank_claimx

    with pytest.raises(SystemExit) as exit_info:
        main(["train", "outcomes", "--ebm-nlp", str(tiny), "--out", str(tmp_path / "tagger"), "--max-steps", "4"])
    assert exit_info.value.code == 0
    assert "steps" in capsys.readouterr().out
    tagger = OutcomeTagger(tmp_path / "tagger", outside_weight=0.5)
    doc = blank_claimx()("Pain scores fell.")
    spans = tagger.spans([doc])[0]
    assert all(0 <= s < e <= len(doc) for s, e in spans)


def test_cli_all_even_keeps_the_last_weights(tiny, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "outcomes", "--ebm-nlp", str(tiny), "--out", str(tmp_path / "tagger"), "--max-steps", "4",
              "--all-even"])
    assert exit_info.value.code == 0
    assert "trained on 2 documents, kept the weights after update 4" in capsys.readouterr().out
    assert (tmp_path / "tagger" / "config.cfg").is_file()
