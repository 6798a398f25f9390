"""Plain-text reference parsing on the 63 JATS articles' reference lists rendered as text.

    python benchmarks/references_text.py            # every style, one entry per line and wrapped
    python benchmarks/references_text.py --show 20  # also the first 20 entries parsed wrong

Each article's `<ref-list>` is rendered by tests/references_render.py as the publisher's own
`<mixed-citation>` text, as a numbered Vancouver list and as an alphabetical APA list, each with
one entry per line, hard-wrapped at 72 characters (as PDF text is) and all run together on one
line (`joined`: only numbered lists can be split so); `parse_references` reads the whole
rendered text. Prints, per style: articles, gold entries, entries found, and the share
of entries whose first-author surname, year and title are right (and all three), then the
parser's speed in entries per second; then its speed on full texts that have no reference
section (Evidence Inference dev), where it must find nothing, fast.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.references.text import parse_references  # noqa: E402
from tests.references_render import STYLES, norm, render, score  # noqa: E402

JATS = ROOT.parent / "shared" / "data" / "citations" / "jats"
PLAIN = ROOT.parent / "shared" / "data" / "evidence_inference" / "dev.jsonl"  # full texts, no reference lists
LAYOUTS = {"lines": (None, False), "wrapped": (72, False), "joined": (None, True)}


def measure(folder: Path = JATS, show: int = 0) -> list[dict]:
    rows = []
    paths = sorted(folder.glob("*.xml"))
    for style in STYLES:
        for layout, (wrap, joined) in LAYOUTS.items():
            total: dict[str, int] = {}
            docs, seconds = 0, 0.0
            for path in paths:
                rendered = render(path, style, wrap, joined)
                if rendered is None:
                    continue
                docs += 1
                t0 = time.perf_counter()
                refs = parse_references(rendered.text)
                seconds += time.perf_counter() - t0
                for k, v in score(rendered, refs).items():
                    total[k] = total.get(k, 0) + v
                if show:
                    show = _show(rendered, refs, show)
            rows.append({"style": style, "layout": layout, "docs": docs, "seconds": seconds, **total})
    return rows


def _show(rendered, refs, left: int) -> int:
    for g in rendered.gold:
        if left <= 0:
            break
        best = max(refs, key=lambda r: min(r.end, g.end) - max(r.start, g.start), default=None)
        wrong = best is None or (g.surname and norm(best.first_surname) != norm(g.surname)) or \
            (g.year and best.year != g.year) or (g.title and norm(best.title) != norm(g.title))
        if wrong:
            left -= 1
            print(f"--- {rendered.doc} {rendered.style}\n  text : {rendered.text[g.start:g.end]!r}")
            print(f"  gold : {g.surname} | {g.year} | {g.title}")
            if best is not None:
                print(f"  found: {best.first_surname} | {best.year} | {best.title}")
    return left


def plain_speed(path: Path = PLAIN) -> tuple[int, int, int, float] | None:
    """(texts, characters, references found, seconds) for full texts without a reference section."""
    if not path.is_file():
        return None
    texts = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
    t0 = time.perf_counter()
    found = sum(len(parse_references(t)) for t in texts)
    return len(texts), sum(map(len, texts)), found, time.perf_counter() - t0


def share(n: int, d: int) -> str:
    return f"{n / d:.3f}" if d else "–"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jats", type=Path, default=JATS, help="folder of JATS articles")
    parser.add_argument("--show", type=int, default=0, help="print the first N entries parsed wrong")
    args = parser.parse_args(argv)
    if not args.jats.is_dir():
        print(f"no folder {args.jats}", file=sys.stderr)
        return 1
    rows = measure(args.jats, args.show)
    print("| style | layout | articles | entries | found | surname | year | title | all three | entries/s |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        rate = f"{r['found'] / r['seconds']:,.0f}" if r["seconds"] else "–"
        print(f"| {r['style']} | {r['layout']} | {r['docs']} | {r['entries']} | {r['found']} | "
              f"{share(r['surname'], r['surname_gold'])} | {share(r['year'], r['year_gold'])} | "
              f"{share(r['title'], r['title_gold'])} | {share(r['all3'], r['all3_gold'])} | {rate} |")
    plain = plain_speed()
    if plain:
        n, chars, found, seconds = plain
        print(f"\nTexts without a reference section ({PLAIN.parent.name} dev): {n} texts, {chars / 1e6:.1f} M chars, "
              f"{found} entries found, {chars / 1e6 / seconds:.0f} M chars/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
