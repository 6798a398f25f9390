"""The one list of claimx components (extractor.components.COMPONENTS): what load() adds, in which
order and with which configs, and the entry points that must name the same factories."""

from __future__ import annotations

import importlib

import pytest
import spacy
from spacy.language import Language

from extractor.components import COMPONENTS
from extractor.pipeline.load import add_claimx_components, import_components, load
from tests.conftest import ROOT

ON_TOP = ["claimx_sentences", "abbreviation_detector", "claimx_ner_consistency", "claimx_citations",
          "claimx_quantities", "claimx_drugs", "claimx_dosing", "claimx_outcomes", "claimx_context",
          "claimx_claims", "claimx_regimens"]


def test_entry_points_name_the_listed_factories():
    tomllib = pytest.importorskip("tomllib", reason="tomllib is in the standard library from Python 3.11")
    entry_points = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"]["spacy_factories"]
    assert entry_points == {c.factory_name: c.entry_point for c in COMPONENTS}


@pytest.mark.parametrize("component", COMPONENTS, ids=lambda c: c.name)
def test_each_listed_module_registers_its_factory(component):
    import_components()
    module, function = component.entry_point.split(":")
    assert Language.has_factory(component.factory_name)
    assert Language.get_factory_meta(component.factory_name).factory == component.factory_name
    assert callable(getattr(importlib.import_module(module), function))


def test_default_pipeline_order(nlp):
    assert nlp.pipe_names == ["tok2vec", "ner", *ON_TOP]


def test_rules_pipeline_order():
    assert load("rules").pipe_names == [name for name in ON_TOP if name != "claimx_ner_consistency"]


@pytest.mark.parametrize("name", ["default", "rules"])
def test_shipped_configs_hold_only_their_own_components(name):
    config = spacy.util.load_config(ROOT / "models" / name / "config.cfg", interpolate=False)
    assert config["nlp"]["pipeline"] == (["tok2vec", "ner"] if name == "default" else [])
    assert set(config["components"]) == set(config["nlp"]["pipeline"])


# the configs models/*/config.cfg gave these components before they were added from the list
FORMER_CONFIGS = {
    "abbreviation_detector": {"factory": "claimx_abbreviations", "make_serializable": False},
    "claimx_ner_consistency": {"labels": ["CHEMICAL", "DISEASE"]},
    "claimx_quantities": {"spans_key": "quantities", "rules_path": None},
    "claimx_drugs": {"dictionary": None, "ner_labels": ["CHEMICAL", "Chemical"]},
    "claimx_dosing": {"drug_group": "drugs"},
    "claimx_claims": {"classifier_path": "", "threshold": None},
    "claimx_regimens": {"rules_path": None},
}


@pytest.mark.parametrize("component", sorted(FORMER_CONFIGS))
def test_added_components_have_the_configs_the_shipped_pipelines_had(nlp, component):
    config = nlp.get_pipe_config(component)
    assert {key: config[key] for key in FORMER_CONFIGS[component]} == FORMER_CONFIGS[component]


def test_a_saved_claimx_pipeline_loads_back_without_duplicates(nlp, tmp_path):
    nlp.to_disk(tmp_path / "saved")
    assert load(str(tmp_path / "saved")).pipe_names == nlp.pipe_names


def test_sentences_go_before_a_parser_and_labels_after_an_ner():
    import_components()
    nlp = spacy.blank("en")
    nlp.add_pipe("tok2vec")
    nlp.add_pipe("parser")
    nlp.add_pipe("ner")
    add_claimx_components(nlp)
    names = nlp.pipe_names
    assert names[:3] == ["tok2vec", "claimx_sentences", "parser"]
    assert names[3:5] == ["ner", "claimx_ner_labels"]
    assert names[5:] == ON_TOP[1:]
