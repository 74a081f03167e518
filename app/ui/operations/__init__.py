"""The one door from a screen to the ledger, after Anki's aqt/operations.

A screen never writes: it calls a tiny function of `operations.movements`,
`operations.people` or `operations.devices`, which wraps one ledger call in a
`LedgerOp`, and runs it:

    movements.lend(number=n, borrower=b, approver=a) \\
        .success(self.saved).failure(self.show_refusal).run_in_background(parent=self, reg=self.reg)

`LedgerOp` runs the call on the single register worker (app/ui/worker.py),
shows a busy cursor at once and a progress window when the work takes long,
returns the result on the GUI thread, and reports failures in one place:
a refusal (`BaomiError`: a rule, bad input, a full disk) goes to the
`failure` handler (forms show it inline and keep the input) or to a message
box; anything unexpected becomes one Chinese message box, never a traceback.
After a success it broadcasts a `Changes` record on `hub().changed`, so each
page refreshes only what changed.  `QueryOp` does the same for reads, without
the broadcast; `read()` is the short synchronous read for small lists.

Hazard: a ledger call holds the register's write lock until it returns, and
the lock screen waits for the worker before dropping the key
(`SessionController.lock`): keep each op to one ledger operation.
"""
from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget
from sqlalchemy.orm import Session

from app.errors import BaomiError
from app.ledger import queries
from app.store.register import Register
from app.ui import worker

log = logging.getLogger(__name__)

UNEXPECTED = "发生了意外错误，操作未完成，已保存的内容未受影响。"
PROGRESS_DELAY_MS = 600  # a save that ends sooner shows only the busy cursor


@dataclass(frozen=True)
class Changes:
    """What an operation changed: ledger page keys (app/ui/ledgers.py) and carrier numbers."""

    ledgers: frozenset[str] = frozenset()
    carriers: tuple[str, ...] = ()
    summary: str = ""  # one line for the status bar: 已借出 2026-000123 给 张三

    def touches(self, key: str) -> bool:
        return key in self.ledgers


def changes(ledgers: Iterable[str], carriers: Iterable[str] = (), summary: str = "") -> Changes:
    return Changes(frozenset(ledgers), tuple(carriers), summary)


class OperationHub(QObject):
    """`changed(Changes)` after every successful ledger operation (Anki: operation_did_execute)."""

    changed = Signal(object)


_hub: OperationHub | None = None


def hub() -> OperationHub:
    global _hub
    if _hub is None:
        _hub = OperationHub()
    return _hub


# -- one place for failures -------------------------------------------------------------

_boxes: list[QMessageBox] = []  # open message boxes, kept alive (and visible to tests)


