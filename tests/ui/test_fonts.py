"""The shipped Chinese font: it loads, covers what the clerk types and reads, and Qt uses it."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QImage, QPainter, QRawFont

from app.ui import fonts

REPO_ROOT = Path(__file__).resolve().parents[2]

LEDGER_TEXT = (
    "今日 收发登记 借阅登记 复制登记 外出携带 清查清退 销毁登记 归档 交接 定密 失泄密事件 "
    "涉密人员 计算机与介质 日志 序号 登记号 文号 名称 密级 份数 份号 来文单位 收文日期 保密期限 "
    "签收人 去向 备注 批准人 监销人 交接清单 秘密 机密 绝密 内部 涉密载体 保密员 系统管理员 领导 "
    "检查人员 核对结果 在库 借出 已发出 已清退 已归档 已销毁 下落不明 第页共"
)


def gb2312_level1() -> str:
    """Every character of GB2312 level 1 (rows 0xB0-0xD7), the everyday hanzi set."""
    chars: list[str] = []
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.append(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                continue  # 0xD7FA-0xD7FE are unassigned
    return "".join(chars)


@pytest.fixture
def family(qapp) -> str:
    return fonts.register_fonts()


@pytest.fixture
def restore_app_font(qapp):
    """apply_app_font changes the session-wide QApplication; put the old font back."""
    old = QFont(qapp.font())
    yield
    qapp.setFont(old)


@pytest.fixture
def fresh_cache():
    fonts.reset_cache()
    yield
    fonts.reset_cache()


def test_shipped_font_registers_and_family_is_found(family: str) -> None:
    assert fonts.font_files(), f"no font files in {fonts.FONT_DIR}"
    assert family == fonts.PREFERRED_FAMILY
    assert family in QFontDatabase.families()
    assert QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(family)
    assert "Regular" in QFontDatabase.styles(family)
    assert fonts.register_bold() == family  # the Bold face joins the same family
    assert {"Regular", "Bold"} <= set(QFontDatabase.styles(family))


def test_bold_face_is_a_shipped_file_registered_on_demand() -> None:
    bold = [p.name for p in fonts.font_files() if fonts.is_bold_file(p)]
    assert bold == ["NotoSansCJKsc-Bold.otf"]
    assert fonts._start_files(fonts.font_files()) == [fonts.FONT_DIR / "NotoSansCJKsc-Regular.otf"]
    only_bold = [fonts.FONT_DIR / "NotoSansCJKsc-Bold.otf"]
    assert fonts._start_files(only_bold) == only_bold  # a family must load all the same


# A fresh process: the start registers the Regular face only; bold text on screen still
# looks bold (Qt emboldens the regular glyphs); printing's bold font loads the Bold face.
_BOLD_ON_DEMAND = """
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QImage, QPainter, QRawFont
from PySide6.QtWidgets import QApplication
from app.ui import fonts

app = QApplication([])
fonts.apply_app_font(app)
family = fonts.register_fonts()
assert QFontDatabase.styles(family) == ["Regular"], QFontDatabase.styles(family)
assert [p.name for p in fonts._loaded] == ["NotoSansCJKsc-Regular.otf"], fonts._loaded

def ink(bold):
    font = QFont(app.font())
    font.setPixelSize(48)
    font.setBold(bold)
    img = QImage(8 * 56, 64, QImage.Format.Format_RGB32)
    img.fill(QColor("white"))
    p = QPainter(img)
    p.setFont(font)
    p.setPen(QColor("black"))
    p.drawText(img.rect(), Qt.AlignmentFlag.AlignCenter, "收发登记保密台账")
    p.end()
    white = QColor("white").rgb()
    return sum(img.pixel(x, y) != white for y in range(img.height()) for x in range(img.width()))

