"""Claim sentences: which sentences assert something, of what kind, in which direction, how sure.

A sentence is a claim when the classifier (extractor.learning.claim_classifier, trained on the claims corpus)
scores it at or above its threshold, or when the rules see a hypothesis, a recommendation or a
finding that states an effect in it. claim_type, direction and significance are rules over cue words and
p-values (extractor/rules/data/claims.json); negation and hedging come from claimx_context's sentence spans.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from extractor.components.batching import RulesPipe
from extractor.errors import PatternFileError
from extractor.learning import direction_model
from extractor.learning.claim_classifier import ClaimClassifier, shipped_path
from extractor.learning.direction_model import DirectionModel
from extractor.pipeline.doctext import doc_text
from extractor.pipeline.extensions import get_attrs, register_extensions, set_attrs
from extractor.pipeline.intervals import Containers
from extractor.rules.loader import read_rules
from extractor.rules.regex import at_word_start, word_led
from extractor.rules.schemas import ClaimsFile

FILE = "claims.json"
FILES = {FILE: ClaimsFile}
GROUP = "claims"
LABEL = "CLAIM"
CLAIM_TYPES = ("recommendation", "hypothesis", "finding")
# sentence-initial emphasis, not a test result: "Significantly, there was no ..."
_EMPHASIS = re.compile(r"^\s*(?:significantly|notably|importantly|interestingly|remarkably)\b\s*,?\s*", re.I)
MODEL_CONFIDENCE = 0.7  # below it the rules' direction, when they have one, stands (5-fold CV on train)
_P_VALUE = re.compile(r"\bp\s*(<=|>=|<|>|=|≤|≥)\s*(0?\.\d+|[01](?:\.\d+)?)(?![\d.]*\s*[x×])", re.I)


@dataclass(frozen=True)
class ClaimRules:
    claim_type: dict[str, re.Pattern]
    no_change: re.Pattern
    not_significant: re.Pattern
    significant: re.Pattern
    increase: re.Pattern
    decrease: re.Pattern
    flip: re.Pattern
    treated_first: re.Pattern
    control_first: re.Pattern
    comparison: re.Pattern
    alpha: float
    not_claim: re.Pattern | None = None  # headings, acknowledgements, funding statements
    min_words: int = 1
    other_study: re.Pattern | None = None  # another study's result (`Smith et al. showed`)
    own_study: re.Pattern | None = None  # the paper's own (`we found`, `our data`)
    earlier_own_study: re.Pattern | None = None  # the authors' earlier study (`in our previous study`)
    not_a_change_after: re.Pattern | None = None  # `without`: a change word right after it is no change
    merit_before_change: re.Pattern | None = None  # `more effective than X in decreasing`: no change word itself
    novelty: re.Pattern | None = None  # `this might be the first study to`: background unless it states an effect
    aim: re.Pattern | None = None  # `we aimed to`: background whatever change words it names
    novelty_or_aim: re.Pattern | None = None  # for states_claim: one search for either
    explanation: re.Pattern | None = None  # `one possible explanation might be that`: a hypothesis with no direction
    # `which may have a significant impact`: a speculated significance, not a stated one
    speculative_significance: re.Pattern | None = None
    back_matter: re.Pattern | None = None  # a heading line of a section after the conclusions (`Competing interests`)
    # for states_claim: one search for any of significant, not_significant, recommendation, no_change,
    # increase, decrease (a sentence with a p-value); the same or a hypothesis (one without)
    any_claim_cue: re.Pattern | None = None
    any_claim_cue_or_hypothesis: re.Pattern | None = None


@dataclass(frozen=True)
class Assessment:
    claim_type: str  # finding | hypothesis | recommendation | background
    direction: str  # decrease | increase | no_change | unknown
    significant: bool | None
    rule_direction: str = "unknown"  # what the cue-word rules alone said (direction is the learned model's)
    cues: Cues | None = field(default=None, compare=False, repr=False)




def _parts(patterns: list[str], words: bool) -> tuple[list[str], list[str]]:
    """(alternatives that follow a word boundary, the rest) of one list of claims.json."""
    if words:  # a change word inside a hyphenated name (`interference-reduction view`, `reduced-dose arm`) is none
        return [rf"(?<![a-z][-‐])(?:{p})\b(?![-‐][a-z])" for p in patterns], []
    return [p[2:] for p in patterns if p.startswith(r"\b")], [p for p in patterns if not p.startswith(r"\b")]


def _compile(patterns: list[str], where: str, words: bool = False) -> re.Pattern:
    """One regex for a list, matched on LOWER-CASED text (faster than re.IGNORECASE); a shared
    leading `\\b` is factored out so the engine tries the alternatives only at word starts."""
    bounded, rest = _parts(patterns, words)
    body = "|".join(([at_word_start(bounded)] if bounded else []) + [f"(?:{p})" for p in rest])
    try:
        return re.compile(body)
    except re.error as e:
        raise PatternFileError(f"{FILE} {where}: bad regular expression: {e}") from e


@lru_cache(maxsize=8)
def load_rules(rules_path: str | Path | None = None) -> ClaimRules:
    """The shipped rules, or those in `rules_path` (a folder holding claims.json, or that file)."""
    return rules_from_data(read_rules(FILES, rules_path))


def rules_from_data(files: dict) -> ClaimRules:
    """Compile the rules of a checked claims.json (file name -> content)."""
    data = files[FILE]
    alpha = data["alpha"]
    claim_types = {k: _compile(data["claim_type"][k], f"claim_type.{k}") for k in CLAIM_TYPES}
    cues = [_parts(data[k], words=k in ("increase", "decrease")) for k in
            ("significant", "not_significant", "no_change", "increase", "decrease")]
    cues.append(_parts(data["claim_type"]["recommendation"], False))
    return ClaimRules(
        claim_type=claim_types,
        no_change=_compile(data["no_change"], "no_change"),
        not_significant=_compile(data["not_significant"], "not_significant"),
        significant=_compile(data["significant"], "significant"),
        increase=_compile(data["increase"], "increase", words=True),
        decrease=_compile(data["decrease"], "decrease", words=True),
        flip=_compile(data["flip"], "flip"),
        treated_first=_compile([data["arm_values"]["treated_first"]], "arm_values.treated_first"),
        control_first=_compile([data["arm_values"]["control_first"]], "arm_values.control_first"),
        comparison=_compile(data["comparison"], "comparison"),
        alpha=float(alpha),
        not_claim=_compile(data["not_claim"], "not_claim") if data.get("not_claim") else None,
        min_words=int(data.get("min_words", 1)),
        other_study=_compile(data["other_study"], "other_study") if data.get("other_study") else None,
        own_study=_compile(data["own_study"], "own_study") if data.get("own_study") else None,
        earlier_own_study=_compile(data["earlier_own_study"], "earlier_own_study")
        if data.get("earlier_own_study") else None,
        not_a_change_after=_ending_in(data.get("not_a_change_after", [])),
        merit_before_change=_compile(data["merit_before_change"], "merit_before_change")
        if data.get("merit_before_change") else None,
        novelty=_compile(data["novelty"], "novelty") if data.get("novelty") else None,
        aim=_compile(data["aim"], "aim") if data.get("aim") else None,
        explanation=_compile(data["explanation"], "explanation") if data.get("explanation") else None,
        speculative_significance=_compile(data["speculative_significance"], "speculative_significance")
        if data.get("speculative_significance") else None,
        novelty_or_aim=_either([_parts(data.get(k, []), False) for k in ("novelty", "aim")])
        if data.get("novelty") or data.get("aim") else None,
        back_matter=_heading_line(data["back_matter"], "back_matter") if data.get("back_matter") else None,
        any_claim_cue=_either(cues),
        any_claim_cue_or_hypothesis=_either([*cues, _parts(data["claim_type"]["hypothesis"], False)]),
    )


def _ending_in(words: list[str]) -> re.Pattern | None:
    """One of the words and the white space after it: the words before a change cue."""
    if not words:
        return None
    return re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + r")\s+")


def _heading_line(names: list[str], where: str) -> re.Pattern:
    """A whole line naming one of the sections (any case; a `BODY.`-style prefix, a colon)."""
    try:
        return re.compile(rf"^[ \t]*(?:[a-z]+\.)*[ \t]*(?:{'|'.join(names)})[ \t]*:?[ \t]*$", re.I | re.M)
    except re.error as e:
        raise PatternFileError(f"{FILE} {where}: bad regular expression: {e}") from e


_ANY_HEADING = re.compile(r"^[ \t]*[A-Z0-9][^\n]{0,100}$", re.M)
_HEADING_WORDS = 10


def back_matter(text: str, rules: ClaimRules) -> list[tuple[int, int]]:
    """Character ranges of the back-matter sections (`Competing interests`, `Abbreviations`): from
    each such heading line to the next heading line (a short line without a final full stop)."""
    if rules.back_matter is None:
        return []
    out = []
    for m in rules.back_matter.finditer(text):
        end = len(text)
        for h in _ANY_HEADING.finditer(text, m.end() + 1):
            line = h.group().strip()
            if len(line.split()) <= _HEADING_WORDS and not line.endswith((".", ";", ",")):
                end = h.start()
                break
        out.append((m.start(), end))
    return out


def _either(lists: list[tuple[list[str], list[str]]]) -> re.Pattern:
    """One pattern that matches where any of several lists (their _parts) does: one scan instead of
    several, the word-led alternatives of all lists behind one word-start test."""
    bounded = [a for b, _ in lists for a in b]
    led = [a for a in bounded if word_led(a)]
    others = [a for a in bounded if not word_led(a)]
    parts = [at_word_start(led)] + ([at_word_start(others)] if others else [])
    parts += [f"(?:{p})" for _, r in lists for p in r]
    return re.compile("|".join(parts))


@lru_cache(maxsize=1)
def shipped_direction_model() -> DirectionModel:
    return DirectionModel.load(direction_model.shipped_path())


def p_values(text: str) -> list[tuple[str, float]]:
    """(`<`, 0.05) pairs for every p-value statement in the text."""
    out = []
    for m in _P_VALUE.finditer(text):
        try:
            out.append((m.group(1), float(m.group(2))))
        except ValueError:
            continue
    return out


def significance(text: str, rules: ClaimRules, stated: list[tuple[str, float]] | None = None) -> bool | None:
    """True: significance stated; False: non-significance stated; None: not said.
    `stated`: the text's p_values() when already known."""
    below = above = False
    for op, value in p_values(text) if stated is None else stated:
        if op in ("<", "<=", "≤") and value <= rules.alpha or op == "=" and value <= rules.alpha:
            below = True
        elif op in (">", ">=", "≥") and value >= rules.alpha or op == "=" and value > rules.alpha:
            above = True
    if rules.not_significant.search(text) or (above and not below):
        return False
    if below or _stated_significance(text, rules):
        return True
    return None


