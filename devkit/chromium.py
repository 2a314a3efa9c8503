"""Chromium for the browser tests, Lighthouse and the benchmark."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: how every tool here starts it: headless, and quiet on a machine without a network
FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


def find() -> str | None:
    """``CHROMIUM_PATH`` when set (None if it does not exist), else the first on PATH."""
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured if Path(configured).exists() else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def apt_install(package: str) -> bool:
    """Install a Debian package when we are root on Debian; False elsewhere."""
    if not (Path("/etc/debian_version").exists() and os.geteuid() == 0):
        return False
    print(f"installing Debian's {package} package")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", package], check=True, env=env)
    return True


def ensure() -> str | None:
    """A Chromium's path, installing Debian's when root on Debian and none is found."""
    return find() or (find() if apt_install("chromium") else None)
