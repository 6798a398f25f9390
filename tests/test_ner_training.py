"""`claimx train ner`: conversion, bad input, and a tiny real training run (a few sentences, few steps)."""

from __future__ import annotations

import json

import pytest

from extractor.cli import main
from extractor.errors import UsageError
from extractor.learning.ner_training import blank_claimx, convert, make_docs, read_ner_jsonl, train_ner

TINY = [
    {"text": "Cisplatin caused nephrotoxicity in rats.",
     "spans": [{"start": 0, "end": 9, "label": "Chemical"}, {"start": 17, "end": 31, "label": "Disease"}]},
    {"text": "Haloperidol-induced catalepsy was reversed by atropine.",
     "spans": [{"start": 0, "end": 11, "label": "Chemical"}, {"start": 20, "end": 29, "label": "Disease"},
               {"start": 46, "end": 54, "label": "Chemical"}]},
    {"text": "Patients with migraine received sumatriptan.",
     "spans": [{"start": 14, "end": 22, "label": "Disease"}, {"start": 32, "end": 43, "label": "Chemical"}]},
]


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture()
def tiny(tmp_path):
    return write_jsonl(tmp_path / "tiny.jsonl", TINY)


@pytest.fixture(scope="module")
def blank():
    """blank_claimx(), once for the tests that only tokenize with it."""
    return blank_claimx()


def test_labels_are_mapped_and_other_labels_ignored(tmp_path):
    rec = {"text": "Aspirin and pain.", "spans": [{"start": 0, "end": 7, "label": "Chemical"},
                                                 {"start": 12, "end": 16, "label": "Symptom"}]}
    records = read_ner_jsonl(write_jsonl(tmp_path / "a.jsonl", [rec]))
    assert records[0]["spans"] == [(0, 7, "CHEMICAL")]


@pytest.mark.parametrize("text, span, expected", [
    ("Haloperidol-induced catalepsy", (0, 11), "Haloperidol"),
    ("ergotamine/caffeine in migraine", (11, 19), "caffeine"),
    ("renin-angiotensin system", (6, 17), "angiotensin"),
], ids=["hyphen-induced", "slash-pair", "hyphen-compound"])
def test_entities_inside_compounds_align_to_tokens(blank, text, span, expected):
    stats_docs = make_docs(blank, [{"text": text, "spans": [(*span, "CHEMICAL")]}])
    assert [e.text for e in stats_docs[0].ents] == [expected]


def test_convert_writes_docbin(tiny, tmp_path):
    stats = convert(tiny, tmp_path / "tiny.spacy")
    assert (stats.docs, stats.spans, stats.misaligned) == (3, 7, 0)
    assert stats.labels == {"CHEMICAL": 4, "DISEASE": 3}
    assert (tmp_path / "tiny.spacy").stat().st_size > 0


@pytest.mark.parametrize("content, message", [
    (None, "not found"),
    ("this is not json\n", "not JSONL"),
    ('{"text": "Aspirin."}\n', "no spans"),
    ('{"text": "Aspirin.", "spans": [{"start": 0, "end": 7, "label": "Disease2"}]}\n', "no spans"),
    ('{"text": "Aspirin.", "spans": [{"start": 0, "end": 70, "label": "Chemical"}]}\n', "outside the text"),
    ('{"text": "Aspirin.", "spans": [{"start": 0, "label": "Chemical"}]}\n', "needs integer"),
    ('["a list"]\n', "expected an object"),
    ("", "no documents"),
], ids=["missing", "not-json", "no-spans", "no-ner-labels", "span-outside", "span-no-end", "not-object", "empty"])
def test_bad_training_data_is_one_line_error(tmp_path, content, message):
    path = tmp_path / "bad.jsonl"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError, match=message):
        read_ner_jsonl(path)


def test_cli_bad_input_exits_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "ner", "--train", str(tmp_path / "nope.jsonl"), "--dev", str(tmp_path / "nope.jsonl"),
              "--out", str(tmp_path / "out")])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("claimx: error:") and "not found" in err and "\n" not in err


