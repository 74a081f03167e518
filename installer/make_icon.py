"""Draw the program icon: a red seal-like square with 密 in the shipped font.

    QT_QPA_PLATFORM=offscreen python installer/make_icon.py

writes installer/baomi.png (256×256, used by the .deb menu entry) and
installer/windows/baomi.ico (for the Windows executable and shortcut).  Both
are committed; run this again only to change the drawing.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from PySide6.QtCore import QRectF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPainterPath, QPen  # noqa: E402

from app.ui.fonts import cjk_font  # noqa: E402

SEAL_RED = QColor(190, 30, 30)


def draw(size: int) -> QImage:
    img = QImage(size, size, QImage.Format.Format_ARGB32)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    s = float(size)
    outer = QRectF(s * 0.04, s * 0.04, s * 0.92, s * 0.92)
    path = QPainterPath()
    path.addRoundedRect(outer, s * 0.10, s * 0.10)
    p.fillPath(path, SEAL_RED)
    # the inner border of a seal
    pen = QPen(QColor(255, 240, 235))
    pen.setWidthF(max(1.0, s * 0.035))
    p.setPen(pen)
    p.drawRoundedRect(QRectF(s * 0.13, s * 0.13, s * 0.74, s * 0.74), s * 0.05, s * 0.05)
    font = cjk_font(10, bold=True)
    font.setPixelSize(max(8, int(s * 0.56)))
    p.setFont(font)
    p.drawText(QRectF(0, -s * 0.02, s, s), Qt.AlignmentFlag.AlignCenter, "密")
    p.end()
    return img


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    png = HERE / "baomi.png"
    if not draw(256).save(str(png), "PNG"):
        print(f"无法写入 {png}", file=sys.stderr)
        return 1
    ico = HERE / "windows" / "baomi.ico"
    ico.parent.mkdir(exist_ok=True)
    # Qt's ico writer stores one image per file; 256 px is what Windows scales from.
    if not draw(256).save(str(ico), "ICO"):
        print(f"无法写入 {ico}（缺少 Qt 的 ico 插件）", file=sys.stderr)
        return 1
    print(f"已生成 {png} 与 {ico}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
