"""Score pipelines against annotated samples: readers of gold formats, a scorer, reports, label maps.

    from extractor.evaluation import evaluate, regressions, load_baseline
    result = evaluate(["corpus/gold.jsonl"])             # runs the default pipeline
    problems = regressions(result, load_baseline("corpus/baseline.json"), tolerance=0.0)
"""

from extractor.evaluation.evaluate import (
    ALL_LABELS,
    Evaluation,
    baseline_dict,
    below_threshold,
    evaluate,
    load_baseline,
    regressions,
    save_baseline,
    stale_baseline,
)
from extractor.evaluation.gold import Annotation, GoldDocument, GoldSet, read_gold
from extractor.evaluation.mapping import LabelMap, load_label_map, shipped_label_maps
from extractor.evaluation.report import to_json, to_markdown, write_report
from extractor.evaluation.scorer import Counts, match, score_documents

__all__ = [
    "ALL_LABELS", "Annotation", "Counts", "Evaluation", "GoldDocument", "GoldSet", "LabelMap", "baseline_dict",
    "below_threshold", "evaluate", "load_baseline", "load_label_map", "match", "read_gold", "regressions",
    "save_baseline", "score_documents", "shipped_label_maps", "stale_baseline", "to_json", "to_markdown",
    "write_report",
]
