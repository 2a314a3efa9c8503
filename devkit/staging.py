"""The strict build into a fresh folder, swapped in only when it succeeds."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .paths import CONTENT, OUTPUT, ROOT, SETTINGS


def pelican_command(output: Path, publish: bool, strict: bool = True, content: Path = CONTENT,
                    reuse_from: Path | None = None):
    command = [
        sys.executable, "-m", "pelican", str(content),
        "--settings", str(SETTINGS[publish]),
        "--output", str(output),
        "--log-handler", "plain",
    ]
    if reuse_from is not None:
        # unchanged story pages are linked from the live site (plugins/casebook/incremental.py)
        command += ["--extra-settings", f"CASEBOOK_REUSE_FROM={json.dumps(str(reuse_from))}"]
    return command + (["--fatal", "errors"] if strict else [])


def build_site(output: Path = OUTPUT, publish: bool = False, strict: bool = True,
               content: Path = CONTENT) -> bool:
    """Build into a fresh folder beside ``output`` and swap it in only on success.

    A failed build (an author's error under --fatal errors, a crash) leaves the
    last good site in ``output`` untouched and no half-written folder behind.
    """
    output = Path(output)
    staging = output.with_name(f"{output.name}.building-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        reuse_from = output if output.exists() else None
        result = subprocess.run(pelican_command(staging, publish, strict, content, reuse_from), cwd=ROOT)
        if result.returncode != 0:
            print(f"build failed (exit {result.returncode}): {output} left as it was", file=sys.stderr)
            return False
        previous = output.with_name(f"{output.name}.previous-{os.getpid()}")
        if output.exists():
            output.rename(previous)
        staging.rename(output)
        shutil.rmtree(previous, ignore_errors=True)
        return True
    finally:
        shutil.rmtree(staging, ignore_errors=True)
