"""The drug lexicon: the `drug-named-entity-recognition` dictionary plus our drug classes,
compiled into a token-aligned lookup table.

Why not a PhraseMatcher: its patterns must be tokenized with the pipeline's tokenizer; for the
107k dictionary variants that costs ~25 s at start-up (tokenizing, building pattern Docs, adding).
Looking up the lower-cased text of token windows in a hash table finds the same matches (a
match must still start and end on token boundaries), needs no pattern tokenization and builds
in about a second. `DrugLexicon.match` is the whole matcher.

Concept ids. The dictionary gives many drugs the MeSH id of a pharmacological class
(ketamine -> D018691 "Excitatory Amino Acid Antagonists", morphine -> D009294 "Narcotics"):
on BC5CDR dev, its MeSH id equals the gold MeSH id for 87 of 2,946 matched chemicals.
Rule (see `choose_concept_id`): the DrugBank id wherever the entry has one; otherwise the MeSH
id only when it is well formed, carried by no other entry of the dictionary (a drug's own
descriptor names one drug) and the entry is not a pharmacological-action class (MeSH tree D27
only, whose ids the dictionary also scrambles); otherwise no id. Our class records
(`drug_classes.jsonl`) carry their own MeSH ids.
"""

from __future__ import annotations

import bz2
import hashlib
import importlib.util
import io
import json
import os
import pickle
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from extractor.errors import DrugLexiconError
from extractor.rules.loader import read_rules
from extractor.rules.schemas import (
    BenchFile,
    DrugAbbreviationsFile,
    DrugClass,
    DrugPreparationsFile,
    DrugSaltsFile,
    DrugSpellingsFile,
    DrugStoplistFile,
    DrugSuffixesFile,
)

DICTIONARY_PACKAGE = "drug_named_entity_recognition"
DICTIONARY_FILE = "drug_ner_dictionary.pkl.bz2"
_MESH_ID = re.compile(r"^[CD]\d{6,9}$")
_DRUGBANK_ID = re.compile(r"^DB\d{5}$")
# longest window (in tokens) tried by the matcher
MAX_TOKENS = 12
# fewer terms than this means a truncated or wrong dictionary, not a usable lexicon
MIN_TERMS = 1000


@dataclass(frozen=True)
class DrugConcept:
    name: str
    concept_id: str | None
    is_class: bool = False


@dataclass
class DrugLexicon:
    """term (lower-cased, single spaces) -> concept; `prefixes` lets the matcher stop early."""

    terms: dict[str, DrugConcept]
    prefixes: frozenset[str]
    salts: frozenset[str]
    suffixes: tuple[str, ...]
    suffix_min_length: int
    not_before: frozenset[str] = frozenset()
    abbreviations: dict[str, DrugConcept] = field(default_factory=dict)  # case-sensitive token text
    stats: dict[str, int] = field(default_factory=dict)
    stoplist: frozenset[str] = frozenset()  # also refused from the NER union (`cholesterol`)
    not_suffixes: tuple[str, ...] = ()  # endings of generic words the suffixes would take (`nucleotide`)

    def lookup(self, key: str) -> DrugConcept | None:
        """Exact term, else a regular plural of one (`statins`, `benzodiazepines`)."""
        concept = self.terms.get(key)
        if concept is None and len(key) > 4 and key.endswith("s"):
            concept = self.terms.get(key[:-1])
            if concept is None and key.endswith("es"):
                concept = self.terms.get(key[:-2])
        return concept

    def is_drug_like(self, word: str) -> bool:
        """A single word the suffix rule accepts as a drug name (-mab, -pril, -olol ...)."""
        word = word.lower()
        return (word not in self.stoplist and len(word) >= self.suffix_min_length and word.isalpha()
                and word.endswith(self.suffixes) and not word.endswith(self.not_suffixes))


