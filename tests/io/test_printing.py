"""The page engine on plain rows: page N / M, rows never split, wrapping, the 密级 mark per
page, the checkpoint footer, progress and cancel, atomic files."""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from app.io.jobs import Cancelled
from app.io.ledger_layouts import Column, Layout
from app.io.printing import PageMeta, PrintDoc, marking, print_pdf
from tests.io.conftest import needs_poppler, page_no, pdf_pages, pdf_text

pytestmark = needs_poppler

LAYOUT = Layout("测试登记", "测试登记簿", (Column("序号", 0.4, 9, "center"), Column("登记号", 1, 22),
                                          Column("名称", 3, 40), Column("密级", 0.5, 10, "center"),
                                          Column("备注", 1.2, 16)))
META = PageMeta("某市保密局机关", "2026-10-01 至 2026-12-31", "clerk", datetime(2026, 11, 20, 9, 5),
                "1234:0a1b2c3d4e5f")


def rows(n: int, level: str = "秘密", title: str = "关于加强保密工作的通知") -> list[tuple]:
    return [(f"2026-{i:06d}", f"{title}{i}", level, "") for i in range(1, n + 1)]


def test_every_page_has_header_footer_and_page_n_of_m(tmp_path: Path) -> None:
    out = tmp_path / "a.pdf"
    r = print_pdf(PrintDoc(LAYOUT, rows(120), META), out)
    assert r.pages == pdf_pages(out) > 2 and r.rows == 120
    pages = pdf_text(out).split("\f")[: r.pages]
    for n, page in enumerate(pages, 1):
        assert "某市保密局机关" in page and "测试登记簿" in page
        assert "期间：2026-10-01 至 2026-12-31" in page
        assert "打印人：clerk" in page and "2026-11-20 09:05" in page
        assert "日志检查点 1234:0a1b2c3d4e5f（可用 baomi verify --checkpoint 核验）" in page
        assert page_no(page, n, r.pages)
        assert "序号" in page and "登记号" in page  # the column titles repeat
    numbers = re.findall(r"2026-\d{6}", pdf_text(out))
    assert sorted(set(numbers)) == [f"2026-{i:06d}" for i in range(1, 121)]


def test_long_text_wraps_and_a_row_is_never_split(tmp_path: Path) -> None:
    long_title = "关于印发《涉密人员离岗离职脱密期管理规定》《涉密载体管理办法》的通知" * 3
    data = [(f"2026-{i:06d}", f"{long_title}（第{i}件）", "秘密", "备注") for i in range(1, 40)]
    out = tmp_path / "wrap.pdf"
    r = print_pdf(PrintDoc(LAYOUT, data, META), out)
    text = pdf_text(out, layout=False)
    for page in text.split("\f")[: r.pages]:
        # A row's end marker is on the same page as its number: nothing is split.
        for number in re.findall(r"2026-(\d{6})", page):
            assert f"（第{int(number)}件）" in page.replace("\n", "")
    assert r.pages > 1


def test_page_marking_is_the_highest_level_on_that_page(tmp_path: Path) -> None:
    data = rows(30, "内部") + rows(30, "机密") + rows(30, "秘密")
    out = tmp_path / "marks.pdf"
    r = print_pdf(PrintDoc(LAYOUT, data, META), out)
    pages = pdf_text(out).split("\f")[: r.pages]
    assert r.page_levels[0] == "内部" and "机密" in r.page_levels and r.level == "机密"
    for page, level in zip(pages, r.page_levels):
        first_line = page.strip().splitlines()[0]
        assert first_line.startswith(marking(level))
    assert marking("绝密") == "绝密★" and marking("内部") == "内部"


def test_empty_ledger_prints_one_page(tmp_path: Path) -> None:
    r = print_pdf(PrintDoc(LAYOUT, [], META, summary="本期无记录。"), tmp_path / "e.pdf")
    assert r.pages == 1 and r.level == "内部"
    assert "本期无记录" in pdf_text(tmp_path / "e.pdf")


def test_signature_block_stays_with_the_last_row(tmp_path: Path) -> None:
    layout = Layout("签字", "签字测试", LAYOUT.columns, signature=("移交人（签字）：________",))
    for n in range(1, 80, 7):
        out = tmp_path / f"s{n}.pdf"
        r = print_pdf(PrintDoc(layout, rows(n), META), out)
        last = pdf_text(out).split("\f")[r.pages - 1]
        assert "移交人（签字）" in last and "2026-" in last


def test_progress_and_cancel_leave_no_file(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    print_pdf(PrintDoc(LAYOUT, rows(500), META), tmp_path / "p.pdf", progress=lambda d, t: seen.append((d, t)))
    assert seen and seen[-1][0] == seen[-1][1] and all(d <= t for d, t in seen)
    out = tmp_path / "c.pdf"
    out.write_bytes(b"old")
    calls = []
    with pytest.raises(Cancelled):
        print_pdf(PrintDoc(LAYOUT, rows(500), META), out, cancel=lambda: calls.append(1) or len(calls) > 2)
    assert out.read_bytes() == b"old"  # the previous file is untouched
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_narrow_columns_keep_their_minimum_and_unbreakable_text_wraps_anywhere(tmp_path: Path) -> None:
    from app.io.printing import _widths
    cols = (Column("a", 1, 30), Column("b", 100, 10), Column("c", 1, 30))
    w = _widths(cols, 1000.0, 10.0)
    assert w[0] == pytest.approx(300) and w[2] == pytest.approx(300) and sum(w) == pytest.approx(1000)
    data = [("X" * 80, "无空格的超长字符串ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" * 2, "秘密", "")]
    out = tmp_path / "any.pdf"
    print_pdf(PrintDoc(LAYOUT, data, META), out)
    assert "XXXXXXXX" in pdf_text(out)
