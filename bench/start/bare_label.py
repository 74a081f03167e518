"""Figure 2, baseline: a bare PySide6 QApplication showing one QLabel, then quit."""
from __future__ import annotations

import sys
import time

from PySide6.QtWidgets import QApplication, QLabel

app = QApplication(sys.argv[:1])
label = QLabel("保密台账")
label.show()
while label.windowHandle() is None or not label.windowHandle().isExposed():
    app.processEvents()
app.processEvents()
print(f"SHOWN {time.monotonic():.6f}", flush=True)
sys.exit(0)
