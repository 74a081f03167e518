"""`bench/run`: every figure of issue 8 against its baseline, one table, bench/RESULTS.md.

    bench/run                 the full bench (1,000,000-carrier register; built once, ~10 min)
    bench/run --quick         a smaller scale (100,000 carriers, fewer runs)
    bench/run --only 1,3,10   some figures only (the table in RESULTS.md is not rewritten)

Each figure runs in a child process of its own (bench/fig_*.py, and bench/bench_export.py,
bench/bench_print.py when present), so one figure's imports and memory never colour
another's.  A child prints its figures as `BENCH {json}` lines; what it writes on
standard error is passed through as progress.  RESULTS.md keeps one generated section
per mode (full, quick) between markers and leaves the rest of the file as written.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench.common import Figure, fmt  # noqa: E402

RESULTS = HERE / "RESULTS.md"


def machine() -> dict[str, str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kib = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                       if line.startswith("MemTotal")))
        mem = f"{kib / 2**20:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    info = {"cores": str(os.cpu_count()), "memory": mem, "cpu": cpu,
            "os": f"{platform.system()} {platform.release()}",
            "python": platform.python_version()}
    try:
        import PySide6
        from PySide6.QtCore import qVersion
        info["pyside6"], info["qt"] = PySide6.__version__, qVersion()
    except ImportError:
        pass
    try:
        import sqlalchemy
        import sqlcipher3.dbapi2 as sqlcipher
        con = sqlcipher.connect(":memory:")
        info["sqlcipher"] = con.execute("PRAGMA cipher_version").fetchone()[0]
        info["sqlite"] = con.execute("SELECT sqlite_version()").fetchone()[0]
        con.close()
        info["sqlalchemy"] = sqlalchemy.__version__
    except Exception:  # noqa: BLE001 - a missing version is not a reason to stop
        pass
    try:
        info["load"] = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        pass
    return info


# -- running the figures -----------------------------------------------------------------

def run_child(argv: list[str], timeout: float) -> tuple[int, str, str]:
    """Run a figure script; stream its standard error, return (code, stdout, stderr)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, text=True, bufsize=1)
    err: list[str] = []
    out: list[str] = []
    import threading

    def pump_err() -> None:
        for line in proc.stderr:
            err.append(line)
            if "propagateSizeHints" not in line:
                sys.stderr.write("    " + line)
                sys.stderr.flush()

    t = threading.Thread(target=pump_err, daemon=True)
    t.start()
    try:
        for line in proc.stdout:
            out.append(line)
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    t.join(timeout=5)
    return proc.returncode, "".join(out), "".join(err)


def figures_from(stdout: str) -> list[Figure]:
    figs = []
    for line in stdout.splitlines():
        if line.startswith("BENCH "):
            figs.append(Figure(**json.loads(line[6:])))
    return figs


def export_figures(stdout: str, stderr: str) -> list[Figure]:
    """bench/bench_export.py (owned by the paper/Excel engineer): medians of its runs."""
    runs = re.findall(r"gather ([\d.]+) s, our write ([\d.]+) s[^,]*, plain write ([\d.]+) s", stderr)
    if not runs:
        raise ValueError("no run lines in bench_export.py's output")
    gather = [float(g) for g, _, _ in runs]
    ours = [float(w) for _, w, _ in runs]
    plain = [float(p) for _, _, p in runs]
    m = re.search(r"export of (\d+) carriers", stdout)
    n = int(m.group(1)) if m else 0
    total = [g + w for g, w in zip(gather, ours)]
    base = [g + p for g, p in zip(gather, plain)]
    med = statistics.median
    return [Figure("6", f"quarterly workbook, {n:,} carriers (whole export)", med(total), med(base),
                   1.2, runs=len(runs), product_runs=total, baseline_runs=base,
                   note="baseline: the same queries + a plain openpyxl write-only loop; "
                        "from bench/bench_export.py"),
            Figure("6w", "  writing only (styled sheets vs plain write-only loop)", med(ours), med(plain),
                   1.2, runs=len(runs), product_runs=ours, baseline_runs=plain, informational=True)]


