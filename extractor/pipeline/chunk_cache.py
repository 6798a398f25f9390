"""A tokenizer that remembers how it split each whitespace-separated chunk.

spaCy's Tokenizer caches chunk splits too, but stops adding to the cache for the rest of a
document once any chunk in it hits a special case (`e.g.`, `i.e.`, `Fig.`: nearly every paper
does, early on), and never caches more than 10,000 chunks. So on papers nearly every chunk goes
through the prefix, suffix and infix regexes, every time. Here, for texts of `min_chars` or
more, each chunk's tokens are kept (as strings, so spaCy's memory zones can still free the
lexemes). A document's unseen chunks go through spaCy's own tokenizer in one call, joined by
newlines, and the Doc is built from the words; a document of mostly unseen chunks is tokenized
by spaCy whole and its chunks are remembered from that. Shorter texts (abstracts) go straight to
spaCy, whose cache serves them well. The tokens, spaces and norms are spaCy's for the whole
text: tests/test_chunk_cache.py compares them on the corpora, benchmarks/tokenizer_speed.py
measures the gain.
"""

from __future__ import annotations

import re

from spacy.attrs import IDX, NORM, ORTH
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

# a chunk and the one space it owns, or any other whitespace (`\s` is str.isspace(), as in spaCy)
_PIECES = re.compile(r"(\S+)( ?)|(\s+)")
# whitespace other than single spaces between chunks
_IRREGULAR = re.compile(r"[^\S ]|  |^ | $")

# A chunk's tokens: their strings, their spaces when a space follows the chunk, and the norms
# special cases give them (None: the lexemes' own).
Split = tuple[tuple[str, ...], tuple[bool, ...], tuple[str | None, ...] | None]


class ChunkCachedTokenizer(Tokenizer):
    """spaCy's Tokenizer with a per-chunk cache that always works (see the module docstring).

    Serialises, loads and explains exactly as spaCy's Tokenizer: only `__call__` differs.
    `max_chunks`: the cache is emptied when it holds this many chunks (about 100 bytes each).
    """

    max_chunks = 200_000
    min_chars = 4000  # shorter texts (abstracts) rarely hit a special case early: spaCy's cache works
    max_missing = 0.3  # above this share of unseen chunks, tokenize the whole text with spaCy

    def __call__(self, text: str) -> Doc:
        if not text or len(text) < self.min_chars or len(text) >= 2 ** 30:
            return super().__call__(text)
        if _IRREGULAR.search(text) is None:  # chunks apart by single spaces: the common case
            pieces, spaced = text.split(" "), None
        else:
            pieces, spaced = _pieces(text)
        cache = self._chunk_cache()
        missing = [p for p in dict.fromkeys(pieces) if p not in cache]
        if len(cache) + len(missing) > self.max_chunks:
            cache.clear()
            missing = list(dict.fromkeys(pieces))
        if len(missing) > self.max_missing * len(pieces):
            # mostly new chunks: spaCy's own Doc, and the new chunks' tokens kept from it
            doc = super().__call__(text)
            cache.update(_learn(doc, pieces, spaced, set(missing), self._normed_orths()))
            return doc
        if missing:
            cache.update(self._split(missing))
        words: list[str] = []
        spaces: list[bool] = []
        norms: list[tuple[int, str]] = []
        for k, piece in enumerate(pieces):
            piece_words, piece_spaces, piece_norms = cache[piece]
            if piece_norms is not None:
                norms.extend((len(words) + i, n) for i, n in enumerate(piece_norms) if n is not None)
            words += piece_words
            spaces += piece_spaces  # the last word owns a space ...
            if spaced is not None and not spaced[k]:
                spaces[-1] = False  # ... unless none follows
        if spaced is None:
            spaces[-1] = False
        doc = Doc(self.vocab, words=words, spaces=spaces)
        for i, norm in norms:
            doc[i].norm_ = norm
        return doc

    @classmethod
    def like(cls, tokenizer: Tokenizer, rules: dict | None = None) -> ChunkCachedTokenizer:
        """The same tokenizer (affixes, matches, and its rules unless `rules` are given), with the chunk cache."""
        rules = tokenizer.rules if rules is None else rules
        return cls(tokenizer.vocab, rules=rules, prefix_search=tokenizer.prefix_search,
                   suffix_search=tokenizer.suffix_search, infix_finditer=tokenizer.infix_finditer,
                   token_match=tokenizer.token_match, url_match=tokenizer.url_match,
                   faster_heuristics=tokenizer.faster_heuristics)

    def _flush_cache(self):
        # spaCy calls this whenever rules, affixes or matches change (setters, from_disk)
        self._chunk_cache().clear()
        self._normed = None
        super()._flush_cache()

    def _normed_orths(self) -> frozenset[int]:
        """Words that a special case gives a norm of its own (`n't` -> `not`): only their tokens
        can have a norm other than their lexeme's."""
        normed = getattr(self, "_normed", None)
        if normed is None:
            strings = self.vocab.strings
            rules = (self.rules or {}).values()
            normed = frozenset(strings.add(token.get(ORTH, token.get("ORTH", ""))) for tokens in rules
                               for token in tokens if NORM in token or "NORM" in token)
            self._normed = normed
        return normed

    def _chunk_cache(self) -> dict[str, Split]:
        try:
            return self._chunks
        except AttributeError:
            self._chunks: dict[str, Split] = {}
            return self._chunks

    def _split(self, pieces: list[str]) -> dict[str, Split]:
        """spaCy's tokens of each piece: the chunks in one call (joined by newlines, they come
        back split at those), whitespace pieces one by one."""
        tokenize = super().__call__
        out: dict[str, Split] = {}
        chunks = [p for p in pieces if not p[0].isspace()]
        normed = self._normed_orths()
        for p in pieces:
            if p[0].isspace():
                out[p] = _tokens(tokenize(p), normed, split=False)[0]
        if chunks:
            groups = _tokens(tokenize(_JOIN.join(chunks)), normed)
            if len(groups) != len(chunks):  # cannot happen: chunks hold no whitespace
                groups = [_tokens(tokenize(c), normed, split=False)[0] for c in chunks]
            out.update(zip(chunks, groups))
        return out


