"""Figure 8: peak memory while browsing the large register in the app — the main window's
carrier table (收发登记) scrolled through a few thousand rows, offscreen — against a bare
QApplication that opens the register with raw sqlcipher3 and reads one page (target <= 2x).

Each side is its own process; its peak RSS (ru_maxrss) is read by the parent from the
operating system when the child is reaped.  Private XDG folders keep the user's settings
and a running copy of the app out of it.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import PYTHON, ab_process, emit, figure, log, offscreen_env  # noqa: E402
from bench.registers import clerk_password, data_key  # noqa: E402
from bench.workcopy import ensure_work  # noqa: E402

START = Path(__file__).resolve().parent / "start"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--carriers", type=int, default=1_000_000)
    ap.add_argument("--rows", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()

    db = ensure_work(args.carriers, log=log)
    private = Path(tempfile.mkdtemp(prefix="bench_mem_"))
    env = offscreen_env()
    env["XDG_CONFIG_HOME"] = str(private / "config")
    env["XDG_RUNTIME_DIR"] = str(private / "run")
    (private / "run").mkdir(mode=0o700)
    env["BENCH_KEY"] = data_key(db).hex()
    env["BENCH_PW"] = clerk_password(db)
    product = [PYTHON, str(START / "mem_app.py"), str(db), str(args.rows)]
    baseline = [PYTHON, str(START / "mem_bare.py"), str(db)]
    a, b = ab_process(product, baseline, args.runs, env=env, timeout=600)
    loaded = next((line for line in a[-1].output.splitlines() if line.startswith("LOADED")), "?")
    log(f"  app: {loaded}")
    emit(figure("8", f"peak memory browsing {args.rows:,} rows of the {args.carriers:,}-carrier "
                     f"register", [r.max_rss_mib for r in a], [r.max_rss_mib for r in b], 2.0,
                unit="MiB", note=loaded.removeprefix("LOADED ")))
    emit(figure("8i", "  the same two processes: wall time", [r.wall for r in a], [r.wall for r in b],
                2.0, informational=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
