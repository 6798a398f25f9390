"""The CLI's manners (issue 18 item 4): version and help, one-line errors, refusing to mix runs."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from extractor import __version__
from extractor.cli import app

runner = CliRunner()


def test_version_prints_the_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"claimx {__version__}"


@pytest.mark.parametrize("command", [
    [], ["extract"], ["models"], ["evaluate"], ["review"], ["train"],
    ["train", "claims"], ["train", "direction"], ["train", "ner"], ["train", "vectors"],
])
def test_h_is_help_on_every_command(command):
    short = runner.invoke(app, [*command, "-h"])
    long = runner.invoke(app, [*command, "--help"])
    assert short.exit_code == 0 and long.exit_code == 0
    assert short.stdout == long.stdout
    assert short.stdout.startswith("Usage: ")


@pytest.mark.parametrize("command", [[], ["train"]])
def test_a_bare_group_prints_its_help_and_exits_0(command):
    result = runner.invoke(app, command)
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: ")
    assert "error" not in result.stderr


def test_bare_claimx_through_main_has_no_error_line(capsys):
    from extractor.cli import main

    with pytest.raises(SystemExit) as stop:
        main([])
    assert stop.value.code == 0
    out = capsys.readouterr()
    assert out.out.startswith("Usage: claimx ")
    assert "error:" not in out.err
