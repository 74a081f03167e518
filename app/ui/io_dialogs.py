"""Paper and Excel from the app: print / preview, the quarterly workbook, imports, labels, 月报.

Every long job (reading thousands of rows for a printout, writing the
quarterly workbook, validating and importing a workbook) runs on the register
worker through `Job`: a progress dialog shows how far it is and its 取消
button sets a flag the io layer checks at every tick (`app.io.jobs.Ticker`);
a cancelled job leaves no file behind and changes nothing in the register.

The dialogs only collect what the io layer needs and show what it says:
the rows, the rules and the files are app/io's and app/ledger's.

This module (openpyxl, Qt's print support, the page engine) is imported when a
print, export or import is first started (app/ui/io_menu.py), not with the window.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
                               QHBoxLayout, QHeaderView, QInputDialog, QLabel, QLineEdit,
                               QMessageBox, QPlainTextEdit, QProgressDialog, QPushButton, QSpinBox,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)
from shiboken6 import isValid

from app.errors import BaomiError
from app.io import export_xlsx, import_check, import_ledger, labels, ledger_print, printing, report
from app.io import xlsx_read
from app.io.jobs import Cancelled, atomic_path
from app.io.ledger_layouts import Column, Layout
from app.ledger import checks
from app.store.register import Register
from app.ui import worker
# The menu's actions live in io_menu (imported by the main window without this module);
# the names stay here too, as do these dialogs' own looks (now in style.py).
from app.ui.io_menu import IoActions, install_io_actions  # noqa: F401
from app.ui.print_preview import open_preview, open_print
from app.ui.style import DIALOG_STYLE

PRINT_ROWS_LIMIT = 50_000  # a printout of a screen list (今日, 日志) beyond this asks first
Work = Callable[[Callable[[int, int], None], Callable[[], bool]], Any]


# -- long jobs ---------------------------------------------------------------------------

class Job(QObject):
    """One long io job on the register worker, with a progress dialog that can cancel it."""

    progressed = Signal(int, int)
    finished = Signal(object)  # the job's result
    failed = Signal(object)  # the exception (Cancelled when the clerk cancelled)

    _running: ClassVar[set[Job]] = set()  # referenced until done: the worker still reports to it

    def __init__(self, parent: QWidget | None, title: str, label: str, work: Work, *,
                 dialog: bool = True) -> None:
        super().__init__()
        self._work = work
        self._cancel = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None
        self.done = False
        self.dialog: QProgressDialog | None = None
        if dialog:
            d = QProgressDialog(label, "取消", 0, 0, parent)
            d.setWindowTitle(title)
            d.setWindowModality(Qt.WindowModality.WindowModal)
            d.setMinimumDuration(300)
            d.setAutoClose(False)
            d.setAutoReset(False)
            d.canceled.connect(self.cancel)
            self.dialog = d
        self.progressed.connect(self._on_progress)

    @property
    def cancelled(self) -> bool:
        return isinstance(self.error, Cancelled)

    def start(self) -> Job:
        Job._running.add(self)
        cancel = self._cancel

        def progress(done: int, total: int) -> None:
            self.progressed.emit(done, total)  # queued to the GUI thread

        def run() -> Any:
            if cancel.is_set():
                raise Cancelled()
            return self._work(progress, cancel.is_set)

        worker.run_in_background(run, self._done, self._failed)
        return self

    def cancel(self) -> None:
        """Ask the job to stop at its next check (the io layer raises Cancelled)."""
        self._cancel.set()
        if self.dialog is not None and isValid(self.dialog):
            self.dialog.setLabelText("正在取消…")

    def _on_progress(self, done: int, total: int) -> None:
        d = self.dialog
        if d is not None and isValid(d) and not self.done:
            if d.maximum() != total:
                d.setMaximum(max(total, 1))
            d.setValue(min(done, max(total, 1)))

    def _close(self) -> None:
        self.done = True
        Job._running.discard(self)
        d, self.dialog = self.dialog, None
        if d is not None and isValid(d):
            d.canceled.disconnect(self.cancel)
            d.close()
            d.deleteLater()

    def _done(self, result: Any) -> None:
        self.result = result
        self._close()
        self.finished.emit(result)

    def _failed(self, error: BaseException) -> None:
        self.error = error
        self._close()
        self.failed.emit(error)


def error_text(error: BaseException) -> str:
    return error.message if isinstance(error, BaomiError) else f"{type(error).__name__}：{error}"


def tell(parent: QWidget | None, title: str, text: str, *, warning: bool = False) -> QMessageBox:
    """A message that does not block (a job's end must never wait on a click)."""
    box = QMessageBox(QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information, title,
                      text, QMessageBox.StandardButton.Ok, parent if parent is None or isValid(parent)
                      else None)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def _report_failure(parent: QWidget | None, title: str, error: BaseException) -> None:
    """A refusal or a failure is said; a cancelled job was the clerk's wish: nothing to say."""
    if not isinstance(error, Cancelled):
        tell(parent, title, error_text(error), warning=True)


def run_job(parent: QWidget | None, title: str, label: str, work: Work,
            on_done: Callable[[Any], None], *, dialog: bool = True) -> Job:
    job = Job(parent, title, label, work, dialog=dialog)
    job.finished.connect(on_done)
    job.failed.connect(lambda e: _report_failure(parent, title, e))
    return job.start()


# -- printing ledgers -----------------------------------------------------------------------

def _show(parent: QWidget | None, paint: Callable, *, preview: bool, landscape: bool,
          title: str) -> QDialog:
    if preview:
        return open_preview(parent, paint, landscape=landscape, title=title)
    return open_print(parent, paint, landscape=landscape, title=title)


def print_doc(parent: QWidget | None, doc: printing.PrintDoc, *, preview: bool) -> QDialog:
    """Preview or print a prepared document (rows and checkpoint already read)."""
    title = f"{doc.layout.title}（{len(doc.rows)} 行）"
    return _show(parent, lambda printer: printing.render(doc, printer, page_setup=False),
                 preview=preview, landscape=True, title=title)


def screen_layout(title: str, headers: list[str]) -> Layout:
    """A printed form for a list that has no paper form of its own (今日, 日志)."""
    wide = {"标题": 3.0, "摘要": 3.5, "说明": 2.0, "对象": 1.4, "事项": 1.4}
    columns = [Column("序号", 0.4, 9, "center")]
    columns += [Column(h, wide.get(h, 1.0), 10 if h == "密级" else 14,
                       "center" if h == "密级" else "left") for h in headers]
    return Layout(title, title, tuple(columns), level_column="密级" if "密级" in headers else None,
                  dated=False)


def gather_page_doc(reg: Register, page: Any, progress: Callable[[int, int], None] | None = None,
                    cancel: Callable[[], bool] | None = None) -> printing.PrintDoc:
    """The printable document of what a ledger page shows, read on the worker.

    A page with a paper form prints that form (app/io/ledger_layouts.py) for
    the page's date range; a list without one (今日, 日志) prints its columns
    with the rows the current search and filters select.
    """
    name = page.print_name()
    start, end = page.date_range()
    if name:
        return ledger_print.ledger_doc(reg, name, date_from=start, date_to=end)
    source, query = page.model.source, page.model.query
    rows: list[tuple] = []
    step = 1000
    while True:
        chunk = source.fetch(query, len(rows), step)
        rows.extend(chunk)
        if progress:
            progress(len(rows), max(len(rows), page.model.known_total() or 0))
        if cancel and cancel():
            raise Cancelled()
        if len(chunk) < step or len(rows) >= PRINT_ROWS_LIMIT:
            break
    headers = list(source.headers)
    period = (f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}" if start and end
              else f"截至 {reg.clock.now():%Y-%m-%d %H:%M}")
    subtitle = f"检索：{query.search}" if query.search else ""
    return ledger_print.rows_doc(reg, screen_layout(page.ledger.title, headers),
                                 [tuple(r[1:]) for r in rows], period=period, subtitle=subtitle,
                                 summary=f"共 {len(rows)} 条。")


