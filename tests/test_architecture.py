"""The plugins' contracts: order written in code, private API in one place, dependencies that fail loudly."""

from __future__ import annotations

import ast
import random
import subprocess
from contextlib import contextmanager
from pathlib import Path

import blinker
import pelican
import pytest
from casebook import compat
from casebook.plugin import MissingPlugin
from helpers import FIXTURES, ROOT, build
from pelican import Pelican
from pelican.plugins import signals
from pelican.settings import read_settings

PLUGIN_SOURCES = [ROOT / "plugins" / "casebook", ROOT / "plugins" / "site_search",
                  ROOT / "plugins" / "callouts" / "pelican" / "plugins" / "callouts"]
OUR_PLUGINS = ("casebook", "site_search", "pelican.plugins.callouts")


def site_files(output: Path) -> dict[Path, bytes]:
    # the sitemap dates listing pages with the time of the build: left out
    return {p.relative_to(output): p.read_bytes() for p in output.rglob("*")
            if p.is_file() and p.name != "sitemap.xml"}


@contextmanager
def receivers_shuffled(seed: int):
    """Every signal calls its receivers in a random order (blinker promises none)."""
    rng = random.Random(seed)
    original = blinker.base.Signal.receivers_for

    def receivers_for(self, sender):
        receivers = list(original(self, sender))
        rng.shuffle(receivers)
        return iter(receivers)

    blinker.base.Signal.receivers_for = receivers_for
    try:
        yield
    finally:
        blinker.base.Signal.receivers_for = original


def test_the_site_is_the_same_whatever_order_receivers_run_in(tmp_path):
    content = ROOT / "content"
    build(content, tmp_path / "plain", SITE_SEARCH_INDEX=False)
    expected = site_files(tmp_path / "plain")
    for seed in (1, 2, 3):
        with receivers_shuffled(seed):
            build(content, tmp_path / f"shuffled-{seed}", SITE_SEARCH_INDEX=False)
        got = site_files(tmp_path / f"shuffled-{seed}")
        assert got.keys() == expected.keys()
        assert [p for p in expected if got[p] != expected[p]] == [], f"seed {seed}"


def test_each_plugin_connects_one_receiver_per_signal(tmp_path):
    settings = read_settings(str(ROOT / "pelicanconf.py"),
                             override={"PATH": str(FIXTURES / "basic" / "content"), "OUTPUT_PATH": str(tmp_path)})
    Pelican(settings)  # loads and registers the plugins
    everything = [value for value in vars(signals).values() if isinstance(value, blinker.NamedSignal)]
    from pelican.plugins.callouts import contracts

    everything.append(contracts.entries_ready)
    for signal in everything:
        modules = [getattr(r, "__module__", "") for r in signal.receivers.values()]
        for plugin in OUR_PLUGINS:
            ours = [m for m in modules if m == plugin or m.startswith(plugin + ".")]
            assert len(ours) <= 1, f"{signal.name}: {plugin} connects {len(ours)} receivers"


def test_casebook_without_the_callouts_plugin_stops_at_start_up(tmp_path):
    settings = read_settings(str(ROOT / "pelicanconf.py"), override={
        "PATH": str(FIXTURES / "basic" / "content"), "OUTPUT_PATH": str(tmp_path),
        "PLUGINS": ["casebook", "site_search"]})
    with pytest.raises(MissingPlugin, match="pelican.plugins.callouts"):
        Pelican(settings)


def test_the_installed_pelican_is_the_one_compat_was_checked_against():
    assert pelican.__version__ == compat.PELICAN_CHECKED, (
        f"Pelican {pelican.__version__} is installed, but plugins/casebook/compat.py was checked against "
        f"{compat.PELICAN_CHECKED}: re-read each use of Pelican's private API there against the new release, "
        "then update PELICAN_CHECKED")


def pelican_private_names() -> set[str]:
    """Every underscore name Pelican's own code defines or uses (its private API)."""
    names = set()
    for path in Path(pelican.__file__).parent.rglob("*.py"):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = (node.name if isinstance(node, (ast.FunctionDef, ast.ClassDef)) else
                    node.attr if isinstance(node, ast.Attribute) else
                    node.id if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) else "")
            if name.startswith("_") and not name.startswith("__"):
                names.add(name)
    return names


def test_pelicans_private_api_is_used_in_compat_only():
    private = pelican_private_names()
    trees = {path: ast.parse(path.read_text(encoding="utf-8"))
             for folder in PLUGIN_SOURCES for path in folder.rglob("*.py")}
    # names our own code defines (its own attributes and slots) are ours to use
    ours = set()
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                ours.add(node.attr)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                ours.add(node.name)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("_"):
                ours.add(node.value)  # __slots__ entries
    found = []
    for path, tree in trees.items():
        if path.name == "compat.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pelican"):
                found += [f"{path.name}: imports {a.name}" for a in node.names if a.name.startswith("_")]
            elif isinstance(node, ast.Attribute) and node.attr in private and node.attr not in ours:
                found.append(f"{path.name}:{node.lineno}: .{node.attr}")
    assert found == [], "Pelican's private API outside plugins/casebook/compat.py"


def test_no_tool_edits_sys_path():
    edits = []
    # the project's own files (not the benchmark's generated work folder)
    listed = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True)
    for path in [ROOT / name for name in listed.stdout.split()]:
        if "sys.path.insert" in path.read_text() or "sys.path.append" in path.read_text():
            if path.name != "test_architecture.py":
                edits.append(str(path.relative_to(ROOT)))
    assert edits == []
