"""Build and load spaCy pipelines: the shipped `default`, or any installed one plus our components."""

from __future__ import annotations

import importlib
import warnings
from pathlib import Path

import spacy
from spacy.language import Language

from extractor.errors import ModelNotFound
from extractor.pipeline import tokenizer as _tokenizer  # noqa: F401 - registers claimx.scispacy_tokenizer.*
from extractor.pipeline.shipped import shipped_models
from extractor.pipeline.vectors import cache_floret_vectors

# claimx components added, in this order, on top of any pipeline (names = factory names)
CLAIMX_COMPONENTS: list[str] = [
    "claimx_sentences",
    "abbreviation_detector",
    "claimx_ner_consistency",
    "claimx_citations",
    "claimx_quantities",
    "claimx_drugs",
    "claimx_dosing",
    "claimx_outcomes",
    "claimx_context",
    "claimx_claims",
    "claimx_regimens",
]
# names above that another factory builds: scispaCy's abbreviation detector, without its Matchers
_FACTORIES = {"abbreviation_detector": "claimx_abbreviations"}

# modules whose import registers the factories above
_COMPONENT_MODULES = [
    "scispacy.abbreviation",
    "extractor.components.abbreviations",
    "extractor.components.sentences",
    "extractor.components.ner_labels",
    "extractor.components.biluo_ner",
    "extractor.components.ner_consistency",
    "extractor.components.citations",
    "extractor.components.quantities",
    "extractor.components.drugs",
    "extractor.components.dosing",
    "extractor.components.outcomes",
    "extractor.components.context",
    "extractor.components.claims",
    "extractor.components.regimens",
]


def import_components() -> None:
    # scispaCy's abbreviation detector warns on every doc that its global matcher is empty
    warnings.filterwarnings("ignore", message=r"\[W036\]", category=UserWarning)
    for module in _COMPONENT_MODULES:
        importlib.import_module(module)


def installed_models() -> list[str]:
    """spaCy/scispaCy pipeline packages installed in this environment."""
    try:
        return sorted(spacy.util.get_installed_models())
    except Exception:  # noqa: BLE001 - a broken third-party package must not hide our own
        return []


def load(name: str = "default") -> Language:
    """Load a shipped pipeline by name, an installed package, or a pipeline folder.

    Third-party pipelines keep their tokenizer and NER; claimx components are added on top.
    """
    import_components()
    shipped = shipped_models()
    if name in shipped:
        return use_numpy_blas(cache_floret_vectors(_load_folder(shipped[name])))
    path = Path(name)
    if path.exists():
        if not (path / "config.cfg").is_file():
            raise ModelNotFound(f"{name} is not a spaCy pipeline folder (no config.cfg inside)")
        nlp = _load_folder(path)
    elif spacy.util.is_package(name):
        nlp = spacy.load(name)
    else:
        raise ModelNotFound(
            f"no pipeline named {name!r}; shipped: {', '.join(shipped) or 'none'}. "
            "To use a scispaCy model, install it first, e.g. "
            "pip install https://s3-us-west-2.amazonaws.com/ai2-s2-scispacy/releases/v0.5.4/"
            f"{name}-0.5.4.tar.gz, or pass the path of a pipeline folder"
        )
    add_claimx_components(nlp)
    return use_numpy_blas(cache_floret_vectors(nlp))


def use_numpy_blas(nlp: Language) -> Language:
    """Run this pipeline's matrix products on numpy's BLAS instead of thinc's default blis.

    blis' gemm measured 3x slower than numpy's OpenBLAS on our CPUs for these small matrices.
    Only this pipeline's models change (no global `set_current_ops`); GPU pipelines are left alone.
    The parser/NER state loop keeps thinc's own sgemm (it does not go through the ops).
    """
    from thinc.api import Model, NumpyOps

    ops = NumpyOps(use_blis=False)
    for _, proc in nlp.pipeline:
        model = getattr(proc, "model", None)
        if isinstance(model, Model) and type(model.ops) is NumpyOps:
            for node in model.walk():
                node.ops = ops
    return nlp


def _load_folder(path: Path) -> Language:
    """spacy.load, tolerating folders that ship only a config (rule-only pipelines):
    the tokenizer and vocab are then built from the config instead of read from disk."""
    exclude = [part for part in ("tokenizer", "vocab") if not (path / part).exists()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return spacy.load(path, exclude=exclude)


def add_claimx_components(nlp: Language) -> Language:
    """Add the claimx components a pipeline lacks, keeping its own tokenizer and NER."""
    for component in CLAIMX_COMPONENTS:
        if component in nlp.pipe_names:
            continue
        factory = _FACTORIES.get(component, component)
        if component == "claimx_sentences":
            nlp.add_pipe(factory, name=component, first=True)
        else:
            nlp.add_pipe(factory, name=component)
    from spacy.pipeline import EntityRecognizer, EntityRuler

    recognizers = [name for name, proc in nlp.pipeline if isinstance(proc, EntityRecognizer | EntityRuler)]
    if recognizers and "claimx_ner_labels" not in nlp.pipe_names:
        nlp.add_pipe("claimx_ner_labels", after=recognizers[-1])
    return nlp
