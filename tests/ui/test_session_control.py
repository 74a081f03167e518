"""The idle lock and the one-hour rule (R53), driven by a FakeClock: no test sleeps."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QSpinBox, QVBoxLayout
from sqlalchemy import select

from app.clock import FakeClock
from app.errors import AccountLocked, WrongCredentials
from app.ledger import accounts, session, settings
from app.models.journal import JournalEntry
from app.ui import prefs
from app.ui.form_base import LedgerForm, register_form
from app.ui.main_window import MainWindow, open_main_window
from ui_values import CLERK, CLERK_PW

pytestmark = pytest.mark.usefixtures("ui_app")


@register_form
class NoteForm(LedgerForm):
    """A stand-in movement form until the ledger's forms exist."""

    form_name = "测试登记"

    def __init__(self, reg, parent=None) -> None:
        super().__init__(reg, parent)
        self.title = QLineEdit()
        self.copies = QSpinBox()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        layout = QVBoxLayout(self)
        for w in (self.title, self.copies, self.password):
            layout.addWidget(w)
        self.fields = {"标题": self.title, "份数": self.copies, "批准口令": self.password}
        self.mark_clean()


class Runner:
    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, args) -> bool:
        self.calls.append(list(args))
        return True


def actions(reg) -> list[str]:
    with reg.read() as s:
        return list(s.scalars(select(JournalEntry.action).order_by(JournalEntry.seq)))


def start(qtbot, path: Path, clock: FakeClock, runner: Runner | None = None) -> MainWindow:
    reg = accounts.sign_in(path, CLERK, CLERK_PW, clock=clock)
    window = open_main_window(reg, clock=clock, power_off_runner=runner, tick_ms=3_600_000)
    # closed by the ui_app fixture, after forms are marked clean (no question dialog)
    window.show()
    qtbot.waitExposed(window)
    return window


def idle(window: MainWindow, clock: FakeClock, **delta: float) -> None:
    clock.advance(**delta)
    window.controller.watcher.tick()


def unlock(qtbot, window: MainWindow, password: str) -> None:
    screen = window.controller.lock_screen
    screen.password.setText(password)
    screen.unlock_button.click()
    qtbot.waitUntil(lambda: not screen.busy.isVisible(), timeout=10000)


def test_locks_at_the_configured_minutes_and_not_before_R53(qtbot, register_path, clock) -> None:
    window = start(qtbot, register_path, clock)
    ctl = window.controller
    idle(window, clock, minutes=9, seconds=59)
    assert not ctl.is_locked and window.isVisible()
    idle(window, clock, seconds=1)
    assert ctl.is_locked
    assert not window.isVisible() and ctl.lock_screen.isVisible()
    assert session.is_locked(window.reg)  # the data key is gone


def test_the_minutes_come_from_the_register(qtbot, register_path, clock) -> None:
    reg = accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock)
    with reg.operation("修改设置") as s:
        settings.put(s, "idle_minutes", 3)
    reg.close()
    window = start(qtbot, register_path, clock)
    idle(window, clock, minutes=2)
    assert not window.controller.is_locked
    idle(window, clock, minutes=1)
    assert window.controller.is_locked


def test_input_resets_the_watcher_R53(qtbot, register_path, clock) -> None:
    window = start(qtbot, register_path, clock)
    idle(window, clock, minutes=9)
    QTest.keyClick(window.current_page().search_box, Qt.Key.Key_A)
    idle(window, clock, minutes=9)
    assert not window.controller.is_locked
    QTest.mouseClick(window.current_page().table.viewport(), Qt.MouseButton.LeftButton)
    idle(window, clock, minutes=9)
    assert not window.controller.is_locked
    idle(window, clock, minutes=1)
    assert window.controller.is_locked


def test_ctrl_l_locks_at_once_R53(qtbot, register_path, clock) -> None:
    window = start(qtbot, register_path, clock)
    window.activateWindow()
    QTest.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.controller.is_locked
    assert "锁定" in actions_after_unlock(qtbot, window)


def actions_after_unlock(qtbot, window: MainWindow) -> list[str]:
    unlock(qtbot, window, CLERK_PW)
    return actions(window.reg)


def test_the_toolbar_button_locks(qtbot, register_path, clock) -> None:
    window = start(qtbot, register_path, clock)
    window.lock_action.trigger()
    assert window.controller.is_locked


