"""The numbers a passage attaches to each arm, compared: the change stated only in numbers.

On the passage with the arms masked (`INTV 3.2 ± 1.1 vs COMP 4.5 ± 1.3`, `3.1 % in the INTV group and
7.2 % in the COMP group`, `5.9 vs. 2.7 for COMP and INTV, respectively`, `from 75 % to 56 %`), after
p-values, confidence intervals, standard deviations and test statistics are left out:

* `vs`: a pair `a vs b`, `a` said of the arm named first (or as `respectively` orders them);
* `arm`: the first number said of each arm (`ARM ... was 3.1`, `3.1 % in the ARM group`);
* `from`: a change `from a to b` (or `a to b` in brackets), of the arm named nearest before it.

Each gives `I>C`, `I<C` or `I=C` (the intervention's number against the comparator's), or `up` /
`down` for a change; the effect model weighs them with the words.
"""

from __future__ import annotations

import re

from extractor.evidence.arms import COMPARATOR, INTERVENTION

_ARMS = (INTERVENTION, COMPARATOR)
_DROP = (
    re.compile(r"\bp\s*(?:-?\s*values?)?\s*[<>=≤≥]\s*[\d.]+", re.IGNORECASE),
    re.compile(r"[(\[]?\s*(?:\d+\s*%\s*)?(?:CI|confidence intervals?|IQR|range)\b[^)\];]*[)\]]?", re.IGNORECASE),
    re.compile(r"(?:±|\+/-|\+/−|\bSD\b|\bSE\b)\s*[-−]?\d+(?:\.\d+)?", re.IGNORECASE),
    re.compile(r"\b(?:n|N|df|t|F|z|U|χ2|chi2|r|OR|HR|RR)\s*(?:\([\d, ]+\))?\s*[=:]\s*[-−]?\d+(?:\.\d+)?"),
    re.compile(r"\b\d+\s*/\s*\d+\b(?=\s*[,;)(])"),  # counts `451/613` before their percentage
)
_TOKEN = re.compile(r"INTV|COMP|OUTC|[A-Za-z][A-Za-z0-9\-]*|[-−]?\d+(?:\.\d+)?|[;:,()\[\]=/]")
_VERSUS = frozenset({"vs", "versus", "v"})
_PREPOSITIONS = frozenset({"in", "for", "with", "among", "of", "on", "after", "under"})
_STOP = frozenset({"and", "while", "whereas", "compared", "than", "versus", "vs", "but", "respectively", ";"})
_DOSE_UNITS = frozenset({"mg", "g", "μg", "µg", "mcg", "ug", "ml", "iu", "units", "gy", "mg/kg"})
_TIME_WORDS = frozenset({"week", "weeks", "day", "days", "month", "months", "year", "years", "hour", "hours", "visit",
                         "cycle", "cycles", "at", "minute", "session", "wk", "h"})
_NUMBER = re.compile(r"[-−]?\d+(?:\.\d+)?")


def _tokens(masked: str) -> list[str]:
    for pattern in _DROP:
        masked = pattern.sub(" ", masked)
    return _TOKEN.findall(masked)


def _value(token: str) -> float | None:
    return float(token.replace("−", "-")) if _NUMBER.fullmatch(token) else None


def _sign(a: float, b: float) -> str:
    return ">" if a > b else "<" if a < b else "="


def _compare(values: dict[str, float]) -> str:
    return "I" + _sign(values[INTERVENTION], values[COMPARATOR]) + "C"


def _pairs(toks: list[str]) -> list[tuple[int, float, float]]:
    """(index of `vs`, a, b) of every `a vs b` (at most three tokens between a number and `vs`)."""
    out = []
    for k, t in enumerate(toks):
        if t.lower() not in _VERSUS:
            continue
        a = next((_value(toks[j]) for j in range(k - 1, max(-1, k - 4), -1) if _value(toks[j]) is not None), None)
        b = next((_value(toks[j]) for j in range(k + 1, min(len(toks), k + 4)) if _value(toks[j]) is not None), None)
        if a is not None and b is not None:
            out.append((k, a, b))
    return out


