"""The migration history is one line: two engineers who each add a migration on their own branch can both
take the next number and both point at the same parent, and main then has two heads (`flask db upgrade`
refuses to choose). This fails at once on such a main, before any database is touched."""

from __future__ import annotations

import re
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def _scripts() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config)


def test_one_head_and_one_base():
    scripts = _scripts()
    assert len(scripts.get_heads()) == 1, f"more than one head: {scripts.get_heads()} — renumber the newer one"
    assert len(scripts.get_bases()) == 1, scripts.get_bases()


def test_each_number_used_once_and_in_order():
    """Revision ids start with a four-digit number ("0004", "0005_theatre_busy"); each number once, and each revision's parent is
    the number before it, so the file list reads as the history."""
    scripts = _scripts()
    revisions = list(scripts.walk_revisions())  # head first
    numbers = [int(re.match(r"(\d{4})(_|$)", revision.revision).group(1)) for revision in revisions]
    assert len(numbers) == len(set(numbers)), sorted(numbers)
    assert numbers == list(range(len(numbers), 0, -1)), numbers
