"""claimx command line: parse options, call one library function, print, set the exit code.

Exit codes: 0 ok, 1 a document failed or an evaluation fell under its threshold,
2 bad usage or input.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

# Set before numpy loads. The pipelines' matrices are small: a second BLAS thread doubled the CPU
# time of tok2vec + ner for no gain in wall time (docs/benchmarks.md), and worker processes
# are where the parallelism is. A user's own setting wins.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

from extractor.errors import ClaimxError, ModelNotFound, UsageError  # noqa: E402 - after the variables above

try:  # typer >= 0.20 vendors click
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover - older typer uses click itself
    from click import exceptions as click_exceptions

# -h and --help on every command (click hands help_option_names down to the subcommands)
CONTEXT = {"help_option_names": ["-h", "--help"]}
app = typer.Typer(
    name="claimx",
    help="Turn what biomedical papers claim into tables.",
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings=CONTEXT,
)
err = Console(stderr=True, highlight=False)


def show_help_when_bare(ctx: typer.Context) -> None:
    """A group called without a command prints its help to stdout and exits 0.

    click's `no_args_is_help` raises a usage error instead (its help on stderr, exit 2), which
    `main` would print as `claimx: error: Usage: ...`.
    """
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(0)


def print_version(value: bool) -> None:
    if value:
        from extractor import __version__

        typer.echo(f"claimx {__version__}")
        raise typer.Exit(0)


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option(
        "--version", callback=print_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    """Turn what biomedical papers claim into tables."""
    show_help_when_bare(ctx)


def fail(message: str, code: int = 2) -> None:
    """Print a one-line error and exit."""
    err.print(f"claimx: error: {message}", markup=False, soft_wrap=True)
    raise typer.Exit(code)


@app.command()
def extract(
    paths: Annotated[list[str], typer.Argument(
        help="Files (.txt .pdf .xml/.nxml JATS .jsonl, optionally .gz), folders (recursive), globs, or - for stdin.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the tables.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv | parquet | jsonl | xlsx")] = "csv",
    model: Annotated[str, typer.Option(
        "--model", "-m", help="Shipped pipeline name, installed spaCy package or pipeline folder.")] = "default",
    max_bytes: Annotated[int, typer.Option(help="Larger files are recorded as errors.")] = 20_000_000,
    workers: Annotated[int | None, typer.Option(  # noqa: UP007 - typer needs Optional
        "--workers", "-w", help="Worker processes (default: one per core; 0: no worker processes).")] = None,
    batch_size: Annotated[int, typer.Option(help="Documents per batch (the unit written and resumed).")] = 32,
    resume: Annotated[bool, typer.Option(
        "--resume", help="Keep the tables in --out and analyse only documents not there yet (same id and content).",
    )] = False,
    overwrite: Annotated[bool, typer.Option(
        "--overwrite", help="Clear the tables --out already holds first (without it or --resume, such a folder "
        "is refused).")] = False,
    text_field: Annotated[str, typer.Option(help="JSONL: the field holding a record's text.")] = "text",
    id_field: Annotated[str, typer.Option(help="JSONL: the field holding a record's id.")] = "id",
    doc_timeout: Annotated[float, typer.Option(
        help="Seconds a document may take; one that hangs is stopped and recorded as an error (0: no limit).",
    )] = 300.0,
    max_memory: Annotated[int, typer.Option(
        help="MB of address space per worker process; a document needing more is recorded as an error (0: none).",
    )] = 4096,
    scheduler: Annotated[str | None, typer.Option(  # noqa: UP007
        help="Run on the Dask cluster whose scheduler is at this address (tcp://host:8786).")] = None,
    dask: Annotated[bool, typer.Option("--dask", help="Run on Dask (a local cluster unless --scheduler).")] = False,
) -> None:
    """Extract drugs, doses, durations, sample sizes, citations ... into tables.

    Example: claimx extract papers/ --out tables/ --format parquet --workers 4 --resume
    """
    from extractor.reading.readers import count_documents
    from extractor.running.job import extract as run_extract
    from extractor.tables.writers import FORMATS

    if fmt not in FORMATS:
        fail(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if workers is not None and workers < 0:
        fail("--workers must be 0 or more")
    if resume and overwrite:
        fail("--resume and --overwrite exclude each other: keep the tables or replace them")
    show = err.is_terminal
    progress = None
    try:
        if show:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            total = count_documents(paths) if "-" not in paths else None
            progress = Progress(
                TextColumn("extracting"), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"), TextColumn("ETA"), TimeRemainingColumn(),
                console=err, transient=True)
            task = progress.add_task("extracting", total=total, rate="")
            progress.start()

            def advance(n: int) -> None:
                progress.advance(task, n)
                speed = progress.tasks[0].speed
                progress.update(task, rate=f"{speed:,.1f} docs/s" if speed else "")

        summary = run_extract(
            paths, out, fmt=fmt, model=model, max_bytes=max_bytes, batch_size=batch_size, workers=workers,
            resume=resume, overwrite=overwrite, text_field=text_field, id_field=id_field,
            doc_timeout=doc_timeout or None,
            max_memory_mb=max_memory or None, scheduler=scheduler, dask=dask,
            on_progress=advance if progress else None,
        )
    except (UsageError, ModelNotFound) as e:
        fail(str(e))
    except ClaimxError as e:
        fail(str(e))
    except Exception as e:  # noqa: BLE001 - the run itself failed (not one document): one line, the trace logged
        fail(_extract_crash(e, out), code=1)
    finally:
        if progress:
            progress.stop()
    words_per_s = summary.words / summary.seconds if summary.seconds else 0.0
    _note_skipped_files(paths)
    skipped = f", {summary.skipped} already done" if summary.skipped else ""
    err.print(
        f"{summary.documents} documents, {summary.failed} failed{skipped}, {summary.words:,} words "
        f"({words_per_s:,.0f} words/s) -> {out}", markup=False, soft_wrap=True,
    )
    if summary.failed:
        raise typer.Exit(1)


def _extract_crash(error: Exception, out: Path) -> str:
    """The line for a run that stopped: its trace goes to the output folder's error log when the run
    got as far as making one (a folder without tables must stay free for the next run)."""
    from extractor.crash import crash_line
    from extractor.tables.writers import ERRORS_LOG, STATE_DIR

    state = out / STATE_DIR
    line = crash_line(error, "extract stopped", state / ERRORS_LOG if state.is_dir() else None)
    return f"{line}; the batches finished before it are kept (--resume goes on)" if state.is_dir() else line


def _note_skipped_files(paths: list[str]) -> None:
    """One line naming the files of the folders given that were left out (types claimx cannot read)."""
    from extractor.reading.readers import READABLE, skipped_in_folders

    files = list(skipped_in_folders(paths))
    if files:
        shown = ", ".join(str(p) for p in files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")
        err.print(f"note: skipped {len(files)} file{'s' if len(files) > 1 else ''} of a type claimx cannot read "
                  f"({shown}); claimx reads {READABLE}", markup=False, soft_wrap=True)


@app.command()
def evidence(
    paths: Annotated[list[str], typer.Argument(help="The documents, as for extract (files, folders, globs, -).")],
    prompts: Annotated[Path, typer.Option(
        "--prompts", "-p", help="CSV with prompt_id, doc_id, intervention, comparator, outcome.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the answers table.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv | parquet | jsonl | xlsx")] = "csv",
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an answers table already there.")] = False,
    models: Annotated[Path | None, typer.Option(  # noqa: UP007
        "--models", help="A folder from `claimx train evidence` (default: the shipped models).")] = None,
) -> None:
    """Answer evidence prompts: did the intervention increase, decrease or not change the outcome
    against the comparator, and which passage says so.

    Example: claimx evidence papers/ --prompts prompts.csv --out answers/
    """
    from extractor.evidence.job import run

    try:
        path, rows = run(paths, prompts, out, fmt, overwrite, models)
    except ClaimxError as e:
        fail(str(e))
    failed = sum(r["status"] == "error" for r in rows)
    err.print(f"{len(rows)} prompts, {failed} failed -> {path}", markup=False, highlight=False)
    raise typer.Exit(1 if failed else 0)


@app.command()
def models() -> None:
    """List the pipelines claimx can use: shipped ones and installed spaCy packages.

    Example: claimx models
    """
    from extractor.pipeline.load import installed_models, shipped_models

    for name, path in shipped_models().items():
        typer.echo(f"{name}\tshipped\t{path}")
    for name in installed_models():
        typer.echo(f"{name}\tinstalled")


@app.command("evaluate")
def evaluate_cmd(
    gold: Annotated[list[str], typer.Argument(
        help="Gold: claimx JSONL, a BRAT folder (.txt + .ann) or a spaCy DocBin (.spacy).")],
    pred: Annotated[Path | None, typer.Option(
        "--pred", help="Score the tables of a `claimx extract --out` folder (doc_id = gold id).")] = None,
    model: Annotated[str | None, typer.Option(
        "--model", "-m", help="Run this pipeline on the gold texts (default: default).")] = None,
    labels: Annotated[list[str] | None, typer.Option(
        "--labels", help="Labels to score, e.g. DOSE,DURATION (default: what the gold annotates).")] = None,
    label_map: Annotated[str | None, typer.Option(
        "--label-map", help="Shipped map (bc5cdr, phee, ebm_nlp, citations, claims, evidence_inference) "
        "or a JSON file.")] = None,
    report: Annotated[Path | None, typer.Option(help="Write a report: FILE.md or FILE.json.")] = None,
    fail_under: Annotated[float | None, typer.Option(help="Exit 1 when a label's F1 is under this.")] = None,
    metric: Annotated[str, typer.Option(help="F1 that --fail-under checks: strict | lenient.")] = "strict",
    baseline: Annotated[Path | None, typer.Option(help="Exit 1 when a label drops from this baseline.")] = None,
    tolerance: Annotated[float, typer.Option(help="Allowed drop from --baseline.")] = 0.01,
    save_baseline: Annotated[Path | None, typer.Option(help="Write this run's scores as a baseline.")] = None,
    show_errors: Annotated[int, typer.Option(help="Print the first N errors as a table.")] = 0,
    rel_tol: Annotated[float, typer.Option(help="Relative tolerance for norm_value.")] = 0.01,
    limit: Annotated[int | None, typer.Option(help="Score only the first N gold documents.")] = None,
) -> None:
    """Score a pipeline (or extracted tables) against annotated samples, per label.

    Example: claimx evaluate corpus/gold.jsonl --baseline corpus/baseline.json --report report.md
    """
    from extractor.evaluation import below_threshold, evaluate, load_baseline, regressions, stale_baseline
    from extractor.evaluation import save_baseline as save
    from extractor.evaluation.report import check_report_path, rich_errors, rich_scores, write_report

    if metric not in ("strict", "lenient"):
        fail(f"--metric must be strict or lenient, got {metric!r}")
    if fail_under is not None and not 0 <= fail_under <= 1:
        fail(f"--fail-under must be between 0 and 1, got {fail_under}")
    if tolerance < 0 or show_errors < 0 or (limit is not None and limit < 1):
        fail("--tolerance and --show-errors must be >= 0, --limit >= 1")
    progress = None
    try:
        if report:
            check_report_path(report)
        before = load_baseline(baseline) if baseline else None
        if pred is None and err.is_terminal:
            from rich.progress import Progress

            progress = Progress(console=err, transient=True)
            task = progress.add_task("evaluating", total=None)
            progress.start()
        result = evaluate(gold, pred=pred, model=model, labels=labels, label_map=label_map, rel_tol=rel_tol,
                          limit=limit, on_document=(lambda d: progress.advance(task)) if progress else None)
    except ClaimxError as e:
        fail(str(e))
    finally:
        if progress:
            progress.stop()
    out = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
    out.print(rich_scores(result))
    for note in result.notes:
        err.print(f"note: {note}", markup=False, soft_wrap=True)
    if show_errors:
        out.print(rich_errors(result.scores.errors, show_errors))
    problems = below_threshold(result, fail_under, metric) if fail_under is not None else []
    if before is not None:
        problems += regressions(result, before, tolerance)
        stale = stale_baseline(result, before)
        if stale:
            result.notes.append(stale)
            err.print(f"note: {stale}", markup=False, soft_wrap=True)
    try:
        if report:
            write_report(result, report, problems)
        if save_baseline:
            save(result, save_baseline)
    except ClaimxError as e:
        fail(str(e))
    for problem in problems:
        err.print(f"claimx: fail: {problem}", markup=False, soft_wrap=True)
    if problems:
        raise typer.Exit(1)


train_app = typer.Typer(help="Train the statistical parts of claimx.", context_settings=CONTEXT)
app.add_typer(train_app, name="train")


@train_app.callback(invoke_without_command=True)
def train_root(ctx: typer.Context) -> None:
    """Train the statistical parts of claimx."""
    show_help_when_bare(ctx)


@train_app.command("claims")
def train_claims(
    train: Annotated[Path, typer.Option(help="Claims corpus JSONL (CLAIM / NOT_CLAIM sentence spans).")] = Path(
        "../shared/data/claims/train.jsonl"),
    dev: Annotated[Path, typer.Option(help="Held-out JSONL scored after training.")] = Path(
        "../shared/data/claims/dev.jsonl"),
    out: Annotated[Path, typer.Option(help="Where to write the classifier JSON.")] = Path(
        "models/claims/classifier.json"),
    c: Annotated[float, typer.Option("--c", help="Inverse L2 regularisation strength.")] = 0.3,
    min_count: Annotated[int, typer.Option(help="Drop features seen fewer times in training.")] = 2,
    threshold: Annotated[float, typer.Option(help="Score at which a sentence is a claim.")] = 0.45,
) -> None:
    """Train the claim-sentence classifier used by claimx_claims.

    Example: claimx train claims --train ../shared/data/claims/train.jsonl --out models/claims/classifier.json
    """
    from extractor.learning.claim_classifier import train as run_train

    try:
        classifier, scores = run_train(train, dev if dev.exists() else None, c=c, min_count=min_count,
                                       threshold=threshold)
    except ClaimxError as e:
        fail(str(e))
    classifier.save(out)
    for split, s in scores.items():
        typer.echo(f"{split}\tP {s['precision']:.3f}\tR {s['recall']:.3f}\tF1 {s['f1']:.3f}")
    typer.echo(f"{len(classifier.weights)} weights -> {out}")


@app.command()
def review(
    out_dir: Annotated[Path, typer.Argument(help="The --out folder of a `claimx extract` run.")],
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="HTML file to write (default: OUT_DIR/review.html).")] = None,
    open_page: Annotated[bool, typer.Option("--open", help="Open the page in a web browser.")] = False,
) -> None:
    """Write one self-contained HTML page to review an extract run and export corrections as gold JSONL.

    Example: claimx review tables/ --out review.html --open
    """
    from extractor.review import write_review

    try:
        path, payload = write_review(out_dir, out)
    except ClaimxError as e:
        fail(str(e))
    docs = payload["documents"]
    missing = sum(1 for d in docs if not d["has_text"])
    err.print(f"{len(docs)} documents ({missing} without text) -> {path}", markup=False)
    first = next((d for d in docs if not d["has_text"] and d["status"] != "error"), None)
    if first:
        err.print(f"note: {first['problem']}", markup=False, soft_wrap=True)
    if open_page:
        import webbrowser

        webbrowser.open(path.resolve().as_uri())


@train_app.command("ner")
def train_ner(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for model-best/, model-last/ and DocBins "
                                      "(with --gold: the adapted pipeline).")],
    train: Annotated[list[Path] | None, typer.Option(  # noqa: UP007
        "--train", help="JSONL: text + spans labelled Chemical/Disease; repeatable. A file with no "
        "spans of a label is taken as not annotating it (NCBI-disease: diseases only).")] = None,
    dev: Annotated[Path | None, typer.Option(  # noqa: UP007
        "--dev", help="JSONL like --train, for model selection.")] = None,
    gold: Annotated[Path | None, typer.Option(  # noqa: UP007
        "--gold", help="Adapt a pipeline instead: the gold JSONL that the review page exports.")] = None,
    base: Annotated[str, typer.Option(
        "--from", help="With --gold: the pipeline to adapt (shipped name, package or folder).")] = "default",
    rehearse: Annotated[Path | None, typer.Option(  # noqa: UP007
        help="With --gold: JSONL texts (with or without spans) to rehearse what the pipeline knew "
        "(default: the pipeline's own rehearsal.jsonl.gz).")] = None,
    config: Annotated[Path | None, typer.Option(help="spaCy training config.")] = None,
    max_minutes: Annotated[float | None, typer.Option(help="Stop training after this many minutes.")] = None,
    vectors: Annotated[Path | None, typer.Option(
        help="Static vectors (a folder from `claimx train vectors`); the config must include them.")] = None,
    install_into: Annotated[Path | None, typer.Option(
        help="Copy the best model's weights and config sections into this pipeline folder (models/default).")] = None,
) -> None:
    """Train the CHEMICAL/DISEASE recognizer (spaCy NER, CPU) and keep the best dev checkpoint, or
    adapt a pipeline's recognizer to reviewed documents (--gold).

    Example: claimx train ner --train bc5cdr/train.jsonl --dev bc5cdr/dev.jsonl --out runs/ner

    Example: claimx train ner --gold tables-gold.jsonl --from default --out runs/adapted
    """
    from extractor.learning.ner_training import train_ner as run_train

    if gold is not None:
        if train or dev is not None:
            fail("--gold adapts a pipeline; --train and --dev train one from scratch: give one or the other")
        _adapt_ner(gold, base, out, rehearse)
        return
    if not train or dev is None:
        fail("give --train and --dev to train a recognizer, or --gold to adapt one")
    try:
        if vectors is not None and not (vectors / "vocab").is_dir():
            fail(f"{vectors} is not a vectors folder (no vocab/ inside)")
        result = run_train(train, dev, out, config=config, max_minutes=max_minutes,
                           overrides={"paths.vectors": str(vectors)} if vectors else None,
                           log=lambda msg: err.print(msg, markup=False, highlight=False))
        if install_into is not None:
            from extractor.learning.ner_training import package_ner

            package_ner(result.best_path, install_into)
    except ClaimxError as e:
        fail(str(e))
    per_type = result.scores.get("ents_per_type") or {}
    figures = ", ".join(f"{label} F1 {s['f']:.3f}" for label, s in sorted(per_type.items()))
    typer.echo(f"best dev ents F1 {result.scores.get('ents_f', 0):.3f} ({figures}); {result.steps} steps, "
               f"{result.seconds / 60:.1f} min, stopped: {result.stopped} -> {result.best_path}")


def _adapt_ner(gold: Path, base: str, out: Path, rehearse: Path | None) -> None:
    from extractor.learning.ner_adapt import adapt_ner

    try:
        result = adapt_ner(gold, base, out, rehearse=rehearse,
                           log=lambda msg: err.print(msg, markup=False, highlight=False))
    except ClaimxError as e:
        fail(str(e))
    typer.echo(f"adapted {base} on {result.gold_docs} documents ({result.gold_spans} entities, "
               f"{result.rehearsal_docs} rehearsal documents): {result.updates} updates, {result.seconds:.0f} s "
               f"-> {result.path} (use --model {result.path})")


@train_app.command("outcomes")
def train_outcomes(
    ebm_nlp: Annotated[Path, typer.Option(
        "--ebm-nlp", help="EBM-NLP JSONL (text + spans labelled O / O:...); only its even-numbered lines "
        "are read.")] = Path("../shared/data/ebm_nlp/dev.jsonl"),
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the trained tagger (replaced).")] = Path(
        "models/outcomes/tagger"),
    config: Annotated[Path | None, typer.Option(help="spaCy training config (default: models/outcomes.cfg).")] = None,
    max_steps: Annotated[int | None, typer.Option(help="Stop after this many updates (default: the config's).")] = None,
    all_even: Annotated[bool, typer.Option(
        "--all-even", help="Train on every even-numbered line, the checkpoint lines 0, 10, 20 ... too, and keep "
        "the weights after the last update.")] = False,
) -> None:
    """Train the OUTCOME span tagger that claimx_outcomes adds to its rules, on the even-numbered
    (derivation) documents of EBM-NLP; the odd-numbered ones are left for measuring.

    Example: claimx train outcomes --ebm-nlp ../shared/data/ebm_nlp/dev.jsonl --out models/outcomes/tagger
    """
    from extractor.learning.outcome_tagger import train_outcomes as run_train

    try:
        result = run_train(ebm_nlp, out, config=config, max_steps=max_steps, all_even=all_even,
                           log=lambda msg: err.print(msg, markup=False, highlight=False))
    except ClaimxError as e:
        fail(str(e))
    if all_even:
        typer.echo(f"trained on {result.train_stats.docs} documents, kept the weights after update "
                   f"{result.steps}; {result.seconds / 60:.1f} min -> {result.out}")
        return
    typer.echo(f"best held-out OUTCOME F1 {result.scores.get('ents_f', 0):.3f} "
               f"(P {result.scores.get('ents_p', 0):.3f} R {result.scores.get('ents_r', 0):.3f}); "
               f"{result.steps} steps, {result.seconds / 60:.1f} min -> {result.out}")


@train_app.command("vectors")
def train_vectors(
    text: Annotated[list[Path], typer.Option("--text", help="JSONL with a 'text' field; repeatable.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the spaCy vectors pipeline.")],
    dim: Annotated[int, typer.Option(help="Vector width.")] = 64,
    bucket: Annotated[int, typer.Option(help="Hash rows for words and character n-grams.")] = 20000,
    epochs: Annotated[int, typer.Option(help="Passes over the text.")] = 5,
) -> None:
    """Train subword (floret) static vectors on unlabelled text, for `claimx train ner --vectors`.

    Example: claimx train vectors --text papers.jsonl --out runs/vectors
    """
    from extractor.learning.ner_training import train_vectors as run_vectors

    try:
        path = run_vectors(text, out, dim=dim, bucket=bucket, epochs=epochs,
                           log=lambda msg: err.print(msg, markup=False, highlight=False))
    except ClaimxError as e:
        fail(str(e))
    typer.echo(f"vectors -> {path}")


@train_app.command("direction")
def train_direction(
    train: Annotated[Path, typer.Option(help="Evidence Inference JSONL (EVIDENCE spans with `effect`).")] = Path(
        "../shared/data/evidence_inference/train.jsonl"),
    dev: Annotated[Path, typer.Option(help="Held-out JSONL scored after training.")] = Path(
        "../shared/data/evidence_inference/dev.jsonl"),
    out: Annotated[Path, typer.Option(help="Where to write the direction model JSON.")] = Path(
        "models/claims/direction.json"),
    c: Annotated[float, typer.Option("--c", help="Inverse L2 regularisation strength.")] = 0.3,
    min_count: Annotated[int, typer.Option(help="Drop features seen fewer times in training.")] = 2,
) -> None:
    """Train the effect-direction model used by claimx_claims (increase / decrease / no_change).

    Example: claimx train direction --train evidence_inference/train.jsonl --out models/claims/direction.json
    """
    from extractor.components.claims import assess, direction_features
    from extractor.learning.direction_model import train as run_train

    try:
        model, meta = run_train(train, dev if dev.exists() else None, c=c, min_count=min_count,
                                featurize=direction_features,
                                direction_of=lambda text, model: assess(text, model=model).direction)
    except ClaimxError as e:
        fail(str(e))
    model.save(out)
    for split, accuracy in meta["accuracy"].items():
        typer.echo(f"{split}\taccuracy {accuracy:.3f}")
    typer.echo(f"{len(model.weights)} weights -> {out}")


@train_app.command("evidence")
def train_evidence(
    train: Annotated[Path, typer.Option(help="Evidence Inference JSONL (articles, prompts, EVIDENCE spans).")] = Path(
        "../shared/data/evidence_inference/train.jsonl"),
    dev: Annotated[Path, typer.Option(help="Held-out JSONL scored after training.")] = Path(
        "../shared/data/evidence_inference/dev.jsonl"),
    out: Annotated[Path, typer.Option(help="Folder for effect.json and passage.json.")] = Path("models/evidence"),
    c: Annotated[float, typer.Option("--c", help="The effect model's inverse L2 regularisation strength.")] = 0.05,
    ranker_c: Annotated[float, typer.Option(
        "--ranker-c", help="The passage ranker's inverse L2 regularisation strength.")] = 0.1,
    min_count: Annotated[int, typer.Option(help="Drop features seen fewer times in training.")] = 2,
    swap: Annotated[bool, typer.Option(
        "--swap", help="Also train the effect model on every prompt asked the other way round.")] = False,
) -> None:
    """Train the two models `claimx evidence` uses: the effect model (a passage's increase /
    decrease / no_change for a prompt) and the passage ranker (which sentence answers a prompt).

    Example: claimx train evidence --train evidence_inference/train.jsonl --out models/evidence
    """
    from extractor.evidence.job import split_sentences
    from extractor.learning.effect_model import train as train_effect
    from extractor.learning.effect_model import train_ranker

    held_out = dev if dev.exists() else None
    try:
        model, meta = train_effect(train, held_out, c=c, min_count=min_count, swap=swap)
        ranker, ranker_meta = train_ranker(train, held_out, split_sentences, c=ranker_c, min_count=min_count)
    except ClaimxError as e:
        fail(str(e))
    model.save(out / "effect.json")
    ranker.save(out / "passage.json")
    for split, scores in meta["scores"].items():
        typer.echo(f"{split}\teffect accuracy {scores['accuracy']:.3f} ({scores['passages']} passages)")
    for split, found in ranker_meta["top_sentence_is_evidence"].items():
        typer.echo(f"{split}\ttop-ranked sentence is evidence {found:.3f}")
    typer.echo(f"{len(model.weights)} + {len(ranker.weights)} weights -> {out}")


def main(argv: list[str] | None = None) -> None:
    """Entry point: usage errors become one line on stderr and exit code 2."""
    try:
        code = app(args=argv, prog_name="claimx", standalone_mode=False)
    except click_exceptions.UsageError as e:
        err.print(f"claimx: error: {e.format_message()}", markup=False, soft_wrap=True)
        sys.exit(2)
    except click_exceptions.ClickException as e:
        err.print(f"claimx: error: {e.format_message()}", markup=False, soft_wrap=True)
        sys.exit(e.exit_code)
    except ClaimxError as e:  # a library error a command did not turn into its own message
        err.print(f"claimx: error: {e}", markup=False, soft_wrap=True)
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt):
        err.print("claimx: aborted", markup=False)
        sys.exit(130)
    except Exception as e:  # noqa: BLE001 - a failure no command expected: one line, the trace in a log
        from extractor.crash import crash_line

        err.print(f"claimx: error: {crash_line(e, 'claimx failed')}", markup=False, soft_wrap=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
