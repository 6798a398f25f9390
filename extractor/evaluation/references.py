"""How well markers resolve to references, measured on JATS articles, whose markup says the truth.

The gold of a marker is what its `<xref rid>`s name: the rids of the xrefs inside the marker and,
where two of them stand either side of a dash (`[3-7]` marked up as 3 and 7), the entries between
them in list order. Two resolvers are scored against it: `structure` (what `extract` does for
JATS: the xrefs themselves) and `text` (what it does for a plain or PDF text, where there are no
xrefs: labels, surnames and years only). The entries' own fields are checked against the
`citations` corpus, whose builders recorded each xref's first author and year independently.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212"


def gold_ids(xrefs: list, text: str, order: dict[str, int], ids: list[str]) -> list[str]:
    """The reference ids a run of xrefs (those inside one marker) names, ranges filled in."""
    out: list[str] = []
    for i, x in enumerate(xrefs):
        if i:
            between = text[xrefs[i - 1].end:x.start].strip(" []()\u2009\u00a0")
            if between and all(c in _DASHES for c in between):
                lo, hi = order.get(xrefs[i - 1].rids[-1]), order.get(x.rids[0])
                if lo is not None and hi is not None:
                    out.extend(ids[lo + 1:hi])
        out.extend(x.rids)
    return list(dict.fromkeys(out))


def _is_person(reference) -> bool:
    """Whether the first author is a person (`Surname Initials`), not a group."""
    return reference.first_surname != reference.authors[0]


def score_jats(paths: list[Path], show: int = 0) -> dict:
    """Marker resolution (per resolver and citation style) and xref coverage over JATS files."""
    from extractor.components.citations import find_citations
    from extractor.reading.jats import jats_article
    from extractor.references.resolve import ReferenceIndex

    counts: Counter = Counter()
    wrong: list[dict] = []
    for path in paths:
        article = jats_article(path.read_bytes())
        text, refs, xrefs = article.text, article.references, sorted(article.xrefs, key=lambda x: x.start)
        ids = [r.ref_id for r in refs]
        order = {ref_id: i for i, ref_id in enumerate(ids)}
        structure, plain = ReferenceIndex(refs, xrefs), ReferenceIndex(refs)
        covered = set()
        for marker in find_citations(text):
            inside = [x for x in xrefs if x.start < marker.end and x.end > marker.start]
            if not inside:
                counts["markers_without_xref"] += 1
                continue
            covered.update(id(x) for x in inside)
            gold = gold_ids(inside, text, order, ids)
            style = marker.style or "?"
            refs_ = [str(r) for r in marker.refs or ()]
            counts[f"markers:{style}"] += 1
            for name, index in (("structure", structure), ("text", plain)):
                got = index.resolve(marker.start, marker.end, refs_, marker.style, text)
                ok = got == gold
                counts[f"{name}:{style}:right"] += ok
                if not ok and name == "text" and len(wrong) < show:
                    wrong.append({"file": path.name, "marker": text[marker.start:marker.end],
                                  "gold": gold, "got": got})
        counts["xrefs"] += len(xrefs)
        counts["xrefs_in_markers"] += len(covered)
        counts["references"] += len(refs)
    out: dict = {"articles": len(paths), "references": counts["references"],
                 "xrefs": counts["xrefs"], "xrefs_in_markers": counts["xrefs_in_markers"],
                 "markers_without_xref": counts["markers_without_xref"], "resolution": {}}
    for name in ("structure", "text"):
        for style in ("numeric", "author_year"):
            n = counts[f"markers:{style}"]
            right = counts[f"{name}:{style}:right"]
            out["resolution"][f"{name}:{style}"] = {"markers": n, "right": right,
                                                   "share": round(right / n, 4) if n else None}
    out["wrong"] = wrong
    return out


def score_fields(corpus: Path, jats_folder: Path) -> dict:
    """First-author surname and year of the entries every xref of the `citations` corpus points
    to, against the corpus's own record of them."""
    from extractor.reading.jats import jats_article
    from extractor.references.resolve import name_key

    counts: Counter = Counter()
    misses: list[dict] = []
    with corpus.open(encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    for record in records:
        path = jats_folder / (record["id"].replace(":", "__") + ".xml")
        if not path.exists():
            counts["missing_files"] += 1
            continue
        by_id = {r.ref_id: r for r in jats_article(path.read_bytes()).references}
        seen: set[str] = set()
        for span in record.get("xref_spans", []):
            for rid, gold in zip(span.get("rids", []), span.get("refs") or []):
                if rid in seen or not gold:
                    continue
                seen.add(rid)
                ours = by_id.get(rid)
                counts["entries"] += 1
                if ours is not None and not gold.get("first_author"):  # a group author
                    surname_ok = bool(ours.authors) and not _is_person(ours)
                else:
                    surname_ok = ours is not None and name_key(ours.first_surname or "") == name_key(
                        gold.get("first_author") or "")
                year_ok = ours is not None and str(ours.year or "") == str(gold.get("year") or "")[:4]
                counts["surname"] += surname_ok
                counts["year"] += year_ok
                if not (surname_ok and year_ok) and len(misses) < 20:
                    misses.append({"rid": rid, "gold": gold, "ours": [ours.first_surname, ours.year]
                                   if ours else None, "file": path.name})
    n = counts["entries"] or 1
    return {"entries": counts["entries"], "surname": round(counts["surname"] / n, 4),
            "year": round(counts["year"] / n, 4), "missing_files": counts["missing_files"],
            "misses": misses}