def dictionary_path() -> Path:
    """The dictionary file shipped inside the installed package (found without importing it:
    importing it loads the dictionary a second time and pulls in `requests`)."""
    spec = importlib.util.find_spec(DICTIONARY_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise DrugLexiconError(
            f"the drug dictionary package {DICTIONARY_PACKAGE!r} is not installed; "
            "pip install 'drug-named-entity-recognition>=2.0' (a dependency of claimx)"
        )
    return Path(list(spec.submodule_search_locations)[0]) / DICTIONARY_FILE


class _PlainUnpickler(pickle.Unpickler):
    """The dictionary holds only dicts, lists, strings and numbers: refuse anything else."""

    def find_class(self, module, name):
        raise pickle.UnpicklingError(f"unexpected object {module}.{name} in the drug dictionary")


def read_dictionary(path: Path) -> dict:
    """Load and check the dictionary; any problem is a DrugLexiconError naming the file."""
    if not path.is_file():
        raise DrugLexiconError(f"drug dictionary {path} is missing; reinstall drug-named-entity-recognition")
    try:
        with bz2.open(path, "rb") as f:
            data = _PlainUnpickler(io.BytesIO(f.read())).load()
    except (OSError, EOFError, ValueError, pickle.UnpicklingError, AttributeError, IndexError) as e:
        raise DrugLexiconError(f"drug dictionary {path} is corrupt or not a bz2 pickle: {e}") from e
    if not isinstance(data, dict):
        raise DrugLexiconError(f"drug dictionary {path}: expected a dict, got {type(data).__name__}")
    for key in ("drug_variant_to_canonical", "drug_canonical_to_data"):
        if not isinstance(data.get(key), dict) or not data[key]:
            raise DrugLexiconError(f"drug dictionary {path}: {key!r} is missing or empty")
    for variant, canonicals in data["drug_variant_to_canonical"].items():
        if not isinstance(variant, str) or not isinstance(canonicals, list):
            raise DrugLexiconError(f"drug dictionary {path}: malformed variant record {variant!r}")
    return data


def _is_pharmacological_class(record: dict) -> bool:
    trees = record.get("mesh_tree") or []
    return bool(trees) and all(str(t).startswith("D27") for t in trees)


def choose_concept_id(record: dict, mesh_owners: Counter) -> tuple[str | None, str]:
    """(concept id, why): the DrugBank id where there is one, else the entry's own MeSH id,
    else None. See the module docstring for why DrugBank comes first."""
    mesh = record.get("mesh_id")
    drugbank = record.get("drugbank_id")
    drugbank = drugbank if isinstance(drugbank, str) and _DRUGBANK_ID.match(drugbank) else None
    if drugbank:
        return drugbank, ("drugbank_over_mesh" if mesh else "drugbank")
    if isinstance(mesh, str) and _MESH_ID.match(mesh) and mesh_owners[mesh] == 1 \
            and not _is_pharmacological_class(record):
        return mesh, "mesh"
    return None, ("mesh_dropped" if mesh else "none")


def _self_named(record: dict, trees: tuple[str, ...]) -> bool:
    """A canonical entry that may be matched by its own name: a DrugBank drug, or a MeSH
    chemical whose tree numbers fall under `trees`."""
    if isinstance(record.get("drugbank_id"), str) and _DRUGBANK_ID.match(record["drugbank_id"]):
        return True
    return any(str(t).startswith(trees) for t in record.get("mesh_tree") or []) if trees else False


_MEDICINE_KEYS = ("drugbank_id", "medline_plus_id", "nhs_url")


def _only_biomolecule(record: dict, trees: tuple[str, ...]) -> bool:
    """A dictionary entry that MeSH files only under `trees` and that no medicine source knows."""
    if any(isinstance(record.get(k), str) and record[k] for k in _MEDICINE_KEYS):
        return False
    numbers = record.get("mesh_tree") or []
    return bool(numbers) and all(str(t).startswith(trees) for t in numbers)


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def _boundary_prefixes(term: str) -> list[str]:
    """Prefixes of `term` that can end on a token boundary (before a non-alphanumeric
    character, or where letters meet digits)."""
    out = []
    for i in range(1, len(term)):
        a, b = term[i - 1], term[i]
        if not (a.isalnum() and b.isalnum()) or a.isdigit() != b.isdigit():
            out.append(term[:i].rstrip())
    return out


def compile_lexicon(data: dict, classes: list[dict], stoplist: set[str], salts: list[str],
                    suffixes: list[str], suffix_min_length: int, not_before: set[str] = frozenset(),
                    abbreviations: dict[str, str] | None = None,
                    canonical_trees: tuple[str, ...] = (), spellings: dict[str, str] | None = None,
                    biomolecule_trees: tuple[str, ...] = (), biomolecule_drugs: frozenset[str] = frozenset(),
                    not_suffixes: tuple[str, ...] = ()) -> DrugLexicon:
    """Pure: dictionary + class records -> DrugLexicon (ids chosen, stop-listed terms dropped).
    A canonical entry that no variant maps to (1,186 in the shipped dictionary: `mannitol`,
    `niacin`, `testosterone`, `sorbitol`) is its own variant when it has a DrugBank id or a
    MeSH tree number starting with one of `canonical_trees` (chemicals, not enzymes/genes).
    `spellings` (variant -> a term, else a dictionary entry's name) adds the spelling variants
    the dictionary lacks (`adrenaline` -> epinephrine); a listed variant wins over the
    dictionary's own entry for it. A variant of an entry that is only a biomolecule (every MeSH
    tree number under `biomolecule_trees`: proteins, enzymes, nucleic acids) with no sign of a
    medicine (DrugBank, MedlinePlus or NHS page) is dropped (`F-actin`, `mRNA`, `MMPs`), unless
    it or its entry is in `biomolecule_drugs` (`IVIG`, `asparaginase`)."""
    canon = data["drug_canonical_to_data"]
    mesh_owners = Counter(r.get("mesh_id") for r in canon.values() if isinstance(r, dict) and r.get("mesh_id"))
    stats: Counter = Counter()
    concepts: dict[str, DrugConcept] = {}
    for name, record in canon.items():
        if not isinstance(record, dict):
            raise DrugLexiconError(f"drug dictionary: entry {name!r} is not a record")
        concept_id, why = choose_concept_id(record, mesh_owners)
        stats[f"ids_{why}"] += 1
        concepts[name] = DrugConcept(record.get("name") or name, concept_id, _is_pharmacological_class(record))
    terms: dict[str, DrugConcept] = {}
    heads = {w.lower() for w in not_before}
    for variant, canonicals in data["drug_variant_to_canonical"].items():
        key = _key(variant)
        last = key.rsplit(" ", 1)[-1]
        if (not key or key in stoplist or last in heads or (last != key and last in stoplist) or not canonicals
                or canonicals[0] not in concepts):
            stats["variants_dropped"] += 1
            continue
        if (biomolecule_trees and key not in biomolecule_drugs and canonicals[0] not in biomolecule_drugs
                and _only_biomolecule(canon[canonicals[0]], biomolecule_trees)):
            stats["biomolecules_dropped"] += 1
            continue
        terms[key] = concepts[canonicals[0]]
    for name, record in canon.items():
        key = _key(name)
        if (key in terms or key in stoplist or key.rsplit(" ", 1)[-1] in heads
                or not _self_named(record, canonical_trees)):
            continue
        terms[key] = concepts[name]
        stats["canonical_names_added"] += 1
    for record in classes:
        name = record["name"]
        concept = DrugConcept(name, record.get("concept_id"), record.get("is_class", True))
        for surface in record["surfaces"]:
            terms[_key(surface)] = concept  # our class records win over the dictionary's entries
        stats["class_records"] += 1
    if len(terms) < MIN_TERMS:
        raise DrugLexiconError(f"the drug dictionary gave only {len(terms)} terms; is it truncated?")
    for variant, target in (spellings or {}).items():
        concept = terms.get(_key(target)) or concepts.get(target.lower())
        if concept is None:
            raise DrugLexiconError(f"drug spelling {variant!r} points to {target!r}, which is not in the lexicon")
        terms[_key(variant)] = concept
        stats["spellings"] += 1
    short_forms = {}
    for short, target in (abbreviations or {}).items():
        concept = terms.get(_key(target))
        if concept is None:
            raise DrugLexiconError(f"drug abbreviation {short!r} points to {target!r}, which is not in the lexicon")
        short_forms[short] = concept
    prefixes = set(terms)
    for term in terms:
        prefixes.update(_boundary_prefixes(term))
    stats["terms"] = len(terms)
    return DrugLexicon(terms, frozenset(prefixes), frozenset(s.lower() for s in salts),
                       tuple(s.lower() for s in suffixes), suffix_min_length,
                       frozenset(w.lower() for w in not_before), short_forms, dict(stats), frozenset(stoplist),
                       tuple(s.lower() for s in not_suffixes))


# claimx's own word lists (file name -> schema); the dictionary is the package's, not checked here
FILES = {"drug_classes.jsonl": DrugClass, "drug_stoplist.json": DrugStoplistFile, "drug_salts.json": DrugSaltsFile,
         "drug_suffixes.json": DrugSuffixesFile, "drug_abbreviations.json": DrugAbbreviationsFile,
         "drug_spellings.json": DrugSpellingsFile, "drug_preparations.json": DrugPreparationsFile,
         "bench.json": BenchFile}
# bump when compile_lexicon or the cached layout changes
CACHE_VERSION = "6"


def cache_dir() -> Path:
    """Where the compiled lexicon is cached: $CLAIMX_CACHE_DIR, else $XDG_CACHE_HOME/claimx,
    else ~/.cache/claimx."""
    if os.environ.get("CLAIMX_CACHE_DIR"):
        return Path(os.environ["CLAIMX_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "claimx"


def _cache_key(source: Path, rules: dict) -> str:
    """Changes whenever the dictionary, one of our word lists or the compiler changes."""
    digest = hashlib.sha256(CACHE_VERSION.encode())
    digest.update(source.read_bytes())
    digest.update(json.dumps(rules, sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()[:32]


def _to_plain(lexicon: DrugLexicon) -> dict:
    """Only builtins, so the cache loads with the restricted unpickler."""
    concepts, index = [], {}
    for concept in list(lexicon.terms.values()) + list(lexicon.abbreviations.values()):
        if concept not in index:
            index[concept] = len(concepts)
            concepts.append((concept.name, concept.concept_id, concept.is_class))
    return {
        "concepts": concepts,
        "terms": {k: index[c] for k, c in lexicon.terms.items()},
        "prefixes": [p for p in lexicon.prefixes if p not in lexicon.terms],
        "salts": sorted(lexicon.salts), "suffixes": list(lexicon.suffixes),
        "suffix_min_length": lexicon.suffix_min_length, "not_before": sorted(lexicon.not_before),
        "abbreviations": {k: index[c] for k, c in lexicon.abbreviations.items()}, "stats": lexicon.stats,
        "stoplist": sorted(lexicon.stoplist), "not_suffixes": list(lexicon.not_suffixes),
    }


def _from_plain(plain: dict) -> DrugLexicon:
    concepts = [DrugConcept(*c) for c in plain["concepts"]]
    terms = {k: concepts[i] for k, i in plain["terms"].items()}
    return DrugLexicon(terms, frozenset(plain["prefixes"]).union(terms), frozenset(plain["salts"]),
                       tuple(plain["suffixes"]), plain["suffix_min_length"], frozenset(plain["not_before"]),
                       {k: concepts[i] for k, i in plain["abbreviations"].items()}, dict(plain["stats"]),
                       frozenset(plain.get("stoplist", ())), tuple(plain.get("not_suffixes", ())))


def _read_cache(path: Path) -> DrugLexicon | None:
    """The cached lexicon, or None when there is none or it is unreadable (then it is rebuilt)."""
    try:
        with path.open("rb") as f:
            return _from_plain(_PlainUnpickler(f).load())
    except FileNotFoundError:
        return None
    except (OSError, EOFError, ValueError, KeyError, TypeError, IndexError, pickle.UnpicklingError):
        return None


def _write_cache(path: Path, lexicon: DrugLexicon) -> None:
    """Best effort: a read-only home only means the next start-up compiles again."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        with tmp.open("wb") as f:
            pickle.dump(_to_plain(lexicon), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass


def build_lexicon(source: Path, rules: dict | None = None) -> DrugLexicon:
    """Read the dictionary and compile it with our word lists (`rules`: file name -> content,
    from `read_rules(FILES, ...)`; None: the shipped ones), no cache."""
    data = read_dictionary(source)
    rules = rules or read_rules(FILES)
    stop, salts, suffixes = rules["drug_stoplist.json"], rules["drug_salts.json"], rules["drug_suffixes.json"]
    abbreviations, spellings = rules["drug_abbreviations.json"], rules["drug_spellings.json"]
    return compile_lexicon(data, rules["drug_classes.jsonl"], {_key(t) for t in stop["terms"]}, salts["salts"],
                           suffixes["suffixes"], int(suffixes["min_length"]), set(stop.get("not_before", [])),
                           abbreviations["abbreviations"], tuple(stop.get("canonical_trees", ())),
                           spellings["spellings"], tuple(stop.get("biomolecule_trees", ())),
                           frozenset(_key(t) for t in stop.get("biomolecule_drugs", ())),
                           tuple(suffixes.get("not_suffixes", ())))


def load_lexicon(path: str | None = None, use_cache: bool = True, rules_path: str | None = None) -> DrugLexicon:
    """The compiled lexicon, once per process and word lists: from the on-disk cache when the
    dictionary and word lists are unchanged, else compiled (~2 s) and cached. `rules_path`: a
    folder holding some of our word lists (FILES; the others stay shipped), or one of them. A
    missing or corrupt dictionary is a DrugLexiconError either way (it is read for the cache key)."""
    return lexicon_from_rules(path, read_rules(FILES, rules_path), use_cache)


def lexicon_from_rules(path: str | None, rules: dict, use_cache: bool = True) -> DrugLexicon:
    """The lexicon of the dictionary at `path` (None: the package's) and our word lists `rules`."""
    key = json.dumps(rules, sort_keys=True, ensure_ascii=False)
    return _lexicon(path, key, use_cache)


@lru_cache(maxsize=4)
def _lexicon(path: str | None, rules_json: str, use_cache: bool) -> DrugLexicon:
    return read_or_compile(path, json.loads(rules_json), use_cache)


def read_or_compile(path: str | None = None, rules: dict | None = None, use_cache: bool = True) -> DrugLexicon:
    """The lexicon from the on-disk cache, else compiled and cached (no per-process cache)."""
    rules = rules or read_rules(FILES)
    source = Path(path) if path else dictionary_path()
    if not source.is_file():
        raise DrugLexiconError(f"drug dictionary {source} is missing; reinstall drug-named-entity-recognition")
    if not use_cache:
        return build_lexicon(source, rules)
    cached = cache_dir() / f"drug_lexicon-{_cache_key(source, rules)}.pkl"
    lexicon = _read_cache(cached)
    if lexicon is None:
        lexicon = build_lexicon(source, rules)
        _write_cache(cached, lexicon)
    return lexicon
