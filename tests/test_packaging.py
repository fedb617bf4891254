"""After `pip install`, reportkit finds its bundled library and templates from any directory."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(folder),
                    str(ROOT)], check=True, capture_output=True, timeout=600)
    return next(folder.glob("reportkit-*.whl"))


def test_wheel_carries_the_library_and_template_sets(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "reportkit/_bundled/country_data/profiles.yaml" in names
    assert "reportkit/_bundled/templates/uk/reference.docx" in names
    assert "reportkit/_bundled/templates/us/template.yaml" in names
    assert "reportkit/data/new-case.yaml" in names


def test_installed_package_checks_and_builds_from_another_directory(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    script = ("import sys; sys.path.insert(0, sys.argv[1]); import reportkit;"
              "assert reportkit.__file__.startswith(sys.argv[1]), reportkit.__file__;"
              "from reportkit.cli import main; main(sys.argv[2:])")
    new = subprocess.run([sys.executable, "-c", script, str(site), "new", "case.yaml", "--country",
                          "peru", "--profile", "journalist", "--jurisdiction", "uk"],
                         cwd=elsewhere, capture_output=True, text=True, timeout=120)
    assert new.returncode == 0, new.stderr
    check = subprocess.run([sys.executable, "-c", script, str(site), "check"], cwd=elsewhere,
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "peru" in check.stdout