def test_unlock_with_the_accounts_password(qtbot, register_path, clock) -> None:
    window = start(qtbot, register_path, clock)
    window.lock_now()
    unlock(qtbot, window, "Falsch#2026ab")
    screen = window.controller.lock_screen
    assert screen.error.text() == WrongCredentials().message
    assert window.controller.is_locked and screen.password.text() == ""
    unlock(qtbot, window, CLERK_PW)
    assert not window.controller.is_locked
    assert window.isVisible() and not screen.isVisible()
    assert not session.is_locked(window.reg)
    log = actions(window.reg)
    # The failure while locked was carried into the journal when the key came back.
    assert log[-3:] == ["锁定", "登录失败", "解锁"]
    # The watcher starts afresh after unlocking.
    idle(window, clock, minutes=9)
    assert not window.controller.is_locked


def test_five_wrong_passwords_at_the_lock_screen_lock_the_account(qtbot, register_path, clock) -> None:
    window = start(qtbot, register_path, clock)
    window.lock_now()
    for _ in range(5):
        unlock(qtbot, window, "Falsch#2026ab")
    assert window.controller.lock_screen.error.text() == AccountLocked(30).message
    unlock(qtbot, window, CLERK_PW)
    assert window.controller.is_locked


def test_a_lock_keeps_form_input_and_unlock_retires_the_draft(qtbot, register_path, clock) -> None:
    window = start(qtbot, register_path, clock)
    form = NoteForm(window.reg, window)
    form.show()
    form.title.setText("关于保密检查的通知")
    window.lock_now()
    assert not form.isVisible()
    assert len(window.controller._lock_drafts) == 1
    unlock(qtbot, window, CLERK_PW)
    assert form.isVisible() and form.title.text() == "关于保密检查的通知"
    assert session.pending_drafts(window.reg) == []  # the form itself still holds the input


def test_the_hour_while_locked_ends_the_session_and_the_draft_comes_back_R53(
        qtbot, register_path, clock) -> None:
    runner = Runner()
    window = start(qtbot, register_path, clock, runner)
    form = NoteForm(window.reg, window)
    form.show()
    form.title.setText("关于保密检查的通知")
    form.copies.setValue(3)
    form.password.setText("never kept")
    idle(window, clock, minutes=10)
    assert window.controller.is_locked
    idle(window, clock, minutes=49, seconds=59)
    assert not window.controller.has_ended
    idle(window, clock, seconds=1)
    assert window.controller.has_ended
    assert not window.isVisible() and not window.controller.lock_screen.isVisible()
    assert runner.calls == []  # powering off is off by default
    # The register is closed: the next sign-in works and offers the draft back.
    reg = accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock)
    log = actions(reg)
    assert "会话超时" in log and "强制退出" in log and log.index("会话超时") > log.index("锁定")
    window2 = open_main_window(reg, clock=clock, tick_ms=3_600_000)
    window2.show()
    dialog = window2.offer_drafts()
    assert dialog is not None and dialog.isVisible()
    dialog.restore_button.click()
    (restored,) = dialog.restored
    assert isinstance(restored, NoteForm)
    assert restored.title.text() == "关于保密检查的通知" and restored.copies.value() == 3
    assert restored.password.text() == ""  # a password is never drafted
    assert session.pending_drafts(reg) == []  # offered once
    assert window2.offer_drafts() is None


def test_the_hour_while_unlocked_writes_the_draft_itself_R53(qtbot, register_path, clock) -> None:
    reg = accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock)
    with reg.operation("修改设置") as s:
        settings.put(s, "idle_minutes", 60)  # lock and end fall on the same minute
    reg.close()
    window = start(qtbot, register_path, clock)
    form = NoteForm(window.reg, window)
    form.show()
    form.title.setText("未完成的登记")
    idle(window, clock, minutes=60)
    assert window.controller.has_ended and not window.controller.is_locked
    assert not form.isVisible()
    reg = accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock)
    (draft,) = session.pending_drafts(reg)
    assert draft.form == "测试登记" and draft.data["标题"] == "未完成的登记"
    reg.close()


def test_the_power_off_stand_in_is_called_when_enabled_R53(qtbot, register_path, clock) -> None:
    prefs.set_power_off_enabled(True)
    runner = Runner()
    window = start(qtbot, register_path, clock, runner)
    idle(window, clock, minutes=60)
    assert window.controller.has_ended
    assert runner.calls == [prefs.power_off_command().split()]
    reg = accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock)
    with reg.read() as s:
        body = s.scalars(select(JournalEntry.body).where(JournalEntry.action == "强制退出")).one()
    assert '"power_off":true' in body.replace(" ", "")
    reg.close()
