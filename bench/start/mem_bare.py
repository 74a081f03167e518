"""Figure 8, baseline: a bare QApplication that opens the register with raw sqlcipher3
and reads one page of 50 carriers (shown in a QLabel).

    BENCH_KEY=<data key in hex> python mem_bare.py DB   (the key is not put on the command line)
"""
from __future__ import annotations

import os
import sys

import sqlcipher3.dbapi2 as sqlcipher
from PySide6.QtWidgets import QApplication, QLabel

app = QApplication(sys.argv[:1])
con = sqlcipher.connect(sys.argv[1], isolation_level=None)
con.execute(f"PRAGMA key = \"x'{os.environ['BENCH_KEY']}'\"")
rows = con.execute("SELECT id, number, kind, title, doc_no, issuer, level, serial, period, state, "
                   "location, registered_at FROM carriers ORDER BY number, id LIMIT 50").fetchall()
label = QLabel("\n".join(f"{r[1]} {r[3]}" for r in rows))
label.show()
app.processEvents()
con.close()
print(f"LOADED {len(rows)}", flush=True)
sys.exit(0)
