"""The quarterly clear-out workbook read back with openpyxl (R30, R31)."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.io.export_xlsx import CHECK_COLUMNS, display_width, export_quarter
from app.io.jobs import Cancelled
from app.ledger import verify

SHEETS = ["清查清单", "借出未还", "逾期", "超三个月未清退", "本季收文", "本季发文", "本季复制", "本季销毁", "汇总"]


@pytest.fixture
def workbook(filled, tmp_path: Path):
    out = tmp_path / "q.xlsx"
    result = export_quarter(filled.reg, "2026Q4", out)
    return result, load_workbook(out)


def rows(ws, start: int = 4) -> list[tuple]:
    return [r for r in ws.iter_rows(min_row=start, values_only=True) if any(v is not None for v in r)]


def test_sheets_headers_and_the_check_list(filled, workbook) -> None:
    result, wb = workbook
    assert wb.sheetnames == SHEETS
    ws = wb["清查清单"]
    assert [c.value for c in ws[3]] == list(CHECK_COLUMNS)
    data = rows(ws)
    in_custody = {filled.numbers[k] for k in ("secret", "confidential", "top", "internal", "long",
                                               "to_archive", "november", "copy1", "copy2")}
    assert {r[1] for r in data} == in_custody  # destroyed, returned: not to be checked
    assert [r[0] for r in data] == list(range(1, len(data) + 1))
    by_number = {r[1]: r for r in data}
    top = by_number[filled.numbers["top"]]
    assert top[4] == "绝密" and top[5] == "001" and top[10] == "在库"
    assert isinstance(top[8], datetime) and top[8] == datetime(2026, 10, 10)  # a real Excel date
    assert ws["I4"].number_format == "yyyy-mm-dd"
    assert by_number[filled.numbers["november"]][10:12] == ("借出", "李四")
    assert result.counts["清查清单"] == len(data)
    assert "2026Q4" in ws["A1"].value and result.checkpoint in ws["A2"].value
    assert result.checkpoint == verify.checkpoint(filled.reg)


def test_result_column_has_a_validation_list(workbook) -> None:
    _, wb = workbook
    ws = wb["清查清单"]
    [dv] = ws.data_validations.dataValidation
    assert dv.type == "list" and dv.formula1 == '"在,缺失,清退,拟销毁"'
    assert str(dv.sqref) == f"O4:O{ws.max_row}"


def test_print_setup_frozen_header_and_filter(workbook) -> None:
    result, wb = workbook
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.oddFooter.center.text == "第 &P 页 / 共 &N 页"
        assert result.checkpoint in ws.oddFooter.left.text
        if ws.title == "汇总":
            continue
        assert ws.freeze_panes == "C4"
        assert ws.print_title_rows == "$1:$3"
        assert ws.auto_filter.ref.startswith("A3:")
        assert ws["A3"].font.b and ws["A3"].fill.fgColor.rgb.endswith("E8E8E8")
    assert wb["清查清单"].oddHeader.left.text == "绝密★"  # the highest level in the sheet
    assert wb["逾期"].oddHeader.left.text == "内部"


def test_column_widths_fit_chinese_text(workbook) -> None:
    _, wb = workbook
    ws = wb["清查清单"]
    assert display_width("涉密") == 4 and display_width("2026-000001") == 11
    assert ws.column_dimensions["B"].width >= 13  # the register number
    assert ws.column_dimensions["H"].width >= display_width("市委办公厅") + 2
    assert ws.column_dimensions["C"].width == 40  # titles: wide, capped


def test_movement_sheets_and_summary(filled, workbook) -> None:
    _, wb = workbook
    received = rows(wb["本季收文"])
    assert len(received) == 9 and isinstance(received[0][8], datetime)
    assert [c.value for c in wb["本季收文"][3]][:4] == ["序号", "登记号", "文号", "名称"]
    copied = rows(wb["本季复制"])
    assert len(copied) == 1 and copied[0][1] == filled.numbers["secret"]
    destroyed = rows(wb["本季销毁"])
    assert len(destroyed) == 1 and destroyed[0][10:12] == ("张三（办公室）", "赵六（办公室）")
    assert rows(wb["本季发文"]) == [] and rows(wb["逾期"]) == []
    out = rows(wb["借出未还"])
    assert len(out) == 1 and out[0][5] == "李四" and isinstance(out[0][8], datetime)
    summary = {r[0]: tuple(v for v in r[1:] if v is not None) for r in rows(wb["汇总"], 1) if r[0]}
    assert summary["密级"][:3] == ("在库", "借出", "外出携带")
    assert summary["秘密"][-1] == 8  # every 秘密 carrier in the register, in any state
    assert summary["合计"][-1] == 11
    assert summary["收文"][-1] == 9 and summary["销毁"][-1] == 1


def test_a_past_quarter_lists_what_was_held_then(filled, tmp_path: Path) -> None:
    filled.clock.set(datetime(2027, 1, 5, 9, 0))
    out = tmp_path / "q3.xlsx"
    export_quarter(filled.reg, "2026Q3", out)
    wb = load_workbook(out)
    assert rows(wb["清查清单"]) == [] and rows(wb["本季收文"]) == []


def test_progress_cancel_and_atomic_file(filled, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    export_quarter(filled.reg, "2026Q4", tmp_path / "a.xlsx", progress=lambda d, t: seen.append((d, t)))
    assert seen[-1][0] == seen[-1][1] > 0
    out = tmp_path / "b.xlsx"
    with pytest.raises(Cancelled):
        export_quarter(filled.reg, "2026Q4", out, cancel=lambda: True)
    assert not out.exists() and not list(tmp_path.glob("*.tmp"))


def test_bad_quarter(filled, tmp_path: Path) -> None:
    from app.errors import BadInput
    with pytest.raises(BadInput, match="季度"):
        export_quarter(filled.reg, "2026Q5", tmp_path / "x.xlsx")
    _ = date
