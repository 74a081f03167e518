"""A small register with a bit of everything, for printing and export tests."""
from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest

from app.clock import FakeClock
from app.ledger import settings
from app.ledger.carriers import NewCarrier, receive
from app.store.journaling import head


@dataclass
class Filled:
    reg: object
    clock: FakeClock
    numbers: dict[str, str] = field(default_factory=dict)  # label -> register number


def journal_head(reg) -> tuple[int, str]:
    with reg.read() as s:
        return head(s)


def pdf_text(path: Path, *, layout: bool = True, raw: bool = False) -> str:
    """pdftotext output with Kangxi radicals folded back (Qt's text layer writes ⼯ for 工,
    ⽇ for 日 … where the font maps both code points to one glyph)."""
    mode = ["-raw"] if raw else (["-layout"] if layout else [])
    args = ["pdftotext", *mode, str(path), "-"]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    table = _radicals()
    return out.translate(table)


_RADICAL_TABLE: dict[int, str] = {}


def _radicals() -> dict[int, str]:
    """Radical code point -> the ideograph the shipped font draws with the same glyph."""
    if _RADICAL_TABLE:
        return _RADICAL_TABLE
    from PySide6.QtGui import QRawFont

    from app.io import qtenv
    raw = QRawFont.fromFont(qtenv.font(10))
    glyph_of = {}
    for cp in range(0x4E00, 0xA000):
        g = raw.glyphIndexesForString(chr(cp))
        if g and g[0]:
            glyph_of.setdefault(g[0], chr(cp))
    for cp in range(0x2E80, 0x2FE0):
        nfkc = unicodedata.normalize("NFKC", chr(cp))
        if nfkc != chr(cp):
            _RADICAL_TABLE[cp] = nfkc
            continue
        g = raw.glyphIndexesForString(chr(cp))
        if g and g[0] in glyph_of:
            _RADICAL_TABLE[cp] = glyph_of[g[0]]
    return _RADICAL_TABLE


def flat(path: Path) -> str:
    """The text in drawing order without line breaks and spaces: a wrapped cell reads as one
    string (compare with `nospace`)."""
    return re.sub(r"[\s]+", "", pdf_text(path, raw=True).replace("\f", "\x00")).replace("\x00", "\f")


def nospace(text: str) -> str:
    return re.sub(r"\s+", "", text)


def page_no(text: str, n: int, m: int) -> bool:
    """"第 n 页 / 共 m 页" as pdftotext writes it (it may drop the narrow spaces)."""
    return re.search(rf"第\s*{n}\s*页\s*/\s*共\s*{m}\s*页", text) is not None


def pdf_pages(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="poppler-utils (pdftotext) not installed")


@pytest.fixture
def filled(clerk_reg, people, clock: FakeClock) -> Filled:
    """October–November 2026: receipts of every level, a loan, a take-out, a copy,
    an archive, a destruction, a withdrawal and a 定密."""
    from app.ledger.archive import archive
    from app.ledger.copies import copy
    from app.ledger.destruction import destroy
    from app.ledger.loans import lend, return_
    from app.ledger.withdraw import withdraw

    reg = clerk_reg
    with reg.operation("设置") as s:
        settings.put(s, "unit_name", "某市保密局机关")
    f = Filled(reg, clock)
    clock.set(datetime(2026, 11, 20, 9, 0))

    def rx(label: str, title: str, level: str, *, serial: str = "", day: int = 5, month: int = 10,
           **kw) -> str:
        [n] = receive(reg, NewCarrier(title=title, level=level, issuer=kw.pop("issuer", "市委办公厅"),
                                      doc_no=kw.pop("doc_no", f"市委办发〔2026〕{day}号"),
                                      serial=serial, received_by="张三", **kw),
                      at=datetime(2026, month, day, 9, 30))
        f.numbers[label] = n
        return n

    rx("secret", "关于做好2026年度保密自查自评工作的通知", "秘密", day=8)
    rx("confidential", "市国家安全工作领导小组会议纪要", "机密", serial="003", day=9)
    rx("top", "重要军事设施布局调整方案（绝密件）", "绝密", serial="001", day=10,
       scope=["王局长", "李处长", "赵六"])
    rx("internal", "机关内部通讯录（2026年版）", "内部", day=12)
    rx("long", "关于印发《涉密人员离岗离职脱密期管理规定》《涉密载体管理办法》及《保密要害部门"
               "部位管理规定》的通知（附件三份，含填报说明和各类登记表样式）", "秘密", day=13)
    rx("to_destroy", "过期会议材料汇编", "秘密", day=14)
    rx("to_archive", "2025年度保密工作总结", "秘密", day=15)
    rx("to_return", "上级下发征求意见稿", "秘密", day=16, issuer="省保密局")
    rx("november", "关于开展保密宣传月活动的通知", "秘密", day=3, month=11)
    lend(reg, f.numbers["secret"], borrower="张三", approver="李处长", purpose="起草自查报告",
         at=datetime(2026, 11, 3, 9, 0))
    return_(reg, f.numbers["secret"], returned_by="张三", at=datetime(2026, 11, 3, 16, 0))
    lend(reg, f.numbers["confidential"], borrower="赵六", approver="李处长", purpose="赴省里开会",
         place="带出", due=datetime(2026, 11, 6, 17, 0), at=datetime(2026, 11, 4, 8, 30))
    return_(reg, f.numbers["confidential"], returned_by="赵六", at=datetime(2026, 11, 6, 15, 0))
    copies = copy(reg, f.numbers["secret"], count=2, approver="李处长", by="张三",
                  at=datetime(2026, 11, 5, 10, 0))
    f.numbers["copy1"], f.numbers["copy2"] = copies
    archive(reg, f.numbers["to_archive"], archive_no="WS2026-秘-001", location="档案柜3",
            at=datetime(2026, 11, 10, 10, 0))
    destroy(reg, [f.numbers["to_destroy"]], approver="李处长", witnesses=["张三", "赵六"],
            method="送保密局", at=datetime(2026, 11, 12, 14, 0))
    withdraw(reg, f.numbers["to_return"], to_unit="省保密局", receipt_no="HZ-0012",
             at=datetime(2026, 11, 13, 11, 0))
    lend(reg, f.numbers["november"], borrower="李四", approver="李处长", purpose="学习",
         at=datetime(2026, 11, 20, 8, 40))
    return f
