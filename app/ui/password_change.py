"""Changing one's own password (R51, R52, R56); forced after expiry, a first sign-in or a reset.

A forced change cannot be skipped: its cancel button says 退出程序, and the
sign-in treats a cancel as leaving the program.
"""
from __future__ import annotations

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                               QProgressBar, QVBoxLayout, QWidget)

from app.errors import BaomiError, WrongCredentials
from app.ledger import accounts, session
from app.store.register import Register
from app.ui import worker

REASONS = {
    "已过期": "您的口令已超过最长使用期限，须设置新口令后才能继续（保密制度汇编 十一、（一）2）。",
    "首次登录": "首次登录须将系统管理员设置的初始口令改为只有您本人知道的口令。",
    "管理员重置": "您的口令已被系统管理员重置，须设置新口令后才能继续。",
}


class ChangePasswordDialog(QDialog):
    def __init__(self, reg: Register, *, reason: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reg = reg
        self.forced = bool(reason)
        self.setWindowTitle(self.tr("修改口令"))
        self.setMinimumWidth(460)

        heading = QLabel(self.tr("修改口令"))
        heading.setObjectName("dialogTitle")
        self.reason_label = QLabel(REASONS.get(reason, reason))
        self.reason_label.setWordWrap(True)
        self.reason_label.setVisible(bool(reason))

        self.old = QLineEdit()
        self.new = QLineEdit()
        self.repeat = QLineEdit()
        for w in (self.old, self.new, self.repeat):
            w.setEchoMode(QLineEdit.EchoMode.Password)
            w.setMinimumHeight(30)
        form = QFormLayout()
        form.addRow(self.tr("原口令"), self.old)
        form.addRow(self.tr("新口令"), self.new)
        form.addRow(self.tr("再次输入新口令"), self.repeat)

        rules = QLabel(session.register_rules_text(reg))
        rules.setObjectName("rulesText")
        rules.setWordWrap(True)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(6)
        self.busy.hide()
        self.error = QLabel()
        self.error.setObjectName("errorText")
        self.error.setWordWrap(True)
        self.error.hide()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("修改口令"))
        if self.forced:
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("退出程序"))
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(self.reason_label)
        layout.addLayout(form)
        layout.addWidget(rules)
        layout.addWidget(self.busy)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def _show_error(self, text: str) -> None:
        self.busy.hide()
        self.buttons.setEnabled(True)
        self.error.setText(text)
        self.error.show()

    def _submit(self) -> None:
        if self.busy.isVisible():
            return
        if not self.old.text() or not self.new.text():
            self._show_error(self.tr("请输入原口令和新口令。"))
            return
        if self.new.text() != self.repeat.text():
            self._show_error(self.tr("两次输入的新口令不一致。"))
            self.repeat.clear()
            return
        old, new = self.old.text(), self.new.text()
        self.error.hide()
        self.busy.show()
        self.buttons.setEnabled(False)
        worker.run_in_background(lambda: accounts.change_password(self.reg, old, new),
                                 lambda _r: self._done(), self._failed)

    def _done(self) -> None:
        self.busy.hide()
        for w in (self.old, self.new, self.repeat):
            w.clear()
        self.accept()

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, BaomiError):
            text = error.message
            if isinstance(error, WrongCredentials):
                text = self.tr("原口令不正确。")
        else:
            text = self.tr("修改口令失败：%1").replace("%1", str(error))
        self._show_error(text)
