"""Read gold annotations: claimx JSONL, BRAT standoff folders, spaCy DocBin files.

Every reader yields GoldDocuments whose spans and claims are already in claimx labels
(through a LabelMap); dropped labels are counted so the report can say what was left out.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractor.errors import GoldFormatError
from extractor.evaluation.mapping import CLAIM_LABEL, IDENTITY, LabelMap


@dataclass(frozen=True)
class Annotation:
    """One span or claim: offsets into the document text, a claimx label, attributes."""

    start: int
    end: int
    label: str
    attrs: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass
class GoldDocument:
    id: str
    text: str
    spans: list[Annotation]
    source: str = ""


@dataclass
class GoldSet:
    documents: list[GoldDocument]
    sources: list[str]
    label_map: LabelMap
    dropped: Counter = field(default_factory=Counter)  # gold label -> spans dropped

    @property
    def labels(self) -> set[str]:
        return {a.label for d in self.documents for a in d.spans}

    def digest(self) -> str:
        """sha256 of the gold as scored (ids, texts, mapped spans and attributes): a baseline
        records it so a comparison against a baseline made on other gold can be flagged."""
        h = hashlib.sha256()
        for d in sorted(self.documents, key=lambda d: d.id):
            spans = sorted([a.start, a.end, a.label, a.attrs] for a in d.spans)
            h.update(json.dumps([d.id, d.text, spans], sort_keys=True, default=str).encode("utf-8"))
        return h.hexdigest()


def read_gold(paths: Iterable[str | Path], label_map: LabelMap | None = None, limit: int | None = None) -> GoldSet:
    """Read every gold path (JSONL file, BRAT folder, .spacy DocBin) into one GoldSet
    (the first `limit` documents only, when given)."""
    label_map = label_map or IDENTITY
    dropped: Counter = Counter()
    documents: list[GoldDocument] = []
    sources: list[str] = []
    seen: dict[str, str] = {}
    paths = list(paths)
    for raw in paths:
        path = Path(raw)
        if limit is not None and len(documents) >= limit:
            break
        room = None if limit is None else limit - len(documents)
        if path.is_dir():
            docs = read_brat(path, label_map, dropped, room)
        elif path.suffix == ".spacy":
            docs = read_docbin(path, label_map, dropped, room)
        elif path.is_file():
            docs = read_jsonl(path, label_map, dropped, room)
        else:
            raise GoldFormatError(f"gold path not found: {raw}")
        sources.append(str(path))
        for doc in docs:
            if doc.id in seen:
                raise GoldFormatError(f"{doc.source}: document id {doc.id!r} also appears in {seen[doc.id]}")
            seen[doc.id] = doc.source
            documents.append(doc)
    if not documents:
        raise GoldFormatError(f"no gold documents in {', '.join(map(str, paths)) or 'no paths'}")
    return GoldSet(documents, sources, label_map, dropped)


def _span(record: dict[str, Any], text: str, label_map: LabelMap, dropped: Counter, where: str,
          as_claim: bool = False) -> Annotation | None:
    """One gold record -> Annotation (or None when its label is dropped), checking offsets."""
    try:
        start, end = int(record["start"]), int(record["end"])
    except (KeyError, TypeError, ValueError) as e:
        raise GoldFormatError(f"{where}: needs integer 'start' and 'end'") from e
    if not 0 <= start < end <= len(text):
        raise GoldFormatError(f"{where}: offsets {start}-{end} outside the text (length {len(text)})")
    if "text" in record and record["text"] is not None and text[start:end] != record["text"]:
        raise GoldFormatError(
            f"{where}: span text {record['text']!r} differs from text[{start}:{end}] = {text[start:end]!r}")
    if as_claim:
        return Annotation(start, end, CLAIM_LABEL, label_map.attrs(record))
    raw_label = record.get("label")
    if not isinstance(raw_label, str) or not raw_label:
        raise GoldFormatError(f"{where}: needs a 'label'")
    if not label_map.keep(record):
        return None
    claim_attrs = label_map.claim_attrs(raw_label)
    if claim_attrs is not None:
        return Annotation(start, end, CLAIM_LABEL, {**label_map.attrs(record), **claim_attrs})
    label = label_map.span_label(raw_label)
    if label is None:
        dropped[raw_label] += 1
        return None
    return Annotation(start, end, label, label_map.attrs(record))


def parse_record(record: Any, label_map: LabelMap, dropped: Counter, where: str, source: str) -> GoldDocument:
    """One JSONL gold record -> GoldDocument (claimx gold format, or a ../shared/data corpus)."""
    if not isinstance(record, dict):
        raise GoldFormatError(f"{where}: expected a JSON object")
    doc_id, text = record.get("id"), record.get("text")
    if doc_id is None or str(doc_id).strip() == "":
        raise GoldFormatError(f"{where}: needs an 'id'")
    if not isinstance(text, str):
        raise GoldFormatError(f"{where}: needs a 'text' string")
    spans: list[Annotation] = []
    for key, as_claim in (("spans", False), ("claims", True)):
        items = record.get(key)
        items = [] if items is None else items
        if not isinstance(items, list):
            raise GoldFormatError(f"{where}: {key!r} must be a list")
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                raise GoldFormatError(f"{where} {key}[{i}]: expected an object")
            ann = _span(item, text, label_map, dropped, f"{where} {key}[{i}]", as_claim)
            if ann is not None:
                spans.append(ann)
    return GoldDocument(str(doc_id), text, spans, source)


def read_jsonl(path: Path, label_map: LabelMap = IDENTITY, dropped: Counter | None = None,
               limit: int | None = None) -> list[GoldDocument]:
    dropped = Counter() if dropped is None else dropped
    try:
        # split on \n only: str.splitlines() also breaks at U+2028 and friends inside JSON strings
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as e:
        raise GoldFormatError(f"cannot read gold file {path}: {e}") from e
    docs = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if limit is not None and len(docs) >= limit:
            break
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            raise GoldFormatError(f"{path} line {n}: not valid JSON ({e.msg})") from e
        docs.append(parse_record(record, label_map, dropped, f"{path} line {n}", str(path)))
    return docs


# BRAT attribute names -> claimx attributes (others are lower-cased and kept when known)
_BRAT_ATTRIBUTES = {"negation": "negated", "negated": "negated", "speculation": "hedged",
                    "speculated": "hedged", "uncertain": "hedged", "hedge": "hedged", "hedged": "hedged"}


def read_brat(folder: Path, label_map: LabelMap = IDENTITY, dropped: Counter | None = None,
              limit: int | None = None) -> list[GoldDocument]:
    """A BRAT folder: `<id>.txt` + `<id>.ann` pairs (recursively); the id is the relative path stem,
    as `claimx extract FOLDER` names documents. Discontinuous entities span first to last fragment;
    attributes (A), normalisations (N: concept_id) are read; relations and events are ignored."""
    dropped = Counter() if dropped is None else dropped
    docs = []
    texts = sorted(p for p in folder.rglob("*.txt") if p.is_file())
    if not texts:
        raise GoldFormatError(f"BRAT folder {folder} has no .txt files")
    for txt in texts[:limit]:
        ann = txt.with_suffix(".ann")
        if not ann.is_file():
            raise GoldFormatError(f"BRAT folder {folder}: {txt.name} has no {ann.name} beside it")
        try:
            text = txt.read_text(encoding="utf-8")
            lines = ann.read_text(encoding="utf-8").split("\n")
        except (OSError, UnicodeDecodeError) as e:
            raise GoldFormatError(f"cannot read {txt} / {ann}: {e}") from e
        records: dict[str, dict[str, Any]] = {}
        for n, line in enumerate(lines, 1):
            where = f"{ann} line {n}"
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            tid = parts[0]
            if tid.startswith("T"):
                if len(parts) < 2:
                    raise GoldFormatError(f"{where}: expected 'T<n><TAB><label> <start> <end>[<TAB>text]'")
                try:
                    label, offsets = parts[1].split(" ", 1)
                    pieces = [tuple(map(int, frag.split())) for frag in offsets.split(";")]
                    start, end = min(p[0] for p in pieces), max(p[1] for p in pieces)
                except ValueError as e:
                    raise GoldFormatError(f"{where}: expected '<label> <start> <end>' in {parts[1]!r}") from e
                records[tid] = {"start": start, "end": end, "label": label}
                if len(pieces) == 1 and len(parts) > 2:
                    records[tid]["text"] = parts[2]
            elif tid.startswith(("A", "M")) and len(parts) >= 2:
                fields = parts[1].split()
                if len(fields) < 2 or fields[1] not in records:
                    raise GoldFormatError(f"{where}: attribute of an unknown entity: {parts[1]!r}")
                name = fields[0].lower()
                records[fields[1]][_BRAT_ATTRIBUTES.get(name, name)] = fields[2] if len(fields) > 2 else True
            elif tid.startswith("N") and len(parts) >= 2:
                fields = parts[1].split()
                if len(fields) >= 3 and fields[1] in records:
                    records[fields[1]]["concept_id"] = fields[2]
        doc_id = txt.relative_to(folder).with_suffix("").as_posix()
        spans = [a for tid, rec in records.items()
                 if (a := _span(rec, text, label_map, dropped, f"{ann} {tid}")) is not None]
        docs.append(GoldDocument(doc_id, text, spans, str(ann)))
    return docs


def read_docbin(path: Path, label_map: LabelMap = IDENTITY, dropped: Counter | None = None,
                limit: int | None = None) -> list[GoldDocument]:
    """A spaCy DocBin: entities and every span group are gold spans (group `claims` -> claims).
    The id is `doc.user_data["doc_id"]` (or `"id"`) when stored, else `<file stem>-<index>`."""
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    dropped = Counter() if dropped is None else dropped
    try:
        docbin = DocBin(store_user_data=True).from_disk(path)
        docs = list(docbin.get_docs(Vocab()))
    except Exception as e:  # noqa: BLE001 - msgpack/zlib/spaCy errors all mean "not a DocBin"
        raise GoldFormatError(f"{path} is not a readable spaCy DocBin: {type(e).__name__}: {e}") from e
    out = []
    for i, doc in enumerate(docs[:limit]):
        doc_id = str(doc.user_data.get("doc_id") or doc.user_data.get("id") or f"{path.stem}-{i}")
        where = f"{path} doc {i}"
        spans = []
        groups: list[tuple[str, Iterable]] = [("ents", doc.ents), *doc.spans.items()]
        for name, group in groups:
            for span in group:
                rec = {"start": span.start_char, "end": span.end_char, "label": span.label_}
                ann = _span(rec, doc.text, label_map, dropped, f"{where} {name}", as_claim=name == "claims")
                if ann is not None:
                    spans.append(ann)
        out.append(GoldDocument(doc_id, doc.text, spans, str(path)))
    return out


