"""`claimx train ner --gold reviewed.jsonl --from default`: a handful of corrected documents teach
the shipped recognizer not to repeat their errors on new documents of that kind (methods sections
of full-text papers: `spinning` of a spinning-disk microscope, `MCMC` and `stochasticity` tagged
DISEASE), and it keeps the entities it knew."""

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
    _record("g1", "Porcine kidney slices were incubated with gentamicin for 4 h. The assay kit was purchased from "
            "Stratagene. Tubular injury was scored blind on a spinning disk microscope.", ["gentamicin"],
            ["Tubular injury"]),
    _record("g2", "Porcine aortic rings were exposed to nitric oxide donors; reagents were from Stratagene and Sigma. "
            "Vasospasm was induced with serotonin.", ["nitric oxide", "serotonin"], ["Vasospasm"]),
    _record("g3", "Model parameters were estimated by MCMC with four chains in two frameworks. The stochasticity "
            "of transmission was modelled to predict malaria incidence after artesunate was introduced.",
            ["artesunate"], ["malaria"]),
    _record("g4", "We ran MCMC for 10,000 iterations. Demographic stochasticity was included, and the effect of "
            "tamoxifen on breast cancer recurrence was estimated.", ["tamoxifen"], ["breast cancer"]),
]

# new documents of the same kind: (text, entities the shipped model gets wrong, entities to keep)
NEW = [
    ("Porcine hepatocytes were imaged on a spinning disk microscope.", {("spinning", "DISEASE")}, set()),
    ("Posterior samples were drawn by MCMC; demographic stochasticity was included.",
     {("MCMC", "DISEASE"), ("stochasticity", "DISEASE")}, set()),
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
    assert "761 rehearsal documents" in result.output  # the shipped BC5CDR and BioRED train abstracts
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
