"""One background worker for the register: slow calls run off the GUI thread.

SQLite has one writer and Argon2 takes about half a second per key, so
every call that touches the register or derives a key goes through this
single-thread pool.  Results come back by queued signal to a QObject that
lives on the GUI thread; the worker never touches a widget.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

_pool: QThreadPool | None = None
# Relays stay referenced until their result has been delivered.
_live: set["_Relay"] = set()


def pool() -> QThreadPool:
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(1)  # one writer, in order
    return _pool


class _Relay(QObject):
    """Created on the GUI thread, so its slots run there (queued from the worker)."""

    done = Signal(object)
    failed = Signal(object)

    def __init__(self, on_done: Callable[[Any], None],
                 on_error: Callable[[BaseException], None]) -> None:
        super().__init__()
        self._on_done, self._on_error = on_done, on_error
        self.done.connect(self._deliver_done)
        self.failed.connect(self._deliver_error)

    @Slot(object)
    def _deliver_done(self, result: Any) -> None:
        _live.discard(self)
        self._on_done(result)

    @Slot(object)
    def _deliver_error(self, error: BaseException) -> None:
        _live.discard(self)
        self._on_error(error)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._fn, self._relay = fn, relay

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as e:  # noqa: BLE001 - every failure goes to on_error
            self._relay.failed.emit(e)
        else:
            self._relay.done.emit(result)


def run_in_background(fn: Callable[[], Any], on_done: Callable[[Any], None],
                      on_error: Callable[[BaseException], None]) -> None:
    """Run `fn()` on the register worker; call `on_done(result)` or `on_error(exc)` on the GUI thread."""
    relay = _Relay(on_done, on_error)
    _live.add(relay)
    pool().start(_Task(fn, relay))


def wait_idle(msecs: int = 30000) -> bool:
    """Block until queued work is finished (closing the app, tests)."""
    return pool().waitForDone(msecs)
