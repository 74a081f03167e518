"""The base of every movement form: its input can become a draft (R53).

A form names its fields once (`self.fields`); a field that is not a plain
input widget offers `draft_value()` and `restore_value(value)`.  From that it can tell whether
anything was typed (`is_dirty`), hand its input over as a dict (`draft_data`)
and take it back (`restore_draft`).  Password fields are never drafted.
Forms are non-modal windows: a lock hides them with their input intact, and a
forced session end writes their input to the encrypted register.

`FORMS` maps a form's name to its class so a draft can be reopened at the
next sign-in; each form module registers itself with `@register_form`.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateTimeEdit, QDialog, QDoubleSpinBox,
                               QLineEdit, QPlainTextEdit, QSpinBox, QTextEdit, QWidget)

from app.store.register import Register

FORMS: dict[str, type["LedgerForm"]] = {}


def register_form(cls: type["LedgerForm"]) -> type["LedgerForm"]:
    FORMS[cls.form_name] = cls
    return cls


def field_value(widget: QWidget) -> Any:
    # A compound field (a list of numbers, a table of ticks) keeps its own draft value.
    if hasattr(widget, "draft_value"):
        return widget.draft_value()
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, (QPlainTextEdit, QTextEdit)):
        return widget.toPlainText()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, (QSpinBox, QDoubleSpinBox)):
        return widget.value()
    if isinstance(widget, QDateTimeEdit):
        return widget.dateTime().toString(Qt.DateFormat.ISODate)
    raise TypeError(f"no draft support for {type(widget).__name__}")


def set_field_value(widget: QWidget, value: Any) -> None:
    if hasattr(widget, "restore_value"):
        widget.restore_value(value)
    elif isinstance(widget, QLineEdit):
        widget.setText(str(value))
    elif isinstance(widget, (QPlainTextEdit, QTextEdit)):
        widget.setPlainText(str(value))
    elif isinstance(widget, QComboBox):
        i = widget.findText(str(value))
        if i >= 0:
            widget.setCurrentIndex(i)
        elif widget.isEditable():
            widget.setEditText(str(value))
    elif isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    elif isinstance(widget, (QSpinBox, QDoubleSpinBox)):
        widget.setValue(value)
    elif isinstance(widget, QDateTimeEdit):
        widget.setDateTime(QDateTime.fromString(str(value), Qt.DateFormat.ISODate))


def _is_secret(widget: QWidget) -> bool:
    return isinstance(widget, QLineEdit) and widget.echoMode() != QLineEdit.EchoMode.Normal


class LedgerForm(QDialog):
    """A movement form: a non-modal dialog over the main window (shown, never exec()'d:
    hiding a dialog ends its exec() loop, and the lock screen hides every window)."""

    form_name = "表单"

    def __init__(self, reg: Register, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reg = reg
        self.fields: dict[str, QWidget] = {}
        self._initial: dict[str, Any] = {}
        self.draft_id: int | None = None  # the draft this form was reopened from

    def mark_clean(self) -> None:
        """Call after building the fields (and after a save): this is 'nothing typed'."""
        self._initial = self._values()

    def _values(self) -> dict[str, Any]:
        return {name: field_value(w) for name, w in self.fields.items() if not _is_secret(w)}

    def is_dirty(self) -> bool:
        return self._values() != self._initial

    def draft_data(self) -> dict[str, Any] | None:
        """The typed input, or None when there is nothing worth keeping."""
        return self._values() if self.is_dirty() else None

    def restore_draft(self, data: dict[str, Any]) -> None:
        for name, value in data.items():
            widget = self.fields.get(name)
            if widget is not None and not _is_secret(widget):
                set_field_value(widget, value)


def open_forms(root: QWidget | None = None) -> list[LedgerForm]:
    """Every live form: top-level windows of the application and forms inside `root`."""
    from PySide6.QtWidgets import QApplication
    found: list[LedgerForm] = [w for w in QApplication.topLevelWidgets() if isinstance(w, LedgerForm)]
    if root is not None:
        found += [w for w in root.findChildren(LedgerForm) if w not in found]
    return found
