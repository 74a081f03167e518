"""The 登记 menu, the frequent actions on the toolbar, and their shortcuts.

Only the secrecy clerk (保密员) registers movements: for a leader or an
inspector (read-only) and for the account administrator nothing here is
installed, so no write action is offered at all.  Ctrl+L (lock) stays in the
main window.

Each form is open at most once: its action brings the open one to the front.
A form's module is imported when the form is first opened (app.ui.forms).
A form that takes a carrier number starts on the row selected in the current
table (the number selected, so a scan replaces it).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar
from shiboken6 import isValid

from app.models.accounts import ROLE_CLERK
from app.ui import forms

if TYPE_CHECKING:
    from app.ui.forms.base import MovementForm


@dataclass(frozen=True)
class Entry:
    key: str
    text: str
    form_name: str  # the class in app.ui.forms, imported when the form is first opened
    shortcut: str = ""
    toolbar: str = ""  # the toolbar button's text, when the action is on the toolbar
    takes_number: bool = True

    @property
    def form(self) -> type[MovementForm]:
        return getattr(forms, self.form_name)


# Groups, separated in the menu, in the order of a carrier's life.
ENTRIES: tuple[tuple[Entry, ...], ...] = (
    (Entry("receive", "收文登记…", "ReceiveForm", "Ctrl+N", "新收文", takes_number=False),
     Entry("dispatch", "发文登记…", "DispatchForm"),
     Entry("receipt", "发文回执…", "ReceiptForm")),
    (Entry("lend", "借出（借阅登记）…", "LendForm", "Ctrl+O", "借出"),
     Entry("return", "归还…", "ReturnForm", "Ctrl+I", "归还"),
     Entry("circulate", "传阅…", "CirculationForm")),
    (Entry("copy", "复制登记…", "CopyForm"),),
    (Entry("check", "季度清查…", "CheckForm", takes_number=False),
     Entry("withdraw", "清退…", "WithdrawForm"),
     Entry("destroy", "销毁登记…", "DestroyForm", takes_number=False),
     Entry("archive", "归档…", "ArchiveForm")),
    (Entry("classify", "定密、变更、解密…", "ClassifyForm"),),
    (Entry("handover", "交接…", "HandoverForm", takes_number=False),),
    (Entry("incident", "失泄密事件报告…", "IncidentForm"),),
    (Entry("person", "涉密人员登记…", "PersonForm", takes_number=False),
     Entry("person_status", "人员状态变更…", "PersonStatusForm", takes_number=False)),
    (Entry("device", "计算机与设备登记…", "DeviceForm", takes_number=False),
     Entry("repair", "设备维修登记…", "RepairForm", takes_number=False)),
)
BY_KEY = {e.key: e for group in ENTRIES for e in group}


def may_register(roles: frozenset[str] | set[str]) -> bool:
    """Who gets the 登记 menu: the clerk only (leaders and inspectors read; 三员分立)."""
    return ROLE_CLERK in roles


class FormActions(QObject):
    """The actions of one main window; `open(key)` opens (or raises) a form."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.actions: dict[str, QAction] = {}
        self.open_forms: dict[str, MovementForm] = {}
        self.menu = QMenu(self.tr("登记(&R)"), window)
        for i, group in enumerate(ENTRIES):
            if i:
                self.menu.addSeparator()
            for entry in group:
                self.menu.addAction(self._action(entry))
        bar = window.menuBar()
        menus = bar.actions()
        if len(menus) > 1:
            bar.insertMenu(menus[1], self.menu)  # after 登记簿, before 账户
        else:
            bar.addMenu(self.menu)
        self._install_toolbar()

    def _action(self, entry: Entry) -> QAction:
        action = QAction(self.tr(entry.text), self.window)
        if entry.shortcut:
            action.setShortcut(QKeySequence(entry.shortcut))
            action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
            action.setToolTip(f"{entry.text.rstrip('…')}（{entry.shortcut}）")
        action.triggered.connect(lambda _checked=False, key=entry.key: self.open(key))
        self.actions[entry.key] = action
        return action

    def _install_toolbar(self) -> None:
        bar = self.window.findChild(QToolBar, "mainToolBar")
        if bar is None:
            return
        first = bar.actions()[0] if bar.actions() else None
        frequent = [e for group in ENTRIES for e in group if e.toolbar]
        for entry in frequent:
            button = QAction(self.tr(entry.toolbar), self.window)
            button.setToolTip(self.actions[entry.key].toolTip())
            button.triggered.connect(self.actions[entry.key].trigger)
            bar.insertAction(first, button)
        if first is not None:
            bar.insertSeparator(first)

    def open(self, key: str, *, number: str | None = None) -> MovementForm | None:
        """The form, or None while the register is locked (the shortcuts are
        application-wide, so they reach the lock screen too: nothing opens there)."""
        controller = getattr(self.window, "controller", None)
        if controller is not None and (controller.is_locked or controller.has_ended):
            return None
        entry = BY_KEY[key]
        form = self.open_forms.get(key)
        if form is not None and isValid(form) and form.isVisible():
            form.raise_()
            form.activateWindow()
            return form
        form = entry.form(self.window.reg, self.window)
        self.open_forms[key] = form
        if entry.takes_number:
            number = number if number is not None else self.selected_number()
            if number:
                form.prefill_number(number)
                from app.ui.forms import fields  # imported with the form already
                target = next((w for w in form.fields.values() if isinstance(w, fields.CarrierField)), None)
                if target is not None:
                    target.selectAll()  # a scan replaces it
        form.show()
        form.raise_()
        form.activateWindow()
        return form

    def selected_number(self) -> str:
        """The 登记号 of the row selected in the current ledger table, if any."""
        page = getattr(self.window, "current_page", lambda: None)()
        if page is None or not hasattr(page, "table"):
            return ""
        index = page.table.currentIndex()
        if not index.isValid() or not page.table.selectionModel().isRowSelected(index.row(), index.parent()):
            return ""
        model = page.table.model()
        for col in range(model.columnCount()):
            if model.headerData(col, Qt.Orientation.Horizontal) == "登记号":
                value = model.data(model.index(index.row(), col))
                return str(value or "").strip()
        return ""


def install(window: QMainWindow) -> FormActions | None:
    """The 登记 menu and toolbar actions for a window whose account may register."""
    if not may_register(window.reg.roles):
        return None
    return FormActions(window)
