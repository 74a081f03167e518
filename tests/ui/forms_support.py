"""Helpers of the movement form tests (imported by name: tests/ui is on sys.path)."""
from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from shiboken6 import isValid
from sqlalchemy import select

from app.ledger.carriers import NewCarrier, receive
from app.models.carriers import Carrier
from app.models.movements import Movement
from app.store.journaling import head
from app.ui import worker
from app.ui.form_base import LedgerForm
from app.ui.forms.base import MovementForm

MON = date(2026, 11, 2)


@pytest.fixture
def close_forms(ui_app):
    """Delete the forms before ui_app's clean-up deletes every top-level widget.

    Hazard: that clean-up also deletes Qt's own popups (a completer's list, a
    combo box's drop-down), and a popup deleted before the widget that owns it
    crashes the process when the owner is deleted.  A form deleted first takes
    its popups with it.
    """
    yield
    worker.wait_idle()
    QCoreApplication.processEvents()  # deliver the last results
    for w in QApplication.topLevelWidgets():
        if isinstance(w, LedgerForm) and isValid(w):
            w.mark_clean()
            w.setProperty("session_ended", True)
            w.saving = False
            w.close()
            w.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def at(hh: int, mm: int = 0) -> datetime:
    return datetime(MON.year, MON.month, MON.day, hh, mm)


def new(reg, level: str = "秘密", **more) -> str:
    """A carrier received this morning (8:30), in the room."""
    serial = more.pop("serial", "001" if level in ("机密", "绝密") else "")
    [n] = receive(reg, NewCarrier(title="关于做好年度保密检查的通知", level=level, issuer="市保密局",
                                  serial=serial, **more), at=at(8, 30))
    return n


def carrier(reg, number: str) -> Carrier:
    with reg.read() as s:
        c = s.scalars(select(Carrier).where(Carrier.number == number)).one()
        s.expunge(c)
        return c


def movements(reg, number: str, kind: str | None = None) -> list[Movement]:
    with reg.read() as s:
        cid = s.scalars(select(Carrier.id).where(Carrier.number == number)).one()
        q = select(Movement).where(Movement.carrier_id == cid).order_by(Movement.id)
        if kind:
            q = q.where(Movement.kind == kind)
        rows = list(s.scalars(q))
        for m in rows:
            s.expunge(m)
        return rows


def detail(m: Movement) -> dict:
    return json.loads(m.detail)


def journal_head(reg) -> tuple[int, str]:
    with reg.read() as s:
        return head(s)


def show(qtbot, form: MovementForm) -> MovementForm:
    form.show()
    qtbot.waitExposed(form)
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow, timeout=5000)
    return form


def closed(form: QWidget) -> bool:
    """Closed (a saved or cancelled form deletes itself)."""
    return not isValid(form) or not form.isVisible()


def open_form(qtbot, cls: type[MovementForm], reg) -> MovementForm:
    return show(qtbot, cls(reg))


class Outcome:
    """What a save ended with: `saved` (the ledger's result) or `refused` (the error)."""

    def __init__(self, form: MovementForm) -> None:
        self.saved: list = []
        self.refused: list = []
        form.saved.connect(self.saved.append)
        form.refused.connect(self.refused.append)

    @property
    def done(self) -> bool:
        return bool(self.saved or self.refused)


def save(qtbot, form: MovementForm, *, key: bool = False) -> Outcome:
    """Save (by the button, or by Enter in the focused field) and wait for the worker."""
    outcome = Outcome(form)
    if key:
        QTest.keyClick(QApplication.focusWidget() or form, Qt.Key.Key_Return)
    else:
        form.save()
    qtbot.waitUntil(lambda: outcome.done, timeout=10000)
    qtbot.waitUntil(lambda: not form.saving, timeout=10000)
    return outcome


def press(widget: QWidget, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(widget, key, modifier)


def scan(widget: QWidget, number: str) -> None:
    """A barcode scanner: the number typed as keys, then Enter."""
    QTest.keyClicks(widget, number)
    QTest.keyClick(widget, Qt.Key.Key_Return)