def test_cli_missing_config_exits_2(tiny, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "ner", "--train", str(tiny), "--dev", str(tiny), "--out", str(tmp_path / "out"),
              "--config", str(tmp_path / "none.cfg")])
    assert exit_info.value.code == 2
    assert "config not found" in capsys.readouterr().err


def test_config_with_vectors_needs_vectors(tiny, tmp_path):
    with pytest.raises(UsageError, match="--vectors"):
        train_ner(tiny, tiny, tmp_path / "out")


def test_tiny_training_run_saves_a_loadable_pipeline(tiny, tmp_path):
    result = train_ner(tiny, tiny, tmp_path / "out", overrides={
        "training.max_steps": 12, "training.eval_frequency": 6, "training.patience": 0,
        "components.tok2vec.model.embed.include_static_vectors": False})
    assert result.best_path.is_dir() and (tmp_path / "out" / "model-last").is_dir()
    assert result.steps == 12 and result.stopped == "max_steps"
    from extractor.pipeline.load import load

    nlp = load(str(result.best_path))
    assert {"tok2vec", "ner", "claimx_sentences"} <= set(nlp.pipe_names)
    assert set(nlp.get_pipe("ner").labels) == {"CHEMICAL", "DISEASE"}

    # packaging into a pipeline folder like models/default: weights copied, config sections replaced
    import shutil

    from extractor.learning.ner_training import package_ner
    from tests.conftest import ROOT

    dest = tmp_path / "default"
    dest.mkdir()
    for name in ("config.cfg", "meta.json"):
        shutil.copy(ROOT / "models" / "default" / name, dest / name)
    package_ner(result.best_path, dest)
    config = (dest / "config.cfg").read_text()
    assert config.count("[components.tok2vec.model.embed]") == 1 and "include_static_vectors = false" in config
    assert "[nlp.tokenizer]" in config and "\n\n\n" not in config  # the rest of the config kept
    packaged = load(str(dest))
    assert packaged.pipe_names[:2] == ["tok2vec", "ner"]
    assert set(packaged.get_pipe("ner").labels) == {"CHEMICAL", "DISEASE"}


def test_package_refuses_a_folder_without_weights(tmp_path):
    from extractor.learning.ner_training import package_ner

    with pytest.raises(UsageError, match="not a trained NER"):
        package_ner(tmp_path, tmp_path)


def test_train_vectors_writes_floret_vectors(tmp_path):
    pytest.importorskip("floret", reason="floret is in the 'train' extra")
    import spacy

    from extractor.learning.ner_training import train_vectors

    texts = [{"text": "Ketamine-induced analgesia lasted for weeks in patients with pain."}] * 30
    out = train_vectors([write_jsonl(tmp_path / "t.jsonl", texts)], tmp_path / "vec", dim=8, bucket=200, epochs=1)
    vocab = spacy.blank("en").vocab.from_disk(out / "vocab")
    assert vocab.vectors.mode == "floret" and vocab.vectors.shape == (200, 8)


def test_train_vectors_missing_text_is_usage_error(tmp_path):
    pytest.importorskip("floret", reason="floret is in the 'train' extra")
    from extractor.learning.ner_training import train_vectors

    with pytest.raises(UsageError, match="not found"):
        train_vectors([tmp_path / "none.jsonl"], tmp_path / "vec")


@pytest.mark.parametrize("text, tokens", [
    ("ketamine-induced", ["ketamine", "-", "induced"]),
    ("ergotamine/caffeine", ["ergotamine", "/", "caffeine"]),
    ("placebo-controlled", ["placebo-controlled"]),
    ("short-term non-Hodgkin", ["short-term", "non-Hodgkin"]),
    ("4.2-day", ["4.2-day"]),
    ("mg/kg/h", ["mg/kg/h"]),
    ("5-HT3", ["5-HT3"]),
], ids=["word-hyphen-word", "word-slash-word", "placebo-prefix", "modifier-prefixes", "number-unit", "units", "code"])
def test_tokenizer_v2(blank, text, tokens):
    assert [t.text for t in blank.make_doc(text)] == tokens
