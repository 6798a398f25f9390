"""One prompt (intervention, comparator, outcome) answered from one document: the passage that
states the comparison, and the effect it states.

The passage: a document no longer than `short_passage_chars`, or of three sentences or fewer, is
one passage (an evidence passage given as the document); in a longer one the passage ranker
(`learning/effect_model.PassageRanker` over `evidence/passages.py`'s features) picks the sentence.
The effect is the effect model's (`learning/effect_model.py`) on that passage;
`significant` is False for `no_change`, True where every p-value stated is under 0.05 or the
passage says `significant` without a negation, else unknown. A sentence the ranker chose that names
none of the prompt's words answers `unknown`; a short document (given as the passage) is also
answered where it names none but states a comparison (`no differences between the groups`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from extractor.evidence.arms import Arms, marks, rules
from extractor.evidence.features import NO_DIFFERENCE, effect_features, significance
from extractor.evidence.passages import sentence_features
from extractor.learning.effect_model import EffectModel, PassageRanker

ANSWER_COLUMNS = {
    "prompt_id": "str", "doc_id": "str", "effect": "str", "significant": "bool", "start": "int",
    "end": "int", "text": "str", "score": "float", "status": "str", "error": "str",
}


@dataclass(frozen=True)
class Prompt:
    prompt_id: str
    doc_id: str
    intervention: str
    comparator: str
    outcome: str


@dataclass(frozen=True)
class Passage:
    start: int
    end: int
    score: float
    whole: bool = False  # the whole (short) document: given as the passage, so answered whatever it names


def choose_passage(text: str, sentences: Sequence[tuple[int, int]], arms: Arms,
                   ranker: PassageRanker) -> Passage | None:
    """The passage of `text` that answers: the whole of a short text, else its best-ranked sentence."""
    if not text.strip():
        return None
    if len(text) <= rules()["short_passage_chars"] or len(sentences) <= 3:
        start = len(text) - len(text.lstrip())
        return Passage(start, len(text.rstrip()), 0.0, whole=True)
    feats = sentence_features(text, sentences, arms)
    best = max(range(len(sentences)), key=lambda k: ranker.score(feats[k]))
    return Passage(*sentences[best], ranker.score(feats[best]))


def names_the_prompt(passage: str, arms: Arms) -> bool:
    """Whether a passage names any of the outcome's or the arms' words."""
    return bool(marks(passage, arms))


_COMPARISON = re.compile(r"\b(?:significan\w*|differ\w*|groups?|arms?|p\s*[<>=≤≥])", re.IGNORECASE)


def answers_something(passage: str, arms: Arms, whole: bool) -> bool:
    """Whether a passage can answer: it names the prompt, or (given whole, as the passage) states a
    comparison (`no differences between the groups`, a p-value)."""
    return names_the_prompt(passage, arms) or (whole and bool(_COMPARISON.search(passage)))


def significant(passage: str, effect: str) -> bool | None:
    if effect == "no_change":
        return False
    stated = significance(passage)
    if stated == "sig":
        return True
    if stated == "none" and re.search(r"\bsignifican", passage, re.IGNORECASE) and not NO_DIFFERENCE.search(passage):
        return True
    return None


def answer(prompt: Prompt, text: str, sentences: Sequence[tuple[int, int]], model: EffectModel,
           ranker: PassageRanker) -> dict:
    """The `answers` row of one prompt on its document's text."""
    arms = Arms.of(prompt.intervention, prompt.comparator, prompt.outcome, text)
    passage = choose_passage(text, sentences, arms, ranker)
    row = {"prompt_id": prompt.prompt_id, "doc_id": prompt.doc_id, "status": "ok", "error": None}
    if passage is None or not answers_something(text[passage.start:passage.end], arms, passage.whole):
        return {**row, "effect": "unknown", "significant": None, "start": None, "end": None, "text": None,
                "score": None}
    chunk = text[passage.start:passage.end]
    effect, probability = model.predict(effect_features(chunk, arms))
    return {**row, "effect": effect, "significant": significant(chunk, effect), "start": passage.start,
            "end": passage.end, "text": chunk, "score": round(probability, 4)}


def error_row(prompt: Prompt, reason: str) -> dict:
    return {"prompt_id": prompt.prompt_id, "doc_id": prompt.doc_id, "effect": None, "significant": None,
            "start": None, "end": None, "text": None, "score": None, "status": "error", "error": reason}
