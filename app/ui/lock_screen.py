"""The lock screen (R53): every window hidden, the signed-in account's password asked.

It only collects the password and shows the outcome; the session controller
unlocks off the GUI thread and tells it what happened.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QLineEdit, QProgressBar, QPushButton,
                               QVBoxLayout, QWidget)


class LockScreen(QWidget):
    unlock_requested = Signal(str)

    def __init__(self, *, unit: str, account: str, roles: str) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.setObjectName("lockScreen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setWindowTitle(self.tr("保密台账 — 已锁定"))
        self.setMinimumSize(720, 480)

        card = QFrame()
        card.setObjectName("lockCard")
        card.setFixedWidth(460)
        title = QLabel(self.tr("保密台账已锁定"))
        title.setObjectName("dialogTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        unit_label = QLabel(unit)
        unit_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        who = QLabel(self.tr("当前账户：%1（%2）").replace("%1", account).replace("%2", roles))
        who.setAlignment(Qt.AlignmentFlag.AlignCenter)
        rule = QLabel(self.tr("离开不足一小时，请输入口令回到工作界面；一小时以上无操作，"
                              "程序将保存未完成的表单并自动退出（保密制度汇编 十一、（一）3）。"))
        rule.setObjectName("rulesText")
        rule.setWordWrap(True)

        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("口令"))
        self.password.setMinimumHeight(34)
        self.password.returnPressed.connect(self._submit)
        self.unlock_button = QPushButton(self.tr("解锁"))
        self.unlock_button.setDefault(True)
        self.unlock_button.setMinimumHeight(34)
        self.unlock_button.clicked.connect(self._submit)
        row = QHBoxLayout()
        row.addWidget(self.password, 1)
        row.addWidget(self.unlock_button)

        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # indeterminate: the key derivation takes about a second
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(6)
        self.busy.hide()
        self.error = QLabel()
        self.error.setObjectName("errorText")
        self.error.setWordWrap(True)
        self.error.hide()

        inner = QVBoxLayout(card)
        inner.setContentsMargins(32, 28, 32, 28)
        inner.setSpacing(12)
        for w in (title, unit_label, who, rule):
            inner.addWidget(w)
        inner.addSpacing(6)
        inner.addLayout(row)
        inner.addWidget(self.busy)
        inner.addWidget(self.error)

        outer = QVBoxLayout(self)
        outer.addStretch(1)
        centre = QHBoxLayout()
        centre.addStretch(1)
        centre.addWidget(card)
        centre.addStretch(1)
        outer.addLayout(centre)
        outer.addStretch(2)

    def _submit(self) -> None:
        if not self.password.text() or self.busy.isVisible():
            return
        self.set_busy(True)
        self.error.hide()
        self.unlock_requested.emit(self.password.text())

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.password.setEnabled(not busy)
        self.unlock_button.setEnabled(not busy)

    def show_error(self, message: str) -> None:
        self.set_busy(False)
        self.password.clear()
        self.error.setText(message)
        self.error.show()
        self.password.setFocus()

    def reset(self) -> None:
        self.set_busy(False)
        self.password.clear()
        self.error.hide()
        self.password.setFocus()

    def closeEvent(self, event: QCloseEvent) -> None:
        # Closing the lock screen must not reveal anything: the only way out is the password.
        if self.property("allow_close"):
            event.accept()
        else:
            event.ignore()
