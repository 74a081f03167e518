"""The io verbs of `baomi`: print, export, import-check, import, labels, scan-diff, report."""
from __future__ import annotations

import io
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

import app.cli.common
from app.cli import main
from tests.conftest import CLERK, CLERK_PW
from tests.io.conftest import needs_poppler, pdf_text


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def baomi(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], clock) -> Callable[..., Run]:
    monkeypatch.setattr(app.cli.common, "clock", lambda: clock)

    def run(*argv: object) -> Run:
        monkeypatch.setattr(sys, "stdin", io.StringIO(CLERK_PW + "\n"))
        capsys.readouterr()
        try:
            code = main([str(a) for a in argv])
        except SystemExit as e:
            code = int(e.code or 0)
        out, err = capsys.readouterr()
        assert "Traceback" not in err and "Traceback" not in out
        return Run(code, out, err)

    return run


@pytest.fixture
def db(filled, register_path: Path) -> Path:
    """The filled register, closed so that the command can open it."""
    filled.reg.close()
    return register_path


def as_clerk(baomi, verb: str, db: Path, *more: object) -> Run:
    return baomi(verb, db, "--user", CLERK, "--password-stdin", *more)


@needs_poppler
def test_print(baomi, db: Path, filled, tmp_path: Path) -> None:
    out = tmp_path / "收发.pdf"
    run = as_clerk(baomi, "print", db, "--ledger", "收发登记", "--from", "2026-10-01", "--to", "2026-12-31",
                   "--out", out)
    assert run.code == 0, run.err
    assert "已打印 收发登记：9 行，共 2 页" in run.out or "已打印 收发登记：9 行" in run.out
    assert "最高密级 绝密" in run.out
    text = pdf_text(out)
    assert "期间：2026-10-01 至 2026-12-31" in text and filled.numbers["top"] in text
    # The inspector's check, later: the chain still passes through the printed checkpoint.
    found = set(re.findall(r"日志检查点\s*(\d+:[0-9a-f]{12})", text))
    assert len(found) == 1, f"checkpoint in the footer: {found}; pdftotext's last lines:\n{text[-600:]}"
    [checkpoint] = found
    assert as_clerk(baomi, "verify", db, "--checkpoint", checkpoint).code == 0
    forged = checkpoint[:-1] + ("1" if checkpoint[-1] == "0" else "0")
    assert as_clerk(baomi, "verify", db, "--checkpoint", forged).code == 1
    run = as_clerk(baomi, "print", db, "--ledger", "载体历史", "--number", filled.numbers["secret"],
                   "--out", tmp_path / "h.pdf")
    assert run.code == 0 and "已打印 载体历史：4 行" in run.out


def test_print_refusals(baomi, db: Path, tmp_path: Path) -> None:
    run = as_clerk(baomi, "print", db, "--ledger", "工资表", "--out", tmp_path / "x.pdf")
    assert run.code == 4 and "没有名为「工资表」的台账" in run.err
    run = as_clerk(baomi, "print", db, "--ledger", "收发登记", "--from", "昨天", "--out", tmp_path / "x.pdf")
    assert run.code == 4 and "起始日期" in run.err
    run = as_clerk(baomi, "print", db, "--ledger", "收发登记", "--out", tmp_path / "no" / "x.pdf")
    assert run.code == 4 and "目标文件夹不存在" in run.err
    assert not list(tmp_path.glob("**/*.pdf"))


def test_export_and_import_check(baomi, db: Path, filled, tmp_path: Path) -> None:
    out = tmp_path / "q.xlsx"
    run = as_clerk(baomi, "export", db, "--quarter", "2026Q4", "--out", out)
    assert run.code == 0 and "清查清单 9" in run.out and "最高密级 绝密" in run.out
    wb = load_workbook(out)
    for row in wb["清查清单"].iter_rows(min_row=4):
        row[14].value = "在"
    wb.save(out)
    run = as_clerk(baomi, "import-check", db, out, "--dry-run")
    assert run.code == 0 and "未登记任何清查结果" in run.out
    before = as_clerk(baomi, "checkpoint", db).out
    run = as_clerk(baomi, "import-check", db, out)
    assert run.code == 0 and "新登记清查结果 9 件" in run.out
    middle = as_clerk(baomi, "checkpoint", db).out
    assert middle != before
    run = as_clerk(baomi, "import-check", db, out)
    assert run.code == 0 and "未变 9 件" in run.out
    assert as_clerk(baomi, "checkpoint", db).out == middle
    assert as_clerk(baomi, "verify", db).code == 0


