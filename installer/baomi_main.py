"""Entry point of the bundled program (PyInstaller's script): the same as `baomi`."""
import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
