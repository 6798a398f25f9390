"""Evidence frames from an analysed Doc: result sentences that compare two of the document's arms.

The arms of a document are its drugs given (the drugs of its regimens, with the abbreviations
the text defines for them), the abbreviations it defines for what patients were allocated to
(`randomized to OLP or TAU`), its control arms (`placebo`, `usual care`, `the control group`) and
its named groups (`the exercise group`). A frame is a claims sentence typed `finding` that names
two different arms and an outcome; the intervention is the arm named first unless that is a
control arm, the comparator the other. The effect is read by the evidence model with the two
arms and the outcome masked (the intervention's outcome relative to the comparator's), and the
sentence's p-value, effect measure with its confidence interval, time point and group sizes are
read off it and its mentions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc, Span

from extractor.components.regimens import doc_regimens
from extractor.evidence.answer import significant
from extractor.evidence.arms import Arms, rules
from extractor.evidence.features import effect_features, p_values
from extractor.evidence.passages import Headings
from extractor.pipeline.doctext import doc_text
from extractor.pipeline.intervals import Containers


@dataclass(frozen=True)
class ArmMention:
    start: int  # character offsets in the Doc's text
    end: int
    arm: str  # the arm's name: a drug's concept name, a control word, a group's name
    control: bool


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    data = rules()
    controls = sorted(data["control_arms"], key=len, reverse=True)
    control = re.compile(r"\b(?:" + "|".join(re.escape(c) for c in controls) + r")\b", re.I)
    group = re.compile(r"\b(?:the\s+)?([A-Za-z][\w+/-]*(?:\s+[A-Za-z][\w+/-]*)?)\s+(?:group|arm)s?\b", re.I)
    measure = re.compile(data["effect_measure_pattern"])
    return control, group, measure


# a drug named within a few words after one of these is an arm (`randomized to receive either X or Y`)
_ALLOCATION = re.compile(r"\b(?:randomi[sz]ed|randomly|allocated|assigned|received either|to receive)\b"
                         r"(?:\W+\w+){0,8}", re.I)
# what follows within this reach names the arms' abbreviations (`randomized to artesunate-mefloquine
# (AM) or chloroquine (CQ) plus sulfadoxine-pyrimethamine (SP)`)
_ALLOCATION_ARMS = re.compile(_ALLOCATION.pattern.replace("{0,8}", "{0,20}"), re.I)
_COMPARED_TO = re.compile(r"\b(?:compared\s+(?:to|with)|in\s+comparison\s+(?:to|with)|versus|vs\.?|than)\s+"
                          r"(?:(?:that|those)\s+(?:of|in|on|with)\s+)?(?:the\s+|patients\s+\w+\s+|subjects\s+\w+\s+)?$",
                          re.I)
_LEADING = re.compile(r"^(?:in|of|for|on|with|to|from|by|and|or|the|both|all|each)\s+", re.I)
_FOOTNOTE = re.compile(r"(?:^|\s)[*#†‡§]+\s*p\s*[<=>≤]|^\s*[*#†‡§]")
_GIVING_LINKS = ("DOSE", "ROUTE", "FREQUENCY", "DURATION")  # a regimen with one of these: a drug the trial gives
_BEFORE_RESULTS = ("introduction", "background", "objective")  # sections that state other studies' results


def _allocation_windows(doc: Doc, pattern: re.Pattern) -> Containers:
    """The stretches of text after `randomized`, `allocated to` ... in each sentence."""
    text = doc_text(doc)
    if pattern.search(text) is None:  # none in the whole text, so none in any sentence
        return Containers(())
    return Containers((m.start(), m.end()) for sent in doc.sents
                      for m in pattern.finditer(text, sent.start_char, sent.end_char))


def _drug_arms(doc: Doc) -> dict[tuple[int, int], str]:
    """(start_char, end_char) -> arm name of each mention of a drug the trial gives: one whose
    regimen has a dose, route, schedule or duration, or that a sentence allocating patients names."""
    given = {_drug_name(r.drug) for r in doc_regimens(doc) if any(r.links.get(label) for label in _GIVING_LINKS)}
    if doc.has_annotation("SENT_START"):
        inside = _allocation_windows(doc, _ALLOCATION)
        for drug in doc.spans.get("drugs", []):
            if inside.contain(drug.start_char, drug.end_char):
                given.add(_drug_name(drug))
    found = {}
    for drug in doc.spans.get("drugs", []):
        name = _drug_name(drug)
        if name in given:
            found[(drug.start_char, drug.end_char)] = name
    return found


@dataclass(frozen=True)
class Allocated:
    """Abbreviations that name arms (short form -> whether its long form is a control arm), and one
    pattern that finds them in a sentence, joined by `/` or `+` (`CQ/SP`) as one arm."""

    control: dict[str, bool]
    pattern: re.Pattern | None


def allocated_abbreviations(doc: Doc) -> Allocated:
    """Abbreviations the text defines for what a sentence allocating patients names (`randomized to
    OLP or TAU`, `to cognitive therapy (CT) or behaviour therapy (BT)`): arms that need not be drugs."""
    found: dict[str, bool] = {}
    if doc.has_annotation("SENT_START") and doc.has_extension("abbreviations"):
        inside = _allocation_windows(doc, _ALLOCATION_ARMS)
        control, _, _ = _patterns()
        not_arms = frozenset(rules()["not_abbreviations"])
        for short in doc._.abbreviations or []:
            long = getattr(short._, "long_form", None)
            name = short.text
            if name in not_arms or not name[:1].isupper() or long is None:
                continue
            if inside.contain(short.start_char, short.end_char) or inside.contain(long.start_char, long.start_char + 1):
                found[name] = bool(control.search(long.text))
    if not found:
        return Allocated({}, None)
    names = "|".join(sorted((re.escape(a) for a in found), key=len, reverse=True))
    return Allocated(found, re.compile(r"(?<![\w-])(?:" + names + r")(?:\s*[/+]\s*(?:" + names + r"))*(?![\w-])"))


def _drug_name(span: Span) -> str:
    concept = span._.concept_name if span.has_extension("concept_name") else None
    return (concept or span.text).lower()


def arm_mentions(doc: Doc, sentence: Span, drug_arms: dict[tuple[int, int], str],
                 allocated: Allocated | None = None) -> list[ArmMention]:
    """The arms a sentence names, in text order, without overlaps (a drug's own group, `the
    ketamine group`, is the drug's arm); allocated abbreviations joined by `/` or `+` (`CQ/SP`)
    are one arm."""
    control, group, _ = _patterns()
    base = sentence.start_char
    text = doc_text(doc)[base:sentence.end_char]  # sentence.text, without making its Tokens
    before, after = _measured()
    co_treatment, negated = _co_treatment()
    found = []
    for (s, e), name in drug_arms.items():
        if not (base <= s and e <= sentence.end_char) or before.search(text, 0, s - base) \
                or after.match(text, e - base) or co_treatment.search(text, 0, s - base):
            continue  # a thing measured, or a drug given with the arm before it
        without = negated.search(text, 0, s - base)
        if without:  # `the non lobaplatin regimen`: the arm without the drug
            found.append(ArmMention(base + without.start(), e, f"non-{name}", True))
        else:
            found.append(ArmMention(s, e, name, name in _control_names()))
    if allocated is not None and allocated.pattern is not None:
        for m in allocated.pattern.finditer(text):
            parts = re.split(r"\s*[/+]\s*", m.group(0))
            found.append(ArmMention(base + m.start(), base + m.end(), "/".join(parts),
                                    all(allocated.control[p] for p in parts)))
    for m in control.finditer(text):
        found.append(ArmMention(base + m.start(), base + m.end(), _control_arm(m.group(0)), True))
    generic = frozenset(rules()["generic_words"]) | _control_names()
    not_names = frozenset(rules()["not_group_names"])
    for m in group.finditer(text):
        lead = _LEADING.match(m.group(1))
        start = m.start(1) + (lead.end() if lead else 0)
        name = text[start:m.end(1)].lower()
        if not name:
            continue
        if all(word in generic or word in not_names or not word.isalpha() for word in name.split()):
            continue
        found.append(ArmMention(base + start, base + m.end(1), name, False))
    found.sort(key=lambda a: (a.start, -(a.end - a.start)))
    kept: list[ArmMention] = []
    for arm in found:
        if kept and arm.start < kept[-1].end:
            continue
        kept.append(arm)
    return kept


@lru_cache(maxsize=1)
def _co_treatment() -> tuple[re.Pattern, re.Pattern]:
    """Text right before a drug that makes it given with another arm (`combined with`), or the arm
    without it (`non `)."""
    data = rules()
    negated = "|".join(re.escape(w) for w in sorted(data["negated_arm_before"], key=len, reverse=True))
    return (re.compile(f"(?:{data['co_treatment_before']})", re.I),
            re.compile(rf"(?<![\w-])(?:{negated or '(?!x)x'})$", re.I))


def clause_of(text: str, ranges: list[tuple[int, int]]) -> tuple[int, int]:
    """The clause of a sentence (`text`) that holds every character range in `ranges` (offsets in
    `text`), the clauses split where the sentence turns to another result (`, whereas`); the whole
    sentence where the ranges lie in more than one."""
    cuts = [(m.start(), m.end()) for m in _clause_breaks().finditer(text) if not _bracketed(text, m.start())]
    starts, ends = [0] + [e for _, e in cuts], [s for s, _ in cuts] + [len(text)]
    for lo, hi in zip(starts, ends):
        if all(lo <= s and e <= hi for s, e in ranges):
            return lo, hi
    return 0, len(text)


def _bracketed(text: str, at: int) -> bool:
    """Whether `at` is inside brackets (`(HR 0.39; 95% CI 0.13-1.17; P = 0.04)` is one clause's)."""
    depth = 0
    for char in text[:at]:
        if char in "([":
            depth += 1
        elif char in ")]" and depth:
            depth -= 1
    return depth > 0


@lru_cache(maxsize=1)
def _clause_breaks() -> re.Pattern:
    return re.compile(rules()["clause_break_pattern"], re.I)


@lru_cache(maxsize=1)
def _measured() -> tuple[re.Pattern, re.Pattern]:
    """A drug named as the thing measured (`a decrease of MDA`, `tHcy levels`) is no arm."""
    data = rules()
    words = lambda key: "|".join(sorted((re.escape(w) for w in data[key]), key=len, reverse=True))  # noqa: E731
    return (re.compile(r"\b(?:" + words("measured_before") + r")\s+(?:in|of)\s+(?:the\s+|serum\s+|plasma\s+)?$", re.I),
            re.compile(r"\s*(?:" + words("measured_after") + r")\b", re.I))


@lru_cache(maxsize=1)
def _control_names() -> frozenset[str]:
    return frozenset(_control_arm(c) for c in rules()["control_arms"])


def _control_arm(words: str) -> str:
    """One name for each control arm: `placebos` and `placebo` are one arm, `controls` and `control group`."""
    low = words.lower()
    for name in ("placebo", "sham", "vehicle"):
        if name in low:
            return name
    return "control"


@lru_cache(maxsize=1)
def shipped_effect_model():
    """The effect model `claimx evidence` ships (models/evidence/effect.json), read once per process."""
    from extractor.learning.effect_model import EffectModel, shipped_path

    return EffectModel.load(shipped_path())


def frames(doc: Doc, model) -> list[dict]:
    """The evidence frames of a Doc: dicts with the sentence span and the frame's fields."""
    claims = [c for c in doc.spans.get("claims", []) if c._.claim_type == "finding"]
    if not claims:
        return []
    cited = Containers((c.start, c.end) for c in doc.spans.get("citations", []))
    whole = doc_text(doc)
    sections = _major_sections(whole)
    baseline = _baseline()
    results = []
    for claim in claims:
        section = sections.section(claim.start_char)
        if any(name in section for name in _BEFORE_RESULTS) or (
                ("method" in section or "design" in section) and "result" not in section):
            continue  # the background states other studies' results, the methods the plan
        said = whole[claim.start_char:claim.end_char]  # claim.text, without making its Tokens
        if _FOOTNOTE.search(said) or cited.overlap(claim.start, claim.end) or baseline.search(said):
            continue  # a table's footnote; another study's result; the groups before any effect
        results.append((claim, said))
    if not results:
        return []
    drug_arms = _drug_arms(doc)  # the document's arms: read only where a result sentence may name them
    allocated = allocated_abbreviations(doc)
    outcomes = sorted(doc.spans.get("outcomes", []), key=lambda s: s.start)
    _, _, measure = _patterns()
    not_outcomes = frozenset(rules()["not_outcomes"])
    out = []
    for claim, said in results:
        arms = arm_mentions(doc, claim, drug_arms, allocated)
        names = list(dict.fromkeys(a.arm for a in arms))
        if len(names) < 2:
            continue
        first, other = _intervention_and_comparator(whole, arms)
        if first is None or other is None:
            continue  # two control arms: not an intervention against a comparator
        arm_spans = [(a.start, a.end) for a in arms]
        outcome = next((o for o in outcomes if claim.start <= o.start and o.end <= claim.end
                        and not any(s < o.end_char and o.start_char < e for s, e in arm_spans)
                        and o.text.lower() not in not_outcomes), None)
        if outcome is None:
            continue
        base = claim.start_char
        lo, hi = clause_of(said, [(first.start - base, first.end - base), (other.start - base, other.end - base),
                                        (outcome.start_char - base, outcome.end_char - base)])
        text = said[lo:hi]  # the clause that compares these arms on this outcome
        intervention = whole[first.start:first.end]
        comparator = whole[other.start:other.end]
        masked_arms = Arms.of(intervention, comparator, outcome.text)
        effect, probability = model.predict(effect_features(text, masked_arms))
        ps = p_values(text)
        m = measure.search(text)
        name = m.group("measure").upper() if m else None
        low = _float(m.group("low")) if m and m.group("low") else None
        high = _float(m.group("high")) if m and m.group("high") else None
        stated = significant(text, effect)
        out.append({
            "span": claim, "intervention": intervention, "comparator": comparator, "outcome": outcome.text,
            "direction": effect, "significant": stated if stated is not None else _ci_significant(name, low, high),
            "p_value": ps[0][1] if ps else None, "effect_measure": name,
            "effect_value": _float(m.group("value")) if m else None, "ci_low": low, "ci_high": high,
            "score": round(probability, 4),
        })
    return out


_DIFFERENCES = frozenset({"MD", "SMD", "WMD", "RD", "ARR", "MEAN DIFFERENCE"})  # no effect is 0; ratios: 1


def _ci_significant(measure: str | None, low: float | None, high: float | None) -> bool | None:
    """A 95% CI that excludes no effect (1 for a ratio, 0 for a difference) is significant."""
    if measure is None or low is None or high is None:
        return None
    null = 0.0 if measure in _DIFFERENCES else 1.0
    return not (min(low, high) <= null <= max(low, high))


def _intervention_and_comparator(text: str, arms: list[ArmMention]) -> tuple[ArmMention | None, ArmMention | None]:
    """The comparator is the arm named after `compared with`, `versus` or `than`, else a control arm,
    else the second arm named; the intervention is the first other arm that is not a control."""
    after = [a for a in arms if _COMPARED_TO.search(text, max(0, a.start - 60), a.start)]
    comparator = after[0] if after else next((a for a in arms if a.control), None)
    if comparator is None:
        ordered = [a for a in arms if not a.control]
        comparator = next((a for a in ordered[1:] if a.arm != ordered[0].arm), None) if ordered else None
    if comparator is None:
        return None, None
    intervention = next((a for a in arms if not a.control and a.arm != comparator.arm), None)
    return intervention, comparator


def _major_sections(text: str) -> Headings:
    """The text's section headings that name a section (results, methods ...): a heading that
    names none (`Weight`, a table's row label, a subsection's title) stays in the section before."""
    headings = Headings(text)
    kept = [(start, name) for start, name in zip(headings.starts, headings.names) if name != "other"]
    headings.starts, headings.names = [start for start, _ in kept], [name for _, name in kept]
    return headings


@lru_cache(maxsize=1)
def _baseline() -> re.Pattern:
    return re.compile(rules()["baseline_pattern"], re.IGNORECASE)


def _float(text: str | None) -> float | None:
    try:
        return float(text.replace("·", ".").replace("−", "-")) if text else None
    except ValueError:
        return None
