"""The import graph has one direction (DESIGN.md section 9): data walks site files -> spider
-> page extraction -> text steps -> corpus writer, and each room imports only what is upstream
of it, so each can be read, tested and reused alone. Checked over the source with ast."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("crawler", "pipelines", "corpus")


def project_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            modules[name] = path
    return modules


def imports_of(path: Path) -> set[str]:
    """Project modules a file imports (at any depth: lazy imports count too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # "from package import module" imports the module; "from module import name" the module
            subs = {f"{node.module}.{a.name}" for a in node.names} & set(MODULES)
            found.update(subs or {node.module})
    return {name for name in found if name.split(".")[0] in PACKAGES}


def is_face(module: str) -> bool:
    """Command-line modules: the only place exceptions become exit codes."""
    return module.startswith("crawler.cli") or module.endswith("__main__")


def within(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


MODULES = project_modules()

# room -> (who is in it, what of the project it may import)
RULES = {
    "pipelines (text)": (("pipelines",), ("pipelines", "crawler.items")),
    "corpus (dataset I/O)": (("corpus",), ("corpus", "crawler.items")),
    "pages (HTML to Article)": (("crawler.pages",),
                                ("crawler.pages", "crawler.items", "crawler.sites.registry",
                                 "pipelines")),
    "site registry (data)": (("crawler.sites.registry", "crawler.sites.domains"),
                             ("crawler.items", "crawler.sites.domains")),
    "item": (("crawler.items",), ()),
}


def violations(room: str) -> list[str]:
    members, allowed = RULES[room]
    found = []
    for module, path in sorted(MODULES.items()):
        if not within(module, members) or is_face(module):
            continue
        for name in sorted(imports_of(path)):
            if name != module and not within(name, allowed):
                found.append(f"{module} imports {name}")
    return found


@pytest.mark.parametrize("room", sorted(RULES))
def test_room_imports_only_upstream(room):
    assert violations(room) == []


def test_no_library_module_imports_the_cli():
    offenders = [f"{m} imports {n}" for m, p in sorted(MODULES.items()) if not is_face(m)
                 for n in imports_of(p) if n.startswith("crawler.cli")]
    assert offenders == []


def exits_outside_main_guard(tree) -> int:
    """sys.exit() calls and SystemExit raises not under `if __name__ == "__main__":`."""
    guarded = {id(n) for top in tree.body if isinstance(top, ast.If)
               and "__main__" in ast.unparse(top.test) for n in ast.walk(top)}
    return sum(1 for n in ast.walk(tree) if id(n) not in guarded and (
        (isinstance(n, ast.Call) and ast.unparse(n.func) == "sys.exit")
        or (isinstance(n, ast.Raise) and n.exc is not None and "SystemExit" in ast.unparse(n.exc))))


def test_only_the_cli_turns_exceptions_into_exit_codes():
    """sys.exit / SystemExit appear only in command-line modules (and script entry guards)."""
    offenders = [m for m, p in sorted(MODULES.items()) if not is_face(m)
                 and exits_outside_main_guard(ast.parse(p.read_text("utf-8")))]
    assert offenders == []


def test_the_checker_sees_a_violation(tmp_path, monkeypatch):
    """A rule that cannot fail proves nothing: a pipelines module importing the corpus is caught."""
    bad = tmp_path / "bad.py"
    bad.write_text("from corpus.writer import CorpusWriter\n")
    monkeypatch.setitem(MODULES, "pipelines.bad", bad)
    assert violations("pipelines (text)") == ["pipelines.bad imports corpus.writer"]
    bad.write_text("import sys\ndef f():\n    sys.exit(1)\n")
    assert exits_outside_main_guard(ast.parse(bad.read_text())) == 1
