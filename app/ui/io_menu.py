"""The 打印与导出 menu of the main window (and 打印 / 打印预览 on its toolbar).

Only the actions live here.  What they start (app/ui/io_dialogs.py: the print
and export jobs, the import dialogs) is imported when an action is first
triggered: it pulls in openpyxl, Qt's print support and the page engine,
about 20 MiB and a fifth of a second that a clerk who never prints should not
pay when the window opens (figures 2 and 8).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

from app.models.accounts import ROLE_ADMIN, ROLE_CLERK

if TYPE_CHECKING:
    from app.store.register import Register
    from app.ui.io_dialogs import ImportDialog, Job


class IoActions(QObject):
    """打印 / 打印预览 / 导出 / 导入 / 标签 / 月报 for the main window."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        reg: Register = window.reg
        clerk = ROLE_CLERK in reg.roles
        self.print_action = QAction(self.tr("打印…"), window)
        self.print_action.setShortcut(QKeySequence.StandardKey.Print)
        self.print_action.setToolTip(self.tr("打印当前台账（按纸质台账格式，每页带密级标志和日志检查点）"))
        self.print_action.triggered.connect(lambda: self.print_current(preview=False))
        self.preview_action = QAction(self.tr("打印预览"), window)
        self.preview_action.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.preview_action.triggered.connect(lambda: self.print_current(preview=True))
        self.labels_action = QAction(self.tr("打印标签…"), window)
        self.labels_action.setToolTip(self.tr("为选中的载体打印二维码标签"))
        self.labels_action.triggered.connect(self.print_labels)
        self.report_action = QAction(self.tr("月报…"), window)
        self.report_action.triggered.connect(self.monthly_report)
        self.export_action = QAction(self.tr("导出季度清查表…"), window)
        self.export_action.triggered.connect(self.export_quarter)
        self.check_action = QAction(self.tr("导入清查结果…"), window)
        self.check_action.triggered.connect(self.import_checks)
        self.import_action = QAction(self.tr("导入旧台账…"), window)
        self.import_action.triggered.connect(self.import_ledger)
        for action in (self.check_action, self.import_action):
            action.setEnabled(clerk)
            if not clerk:
                action.setToolTip(self.tr("只有保密员可以导入"))
        self.import_dialog: ImportDialog | None = None

        menu = window.menuBar().addMenu(self.tr("打印与导出(&P)"))
        for action in (self.print_action, self.preview_action, self.labels_action,
                       self.report_action):
            menu.addAction(action)
        menu.addSeparator()
        for action in (self.export_action, self.check_action, self.import_action):
            menu.addAction(action)
        bar = window.findChild(QWidget, "mainToolBar")
        if bar is not None:
            anchor = getattr(window, "password_action", None)
            for action in (self.print_action, self.preview_action):
                if anchor is not None:
                    bar.insertAction(anchor, action)
                else:
                    bar.addAction(action)

    def print_current(self, *, preview: bool) -> Job | None:
        page = self.window.current_page()
        if page is None:
            return None
        from app.ui import io_dialogs
        return io_dialogs.print_page(self.window, self.window.reg, page, preview=preview)

    def print_labels(self) -> Job | None:
        from app.ui import io_dialogs
        page = self.window.current_page()
        numbers = page.selected_numbers() if page is not None else []
        return io_dialogs.print_labels(self.window, self.window.reg, numbers)

    def monthly_report(self) -> Job | None:
        from app.ui import io_dialogs
        return io_dialogs.monthly_report(self.window, self.window.reg)

    def export_quarter(self) -> Job | None:
        from app.ui import io_dialogs
        return io_dialogs.export_quarter(self.window, self.window.reg)

    def _refresh(self, *_args: Any) -> None:
        for page in getattr(self.window, "pages", {}).values():
            page.refresh()
        refresh_detail = getattr(self.window, "refresh_detail", None)
        if refresh_detail is not None:
            refresh_detail()

    def import_checks(self) -> None:
        from app.ui import io_dialogs
        dialog = io_dialogs.import_check_results(self.window, self.window.reg)
        if dialog is not None:
            dialog.recorded.connect(self._refresh)

    def import_ledger(self) -> ImportDialog:
        from app.ui import io_dialogs
        if self.import_dialog is None or not isValid(self.import_dialog):
            self.import_dialog = io_dialogs.ImportDialog(self.window.reg, self.window)
            self.import_dialog.imported.connect(self._refresh)
        self.import_dialog.show()
        self.import_dialog.raise_()
        return self.import_dialog


def install_io_actions(window: Any) -> IoActions | None:
    """Add the 打印与导出 menu (and 打印 / 打印预览 on the toolbar) to the main window.

    The account administrator reads no ledger (三员分立) and gets none of it."""
    if ROLE_ADMIN in window.reg.roles and ROLE_CLERK not in window.reg.roles:
        return None
    return IoActions(window)
