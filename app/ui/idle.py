"""The idle watcher (R53), after KeePassXC's InactivityTimer.

An application-wide event filter notes the time of every key, mouse, wheel
and touch input.  A periodic tick compares the clock with that time: past
the configured minutes it asks for a lock (once per idle stretch), at sixty
minutes it asks for the end of the session.  Time comes from a clock object,
so tests move a FakeClock and call `tick()` instead of waiting an hour.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from app.clock import Clock

END_MINUTES = 60  # R53: away an hour or more: end every operation, shut down
TICK_MS = 5000  # coarse on purpose: a lock five seconds late is harmless

_INPUT = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick, QEvent.Type.MouseMove,
    QEvent.Type.Wheel, QEvent.Type.HoverMove, QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate,
    QEvent.Type.TabletPress, QEvent.Type.ShortcutOverride,
})


class IdleWatcher(QObject):
    lock_due = Signal()
    end_due = Signal()

    def __init__(self, clock: Clock, lock_minutes: int, *, end_minutes: int = END_MINUTES,
                 tick_ms: int = TICK_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._lock_after = timedelta(minutes=max(1, min(lock_minutes, end_minutes)))
        self._end_after = timedelta(minutes=end_minutes)
        self._last_input: datetime = clock.now()
        self._lock_sent = False
        self._end_sent = False
        self._timer = QTimer(self)
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self.tick)
        self._installed = False

    @property
    def lock_minutes(self) -> int:
        return int(self._lock_after.total_seconds() // 60)

    def set_lock_minutes(self, minutes: int) -> None:
        self._lock_after = timedelta(minutes=max(1, min(minutes, int(self._end_after.total_seconds() // 60))))

    def start(self) -> None:
        app = QApplication.instance()
        if app is not None and not self._installed:
            app.installEventFilter(self)
            self._installed = True
        self.reset()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        app = QApplication.instance()
        if app is not None and self._installed:
            app.removeEventFilter(self)
            self._installed = False

    def reset(self) -> None:
        self._last_input = self._clock.now()
        self._lock_sent = False

    def idle_for(self) -> timedelta:
        return self._clock.now() - self._last_input

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Called for every event of the application: keep it cheap, never consume.
        if event.type() in _INPUT:
            self._last_input = self._clock.now()
            self._lock_sent = False
        return False

    def tick(self) -> None:
        idle = self.idle_for()
        if idle >= self._end_after:
            if not self._end_sent:
                self._end_sent = True
                self._timer.stop()
                self.end_due.emit()
        elif idle >= self._lock_after and not self._lock_sent:
            self._lock_sent = True
            self.lock_due.emit()
