"""Each package imports only what its rung of the layering allows (README, "How it is built")."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
STDLIB = set(sys.stdlib_module_names) | {"__future__"}

# What each package may import, besides the standard library and itself.
ALLOWED = {
    "chalicelib/core": {
        "pydantic",
        "pydantic_core",
        "typing_extensions",
        "idna",
        "chalicelib.core",
    },
    "chalicelib/store": {"boto3", "botocore", "pydantic", "chalicelib.core"},
    "chalicelib/mail": {"boto3", "botocore"},
    "chalicelib/usecases": {"chalicelib.core", "chalicelib.store", "chalicelib.documents"},
    "chalicelib/documents": {
        "chalicelib.core",
        "fpdf",
        "PIL",
        "fontTools",
        "qrcode",
        "png",
        "defusedxml",
        "openpyxl",
    },
}


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def allowed(name: str, package: str, rules: set[str]) -> bool:
    top = name.split(".")[0]
    own = package.replace("/", ".")
    return (
        top in STDLIB
        or name == own
        or name.startswith(own + ".")
        or any(name == rule or name.startswith(rule + ".") for rule in rules)
    )


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_each_package_imports_only_what_it_may(package):
    modules = sorted((ROOT / package).glob("*.py"))
    assert modules, package
    strays = {
        f"{module.relative_to(ROOT)}: {name}"
        for module in modules
        for name in imported(module)
        if not allowed(name, package, ALLOWED[package])
    }
    assert not strays


def test_no_module_of_chalicelib_outside_the_edge_imports_chalice():
    edge = ROOT / "chalicelib" / "api"
    offenders = [
        str(module.relative_to(ROOT))
        for module in (ROOT / "chalicelib").rglob("*.py")
        if edge not in module.parents
        and any(name.split(".")[0] == "chalice" for name in imported(module))
    ]
    assert offenders == []


def test_no_file_of_chalicelib_is_over_600_lines():
    long = {
        str(module.relative_to(ROOT)): len(module.read_text().splitlines())
        for module in (ROOT / "chalicelib").rglob("*.py")
        if len(module.read_text().splitlines()) > 600
    }
    assert long == {}