def _stated_significance(text: str, rules: ClaimRules) -> bool:
    """A significance word outside a speculation (`may have a significant impact` states none)."""
    if rules.significant.search(text) is None:
        return False
    speculated = [m.span() for m in rules.speculative_significance.finditer(text)] \
        if rules.speculative_significance is not None else []
    if not speculated:
        return True
    return any(not any(a <= m.start() < b for a, b in speculated) for m in rules.significant.finditer(text))


@dataclass(frozen=True)
class Cues:
    """Where the direction rules matched: stated non-changes, and the change words outside them."""
    unchanged: list[tuple[int, int]]
    changes: list[tuple[int, str, str]]  # (offset, "inc" | "dec", matched text), in text order


def find_cues(text: str, rules: ClaimRules) -> Cues:
    # change words inside a stated non-change ("no functional improvement") are not changes
    unchanged = [m.span() for m in rules.no_change.finditer(text)]
    changes = sorted([(m.start(), "inc", m.group()) for m in rules.increase.finditer(text)]
                     + [(m.start(), "dec", m.group()) for m in rules.decrease.finditer(text)])
    after = rules.not_a_change_after
    free = [c for c in changes if not any(a <= c[0] < b for a, b in unchanged)
            and not (after is not None and _right_after(after, text, c[0]))]
    merit = rules.merit_before_change
    if merit is not None and len(free) > 1:  # `more effective than X in decreasing Y`: decreasing decides
        free = [c for c in free if not ((m := merit.match(text, c[0])) and any(d[0] == m.end() for d in free))]
    # `a decrease in propofol use with no increase in recovery time`: the non-change goes with the change
    stated = [(a, b) for a, b in unchanged if not (_accompanying(text, a) and any(c[0] < a for c in free))]
    # `CRP continued to fall despite no further weight loss`: the conceded non-change is not the sentence's
    # `X might have biased Y, even if the groups were similar`: a trailing concession states none either
    stated = [(a, b) for a, b in stated if not ((at := _conceded(text, a)) is not None
                                                 and (any(c[0] < at or c[0] >= _clause_end(text, b) for c in free)
                                                      or _TRAILING_CONCESSION.match(text, at)
                                                      and at > main_clause_start(text)[0]))]
    return Cues(stated, free)


