"""`claimx train ner --gold reviewed.jsonl --from default`: a handful of corrected documents teach
the shipped recognizer not to repeat their errors on new documents of that kind (full-text back
matter: `DOI` tagged CHEMICAL, `submission` tagged DISEASE), and it keeps the entities it knew."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from extractor.cli import app


def _record(doc_id: str, text: str, chemicals: list[str], diseases: list[str]) -> dict:
    """A reviewed document as the review page exports it: every CHEMICAL and DISEASE span."""
    spans = [{"start": text.index(p), "end": text.index(p) + len(p), "label": label, "text": p}
             for label, phrases in (("CHEMICAL", chemicals), ("DISEASE", diseases)) for p in phrases]
    return {"id": doc_id, "text": text, "spans": spans}


REVIEWED = [
    _record("g1", "Citation: Smith J, Lee K (2011) Metformin in polycystic ovary syndrome. PLoS ONE 6(2): e16976. "
            "DOI: 10.1371/journal.pone.0016976. Received for submission: May 12, 2010.",
            ["Metformin"], ["polycystic ovary syndrome"]),
    _record("g2", "Editor: Anna Berg, University of Oslo. Received: June 3, 2012; Accepted for submission: August 9, "
            "2012. DOI 10.1186/1471-2334-12-88. Funding: the study of lithium in bipolar disorder was funded by "
            "the trust.", ["lithium"], ["bipolar disorder"]),
    _record("g3", "The DOI of the protocol is 10.1000/182. Aspirin lowered the risk of stroke. The submission was "
            "reviewed by two editors.", ["Aspirin"], ["stroke"]),
    _record("g4", "Copyright: this article is distributed under the Creative Commons licence. DOI: "
            "10.1016/j.jad.2009.01.004. Patients with schizophrenia received clozapine after submission of "
            "consent forms.", ["clozapine"], ["schizophrenia"]),
]

# new documents of the same kind: (text, entities the shipped model gets wrong, entities to keep)
NEW = [
    ("DOI: 10.1371/journal.pmed.0020171. Received for submission 12 May 2010.", {("DOI", "CHEMICAL"),
                                                                                ("submission", "DISEASE")}, set()),
    ("Competing interests: none. DOI 10.1000/xyz. The submission was revised.",
     {("DOI", "CHEMICAL"), ("submission", "DISEASE")}, set()),
    ("Ketamine reduced depression scores in patients with bipolar disorder.", set(),
     {("Ketamine", "CHEMICAL"), ("depression", "DISEASE"), ("bipolar disorder", "DISEASE")}),
]


def _entities(model: str) -> list[set[tuple[str, str]]]:
    from extractor.pipeline.load import load

    nlp = load(model)
    return [{(e.text, e.label_) for e in nlp(text).ents} for text, _, _ in NEW]


@pytest.fixture(scope="module")
def adapted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("adapt")
    gold = folder / "reviewed.jsonl"
    gold.write_text("".join(json.dumps(r) + "\n" for r in REVIEWED), encoding="utf-8")
    result = CliRunner().invoke(app, ["train", "ner", "--gold", str(gold), "--from", "default",
                                      "--out", str(folder / "adapted")])
    assert result.exit_code == 0, result.output
    assert "500 rehearsal documents" in result.output  # the shipped BC5CDR train abstracts
    return folder / "adapted"


def test_the_shipped_model_makes_these_errors():
    for found, (_, wrong, kept) in zip(_entities("default"), NEW):
        assert wrong <= found and kept <= found


def test_after_adapting_the_errors_are_gone_and_the_entities_stay(adapted):
    for found, (text, wrong, kept) in zip(_entities(str(adapted)), NEW):
        assert not wrong & found, text
        assert kept <= found, text


@pytest.mark.parametrize("args, message", [
    (["--gold", "G", "--train", "G"], "--gold adapts a pipeline"),
    ([], "give --train and --dev"),
    (["--gold", "missing.jsonl"], "training data not found"),
    (["--gold", "G", "--rehearse", "missing.jsonl"], "rehearsal data not found"),
])
def test_bad_arguments_are_one_line_exit_2(tmp_path, args, message):
    gold = tmp_path / "g.jsonl"
    gold.write_text(json.dumps(REVIEWED[0]) + "\n", encoding="utf-8")
    args = [str(gold) if a == "G" else str(tmp_path / a) if a.endswith(".jsonl") else a for a in args]
    result = CliRunner().invoke(app, ["train", "ner", *args, "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert message in result.output and len(result.output.strip().splitlines()) == 1
