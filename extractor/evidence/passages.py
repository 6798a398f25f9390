"""Which sentence of a document states a prompt's comparison: the passage ranker's features.

Per sentence, given the prompt's arms: how much of the outcome it names (in quarters), whether it
names the intervention and the comparator, the significance it states, result words (a percentage,
a confidence interval or ratio, `compared`/`versus`/`than`, change words), the longest run of the
outcome's words it repeats in order (`the ICU length of stay`: its share of the outcome and its
length; most evidence sentences restate the outcome as the prompt names it), whether it says what
was measured (`pain was assessed by`), compares the groups at baseline or cites another study,
the section it stands in (the nearest heading line before it: results, conclusions, methods ...),
its length and its place in the document. `learning/effect_model.PassageRanker` weighs them, trained on the
sentences that overlap Evidence Inference's evidence spans.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from functools import lru_cache

from extractor.evidence.arms import COMPARATOR, INTERVENTION, OUTCOME, PHRASE_WORD, Arms, marks, rules
from extractor.evidence.features import significance

_HEADING = re.compile(r"(?m)^[ \t]*([A-Z][A-Za-z .]{2,60}):?[ \t]*$")
_SECTIONS = ("result", "conclusion", "method", "discussion", "abstract", "background", "introduction",
             "objective", "design", "finding", "outcome", "efficacy", "safety", "patient")
_RESULT_WORDS = ("higher", "lower", "increased", "decreased", "reduced", "improved", "greater", "less", "more",
                 "reduction", "difference", "differences", "similar")
_WORDS = re.compile(r"\b(?:" + "|".join(_RESULT_WORDS) + r")\b")
_RATIO = re.compile(r"\b(?:95\s*%\s*ci|confidence interval|odds ratio|hazard ratio|relative risk)\b")
_COMPARE = re.compile(r"\b(?:compared|versus|vs\.?|than)\b")


@lru_cache(maxsize=1)
def _sentence_kinds() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    data = rules()
    return (re.compile(data["method_sentence_pattern"], re.IGNORECASE), re.compile(data["citing_pattern"]),
            re.compile(data["baseline_pattern"], re.IGNORECASE))


class Headings:
    """The heading lines of a text, to tell the section a sentence stands in."""

    def __init__(self, text: str):
        found = [(m.start(), m.group(1).lower()) for m in _HEADING.finditer(text)]
        self.starts = [start for start, _ in found]
        self.names = ["+".join(w for w in _SECTIONS if w in name) or "other" for _, name in found]

    def section(self, offset: int) -> str:
        k = bisect_right(self.starts, offset) - 1
        return self.names[k] if k >= 0 else "none"


def longest_run(phrase: Sequence[str], words: Sequence[str]) -> int:
    """The length of the longest run of `phrase`'s words that `words` holds in the same order."""
    at: dict[str, list[int]] = {}
    for j, word in enumerate(words):
        at.setdefault(word, []).append(j)
    best = 0
    for i, word in enumerate(phrase):
        for j in at.get(word, ()):
            n = 1
            while i + n < len(phrase) and j + n < len(words) and phrase[i + n] == words[j + n]:
                n += 1
            best = max(best, n)
    return best


def passage_features(text: str, start: int, end: int, arms: Arms, headings: Headings, index: int,
                     n_sentences: int) -> list[str]:
    sentence = text[start:end]
    low = sentence.lower()
    found: dict[str, set[str]] = {INTERVENTION: set(), COMPARATOR: set(), OUTCOME: set()}
    for a, b, tag in marks(sentence, arms):
        found[tag].add(low[a:b])
    outcome = len(found[OUTCOME]) / max(1, len(arms.outcome))
    i, c = bool(found[INTERVENTION]), bool(found[COMPARATOR])
    feats = {f"oc:{min(4, int(outcome * 4))}", f"i:{min(2, len(found[INTERVENTION]))}",
             f"c:{min(2, len(found[COMPARATOR]))}", f"ioc:{i}{c}{min(2, int(outcome * 2))}",
             f"sig:{significance(sentence)}", f"sec:{headings.section(start)}", f"len:{min(6, len(sentence) // 80)}",
             f"pos:{int(10 * index / max(1, n_sentences))}"}
    if "significan" in low:
        feats.add("w:significan")
    if re.search(r"\b(?:no|not)\b", low):
        feats.add("w:neg")
    if re.search(r"\d+(?:\.\d+)?\s*%", sentence):
        feats.add("w:percent")
    if _RATIO.search(low):
        feats.add("w:ci")
    if _COMPARE.search(low):
        feats.add("w:compare")
    feats.update(f"kw:{w}" for w in set(_WORDS.findall(low)))
    phrase = arms.outcome_phrase
    if phrase:
        run = longest_run(phrase, PHRASE_WORD.findall(low))
        feats.update((f"run:{min(4, 4 * run // len(phrase))}", f"runn:{min(4, run)}"))
        if run == len(phrase) and len(" ".join(phrase)) > 3:
            feats.add("phrase")
    method, citing, baseline = _sentence_kinds()
    if method.search(sentence):
        feats.add("w:method")
    if baseline.search(sentence):
        feats.add("w:baseline")
    if citing.search(sentence):
        feats.add("w:citing")
    return sorted(feats)


def sentence_features(text: str, sentences: Sequence[tuple[int, int]], arms: Arms) -> list[list[str]]:
    headings = Headings(text)
    n = len(sentences)
    return [passage_features(text, a, b, arms, headings, k, n) for k, (a, b) in enumerate(sentences)]
