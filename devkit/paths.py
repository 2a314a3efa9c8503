"""Where the project's folders and settings are."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
OUTPUT = ROOT / "output"
#: development settings (False) and production settings (True)
SETTINGS = {False: ROOT / "pelicanconf.py", True: ROOT / "publishconf.py"}
