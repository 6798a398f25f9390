"""Which PDF text extractor: pypdfium2 vs pypdf vs pdfminer.six, on PDFs made here.

PDFs are typeset with reportlab from evidence_inference full texts in ../shared/data (real
article text, several pages each). For each library: words/s and whether it gives back the
same words as the source text.

    pip install reportlab pypdfium2 pypdf pdfminer.six
    python benchmarks/pdf_text.py --pdfs 5

Prints one JSON object; docs/reading.md records the figures.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "evidence_inference" / "dev.jsonl"


def make_pdfs(folder: Path, n: int) -> list[tuple[Path, str]]:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    style = getSampleStyleSheet()["Normal"]
    out = []
    with open(DATA, encoding="utf-8") as f:
        for i, line in zip(range(n), f):
            text = json.loads(line)["text"]
            path = folder / f"article{i}.pdf"
            paragraphs = [Paragraph(escape(p), style) for p in text.split("\n") if p.strip()]
            SimpleDocTemplate(str(path), pagesize=A4).build(paragraphs)
            out.append((path, text))
    return out


def with_pdfium(path: Path) -> str:
    from extractor.reading.pdf import pdf_text

    return pdf_text(path.read_bytes())


def with_pypdf(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def with_pdfminer(path: Path) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(path)


def _differing(got: list[str], want: list[str]) -> int:
    """Words of the source not given back as they were (insertions, deletions, changes)."""
    from difflib import SequenceMatcher

    matched = sum(block.size for block in SequenceMatcher(None, got, want, autojunk=False).get_matching_blocks())
    return max(len(got), len(want)) - matched


def main() -> None:
    import sys

    sys.path.insert(0, str(ROOT))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pdfs", type=int, default=5)
    args = parser.parse_args()
    result = {}
    with tempfile.TemporaryDirectory() as tmp:
        pdfs = make_pdfs(Path(tmp), args.pdfs)
        source_words = sum(len(text.split()) for _, text in pdfs)
        for name, extract in [("pypdfium2", with_pdfium), ("pypdf", with_pypdf), ("pdfminer.six", with_pdfminer)]:
            try:
                extract(pdfs[0][0])  # imports and caches out of the timing
            except ImportError:
                result[name] = "not installed"
                continue
            started = time.perf_counter()
            texts = [extract(path) for path, _ in pdfs]
            seconds = time.perf_counter() - started
            words = sum(len(t.split()) for t in texts)
            differing = sum(_differing(t.split(), src.split()) for t, (_, src) in zip(texts, pdfs))
            result[name] = {"seconds": round(seconds, 3), "words": words, "source_words": source_words,
                            "words_per_s": round(words / seconds), "words_differing_from_source": differing}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
