"""claimx's tokenizers: scispaCy's rule tokenizer with extra splits, registered for configs."""

from __future__ import annotations

import re
import warnings
from functools import lru_cache
from types import SimpleNamespace

from spacy.language import Language
from spacy.symbols import ORTH
from spacy.util import registry

from extractor.pipeline.chunk_cache import ChunkCachedTokenizer
from extractor.rules.loader import load_data
from extractor.rules.schemas import CitationsFile, TokenizerFile


@lru_cache(maxsize=1)
def _words():
    """The tokenizer's word lists (extractor/rules/data/tokenizer.json)."""
    return load_data("tokenizer.json", TokenizerFile)


_EXTRA_INFIXES = r"|(?<=[A-Za-z0-9)])\.(?=\[\d)|(?<=\d)\](?=\[)"
# "studies[12]", "[63]–TUBG1", "2012):": keep a citation apart from the word or sign it touches
_EXTRA_INFIXES += r"|(?:(?<=[^\W\d_])|(?<=\)))(?=\[\d)|(?<=\d\])(?=[–—/,(])|(?<=\w\))(?=[:–—])"
# "Paclitaxel(N = 59)", "metformin(n = 135)" (PMC table headers): the group size's bracket is not
# part of the name
_EXTRA_INFIXES += r"|(?<=[A-Za-z]{2})\((?=[nN](?:\s?=|$))"


def _superscript_infix() -> str:
    """`agents.8`, `trials.12,14` (a superscript citation flattened onto the full stop in PMC text):
    the word, the stop and the reference numbers become tokens of their own, except after the
    abbreviations claimx_citations does not read such numbers after (`Fig.3`, `No.2`:
    superscript_not_after in citations.json). The stop is matched first, so the look-behinds are
    tried only at full stops."""
    words = load_data("citations.json", CitationsFile)["numeric"].get("superscript_not_after", [])
    not_after = "".join(rf"(?<!\b{re.escape(w)}\.)(?<!\b{re.escape(w.capitalize())}\.)" for w in words)
    return rf"|\.(?<=[A-Za-z]{{2}}\.){not_after}(?=\d{{1,3}}(?:[-–]\d{{1,3}})?(?:,\d{{1,3}}(?:[-–]\d{{1,3}})?)*$)"


def _extra_infixes() -> str:
    # split `amiodarone-induced` and `imipenem/cilastatin` so a drug name is a token of its own
    heads = "|".join(re.escape(w) for w in _words()["compound_heads"])
    return (_EXTRA_INFIXES + rf"|(?<=[A-Za-z]{{2}})-(?=(?:{heads})\b)" + r"|(?<=[a-z]{4})/(?=[a-z]{4})"
            + _superscript_infix())


def scispacy_rules(nlp: Language) -> dict[str, list[dict]]:
    """The special cases scispaCy's tokenizer has: the language's exceptions and its abbreviations."""
    from scispacy.consts import ABBREVIATIONS

    return {**nlp.Defaults.tokenizer_exceptions, **{word: [{ORTH: word}] for word in ABBREVIATIONS}}


def _bare(nlp: Language) -> SimpleNamespace:
    """What scispaCy's builder reads of a Language (its vocab, exceptions and tokenizer's
    token_match), with no exceptions: adding 1,400 special cases costs about 0.1 s a tokenizer,
    so they are added once, to the tokenizer claimx keeps, and no default tokenizer is built."""
    return SimpleNamespace(vocab=nlp.vocab, Defaults=SimpleNamespace(tokenizer_exceptions={}),
                           tokenizer=SimpleNamespace(token_match=nlp.Defaults.token_match))


@registry.tokenizers("claimx.scispacy_tokenizer.v1")
def create_scispacy_tokenizer():
    """scispaCy's rule tokenizer (chemical names, units, citations), as a registered tokenizer."""
    from scispacy.custom_tokenizer import combined_rule_tokenizer

    def make(nlp: Language):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # scispaCy's regexes
            tokenizer = ChunkCachedTokenizer.like(combined_rule_tokenizer(_bare(nlp)), rules=scispacy_rules(nlp))
            # split "trials.[8]" so the full stop and the citation are tokens of their own
            infixes = tokenizer.infix_finditer.__self__.pattern + _extra_infixes()
            tokenizer.infix_finditer = re.compile(infixes).finditer
        # "for 48 h." keeps "h." whole; split it so a quantity's span can end at its unit
        for unit in _words()["unit_abbreviations"]:
            tokenizer.add_special_case(f"{unit}.", [{ORTH: unit}, {ORTH: "."}])
        return tokenizer

    return make


# v2 also splits "ketamine-induced", "renin-angiotensin" and "ergotamine/caffeine" so that names inside
# such compounds are whole tokens (BC5CDR: 10% of the gold entities end inside a v1 token, 1.6% with v2).
# Digits before a hyphen ("4.2-day", "5-HT3") and short units around a slash ("mg/kg", "ng/mL") stay whole;
# a slash between capitals splits ("AZL-M/CTD", "SP/AS": two arms' codes).
# Common prefixes and modifiers stay attached ("placebo-controlled", "short-term", "non-Hodgkin").
# The hyphen is matched before the prefix look-behinds (which then include it): the regex engine
# tries each alternative at every character, and 74 look-behinds first made this a fifth of the
# tokenizer's time. Same splits.
def _v2_infixes() -> str:
    keep = _words()["keep_prefixes"]
    return (r"|(?<=[A-Za-z)\]])-" + "".join(f"(?<!\\b{p}-)(?<!\\b{p.capitalize()}-)" for p in keep)
            + r"(?=[A-Za-z]{2})|(?<=[A-Za-z]{3})/(?=[A-Za-z]{3})|(?<=[A-Z])/(?=[A-Z]{2,}\b)" + _BRACKETED_SHORT_FORM)


# "olmesartan (OLM)-hydrochlorothiazide", "ketamine (KET)-induced": scispaCy keeps a bracket glued to
# what follows it whole (for `(S)-ketamine`), so the short form would stay `(OLM)`, which no
# abbreviation rule can read; split its brackets off when it has two or more characters.
_BRACKETED_SHORT_FORM = (r"|(?<=^\()(?=[A-Za-z][A-Za-z0-9]{1,7}\)-[A-Za-z])|(?:"
                         + "|".join(rf"(?<=\([A-Za-z][A-Za-z0-9]{{{n}}})" for n in range(1, 8))
                         + r")(?=\)-[A-Za-z])")


@registry.tokenizers("claimx.scispacy_tokenizer.v2")
def create_scispacy_tokenizer_v2():
    """v1 plus splits at hyphens between words and at slashes between words (not units)."""
    make_v1 = create_scispacy_tokenizer()

    def make(nlp: Language):
        tokenizer = make_v1(nlp)
        tokenizer.infix_finditer = re.compile(tokenizer.infix_finditer.__self__.pattern + _v2_infixes()).finditer
        return tokenizer

    return make
