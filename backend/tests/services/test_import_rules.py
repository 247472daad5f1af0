"""Each rule in one room: the packages below may not import the ones above them (issue 13).

An AST walk over every module of a package, imports inside functions included, relative imports resolved.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "ticketshow"

# (package, packages it must never import): the lower room never reaches into the higher one.
FORBIDDEN = [
    ("catalog", {"booking"}),  # booking answers the catalogue through catalog/sales.py
    ("ratings", {"catalog", "booking"}),  # below both
    ("pricing", {"booking"}),
    ("jobs", {"notifications", "reports", "exports", "popularity"}),  # every job kind sits above jobs
    ("notifications", {"reports", "exports"}),
    ("clock", {"jobs", "notifications", "reports"}),
]


def imported_modules(source: str, module: str) -> set[str]:
    """Absolute names of every module the source imports (`module` is its own dotted name)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")[: -node.level]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)  # `from .. import booking`
    return found


def violations(package: str, forbidden: set[str], root: Path = PACKAGE) -> list[str]:
    files = [root / f"{package}.py"] if (root / f"{package}.py").exists() else sorted((root / package).rglob("*.py"))
    problems = []
    for path in files:
        relative = path.relative_to(root.parent).with_suffix("")
        module = ".".join(relative.parts)
        if path.name == "__init__.py":
            module += ".__init__"  # so that `from . import x` resolves to the package itself
        for target in imported_modules(path.read_text(encoding="utf-8"), module):
            parts = target.split(".")
            if len(parts) > 1 and parts[0] == root.name and parts[1] in forbidden:
                problems.append(f"{module} imports {target}")
    return sorted(set(problems))


@pytest.mark.parametrize(("package", "forbidden"), FORBIDDEN, ids=[p for p, _ in FORBIDDEN])
def test_lower_packages_do_not_import_higher_ones(package, forbidden):
    assert violations(package, forbidden) == []


def test_the_check_sees_every_kind_of_import(tmp_path):
    """Control: a package that breaks the rule in each way is caught each time."""
    root = tmp_path / "ticketshow"
    (root / "catalog").mkdir(parents=True)
    (root / "catalog" / "__init__.py").write_text("")
    (root / "catalog" / "service.py").write_text(
        "from ..booking.models import Ticket\n"
        "from .. import booking\n"
        "import ticketshow.booking.service\n"
        "def later():\n    from ticketshow.booking import ledger\n"
        "from ..pricing import repricing\n"
    )
    assert violations("catalog", {"booking"}, root) == [
        "ticketshow.catalog.service imports ticketshow.booking",
        "ticketshow.catalog.service imports ticketshow.booking.ledger",
        "ticketshow.catalog.service imports ticketshow.booking.models",
        "ticketshow.catalog.service imports ticketshow.booking.models.Ticket",
        "ticketshow.catalog.service imports ticketshow.booking.service",
    ]
