"""The shipped statistical NER in `default`, and third-party pipelines (`--model PATH`) with claimx on top."""

from __future__ import annotations

import pytest
import spacy
from spacy.training import Example

from extractor.components.ner_labels import map_entities
from extractor.errors import ModelNotFound
from extractor.pipeline.load import load


@pytest.mark.parametrize("text, expected", [
    ("Cisplatin caused severe nephrotoxicity in two patients.",
     {("Cisplatin", "CHEMICAL"), ("nephrotoxicity", "DISEASE")}),
    ("Haloperidol-induced catalepsy was not seen with clozapine.",
     {("Haloperidol", "CHEMICAL"), ("catalepsy", "DISEASE"), ("clozapine", "CHEMICAL")}),
    ("Lithium treatment was associated with hypothyroidism and weight gain.",
     {("Lithium", "CHEMICAL"), ("hypothyroidism", "DISEASE")}),
], ids=["drug-disease", "hyphen-induced", "two-diseases"])
def test_default_pipeline_finds_chemicals_and_diseases(nlp, text, expected):
    found = {(e.text, e.label_) for e in nlp(text).ents}
    assert expected <= found


def test_default_pipeline_runs_ner_right_after_the_tokenizer(nlp):
    assert nlp.pipe_names[:2] == ["tok2vec", "ner"]
    assert {"claimx_sentences", "abbreviation_detector"} <= set(nlp.pipe_names)
    assert set(nlp.get_pipe("ner").labels) == {"CHEMICAL", "DISEASE"}


def test_default_pipeline_ents_become_mentions(nlp):
    from extractor.pipeline.annotate import table_rows
    from extractor.reading.document import Document

    text = "Cisplatin caused severe nephrotoxicity in two patients."
    ((_, tables),) = table_rows(nlp, [Document(id="d1", text=text, source="test")])
    rows = tables["mentions"]
    assert {("Cisplatin", "CHEMICAL", 0, 9), ("nephrotoxicity", "DISEASE", 24, 38)} <= {
        (r["text"], r["label"], r["start"], r["end"]) for r in rows}


def test_shipped_pipeline_uses_numpy_blas(nlp):
    ops = nlp.get_pipe("tok2vec").model.ops
    assert getattr(ops, "use_blis", None) is False


TRAIN = [
    ("Aspirin relieves headache in adults.", [(0, 7, "SIMPLE_CHEMICAL"), (17, 25, "CANCER")]),
    ("Warfarin may cause bleeding in elderly patients.", [(0, 8, "SIMPLE_CHEMICAL"), (19, 27, "ENTITY")]),
    ("Patients with asthma took salbutamol daily.", [(14, 20, "CANCER"), (26, 36, "SIMPLE_CHEMICAL")]),
]


@pytest.fixture(scope="module")
def third_party(tmp_path_factory):
    """A small third-party-style pipeline (spaCy tokenizer, own tok2vec + ner, foreign labels), trained here."""
    nlp = spacy.blank("en")
    tok2vec = {"@architectures": "spacy.HashEmbedCNN.v2", "width": 32, "depth": 1, "embed_size": 500,
               "window_size": 1, "maxout_pieces": 2, "subword_features": True, "pretrained_vectors": None}
    nlp.add_pipe("ner", config={"model": {
        "@architectures": "spacy.TransitionBasedParser.v2", "state_type": "ner", "extra_state_tokens": False,
        "hidden_width": 32, "maxout_pieces": 2, "use_upper": True, "tok2vec": tok2vec}})
    examples = [Example.from_dict(nlp.make_doc(t), {"entities": ents}) for t, ents in TRAIN]
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(60):
        nlp.update(examples, sgd=optimizer, drop=0.0)
    path = tmp_path_factory.mktemp("third_party") / "pipeline"
    nlp.to_disk(path)
    return path


@pytest.fixture(scope="module")
def third_party_loaded(third_party):
    """load(str(third_party)), once for the tests that only read it."""
    return load(str(third_party))


def test_third_party_pipeline_gets_claimx_components_and_mapped_labels(third_party_loaded):
    nlp = third_party_loaded
    assert nlp.pipe_names[0] == "claimx_sentences"
    assert nlp.pipe_names.index("claimx_ner_labels") == nlp.pipe_names.index("ner") + 1
    assert "abbreviation_detector" in nlp.pipe_names
    doc = nlp(TRAIN[0][0] + " " + TRAIN[1][0])
    assert {(e.text, e.label_) for e in doc.ents} == {
        ("Aspirin", "CHEMICAL"), ("headache", "DISEASE"), ("Warfarin", "CHEMICAL"), ("bleeding", "ENTITY")}
    assert len(list(doc.sents)) == 2


def test_third_party_pipeline_keeps_its_tokenizer(third_party_loaded, nlp):
    # spaCy's English tokenizer splits "5-HT6"; claimx's (scispaCy's) keeps it whole
    assert [t.text for t in third_party_loaded.make_doc("5-HT6")] == ["5", "-", "HT6"]
    assert [t.text for t in nlp.make_doc("5-HT6")] == ["5-HT6"]  # load("default")


@pytest.mark.parametrize("mapping, expected", [
    ({"SIMPLE_CHEMICAL": "CHEMICAL"}, {("Aspirin", "CHEMICAL"), ("headache", "CANCER")}),
    ({"CANCER": None}, {("Aspirin", "SIMPLE_CHEMICAL")}),
    ({}, {("Aspirin", "SIMPLE_CHEMICAL"), ("headache", "CANCER")}),
], ids=["relabel", "drop", "keep"])
def test_map_entities(mapping, expected):
    nlp = spacy.blank("en")
    doc = nlp.make_doc(TRAIN[0][0])
    doc.ents = [doc.char_span(s, e, label=label) for s, e, label in TRAIN[0][1]]
    assert {(e.text, e.label_) for e in map_entities(doc, mapping)} == expected


@pytest.mark.parametrize("name", ["en_ner_bc5cdr_md", "en_core_sci_sm"])
def test_unknown_model_says_how_to_install(name):
    if spacy.util.is_package(name):
        pytest.skip(f"{name} is installed here")
    with pytest.raises(ModelNotFound, match=r"pip install .*scispacy.*" + name):
        load(name)


def test_folder_without_config_is_refused(tmp_path):
    with pytest.raises(ModelNotFound, match="no config.cfg"):
        load(str(tmp_path))


@pytest.mark.slow
def test_default_pipeline_dev_scores_do_not_regress(nlp):
    """Strict BC5CDR dev F1 of the shipped pipeline (model card: CHEMICAL 0.848, DISEASE 0.772)."""
    from tests.conftest import DATA, require_shared

    dev = require_shared(DATA / "bc5cdr" / "dev.jsonl")
    import importlib.util

    from tests.conftest import ROOT

    spec = importlib.util.spec_from_file_location("ner_dev", ROOT / "benchmarks" / "ner_dev.py")
    ner_dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ner_dev)
    from extractor.learning.ner_training import read_ner_jsonl

    records = read_ner_jsonl(dev)
    docs = nlp.pipe([r["text"] for r in records])
    pred = [{(e.start_char, e.end_char, e.label_) for e in d.ents} for d in docs]
    scores = ner_dev.score([set(r["spans"]) for r in records], pred)
    assert scores["CHEMICAL"]["f"] >= 0.84 and scores["DISEASE"]["f"] >= 0.76
