"""The filled-in 清查清单 imported back: the quarter's check (R30), 缺失 opens an incident (R45),
re-importing the same workbook changes nothing, a bad workbook is refused whole."""
from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.errors import BadInput
from app.io.export_xlsx import export_quarter
from app.io.import_check import import_check, read_check_workbook
from app.models.carriers import Carrier
from app.models.movements import Incident
from tests.io.conftest import journal_head


def filled_in(filled, tmp_path: Path, results: dict[str, str] | None = None, *, default: str = "在",
              name: str = "done.xlsx") -> Path:
    """Export the quarter's workbook and fill the 核对结果 column as the clerk would."""
    src = tmp_path / "q.xlsx"
    export_quarter(filled.reg, "2026Q4", src)
    wb = load_workbook(src)
    ws = wb["清查清单"]
    results = results or {}
    for row in ws.iter_rows(min_row=4):
        if row[1].value:
            row[14].value = results.get(row[1].value, default)
    out = tmp_path / name
    wb.save(out)
    return out


def state(reg, number: str) -> str:
    with reg.read() as s:
        return s.scalars(select(Carrier.state).where(Carrier.number == number)).one()


def test_results_become_the_quarter_check(filled, tmp_path: Path) -> None:
    n = filled.numbers
    path = filled_in(filled, tmp_path, {n["internal"]: "缺失", n["long"]: "拟销毁"})
    r = import_check(filled.reg, path)
    assert r.quarter == "2026Q4" and len(r.results) == 9
    s = r.summary
    assert len(s.recorded) == 9 and not s.unchanged and len(s.incidents) == 1
    assert state(filled.reg, n["internal"]) == "下落不明"
    with filled.reg.read() as ses:
        inc = ses.scalars(select(Incident)).one()
        assert inc.source == "清查" and inc.number == s.incidents[0]
    assert "已登记失泄密事件" in r.report()


def test_reimporting_the_same_workbook_changes_nothing(filled, tmp_path: Path) -> None:
    path = filled_in(filled, tmp_path, {filled.numbers["internal"]: "缺失"})
    import_check(filled.reg, path)
    before = journal_head(filled.reg)
    r = import_check(filled.reg, path)
    assert journal_head(filled.reg) == before
    assert not r.summary.recorded and len(r.summary.unchanged) == 9


def test_blank_results_are_left_unchecked(filled, tmp_path: Path) -> None:
    path = filled_in(filled, tmp_path, {filled.numbers["secret"]: "在"}, default=None)
    r = import_check(filled.reg, path)
    assert list(r.results) == [filled.numbers["secret"]] and r.blank == 8
    assert "未填写 8 件" in r.report()


def test_a_bad_row_refuses_the_whole_workbook(filled, tmp_path: Path) -> None:
    n = filled.numbers
    path = filled_in(filled, tmp_path, {n["secret"]: "找不到了"})
    wb = load_workbook(path)
    ws = wb["清查清单"]
    ws.append([99, "2026-999999", "不存在的载体", None, "秘密"] + [None] * 9 + ["在"])
    wb.save(path)
    before = journal_head(filled.reg)
    with pytest.raises(BadInput) as e:
        import_check(filled.reg, path)
    msg = e.value.message
    assert "「核对结果」列，值「找不到了」：核对结果应为 在、缺失、清退、拟销毁 之一" in msg
    assert "值「2026-999999」：登记簿中没有这个登记号" in msg and "未登记任何清查结果" in msg
    assert journal_head(filled.reg) == before


def test_synonyms_and_the_quarter_check(filled, tmp_path: Path) -> None:
    path = filled_in(filled, tmp_path, default="√")
    data, problems = read_check_workbook(path)
    assert not problems and set(data.results.values()) == {"在"} and data.quarter == "2026Q4"
    with pytest.raises(BadInput, match="与指定的季度 2026Q3 不符"):
        import_check(filled.reg, path, quarter="2026Q3")


def test_nothing_filled_and_not_a_check_list(filled, tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="没有填写任何核对结果"):
        import_check(filled.reg, filled_in(filled, tmp_path, default=None))
    from openpyxl import Workbook
    wb = Workbook()
    wb.active.append(["登记号", "名称"])
    wb.save(tmp_path / "other.xlsx")
    with pytest.raises(BadInput, match="找不到清查清单"):
        import_check(filled.reg, tmp_path / "other.xlsx")
    (tmp_path / "x.xlsx").write_bytes(b"")
    with pytest.raises(BadInput, match="是空的"):
        import_check(filled.reg, tmp_path / "x.xlsx")