_CONCEDING = re.compile(r"\b(?:despite|in spite of|notwithstanding|although|though|even if|even though)\b[^,;:]*$")
_TRAILING_CONCESSION = re.compile(r"even (?:if|though)\b")
_PHRASE_END = re.compile(r"[,;:]")


def _conceded(text: str, at: int) -> int | None:
    """Where the concessive phrase (`despite`, `in spite of`) holding the non-change at `at` starts."""
    m = _CONCEDING.search(text, max(0, at - 60), at)
    return m.start() if m else None


def _clause_end(text: str, at: int) -> int:
    """The end of the phrase that runs on from `at`: the next comma, semicolon or colon, or the end."""
    m = _PHRASE_END.search(text, at)
    return m.start() if m else len(text)


def _accompanying(text: str, at: int) -> bool:
    """Whether the non-change at `at` is attached to what precedes it (`with no increase in`, `without`)."""
    return text.startswith("without", at) or text[max(0, at - 5):at] == "with "


def _right_after(words: re.Pattern, text: str, at: int) -> bool:
    """Whether one of `words` ends right before offset `at` (`without increasing`)."""
    return any(m.end() == at for m in words.finditer(text, max(0, at - 30), at))


def direction(text: str, rules: ClaimRules, significant: bool | None = None, cues: Cues | None = None) -> str:
    """decrease | increase | no_change | unknown, from cue words in the sentence."""
    cues = cues or find_cues(text, rules)
    unchanged = cues.unchanged
    increases = [start for start, kind, _ in cues.changes if kind == "inc"]
    decreases = [start for start, kind, _ in cues.changes if kind == "dec"]
    if unchanged or significant is False:
        # "significantly lower ..., whereas Y was similar": the stated change wins
        if not (significant and (increases or decreases) and not rules.not_significant.search(text)):
            return "no_change"
    if not increases and not decreases:
        return arm_values(text, rules) if significant else "unknown"
    if len(increases) != len(decreases):
        result = "increase" if len(increases) > len(decreases) else "decrease"
    else:
        result = "increase" if increases[0] < decreases[0] else "decrease"
    if rules.flip.search(text):
        result = "decrease" if result == "increase" else "increase"
    return result


def arm_values(text: str, rules: ClaimRules) -> str:
    """A significant difference stated only by numbers: `35 mm in the lozenge group and 51 mm in the
    control group` is a decrease (treated minus control); unknown when no such pair is found."""
    m = rules.control_first.search(text)
    treated, control = (2, 1) if m else (1, 2)
    m = m or rules.treated_first.search(text)
    if not m:
        return "unknown"
    difference = float(m.group(treated)) - float(m.group(control))
    return "unknown" if difference == 0 else "increase" if difference > 0 else "decrease"


_CAVEAT = re.compile(r",\s+(?:although|though|but|yet)\s+")


def _caveat(text: str, at: int, rules: ClaimRules) -> bool:
    """Whether the call for work at `at` is a caveat added to a finding (`these results suggest that X
    is effective, although this needs to be confirmed`): the sentence still states the finding."""
    turns = list(_CAVEAT.finditer(text, 0, at))
    turn = turns[-1] if turns else None
    return turn is not None and rules.claim_type["finding"].search(text, 0, turn.start()) is not None


# what the first study of its kind did: a topic, not a result
_NOVELTY_TOPIC = re.compile(r"\s+(?:[\w-]+ ){0,4}?(?:(?:to|that) )?(?:evaluat|investigat|examin|assess|compar|explor|"
                            r"describ|stud|look|us)(?:e|es|ed|ing|y|ies)?\b")  # `conducted in Japan to evaluate`


def claim_type(text: str, rules: ClaimRules, direction_: str, significant: bool | None,
               stated: list[tuple[str, float]] | None = None) -> str:
    """`direction_` is the rules' direction (the learned model never makes a finding of a sentence).
    `stated`: the text's p_values() when already known."""
    recommendation = rules.claim_type["recommendation"]
    call = recommendation.search(text)
    if call:
        main, lead = main_clause_start(text)
        if lead and call.start() < main:  # `while the literature suggests that the dose needs to be
            call = recommendation.search(text, main)  # controlled, an infusion may not`: the lead's call is conceded
    if call and not _caveat(text, call.start(), rules):
        return "recommendation"
    novel = rules.novelty.search(text) if rules.novelty is not None else None
    if novel and significant is None and (direction_ == "unknown" or _NOVELTY_TOPIC.match(text, novel.end())):
        return "background"  # `this might be the first study to compare`: what the paper is, not a claim
        # (its change words name the topic: `the first study to evaluate the role of X in improving Y`)
    if rules.aim is not None and significant is None and rules.aim.search(text):
        return "background"  # `we aimed to develop an intervention that would improve X`: a plan, not a result
    if rules.claim_type["hypothesis"].search(text) and not (p_values(text) if stated is None else stated):
        return "hypothesis"
    if direction_ != "unknown" or significant is not None or rules.claim_type["finding"].search(text):
        return "finding"
    return "background"


