"""Import the signed-in program in the background while the clerk types the password.

The sign-in window comes first and needs only PySide6 (figure 2); the ledger
(SQLAlchemy, the models, the key derivation) and the main window's modules take
about a second to import.  Once the sign-in window is on screen, a daemon thread
imports them, so that pressing 登录 costs the key derivation only.

Hazards:
- Two threads importing the same modules at once can trip the import system's
  deadlock detection (a circular import seen from two threads fails in one of
  them).  Whoever imports the ledger later calls `wait()` first: it waits for
  a running warm-up and stops one from starting afterwards, so there is only
  ever one importer.  The warm-up imports; it never creates a Qt object.
- It starts `START_DELAY_MS` after the window is shown: the first paint and the
  first keystrokes do not compete with it for the interpreter lock.
- A failed import here is ignored: the real import after `wait()` raises it
  where it is reported (the sign-in's error line).
"""
from __future__ import annotations

import importlib
import threading
from collections.abc import Sequence

from PySide6.QtCore import QTimer

# What signing in and the main window need, heaviest first.
MODULES: tuple[str, ...] = ("app.ledger.accounts", "app.ui.main_window")
START_DELAY_MS = 250

_thread: threading.Thread | None = None
_closed = False  # wait() was called: the real imports have begun, no warm-up from now on
_lock = threading.Lock()


def _import_all(modules: Sequence[str]) -> None:
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - reported by the real import after wait()
            return


def start(modules: Sequence[str] = MODULES) -> bool:
    """Begin the warm-up (once per process); False when it had begun, or wait() was called."""
    global _thread
    with _lock:
        if _thread is not None or _closed:
            return False
        _thread = threading.Thread(target=_import_all, args=(tuple(modules),),
                                   name="baomi-warmup", daemon=True)
        _thread.start()
        return True


def start_after_paint(delay_ms: int = START_DELAY_MS) -> None:
    """Begin the warm-up a moment after the first window is shown (see the hazards)."""
    if _thread is None and not _closed:
        QTimer.singleShot(delay_ms, start)


def wait() -> None:
    """Call before importing what the warm-up imports: returns once a running warm-up is
    done, and no warm-up starts after it."""
    global _closed
    with _lock:
        _closed = True
        thread = _thread
    if thread is not None and thread is not threading.current_thread():
        thread.join()


def started() -> bool:
    return _thread is not None
