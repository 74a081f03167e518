"""Qt for printing without a window: the CLI has no QApplication, so make an offscreen one.

Only printing, labels and reports need Qt (QPdfWriter, QPainter, the shipped
font); export and import do not import this module.
"""
from __future__ import annotations

import os
import sys

from PySide6.QtGui import QFont, QGuiApplication

from app.ui import fonts

_app: QGuiApplication | None = None


def ensure_gui() -> str:
    """Make sure a QGuiApplication exists and the shipped CJK faces (Regular, Bold) are registered.

    Returns the font family.  When the program already runs its window (a
    QApplication exists) that one is used; otherwise an offscreen
    QGuiApplication is created once and kept for the life of the process.
    """
    global _app
    if QGuiApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _app = QGuiApplication([sys.argv[0] if sys.argv else "baomi"])
    # Both faces before the job makes any font: registering the Bold face halfway
    # (cjk_font(bold=True)) changes Qt's font database under fonts already resolved.
    return fonts.register_bold()


def font(point_size: float, bold: bool = False) -> QFont:
    ensure_gui()
    f = fonts.cjk_font(point_size, bold)
    # Kerning and hinting off: metrics stay linear so that measuring at one
    # resolution and painting at the same one agree exactly.
    f.setKerning(False)
    f.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    # The font's 'locl' substitution swaps the digits of Latin runs (a register number,
    # the checkpoint) for glyphs the PDF's text layer cannot map back to characters:
    # printed fine, but copied or searched as blanks.  The SC face looks the same without it.
    f.setFeature(QFont.Tag("locl"), 0)
    return f