def assess(text: str, rules: ClaimRules | None = None, model: DirectionModel | None | bool = True,
           prepared: bool = False) -> Assessment:
    """claim_type, direction and significance of one sentence (pure; testable alone).

    The rules' regular expressions are matched on the lower-cased text. When the sentence states an
    effect (a change word, a non-change, a significance) or is a finding that compares (`than`, `versus`),
    the learned direction model (`model`; True: the shipped one, None/False: rules only) decides the
    direction; otherwise it is `unknown`. `prepared`: the text has already been through `_prepare`."""
    rules = rules or load_rules()
    text = text if prepared else _prepare(text)
    stated = p_values(text)
    significant = significance(text, rules, stated)
    cues = find_cues(text, rules)
    direction_ = direction(text, rules, significant, cues)
    kind = claim_type(text, rules, direction_, significant, stated)
    if significant is None and (kind in ("recommendation", "background") or kind == "hypothesis" and (
            rules.explanation is not None and rules.explanation.search(text))):
        direction_ = "unknown"  # `longer courses should be tested` calls for work; `the first study to evaluate
        # X in improving Y` names a topic; `one explanation might be a higher intake` explains: none states an effect
    found = Assessment(kind, direction_, significant, direction_, cues)
    return learned_direction(found, text, rules, model, prepared=True)


_WORD = re.compile(r"[^\W\d_]+")


def never_claim(text: str, rules: ClaimRules) -> bool:
    """A prepared sentence that is no claim whatever the classifier says: a heading (`Supporting
    Information`), an acknowledgement, a funding statement, or one of fewer than `min_words` words.
    (The classifier's position features score the one sentence of a short paragraph high.)"""
    if rules.min_words > 1 and len(_WORD.findall(text)) < rules.min_words:
        return True
    return rules.not_claim is not None and rules.not_claim.search(text) is not None


def states_claim(text: str, rules: ClaimRules) -> bool:
    """rule_claim(assess(text, rules, model=None, prepared=True)) for a prepared text, in one or two
    searches (claimx_claims asks it of every sentence the classifier does not keep): a significance,
    a recommendation, a hypothesis without a p-value, a stated non-change or a change word."""
    if _CAVEAT.search(text) or any(p is not None and p.search(text)
                                   for p in (rules.not_a_change_after, rules.novelty_or_aim)):
        # `without increasing`: no cue; `, although this needs to be confirmed`: perhaps no call for work;
        # `this may be the first study`, `we aimed to`: perhaps no hypothesis
        return rule_claim(assess(text, rules, model=None, prepared=True))
    stated = p_values(text)
    if not stated:
        return rules.any_claim_cue_or_hypothesis.search(text) is not None
    return significance(text, rules, stated) is not None or rules.any_claim_cue.search(text) is not None


def learned_direction(found: Assessment, text: str, rules: ClaimRules, model: DirectionModel | None | bool = True,
                      prepared: bool = False) -> Assessment:
    """`found` with its direction decided by the learned model where the sentence states an effect.
    The rules stand when they saw the control arm as the subject (`flip`) or the model is unsure."""
    if model is True:
        model = shipped_direction_model()
    if not model:
        return found
    text = text if prepared else _prepare(text)
    rule_direction = found.rule_direction
    states_effect = rule_direction != "unknown" or found.significant is not None or (
        found.claim_type == "finding" and rules.comparison.search(text) is not None)
    if not states_effect or rule_direction in ("increase", "decrease") and rules.flip.search(text):
        return found
    predicted, probability = model.predict(*direction_parts(text, rules, found))
    if predicted == "no_change" and rule_direction in ("increase", "decrease") and found.significant is not False \
            and found.cues is not None and not found.cues.unchanged:
        return found  # the sentence names a change and states no non-change: `diminished X` stays a decrease
    if predicted == "no_change" and rule_direction == "unknown" and found.significant is None:
        return found  # no cue of any kind (only a comparison word): no stated non-change either
    if probability >= MODEL_CONFIDENCE or rule_direction == "unknown":
        return Assessment(found.claim_type, predicted, found.significant, rule_direction, found.cues)
    return found


_TOKEN = re.compile(r"[a-z]+|0|[<>=≤≥]")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_CONTROL = re.compile(r"\b(?:placebo|control|sham|usual|standard|comparator|baseline|vehicle)\b")


def _prepare(text: str) -> str:
    """Lower-cased, odd spaces as spaces, a sentence-initial `Significantly, ` blanked; offsets kept
    (unless lower-casing changes the length, which claimx_claims checks)."""
    text = text.replace("\xa0", " ").replace("\u2009", " ").replace("\u200a", " ").replace("·", ".")
    return _EMPHASIS.sub(lambda m: " " * len(m.group()), text).lower()


def direction_features(text: str, rules: ClaimRules | None = None, found: Assessment | None = None) -> list[str]:
    """Features of one sentence for the learned direction model: what the rules found, the words
    around the first change cue, and the sentence's words and word pairs (numbers as `0`).
    With `found` (the rules' assessment), `text` must already be prepared (`_prepare`)."""
    feats, w = direction_parts(text, rules, found)
    return feats + [f"u:{a}" for a in set(w)] + [f"b:{a}_{b}" for a, b in set(zip(w, w[1:]))]


