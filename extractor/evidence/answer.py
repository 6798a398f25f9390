"""One prompt (intervention, comparator, outcome) answered from one document: the passage that
states the comparison, and the effect it states.

The passage: a document no longer than `short_passage_chars`, or of three sentences or fewer, is
one passage (an evidence passage given as the document); in a longer one the passage ranker
(`learning/effect_model.PassageRanker` over `evidence/passages.py`'s features) picks the sentence.
The effect is the effect model's (`learning/effect_model.py`) on that passage, pooled in a long
document over the ranker's `pooled_passages` best sentences that name the prompt: their effect
probabilities added, each weighted by exp(its ranker score minus the best one's), so that a
confident second sentence can outvote a vague best one;
`significant` is False for `no_change`, True where every p-value stated is under 0.05 or the
passage says `significant` without a negation, else unknown. A sentence the ranker chose that names
none of the prompt's words answers `unknown`; a short document (given as the passage) is also
answered where it names none but states a comparison (`no differences between the groups`).
"""

from __future__ import annotations

import math
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


def choose_passages(text: str, sentences: Sequence[tuple[int, int]], arms: Arms, ranker: PassageRanker,
                    n: int = 1) -> list[Passage]:
    """The passages of `text` that answer, best first: the whole of a short text, else its `n`
    best-ranked sentences (none for an empty text)."""
    if not text.strip():
        return []
    if len(text) <= rules()["short_passage_chars"] or len(sentences) <= 3:
        start = len(text) - len(text.lstrip())
        return [Passage(start, len(text.rstrip()), 0.0, whole=True)]
    return ranked_passages(text, sentences, arms, ranker, n)


def ranked_passages(text: str, sentences: Sequence[tuple[int, int]], arms: Arms, ranker: PassageRanker,
                    n: int) -> list[Passage]:
    """The `n` sentences of a long `text` the ranker scores best, best first (ties: text order)."""
    feats = sentence_features(text, sentences, arms)
    scores = [ranker.score(f) for f in feats]
    best = sorted(range(len(sentences)), key=lambda k: -scores[k])[:n]
    return [Passage(*sentences[k], scores[k]) for k in best]


def pooled_effect(text: str, passages: Sequence[Passage], arms: Arms, model: EffectModel) -> tuple[str, float] | None:
    """The effect the passages state together: the effect model's probabilities of those that name the
    prompt, added with weights exp(score - best score); None when none names it."""
    total: dict[str, float] = {}
    for passage in passages:
        chunk = text[passage.start:passage.end]
        if not names_the_prompt(chunk, arms):
            continue
        weight = math.exp(passage.score - passages[0].score)
        for effect, probability in model.probabilities(effect_features(chunk, arms)).items():
            total[effect] = total.get(effect, 0.0) + weight * probability
    if not total:
        return None
    effect = max(total, key=total.get)
    return effect, total[effect] / sum(total.values())


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
    passages = choose_passages(text, sentences, arms, ranker, rules()["pooled_passages"])
    passage = passages[0] if passages else None
    pooled = pooled_effect(text, passages, arms, model) if passage is not None and not passage.whole else None
    row = {"prompt_id": prompt.prompt_id, "doc_id": prompt.doc_id, "status": "ok", "error": None}
    if passage is None or not answers_something(text[passage.start:passage.end], arms, passage.whole):
        return {**row, "effect": "unknown", "significant": None, "start": None, "end": None, "text": None,
                "score": None}
    chunk = text[passage.start:passage.end]
    effect, probability = pooled or model.predict(effect_features(chunk, arms))
    return {**row, "effect": effect, "significant": significant(chunk, effect), "start": passage.start,
            "end": passage.end, "text": chunk, "score": round(probability, 4)}


def error_row(prompt: Prompt, reason: str) -> dict:
    return {"prompt_id": prompt.prompt_id, "doc_id": prompt.doc_id, "effect": None, "significant": None,
            "start": None, "end": None, "text": None, "score": None, "status": "error", "error": reason}
