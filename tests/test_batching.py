"""BatchPipe: rule components run over a batch of Docs at a time inside `nlp.pipe`; the results
must be what calling each component Doc by Doc gives, in order, and errors go to the handler."""

from __future__ import annotations

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from extractor.components.batching import BatchPipe

TEXTS = [
    "Patients (n = 40) received intravenous ketamine 0.5 mg/kg over 40 min [3].",
    "Depression scores fell significantly compared with placebo (p < 0.01).",
    "Major depressive disorder (MDD) is common; MDD relapse after ECT is frequent [1,4].",
    "",
    "Oral lithium 300 mg twice daily for 6 weeks did not reduce suicidal ideation.",
]


def _spans(doc: Doc) -> list[tuple[str, int, int, str]]:
    return sorted((group, s.start, s.end, s.label_) for group, spans in doc.spans.items() for s in spans)


@pytest.mark.parametrize("batch_size", [1, 2, 32])
def test_pipe_gives_what_calls_give(nlp, batch_size):
    one_by_one = [nlp(t) for t in TEXTS]
    piped = list(nlp.pipe(TEXTS, batch_size=batch_size))
    assert [d.text for d in piped] == TEXTS
    assert [_spans(d) for d in piped] == [_spans(d) for d in one_by_one]
    assert any(_spans(d) for d in piped)


def test_rule_components_have_batch_pipe(nlp):
    rule_components = [name for name in nlp.pipe_names if name.startswith("claimx_") or name == "abbreviation_detector"]
    assert rule_components
    for name in rule_components:
        assert isinstance(nlp.get_pipe(name), BatchPipe), name


class _Fails(BatchPipe):
    name = "fails"

    def __call__(self, doc: Doc) -> Doc:
        if "boom" in doc.text:
            raise ValueError("boom")
        return doc


@Language.factory("test_batching_fails")
def _make_fails(nlp: Language, name: str) -> _Fails:
    return _Fails()


def test_errors_raise_by_default_and_go_to_the_handler():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("test_batching_fails")
    with pytest.raises(ValueError, match="boom"):
        list(nlp.pipe(["fine", "boom", "fine too"]))
    seen = []
    nlp.set_error_handler(lambda name, proc, docs, e: seen.append((name, docs[0].text, str(e))))
    assert [d.text for d in nlp.pipe(["fine", "boom", "fine too"], batch_size=2)] == ["fine", "fine too"]
    assert seen == [("test_batching_fails", "boom", "boom")]  # the name the pipeline gave it
