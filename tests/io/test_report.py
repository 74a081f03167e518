"""The monthly report to the leader (R60): one page, the month's figures, what needs attention,
signature lines and the checkpoint."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from app.errors import BadInput
from app.io.report import gather, print_report
from tests.io.conftest import flat, needs_poppler, nospace, pdf_pages, pdf_text


def test_gather_uses_the_ledger_figures(filled) -> None:
    r = gather(filled.reg, "2026-11")
    assert r.stats.total("借出") == 3 and r.stats.total("外出携带") == 1
    assert r.stats.total("复制份数") == 2 and r.stats.total("销毁") == 1
    assert r.held[("秘密", "在库")] == 4 and r.held[("秘密", "借出")] == 1
    assert r.attention == [] and r.level == "内部"


@needs_poppler
def test_one_page_with_attention_items_and_signatures(filled, tmp_path: Path) -> None:
    filled.clock.set(datetime(2026, 11, 23, 9, 0))  # 李四 kept the carrier over the weekend
    out = tmp_path / "m.pdf"
    r = print_report(filled.reg, "2026-11", out)
    assert pdf_pages(out) == 1 and r.attention == 1 and r.level == "秘密"
    text = pdf_text(out)
    assert text.lstrip().startswith("秘密★") and "涉密载体管理月报" in text
    assert "日志检查点" in text and "保密员（签字）" in text and "领导（签字）" in text
    body = flat(out)
    assert nospace(f"逾期未还：{filled.numbers['november']}《关于开展保密宣传月活动的通知》") in body
    assert nospace("借阅（次）01203") in body  # 绝密 0, 机密 1, 秘密 2, 内部 0, 合计 3


@needs_poppler
def test_many_attention_items_still_fit_one_page(filled, tmp_path: Path) -> None:
    from app.ledger.carriers import NewCarrier, receive
    from app.ledger.loans import lend
    for i in range(20):
        [n] = receive(filled.reg, NewCarrier(title=f"待借文件{i}", level="秘密", issuer="市委"),
                      at=datetime(2026, 11, 20, 9, 0))
        lend(filled.reg, n, borrower="张三", approver="李处长", at=datetime(2026, 11, 20, 9, 0))
    filled.clock.set(datetime(2026, 12, 2, 9, 0))
    out = tmp_path / "m.pdf"
    r = print_report(filled.reg, "2026-11", out)
    assert pdf_pages(out) == 1 and r.attention == 21
    assert "另有" in flat(out)


def test_a_month_not_yet_begun(filled, tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="尚未开始"):
        print_report(filled.reg, "2027-01", tmp_path / "x.pdf")
    with pytest.raises(BadInput, match="月份"):
        print_report(filled.reg, "2026-13", tmp_path / "x.pdf")


def test_open_incidents_are_named_for_the_leader(filled) -> None:
    from app.ledger.incidents import open_incident
    open_incident(filled.reg, discovered_at=datetime(2026, 11, 19, 16, 0), carrier=filled.numbers["top"],
                  how_found="清点时发现", responsible="赵六", course="不详", harm="待评估", remedies="查找")
    r = gather(filled.reg, "2026-11")
    [(text, level)] = r.attention
    assert text.startswith("失泄密事件 SJ-2026-") and "未书面报告（R45）" in text
    assert level == "绝密" and r.level == "绝密"


def test_tally_of_what_needs_attention(filled) -> None:
    filled.clock.set(datetime(2026, 11, 23, 9, 0))
    r = gather(filled.reg, "2026-11")
    assert r.tally_line() == "逾期未还 1 件；超过三个月未清退 0 件；未结失泄密事件 0 起；其他逾期事项 0 项。"
