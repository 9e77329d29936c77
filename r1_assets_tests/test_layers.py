"""The layers stay true: logic packages import neither Dagster nor the Dagster side, asset modules
never import each other, resources import no asset module.

Read from the source with :mod:`ast` (nothing is imported), so an import inside a function counts
as much as one at the top of a module.

- The *shell* is ``assets/``, ``resources/``, ``runs/`` (CLI planning and Dagster instance
  preparation) and the top-level modules (``definitions.py``, ``cli.py``, ``pools.py``, ...).
- Every other subpackage is *logic*: a package added later is checked without naming it here.
- Logic may import a top-level module only when that module imports no Dagster (``settings.py``,
  paths only, is the one there is).
- In ``assets/``, an *asset module* defines an asset or a check; the others (``keys``,
  ``metadata``, ``plots``) are Dagster-side helpers any asset module may import.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import r1_assets

PACKAGE_DIR = Path(r1_assets.__file__).resolve().parent
SHELL_PACKAGES = frozenset({"assets", "resources", "runs"})
# the decorators that make a module an asset module
ASSET_DECORATORS = frozenset(
    {
        "asset",
        "multi_asset",
        "graph_asset",
        "graph_multi_asset",
        "asset_check",
        "multi_asset_check",
        "observable_source_asset",
    }
)


@dataclass(frozen=True)
class Module:
    name: str  # dotted, e.g. r1_assets.assets.dedup
    path: Path
    tree: ast.Module

    @property
    def parts(self) -> list[str]:
        return self.name.split(".")

    def imports(self, known: frozenset[str] = frozenset()) -> set[str]:
        """Every module this one imports, absolute; ``from a import b`` names ``a.b`` when that
        is one of the ``known`` modules, else ``a``."""
        found: set[str] = set()
        package = self.parts[:-1] if self.path.name != "__init__.py" else self.parts
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = package[: len(package) - node.level + 1] if node.level else []
                module = ".".join([*base, *([node.module] if node.module else [])])
                for alias in node.names:
                    submodule = f"{module}.{alias.name}"
                    found.add(submodule if submodule in known else module)
        return found

    def defines_assets(self) -> bool:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for decorator in node.decorator_list:
                    target = decorator.func if isinstance(decorator, ast.Call) else decorator
                    name = target.attr if isinstance(target, ast.Attribute) else None
                    name = target.id if isinstance(target, ast.Name) else name
                    if name in ASSET_DECORATORS:
                        return True
        return False


def modules(package_dir: Path) -> list[Module]:
    found = []
    for path in sorted(package_dir.rglob("*.py")):
        relative = path.relative_to(package_dir.parent).with_suffix("")
        parts = list(relative.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found.append(Module(".".join(parts), path, ast.parse(path.read_text(), str(path))))
    return found


def is_dagster(name: str) -> bool:
    top = name.split(".")[0]
    return top == "dagster" or top.startswith("dagster_")


def within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def logic_packages(package_dir: Path) -> list[str]:
    """Every subpackage but the shell ones."""
    return sorted(
        d.name
        for d in package_dir.iterdir()
        if d.is_dir() and d.name not in SHELL_PACKAGES and any(d.rglob("*.py"))
    )


def layer_violations(package_dir: Path) -> list[str]:
    """One line per import that crosses a layer the wrong way."""
    top = package_dir.name
    found = modules(package_dir)
    known = frozenset(m.name for m in found)
    logic = {f"{top}.{name}" for name in logic_packages(package_dir)}
    # the shell a logic module may not import: the shell packages, definitions, and every
    # top-level module that imports Dagster
    shell = {f"{top}.{name}" for name in SHELL_PACKAGES} | {f"{top}.definitions"}
    shell |= {
        m.name
        for m in found
        if len(m.parts) == 2 and m.path.name != "__init__.py" and any(map(is_dagster, m.imports()))
    }
    asset_modules = {
        m.name for m in found if within(m.name, f"{top}.assets") and m.defines_assets()
    }
    violations = []
    for module in found:
        imported = module.imports(known)
        if any(within(module.name, package) for package in logic):
            violations += [
                f"{module.name} (logic) imports {name}"
                for name in sorted(imported)
                if is_dagster(name) or any(within(name, s) for s in shell)
            ]
        elif within(module.name, f"{top}.assets"):
            violations += [
                f"{module.name} imports the asset module {name}"
                for name in sorted(imported & asset_modules - {module.name})
            ]
        elif within(module.name, f"{top}.resources"):
            violations += [
                f"{module.name} (resource) imports {name}"
                for name in sorted(imported)
                if within(name, f"{top}.assets") or within(name, f"{top}.definitions")
            ]
    return violations


def test_the_layers_of_r1_assets_hold() -> None:
    assert {"catalog", "dedup", "verify", "storage"} <= set(logic_packages(PACKAGE_DIR))
    assert not SHELL_PACKAGES & set(logic_packages(PACKAGE_DIR))
    assert layer_violations(PACKAGE_DIR) == []


def write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


ASSET = "import dagster as dg\n\n\n@dg.asset\ndef {name}() -> None: ...\n"


def test_the_checker_reports_each_crossing(tmp_path: Path) -> None:
    root = tmp_path / "pkg"
    write(root, "__init__.py", "")
    write(root, "cli.py", "def main():\n    import dagster\n")
    write(root, "settings.py", "import os\n")
    write(root, "assets/__init__.py", "")
    write(root, "assets/keys.py", "import dagster as dg\n\nA = dg.AssetKey('a')\n")
    write(root, "assets/first.py", ASSET.format(name="first") + "from pkg.assets.keys import A\n")
    write(
        root, "assets/second.py", ASSET.format(name="second") + "from pkg.assets.first import A\n"
    )
    write(root, "assets/third.py", ASSET.format(name="third") + "from . import first\n")
    write(
        root,
        "assets/fourth.py",
        "from dagster import asset_check\n\n\n@asset_check(asset='a')\ndef c(): ...\n",
    )
    write(root, "resources/store.py", "import dagster as dg\nfrom pkg.assets import keys\n")
    write(root, "runs/plan.py", "import dagster as dg\n")  # shell: may import Dagster
    write(root, "ingest/read.py", "from pkg import settings\nfrom pkg.other.tool import f\n")
    write(root, "other/tool.py", "def f():\n    from dagster_duckdb import DuckDBResource\n")
    write(root, "other/more.py", "from ..assets.keys import A\nfrom pkg.cli import main\n")
    write(root, "fresh/__init__.py", "from pkg.resources.store import x\n")

    assert logic_packages(root) == ["fresh", "ingest", "other"]
    assert layer_violations(root) == [
        "pkg.assets.second imports the asset module pkg.assets.first",
        "pkg.assets.third imports the asset module pkg.assets.first",
        "pkg.fresh (logic) imports pkg.resources.store",
        "pkg.other.more (logic) imports pkg.assets.keys",
        "pkg.other.more (logic) imports pkg.cli",
        "pkg.other.tool (logic) imports dagster_duckdb",
        "pkg.resources.store (resource) imports pkg.assets.keys",
    ]
