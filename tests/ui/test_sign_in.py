"""Sign-in: the foundation's messages word for word, lock-out, the forced password change."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel

from app.clock import FakeClock
from app.errors import AccountLocked, WrongCredentials
from app.ledger import accounts
from app.ui.password_change import REASONS
from app.ui.sign_in import SignInDialog
from ui_values import ADMIN, ADMIN_PW, CLERK, CLERK_PW

pytestmark = pytest.mark.usefixtures("ui_app")


def make_dialog(qtbot, path: Path, clock: FakeClock) -> SignInDialog:
    dialog = SignInDialog(path, clock=clock)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def attempt(qtbot, dialog: SignInDialog, user: str, password: str) -> None:
    dialog.username.setText(user)
    dialog.password.setText(password)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: not dialog.busy.isVisible(), timeout=10000)


def test_right_password_signs_in(qtbot, register_path: Path, clock: FakeClock) -> None:
    dialog = make_dialog(qtbot, register_path, clock)
    attempt(qtbot, dialog, CLERK, CLERK_PW)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.reg is not None and dialog.reg.actor == CLERK
    assert dialog.password.text() == ""
    dialog.reg.close()


def test_wrong_password_message(qtbot, register_path: Path, clock: FakeClock) -> None:
    dialog = make_dialog(qtbot, register_path, clock)
    attempt(qtbot, dialog, CLERK, "Falsch#2026ab")
    assert dialog.error.text() == WrongCredentials().message == "用户名或密码错误。"
    assert dialog.error.isVisible() and dialog.reg is None
    assert dialog.password.text() == ""
    attempt(qtbot, dialog, "nobody", "Falsch#2026ab")  # an unknown name says the same
    assert dialog.error.text() == WrongCredentials().message


def test_five_failures_lock_the_account(qtbot, register_path: Path, clock: FakeClock) -> None:
    dialog = make_dialog(qtbot, register_path, clock)
    for _ in range(4):
        attempt(qtbot, dialog, CLERK, "Falsch#2026ab")
        assert dialog.error.text() == WrongCredentials().message
    attempt(qtbot, dialog, CLERK, "Falsch#2026ab")
    assert dialog.error.text() == AccountLocked(30).message
    assert "30 分钟" in dialog.error.text()
    # Even the right password is refused while locked, with the minutes left.
    clock.advance(minutes=10)
    attempt(qtbot, dialog, CLERK, CLERK_PW)
    assert dialog.error.text() == AccountLocked(20).message
    assert dialog.reg is None


def test_expired_password_forces_a_change(qtbot, register_path: Path, clock: FakeClock) -> None:
    clock.advance(days=31)  # a 秘密 register's passwords last 30 days (R51)
    dialog = make_dialog(qtbot, register_path, clock)
    attempt(qtbot, dialog, CLERK, CLERK_PW)
    change = dialog.change_dialog
    assert change is not None and change.isVisible()
    assert change.reason_label.text() == REASONS["已过期"]
    assert change.buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "退出程序"
    assert dialog.result() != QDialog.DialogCode.Accepted
    # A reused password is refused with the rule; the dialog keeps asking.
    change.old.setText(CLERK_PW)
    change.new.setText(CLERK_PW)
    change.repeat.setText(CLERK_PW)
    change.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: change.error.isVisible(), timeout=10000)
    assert "最近 5 次" in change.error.text() and "R51" in change.error.text()
    change.new.setText("Xinde#2026abc")
    change.repeat.setText("Xinde#2026abc")
    change.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=10000)
    assert dialog.reg.sign_in_info["must_change"] == ""
    dialog.reg.close()
    accounts.sign_in(register_path, CLERK, "Xinde#2026abc", clock=clock).close()


def test_the_forced_change_cannot_be_skipped(qtbot, register_path: Path, clock: FakeClock) -> None:
    clock.advance(days=31)
    dialog = make_dialog(qtbot, register_path, clock)
    attempt(qtbot, dialog, CLERK, CLERK_PW)
    dialog.change_dialog.reject()
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert dialog.reg is None
    # The register was closed: it can be opened again at once.
    accounts.sign_in(register_path, ADMIN, ADMIN_PW, clock=clock, allow_password_change=True).close()


def test_mismatched_new_passwords(qtbot, register_path: Path, clock: FakeClock) -> None:
    clock.advance(days=31)
    dialog = make_dialog(qtbot, register_path, clock)
    attempt(qtbot, dialog, CLERK, CLERK_PW)
    change = dialog.change_dialog
    change.old.setText(CLERK_PW)
    change.new.setText("Xinde#2026abc")
    change.repeat.setText("Xinde#2026abd")
    change.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert change.error.text() == "两次输入的新口令不一致。"
    dialog.change_dialog.reject()


def test_a_reset_password_must_be_changed(qtbot, register_path: Path, clock: FakeClock,
                                          admin_reg) -> None:
    accounts.reset_password(admin_reg, CLERK, "Linshi#2026ab")
    admin_reg.close()
    dialog = make_dialog(qtbot, register_path, clock)
    attempt(qtbot, dialog, CLERK, "Linshi#2026ab")
    assert dialog.change_dialog.reason_label.text() == REASONS["管理员重置"]
    dialog.change_dialog.reject()


def test_heading_and_warning_are_centred(qtbot, register_path: Path, clock: FakeClock) -> None:
    """Centred by the style sheet (style.CENTRED), not through PySide6's costly `Qt` namespace."""
    dialog = make_dialog(qtbot, register_path, clock)
    labels = {label.text(): label for label in dialog.findChildren(QLabel)}
    for text in ("保密台账", "输入口令时请确认无他人在旁（R52）。"):
        assert labels[text].alignment() == Qt.AlignmentFlag.AlignCenter
    assert labels["用户名"].alignment() != Qt.AlignmentFlag.AlignCenter
    assert not dialog.error.alignment() & Qt.AlignmentFlag.AlignHCenter