def test_import(baomi, db: Path, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["登记号", "文件名称", "密级", "份号", "收文日期"])
    ws.append(["OLD-1", "甲文件", "秘密", "", "2025.3.5"])
    ws.append(["OLD-2", "乙文件", "机密", "", "2025/3/6"])
    ws.append(["OLD-3", "丙文件", "秘级", "", "2025年3月7日"])
    path = tmp_path / "old.xlsx"
    wb.save(path)
    before = as_clerk(baomi, "checkpoint", db).out
    run = as_clerk(baomi, "import", db, path)
    assert run.code == 4 and "第 3 行「份号」列" in run.out and "第 4 行「密级」列，值「秘级」" in run.out
    assert as_clerk(baomi, "checkpoint", db).out == before
    run = as_clerk(baomi, "import", db, path, "--dry-run")
    assert run.code == 4 and as_clerk(baomi, "checkpoint", db).out == before
    run = as_clerk(baomi, "import", db, path, "--valid-rows-only")
    assert run.code == 0 and "已导入 1 件载体（保留原登记号 1 件）" in run.out
    run = as_clerk(baomi, "print", db, "--ledger", "载体历史", "--number", "OLD-1", "--out", tmp_path / "h.pdf")
    assert run.code == 0 and "已打印 载体历史：1 行" in run.out
    run = as_clerk(baomi, "import", db, path, "--valid-rows-only")
    assert run.code == 0 and "此前已导入（跳过）1 行" in run.out


def test_import_unusable_files(baomi, db: Path, tmp_path: Path) -> None:
    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(100))
    run = as_clerk(baomi, "import", db, locked)
    assert run.code == 4 and "加密" in run.err and run.err.count("\n") == 1
    text = tmp_path / "t.xlsx"
    text.write_text("hello")
    run = as_clerk(baomi, "import", db, text)
    assert run.code == 4 and "不是 Excel 工作簿" in run.err


@needs_poppler
def test_labels_scan_diff_report(baomi, db: Path, filled, tmp_path: Path) -> None:
    n = filled.numbers
    run = as_clerk(baomi, "labels", db, n["top"], n["secret"], "--out", tmp_path / "l.pdf")
    assert run.code == 0 and "已生成 2 张标签，共 1 页" in run.out
    run = as_clerk(baomi, "labels", db, n["top"], "--sheet", "label-60x40", "--out", tmp_path / "l2.pdf")
    assert run.code == 0
    run = as_clerk(baomi, "labels", db, "2026-777777", "--out", tmp_path / "l3.pdf")
    assert run.code == 4 and "2026-777777" in run.err and not (tmp_path / "l3.pdf").exists()
    scanned = tmp_path / "scan.txt"
    scanned.write_text("\n".join([n["secret"], n["top"], "2026-888888"]) + "\n", encoding="utf-8")
    run = as_clerk(baomi, "scan-diff", db, "--quarter", "2026Q4", "--scanned", scanned,
                   "--out", tmp_path / "d.pdf")
    assert run.code == 0 and "扫到但不应在此 1 件" in run.out
    run = as_clerk(baomi, "report", db, "--month", "2026-11", "--out", tmp_path / "r.pdf")
    assert run.code == 0 and "已生成 2026-11 月报" in run.out
    assert "涉密载体管理月报" in pdf_text(tmp_path / "r.pdf")


def test_wrong_password(baomi, db: Path, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("wrong\n"))
    try:
        code = main([str(a) for a in ("export", db, "--user", CLERK, "--password-stdin", "--quarter",
                                      "2026Q4", "--out", tmp_path / "x.xlsx")])
    except SystemExit as e:
        code = int(e.code or 0)
    assert code == 2 and not (tmp_path / "x.xlsx").exists()