def direction_parts(text: str, rules: ClaimRules | None = None,
                    found: Assessment | None = None) -> tuple[list[str], list[str]]:
    """direction_features() as (the features other than the words and word pairs, the words):
    the model scores words by lookup without making a string per word."""
    rules = rules or load_rules()
    if found is None:
        text = _prepare(text)
        significant = significance(text, rules)
        cues = find_cues(text, rules)
        rule_direction = direction(text, rules, significant, cues)
    else:
        significant, rule_direction = found.significant, found.rule_direction
        cues = found.cues or find_cues(text, rules)
    unchanged, free = cues.unchanged, cues.changes
    feats = [f"rd:{rule_direction}", f"rs:{significant}", f"nc:{min(2, len(unchanged))}",
             f"ni:{min(2, sum(c[1] == 'inc' for c in free))}", f"nd:{min(2, sum(c[1] == 'dec' for c in free))}"]
    if rules.flip.search(text):
        feats.append("flip")
    if rules.not_significant.search(text):
        feats.append("notsig")
    for _, _kind, word in free[:2]:
        feats.append(f"cue:{word.split()[0]}")
    if free:
        first = free[0][0]
        before = _TOKEN.findall(_NUMBER.sub("0", text[max(0, first - 60):first]))[-4:]
        after = _TOKEN.findall(_NUMBER.sub("0", text[first:first + 60]))[1:5]
        feats += [f"bc:{w}" for w in before] + [f"ac:{w}" for w in after]
        feats.append(f"ctl_before:{bool(_CONTROL.search(text[:first]))}_{free[0][1]}")
    feats.append(f"rd:{rule_direction}|rs:{significant}")
    for start, kind, _ in free[:3]:
        feats.append(f"k:{kind}|ctl<{bool(_CONTROL.search(text[max(0, start - 50):start]))}"
                     f"|ctl>{bool(_CONTROL.search(text[start:start + 60]))}|rs:{significant}")
    return feats, _TOKEN.findall(_NUMBER.sub("0", text))


def effect_anchors(found: Assessment, offset: int = 0) -> list[tuple[int, int]]:
    """Character ranges (plus `offset`) of the words that carry the claim's direction: its stated
    non-changes for no_change, its change words of that direction for increase/decrease."""
    if found.cues is None:
        return []
    if found.direction == "no_change":
        return [(offset + a, offset + b) for a, b in found.cues.unchanged]
    kind = {"increase": "inc", "decrease": "dec"}.get(found.direction)
    return [(offset + start, offset + start + len(word)) for start, k, word in found.cues.changes if k == kind]


_OTHER_VERB = frozenset({"had", "has", "have", "was", "were", "is", "are", "showed", "shows", "experienced",
                         "reported", "developed", "demonstrated", "gained", "lost", "received"})
_NEGATION_REACH = 6  # words between a negation and the change word it negates


def np_negations(rules_path: str | Path | None = None) -> frozenset[str]:
    """The negation cues of claimx_context that negate a noun phrase (`no`, `without`), not a verb:
    those of a context.json in the `rules_path` folder, else the shipped ones."""
    from extractor.components.context import load_rules as context_rules

    folder = Path(rules_path) if rules_path else None
    own = folder if folder is not None and folder.is_dir() and (folder / "context.json").is_file() else None
    return frozenset(p for p, np_scope in context_rules(own).negation.items() if np_scope)


def negated_change(found: Assessment, text: str, offset: int, scopes: Sequence[tuple[str, str, int, int]],
                   np_cues: frozenset[str] = frozenset()) -> bool:
    """Whether every change word of an increase/decrease is negated by a verb negation a few words
    before it in its clause (`did not reduce pain`, `was not more effective`): no change is stated.
    A noun-phrase negation (`patients without diabetes had lower ...`) or a second verb between
    (`who did not respond had higher ...`) negates something else."""
    kind = {"increase": "inc", "decrease": "dec"}.get(found.direction)
    if kind is None or found.cues is None:
        return False
    changes = [start for start, k, _ in found.cues.changes if k == kind]
    negations = [(cue, start - offset, end - offset) for k, cue, start, end in scopes
                 if k == "negation" and cue.lower() not in np_cues]
    if not changes or not negations:
        return False

    def negated(at: int) -> bool:
        for cue, start, end in negations:
            cue_at = text.find(cue.lower(), max(0, start))
            if not (0 <= cue_at < at < end):
                continue
            between = text[cue_at + len(cue):at]
            words = between.split()
            if "," not in between and len(words) <= _NEGATION_REACH and not _OTHER_VERB.intersection(words):
                return True
        return False

    return all(negated(at) for at in changes)


def clause_context(anchors: list[tuple[int, int]], scopes: Sequence[tuple[str, str, int, int]]) -> dict:
    """negated/hedged of a claim from the cues whose clause scope covers one of its anchors (the
    words carrying its effect, else its outcomes): `Although X did not change, Y fell` is not negated."""
    result = {"negated": False, "negation_cue": None, "hedged": False, "hedge_cue": None}
    for kind, cue, start, end in scopes:
        key = "negated" if kind == "negation" else "hedged"
        if not result[key] and any(a < end and start < b for a, b in anchors):
            result[key] = True
            result["negation_cue" if kind == "negation" else "hedge_cue"] = cue
    return result


_WORD_OF_LETTERS = r"[^\W\d_]+(?:-[^\W\d_]+)*"  # `longer-term`
# `Thus, ` `On the other hand, `; a longer prepositional phrase (`In this ex vivo study, `)
_MODALS = "could|may|might|can|should|would|will|must"
_MODAL = rf"(?!(?i:{_MODALS})\b)"  # `It could however, be proposed`: no opener
_OPENER = re.compile(rf"\W*(?:(?i:in|at|for|on|among|with|after|before|during|from|by|within|across|throughout|"
                     rf"under|over)(?: {_WORD_OF_LETTERS}){{1,7}}|(?:{_MODAL}{_WORD_OF_LETTERS} ){{0,3}}{_MODAL}"
                     rf"{_WORD_OF_LETTERS})\s*[,:]\s*")
