"""CI's own definition: the GitHub Actions workflow is valid, lint-clean and safe to deploy."""

from __future__ import annotations

import re
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



PINNED_RE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<action>[\w.-]+/[\w./-]+)@(?P<sha>[0-9a-f]{40}) # v\d+\.\d+\.\d+\s*$")


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_by_commit_sha_with_its_version_in_a_comment(path):
    lines = [line for line in path.read_text().splitlines() if re.match(r"^\s*(-\s+)?uses:", line)]
    assert lines
    assert [line for line in lines if not PINNED_RE.match(line)] == []


def test_checkout_does_not_keep_its_credentials():
    for job in load()["jobs"].values():
        for step in job.get("steps", []):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False


def test_a_newer_run_cancels_an_older_one_and_deploys_stay_in_order():
    workflow = load()
    # workflow level: one run per branch; a newer push cancels the older run (deploy included)
    assert "github.ref" in workflow["concurrency"]["group"]
    assert workflow["concurrency"]["cancel-in-progress"] is True
    # and deploys never overlap across runs
    assert workflow["jobs"]["deploy"]["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert workflow["permissions"] == {"contents": "read"}


def test_zizmor_finds_nothing_offline():
    result = subprocess.run(
        [tool("zizmor"), "--offline", "--no-progress", "--persona", "pedantic", str(ROOT / ".github" / "workflows")],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings" in result.stdout + result.stderr


def test_dependabot_keeps_actions_pip_and_npm_current():
    path = ROOT / ".github" / "dependabot.yml"
    result = subprocess.run([tool("check-jsonschema"), "--builtin-schema", "vendor.dependabot", str(path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    config = yaml.safe_load(path.read_text())
    assert {u["package-ecosystem"] for u in config["updates"]} == {"github-actions", "pip", "npm"}


def test_ci_caches_pip_by_the_lock_file():
    steps = load()["jobs"]["test"]["steps"]
    setup = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"]["cache-dependency-path"] == "requirements.txt"
