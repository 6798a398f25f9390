"""`claimx evidence`: answer Evidence Inference prompts from documents, into an `answers` table.

prompts.csv has a header with at least `prompt_id, doc_id, intervention, comparator, outcome`;
doc_id names a document as `extract` names it (the file name without its suffix, or a JSONL
record's id). Documents are read as `extract` reads them and split into sentences by claimx's
sentence splitter; a prompt whose document is not among the inputs, or could not be read, is an
error row saying so.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from extractor.errors import OutputError, UsageError
from extractor.evidence.answer import ANSWER_COLUMNS, Prompt, answer, error_row

PROMPT_COLUMNS = ("prompt_id", "doc_id", "intervention", "comparator", "outcome")
TABLE = "answers"


def read_prompts(path: Path) -> list[Prompt]:
    """prompts.csv -> Prompts; a missing file, a missing column or an empty field is a UsageError."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"prompts file {path} not found" if not path.exists() else f"{path} is not a file")
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in PROMPT_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise UsageError(f"{path}: no column {', '.join(missing)} "
                                 f"(the header needs {', '.join(PROMPT_COLUMNS)})")
            prompts = []
            for line, record in enumerate(reader, 2):
                values = {c: (record.get(c) or "").strip() for c in PROMPT_COLUMNS}
                empty = [c for c in PROMPT_COLUMNS if not values[c]]
                if empty:
                    raise UsageError(f"{path} line {line}: empty {', '.join(empty)}")
                prompts.append(Prompt(**values))
    except UnicodeDecodeError as e:
        raise UsageError(f"{path}: not UTF-8 text") from e
    except csv.Error as e:
        raise UsageError(f"{path}: not a CSV file ({e})") from e
    if not prompts:
        raise UsageError(f"{path}: no prompts (only a header, or empty)")
    return prompts


def sentence_nlp(model: str = "rules"):
    """A pipeline that only splits sentences (the claimx splitter of a shipped pipeline)."""
    from extractor.pipeline.load import load

    nlp = load(model)
    keep = [name for name in nlp.pipe_names if name == "claimx_sentences"]
    nlp.select_pipes(enable=keep)
    return nlp


def answer_documents(nlp, documents: Iterable, prompts: list[Prompt], model, ranker) -> list[dict]:
    """`answers` rows, in the prompts' order."""
    by_doc: dict[str, list[int]] = defaultdict(list)
    for i, prompt in enumerate(prompts):
        by_doc[prompt.doc_id].append(i)
    rows: list[dict | None] = [None] * len(prompts)
    wanted = [d for d in documents if d.id in by_doc]
    texts = {d.id: d for d in wanted}
    sentences = dict(zip((d.id for d in wanted), sentence_offsets(nlp, wanted)))
    for doc_id, indices in by_doc.items():
        document = texts.get(doc_id)
        for i in indices:
            if document is None:
                rows[i] = error_row(prompts[i], f"document {doc_id!r} is not among the inputs")
            elif not document.ok:
                rows[i] = error_row(prompts[i], document.error or "document could not be read")
            else:
                rows[i] = answer(prompts[i], document.text, sentences[doc_id], model, ranker)
    return [r for r in rows if r is not None]


def answers_path(out_dir: Path, fmt: str, overwrite: bool) -> Path:
    """Where the answers table goes; UsageError where one is there and may not be replaced."""
    path = Path(out_dir) / f"{TABLE}.{fmt}"
    if path.exists() and not overwrite:
        raise UsageError(f"{path} exists; add --overwrite to replace it")
    return path


def write_answers(rows: list[dict], out_dir: Path, fmt: str, overwrite: bool = False) -> Path:
    from extractor.tables.rows import to_frame
    from extractor.tables.writers import FORMATS, write_frame

    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out_dir = Path(out_dir)
    path = answers_path(out_dir, fmt, overwrite)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"cannot create output folder {out_dir}: {e.strerror}") from e
    frame = to_frame(rows, ANSWER_COLUMNS)
    if fmt == "xlsx":
        import pandas as pd

        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            frame.to_excel(writer, sheet_name=TABLE, index=False)
        return path
    return write_frame(frame, path, fmt, ANSWER_COLUMNS)


def split_sentences(texts: Iterable[str]) -> list[list[tuple[int, int]]]:
    """Each text's sentences as offsets into it (claimx's sentence splitter)."""
    from extractor.reading.document import Document

    documents = [Document(str(i), text, "") for i, text in enumerate(texts)]
    return sentence_offsets(sentence_nlp(), documents)


def sentence_offsets(nlp, documents: list) -> list[list[tuple[int, int]]]:
    from extractor.pipeline.annotate import annotate_pieces

    out: dict[int, list[tuple[int, int]]] = defaultdict(list)
    index = {id(d): i for i, d in enumerate(documents)}
    for piece, doc in annotate_pieces(nlp, documents):
        if doc is None:
            continue
        offsets = doc._.claimx_offsets
        for sent in doc.sents:
            start, end = piece.start + sent.start_char, piece.start + sent.end_char
            out[index[id(piece.document)]].append(offsets.to_original(start, end) if offsets is not None
                                                  else (start, end))
    return [out[i] for i in range(len(documents))]


def load_models(folder: Path | None = None):
    """The effect model and passage ranker (from `folder`, else the shipped ones)."""
    from extractor.learning.effect_model import EffectModel, PassageRanker, shipped_folder

    folder = Path(folder) if folder is not None else shipped_folder()
    return EffectModel.load(folder / "effect.json"), PassageRanker.load(folder / "passage.json")


def run(paths: list[str], prompts_path: Path, out_dir: Path, fmt: str = "csv", overwrite: bool = False,
        models: Path | None = None) -> tuple[Path, list[dict]]:
    from extractor.reading.readers import read_documents

    prompts = read_prompts(prompts_path)
    model, ranker = load_models(models)
    answers_path(out_dir, fmt, overwrite)  # refuse before the work, not after it
    rows = answer_documents(sentence_nlp(), read_documents(paths), prompts, model, ranker)
    return write_answers(rows, out_dir, fmt, overwrite), rows
