"""Figure 10: journal verify (app.ledger.verify.verify: the chain, the index columns, the
continuity of every row and the replay against the tables) against raw SHA-256 over the
same canonical bytes: every body read from the register in sequence and chained,
prev = SHA-256(prev || body), in a tight loop (target <= 2x).

The same I/O for both (one pass over the journal through SQLCipher); the ratio is what
the product does beyond hashing.  Runs on the pristine demo register, read only.
"""
from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ab, emit, figure, log  # noqa: E402
from bench.fig_ledger import open_product  # noqa: E402
from bench.registers import data_key, ensure_demo, raw_connect  # noqa: E402

GENESIS = "0" * 64


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--carriers", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    from app.ledger.verify import verify

    db = ensure_demo(args.carriers, log=log)
    key = data_key(db)
    reg = open_product(db, key)
    con = raw_connect(db, key)
    got: dict[str, object] = {}

    def product() -> None:
        report = verify(reg)
        assert report.ok, report.problems[:5]
        got["p"] = (report.entries, report.head_hash)

    def baseline() -> None:
        prev, n = GENESIS, 0
        sha = hashlib.sha256
        for (body,) in con.execute("SELECT body FROM journal ORDER BY seq"):
            prev = sha(prev.encode("ascii") + body.encode("utf-8")).hexdigest()
            n += 1
        got["r"] = (n, prev)

    try:
        a, b = ab(product, baseline, args.runs, warmup=0)
    finally:
        reg.close()
        con.close()
    assert got["p"] == got["r"], f"verify and the raw chain disagree: {got}"
    import resource
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    emit(figure("10", f"journal verify of {got['p'][0]:,} entries", a, b, 2.0,
                note=f"register of {args.carriers:,} carriers; peak RSS of the verifying process "
                     f"{peak:.0f} MiB"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
