"""日志: the hash-chained journal for the inspector, with 核验 (verify) (R54).

Only the inspector's navigation has this page (三员分立: the account
administrator never reviews the journal; app/ui/ledgers.py).  核验 runs
`app.ledger.verify.verify` on the register worker, off the GUI thread, with a
progress dialog that can be cancelled; it recomputes the chain, replays it
against the ledger tables and, when the inspector types the checkpoint printed
on pages they signed, proves the chain still passes through it.
"""
from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QProgressDialog,
                               QPushButton, QWidget)
from shiboken6 import isValid

from app.errors import BaomiError
from app.io.jobs import Cancelled
from app.ledger import verify
from app.store.register import Register
from app.ui import worker
from app.ui.ledger_page import LedgerPage
from app.ui.ledgers import Ledger
from app.ui.sources import journal_source
from app.ui.style import DIALOG_STYLE


class _Progress(QObject):
    """Lives on the GUI thread; the worker emits, Qt queues."""

    moved = Signal(int)


class JournalPage(LedgerPage):
    verified = Signal(object)  # the VerifyReport, or None when cancelled or failed

    def __init__(self, ledger: Ledger, reg: Register, *, read_only: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(ledger, journal_source(reg), read_only=read_only, parent=parent)
        self.reg = reg
        self.report: verify.VerifyReport | None = None
        self.progress_dialog: QProgressDialog | None = None
        self._cancel = threading.Event()

        self.checkpoint_box = QLineEdit()
        self.checkpoint_box.setPlaceholderText(self.tr("检查点（可选），如 1234:0a1b2c3d4e5f"))
        self.checkpoint_box.setToolTip(self.tr("已签字的打印页脚注中的日志检查点；填写后核验日志是否仍经过该检查点"))
        self.checkpoint_box.setMinimumWidth(280)
        self.checkpoint_box.setMaximumWidth(320)
        self.verify_button = QPushButton(self.tr("核验日志"))
        self.verify_button.setObjectName("primaryButton")
        self.verify_button.setStyleSheet(DIALOG_STYLE)
        self.verify_button.setToolTip(self.tr("重算哈希链并与各台账逐条比对，发现绕过程序的改动（R54）"))
        self.verify_button.clicked.connect(self.start_verify)
        self.result_label = QLabel()
        self.result_label.setObjectName("verifyResult")
        self.result_label.setWordWrap(True)
        self.problems = QPlainTextEdit()
        self.problems.setReadOnly(True)
        self.problems.setMaximumHeight(140)
        self.problems.hide()

        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("日志核验：")))
        row.addWidget(self.checkpoint_box)
        row.addWidget(self.verify_button)
        row.addWidget(self.result_label, 1)
        layout = self.layout()
        layout.insertLayout(2, row)
        layout.addWidget(self.problems)

    # -- 核验 --------------------------------------------------------------------------
    def start_verify(self) -> None:
        """Verify the chain on the register worker; the page stays usable."""
        checkpoint = self.checkpoint_box.text().strip() or None
        try:
            verify.require_reviewer(self.reg)
            if checkpoint:
                verify.parse_checkpoint(checkpoint)
        except BaomiError as e:
            self._show_failure(e.message)
            return
        self._cancel.clear()
        total = self.model.known_total() or 0
        dialog = QProgressDialog(self.tr("正在核验日志的哈希链并与台账比对…"), self.tr("取消"),
                                 0, max(total, 0), self)
        dialog.setWindowTitle(self.tr("核验日志"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(400)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(self.cancel_verify)
        self.progress_dialog = dialog
        # No parent: the worker may still report after the page is gone (the closure keeps it).
        relay = _Progress()
        relay.moved.connect(lambda n: dialog.setValue(min(n, dialog.maximum()))
                            if isValid(dialog) and dialog.maximum() else None)
        cancel = self._cancel
        reg = self.reg

        def progress(entries: int) -> None:
            if cancel.is_set():
                raise Cancelled("已取消核验。")
            relay.moved.emit(entries)

        self.verify_button.setEnabled(False)
        self.result_label.setText(self.tr("正在核验…"))
        self.result_label.setStyleSheet("")
        def run() -> verify.VerifyReport:
            if cancel.is_set():  # cancelled while waiting for the worker
                raise Cancelled("已取消核验。")
            return verify.verify(reg, checkpoint, progress=progress)

        worker.run_in_background(run, self._verified, self._verify_failed)

    def cancel_verify(self) -> None:
        self._cancel.set()

    def _close_dialog(self) -> None:
        self.verify_button.setEnabled(True)
        if self.progress_dialog is not None:
            self.progress_dialog.canceled.disconnect()
            self.progress_dialog.close()
            self.progress_dialog = None

    def _verified(self, report: verify.VerifyReport) -> None:
        if not isValid(self):
            return  # the window closed while the worker verified
        self._close_dialog()
        self.report = report
        if report.ok:
            self.result_label.setText(self.tr("核验通过：日志共 %1 条，哈希链完整，与各台账一致。检查点 %2")
                                      .replace("%1", str(report.entries))
                                      .replace("%2", report.checkpoint))
            self.result_label.setStyleSheet("color: #1b7f3b; font-weight: bold;")
            self.problems.hide()
        else:
            self.result_label.setText(self.tr("核验发现 %1 处问题（截至检查点 %2）：").replace(
                "%1", str(len(report.problems))).replace("%2", report.checkpoint))
            self.result_label.setStyleSheet("color: #b00020; font-weight: bold;")
            self.problems.setPlainText("\n".join(report.problems))
            self.problems.show()
        self.verified.emit(report)

    def _verify_failed(self, error: BaseException) -> None:
        if not isValid(self):
            return
        self._close_dialog()
        if isinstance(error, Cancelled):
            self.result_label.setText(self.tr("核验已取消。"))
            self.result_label.setStyleSheet("")
        else:
            self._show_failure(error.message if isinstance(error, BaomiError) else str(error))
        self.verified.emit(None)

    def _show_failure(self, message: str) -> None:
        self.result_label.setText(message)
        self.result_label.setStyleSheet("color: #b00020;")