_COORDINATED = re.compile(r"(?:and|but|or|yet|so)\b")
_CONCESSIVE = re.compile(
    r"\s*(?:although|though|even though|even if|while|whereas|despite|if|because|since|unless|given(?: that)?|"
    r"considering that|based on|on the basis of|in light of|in view of|when|whenever|once|"
    r"compared (?:with|to)|in comparison (?:with|to)|unlike)\b[^,;:]*[,;:]\s*"
    r"(?:(?:and|or)\b[^,;:]*,\s*)*")  # `because X may be biased, and Y questioned, they ...`: one lead


def main_clause_start(text: str) -> tuple[int, bool]:
    """Where the main clause of a (prepared) sentence starts, after a short opener (`Thus, `,
    `Conclusions: `) and a concessive lead clause (`although X might Y, `); and whether there was
    such a lead clause."""
    opener = _OPENER.match(text)
    pos = opener.end() if opener else 0
    lead = _CONCESSIVE.match(text, pos)
    pos = lead.end() if lead else pos
    while pos < len(text) and not text[pos].isalnum():
        pos += 1
    return (pos, lead is not None) if pos < len(text) else (0, False)


# an insertion set off by commas: a few words (more after `as well as`, `especially`), not a clause joined by
# `and` / `but`
_INSERTION = re.compile(r",(?!\s*(?:and|but|or|yet|so)\b)\s*(?:(?:as well as|including|such as|together with|"
                        r"along with|in addition to|especially|particularly|notably|mainly|mostly|primarily)\s+"
                        r"(?:[^\s,;:]+\s+){0,11}|(?:[^\s,;:]+\s+){0,5})[^\s,;:]+\s*,")
_PARENTHESIS = re.compile(r"\s*\([^()]*\)")  # `a varnish (EC40) would appear to`: no clause boundary
# words that open a subordinate clause
_SUBORDINATING = (r"(?:which|that|who|whom|whose|where|when|while|whereas|although|though|because|since|as|if|"
                  r"unless|suggesting|indicating|implying)")
_SUBORDINATE_END = re.compile(rf"\b{_SUBORDINATING}\s*$", re.IGNORECASE)
_SUBORDINATOR = re.compile(rf"\b{_SUBORDINATING}\b", re.IGNORECASE)


def _after_subject(text: str, main: int, at: int) -> bool:
    """The clause starting at `at` follows the main clause's subject directly, once insertions set off
    by commas are left out (`This delay, contrary to what we expected, suggests`): its hedge is the
    main verb's."""
    if at <= main:
        return False
    before = _INSERTION.sub(" ", _PARENTHESIS.sub(" ", text[main:at]))
    return not re.search(r"[,;:()]", before) and not _SUBORDINATE_END.search(before.rstrip())


def _coordinated(text: str, at: int) -> bool:
    """The clause starting at `at` is a main clause joined by `and`, `but`, `;` ... (not subordinate),
    also after a lead phrase of its own (`X is unknown but, for some patients (...), the disease might`)."""
    before = text[:at].rstrip()
    if before.endswith(";") or _COORDINATED.match(text, at) is not None or \
            re.search(r"\b(?:and|but|or|yet|so)$", before) is not None:
        return True
    lead = _CONTRAST_LEAD.search(before)
    return lead is not None and not _SUBORDINATOR.search(lead.group(1)) and not _AUXILIARY.search(lead.group(1))


# `but` or `yet` and a lead phrase closed by a comma, right before a clause
_CONTRAST_LEAD = re.compile(r"\b(?:but|yet)\b([^;:,]*(?:\([^()]*\))?[^;:,]*),$")
# a verb in that phrase makes it a clause of its own (`but this difference was not significant, probably`)
_AUXILIARY = re.compile(rf"\b(?:is|are|was|were|has|have|had|do|does|did|{_MODALS})\b", re.IGNORECASE)


def hedged_elsewhere(found: Assessment, text: str, rules: ClaimRules, offset: int,
                     scopes: Sequence[tuple[str, str, int, int]]) -> bool:
    """True for a `hypothesis` whose hedge sits in another clause than its main statement (`X fell,
    which may reflect Y`; `our data provide insight into X, which may explain Y`): it is not a
    hypothesis. Every hypothesis cue must lie in a hedge scope (the clause of a claimx_context cue),
    no such scope may cover the start of the main clause or hold any of the rules' effect words (a
    change word or a stated non-change). `offset`: where `text` (prepared) starts in the doc, the
    scopes' frame."""
    if found.claim_type != "hypothesis" or found.cues is None:
        return False
    hedges = [(start, end) for kind, _, start, end in scopes if kind == "hedge"]
    anchors = [(offset + a, offset + b) for a, b in found.cues.unchanged]
    anchors += [(offset + start, offset + start + len(word)) for start, _, word in found.cues.changes]
    main = offset + main_clause_start(text)[0]
    hypothesis = rules.claim_type["hypothesis"]
    cues = [offset + m.start() for m in hypothesis.finditer(text)]
    holding = [(start, end) for start, end in hedges if any(start <= cue < end for cue in cues)]
    covering = [cue for kind, cue, start, end in scopes if kind == "hedge" and start <= main < end]
    if not hedges or covering and not _relative_hedges(text, offset, scopes, cues, covering, hypothesis):
        return False
    if covering:  # `These results suggest that X, which may Y`: the `which` clause's hedge is elsewhere
        holding = [(start, end) for start, end in holding if start > main]
    hedged_anchors = [a for a, b in anchors if any(a < end and start < b for start, end in hedges)]
    free_anchors = [a for a, _ in anchors if not any(start <= a < end for start, end in hedges)]
    if hedged_anchors and not any(a < min(hedged_anchors) for a in free_anchors):
        return False  # the hedged clause carries the effect (`X, which may reduce Y`), unless the main clause
        # states one before it (`We show that X increased Y, factors which may be associated with Z`)
    if any(_coordinated(text, start - offset) and not any(a < start for a in free_anchors) for start, _ in holding):
        return False  # `X is preliminary, and Y could act ...`: the hedged clause is a main clause too
        # (not `X has improving effects, and may increase Y`: the first main clause states an effect)
    changes = [offset + at for at, _, _ in found.cues.changes]
    if any(_after_subject(text, 0, start - offset) and not any(at < start for at in changes)
           or _after_subject(text, main - offset, start - offset) for start, _ in holding):
        return False  # `This delay, contrary to what we expected, suggests that ...`: the main verb's hedge
        # (not `Both groups improved, suggesting that X may ...`: a change before it is the main clause's)
    return all(any(start <= cue < end for start, end in holding) for cue in cues)


