"""Labels (QR code, number, 密级, short title) and the scanning check's 差异表."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import segno

from app.errors import BadInput, NotFound
from app.io.labels import SHEETS, labels_for, print_labels, qr_modules, short_title
from app.io.scanning import (
    NOT_EXPECTED,
    NOT_SCANNED,
    OUT_ON_LOAN,
    diff_scanned,
    print_scan_diff,
    read_scanned,
)
from tests.io.conftest import flat, needs_poppler, nospace, pdf_pages, pdf_text


def test_qr_modules_are_a_full_qr_with_quiet_zone() -> None:
    modules = qr_modules("2026-000123")
    qr = segno.make("2026-000123", error="m", micro=False)
    assert len(modules) == len(qr.matrix) + 8 and not qr.is_micro
    assert not any(modules[0]) and not any(row[0] for row in modules)  # quiet zone
    assert modules[4][4:11] == [True] * 7  # the finder pattern's top edge
    assert short_title("一" * 40).endswith("…") and len(short_title("一" * 40)) == 28


@needs_poppler
def test_a4_sheet_of_labels(filled, tmp_path: Path) -> None:
    numbers = list(filled.numbers.values())
    out = tmp_path / "labels.pdf"
    r = print_labels(filled.reg, numbers, out)
    per_page = SHEETS["A4"].columns * SHEETS["A4"].rows
    assert r.labels == len(numbers) and r.pages == pdf_pages(out) == -(-len(numbers) // per_page)
    text = flat(out)
    for n in numbers:
        assert n in text
    assert "绝密★" in text and "机密★" in text and nospace("重要军事设施布局调整方案") in text


@needs_poppler
def test_label_printer_pages(filled, tmp_path: Path) -> None:
    out = tmp_path / "l.pdf"
    r = print_labels(filled.reg, [filled.numbers["top"], filled.numbers["secret"]], out, sheet="label-60x40")
    assert r.pages == 2 == pdf_pages(out)
    info = subprocess.run(["pdfinfo", str(out)], check=True, capture_output=True, text=True).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page size"))
    w, h = (float(x) for x in size.split()[2:5:2])
    assert abs(w - 60 / 25.4 * 72) < 1 and abs(h - 40 / 25.4 * 72) < 1


@pytest.mark.skipif(shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None,
                    reason="zbarimg / pdftoppm not installed")
def test_the_qr_codes_scan_back_to_the_numbers(filled, tmp_path: Path) -> None:
    numbers = [filled.numbers["top"], filled.numbers["secret"], filled.numbers["copy2"]]
    out = tmp_path / "l.pdf"
    print_labels(filled.reg, numbers, out)
    subprocess.run(["pdftoppm", "-png", "-r", "200", str(out), str(tmp_path / "page")], check=True)
    found = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "page-1.png")],
                           check=False, capture_output=True, text=True).stdout.split()
    assert sorted(found) == sorted(numbers)


def test_unknown_numbers_are_all_named(filled, tmp_path: Path) -> None:
    with pytest.raises(NotFound) as e:
        labels_for(filled.reg, [filled.numbers["top"], "２０２６－999998", "no-1"])
    assert "2026-999998" in e.value.message and "NO-1" in e.value.message
    with pytest.raises(BadInput):
        print_labels(filled.reg, [filled.numbers["top"]], tmp_path / "x.pdf", sheet="B5")
    assert not (tmp_path / "x.pdf").exists()


# -- scanning ---------------------------------------------------------------------------

def test_diff_against_the_quarter_list(filled) -> None:
    n = filled.numbers
    scanned = [n["secret"], n["top"], n["top"], n["to_destroy"], "2026-888888", f" {n['copy1']}\n"]
    d = diff_scanned(filled.reg, scanned, quarter="2026Q4")
    assert d.expected == 9 and d.scanned == 5
    assert sorted(d.found) == sorted([n["secret"], n["top"], n["copy1"]])
    assert [c.number for c in d.on_loan] == [n["november"]]
    assert {c.number for c in d.missing} == {n["confidential"], n["internal"], n["long"],
                                              n["to_archive"], n["copy2"]}
    unexpected = dict(d.unexpected)
    assert unexpected["2026-888888"] is None and unexpected[n["to_destroy"]].state == "已销毁"
    kinds = [r[0] for r in d.rows()]
    assert kinds.count(NOT_SCANNED) == 5 and kinds.count(NOT_EXPECTED) == 2 and kinds.count(OUT_ON_LOAN) == 1
    assert not d.clean


def test_diff_by_location_and_a_clean_scan(filled) -> None:
    n = filled.numbers
    d = diff_scanned(filled.reg, [n["to_archive"]], location="档案柜3")
    assert d.clean and d.found == [n["to_archive"]]
    with pytest.raises(BadInput):
        diff_scanned(filled.reg, [], quarter="2026Q4", location="x")


def test_read_scanned(tmp_path: Path) -> None:
    p = tmp_path / "scan.txt"
    p.write_text("# 保密柜1\n2026-000001\n\n2026-000002, 2026-000003\r\n", encoding="utf-8-sig")
    assert read_scanned(p) == ["2026-000001", "2026-000002", "2026-000003"]
    p.write_bytes("2026-000004\n".encode("gb18030"))
    assert read_scanned(p) == ["2026-000004"]
    with pytest.raises(BadInput, match="找不到"):
        read_scanned(tmp_path / "none.txt")


@needs_poppler
def test_diff_prints_with_signature_and_checkpoint(filled, tmp_path: Path) -> None:
    n = filled.numbers
    d = diff_scanned(filled.reg, [n["secret"], "2026-888888"], quarter="2026Q4")
    out = tmp_path / "diff.pdf"
    r = print_scan_diff(filled.reg, d, out)
    text = pdf_text(out)
    assert "清查扫描差异表" in text and "清查人（签字）" in text and "日志检查点" in text
    assert r.rows == len(d.rows()) and r.level == "绝密"
    assert nospace("登记簿中无此编号") in flat(out)


def test_labels_for_a_period(filled) -> None:
    from datetime import date

    from app.io.labels import labels_where
    got = labels_where(filled.reg, registered_from=date(2026, 11, 1), registered_to=date(2026, 11, 30))
    assert [lb.number for lb in got] == [filled.numbers["november"], filled.numbers["copy1"],
                                        filled.numbers["copy2"]]
