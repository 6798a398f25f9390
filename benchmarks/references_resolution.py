"""Citation markers resolved to references, per source and style, on the 63 real JATS articles
of ../shared/data/citations/jats/ (the gold: what each marker's `<xref rid>`s name).

* `jats`: the article read as `extract` reads it (the `<ref-list>` as structure, markers
  resolved through their xrefs), and the same markers resolved without the xrefs (labels,
  surnames and years only);
* `text`: the article's text with its reference list rendered as plain text after a
  `References` heading (tests/references_render.py: numbered Vancouver entries for the numeric
  articles, alphabetical APA entries with `2004a`/`2004b` for the author-year ones, hard-wrapped
  at 80 columns as PDF text is), the list parsed by `references.text.parse_references` and the
  markers resolved by label or by surname and year.

    python benchmarks/references_resolution.py [--show 10]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.evaluation.references import score_fields, score_jats  # noqa: E402
from tests.references_render import score_resolution  # noqa: E402

JATS = ROOT.parent / "shared" / "data" / "citations" / "jats"
CORPUS = ROOT.parent / "shared" / "data" / "citations" / "dev.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show", type=int, default=0, help="list this many wrongly resolved markers")
    args = parser.parse_args()
    paths = sorted(JATS.glob("*.xml"))
    started = time.perf_counter()
    jats = score_jats(paths, show=args.show)
    fields = score_fields(CORPUS, JATS)
    text = score_resolution(paths, show=args.show)
    seconds = time.perf_counter() - started
    print("| source | resolver | style | markers | right | share |")
    print("| --- | --- | --- | ---: | ---: | ---: |")
    for key, value in jats["resolution"].items():
        resolver, style = key.split(":")
        print(f"| jats | {resolver} | {style} | {value['markers']} | {value['right']} | {value['share']} |")
    for style in ("numeric", "author_year"):
        value = text[style]
        print(f"| text | labels / surname+year | {style} | {value['markers']} | {value['right']} | {value['share']} |")
    print(f"\nJATS: {jats['references']} references, {jats['xrefs']} xrefs, "
          f"{jats['xrefs_in_markers'] / jats['xrefs']:.4f} of them inside a marker")
    print(f"JATS fields against the citations corpus: {fields['entries']} entries, first surname "
          f"{fields['surname']}, year {fields['year']}")
    print(f"({seconds:.1f} s)")
    for w in jats["wrong"] + text["wrong"]:
        print(json.dumps(w, ensure_ascii=False))


if __name__ == "__main__":
    main()
