"""The sign-in dialog: user name and password, the foundation's messages word for word.

Signing in derives a key (about a second), so it runs on the register
worker with a busy bar.  When the password must be changed (expired, first
sign-in, reset) the forced change dialog follows; cancelling it leaves.

Hazard: this dialog is the first window of the program, so this module imports
only PySide6 and small app modules.  The ledger (SQLAlchemy, the models, the
key derivation) is imported by the sign-in itself, on the worker; the imports
are warmed in the background while the clerk types (app.ui.warmup).  Keep
`app.ledger` / `app.store` imports out of the module level (figure 2).
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                               QProgressBar, QVBoxLayout, QWidget)

from app.clock import Clock, SystemClock
from app.errors import BaomiError
from app.ui import warmup, worker
from app.ui.style import CENTRED

if TYPE_CHECKING:
    from PySide6.QtGui import QShowEvent

    from app.store.register import Register
    from app.ui.password_change import ChangePasswordDialog


def centre(label: QLabel) -> None:
    """Centre a label through the style sheet (style.CENTRED).

    Not label.setAlignment(Qt.AlignmentFlag.AlignCenter): the first use of PySide6's
    `Qt` namespace builds all of its enums, about 60 ms of the first window's start.
    """
    label.setProperty(CENTRED, True)


def sign_in_on_worker(path: Path, user: str, password: str, clock: Clock) -> Register:
    """The sign-in proper (runs on the register worker): import the ledger, derive, open."""
    warmup.wait()  # one importer at a time: never two threads inside the same imports
    from app.ledger import accounts
    return accounts.sign_in(path, user, password, clock=clock, allow_password_change=True)


class SignInDialog(QDialog):
    def __init__(self, path: Path, *, clock: Clock | None = None, username: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.clock = clock or SystemClock()
        self.reg: Register | None = None
        self.change_dialog: ChangePasswordDialog | None = None
        self.setWindowTitle(self.tr("保密台账 — 登录"))
        self.setMinimumWidth(440)

        heading = QLabel(self.tr("保密台账"))
        heading.setObjectName("dialogTitle")
        sub = QLabel(self.tr("涉密载体登记簿 · 登记簿文件：%1").replace("%1", self.path.name))
        sub.setObjectName("pageHint")
        sub.setToolTip(str(self.path))
        warn = QLabel(self.tr("输入口令时请确认无他人在旁（R52）。"))
        warn.setObjectName("rulesText")
        for label in (heading, sub, warn):
            centre(label)

        self.username = QLineEdit(username)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        for w in (self.username, self.password):
            w.setMinimumHeight(32)
        form = QFormLayout()
        form.addRow(self.tr("用户名"), self.username)
        form.addRow(self.tr("口令"), self.password)

        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(6)
        self.busy.hide()
        self.error = QLabel()
        self.error.setObjectName("errorText")
        self.error.setWordWrap(True)
        self.error.hide()

        # Set after construction: QDialogButtonBox(buttons) makes PySide6 weigh the
        # Qt.Orientation overload, which builds the whole `Qt` namespace (see centre).
        self.buttons = QDialogButtonBox()
        self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("登录"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("退出"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(sub)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addWidget(self.busy)
        layout.addWidget(self.error)
        layout.addWidget(warn)
        layout.addWidget(self.buttons)
        (self.password if username else self.username).setFocus()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # After the first paint is queued: the ledger's imports load while the clerk types.
        warmup.start_after_paint()

    def submit(self) -> None:
        if self.busy.isVisible():
            return
        user, pw = self.username.text().strip(), self.password.text()
        if not user or not pw:
            self._show_error(self.tr("请输入用户名和口令。"))
            return
        self.error.hide()
        self.busy.show()
        self.buttons.setEnabled(False)
        path, clock = self.path, self.clock
        worker.run_in_background(lambda: sign_in_on_worker(path, user, pw, clock),
                                 self._signed_in, self._failed)

    def _show_error(self, text: str) -> None:
        self.busy.hide()
        self.buttons.setEnabled(True)
        self.error.setText(text)
        self.error.show()

    def _failed(self, error: BaseException) -> None:
        self.password.clear()
        self.password.setFocus()
        if isinstance(error, BaomiError):
            self._show_error(error.message)
        else:
            self._show_error(self.tr("无法登录：%1").replace("%1", str(error)))

    def _signed_in(self, reg: Register) -> None:
        self.busy.hide()
        self.password.clear()
        self.reg = reg
        reason = reg.sign_in_info.get("must_change")
        if not reason:
            self.accept()
            return
        from app.ui.password_change import ChangePasswordDialog
        self.change_dialog = ChangePasswordDialog(reg, reason=reason, parent=self)
        self.change_dialog.accepted.connect(self.accept)
        self.change_dialog.rejected.connect(self._change_refused)
        self.change_dialog.open()

    def _change_refused(self) -> None:
        # The change cannot be skipped (R51): leaving it leaves the program.
        if self.reg is not None:
            self.reg.close()
            self.reg = None
        self.reject()
