"""pyproject.toml is the single source of dependencies: every third-party module the packages
import is declared there, and requirements.txt (the pinned lock, scripts/lock_requirements.py)
satisfies every declared requirement. The wheel itself is tried by `make wheel-demo` (CI)."""
from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
PACKAGES = ("crawler", "pipelines", "corpus")


def declared(extras: tuple[str, ...] = ()) -> list[Requirement]:
    """The core requirements plus those of `extras` (self-references expanded)."""
    project = PYPROJECT["project"]
    found = [Requirement(r) for r in project["dependencies"]]
    todo = list(extras)
    while todo:
        for text in project["optional-dependencies"][todo.pop()]:
            req = Requirement(text)
            if canonicalize_name(req.name) == "vnnews":
                todo += sorted(req.extras)
            else:
                found.append(req)
    return found


def pins() -> dict[str, str]:
    lines = (ROOT / "requirements.txt").read_text("utf-8").splitlines()
    return {canonicalize_name(name): version for line in lines
            if (m := re.match(r"^([A-Za-z0-9_.-]+)==(\S+)$", line.strip()))
            for name, version in [m.groups()]}


def test_the_lock_pins_every_declared_requirement_within_its_range():
    locked = pins()
    problems = []
    for req in declared(("dev",)):
        version = locked.get(canonicalize_name(req.name))
        if version is None:
            problems.append(f"{req.name}: not in requirements.txt")
        elif not req.specifier.contains(version, prereleases=True):
            problems.append(f"{req.name}=={version} outside {req.specifier}")
    assert problems == [], "rerun scripts/lock_requirements.py: " + "; ".join(problems)


def third_party_imports() -> dict[str, set[str]]:
    """Top-level module -> the project files importing it (lazy imports included)."""
    found: dict[str, set[str]] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                         [node.module] if isinstance(node, ast.ImportFrom) and node.module
                         and node.level == 0 else [])
                for name in names:
                    top = name.split(".")[0]
                    if top not in sys.stdlib_module_names and top not in PACKAGES:
                        found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_imported_module_is_declared():
    """A module imported by the packages comes from a distribution pyproject names (core, or
    the extra its feature documents), so `pip install vnnews` never crashes on an import."""
    core = {canonicalize_name(r.name) for r in declared()}
    optional = {canonicalize_name(r.name) for r in declared(("pyvi",))} - core
    distributions = packages_distributions()
    undeclared = []
    for module, files in sorted(third_party_imports().items()):
        names = {canonicalize_name(d) for d in distributions.get(module, [module])}
        if not names & (core | optional):
            undeclared.append(f"{module} ({', '.join(sorted(files))})")
    assert undeclared == []


def test_one_version_for_the_package_and_the_cli():
    from importlib.metadata import version

    from crawler import __version__
    assert PYPROJECT["project"]["dynamic"] == ["version"]       # read from crawler.__version__
    assert version("vnnews") == __version__
