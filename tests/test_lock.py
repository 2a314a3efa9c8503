"""Locked dependencies: one hash-checked lock for everything `make` installs."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

import pytest
from helpers import ROOT

LOCK = ROOT / "requirements.txt"
ENTRY_RE = re.compile(r"^(?P<name>[A-Za-z0-9_.-]+)==(?P<version>\S+)(?P<rest>(?:[^\n]*\\\n)*[^\n]*)", re.M)


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked() -> dict[str, tuple[str, str]]:
    """{name: (version, its whole entry)} from requirements.txt."""
    return {normalise(m["name"]): (m["version"], m.group(0)) for m in ENTRY_RE.finditer(LOCK.read_text())}


def test_every_locked_package_carries_hashes():
    entries = locked()
    assert len(entries) > 50
    assert [name for name, (_, entry) in entries.items() if "--hash=sha256:" not in entry] == []


def test_the_lock_holds_every_pin_of_pyproject_and_pip_itself():
    """Fails when a dependency was added to pyproject.toml without `make lock`."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    entries = locked()
    missing = []
    for pin in pins:
        name, version = re.match(r"^([A-Za-z0-9_.-]+)(?:\[[^]]*\])?==(\S+)$", pin).groups()
        if entries.get(normalise(name), ("",))[0] != version:
            missing.append(pin)
    assert missing == [], "run `make lock`"
    assert "pip" in entries, "pip itself is pinned and hash-checked"


def test_make_installs_only_from_the_lock_with_hash_checking():
    makefile = (ROOT / "Makefile").read_text()
    installs = [line.strip() for line in makefile.splitlines() if "pip install" in line]
    assert installs
    for line in installs:
        assert "--upgrade" not in line
        if "--require-hashes -r $(LOCK)" in line:
            continue
        # the project's own packages, from this checkout: nothing fetched, nothing else installed
        assert "--no-deps" in line and "--no-build-isolation" in line, line
        assert all(part.startswith(("-", ".", "$(")) or part in ("python", "pip", "install")
                   for part in line.split()), line
    assert re.search(r"^lock:", makefile, re.M), "`make lock` regenerates it"


def tampered(entry: str) -> str:
    """The entry with every sha256 changed in its last digit."""
    return re.sub(r"(sha256:[0-9a-f]{63})([0-9a-f])", lambda m: m[1] + ("0" if m[2] != "0" else "1"), entry)


def pip_dry_run(requirements, tmp_path):
    path = tmp_path / "requirements.txt"
    path.write_text(requirements + "\n")
    return subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--no-deps",
         "--require-hashes", "--no-cache-dir", "--disable-pip-version-check", "-r", str(path)],
        capture_output=True, text=True, timeout=300,
    )


def test_a_package_whose_hash_does_not_match_is_refused(tmp_path):
    # a small pure-Python package: the check downloads one small file
    version, entry = locked()["iniconfig"]
    genuine = pip_dry_run(entry, tmp_path)
    if genuine.returncode != 0:
        if "THESE PACKAGES DO NOT MATCH THE HASHES" in genuine.stderr:
            pytest.fail("the genuine lock entry fails its own hash check:\n" + genuine.stderr)
        pytest.skip("pip cannot reach the package index: " + genuine.stderr.strip().splitlines()[-1])
    assert f"iniconfig-{version}" in genuine.stdout
    forged = pip_dry_run(tampered(entry), tmp_path)
    assert forged.returncode != 0
    assert "THESE PACKAGES DO NOT MATCH THE HASHES" in forged.stderr
