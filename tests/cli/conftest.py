"""Run `baomi` in-process: stdin lines, the test's FakeClock, captured output."""
from __future__ import annotations

import io
import sys
from collections.abc import Callable
from dataclasses import dataclass

import pytest

import app.cli.common
from app.cli import main
from app.clock import FakeClock


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def baomi(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
          clock: FakeClock) -> Callable[..., Run]:
    """`baomi(*argv, stdin=[lines])` -> Run; every run is checked to print no traceback."""
    monkeypatch.setattr(app.cli.common, "clock", lambda: clock)

    def run(*argv: object, stdin: list[str] | tuple[str, ...] = ()) -> Run:
        monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{line}\n" for line in stdin)))
        capsys.readouterr()
        try:
            code = main([str(a) for a in argv])
        except SystemExit as e:  # argparse: --help (0) and bad arguments (4)
            code = int(e.code or 0)
        out, err = capsys.readouterr()
        assert "Traceback" not in err and "Traceback" not in out
        return Run(code, out, err)

    return run
