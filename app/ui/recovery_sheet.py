"""The printed recovery-code sheet: printed once, sealed in an envelope, kept in the safe.

The code is painted straight to the printer; printing to a file is switched
off in the dialog so the code is never written to a disk.
"""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QPainter, QPen
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import QWidget

from app.ui.fonts import cjk_font

INSTRUCTIONS = (
    "1. 本恢复码可在所有账户口令遗失时重新设置口令，其作用等同于登记簿的钥匙。",
    "2. 打印后立即装入信封密封，在封口处签名并注明日期，存放于保密柜。",
    "3. 不得拍照、复印、抄录或保存在任何电子设备中；程序也不保存本恢复码。",
    "4. 使用恢复码后，应重新建立恢复码并销毁旧的恢复码纸页（按涉密载体销毁登记）。",
)


def paint_sheet(painter: QPainter, page: QRectF, *, unit: str, code: str, when: datetime) -> None:
    """Lay the sheet out in `page` (device pixels); also used to preview on screen."""
    unit_px = page.width() / 100  # sizes relative to the page width
    painter.save()
    painter.setPen(QPen(Qt.GlobalColor.black))
    y = page.top()

    def text(line: str, font: QFont, height: float, flags=Qt.AlignmentFlag.AlignLeft) -> None:
        nonlocal y
        painter.setFont(font)
        rect = QRectF(page.left(), y, page.width(), height)
        painter.drawText(rect, int(flags | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap), line)
        y += height

    def font(size_units: float, bold: bool = False) -> QFont:
        f = cjk_font(10, bold)
        f.setPixelSize(max(8, int(size_units * unit_px)))
        return f

    text("保密台账 · 登记簿恢复码", font(4.2, True), 9 * unit_px, Qt.AlignmentFlag.AlignHCenter)
    text(f"单位：{unit}", font(2.4), 5 * unit_px)
    text(f"生成时间：{when:%Y年%m月%d日 %H:%M}", font(2.4), 5 * unit_px)
    y += 3 * unit_px
    code_font = QFont("DejaVu Sans Mono")
    code_font.setStyleHint(QFont.StyleHint.Monospace)
    code_font.setBold(True)
    code_font.setPixelSize(int(4.0 * unit_px))
    box = QRectF(page.left(), y, page.width(), 14 * unit_px)
    painter.setPen(QPen(Qt.GlobalColor.black, max(1.0, 0.3 * unit_px), Qt.PenStyle.DashLine))
    painter.drawRect(box)
    painter.setPen(QPen(Qt.GlobalColor.black))
    painter.setFont(code_font)
    painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), code)
    y += 18 * unit_px
    for line in INSTRUCTIONS:
        text(line, font(2.3), 7 * unit_px)
    y += 6 * unit_px
    text("封存人签名：____________    见证人签名：____________    日期：____________",
         font(2.3), 6 * unit_px)
    painter.restore()


def print_sheet(parent: QWidget, *, unit: str, code: str, when: datetime) -> bool:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName("保密台账恢复码")
    dialog = QPrintDialog(printer, parent)
    # Never to a PDF or PostScript file: the code must stay on paper only.
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile, False)
    dialog.setWindowTitle(parent.tr("打印恢复码"))
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    if printer.outputFormat() != QPrinter.OutputFormat.NativeFormat or printer.outputFileName():
        return False
    painter = QPainter(printer)
    try:
        page = QRectF(printer.pageLayout().paintRectPixels(printer.resolution()))
        page.moveTo(0, 0)
        paint_sheet(painter, page, unit=unit, code=code, when=when)
    finally:
        painter.end()
    return True


