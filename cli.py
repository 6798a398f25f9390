"""claimx command line: parse options, call one library function, print, set the exit code.

Exit codes: 0 ok, 1 a document failed or an evaluation fell under its threshold,
2 bad usage or input.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from extractor.errors import ClaimxError, ModelNotFound, UsageError

try:  # typer >= 0.20 vendors click
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover - older typer uses click itself
    from click import exceptions as click_exceptions

app = typer.Typer(
    name="claimx",
    help="Turn what biomedical papers claim into tables.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
err = Console(stderr=True, highlight=False)


def fail(message: str, code: int = 2) -> None:
    """Print a one-line error and exit."""
    err.print(f"claimx: error: {message}", markup=False, soft_wrap=True)
    raise typer.Exit(code)


@app.command()
def extract(
    paths: Annotated[list[str], typer.Argument(help="Files, folders (recursive *.txt) or - for stdin.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the tables.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv | parquet | jsonl | xlsx")] = "csv",
    model: Annotated[str, typer.Option(
        "--model", "-m", help="Shipped pipeline name, installed spaCy package or pipeline folder.")] = "default",
    max_bytes: Annotated[int, typer.Option(help="Larger files are recorded as errors.")] = 20_000_000,
) -> None:
    """Extract drugs, doses, durations, sample sizes, citations ... into tables.

    Example: claimx extract papers/ --out tables/ --format parquet
    """
    from extractor.extract import extract as run_extract
    from extractor.writers import FORMATS

    if fmt not in FORMATS:
        fail(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    show = err.is_terminal
    progress = None
    if show:
        from rich.progress import Progress

        progress = Progress(console=err, transient=True)
        task = progress.add_task("extracting", total=None)
        progress.start()
    try:
        summary = run_extract(
            paths, out, fmt=fmt, model=model, max_bytes=max_bytes,
            on_document=(lambda d: progress.advance(task)) if progress else None,
        )
    except (UsageError, ModelNotFound) as e:
        fail(str(e))
    except ClaimxError as e:
        fail(str(e))
    finally:
        if progress:
            progress.stop()
    words_per_s = summary.words / summary.seconds if summary.seconds else 0.0
    err.print(
        f"{summary.documents} documents, {summary.failed} failed, {summary.words:,} words "
        f"({words_per_s:,.0f} words/s) -> {out}", markup=False,
    )
    if summary.failed:
        raise typer.Exit(1)


@app.command()
def models() -> None:
    """List the pipelines claimx can use: shipped ones and installed spaCy packages.

    Example: claimx models
    """
    from extractor.pipeline import installed_models, shipped_models

    for name, path in shipped_models().items():
        typer.echo(f"{name}\tshipped\t{path}")
    for name in installed_models():
        typer.echo(f"{name}\tinstalled")


train_app = typer.Typer(help="Train claimx's statistical components.", no_args_is_help=True)
app.add_typer(train_app, name="train")


@train_app.command("ner")
def train_ner(
    train: Annotated[Path, typer.Option("--train", help="JSONL: text + spans labelled Chemical/Disease.")],
    dev: Annotated[Path, typer.Option("--dev", help="JSONL like --train, for model selection.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for model-best/, model-last/ and DocBins.")],
    config: Annotated[Path | None, typer.Option(help="spaCy training config.")] = None,
    max_minutes: Annotated[float | None, typer.Option(help="Stop training after this many minutes.")] = None,
    vectors: Annotated[Path | None, typer.Option(
        help="Static vectors (a folder from `claimx train vectors`); the config must include them.")] = None,
    install_into: Annotated[Path | None, typer.Option(
        help="Copy the best model's weights and config sections into this pipeline folder (models/default).")] = None,
) -> None:
    """Train the CHEMICAL/DISEASE recognizer (spaCy NER, CPU) and keep the best dev checkpoint.

    Example: claimx train ner --train bc5cdr/train.jsonl --dev bc5cdr/dev.jsonl --out runs/ner
    """
    from extractor.training import train_ner as run_train

    try:
        if vectors is not None and not (vectors / "vocab").is_dir():
            fail(f"{vectors} is not a vectors folder (no vocab/ inside)")
        result = run_train(train, dev, out, config=config, max_minutes=max_minutes,
                           overrides={"paths.vectors": str(vectors)} if vectors else None,
                           log=lambda msg: err.print(msg, markup=False, highlight=False))
        if install_into is not None:
            from extractor.training import package_ner

            package_ner(result.best_path, install_into)
    except ClaimxError as e:
        fail(str(e))
    per_type = result.scores.get("ents_per_type") or {}
    figures = ", ".join(f"{label} F1 {s['f']:.3f}" for label, s in sorted(per_type.items()))
    typer.echo(f"best dev ents F1 {result.scores.get('ents_f', 0):.3f} ({figures}); {result.steps} steps, "
               f"{result.seconds / 60:.1f} min, stopped: {result.stopped} -> {result.best_path}")


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
    from extractor.training import train_vectors as run_vectors

    try:
        path = run_vectors(text, out, dim=dim, bucket=bucket, epochs=epochs,
                           log=lambda msg: err.print(msg, markup=False, highlight=False))
    except ClaimxError as e:
        fail(str(e))
    typer.echo(f"vectors -> {path}")


def main(argv: list[str] | None = None) -> None:
    """Entry point: usage errors become one line on stderr and exit code 2."""
    try:
        code = app(args=argv, standalone_mode=False)
    except click_exceptions.UsageError as e:
        err.print(f"claimx: error: {e.format_message()}", markup=False, soft_wrap=True)
        sys.exit(2)
    except click_exceptions.ClickException as e:
        err.print(f"claimx: error: {e.format_message()}", markup=False, soft_wrap=True)
        sys.exit(e.exit_code)
    except click_exceptions.Abort:
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
