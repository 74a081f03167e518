"""Every ledger prints from the register: its columns, its rows, the page marking and the
journal checkpoint an inspector can later verify (R54)."""
from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest

from app.errors import BadInput
from app.io import ledger_layouts
from app.io.ledger_print import ledger_doc, ledger_names, print_ledger
from app.ledger import verify
from tests.io.conftest import flat, needs_poppler, nospace, page_no, pdf_text

pytestmark = needs_poppler


def printed(reg, name: str, tmp_path: Path, **kw) -> tuple[str, object]:
    """(text with wrapped cells joined, result)."""
    out = tmp_path / f"{name}.pdf"
    r = print_ledger(reg, name, out, **kw)
    return Flat(flat(out)), r


class Flat(str):
    """`in` ignores spaces on both sides (pdftotext drops or adds them at wrapped lines)."""

    def __contains__(self, item: object) -> bool:
        return nospace(str(item)) in str(self)

    def count(self, item: str, *a: object) -> int:  # type: ignore[override]
        return str(self).count(nospace(item))


def test_receipts_ledger_columns_rows_and_checkpoint(filled, tmp_path: Path) -> None:
    reg = filled.reg
    text, r = printed(reg, "收发登记", tmp_path)
    for title in ("序号", "登记号", "文号", "名称", "密级", "份数", "份号", "来文单位", "收文日期",
                  "保密期限", "签收人", "去向", "备注"):
        assert title in text
    receipts = ["secret", "confidential", "top", "internal", "long", "to_destroy", "to_archive",
                "to_return", "november"]
    assert r.rows == len(receipts)
    for label in receipts:
        assert filled.numbers[label] in text
    assert filled.numbers["copy1"] not in text  # copies are in the 复制 ledger
    cp = verify.checkpoint(reg)
    assert text.count(f"日志检查点 {cp}") == r.pages
    assert verify.verify(reg, cp).ok
    assert page_no(text, 1, r.pages)
    assert "2026-11-12 销毁" in text and "清退省保密局" in text and "归档 WS2026-秘-001" in text
    assert "借出（李四）" in text and "R01 2026-11-20补登" in text
    assert r.level == "绝密" and text.lstrip().startswith("绝密★")


def test_period_filter(filled, tmp_path: Path) -> None:
    text, r = printed(filled.reg, "收发登记", tmp_path, date_from=date(2026, 11, 1),
                      date_to=date(2026, 11, 30))
    assert r.rows == 1 and filled.numbers["november"] in text
    assert "期间：2026-11-01 至 2026-11-30" in text and r.level == "秘密"
    with pytest.raises(BadInput):
        ledger_doc(filled.reg, "收发登记", date_from=date(2026, 12, 1), date_to=date(2026, 11, 1))


def test_loans_take_outs_copies(filled, tmp_path: Path) -> None:
    text, r = printed(filled.reg, "借阅登记", tmp_path)
    assert r.rows == 3 and "阅后签名" in text and "批准人" in text and "李处长" in text
    assert "起草自查报告" in text and "已签" in text
    text, r = printed(filled.reg, "外出携带", tmp_path)
    assert r.rows == 1 and filled.numbers["confidential"] in text and "赴省里开会" in text
    assert r.level == "机密"
    text, r = printed(filled.reg, "复制登记", tmp_path)
    assert r.rows == 1 and filled.numbers["copy1"] in text and filled.numbers["copy2"] in text


def test_destruction_ledger_has_approver_and_two_witnesses(filled, tmp_path: Path) -> None:
    text, r = printed(filled.reg, "销毁登记", tmp_path)
    assert r.rows == 1
    for word in ("批准人", "监销人一", "监销人二", "销毁方式", "李处长", "张三（办公室）",
                 "赵六（办公室）", "送保密局", "监销人（签字）"):
        assert word in text
    assert filled.numbers["to_destroy"] in text


