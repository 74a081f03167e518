"""What every movement form does the same way.

- A heading, one line naming the rules that apply, a red message area at the
  top, the fields in a QFormLayout with right-aligned labels, 保存 / 取消.
- Enter saves, except where a field uses Enter itself (the scan field, the
  list entries, multi-line text); Esc cancels.  Focus starts in the first field.
- 保存 builds one op (app/ui/operations) and runs it on the register worker.
  A refusal is shown in the message area with the rule id and its source, and
  the input stays as it was; a success closes the form.
- The fields are named once (`add_field`), so the idle-hour rule can keep
  the input as a draft (app/ui/form_base.py).

Hazard: the form may be closed (session end) while its save is on the worker;
the callbacks check that the widget still exists before touching it.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app.errors import BaomiError, RuleViolation
from app.ledger import pickers
from app.store.register import Register
from app.ui import operations
from app.ui.form_base import LedgerForm
from app.ui.forms import fields
from app.ui.operations import LedgerOp

FORM_STYLE = """
QLabel#formTitle { font-size: 14pt; font-weight: bold; color: #222; }
QLabel#formRules { color: #666; }
QLabel#formError {
    color: #b00020; background: #fde4e4; border: 1px solid #e0a0a0; border-radius: 4px;
    padding: 8px 10px; font-weight: bold;
}
QLabel#fieldHint { color: #777; }
QLabel#fieldWarning { color: #b00020; }
QLabel#carrierCard { color: #333; padding: 2px 0; }
"""


class MovementForm(LedgerForm):
    """Subclasses set `form_name` (the draft key), `title`, `rules`; build rows in
    `build()`; return the op in `operation()`."""

    title = "登记"
    rules = ""
    save_text = "保存"
    saved = Signal(object)  # the ledger call's result
    refused = Signal(object)  # the BaomiError shown in the message area

    def __init__(self, reg: Register, parent: QWidget | None = None) -> None:
        super().__init__(reg, parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(self.tr(self.title))
        self.setStyleSheet(FORM_STYLE)
        self.setMinimumWidth(600)
        self.saving = False
        self.result: Any = None
        self._first: QWidget | None = None
        self._when: QDateTimeEdit | None = None
        self._when_initial: datetime | None = None
        self._sized = False

        heading = QLabel(self.tr(self.title))
        heading.setObjectName("formTitle")
        self.rules_label = QLabel(self.tr(self.rules))
        self.rules_label.setObjectName("formRules")
        self.rules_label.setWordWrap(True)
        self.rules_label.setVisible(bool(self.rules))
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()

        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.form.setHorizontalSpacing(12)
        self.form.setVerticalSpacing(8)

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(self.tr(self.save_text),
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        keys = QLabel(self.tr("回车 保存　Esc 取消"))
        keys.setObjectName("fieldHint")
        bottom = QHBoxLayout()
        bottom.addWidget(keys)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setStyleSheet("color: #d6d6d2;")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 16, 22, 14)
        layout.setSpacing(8)
        layout.addWidget(heading)
        layout.addWidget(self.rules_label)
        layout.addWidget(self.error)
        layout.addWidget(line)
        layout.addLayout(self.form)
        layout.addStretch(1)
        layout.addLayout(bottom)

        self.build()
        self.mark_clean()
        if self._first is not None:
            self._first.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- building ---------------------------------------------------------------------
    def build(self) -> None:
        raise NotImplementedError

    def add_field(self, label: str, widget: QWidget, *, name: str | None = None,
                  hint: str | None = None, draft: bool = True) -> QWidget:
        """One row: a right-aligned label and the field (and a grey hint under it)."""
        if hint:
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(2)
            column.addWidget(widget)
            note = QLabel(self.tr(hint))
            note.setObjectName("fieldHint")
            note.setWordWrap(True)
            column.addWidget(note)
            self.form.addRow(self.tr(label) + "：", box)
        else:
            self.form.addRow(self.tr(label) + "：", widget)
        if draft:
            self.fields[name or label] = widget
        if self._first is None:
            self._first = widget
        return widget

    def add_inline(self, label: str, parts: list[tuple[str, QWidget]], *,
                   hint: str | None = None) -> QWidget:
        """Several short fields on one row: 密级 [..]  份数 [..]  份号 [..].

        Each part is (its name, the widget); the first part's label is the row's
        label, the others get a small label of their own inside the row."""
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        for i, (name, widget) in enumerate(parts):
            if i:
                inner = QLabel(self.tr(name) + "：")
                inner.setBuddy(widget)
                row.addSpacing(6)
                row.addWidget(inner)
            row.addWidget(widget, 1)
            self.fields[name] = widget
            if self._first is None:
                self._first = widget
        self.add_field(label, box, hint=hint, draft=False)
        return box

    def add_wide(self, widget: QWidget, *, name: str | None = None) -> QWidget:
        """A row across the whole form (a table of items)."""
        self.form.addRow(widget)
        if name:
            self.fields[name] = widget
        return widget

    def add_row(self, label: str, widget: QWidget) -> QWidget:
        """A row that is shown but not input (a carrier card, a hint)."""
        self.form.addRow(self.tr(label) + "：" if label else "", widget)
        return widget

    def set_row_visible(self, widget: QWidget, visible: bool) -> None:
        self.form.setRowVisible(widget if self.form.indexOf(widget) >= 0 else widget.parentWidget(),
                                visible)
        if visible:
            self.fit_height()

    def fit_height(self) -> None:
        """Grow to show what was added (a refusal, a row) instead of squeezing the fields."""
        if not self.isVisible():
            return
        layout = self.layout()
        layout.activate()
        # Word-wrapped labels (the rules, a refusal) are as tall as this width makes them.
        wanted = (layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth()
                  else self.sizeHint().height())
        screen = self.screen()
        if screen is not None:  # never taller than the screen (a laptop's 768 pixels)
            wanted = min(wanted, screen.availableGeometry().height() - 60)
        if self.height() < wanted:
            self.resize(self.width(), wanted)

    def add_when(self, label: str = "发生时间") -> QDateTimeEdit:
        """When it happened: now, or the time on paper (补登记); passed only when changed."""
        self._when_initial = self.reg.clock.now().replace(second=0, microsecond=0)
        self._when = fields.datetime_edit(self._when_initial)
        self.add_field(label, self._when, hint="补登记时改为纸质记录上的时间；不改即为保存时的当前时间")
        return self._when

    def when(self) -> datetime | None:
        if self._when is None:
            return None
        value = fields.to_datetime(self._when)
        return None if value == self._when_initial else value

    # -- lookups for the fields (no SQL here: app/ledger/pickers) -----------------------
    def read(self, fn: Any, /, **kwargs: Any) -> Any:
        return operations.read(self.reg, fn, **kwargs)

    def people(self, **kwargs: Any) -> list[pickers.PersonChoice]:
        return self.read(pickers.find_people, **kwargs)

    def leaders(self) -> list[pickers.PersonChoice]:
        return self.read(pickers.leaders)

    def last_approver(self, *kinds: str) -> pickers.PersonChoice | None:
        return self.read(pickers.last_approver, account=self.reg.actor, kinds=kinds)

    def carrier_field(self, *, states: tuple[str, ...] | None = None) -> fields.CarrierField:
        return fields.CarrierField(self.find_carrier, self._completer_for(states))

    def carrier_list_field(self, *, states: tuple[str, ...] | None = None) -> fields.CarrierListField:
        return fields.CarrierListField(self.find_carrier, self._completer_for(states))

    def find_carrier(self, number: str) -> pickers.CarrierSummary | None:
        return self.read(pickers.find_carrier, number=number)

    def _completer_for(self, states: tuple[str, ...] | None):
        return lambda text: self.read(pickers.carriers_by_number, text=text, states=states)

    # -- saving -----------------------------------------------------------------------
    def operation(self) -> LedgerOp | None:
        """The op for what was typed; raise BadInput (shown inline) for what the form can tell."""
        raise NotImplementedError

    def save(self) -> None:
        if self.saving:
            return
        self.clear_error()
        try:
            op = self.operation()
        except BaomiError as e:
            self.show_refusal(e)
            return
        if op is None:
            return
        self.saving = True
        self.save_button.setEnabled(False)
        op.success(self._if_alive(self._saved)).failure(self._if_alive(self.show_refusal)) \
          .finished(self._if_alive(self._finished)).run_in_background(parent=self, reg=self.reg)

    def _if_alive(self, fn):
        def call(*args: Any) -> None:
            if isValid(self):
                fn(*args)
        return call

    def _finished(self) -> None:
        self.saving = False
        self.save_button.setEnabled(True)

    def _saved(self, result: Any) -> None:
        self.result = result
        self.mark_clean()
        self.saved.emit(result)
        self.after_save(result)

    def after_save(self, result: Any) -> None:
        """Default: the form's work is done."""
        self.saving = False
        self.close()

    def show_refusal(self, error: BaomiError) -> None:
        """The refusal in plain Chinese with the rule and its source, e.g.
        「绝密载体不得复制、翻印（R21，保密制度汇编 五、四）」; the input stays."""
        prefix = self.tr("不能保存：") if isinstance(error, RuleViolation) else ""
        self.error.setText(prefix + error.message)
        self.error.show()
        self.fit_height()
        self.refused.emit(error)

    def show_message(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        self.fit_height()

    def clear_error(self) -> None:
        self.error.clear()
        self.error.hide()

    # -- keys -------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if fields.is_enter(event):
            focus = self.focusWidget()
            ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
            if isinstance(focus, (QPlainTextEdit, QTextEdit)) and not ctrl:
                return  # Enter is a new line there; Ctrl+Enter saves
            if isinstance(focus, QPushButton) and focus is not self.save_button:
                focus.click()
            else:
                self.save()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape:
            event.accept()
            self.reject()
            return
        super().keyPressEvent(event)

    def reject(self) -> None:
        if self.saving and not self.property("session_ended"):
            return  # the save decides; closing now would drop its answer
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.saving and not self.property("session_ended"):
            event.ignore()
            return
        super().closeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized:  # only the first time: a lock hides and shows it again
            self._sized = True
            self.adjustSize()

    # -- drafts -----------------------------------------------------------------------
    def restore_draft(self, data: dict[str, Any]) -> None:
        super().restore_draft(data)
        self.after_restore()

    def after_restore(self) -> None:
        """Recompute what follows from restored input: look the carriers up again."""
        for widget in self.fields.values():
            if isinstance(widget, fields.CarrierField) and widget.number():
                widget.look_up()

    def show_card(self, card: fields.CarrierCard, field: fields.CarrierField,
                  summary: pickers.CarrierSummary | None) -> None:
        """The carrier found, or why none was (nothing typed: the grey prompt)."""
        number = field.number()
        card.show_summary(summary, missing=self.tr("登记簿中没有编号为 %1 的载体。").replace("%1", number)
                          if number else "")

    def prefill_number(self, number: str) -> None:
        """Open on a carrier chosen in the table (the first CarrierField gets it)."""
        field = next((w for w in self.fields.values() if isinstance(w, fields.CarrierField)), None)
        if field is not None and number:
            field.setText(number)
            field.look_up()


class MultiLine(QPlainTextEdit):
    """A short multi-line field: Enter makes a new line; Ctrl+Enter saves the form."""

    def __init__(self, height: int = 54, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setFixedHeight(height)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if fields.is_enter(event) and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            event.ignore()  # up to the form, which saves
            return
        super().keyPressEvent(event)


def multi_line(height: int = 54) -> MultiLine:
    return MultiLine(height)