def _respectively(toks: list[str], at: int) -> list[str]:
    """The arms in the order a `respectively` after token `at` lists them (within its clause)."""
    stop = next((j for j in range(at, len(toks)) if toks[j] in (";",) or toks[j].lower() == "respectively"), None)
    if stop is None or toks[stop].lower() != "respectively":
        return []
    order = [t for t in toks[at:stop] if t in _ARMS]
    return order if len(order) == 2 and order[0] != order[1] else []


def _said(toks: list[str], j: int) -> float | None:
    """Token j's value where it is a measurement: not a dose (`100 mg`) nor a time (`week 52`)."""
    value = _value(toks[j])
    if value is None:
        return None
    if j + 1 < len(toks) and toks[j + 1].lower() in _DOSE_UNITS:
        return None
    if j > 0 and toks[j - 1].lower() in _TIME_WORDS:
        return None
    return value


def _arm_numbers(toks: list[str]) -> dict[str, float]:
    """The first number said of each arm: `NUMBER (a few words) in the ARM`, else `ARM (a few words) NUMBER`."""
    found: dict[str, float] = {}
    for k, t in enumerate(toks):
        if t not in _ARMS or t in found:
            continue
        j = k - 1
        while j >= 0 and toks[j].lower() in ("the", "all", "both", "a"):
            j -= 1
        if j >= 1 and toks[j].lower() in _PREPOSITIONS:
            for i in range(j - 1, max(-1, j - 8), -1):
                if toks[i] in _ARMS or toks[i].lower() in _STOP:
                    break
                value = _said(toks, i)
                if value is not None:
                    found[t] = value
                    break
        if t in found:
            continue
        for j in range(k + 1, min(len(toks), k + 6)):
            if toks[j] in _ARMS or toks[j].lower() in _STOP:
                break
            value = _said(toks, j)
            if value is not None:
                found[t] = value
                break
    return found


def number_features(masked: str) -> list[str]:
    toks = _tokens(masked)
    feats = set()
    arms_order = [t for t in toks if t in _ARMS]
    first = arms_order[0] if arms_order else None
    second = next((t for t in arms_order if t != first), None)
    for k, a, b in _pairs(toks):
        order = _respectively(toks, k) or ([first, second] if first and second else [])
        if order:
            feats.add("num:vs:" + _compare(dict(zip(order, (a, b)))))
        else:
            feats.add("num:vs1:" + _sign(a, b))
    per_arm = _arm_numbers(toks)
    if len(per_arm) == 2:
        feats.add("num:arm:" + _compare(per_arm))
    for k, t in enumerate(toks):
        if t.lower() != "from":
            continue
        a = _value(toks[k + 1]) if k + 1 < len(toks) else None
        to = next((j for j in range(k + 2, min(len(toks), k + 5)) if toks[j].lower() == "to"), None)
        b = next((_value(toks[j]) for j in range(to + 1, min(len(toks), to + 3)) if _value(toks[j]) is not None),
                 None) if to else None
        if a is not None and b is not None and a != b:
            arm = next((toks[j] for j in range(k - 1, max(-1, k - 12), -1) if toks[j] in _ARMS), "none")
            feats.add(f"num:from:{'up' if b > a else 'down'}:{arm}")
    for k in range(len(toks) - 3):
        if toks[k] == "(" and _value(toks[k + 1]) is not None and toks[k + 2].lower() == "to" \
                and _value(toks[k + 3]) is not None and _value(toks[k + 1]) != _value(toks[k + 3]):
            feats.add("num:from:" + ("up" if _value(toks[k + 3]) > _value(toks[k + 1]) else "down") + ":br")
    return sorted(feats)