def _box(parent: QWidget | None, icon: QMessageBox.Icon, text: str) -> QMessageBox:
    box = QMessageBox(icon, "保密台账", text, QMessageBox.StandardButton.Ok, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    _boxes.append(box)
    box.finished.connect(lambda _r, b=box: _boxes.remove(b) if b in _boxes else None)
    box.open()  # not exec(): the lock screen must be able to hide it
    return box


def show_error(parent: QWidget | None, error: BaomiError) -> QMessageBox:
    """A refusal nobody handles inline: its Chinese sentence, rule id and source included."""
    return _box(parent, QMessageBox.Icon.Warning, error.message)


def show_unexpected(parent: QWidget | None, error: BaseException) -> QMessageBox:
    """A bug or an unforeseen failure: one sentence for the clerk, the stack for the log.

    Hazard: the exception's text may quote carrier titles or names from SQL
    parameters, so only its type and where it happened are logged, never its
    message nor the source lines.
    """
    frames = traceback.extract_tb(error.__traceback__) if error.__traceback__ else []
    stack = "\n".join(f"  {f.filename}:{f.lineno} in {f.name}" for f in frames)
    log.error("unexpected %s in a ledger operation\n%s", type(error).__name__, stack)
    return _box(parent, QMessageBox.Icon.Critical, UNEXPECTED)


def open_message_boxes() -> list[QMessageBox]:
    return list(_boxes)


# -- the busy indicator -----------------------------------------------------------------

class _Busy:
    """A wait cursor at once; a progress window if the work outlasts PROGRESS_DELAY_MS."""

    def __init__(self, parent: QWidget | None, text: str) -> None:
        self._parent, self._text = parent, text
        self._dialog: QProgressDialog | None = None
        self._timer = QTimer()
        self._timer.setSingleShot(True)
        self._timer.setInterval(PROGRESS_DELAY_MS)
        self._timer.timeout.connect(self._show)
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        self._timer.start()

    def _show(self) -> None:
        dialog = QProgressDialog(self._text, "", 0, 0, self._parent)
        dialog.setCancelButton(None)  # one transaction: it finishes or changes nothing
        dialog.setWindowTitle("保密台账")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.show()
        self._dialog = dialog

    def done(self) -> None:
        self._timer.stop()
        if self._dialog is not None:
            self._dialog.close()
            self._dialog.deleteLater()
            self._dialog = None
        QApplication.restoreOverrideCursor()


_running = 0


def busy() -> bool:
    """Whether an operation is still on the worker (tests wait on this)."""
    return _running > 0


# -- operations ----------------------------------------------------------------------------

class _Op[T]:
    busy_text = "正在处理…"

    def __init__(self) -> None:
        self._on_success: Callable[[T], None] | None = None
        self._on_failure: Callable[[BaomiError], None] | None = None
        self._on_finished: Callable[[], None] | None = None

    def success(self, fn: Callable[[T], None]) -> _Op[T]:
        self._on_success = fn
        return self

    def failure(self, fn: Callable[[BaomiError], None]) -> _Op[T]:
        """Refusals (BaomiError) go here instead of a message box; unexpected errors never do."""
        self._on_failure = fn
        return self

    def finished(self, fn: Callable[[], None]) -> _Op[T]:
        """Called after success or any failure (re-enable a button)."""
        self._on_finished = fn
        return self

    def _call(self, reg: Register) -> T:
        raise NotImplementedError

    def _succeeded(self, result: T) -> None:
        if self._on_success is not None:
            self._on_success(result)

    def run_in_background(self, *, parent: QWidget | None, reg: Register) -> None:
        global _running
        _running += 1
        indicator = _Busy(parent, self.busy_text)

        def end() -> None:
            global _running
            _running -= 1
            indicator.done()
            if self._on_finished is not None:
                self._on_finished()

        def done(result: T) -> None:
            try:
                self._succeeded(result)
            finally:
                end()

        def failed(error: BaseException) -> None:
            try:
                if isinstance(error, BaomiError):
                    if self._on_failure is not None:
                        self._on_failure(error)
                    else:
                        show_error(parent, error)
                else:
                    show_unexpected(parent, error)
            finally:
                end()

        worker.run_in_background(lambda: self._call(reg), done, failed)


class LedgerOp[T](_Op[T]):
    """One ledger write; on success the `Changes` it made are broadcast on `hub().changed`."""

    busy_text = "正在保存…"

    def __init__(self, op: Callable[[Register], T], changes: Callable[[T], Changes]) -> None:
        super().__init__()
        self._op = op
        self._changes = changes

    def _call(self, reg: Register) -> T:
        return self._op(reg)

    def _succeeded(self, result: T) -> None:
        try:
            super()._succeeded(result)
        finally:
            hub().changed.emit(self._changes(result))


class QueryOp[T](_Op[T]):
    """A read that may take a while (a quarter's check list): on the worker, no broadcast."""

    busy_text = "正在读取…"

    def __init__(self, query: Callable[[Session], T]) -> None:
        super().__init__()
        self._query = query

    def _call(self, reg: Register) -> T:
        with queries.reading(reg) as s:
            return self._query(s)


def read[T](reg: Register, fn: Callable[..., T], /, **kwargs: Any) -> T:
    """A short read on the GUI thread (a few people, one carrier): `fn(session, **kwargs)`.

    Reads do not wait for the writer (WAL), so this stays quick while a save runs.
    """
    with queries.reading(reg) as s:
        return fn(s, **kwargs)


__all__ = [
    "UNEXPECTED",
    "Changes",
    "LedgerOp",
    "OperationHub",
    "QueryOp",
    "busy",
    "changes",
    "hub",
    "open_message_boxes",
    "read",
    "show_error",
    "show_unexpected",
]
