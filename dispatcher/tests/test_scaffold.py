"""plugboard new-backend: the package it writes installs with pip and passes conformance."""

from __future__ import annotations

import json
import os
import subprocess
import venv
from pathlib import Path

import pytest

import plugboard as pb
from plugboard._cli import main as cli

ROOT = Path(pb.__file__).resolve().parents[3]


def test_the_command_writes_a_complete_package(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["new-backend", "acme", "--dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "pip install -e" in out and "CachingAllocator" in out and "has_streams" in out
    root = tmp_path / "plugboard-acme"
    files = {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}
    assert files == {
        "pyproject.toml", "README.md", "tests/test_backend.py",
        "src/plugboard_acme/__init__.py", "src/plugboard_acme/_plugin.py",
        "src/plugboard_acme/_runtime.py", "src/plugboard_acme/_kernels.py",
        "src/plugboard_acme/conformance-expectations.toml",
    }
    pyproject = (root / "pyproject.toml").read_text()
    entry_point = '[project.entry-points."plugboard.backends"]\nacme = "plugboard_acme._plugin"'
    assert entry_point in pyproject
    for source in root.rglob("*.py"):
        compile(source.read_text(), str(source), "exec")
    assert "| kernels (`KernelTable`, `KernelSpec`) |" in (root / "README.md").read_text()


@pytest.mark.parametrize("name", ["Acme", "9lives", "acme-x", "class", "cpu", "meta", ""])
def test_names_that_are_no_device_type_are_refused(tmp_path: Path, name: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["new-backend", name, "--dir", str(tmp_path)]) != 0
    assert "Fix:" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_an_existing_directory_is_not_overwritten(tmp_path: Path) -> None:
    (tmp_path / "plugboard-acme").mkdir()
    assert cli(["new-backend", "acme", "--dir", str(tmp_path)]) != 0


def test_the_generated_backend_installs_with_pip_and_passes_conformance(tmp_path: Path) -> None:
    cli(["new-backend", "acme", "--dir", str(tmp_path)])
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "-e", str(ROOT / "dispatcher"),
         "-e", str(ROOT / "backends" / "cpu"), "-e", str(ROOT / "conformance"),
         "-e", f"{tmp_path / 'plugboard-acme'}[test]"],
        check=True, env=environment, timeout=600, capture_output=True,
    )
    run = subprocess.run(
        [str(env_dir / "bin" / "plugboard"), "conformance", "--backend", "acme",
         "--report-dir", str(tmp_path / "reports"), "--no-progress"],
        env=environment, timeout=600, capture_output=True, text=True, check=False,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    report = json.loads((tmp_path / "reports" / "acme.json").read_text())
    assert report["levels"]["core"]["conformant"] and report["levels"]["nn"]["conformant"]
    tests = subprocess.run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider",
                            str(tmp_path / "plugboard-acme" / "tests")],
                           env=environment, timeout=300, capture_output=True, text=True,
                           check=False, cwd=tmp_path)
    assert tests.returncode == 0, tests.stdout[-2000:]
