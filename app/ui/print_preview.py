"""打印 and 打印预览: Qt's print dialogs driving the io layer's painters onto a QPrinter.

The io layer lays pages out with QPainter on any QPagedPaintDevice
(`app.io.printing.render`, `labels.render_labels`, `report.render_report`); a
QPrinter is one.  Here a "painter" is any `paint(printer)` callable: the
preview dialog calls it whenever it needs the pages (on opening, and again
when the clerk changes the page setup), the print dialog once.

The page layout (A4, landscape for ledgers, the margins of the paper forms)
is set on the printer before the dialog opens, and the io layer is told not
to set it again (`page_setup=False`), so what the clerk changes in the dialog
is what gets printed.

Hazard: painting runs on the GUI thread (a QPrinter is not thread-safe);
10,000 rows take about three seconds.  The rows themselves are read
beforehand, off the GUI thread (app/ui/io_dialogs.py).
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from app.errors import BaomiError
from app.io.printing import setup_page

Paint = Callable[[QPrinter], object]


PRINT_DPI = 600  # the page engine lays text out at the device's resolution


def configure(printer: QPrinter, *, landscape: bool = True, title: str = "") -> QPrinter:
    printer.setResolution(PRINT_DPI)
    printer.setDocName(title or "保密台账")
    printer.setCreator("baomi 保密台账")
    setup_page(printer, landscape=landscape)
    return printer


def new_printer(*, landscape: bool = True, title: str = "") -> QPrinter:
    return configure(QPrinter(QPrinter.PrinterMode.HighResolution), landscape=landscape,
                     title=title)


def pdf_printer(path: Path | str, *, landscape: bool = True, title: str = "") -> QPrinter:
    """A printer that writes a PDF file (tests, and 另存为 PDF from the print dialog)."""
    printer = new_printer(landscape=landscape, title=title)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def guarded(parent: QWidget | None, paint: Paint) -> Callable[[QPrinter], None]:
    """Run a painter with a busy cursor; a refusal of the io layer becomes a message."""
    def run(printer: QPrinter) -> None:
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            paint(printer)
        except BaomiError as e:
            QGuiApplication.restoreOverrideCursor()
            box = QMessageBox(QMessageBox.Icon.Warning, "打印", e.message,
                              QMessageBox.StandardButton.Ok, parent)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()  # never blocks: the preview is painting
            return
        QGuiApplication.restoreOverrideCursor()
    return run


def open_preview(parent: QWidget | None, paint: Paint, *, landscape: bool = True,
                 title: str = "打印预览") -> QPrintPreviewDialog:
    """A non-blocking print preview; its 打印 button prints what it shows."""
    # The dialog's own printer: it lives and dies with the dialog (a Python-owned one
    # could be collected while the dialog, deleted later, still points at it).
    dialog = QPrintPreviewDialog(parent)
    configure(dialog.printer(), landscape=landscape, title=title)
    dialog.setWindowTitle(title)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.paintRequested.connect(guarded(parent, paint))
    dialog.resize(1000, 760)
    dialog.open()
    return dialog


def open_print(parent: QWidget | None, paint: Paint, *, landscape: bool = True,
               title: str = "打印") -> QPrintDialog:
    """The system print dialog; on 打印 the pages are painted onto the chosen printer."""
    dialog = QPrintDialog(parent)  # its own printer, as above
    configure(dialog.printer(), landscape=landscape, title=title)
    dialog.setWindowTitle(title)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    run = guarded(parent, paint)

    def accepted(result: int) -> None:
        if result == QDialog.DialogCode.Accepted:
            run(dialog.printer())

    dialog.finished.connect(accepted)
    dialog.open()
    return dialog
