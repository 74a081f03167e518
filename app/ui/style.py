"""The look of the app: one style sheet, the colours of the 密级, sizes used everywhere."""
from __future__ import annotations

from PySide6.QtGui import QColor

# Text and background of a 密级 cell: 绝密 red, 机密 orange, 秘密 amber, 内部 grey.
LEVEL_COLOURS: dict[str, tuple[str, str]] = {
    "绝密": ("#b00020", "#fde4e4"),
    "机密": ("#c25400", "#fdeedc"),
    "秘密": ("#8a6d00", "#fdf6d8"),
    "内部": ("#555555", "#eeeeee"),
}


def level_foreground(level: str) -> QColor | None:
    pair = LEVEL_COLOURS.get(level)
    return QColor(pair[0]) if pair else None


def level_background(level: str) -> QColor | None:
    pair = LEVEL_COLOURS.get(level)
    return QColor(pair[1]) if pair else None


def alert_foreground(text: str) -> QColor | None:
    """超期 and 逾期 in red, 今日须 in orange: what the clerk must act on today."""
    if text.startswith(("超期", "逾期")):
        return QColor("#b00020")
    if text.startswith("今日"):
        return QColor("#c25400")
    return None


ACCENT = "#a4161a"  # the red of official seals, used sparingly
# A label with this dynamic property set to True is centred by the style sheet (set it
# before the label is shown).  Used by the first window, which must not touch `Qt`.
CENTRED = "centred"

STYLE_SHEET = f"""
QMainWindow, QDialog, QWizard {{ background: #f6f6f4; }}
QListWidget#navigation {{
    background: #2b2f36; color: #e8e8e8; border: none; outline: none;
    font-size: 11pt; padding-top: 6px;
}}
QListWidget#navigation::item {{ padding: 9px 14px; border-left: 3px solid transparent; }}
QListWidget#navigation::item:selected {{
    background: #3d434d; color: white; border-left: 3px solid {ACCENT};
}}
QListWidget#navigation::item:hover:!selected {{ background: #353a42; }}
QLabel#pageTitle {{ font-size: 15pt; font-weight: bold; color: #222; }}
QLabel#pageHint {{ color: #666; }}
QLabel#dialogTitle {{ font-size: 16pt; font-weight: bold; color: #222; }}
QLabel#errorText {{ color: #b00020; }}
QLabel[{CENTRED}="true"] {{ qproperty-alignment: AlignCenter; }}
QLabel#rulesText {{ color: #555; }}
QFrame#banner {{ background: #fff4ce; border: 1px solid #e0c060; border-radius: 4px; }}
QFrame#noticeBanner {{ background: #fde4e4; border: 1px solid #e0a0a0; border-radius: 4px; }}
QLabel#recoveryCode {{
    font-family: "DejaVu Sans Mono", "Consolas", monospace; font-size: 17pt;
    font-weight: bold; letter-spacing: 1px; color: #111;
    background: white; border: 2px dashed {ACCENT}; padding: 16px;
}}
QLabel#levelBadge {{ color: white; background: {ACCENT}; border-radius: 3px; padding: 1px 8px; }}
QTableView {{
    background: white; alternate-background-color: #f7f7f7; gridline-color: #dddddd;
    selection-background-color: #cfe3ff; selection-color: black; font-size: 10.5pt;
}}
QHeaderView::section {{
    background: #ebebe8; padding: 5px 6px; border: none;
    border-right: 1px solid #d6d6d2; border-bottom: 1px solid #d6d6d2; font-weight: bold;
}}
QLineEdit#searchBox {{ padding: 5px 8px; border: 1px solid #c8c8c4; border-radius: 4px; background: white; }}
QWidget#lockScreen {{ background: #2b2f36; }}
QFrame#lockCard {{ background: #f6f6f4; border-radius: 8px; }}
QStatusBar {{ background: #ebebe8; }}
QStatusBar QLabel {{ padding: 2px 10px; }}
QStatusBar QLabel#levelBadge {{ padding: 1px 10px; margin: 2px 6px; }}
QLabel#emptyNote {{ color: #888; font-size: 11pt; }}
QToolBar#mainToolBar {{ spacing: 6px; padding: 2px 8px; }}
"""

# The look of the print / export / import dialogs' own parts (app/ui/io_dialogs.py, the journal).
DIALOG_STYLE = f"""
QPushButton#primaryButton {{ background: {ACCENT}; color: white; border: none;
    border-radius: 3px; padding: 5px 14px; font-weight: bold; }}
QPushButton#primaryButton:disabled {{ background: #d8d8d4; color: #888888; }}
QLabel#stepTitle {{ font-weight: bold; color: #333333; padding-top: 6px; }}
"""