def print_page(parent: QWidget | None, reg: Register, page: Any, *, preview: bool) -> Job:
    """打印 / 打印预览 of the current ledger page."""
    def opened(doc: printing.PrintDoc) -> None:
        if isValid(page) and (parent is None or isValid(parent)):  # not closed meanwhile
            page.print_dialog = print_doc(parent, doc, preview=preview)

    return run_job(parent, "打印", f"正在读取「{page.ledger.title}」的记录…",
                   lambda progress, cancel: gather_page_doc(reg, page, progress, cancel), opened)


def print_history(parent: QWidget | None, reg: Register, number: str, *, preview: bool) -> Job:
    """打印 / 打印预览 of one carrier's history (载体历史), with the checkpoint."""
    def opened(doc: printing.PrintDoc) -> None:
        if isValid(parent):
            parent.print_dialog = print_doc(parent, doc, preview=preview)

    return run_job(parent, "打印流转记录", f"正在读取 {number} 的流转记录…",
                   lambda _p, _c: ledger_print.ledger_doc(reg, "载体历史", number=number), opened)


LABEL_SHEETS = {"A4 标签纸（每页 3×8 张）": "A4", "标签打印机（60×40 毫米）": "label-60x40"}


def print_labels(parent: QWidget | None, reg: Register, numbers: list[str], *,
                 sheet: str | None = None) -> Job | None:
    """打印标签 of the chosen carriers: register number as a QR code, 密级, short title."""
    if not numbers:
        QMessageBox.information(parent, "打印标签", "请先在台账中选中要打印标签的载体（可多选）。")
        return None
    if sheet is None:
        choice, ok = QInputDialog.getItem(parent, "打印标签",
                                          f"共 {len(numbers)} 件载体。选择标签纸：",
                                          list(LABEL_SHEETS), 0, False)
        if not ok:
            return None
        sheet = LABEL_SHEETS[choice]

    def opened(items: list[labels.Label]) -> None:
        if not isValid(parent):
            return

        def paint(printer: Any) -> int:
            return labels.render_labels(items, printer, sheet=sheet)

        parent.print_dialog = open_preview(parent, paint, landscape=False,
                                           title=f"打印标签（{len(items)} 张）")

    return run_job(parent, "打印标签", "正在读取载体…",
                   lambda _p, _c: labels.labels_for(reg, numbers), opened)


