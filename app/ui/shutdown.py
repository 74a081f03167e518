"""Powering the computer off after an hour without input (R53), when switched on.

The command is the operating system's own, configurable in the preferences;
tests pass a stand-in runner instead of a real shutdown.
"""
from __future__ import annotations

import shlex
from collections.abc import Callable, Sequence

from PySide6.QtCore import QProcess

Runner = Callable[[Sequence[str]], bool]


def run_detached(args: Sequence[str]) -> bool:
    """Start the command and do not wait: this program is about to exit."""
    return bool(QProcess.startDetached(args[0], list(args[1:]))[0]) if args else False


def power_off(command: str, runner: Runner | None = None) -> bool:
    args = shlex.split(command, posix=True)
    if not args:
        return False
    return (runner or run_detached)(args)
