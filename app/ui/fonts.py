"""The Simplified-Chinese font shipped with baomi, and helpers to make Qt use it.

The clerk's machine may have no Chinese system font at all (a stripped or
offline Windows image), so every window and every printed ledger must use the
font in resources/fonts/ instead of whatever the system happens to offer.

The Bold face is registered only when code asks for a bold font explicitly
(`cjk_font(bold=True)`: printed pages and reports).  Screens do without it: Qt
draws bold text of a family that has no bold face by emboldening the regular
glyphs, and it looks bold all the same, while the second 11 MB face and its
glyph caches stay out of the window's memory (figure 8).
"""
from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

# app/ui/fonts.py -> repo root is two folders above app/.
_REPO_ROOT = Path(__file__).resolve().parents[2]
# A PyInstaller bundle unpacks its data under sys._MEIPASS, mirroring the repo layout.
# A wheel install (the offline wheelhouse) puts them under <prefix>/share/baomi/fonts.
_CANDIDATES = [Path(getattr(sys, "_MEIPASS", _REPO_ROOT)) / "resources" / "fonts",
               Path(sys.prefix) / "share" / "baomi" / "fonts"]
FONT_DIR: Path = next((d for d in _CANDIDATES if d.is_dir()), _CANDIDATES[0])

# The family name inside the shipped files; preferred when several families load.
PREFERRED_FAMILY = "Noto Sans CJK SC"
FONT_SUFFIXES = (".otf", ".ttf", ".otc", ".ttc")

# Names that documents, style sheets or habits may ask for; without a system copy
# Qt would fall back to a font with no Chinese glyphs, so point them at ours.
_SUBSTITUTED_FAMILIES = ("SimSun", "宋体", "NSimSun", "SimHei", "黑体", "Microsoft YaHei",
                         "微软雅黑", "FangSong", "仿宋", "KaiTi", "楷体")

_family: str | None = None
# Files already handed to Qt: path -> font id. Kept across reset_cache() because Qt
# cannot be told to "forget" cheaply and re-adding an 11 MB file would waste memory.
_loaded: dict[Path, int] = {}


def font_files() -> list[Path]:
    """The font files in FONT_DIR, sorted so Regular/Bold load in a stable order."""
    if not FONT_DIR.is_dir():
        return []
    return sorted(p for p in FONT_DIR.iterdir() if p.is_file() and p.suffix.lower() in FONT_SUFFIXES)


def is_bold_file(path: Path) -> bool:
    """A bold face, by its file name (NotoSansCJKsc-Bold.otf): registered only on demand."""
    return "bold" in path.stem.lower()


def _start_files(files: list[Path]) -> list[Path]:
    """What register_fonts() hands to Qt: every face but the bold ones (unless only bold ones exist)."""
    regular = [p for p in files if not is_bold_file(p)]
    return regular or files


def _add(path: Path) -> list[str]:
    """Hand one file to Qt (once per process); the families it holds, [] if unreadable."""
    key = path.resolve()
    font_id = _loaded.get(key)
    if font_id is None:
        font_id = QFontDatabase.addApplicationFont(str(key))
        if font_id < 0:
            return []
        _loaded[key] = font_id
    return list(QFontDatabase.applicationFontFamilies(font_id))


def reset_cache() -> None:
    """Forget the chosen family so the next register_fonts() looks at FONT_DIR again (tests)."""
    global _family
    _family = None


def register_fonts() -> str:
    """Register the shipped regular face(s) with Qt and return the family to use for Chinese.

    The bold face follows when first asked for (register_bold()).  Needs a
    QGuiApplication (a QApplication is one); printing from the CLI only creates
    an offscreen QGuiApplication, and that is enough.
    """
    global _family
    if _family is not None:
        return _family
    if QGuiApplication.instance() is None:
        # Qt's font database does not exist before the application object.
        raise RuntimeError("加载中文字体前必须先创建 QGuiApplication")

    files = font_files()
    if not files:
        raise RuntimeError(f"找不到随程序提供的中文字体文件：{FONT_DIR}")

    families: list[str] = []
    for path in _start_files(files):
        for fam in _add(path):  # an unreadable file adds nothing; the check below reports it
            if fam not in families:
                families.append(fam)
    if not families:
        names = "、".join(str(p) for p in files)
        raise RuntimeError(f"随程序提供的中文字体文件无法加载：{names}")

    _family = _pick_family(families)
    for name in _SUBSTITUTED_FAMILIES:
        QFont.insertSubstitution(name, _family)
    return _family


def _pick_family(families: list[str]) -> str:
    """The known SC family if present, else the first one Qt says writes Simplified Chinese."""
    if PREFERRED_FAMILY in families:
        return PREFERRED_FAMILY
    for fam in families:
        if QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(fam):
            return fam
    return families[0]


def apply_app_font(app: QGuiApplication, point_size: int | None = None) -> QFont:
    """Make the shipped family the application default so every widget renders Chinese."""
    family = register_fonts()
    font = QFont(app.font())  # keep the platform's size and hinting unless told otherwise
    font.setFamilies([family])
    if point_size is not None:
        font.setPointSize(point_size)
    app.setFont(font)
    return font


def register_bold() -> str:
    """Register the shipped bold face(s) too (once); returns the family, as register_fonts()."""
    family = register_fonts()
    for path in font_files():
        if is_bold_file(path):
            _add(path)  # an unreadable bold face leaves Qt's emboldened regular glyphs
    return family


def cjk_font(point_size: float = 10, bold: bool = False) -> QFont:
    """A font for printing code: the shipped family at an explicit size and weight.

    A bold one uses the real Bold face (registered now if it was not yet)."""
    font = QFont(register_bold() if bold else register_fonts())
    font.setPointSizeF(point_size)
    font.setBold(bold)
    return font