_RELATIVE_BEFORE = re.compile(r",\s*(?:which|who|whom|whose|where)\s*$", re.IGNORECASE)


def _relative_hedges(text: str, offset: int, scopes: Sequence[tuple[str, str, int, int]], cues: list[int],
                     covering: list[str], hypothesis: re.Pattern) -> bool:
    """The hedges over the main clause are reporting ones (`suggest that`, no hypothesis cue) and every
    hypothesis cue opens a relative clause (`, which may`): the sentence reports a finding."""
    if any(hypothesis.search(cue.lower()) for cue in covering):
        return False
    starts = [start for kind, cue, start, end in scopes if kind == "hedge" and hypothesis.search(cue.lower())
              and any(start <= at < end for at in cues)]
    return bool(starts) and all(_RELATIVE_BEFORE.search(text, 0, start - offset) for start in starts)


def unhedged_type(found: Assessment, text: str, rules: ClaimRules) -> str:
    """The claim_type of a sentence whose hypothesis cues do not count (hedged_elsewhere)."""
    if found.rule_direction != "unknown" or found.significant is not None or rules.claim_type["finding"].search(text):
        return "finding"
    return "background"


def other_study(text: str, sent: Span, rules: ClaimRules, cited: Sequence[int]) -> bool:
    """A result the sentence reports of another study (`Smith et al. revealed ...`, a finding with a
    citation marker) and not of the paper's own (`we found`, `our data`, a p-value): background, not a finding.
    `cited`: the sorted token starts of the document's citation markers."""
    if (rules.earlier_own_study is not None and rules.earlier_own_study.search(text.lower()) and not p_values(text)
            and not _PRESENT_STUDY.search(text)):
        return True  # `in our previous studies, we reported ...`: the authors' earlier result, not this paper's
        # (not `We have previously shown X, and here we show Y`)
    if rules.own_study is not None and rules.own_study.search(text.lower()) or p_values(text):
        return False  # the paper's own words, or a p-value: its own result (`men were more prevalent [3] (p<0.001)`)
    if rules.other_study is not None and rules.other_study.search(text.lower()):
        return True
    k = bisect_left(cited, sent.start)
    if not (k < len(cited) and cited[k] < sent.end):
        return False
    reading = _INTERPRETATION.search(text)  # `X did not affect Y, indicating that Z is involved [33]`: the
    return reading is None or sent.doc[cited[k]].idx - sent.start_char < reading.start()  # markers back Z


# a clause that reads the result: citation markers after it back the reading, not the result
_INTERPRETATION = re.compile(r", (?:suggesting|indicating|implying|pointing to|in line with|consistent with|"
                             r"as (?:previously |also )?(?:reported|shown|described|suggested|observed))\b")


_SUBJECT_REACH = 30  # characters from the start of the main clause within which another study is its subject
# this paper's own result beside the authors' earlier one
_PRESENT_STUDY = re.compile(r"\b(?:here|now|in (?:the|this) (?:present|current) (?:study|trial|work)),? we\b|"
                            r"\bwe (?:here|now)\b", re.IGNORECASE)


def others_hypothesis(text: str, rules: ClaimRules) -> bool:
    """A hedged result of another study, which is the sentence's subject (`Smith et al. indicated
    that X might be more efficient`): background, not the paper's hypothesis. A study cited in
    passing (`X probably helps, as Smith et al. observed`, `(Smith et al., 2009)`) leaves the
    hypothesis the paper's own. So is the authors' own earlier result (`We have previously shown
    that X ..., and so X might`)."""
    lower = text.lower()
    opener = _OPENER.match(lower)
    at = opener.end() if opener else 0
    earlier = rules.earlier_own_study.search(lower, at) if rules.earlier_own_study is not None else None
    if earlier is not None and earlier.start() - at <= _SUBJECT_REACH and not _PRESENT_STUDY.search(text):
        return True  # `We have previously shown that X ..., and so might protect`: the authors' earlier result
    if rules.other_study is None:
        return False
    m = rules.other_study.search(lower, at)
    return (m is not None and m.start() - at <= _SUBJECT_REACH
            and not (rules.own_study is not None and rules.own_study.search(lower)))


def rule_claim(found: Assessment) -> bool:
    """Rules alone make a claim of a hypothesis, a recommendation, or a finding that states an
    effect (a direction or a significance); methods sentences (`we compared ...`) are not."""
    if found.claim_type in ("hypothesis", "recommendation"):
        return True
    return found.claim_type == "finding" and (found.rule_direction != "unknown" or found.significant is not None)


def paragraphs(doc: Doc, text: str | None = None) -> list[list[Span]]:
    """Sentences grouped by paragraph: a line break between two sentences starts a new one."""
    if "sentences" in doc.spans:  # claimx_context's copy: cheaper than doc.sents
        sents = list(doc.spans["sentences"])
    else:
        sents = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
    groups: list[list[Span]] = []
    previous_end = 0
    text = doc_text(doc) if text is None else text
    for sent in sents:
        start = sent.start_char
        if not groups or "\n" in text[previous_end:start]:
            groups.append([])
        groups[-1].append(sent)
        previous_end = sent.end_char
    return groups