def print_figures(stdout: str, stderr: str) -> list[Figure]:
    """bench/bench_print.py (owned by the paper/Excel engineer): medians of its runs."""
    runs = re.findall(r"engine ([\d.]+) s wall / ([\d.]+) s cpu.*?raw loop ([\d.]+) s wall / "
                      r"([\d.]+) s cpu", stderr)
    if not runs:
        raise ValueError("no run lines in bench_print.py's output")
    m = re.search(r"printing (\d+) rows \((\d+) pages\)", stdout)
    rows, pages = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
    ours = [float(r[0]) for r in runs]
    raw = [float(r[2]) for r in runs]
    ours_cpu = [float(r[1]) for r in runs]
    raw_cpu = [float(r[3]) for r in runs]
    med = statistics.median
    return [Figure("7", f"print {rows:,} rows to PDF ({pages} pages)", med(ours), med(raw), 1.5,
                   runs=len(runs), product_runs=ours, baseline_runs=raw,
                   note="baseline: a raw QPainter loop on a QPdfWriter; from bench/bench_print.py"),
            Figure("7c", "  the same, CPU time", med(ours_cpu), med(raw_cpu), 1.5, runs=len(runs),
                   product_runs=ours_cpu, baseline_runs=raw_cpu, informational=True)]


def plan(quick: bool) -> list[tuple[str, list[str], float, object]]:
    """(figures, argv, timeout, parser) for every figure script, in the order of the table."""
    py = sys.executable
    n = "100000" if quick else "1000000"
    runs = (lambda q, f: str(q if quick else f))
    steps: list[tuple[str, list[str], float, object]] = [
        ("1", [py, "bench/fig_unlock.py", "--runs", runs(5, 9)], 900, figures_from),
        ("2", [py, "bench/fig_startup.py", "--runs", runs(5, 9)], 900, figures_from),
        ("345", [py, "bench/fig_ledger.py", "--carriers", n, "--runs", runs(5, 9)], 3600, figures_from),
    ]
    if (HERE / "bench_export.py").exists():
        steps.append(("6", [py, "bench/bench_export.py", "--carriers", "100000",
                            "--repeat", runs(3, 5)], 3600, export_figures))
    if (HERE / "bench_print.py").exists():
        steps.append(("7", [py, "bench/bench_print.py", "--rows", "10000", "--repeat", runs(3, 5)],
                      1800, print_figures))
    steps += [
        ("8", [py, "bench/fig_memory.py", "--carriers", n, "--rows", runs(3000, 5000),
               "--runs", runs(3, 5)], 1800, figures_from),
        ("9", [py, "bench/fig_write.py", "--carriers", n, "--runs", runs(9, 21)], 900, figures_from),
        ("10", [py, "bench/fig_verify.py", "--carriers", n, "--runs", runs(3, 3)], 7200, figures_from),
    ]
    return steps


# -- the table ----------------------------------------------------------------------------

TARGETS = {"1": "unlock", "2": "start to sign-in window", "3": "open + first screen",
           "4": "Chinese title search", "5": "overdue list / dashboard", "6": "quarterly workbook",
           "7": "print to PDF", "8": "peak memory", "9": "sign-out + sign-in", "10": "journal verify"}


def verdict(f: Figure) -> str:
    if f.informational:
        return "(info)"
    return "pass" if f.passed else "MISS"


def _order(key: str) -> tuple[int, str]:
    digits = "".join(c for c in key if c.isdigit())
    return (int(digits) if digits else 99, key)


def table(figs: list[Figure], errors: dict[str, str]) -> list[list[str]]:
    rows: list[tuple[tuple[int, str], list[str]]] = []
    for f in figs:
        rows.append((_order(f.key), [f.key, f.name, fmt(f.baseline, f.unit), fmt(f.product, f.unit),
                                     f"{f.ratio:.2f}×", f"≤ {f.target:g}×", verdict(f)]))
    for keys, msg in errors.items():
        for key in (["10"] if keys == "10" else list(keys)):
            if any(f.key.rstrip("abcdefghiwc") == key for f in figs):
                continue
            rows.append((_order(key), [key, f"{TARGETS.get(key, key)} — not measured", "", "", "",
                                       "", "ERROR"]))
    head = ["#", "figure", "baseline (median)", "product (median)", "ratio", "target", "result"]
    return [head] + [r for _, r in sorted(rows, key=lambda x: x[0])]


