"""The effect model's features of a passage, given the prompt's arms.

Words and word pairs of the masked passage (numbers as `0`); the order in which the arms are
named; the words just before and after each arm; for every change word (`lower`, `improved`),
the nearest arm before and after it (`cue:dec:INTV:COMP` is `INTV ... lower ... COMP`), the
two words after it and the arm named after a following `than` / `versus` (the reference); a
change word right after `or` is a threshold (`one or more`), not a change; the change word
nearest each mention of the outcome (`oc:dec:INTV:COMP`, so that in `fewer hot flushes and
better sleep` each outcome gets its own change); whether a change word says good or bad
(`improved`, `worse`) and the outcome is adverse (`pain`, `relapse`: improved pain is less pain);
the p-values stated (all below 0.05, some not, none) and a stated non-difference; the numbers
said of each arm, compared (`evidence/numbers.py`); the prompt's outcome words (`ow:mortality`:
which way an outcome tends to move is a prior the masked passage no longer shows).
"""

from __future__ import annotations

import re

from extractor.evidence.arms import COMPARATOR, INTERVENTION, OUTCOME, Arms, mask, rules
from extractor.evidence.numbers import number_features

_TOKEN = re.compile(r"INTV|COMP|OUTC|[a-z]+|\d+(?:\.\d+)?|[<>=≤≥]", re.IGNORECASE)
_P_VALUE = re.compile(r"\bp\s*(?:-?\s*values?)?\s*([<>=≤≥])\s*(0?\.\d+|[01](?:\.0+)?)\b", re.IGNORECASE)
NO_DIFFERENCE = re.compile(r"\b(?:no|not|nor|neither|without)\b[^.;]{0,40}\b(?:significan|differ)", re.IGNORECASE)
_ARMS = (INTERVENTION, COMPARATOR)
_THAN = frozenset({"than", "versus", "vs", "compared"})


def tokens(masked: str) -> list[str]:
    out = []
    for token in _TOKEN.findall(masked):
        if token[0].isdigit():
            out.append("0")
        elif token in ("INTV", "COMP", "OUTC"):
            out.append(token)
        else:
            out.append(token.lower())
    return out


def p_values(text: str) -> list[tuple[str, float]]:
    return [(m.group(1), float(m.group(2))) for m in _P_VALUE.finditer(text)]


def significance(text: str) -> str:
    """`sig` (every p-value stated under 0.05), `ns` (none), `both`, or `none` stated."""
    ps = p_values(text)
    sig = any((op in "<≤" and v <= 0.05) or (op == "=" and v < 0.05) for op, v in ps)
    ns = any((op in ">≥=" and v >= 0.05) for op, v in ps)
    return "both" if sig and ns else "sig" if sig else "ns" if ns else "none"


def _nearest(toks: list[str], k: int, step: int, window: int) -> str:
    stop = max(-1, k - window) if step < 0 else min(len(toks), k + window)
    return next((toks[j] for j in range(k + step, stop, step) if toks[j] in _ARMS), "none")


def effect_features(text: str, arms: Arms) -> list[str]:
    data = rules()
    increase, decrease, window = frozenset(data["increase"]), frozenset(data["decrease"]), data["cue_window"]
    masked = mask(text, arms)
    toks = tokens(masked)
    feats = {f"u:{t}" for t in toks}
    feats.update(f"b:{a}_{b}" for a, b in zip(toks, toks[1:]))
    at_i = [k for k, t in enumerate(toks) if t == INTERVENTION]
    at_c = [k for k, t in enumerate(toks) if t == COMPARATOR]
    if at_i and at_c:
        feats.add("order:" + ("IC" if at_i[0] < at_c[0] else "CI"))
    else:
        feats.add("order:" + ("I" if at_i else "C" if at_c else "none"))
    for prefix, places in (("i", at_i), ("c", at_c)):
        for k in places:
            feats.update(f"b{prefix}:{t}" for t in toks[max(0, k - 4):k])
            feats.update(f"a{prefix}:{t}" for t in toks[k + 1:k + 5])
    better, worse = frozenset(data["better"]), frozenset(data["worse"])
    adverse = "adverse" if arms.outcome & frozenset(data["adverse_outcomes"]) else "other"
    threshold = frozenset(data["threshold_before"])
    cues = []
    for k, t in enumerate(toks):
        change = "inc" if t in increase else "dec" if t in decrease else None
        if change is not None and k and toks[k - 1] in threshold:
            change = None  # `one or more complications`: a threshold, not a change
        if t in better or t in worse:
            feats.add(f"pol:{'better' if t in better else 'worse'}:{adverse}")
        if change is None:
            continue
        cues.append((k, change))
        before, after = _nearest(toks, k, -1, window), _nearest(toks, k, 1, window)
        feats.update((f"cue:{change}:{before}:{after}", f"cueb:{change}:{before}", f"cuea:{change}:{after}",
                      f"cw:{t}:{before}:{after}", f"cn:{t}:{' '.join(toks[k + 1:k + 3])}"))
        than = next((j for j in range(k + 1, min(len(toks), k + window)) if toks[j] in _THAN), None)
        if than is not None:  # `higher with COMP than with INTV`: the arm after `than` is the reference
            feats.add(f"th:{change}:{_nearest(toks, than, 1, 4)}")
    for k, t in enumerate(toks):  # the change word nearest each mention of the outcome
        if t != OUTCOME or not cues:
            continue
        at, change = min(cues, key=lambda cue: abs(cue[0] - k))
        if abs(at - k) <= window:
            before, after = _nearest(toks, at, -1, window), _nearest(toks, at, 1, window)
            feats.update((f"oc:{change}", f"oc:{change}:{before}:{after}"))
    feats.add(f"p:{significance(text)}")
    if NO_DIFFERENCE.search(text):
        feats.add("no_difference")
    feats.update(number_features(masked))
    feats.update(f"ow:{w}" for w in arms.outcome)
    return sorted(feats)
