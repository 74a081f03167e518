"""Write the register path into the app's settings (run under the private XDG_CONFIG_HOME)."""
import sys

from PySide6.QtCore import QCoreApplication

from app.ui import prefs

app = QCoreApplication([])
app.setOrganizationName(prefs.ORGANISATION)
app.setApplicationName(prefs.APPLICATION)
prefs.set_register_path(sys.argv[1])
prefs.settings().sync()
print(prefs.register_path())