def text_table(rows: list[list[str]]) -> str:
    import unicodedata

    def width(s: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)

    widths = [max(width(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for j, r in enumerate(rows):
        cells = [c + " " * (widths[i] - width(c)) if i == 1 else " " * (widths[i] - width(c)) + c
                 for i, c in enumerate(r)]
        lines.append("  ".join(cells).rstrip())
        if j == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(rows[0]) + " |", "|" + "|".join("---" for _ in rows[0]) + "|"]
    out += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows[1:]]
    return "\n".join(out)


def section(mode: str, info: dict[str, str], figs: list[Figure], errors: dict[str, str],
            seconds: float, argv: list[str]) -> str:
    runs = sorted({(f.key, f.runs) for f in figs}, key=lambda kr: _order(kr[0]))
    notes = [f"- **{f.key}** {f.note}" for f in sorted(figs, key=lambda f: _order(f.key)) if f.note]
    lines = [
        f"### {'Full run' if mode == 'full' else 'Quick run (`--quick`)'}: "
        f"{datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"Machine: {info.get('cores')} cores, {info.get('memory')}, {info.get('cpu')}; {info.get('os')}; "
        f"Python {info.get('python')}, PySide6 {info.get('pyside6')} (Qt {info.get('qt')}), "
        f"SQLCipher {info.get('sqlcipher')} (SQLite {info.get('sqlite')}), "
        f"SQLAlchemy {info.get('sqlalchemy')}. Load average at the start: {info.get('load')}.",
        "",
        f"Command: `bench/run {' '.join(argv)}`".rstrip() + f"; took {seconds / 60:.0f} min. "
        "Medians of the runs shown; product and baseline measured in turn in the same run.",
        "",
        markdown_table(table(figs, errors)),
        "",
        "Runs per figure: " + ", ".join(f"{k}: {n}" for k, n in runs) + ".",
        "",
        *notes,
        *[f"- **{k}** not measured: {msg}" for k, msg in errors.items()],
    ]
    return "\n".join(lines).rstrip() + "\n"


HEADER = """# Benchmark results (issue 8)

Produced by `bench/run` (see bench/runner.py); the sections between the markers are
rewritten by each run of their mode, everything else in this file is kept as written.
"""


def write_results(mode: str, body: str) -> None:
    begin, end = f"<!-- bench:{mode}:begin -->", f"<!-- bench:{mode}:end -->"
    text = RESULTS.read_text("utf-8") if RESULTS.exists() else HEADER
    block = f"{begin}\n{body}{end}"
    if begin in text and end in text:
        text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    tmp = RESULTS.with_name(RESULTS.name + ".tmp")
    tmp.write_text(text, "utf-8")
    os.replace(tmp, RESULTS)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(prog="bench/run", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="100,000 carriers, fewer runs")
    ap.add_argument("--only", default="", help="comma-separated figure numbers, e.g. 1,3,10")
    args = ap.parse_args(argv)
    mode = "quick" if args.quick else "full"
    wanted = {x.strip() for x in args.only.split(",") if x.strip()}
    info = machine()
    print(f"baomi bench ({mode}) — {info['cores']} cores, {info['memory']}, {info['cpu']}, "
          f"load {info.get('load')}", file=sys.stderr)
    from bench.registers import ensure_calibrated, ensure_demo
    ensure_calibrated(log=lambda *a: print(*a, file=sys.stderr))
    n = 100_000 if args.quick else 1_000_000
    if not wanted or wanted & {"3", "4", "5", "8", "9", "10"}:
        ensure_demo(n, log=lambda *a: print(*a, file=sys.stderr))  # minutes at 1,000,000, once
    start = time.perf_counter()
    figs: list[Figure] = []
    errors: dict[str, str] = {}
    for keys, cmd, timeout, parse in plan(args.quick):
        if wanted and not any(k in wanted for k in ([keys] if keys == "10" else list(keys))):
            continue
        if keys == "345" and wanted:
            cmd = cmd + ["--only", "".join(k for k in "345" if k in wanted)]
        print(f"\n== figure {', '.join(['10'] if keys == '10' else list(keys))}: {' '.join(cmd[1:])}",
              file=sys.stderr)
        code, out, err = run_child(cmd, timeout)
        try:
            got = parse(out, err) if parse is not figures_from else figures_from(out)
        except ValueError as e:
            got = []
            errors[keys] = str(e)
        figs += got
        if code != 0:
            last = [line for line in err.strip().splitlines() if line.strip()][-1:] or ["?"]
            errors[keys] = f"exit {code}: {last[0][:200]}"
    seconds = time.perf_counter() - start
    rows = table(figs, errors)
    print("\n" + text_table(rows))
    for keys, msg in errors.items():
        print(f"figure {keys}: {msg}")
    missed = [f for f in figs if not f.informational and not f.passed]
    print(f"\n{len(figs) - len(missed) - sum(f.informational for f in figs)} passed, {len(missed)} missed"
          f"{', ' + str(len(errors)) + ' not measured' if errors else ''}; {seconds / 60:.0f} min")
    if not wanted:
        write_results(mode, section(mode, info, figs, errors, seconds, argv))
        print(f"written to {RESULTS.relative_to(ROOT)} ({mode} section)", file=sys.stderr)
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