regular, bold = ink(False), ink(True)
assert regular > 2000 and bold > regular * 1.15, (regular, bold)
raw = QRawFont.fromFont(fonts.cjk_font(10, bold=True))
assert raw.styleName() == "Bold" and sorted(QFontDatabase.styles(family)) == ["Bold", "Regular"]
print(regular, bold)
"""


def test_bold_on_screen_without_the_bold_face_and_in_print_with_it() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", _BOLD_ON_DEMAND], cwd=REPO_ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr


def test_register_fonts_is_idempotent(family: str) -> None:
    loaded = dict(fonts._loaded)
    assert fonts.register_fonts() == family
    fonts.reset_cache()
    assert fonts.register_fonts() == family
    assert fonts._loaded == loaded  # no file handed to Qt twice


def test_no_system_cjk_font_here(family: str) -> None:
    """Records the premise of the coverage test: nothing but our font can draw '密'."""
    ours = {family}
    others = []
    for fam in QFontDatabase.families():
        raw = QRawFont.fromFont(QFont(fam))  # the face Qt actually resolves, without fallback
        if raw.familyName() not in ours and raw.supportsCharacter(ord("密")):
            others.append(f"{fam} -> {raw.familyName()}")
    if others:
        pytest.skip("this machine has a system CJK font; coverage is still checked on the file: "
                    + ", ".join(others))


# Named explicitly so a missing file fails here instead of shrinking the parameter list.
SHIPPED_FILES = ("NotoSansCJKsc-Regular.otf", "NotoSansCJKsc-Bold.otf")


@pytest.mark.parametrize("name", SHIPPED_FILES)
def test_shipped_file_covers_ledger_text_and_gb2312_level1(qapp, name: str) -> None:
    path = fonts.FONT_DIR / name
    assert path.is_file(), f"找不到随程序提供的中文字体文件：{path}"
    raw = QRawFont(str(path), 12)  # the file itself, so a system font cannot mask a gap
    assert raw.isValid(), path
    wanted = "".join(dict.fromkeys(LEDGER_TEXT.replace(" ", "") + gb2312_level1()))
    assert len(gb2312_level1()) == 3755 and len(wanted) == 3755  # ledger words are all level 1
    # Pass code points: PySide6 6.12 maps a str argument to the QChar overload wrongly
    # (supportsCharacter("登") is False even though the glyph is there).
    missing = [c for c in wanted if not raw.supportsCharacter(ord(c))]
    assert not missing, f"{path.name} lacks {len(missing)} characters: {''.join(missing)}"


def test_apply_app_font_sets_application_default(qapp, restore_app_font) -> None:
    font = fonts.apply_app_font(qapp, point_size=11)
    assert qapp.font().family() == fonts.register_fonts()
    assert font.family() == qapp.font().family()
    assert qapp.font().pointSize() == 11
    assert QRawFont.fromFont(qapp.font()).familyName() == fonts.PREFERRED_FAMILY


def test_cjk_font_for_printing(family: str) -> None:
    font = fonts.cjk_font(12.5)
    assert font.family() == family and font.pointSizeF() == 12.5 and not font.bold()
    bold = QRawFont.fromFont(fonts.cjk_font(10, bold=True))
    assert bold.familyName() == family and bold.styleName() == "Bold"


def _render(text: str, font: QFont, width: int = 64) -> QImage:
    img = QImage(width, 64, QImage.Format.Format_RGB32)
    img.fill(QColor("white"))
    p = QPainter(img)
    p.setFont(font)
    p.setPen(QColor("black"))
    p.drawText(img.rect(), Qt.AlignmentFlag.AlignCenter, text)
    p.end()
    return img


def _ink(img: QImage) -> int:
    """How many pixels are not white."""
    white = QColor("white").rgb()
    return sum(img.pixel(x, y) != white for y in range(img.height()) for x in range(img.width()))


def test_rendered_glyphs_are_real_and_distinct(qapp, restore_app_font) -> None:
    font = QFont(fonts.apply_app_font(qapp))
    font.setPixelSize(48)
    images = {c: _render(c, font) for c in "绝密载"}
    for c, img in images.items():
        assert _ink(img) > 100, f"{c} rendered blank"
    a, b, c = images.values()
    # Missing glyphs would all draw the same .notdef box.
    assert a != b and b != c and a != c
    line = _render("绝密载体不得复印", font, width=8 * 52)
    assert _ink(line) > 8 * 100


def test_empty_font_folder_raises_in_chinese(qapp, tmp_path: Path, monkeypatch, fresh_cache) -> None:
    monkeypatch.setattr(fonts, "FONT_DIR", tmp_path)
    with pytest.raises(RuntimeError, match="找不到随程序提供的中文字体文件") as exc:
        fonts.register_fonts()
    assert str(tmp_path) in str(exc.value)


def test_unloadable_font_file_raises_in_chinese(qapp, tmp_path: Path, monkeypatch,
                                                fresh_cache) -> None:
    (tmp_path / "broken.otf").write_bytes(b"not a font")
    monkeypatch.setattr(fonts, "FONT_DIR", tmp_path)
    with pytest.raises(RuntimeError, match="中文字体文件无法加载"):
        fonts.register_fonts()


def test_works_with_only_a_qguiapplication() -> None:
    """The CLI prints with an offscreen QGuiApplication and no widgets."""
    code = (
        "from PySide6.QtGui import QGuiApplication, QRawFont\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QGuiApplication([])\n"
        "assert QApplication.instance() is None or not isinstance(app, QApplication)\n"
        "from app.ui import fonts\n"
        "fam = fonts.register_fonts()\n"
        "raw = QRawFont.fromFont(fonts.cjk_font(10))\n"
        "assert raw.familyName() == fam and raw.supportsCharacter(ord('密')), raw.familyName()\n"
        "print(fam)\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == fonts.PREFERRED_FAMILY