# Chunks are tokenized joined by newlines: each newline is a token of its own, and no special case
# (`''`, `:(`) can match across one, so each chunk splits as it would alone.
_JOIN = "\n"


def _tokens(doc: Doc, normed: frozenset[int], split: bool = True) -> list[Split]:
    """A Doc's tokens, grouped at newline tokens when `split`: (words, norms that differ from
    the lexeme's; only words in `normed` can have one)."""
    strings = doc.vocab.strings
    separator = strings.add(_JOIN) if split else None
    groups: list[Split] = []
    words: list[str] = []
    norms: list[str | None] = []
    for orth, norm in doc.to_array([ORTH, NORM]).tolist():
        if orth == separator:
            groups.append(_group(words, norms))
            words, norms = [], []
            continue
        words.append(strings[orth])
        norms.append(strings[norm] if orth in normed and norm != doc.vocab[orth].norm else None)
    groups.append(_group(words, norms))
    return groups


def _group(words: list[str], norms: list[str | None]) -> Split:
    spaces = (False,) * (len(words) - 1) + (True,)
    return tuple(words), spaces, (tuple(norms) if any(n is not None for n in norms) else None)


def _pieces(text: str) -> tuple[list[str], list[bool]]:
    """spaCy's split of a text into chunks and whitespace tokens, and whether one space follows
    each: one space after a chunk is its trailing whitespace; any other whitespace (newlines,
    a second space, whitespace at the start) is a token of its own."""
    found = _PIECES.findall(text)
    return [chunk or other for chunk, _, other in found], [space == " " for _, space, _ in found]


def _learn(doc: Doc, pieces: list[str], spaced: list[bool] | None, wanted: set[str],
           normed: frozenset[int]) -> dict[str, Split]:
    """The tokens of the `wanted` pieces, read off spaCy's Doc of the whole text."""
    strings = doc.vocab.strings
    rows = doc.to_array([ORTH, IDX, NORM]).tolist()
    out: dict[str, Split] = {}
    j, n, start = 0, len(rows), 0
    for k, piece in enumerate(pieces):
        end = start + len(piece)
        first = j
        while j < n and rows[j][1] < end:
            j += 1
        if piece in wanted and piece not in out and j > first:
            words = [strings[row[0]] for row in rows[first:j]]
            norms = [strings[row[2]] if row[0] in normed and row[2] != doc.vocab[row[0]].norm else None
                     for row in rows[first:j]]
            out[piece] = _group(words, norms)
        start = end + (1 if spaced is None or spaced[k] else 0)  # pieces cover the text but those spaces
    return out
