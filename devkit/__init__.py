"""Development helpers shared by tasks.py, checks/, benchmarks/ and tests/.

- ``paths``: where the project's folders and settings are;
- ``staging``: the strict build into a fresh folder, swapped in on success;
- ``server``: a static server for a built site on 127.0.0.1;
- ``chromium``: finding (or installing) Chromium, and the flags it runs with.

Installed with the project (``pyproject.toml``), so every tool imports it by
name; nothing edits ``sys.path``.
"""
