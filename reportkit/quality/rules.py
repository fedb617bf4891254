"""The registry: every evidence-quality check, declared as data in reportkit/data/checks.yaml
(id, name, severity, scope, the function that runs it, what it finds)."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from reportkit.load.yaml_file import load_yaml
from reportkit.quality.findings import Check

CHECKS_FILE = Path(__file__).resolve().parent.parent / "data" / "checks.yaml"


def _checks() -> tuple[Check, ...]:
    """The checks declared in data/checks.yaml, each bound to the function that runs it."""
    checks = []
    for entry in load_yaml(CHECKS_FILE).data:
        module, function = entry["run"].split(".")
        checks.append(Check(entry["id"], entry["name"], entry["severity"], entry["needs_case"],
                            entry["summary"], getattr(import_module(f"reportkit.quality.{module}"),
                                                      function)))
    return tuple(checks)


CHECKS: tuple[Check, ...] = _checks()


def selected_checks(select: list[str] | None = None, ignore: list[str] | None = None) -> list[Check]:
    """Checks whose id starts with (or whose name is) a selected code, minus the ignored ones."""
    chosen = [check for check in CHECKS
              if not select or any(check.matches(code) for code in select)]
    return [check for check in chosen if not any(check.matches(code) for code in ignore or [])]


def unknown_codes(codes: list[str]) -> list[str]:
    return [code for code in codes if not any(check.matches(code) for check in CHECKS)]
