"""Lock, unlock and the end of the session (R53), in one place like KeePassXC's lock().

The idle watcher says when; this controller does it:
- lock: wait for the register worker, write the open forms' input as drafts
  while the key is still there, journal 锁定, drop the key, hide every window
  behind the lock screen, clear the clipboard;
- unlock: re-derive the key off the GUI thread from the account's keyslot
  (failures count as at sign-in), retire the lock-time drafts (their forms are
  still open with the same input), bring the windows back;
- end (sixty minutes without input, locked or not): drafts, journal, close
  the register, optionally power the computer off, quit.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QWidget

from app.clock import Clock
from app.errors import BaomiError
from app.ledger import session
from app.store.register import Register
from app.ui import prefs, shutdown, worker
from app.ui.form_base import open_forms
from app.ui.idle import IdleWatcher
from app.ui.lock_screen import LockScreen


class SessionController(QObject):
    locked = Signal()
    unlocked = Signal()
    ended = Signal()

    def __init__(self, reg: Register, info: session.SessionInfo, *, clock: Clock,
                 root: QWidget, power_off_runner: shutdown.Runner | None = None,
                 quit_app: Callable[[], None] | None = None, tick_ms: int | None = None) -> None:
        super().__init__(root)
        self.reg = reg
        self.info = info
        self.root = root
        self._runner = power_off_runner
        self._quit = quit_app or (lambda: None)  # the main window's closing quits the app
        kwargs = {"tick_ms": tick_ms} if tick_ms else {}
        self.watcher = IdleWatcher(clock, info.idle_minutes, parent=self, **kwargs)
        self.watcher.lock_due.connect(lambda: self.lock(reason="无操作"))
        self.watcher.end_due.connect(self.end_session)
        self.lock_screen = LockScreen(unit=info.unit, account=reg.actor,
                                      roles="、".join(sorted(reg.roles)))
        self.lock_screen.unlock_requested.connect(self._unlock)
        self._hidden: list[QWidget] = []
        self._lock_drafts: list[int] = []
        self.is_locked = False
        self.has_ended = False
        self.power_off_called = False

    def start(self) -> None:
        self.watcher.start()

    # -- lock ------------------------------------------------------------------------
    def _draft_items(self) -> list[tuple[str, dict]]:
        items = []
        for form in open_forms(self.root):
            data = form.draft_data()
            if data is not None:
                items.append((form.form_name, data))
        return items

    def lock(self, *, reason: str = "手动") -> None:
        if self.is_locked or self.has_ended:
            return
        worker.wait_idle()  # a running save finishes before the key goes
        try:
            self._lock_drafts = session.save_drafts(self.reg, self._draft_items())
            session.lock(self.reg, reason=reason)
        except BaomiError:
            # The journal could not be written (disk full ...): lock all the same.
            self.reg.drop_keys()
        self.is_locked = True
        self._hidden = [w for w in QApplication.topLevelWidgets()
                        if w.isVisible() and w is not self.lock_screen]
        for w in self._hidden:
            w.hide()
        QApplication.clipboard().clear()
        self.lock_screen.reset()
        self.lock_screen.showMaximized()
        self.lock_screen.raise_()
        self.lock_screen.activateWindow()
        self.locked.emit()

    # -- unlock ------------------------------------------------------------------------
    def _unlock(self, password: str) -> None:
        ids = tuple(self._lock_drafts)
        worker.run_in_background(
            lambda: session.unlock(self.reg, password, retire_drafts=ids),
            lambda _r: self._unlocked(), self._unlock_failed)

    def _unlocked(self) -> None:
        if self.has_ended:
            return
        self.is_locked = False
        self._lock_drafts = []
        self.lock_screen.reset()
        self.lock_screen.hide()
        for w in self._hidden:
            w.show()
        self._hidden = []
        self.watcher.reset()
        self.unlocked.emit()

    def _unlock_failed(self, error: BaseException) -> None:
        message = error.message if isinstance(error, BaomiError) else self.tr("解锁失败：%1").replace(
            "%1", str(error))
        self.lock_screen.show_error(message)

    # -- the hour -------------------------------------------------------------------------
    def end_session(self) -> None:
        """Sixty minutes without input: keep the input, close the register, exit (R53)."""
        if self.has_ended:
            return
        self.has_ended = True
        self.watcher.stop()
        worker.wait_idle()
        power_off = prefs.power_off_enabled()
        try:
            if self.is_locked:
                session.end_locked_session(self.reg, power_off=power_off)
            else:
                session.end_session(self.reg, drafts=self._draft_items(),
                                    idle_minutes=self.watcher.lock_minutes, power_off=power_off)
        except BaomiError:
            self.reg.close()  # keys go whatever happened
        for form in open_forms(self.root):
            form.setProperty("session_ended", True)
            form.close()
        self.lock_screen.setProperty("allow_close", True)
        self.lock_screen.close()
        self.ended.emit()
        if power_off:
            self.power_off_called = shutdown.power_off(prefs.power_off_command(), self._runner)
        self._quit()