class MonthDialog(QDialog):
    """月报: which month (R60)."""

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("月报"))
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(today.year)
        self.month = QSpinBox()
        self.month.setRange(1, 12)
        self.month.setValue(today.month)
        form = QFormLayout()
        form.addRow(self.tr("年份"), self.year)
        form.addRow(self.tr("月份"), self.month)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                   QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("预览月报"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        note = QLabel(self.tr("向单位领导的月度报告（R60）：本月收发、借阅、复制、清退、销毁，"
                              "在管载体，逾期与待办事项。"))
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def value(self) -> str:
        return f"{self.year.value():04d}-{self.month.value():02d}"


def monthly_report(parent: QWidget | None, reg: Register, *, month: str | None = None) -> Job | None:
    """月报: choose the month, read the figures on the worker, preview the page."""
    if month is None:
        dialog = MonthDialog(reg.clock.now().date(), parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        month = dialog.value()

    def opened(rep: report.MonthlyReport) -> None:
        if not isValid(parent):
            return

        def paint(printer: Any) -> int:
            return report.render_report(rep, printer, page_setup=False)

        parent.print_dialog = open_preview(parent, paint, landscape=False,
                                           title=f"涉密载体管理月报 {rep.month}")

    return run_job(parent, "月报", f"正在统计 {month} 的数字…",
                   lambda _p, _c: report.gather(reg, month), opened)


# -- the quarterly workbook ---------------------------------------------------------------------

class QuarterDialog(QDialog):
    """导出季度清查表: which quarter (R30)."""

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("导出季度清查表"))
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(today.year)
        self.quarter = QComboBox()
        for q in range(1, 5):
            self.quarter.addItem(self.tr("第%1季度").replace("%1", "一二三四"[q - 1]), q)
        self.quarter.setCurrentIndex((today.month - 1) // 3)
        form = QFormLayout()
        form.addRow(self.tr("年份"), self.year)
        form.addRow(self.tr("季度"), self.quarter)
        note = QLabel(self.tr("清查清单列出季度末在管的全部载体，请在「核对结果」列填写 在／缺失／清退／拟销毁，"
                              "填好后用「导入清查结果」登记（R30）。工作簿按其中最高密级管理。"))
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                   QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("导出…"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def value(self) -> str:
        return f"{self.year.value()}Q{self.quarter.currentData()}"


def start_export(parent: QWidget | None, reg: Register, quarter: str, path: Path | str, *,
                 on_done: Callable[[export_xlsx.ExportResult], None] | None = None,
                 dialog: bool = True) -> Job:
    """Write the quarter's workbook on the worker; cancelling leaves no file."""
    def done(result: export_xlsx.ExportResult) -> None:
        if on_done is not None:
            on_done(result)
            return
        counts = "、".join(f"{k} {v}" for k, v in result.counts.items())
        tell(parent, "导出季度清查表",
             f"已导出 {result.quarter} 清查表：{result.path}\n{counts}。\n"
             f"此工作簿含{result.level}信息，须按{result.level}载体管理。"
             f"\n日志检查点：{result.checkpoint}")

    return run_job(parent, "导出季度清查表", f"正在导出 {quarter} 清查表…",
                   lambda progress, cancel: export_xlsx.export_quarter(
                       reg, quarter, path, progress=progress, cancel=cancel), done, dialog=dialog)


def export_quarter(parent: QWidget | None, reg: Register) -> Job | None:
    dialog = QuarterDialog(reg.clock.now().date(), parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    quarter = checks.quarter_name(dialog.value())
    path, _ = QFileDialog.getSaveFileName(parent, "导出季度清查表", f"{quarter}清查清单.xlsx",
                                          "Excel 工作簿 (*.xlsx)")
    if not path:
        return None
    if not path.lower().endswith(".xlsx"):
        path += ".xlsx"
    return start_export(parent, reg, quarter, path)


# -- importing the filled 清查清单 ---------------------------------------------------------------

class CheckImportDialog(QDialog):
    """导入清查结果: read the filled workbook, show what it says, then record the check."""

    recorded = Signal(object)  # the CheckImport after recording

    def __init__(self, reg: Register, path: Path | str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reg = reg
        self.path = Path(path)
        self.data: import_check.CheckImport | None = None
        self.setWindowTitle(self.tr("导入清查结果"))
        self.setStyleSheet(DIALOG_STYLE)
        self.resize(640, 420)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.record_button = QPushButton(self.tr("登记清查结果"))
        self.record_button.setObjectName("primaryButton")
        self.record_button.setEnabled(False)
        self.record_button.clicked.connect(self.record)
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.record_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("文件：%1").replace("%1", str(self.path))))
        layout.addWidget(self.text, 1)
        layout.addLayout(buttons)
        self.job: Job | None = None
        self.text.setPlainText(self.tr("正在读取清查清单…"))
        self.job = Job(self, "导入清查结果", "正在读取清查清单…",
                       lambda _p, _c: import_check.import_check(reg, self.path, dry_run=True))
        self.job.finished.connect(self._read)
        self.job.failed.connect(self._refused)
        self.job.start()

    def _read(self, data: import_check.CheckImport) -> None:
        self.data = data
        self.text.setPlainText(data.report() + "\n\n" + self.tr(
            "以上为读取结果，尚未登记。核对无误后请按「登记清查结果」；缺失的载体将登记为失泄密事件（R45）。"))
        self.record_button.setEnabled(True)

    def _refused(self, error: BaseException) -> None:
        self.text.setPlainText(error_text(error))
        self.record_button.setEnabled(False)

    def record(self) -> Job:
        self.record_button.setEnabled(False)
        self.job = Job(self, "导入清查结果", "正在登记清查结果…",
                       lambda _p, _c: import_check.import_check(self.reg, self.path))
        self.job.finished.connect(self._recorded)
        self.job.failed.connect(self._refused)
        return self.job.start()

    def _recorded(self, data: import_check.CheckImport) -> None:
        self.data = data
        self.text.setPlainText(self.tr("已登记。\n") + data.report())
        self.recorded.emit(data)


def import_check_results(parent: QWidget | None, reg: Register, *,
                         path: str | None = None) -> CheckImportDialog | None:
    if path is None:
        path, _ = QFileDialog.getOpenFileName(parent, "导入清查结果", "", "Excel 工作簿 (*.xlsx)")
        if not path:
            return None
    dialog = CheckImportDialog(reg, path, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


# -- importing an old ledger ------------------------------------------------------------------

NOT_IMPORTED = "（不导入）"
SAMPLE_ROWS = 3


def save_report(path: Path | str, plan: import_ledger.Plan, text: str) -> Path:
    """The row report (行, 列, 值, 原因) as .xlsx, or as .txt; written atomically."""
    path = Path(path)
    with atomic_path(path) as tmp:
        if path.suffix.lower() == ".xlsx":
            from openpyxl import Workbook
            from openpyxl.styles import Font
            wb = Workbook()
            ws = wb.active
            ws.title = "问题"
            ws.append(["行", "列", "值", "原因"])
            for cell in ws[1]:
                cell.font = Font(bold=True)
            for p in plan.problems:
                ws.append([p.row, p.column, p.value, p.reason])
            ws.column_dimensions["C"].width = 30
            ws.column_dimensions["D"].width = 60
            ws.freeze_panes = "A2"
            notes = wb.create_sheet("说明")
            for line in text.splitlines():
                notes.append([line])
            notes.column_dimensions["A"].width = 120
            wb.save(str(tmp))
        else:
            tmp.write_text(text + "\n", encoding="utf-8")
    return path


class ImportDialog(QDialog):
    """导入旧台账: choose file and sheet, confirm the column mapping, validate, import.

    Nothing is imported unless every row is valid, or the clerk explicitly
    chooses 只导入有效行 and keeps the report of the others (saved first).
    """

    imported = Signal(list)  # register numbers created

    def __init__(self, reg: Register, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reg = reg
        self.path: Path | None = None
        self.proposal: import_ledger.Proposal | None = None
        self.plan: import_ledger.Plan | None = None
        self.result: import_ledger.ImportResult | None = None
        self.report_path: Path | None = None
        self.job: Job | None = None
        self.setWindowTitle(self.tr("导入旧台账"))
        self.setStyleSheet(DIALOG_STYLE)
        self.resize(960, 720)

        self.path_edit = QLineEdit()
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText(self.tr("选择 Excel 工作簿（.xlsx）"))
        browse = QPushButton(self.tr("选择文件…"))
        browse.clicked.connect(self._browse)
        self.sheet_combo = QComboBox()
        self.sheet_combo.setMinimumWidth(160)
        self.sheet_combo.activated.connect(lambda _i: self._sheet_chosen())
        self.header_label = QLabel()
        self.header_label.setObjectName("pageHint")

        self.mapping_table = QTableWidget(0, 4)
        self.mapping_table.setHorizontalHeaderLabels([self.tr("列"), self.tr("表头"),
                                                      self.tr("对应字段"), self.tr("示例")])
        self.mapping_table.verticalHeader().setVisible(False)
        self.mapping_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.mapping_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.setStretchLastSection(True)
        self.mapping_table.setColumnWidth(2, 140)
        self.mapping_table.verticalHeader().setDefaultSectionSize(30)

        self.check_button = QPushButton(self.tr("确认对应关系并检查"))
        self.check_button.setObjectName("primaryButton")
        self.check_button.setEnabled(False)
        self.check_button.clicked.connect(self.validate)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)

        self.problem_table = QTableWidget(0, 4)
        self.problem_table.setHorizontalHeaderLabels([self.tr("行"), self.tr("列"), self.tr("值"),
                                                      self.tr("原因")])
        self.problem_table.verticalHeader().setVisible(False)
        self.problem_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.problem_table.setAlternatingRowColors(True)
        ph = self.problem_table.horizontalHeader()
        ph.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        ph.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        ph.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        ph.setStretchLastSection(True)
        self.problem_table.setColumnWidth(2, 180)

        self.save_button = QPushButton(self.tr("保存报告…"))
        self.save_button.clicked.connect(lambda: self.save_report())
        self.import_button = QPushButton(self.tr("全部导入"))
        self.import_button.setObjectName("primaryButton")
        self.import_button.clicked.connect(self.import_all)
        self.valid_button = QPushButton(self.tr("只导入有效行"))
        self.valid_button.setToolTip(self.tr("有问题的行不导入；须先保存问题报告，以便改正后再导入"))
        self.valid_button.clicked.connect(lambda: self.import_valid())
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("文件")))
        top.addWidget(self.path_edit, 1)
        top.addWidget(browse)
        sheet_row = QHBoxLayout()
        sheet_row.addWidget(QLabel(self.tr("工作表")))
        sheet_row.addWidget(self.sheet_combo)
        sheet_row.addWidget(self.header_label, 1)
        check_row = QHBoxLayout()
        check_row.addWidget(self.check_button)
        check_row.addWidget(self.summary_label, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(self.valid_button)
        buttons.addWidget(self.import_button)
        buttons.addWidget(close)
        step1 = QLabel(self.tr("① 核对列的对应关系（程序已按表头识别，如有不对请在「对应字段」中改正）"))
        step2 = QLabel(self.tr("② 检查结果：每个问题一行（行号为 Excel 中的行号）"))
        for step in (step1, step2):
            step.setObjectName("stepTitle")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(sheet_row)
        layout.addWidget(step1)
        layout.addWidget(self.mapping_table, 3)
        layout.addLayout(check_row)
        layout.addWidget(step2)
        layout.addWidget(self.problem_table, 2)
        layout.addLayout(buttons)
        self._update_buttons()

    # -- 1. the file and its mapping ---------------------------------------------------------
    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择旧台账"), "",
                                              self.tr("Excel 工作簿 (*.xlsx)"))
        if path:
            self.load(path)

    def _sheet_chosen(self) -> None:
        if self.path is not None:
            self.load(self.path, self.sheet_combo.currentText())

    def load(self, path: Path | str, sheet: str | None = None) -> Job:
        """Find the header and propose the mapping (on the worker)."""
        self.path = Path(path)
        self.path_edit.setText(str(self.path))
        self.proposal, self.plan, self.result = None, None, None
        self.mapping_table.setRowCount(0)
        self._show_problems([])
        self.summary_label.setText(self.tr("正在读取工作簿…"))
        self.summary_label.setStyleSheet("")
        self._update_buttons()
        target = self.path

        def read(_p: Any, _c: Any) -> tuple[import_ledger.Proposal, list[list[Any]]]:
            proposal = import_ledger.propose(target, sheet)
            grid = xlsx_read.read_grid(xlsx_read.open_workbook(target), proposal.sheet)
            samples = []
            for r in range(proposal.header_row + 1, len(grid.rows) + 1):
                cells = grid.rows[r - 1]
                if not xlsx_read.is_blank(cells):
                    samples.append(cells)
                if len(samples) >= SAMPLE_ROWS:
                    break
            return proposal, samples

        self.job = Job(self, self.tr("导入旧台账"), self.tr("正在读取工作簿…"), read)
        self.job.finished.connect(self._loaded)
        self.job.failed.connect(self._load_failed)
        return self.job.start()

    def _load_failed(self, error: BaseException) -> None:
        self.summary_label.setText(error_text(error))
        self.summary_label.setStyleSheet("color: #b00020;")
        self._update_buttons()

    def _loaded(self, loaded: tuple[import_ledger.Proposal, list[list[Any]]]) -> None:
        proposal, samples = loaded
        self.proposal = proposal
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        self.sheet_combo.addItems(proposal.sheets)
        self.sheet_combo.setCurrentText(proposal.sheet)
        self.sheet_combo.blockSignals(False)
        self.header_label.setText(self.tr("表头在第 %1 行，共 %2 列").replace(
            "%1", str(proposal.header_row)).replace("%2", str(len(proposal.headers))))
        by_column = {col: f for f, col in proposal.mapping.items()}
        table = self.mapping_table
        table.setRowCount(len(proposal.headers))
        for col, head in enumerate(proposal.headers):
            letter = import_ledger._col_name(col)
            table.setItem(col, 0, QTableWidgetItem(letter))
            table.setItem(col, 1, QTableWidgetItem(head))
            combo = QComboBox()
            combo.addItem(NOT_IMPORTED, "")
            for f, label in import_ledger.LABELS.items():
                combo.addItem(label + ("（必填）" if f in import_ledger.REQUIRED else ""), f)
            field = by_column.get(col, "")
            combo.setCurrentIndex(max(combo.findData(field), 0))
            combo.currentIndexChanged.connect(lambda _i, c=col: self._mapping_changed(c))
            table.setCellWidget(col, 2, combo)
            sample = "　|　".join(xlsx_read.text(r[col]) for r in samples if col < len(r) and
                                 xlsx_read.text(r[col]))
            table.setItem(col, 3, QTableWidgetItem(sample))
        self.summary_label.setText(self.tr("请核对对应关系，然后按「确认对应关系并检查」。"))
        self.summary_label.setStyleSheet("")
        self._update_buttons()

    def field_combo(self, col: int) -> QComboBox:
        return self.mapping_table.cellWidget(col, 2)

    def mapping(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for col in range(self.mapping_table.rowCount()):
            field = self.field_combo(col).currentData()
            if field:
                out[field] = col
        return out

    def set_field(self, col: int, field: str) -> None:
        combo = self.field_combo(col)
        combo.setCurrentIndex(max(combo.findData(field), 0))

    def _mapping_changed(self, col: int) -> None:
        field = self.field_combo(col).currentData()
        if field:  # one column per field: the one chosen last wins
            for other in range(self.mapping_table.rowCount()):
                if other != col and self.field_combo(other).currentData() == field:
                    combo = self.field_combo(other)
                    combo.blockSignals(True)
                    combo.setCurrentIndex(0)
                    combo.blockSignals(False)
        self.plan, self.result = None, None
        self._show_problems([])
        missing = [import_ledger.LABELS[f] for f in import_ledger.REQUIRED if f not in self.mapping()]
        self.summary_label.setText(
            self.tr("缺少必填字段：%1").replace("%1", "、".join(missing)) if missing
            else self.tr("对应关系已改动，请重新检查。"))
        self.summary_label.setStyleSheet("color: #b00020;" if missing else "")
        self._update_buttons()

    # -- 2. validating -----------------------------------------------------------------------------
    def validate(self) -> Job | None:
        if self.proposal is None or self.path is None:
            return None
        mapping = self.mapping()
        used = set(mapping.values())
        proposal = replace(self.proposal, mapping=mapping,
                           unused=[h for i, h in enumerate(self.proposal.headers) if h and i not in used])
        reg, path = self.reg, self.path
        self.plan, self.result = None, None
        self.summary_label.setText(self.tr("正在逐行检查…"))
        self._update_buttons()
        self.job = Job(self, self.tr("导入旧台账"), self.tr("正在逐行检查…"),
                       lambda _p, _c: import_ledger.plan(reg, path, proposal))
        self.job.finished.connect(self._validated)
        self.job.failed.connect(self._load_failed)
        return self.job.start()

    def _validated(self, plan: import_ledger.Plan) -> None:
        self.plan = plan
        self.result = import_ledger.ImportResult(plan)
        self._show_plan()

    def _show_plan(self) -> None:
        plan = self.plan
        assert plan is not None
        bad = len(plan.invalid_rows)
        text = (self.tr("共读取 %1 行：可导入 %2 行，此前已导入（跳过）%3 行，有问题 %4 行；"
                        "空行、合计行等 %5 行未读取。")
                .replace("%1", str(plan.total)).replace("%2", str(len(plan.rows)))
                .replace("%3", str(len(plan.skipped))).replace("%4", str(bad))
                .replace("%5", str(plan.ignored)))
        if plan.problems:
            text += self.tr("有问题的行须先在 Excel 中改正；或按「只导入有效行」并保存问题报告。")
        elif plan.rows:
            text += self.tr("全部通过，可以导入。")
        self.summary_label.setText(text)
        self.summary_label.setStyleSheet("color: #b00020;" if plan.problems else "color: #1b7f3b;")
        self._show_problems(plan.problems)
        self._update_buttons()

    def _show_problems(self, problems: list[import_ledger.Problem]) -> None:
        table = self.problem_table
        table.setRowCount(len(problems))
        for i, p in enumerate(problems):
            for j, value in enumerate((str(p.row) if p.row else "", p.column, p.value, p.reason)):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                table.setItem(i, j, item)

    def problems(self) -> list[tuple[str, str, str, str]]:
        """The report as shown: (行, 列, 值, 原因) per problem."""
        t = self.problem_table
        return [tuple(t.item(r, c).text() for c in range(4)) for r in range(t.rowCount())]

    def _update_buttons(self) -> None:
        busy = self.job is not None and not self.job.done
        plan = self.plan
        applied = self.result is not None and self.result.applied
        self.check_button.setEnabled(not busy and self.proposal is not None and
                                     all(f in self.mapping() for f in import_ledger.REQUIRED))
        self.import_button.setEnabled(not busy and not applied and plan is not None
                                      and bool(plan.rows) and not plan.problems)
        self.valid_button.setEnabled(not busy and not applied and plan is not None
                                     and bool(plan.rows) and bool(plan.problems))
        self.save_button.setEnabled(plan is not None)

    # -- 3. importing -------------------------------------------------------------------------------
    def report_text(self) -> str:
        return self.result.report() if self.result is not None else ""

    def save_report(self, path: Path | str | None = None) -> Path | None:
        if self.plan is None:
            return None
        if path is None:
            stem = self.path.stem if self.path else "台账"
            path, _ = QFileDialog.getSaveFileName(
                self, self.tr("保存导入报告"), f"{stem}_导入报告.xlsx",
                self.tr("Excel 工作簿 (*.xlsx);;文本文件 (*.txt)"))
            if not path:
                return None
        try:
            self.report_path = save_report(path, self.plan, self.report_text())
        except BaomiError as e:
            tell(self, self.tr("保存导入报告"), e.message, warning=True)
            return None
        return self.report_path

    def import_all(self) -> Job | None:
        """Import every row: only when no row has a problem (all-or-nothing)."""
        if self.plan is None or self.plan.problems or not self.plan.rows:
            return None
        return self._apply(valid_rows_only=False)

    def import_valid(self, report_path: Path | str | None = None) -> Job | None:
        """Import the valid rows only, after the report of the others is saved."""
        if self.plan is None or not self.plan.rows:
            return None
        if self.save_report(report_path) is None:
            return None
        return self._apply(valid_rows_only=True)

    def _apply(self, *, valid_rows_only: bool) -> Job:
        reg, plan = self.reg, self.plan
        assert plan is not None
        self.job = Job(self, self.tr("导入旧台账"), self.tr("正在导入…"),
                       lambda progress, cancel: import_ledger.apply(
                           reg, plan, valid_rows_only=valid_rows_only, progress=progress,
                           cancel=cancel))
        self.job.finished.connect(self._applied)
        self.job.failed.connect(self._apply_failed)
        self._update_buttons()
        return self.job.start()

    def _apply_failed(self, error: BaseException) -> None:
        self.summary_label.setText(error_text(error) + self.tr("（未导入任何内容）"))
        self.summary_label.setStyleSheet("color: #b00020;")
        self._update_buttons()

    def _applied(self, result: import_ledger.ImportResult) -> None:
        self.result = result
        self._show_plan()
        if self.report_path is not None:
            save_report(self.report_path, result.plan, result.report())  # the final report
        if result.applied:
            self.summary_label.setText(
                self.tr("已导入 %1 件载体（保留原登记号 %2 件）。").replace(
                    "%1", str(len(result.imported))).replace("%2", str(result.kept_numbers))
                + (self.tr("问题报告已保存：%1").replace("%1", str(self.report_path))
                   if self.report_path and result.plan.problems else ""))
            self.summary_label.setStyleSheet("color: #1b7f3b;")
            self.imported.emit(result.imported)
        else:
            self.summary_label.setText(self.tr("导入时发现问题，未导入任何内容：") +
                                       "；".join(p.text() for p in result.plan.problems[:3]))
            self.summary_label.setStyleSheet("color: #b00020;")
        self._update_buttons()
