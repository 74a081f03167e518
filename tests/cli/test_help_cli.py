"""`baomi --help` and argparse's own errors are Chinese, like every other message."""
from __future__ import annotations

import pytest

from app.cli import main


def test_help_has_chinese_headings(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "用法：" in out and "位置参数" in out and "选项" in out
    assert "positional arguments" not in out and "show this help" not in out


def test_missing_arguments_are_named_in_chinese_exit_4(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["lend", "台账.baomi"])
    assert done.value.code == 4
    err = capsys.readouterr().err
    assert "缺少必需的参数" in err and "the following" not in err


def test_no_display_says_so_in_chinese_instead_of_a_qt_abort(monkeypatch, capsys) -> None:
    import sys
    monkeypatch.setattr(sys, "platform", "linux")
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    assert main([]) == 5
    captured = capsys.readouterr()
    assert "没有可用的图形显示" in captured.err and "用法：" in captured.out
