"""Build and load spaCy pipelines: the shipped `default`, or any installed one plus our components."""

from __future__ import annotations

import importlib
import warnings
from pathlib import Path

import spacy
from spacy.language import Language

from extractor.components import AFTER_NER, COMPONENTS, IN_CONFIG, SENTENCES, WITH_NER
from extractor.errors import ModelNotFound
from extractor.pipeline import tokenizer as _tokenizer  # noqa: F401 - registers claimx.scispacy_tokenizer.*
from extractor.pipeline.shipped import shipped_models
from extractor.pipeline.vectors import cache_floret_vectors


def import_components() -> None:
    """Register every claimx factory (extractor.components.COMPONENTS)."""
    # scispaCy's abbreviation detector warns on every doc that its global matcher is empty
    warnings.filterwarnings("ignore", message=r"\[W036\]", category=UserWarning)
    for component in COMPONENTS:
        importlib.import_module(f"extractor.components.{component.module}")


def installed_models() -> list[str]:
    """spaCy/scispaCy pipeline packages installed in this environment."""
    try:
        return sorted(spacy.util.get_installed_models())
    except Exception:  # noqa: BLE001 - a broken third-party package must not hide our own
        return []


def find_pipeline(name: str) -> Path | str:
    """Where pipeline `name` comes from: a folder (shipped, or a path) or an installed package's
    name. Raises ModelNotFound, so a job can check its --model before it writes anything."""
    shipped = shipped_models()
    path = Path(name)
    if name in shipped:
        return shipped[name]
    if path.exists():
        if not (path / "config.cfg").is_file():
            raise ModelNotFound(f"{name} is not a spaCy pipeline folder (no config.cfg inside)")
        return path
    if spacy.util.is_package(name):
        return name
    raise ModelNotFound(
        f"no pipeline named {name!r}; shipped: {', '.join(shipped) or 'none'}. "
        "To use a scispaCy model, install it first, e.g. "
        "pip install https://s3-us-west-2.amazonaws.com/ai2-s2-scispacy/releases/v0.5.4/"
        f"{name}-0.5.4.tar.gz, or pass the path of a pipeline folder"
    )


def load(name: str = "default") -> Language:
    """Load a shipped pipeline by name, an installed package, or a pipeline folder, with the
    claimx components on top (the shipped ones too: their folders hold only tokenizer and NER).

    A pipeline keeps its own tokenizer and NER; the claimx components it lacks are added.
    """
    import_components()
    found = find_pipeline(name)
    nlp = _load_folder(found) if isinstance(found, Path) else spacy.load(found)
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
    """Add the claimx components a pipeline lacks (extractor.components.COMPONENTS, in order),
    keeping its own tokenizer and NER.

    `claimx_sentences` goes before the first component that reads sentence starts (spaCy's
    parser and NER never cross a preset boundary; a senter or sentencizer sets its own), else
    at the end; `claimx_ner_consistency` only on a pipeline with an NER of its own (one that sets
    doc.ents); `claimx_ner_labels` right after a spaCy NER or entity ruler, to map its labels.
    """
    from spacy.pipeline import DependencyParser, EntityRecognizer, EntityRuler, SentenceRecognizer, Sentencizer

    claimx = {component.name for component in COMPONENTS if component.where != IN_CONFIG}
    has_ner = any("doc.ents" in nlp.get_pipe_meta(name).assigns for name in nlp.pipe_names if name not in claimx)
    for component in COMPONENTS:
        if component.where == IN_CONFIG or component.name in nlp.pipe_names:
            continue
        place = {}
        if component.where == SENTENCES:
            readers = [name for name, proc in nlp.pipeline
                       if isinstance(proc, DependencyParser | EntityRecognizer | SentenceRecognizer | Sentencizer)]
            place = {"before": readers[0]} if readers else {}
        elif component.where == WITH_NER and not has_ner:
            continue
        elif component.where == AFTER_NER:
            recognizers = [name for name, proc in nlp.pipeline if isinstance(proc, EntityRecognizer | EntityRuler)]
            if not recognizers:
                continue
            place = {"after": recognizers[-1]}
        settings = nlp.meta.get("claimx_components", {}).get(component.name, {})
        nlp.add_pipe(component.factory_name, name=component.name, config=settings, **place)
    return nlp