_CONTEXT = ("negated", "negation_cue", "hedged", "hedge_cue", "cue_scopes")


class ClaimExtractor(RulesPipe):
    """Thin component: score and assess each sentence, keep the claims in `doc.spans["claims"]`."""

    FILES = FILES

    def __init__(self, nlp: Language, name: str = "claimx_claims", classifier_path: str = "",
                 threshold: float | None = None, rules_path: str | Path | None = None):
        register_extensions()
        self.name = name
        self.rules_data = read_rules(FILES, rules_path)
        self.rules = load_rules(rules_path)
        self.classifier = ClaimClassifier.load(Path(classifier_path) if classifier_path else shipped_path())
        self.direction_model = shipped_direction_model()
        self.threshold = threshold
        self.np_negations = np_negations(rules_path)

    def __call__(self, doc: Doc) -> Doc:
        threshold = self.classifier.threshold if self.threshold is None else self.threshold
        rules, model = self.rules, self.direction_model
        # the sentences are claimx_context's spans when it ran (they carry its cues), else plain ones
        has_context = "sentences" in doc.spans
        claims = []
        outcomes: list[tuple[int, int]] | None = None
        text = doc_text(doc)
        cited = sorted(c.start for c in doc.spans.get("citations", []))
        back = Containers(back_matter(text, rules))
        for paragraph in paragraphs(doc, text):
            sentences = [text[s.start_char:s.end_char] for s in paragraph]
            for sent, sentence, score in zip(paragraph, sentences, self.classifier.score_paragraph(sentences)):
                prepared = _prepare(sentence)
                if score < threshold and not states_claim(prepared, rules) or never_claim(prepared, rules):
                    continue
                if back and back.contain(sent.start_char, sent.end_char):
                    continue  # competing interests, funding, contributions: never claims
                found = assess(prepared, rules, model=None, prepared=True)
                x = get_attrs(sent, _CONTEXT) if has_context else None
                retyped = (x is not None and x["cue_scopes"] and len(prepared) == len(sentence)
                           and hedged_elsewhere(found, prepared, rules, sent.start_char, x["cue_scopes"]))
                if retyped:
                    found = replace(found, claim_type=unhedged_type(found, prepared, rules))
                found = learned_direction(found, prepared, rules, model, prepared=True)
                if found.claim_type == "finding" and other_study(prepared, sent, rules, cited) or (
                        found.claim_type == "hypothesis" and others_hypothesis(prepared, rules)):
                    found = replace(found, claim_type="background")
                span = Span(doc, sent.start, sent.end, label=LABEL)
                flags = {"negated": bool(x and x["negated"]), "negation_cue": x["negation_cue"] if x else None,
                         "hedged": bool(x and x["hedged"]), "hedge_cue": x["hedge_cue"] if x else None}
                if (x is not None and x["cue_scopes"] and found.claim_type in ("finding", "background")
                        and len(prepared) == len(sentence)):
                    # a finding's cues: those of the clause carrying its effect (else its outcomes, else the
                    # sentence); hypotheses and recommendations are judged on the whole sentence
                    start, end = sent.start_char, sent.end_char
                    anchors = effect_anchors(found, start)
                    if retyped:  # the effect words of its main clause, not those of the hedged one
                        hedges = [(a, b) for kind, _, a, b in x["cue_scopes"] if kind == "hedge"]
                        anchors = [an for an in anchors if not any(a <= an[0] < b for a, b in hedges)] or anchors
                    if not anchors and not retyped:  # a hedge elsewhere retyped it: its main clause decides
                        if outcomes is None:
                            outcomes = [(s.start_char, s.end_char) for s in doc.spans.get("outcomes", [])]
                        anchors = [o for o in outcomes if start <= o[0] < end]
                    if not anchors:  # no effect words, no outcomes: the main clause, after a concessive lead
                        main, lead = main_clause_start(prepared)  # or when its hedge is elsewhere
                        anchors = [(start + main, start + main + 1)] if lead or retyped else []
                    if anchors:
                        flags = clause_context(anchors, x["cue_scopes"])
                    if flags["negated"] and negated_change(found, prepared, start, x["cue_scopes"], self.np_negations):
                        found = replace(found, direction="no_change")  # `did not reduce pain more than placebo`
                set_attrs(span, claim_type=found.claim_type, direction=found.direction, significant=found.significant,
                          score=round(score, 4), is_claim=score >= threshold, source=self.name, **flags)
                claims.append(span)
        doc.spans[GROUP] = claims
        return doc

    def _use_rules(self, data: dict) -> None:
        self.rules_data = data
        self.rules = rules_from_data(data)

    def to_disk(self, path: Path, exclude: tuple = ()) -> None:
        super().to_disk(path, exclude)
        self.classifier.save(Path(path) / "classifier.json")
        self.direction_model.save(Path(path) / "direction.json")

    def from_disk(self, path: Path, exclude: tuple = ()) -> ClaimExtractor:
        super().from_disk(path, exclude)
        # pipelines that ship only a config keep the classifier chosen at construction
        stored = Path(path) / "classifier.json"
        if stored.is_file():
            self.classifier = ClaimClassifier.load(stored)
        if (Path(path) / "direction.json").is_file():
            self.direction_model = DirectionModel.load(Path(path) / "direction.json")
        return self


@Language.factory(
    "claimx_claims",
    assigns=["doc.spans"],
    default_config={"classifier_path": "", "threshold": None, "rules_path": None},
)
def make_claims(nlp: Language, name: str, classifier_path: str, threshold: float | None,
                rules_path: str | None) -> ClaimExtractor:
    """Claim sentences into doc.spans["claims"]; `rules_path`: a folder holding a claims.json (the
    cue patterns), or that file (null: the shipped one); the learned models are `classifier_path`
    and the shipped direction model."""
    return ClaimExtractor(nlp, name, classifier_path, threshold, rules_path)
