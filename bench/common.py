"""Timing helpers shared by the figure scripts: medians, A/B in turn, whole processes.

Every figure is measured against its baseline in the same run, the two taking turns
(A B A B ...) so that a machine slowing down or speeding up during the run moves both.
A figure script prints its results as JSON lines (`emit`) that bench/runner.py reads.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable


@dataclass
class Figure:
    """One row of the table: product against its baseline, medians of `runs` each."""

    key: str            # "1", "3", "4a" ...
    name: str
    product: float      # median, in `unit`
    baseline: float
    target: float       # the ratio product/baseline must be at most this
    unit: str = "s"
    runs: int = 0
    note: str = ""
    product_runs: list[float] = field(default_factory=list)
    baseline_runs: list[float] = field(default_factory=list)
    informational: bool = False  # a diagnostic row: no target of its own

    @property
    def ratio(self) -> float:
        return self.product / self.baseline if self.baseline else float("inf")

    @property
    def passed(self) -> bool:
        return self.ratio <= self.target


def emit(fig: Figure) -> None:
    """One result for the runner (a JSON line on standard output)."""
    d = asdict(fig)
    print("BENCH " + json.dumps(d, ensure_ascii=False), flush=True)
    ratio = fig.ratio
    verdict = "info" if fig.informational else ("pass" if fig.passed else "MISS")
    print(f"  [{fig.key}] {fig.name}: product {fmt(fig.product, fig.unit)}, baseline "
          f"{fmt(fig.baseline, fig.unit)}, ratio {ratio:.2f}x (target <= {fig.target}x) {verdict}",
          file=sys.stderr, flush=True)


def fmt(value: float, unit: str) -> str:
    if unit == "s":
        if value < 1e-3:
            return f"{value * 1e6:.0f} µs"
        if value < 1:
            return f"{value * 1e3:.1f} ms"
        return f"{value:.2f} s"
    if unit == "MiB":
        return f"{value:.0f} MiB"
    return f"{value:.3g} {unit}"


def log(*args: object) -> None:
    print(*args, file=sys.stderr, flush=True)


def timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def ab(product: Callable[[], object], baseline: Callable[[], object], runs: int, *,
       warmup: int = 1, between: Callable[[], object] | None = None) -> tuple[list[float], list[float]]:
    """Time `product` and `baseline` in turn, `runs` times each after `warmup` untimed pairs.

    The garbage collector is left as the app has it.  Hazard: a gc.collect() before each
    call (as timeit-like harnesses do) made the next product call about 40 % slower
    (SQLAlchemy rebuilds what the collection freed), a cost the app never pays per call.
    """
    for _ in range(warmup):
        product()
        baseline()
    a, b = [], []
    for i in range(runs):
        for fn, out in ((product, a), (baseline, b)) if i % 2 == 0 else ((baseline, b), (product, a)):
            if between:
                between()
            out.append(timed(fn))
    return a, b


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def figure(key: str, name: str, a: list[float], b: list[float], target: float, **kw) -> Figure:
    return Figure(key, name, median(a), median(b), target, runs=len(a), product_runs=a,
                  baseline_runs=b, **kw)


# -- whole processes ---------------------------------------------------------------------

@dataclass
class ProcessRun:
    wall: float
    cpu: float
    max_rss_mib: float
    returncode: int
    output: str


def run_process(argv: list[str], *, env: dict[str, str] | None = None, timeout: float = 300) -> ProcessRun:
    """Start a child, wait for it with wait4: wall time, CPU time and its peak RSS."""
    t = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, env=env, cwd=ROOT)
    out = b""
    try:
        out, _ = _communicate(proc, timeout)
    finally:
        if proc.returncode is None:
            proc.kill()
    wall = time.perf_counter() - t
    ru = proc._bench_rusage  # type: ignore[attr-defined]
    return ProcessRun(wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, proc.returncode,
                      out.decode("utf-8", "replace"))


def _communicate(proc: subprocess.Popen, timeout: float) -> tuple[bytes, None]:
    """Read the child's output, then reap it with os.wait4 to get its own rusage."""
    import selectors
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    chunks = []
    end = time.monotonic() + timeout
    while True:
        left = end - time.monotonic()
        if left <= 0:
            proc.kill()
            raise TimeoutError(f"{proc.args} ran longer than {timeout} s")
        if sel.select(min(left, 1.0)):
            data = os.read(proc.stdout.fileno(), 65536)
            if not data:
                break
            chunks.append(data)
    _, status, ru = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc._bench_rusage = ru  # type: ignore[attr-defined]
    proc.stdout.close()
    return b"".join(chunks), None


def ab_process(product: list[str], baseline: list[str], runs: int, *, warmup: int = 1,
               env: dict[str, str] | None = None, timeout: float = 300
               ) -> tuple[list[ProcessRun], list[ProcessRun]]:
    """Whole processes in turn (A B B A A B ...), after `warmup` untimed pairs."""
    for _ in range(warmup):
        for argv in (product, baseline):
            r = run_process(argv, env=env, timeout=timeout)
            if r.returncode != 0:
                raise RuntimeError(f"{argv} failed ({r.returncode}):\n{r.output[-3000:]}")
    a, b = [], []
    for i in range(runs):
        order = ((product, a), (baseline, b)) if i % 2 == 0 else ((baseline, b), (product, a))
        for argv, out in order:
            r = run_process(argv, env=env, timeout=timeout)
            if r.returncode != 0:
                raise RuntimeError(f"{argv} failed ({r.returncode}):\n{r.output[-3000:]}")
            out.append(r)
    return a, b


def offscreen_env() -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.setdefault("PYTHONDONTWRITEBYTECODE", "")
    return env
