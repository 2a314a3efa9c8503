"""CI's own definition: the GitHub Actions workflow is valid, lint-clean and safe to deploy."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent


def tool(name):
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed (it is a dev dependency in pyproject.toml)")
    return found


def test_there_is_a_workflow():
    assert WORKFLOWS


def test_workflows_match_githubs_schema():
    result = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS)],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_finds_nothing_including_deprecated_runtimes():
    result = subprocess.run([tool("actionlint"), *map(str, WORKFLOWS)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def load(path=None):
    return yaml.safe_load((path or ROOT / ".github" / "workflows" / "site.yml").read_text())


def test_deploy_runs_only_after_tests_pass_on_main_with_pages_permissions():
    workflow = load()
    jobs = workflow["jobs"]
    deploy = jobs["deploy"]
    assert deploy["needs"] == "test" or "test" in deploy["needs"]
    assert "refs/heads/main" in deploy["if"] and "push" in deploy["if"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["concurrency"]["group"] == "pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"] if "uses" in s] == ["actions/deploy-pages"]


def test_test_job_runs_suite_strict_build_and_checks_and_uploads_the_site():
    steps = load()["jobs"]["test"]["steps"]
    commands = [s.get("run", "") for s in steps]
    assert commands.index("make test") < commands.index("make build PUBLISH=1") < commands.index("make check")
    uses = {s["uses"].split("@")[0]: s for s in steps if "uses" in s}
    assert uses["actions/setup-python"]["with"]["cache"] == "pip"
    assert "content/**" in uses["actions/cache"]["with"]["key"]
    assert uses["actions/upload-pages-artifact"]["with"]["path"] == "output"
    assert all("@v" in s["uses"] for s in steps if "uses" in s), "actions are pinned to versions"
