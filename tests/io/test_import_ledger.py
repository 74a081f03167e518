"""Importing a clerk's old Excel ledger: header variants, messy sheets, every bad row reported
as (row, column, value, reason), nothing half-imported, never a duplicate."""
from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from app.errors import BadInput
from app.io import import_ledger as imp
from app.models.carriers import Carrier
from tests.io.conftest import journal_head

HEADER = ["序号", "收文编号", "文件标题", "发文字号", "密 级", "份数", "份号", "来文机关", "收到日期",
          "保密期限", "备注"]


def book(path: Path, rows: list[list], *, header: list[str] = HEADER, title_rows: int = 2,
         merge_title: bool = True, sheet: str = "2025年收文") -> Path:
    """A ledger as clerks keep it: a merged title row, a subtitle, the header, the rows."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    if title_rows:
        ws.append(["某市保密局机关涉密文件收文登记簿"])
        if merge_title:
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        for _ in range(title_rows - 1):
            ws.append(["", "", "", "", "", "", "", "", "填表日期：2026年1月5日"])
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


GOOD = [
    [1, "SW2025-001", "关于做好元旦春节期间保密工作的通知", "市委办发〔2025〕1号", "秘密", 1, "", "市委办公厅",
     datetime(2025, 1, 3), "10年", ""],
    [2, "SW2025-002", "全市国家安全形势分析报告", "市国安发〔2025〕3号", "机密★20年", 1, "008", "市国安局",
     "2025.3.5", "", "领导已阅"],
    [3, "SW2025-003", "重要目标防护方案", "省委发〔2025〕7号", "绝密", 1, "002", "省委办公厅",
     "2025年4月8日", "30年", ""],
    [4, "SW2025-004", "机关通讯录", "", "内部", 2, "", "办公室", "2025/5/6", "", ""],
]


def carriers(reg) -> list[Carrier]:
    with reg.read() as s:
        out = list(s.scalars(select(Carrier).order_by(Carrier.id)))
        for c in out:
            s.expunge(c)
        return out


# -- recognising the sheet --------------------------------------------------------------

def test_proposal_finds_header_below_title_rows_and_maps_variants(tmp_path: Path) -> None:
    p = imp.propose(book(tmp_path / "old.xlsx", GOOD))
    assert p.header_row == 3 and p.sheet == "2025年收文"
    cols = {f: p.headers[c] for f, c in p.mapping.items()}
    assert cols == {"number": "收文编号", "title": "文件标题", "doc_no": "发文字号", "level": "密 级",
                    "copies": "份数", "serial": "份号", "issuer": "来文机关", "date": "收到日期",
                    "period": "保密期限", "note": "备注"}
    assert "序号" in p.unused  # a row count is not the register number when 编号 exists
    assert any("登记号 ← 第 B 列「收文编号」" == line for line in p.lines())


def test_import_all_valid_rows(clerk_reg, tmp_path: Path) -> None:
    path = book(tmp_path / "old.xlsx", GOOD)
    r = imp.import_ledger(clerk_reg, path)
    assert r.applied and not r.plan.problems
    assert len(r.imported) == 5  # 4 rows, one of them 2 copies
    got = {c.title: c for c in carriers(clerk_reg)}
    c = got["全市国家安全形势分析报告"]
    assert (c.number, c.level, c.period, c.serial, c.issuer) == ("SW2025-002", "机密", "20年", "008", "市国安局")
    assert c.registered_at == datetime(2025, 3, 5) and c.note.startswith("【台账导入 原登记号 SW2025-002】")
    assert c.note.endswith("领导已阅")
    assert got["重要目标防护方案"].registered_at == datetime(2025, 4, 8)
    copies = [x for x in carriers(clerk_reg) if x.title == "机关通讯录"]
    # Two copies of one row cannot share the old number: new numbers, old one in the note.
    assert len(copies) == 2 and all(x.number.startswith("2025-") for x in copies)
    assert all("原登记号 SW2025-004" in x.note for x in copies)
    assert "已导入 5 件载体（保留原登记号 3 件）" in r.report()


def test_importing_the_same_file_twice_changes_nothing(clerk_reg, tmp_path: Path) -> None:
    path = book(tmp_path / "old.xlsx", GOOD)
    imp.import_ledger(clerk_reg, path)
    before, count = journal_head(clerk_reg), len(carriers(clerk_reg))
    r = imp.import_ledger(clerk_reg, path)
    assert not r.applied and not r.imported and len(r.plan.skipped) == 4
    assert journal_head(clerk_reg) == before and len(carriers(clerk_reg)) == count
    assert "此前已导入（跳过）4 行" in r.report()


def test_rows_without_numbers_are_matched_on_their_content(clerk_reg, tmp_path: Path) -> None:
    header = ["文件名称", "密级", "份号", "日期"]
    rows = [["甲文件", "秘密", "", date(2025, 2, 1)], ["乙文件", "机密", "3", date(2025, 2, 2)],
            ["丙文件", "秘密", "", None]]
    path = book(tmp_path / "plain.xlsx", rows, header=header, title_rows=0)
    assert imp.import_ledger(clerk_reg, path).applied
    before = journal_head(clerk_reg)
    r = imp.import_ledger(clerk_reg, path)
    assert len(r.plan.skipped) == 3 and journal_head(clerk_reg) == before


def test_serial_numbers_and_own_pattern_get_new_numbers(clerk_reg, tmp_path: Path) -> None:
    header = ["序号", "文件名称", "密级"]
    path = book(tmp_path / "seq.xlsx", [[7, "甲文件", "秘密"]], header=header, title_rows=0)
    r = imp.import_ledger(clerk_reg, path)
    [c] = carriers(clerk_reg)
    assert c.number == r.imported[0] != "7" and c.note == "【台账导入】原序号 7"
    # Next year's sheet counts from 1 again: a row count never makes a row "already imported".
    path = book(tmp_path / "seq2.xlsx", [[7, "另一个文件", "秘密"]], header=header, title_rows=0)
    assert imp.import_ledger(clerk_reg, path).applied and len(carriers(clerk_reg)) == 2
    # An old number in this register's own shape could collide with a later receipt.
    header = ["登记号", "文件名称", "密级"]
    path = book(tmp_path / "own.xlsx", [["2026-000777", "乙文件", "秘密"]], header=header, title_rows=0)
    imp.import_ledger(clerk_reg, path)
    c = carriers(clerk_reg)[-1]
    assert c.number != "2026-000777" and "原登记号 2026-000777" in c.note


def test_merged_cells_blank_rows_totals_and_footnotes(clerk_reg, tmp_path: Path) -> None:
    path = tmp_path / "merged.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["2025年收文登记"])
    ws.merge_cells("A1:E1")
    ws.append(["登记号", "名称", "密级", "来文单位", "日期"])
    ws.append(["A-101", "文件一", "秘密", "市委办公厅", "2025-01-02"])
    ws.append(["A-102", "文件二", "秘密", None, "2025-01-03"])
    ws.append(["A-103", "文件三", "秘密", None, "2025-01-04"])
    ws.merge_cells("D3:D5")  # one issuer for three rows
    ws.append([])
    ws.append(["A-104", "文件四", "内部", "省保密局", "2025-01-09"])
    ws.append(["合计", "", "", "", ""])
    ws.append(["制表人：王某", None, None, None, None])
    wb.save(path)
    r = imp.import_ledger(clerk_reg, path)
    assert r.applied and r.plan.total == 4 and r.plan.ignored == 3
    issuers = {c.number: c.issuer for c in carriers(clerk_reg)}
    assert issuers == {"A-101": "市委办公厅", "A-102": "市委办公厅", "A-103": "市委办公厅",
                       "A-104": "省保密局"}


def test_date_formats(tmp_path: Path) -> None:
    assert imp.parse_date("2026.3.5") == datetime(2026, 3, 5)
    assert imp.parse_date("2026/3/5") == datetime(2026, 3, 5)
    assert imp.parse_date("2026年3月5日") == datetime(2026, 3, 5)
    assert imp.parse_date("2026-03-05 14:30") == datetime(2026, 3, 5, 14, 30)
    assert imp.parse_date("20260305") == datetime(2026, 3, 5)
    assert imp.parse_date(46086) == datetime(2026, 3, 5)  # an Excel serial day
    assert imp.parse_date(date(2026, 3, 5)) == datetime(2026, 3, 5)
    assert imp.parse_date(None) is None
    for bad in ("2026.13.5", "去年", "2026年2月30日", "3/5"):
        with pytest.raises(ValueError):
            imp.parse_date(bad)


# -- every problem reported, nothing imported ------------------------------------------------

def messy_rows() -> list[list]:
    return [
        [1, "X-001", "正常文件", "", "秘密", 1, "", "市委", "2025-01-02", "", ""],
        [2, "X-002", "密级写错", "", "机要", 1, "", "市委", "2025-01-02", "", ""],
        [3, "X-003", "日期写错", "", "秘密", 1, "", "市委", "2025.13.40", "", ""],
        [4, "X-004", "机密没有份号", "", "机密", 1, "", "市委", "2025-01-03", "", ""],
        [5, "X-001", "登记号重复", "", "秘密", 1, "", "市委", "2025-01-04", "", ""],
        [6, "X-006", "", "", "秘密", 1, "", "市委", "2025-01-05", "", ""],
        [7, "X-007", "份数写错", "", "秘密", "三份", "", "市委", "2025-01-05", "", ""],
        [8, "X-008", "公开文件", "", "公开", 1, "", "市委", "2025-01-05", "", ""],
    ]


def test_every_bad_row_is_reported_with_row_column_value_reason(clerk_reg, tmp_path: Path) -> None:
    before = journal_head(clerk_reg)
    r = imp.import_ledger(clerk_reg, book(tmp_path / "messy.xlsx", messy_rows()))
    assert not r.applied and r.imported == [] and carriers(clerk_reg) == []
    assert journal_head(clerk_reg) == before
    got = {(p.row, p.column, p.value): p.reason for p in r.plan.problems}
    assert got[(5, "密级", "机要")].startswith("未知的密级")
    assert "不是有效的日期" in got[(6, "收文日期", "2025.13.40")]
    assert "R03" in got[(7, "份号", "")]  # the ledger's own rule decides
    assert got[(8, "登记号", "X-001")] == "与第 4 行的登记号重复"
    assert got[(9, "名称", "")] == "缺少文件名称"
    assert "份数应为正整数" in got[(10, "份数", "三份")]
    assert "不属登记范围" in got[(11, "密级", "公开")]
    assert len(got) == 7
    text = r.report()
    assert "第 5 行「密级」列，值「机要」：未知的密级" in text and "未导入任何内容" in text


def test_valid_rows_only_imports_the_rest_and_keeps_the_report(clerk_reg, tmp_path: Path) -> None:
    r = imp.import_ledger(clerk_reg, book(tmp_path / "messy.xlsx", messy_rows()), valid_rows_only=True)
    assert r.applied and len(r.plan.problems) == 7
    assert [c.number for c in carriers(clerk_reg)] == ["X-001"]
    # Once fixed, the remaining rows import; the first one is not imported again.
    rows = messy_rows()
    rows[1][4], rows[2][8], rows[3][6], rows[4][1] = "秘密", "2025.12.4", "009", "X-005"
    rows[5][2], rows[6][5], rows[7][4] = "补上的名称", 3, "内部"
    r = imp.import_ledger(clerk_reg, book(tmp_path / "fixed.xlsx", rows))
    assert r.applied and not r.plan.problems and len(r.plan.skipped) == 1
    assert len(carriers(clerk_reg)) == 1 + 6 + 3 - 1 + 1  # row 7 has 3 copies


def test_dry_run_reports_and_changes_nothing(clerk_reg, tmp_path: Path) -> None:
    before = journal_head(clerk_reg)
    r = imp.import_ledger(clerk_reg, book(tmp_path / "old.xlsx", GOOD), dry_run=True)
    assert not r.applied and not r.plan.problems and journal_head(clerk_reg) == before
    assert "试导入" in r.report()


def test_duplicate_of_a_carrier_already_registered(clerk_reg, tmp_path: Path) -> None:
    imp.import_ledger(clerk_reg, book(tmp_path / "a.xlsx", GOOD[:1]))
    header = ["登记号", "文件名称", "密级"]
    # Same number, but this time typed into a different ledger: not the same import.
    with clerk_reg.operation("更正") as s:
        c = s.scalars(select(Carrier)).one()
        c.note = "手工登记"
    r = imp.import_ledger(clerk_reg, book(tmp_path / "b.xlsx", [["SW2025-001", "别的文件", "秘密"]],
                                          header=header, title_rows=0))
    [p] = r.plan.problems
    assert (p.row, p.column, p.value) == (2, "登记号", "SW2025-001") and "登记号重复" in p.reason


# -- files that are not usable ledgers ------------------------------------------------------

def refused(reg, path: Path, *words: str) -> None:
    before = journal_head(reg)
    with pytest.raises(BadInput) as e:
        imp.import_ledger(reg, path)
    assert e.value.exit_code == 4
    for w in words:
        assert w in e.value.message
    assert journal_head(reg) == before


def test_wrong_file_type(clerk_reg, tmp_path: Path) -> None:
    path = tmp_path / "notes.xlsx"
    path.write_text("登记号,名称,密级\n1,文件,秘密\n", encoding="utf-8")
    refused(clerk_reg, path, "不是 Excel 工作簿")


def test_empty_file(clerk_reg, tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    refused(clerk_reg, path, "是空的")


def test_password_protected_or_old_format(clerk_reg, tmp_path: Path) -> None:
    # An encrypted .xlsx is an OLE compound file (like an old .xls): only its magic matters here.
    path = tmp_path / "locked.xlsx"
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504) + b"EncryptedPackage")
    refused(clerk_reg, path, "加密", ".xls", "取消打开密码")


def test_corrupt_zip(clerk_reg, tmp_path: Path) -> None:
    good = book(tmp_path / "good.xlsx", GOOD)
    path = tmp_path / "broken.xlsx"
    path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    refused(clerk_reg, path, "已损坏")
    other = tmp_path / "other.xlsx"
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("readme.txt", "hello")
    refused(clerk_reg, other, "不是 Excel 工作簿")


def test_missing_file_and_no_header(clerk_reg, tmp_path: Path) -> None:
    refused(clerk_reg, tmp_path / "nowhere.xlsx", "找不到文件")
    wb = Workbook()
    wb.active.append(["随便", "什么"])
    wb.save(tmp_path / "nohead.xlsx")
    refused(clerk_reg, tmp_path / "nohead.xlsx", "找不到表头")


def test_sheet_by_name(clerk_reg, tmp_path: Path) -> None:
    path = book(tmp_path / "old.xlsx", GOOD)
    with pytest.raises(BadInput, match="没有名为「2024年」的工作表"):
        imp.import_ledger(clerk_reg, path, sheet="2024年")
    assert imp.import_ledger(clerk_reg, path, sheet="2025年收文").applied