def test_archive_checks_and_history(filled, tmp_path: Path) -> None:
    text, r = printed(filled.reg, "归档", tmp_path)
    assert r.rows == 1 and "WS2026-秘-001" in text and "档案柜3" in text
    text, r = printed(filled.reg, "清查清退", tmp_path)
    assert r.rows == 1 and "退往 省保密局" in text and "HZ-0012" in text
    text, r = printed(filled.reg, "载体历史", tmp_path, number=filled.numbers["secret"])
    assert r.rows == 4 and "收文" in text and "借出" in text and "归还" in text and "复制" in text
    assert "关于做好2026年度保密自查自评工作的通知" in text
    with pytest.raises(BadInput, match="--number"):
        ledger_doc(filled.reg, "载体历史")


def test_people_devices_incidents_and_classification(filled, tmp_path: Path) -> None:
    from app.ledger.classification import classify
    from app.ledger.devices import add_device
    from app.ledger.incidents import open_incident
    reg = filled.reg
    text, r = printed(reg, "涉密人员", tmp_path)
    assert r.rows == 5 and "王局长" in text and "主要领导" in text and r.level == "内部"
    add_device(reg, kind="计算机", level="机密", location="保密室", custodian="张三", model="联想 M720")
    text, r = printed(reg, "计算机与介质", tmp_path)
    assert r.rows == 1 and "联想 M720" in text and r.level == "机密"
    open_incident(reg, discovered_at=datetime(2026, 11, 20, 8, 0), carrier=filled.numbers["internal"],
                  how_found="清点时发现", responsible="张三", course="不详", harm="待评估",
                  remedies="查找")
    text, r = printed(reg, "失泄密事件", tmp_path)
    assert r.rows == 1 and filled.numbers["internal"] in text and "清点时发现" in text
    classify(reg, filled.numbers["confidential"], kind="变更", level="绝密", period="30年",
             proposed_by="张三", confirmed_by="王局长", basis="上级通知")
    text, r = printed(reg, "定密", tmp_path)
    assert r.rows == 1 and "变更" in text and "上级通知" in text and "20年→30年" in text
    assert r.level == "绝密"


def test_handover_list_before_and_after(filled, tmp_path: Path) -> None:
    from app.ledger.carriers import NewCarrier, receive
    from app.ledger.handover import handover
    reg = filled.reg
    kept = [receive(reg, NewCarrier(title=f"保管件{i}", level="秘密", custodian="张三"))[0]
            for i in range(3)]
    text, r = printed(reg, "交接清单", tmp_path, from_person="张三", to_person="赵六")
    assert r.rows == 3 and all(n in text for n in kept)
    assert "移交人：张三（办公室）" in text and "接收人：赵六（办公室）" in text
    assert "核对" in text and "移交人（签字）" in text and "接收人（签字）" in text
    assert "共 3 件，其中 秘密 3 件。" in text
    handover(reg, outgoing="张三", incoming="赵六", checked_numbers=kept, outgoing_confirmed=True,
             incoming_confirmed=True)
    text, r = printed(reg, "交接清单", tmp_path, from_person="张三", to_person="赵六")
    assert r.rows == 3 and "交接时间" in text and text.count("√") == 3
    # Without names: everything the room holds, to check before naming a successor.
    text, r = printed(reg, "交接清单", tmp_path)
    assert r.rows == 12 and "本室现存全部涉密载体" in text


def test_every_ledger_prints_and_unknown_names_are_refused(filled, tmp_path: Path) -> None:
    for name in ledger_names():
        kw = {"number": filled.numbers["secret"]} if name == "载体历史" else {}
        r = print_ledger(filled.reg, name, tmp_path / "x.pdf", **kw)
        assert r.pages >= 1
    assert ledger_layouts.find("销毁").layout.name == "销毁登记"
    assert ledger_layouts.find("借阅").layout.name == "借阅登记"
    with pytest.raises(BadInput, match="没有名为「工资表」的台账"):
        ledger_layouts.find("工资表")


def test_each_page_is_marked_with_its_own_highest_level(filled, tmp_path: Path) -> None:
    out = tmp_path / "x.pdf"
    r = print_ledger(filled.reg, "收发登记", out)
    pages = pdf_text(out).split("\f")[: r.pages]
    for page, level in zip(pages, r.page_levels):
        assert re.match(rf"\s*{level}★", page)
