"""Drafts kept at a forced session end (R53), offered back at the next sign-in."""
from __future__ import annotations

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout,
                               QWidget)

from app.ledger import session
from app.store.register import Register
from app.ui.form_base import FORMS, LedgerForm


def _summary(d: session.DraftInfo) -> str:
    fields = "；".join(f"{k}：{v}" for k, v in d.data.items() if v not in ("", None, False))
    return f"【{d.form}】{d.saved_at:%Y-%m-%d %H:%M} 保存\n{fields}"


class DraftsDialog(QDialog):
    """恢复 reopens each form with its input; 放弃 marks the drafts used. Either way: offered once."""

    def __init__(self, reg: Register, drafts: list[session.DraftInfo],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reg = reg
        self.drafts = drafts
        self.restored: list[LedgerForm] = []
        self.setWindowTitle(self.tr("未保存的表单草稿"))
        self.setMinimumWidth(520)
        head = QLabel(self.tr("上次会话因一小时以上无操作而自动结束（R53）。"
                              "当时未保存的 %n 份表单已加密保存为草稿：", "", len(drafts)))
        head.setWordWrap(True)
        text = QPlainTextEdit("\n\n".join(_summary(d) for d in drafts))
        text.setReadOnly(True)  # so that nothing is lost even for a form this version lacks
        buttons = QDialogButtonBox()
        self.restore_button = buttons.addButton(self.tr("恢复表单"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.discard_button = buttons.addButton(self.tr("放弃草稿"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.restore)
        buttons.rejected.connect(self.discard)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.addWidget(head)
        layout.addWidget(text, 1)
        layout.addWidget(buttons)

    def restore(self) -> None:
        from app.ui import forms
        forms.load_all()  # the forms are imported on first use: register every one
        parent = self.parentWidget()
        for d in self.drafts:
            cls = FORMS.get(d.form)
            if cls is None:
                continue
            form = cls(self.reg, parent)
            form.restore_draft(d.data)
            form.draft_id = d.id
            form.show()
            self.restored.append(form)
        session.mark_drafts_used(self.reg, [d.id for d in self.drafts], action="恢复草稿")
        self.accept()

    def discard(self) -> None:
        session.mark_drafts_used(self.reg, [d.id for d in self.drafts], action="放弃草稿")
        self.reject()
