"""ChEBI chemical names as token sequences (the recognizer's second lexicon).

The names are ChEBI's (via the `chemlistem` package's `chebinames.txt`, CC BY 4.0), tokenized
with the claimx tokenizer and lower-cased, minus those that BC5CDR and BioRED train mostly mark
as not a chemical (`benchmarks/derive_chebi_names.py` rebuilds the file).
"""

from __future__ import annotations

from functools import lru_cache

from extractor.rules.name_list import NameList, shipped_name_list

DATA_FILE = "chebi_names.txt.gz"


@lru_cache(maxsize=1)
def chebi_names() -> NameList:
    """The shipped list, read once per process."""
    return shipped_name_list(DATA_FILE)
