"""The ``plugboard`` command line tool: devices, doctor, ops, --version and exit codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import plugboard as pb
from plugboard._cli import _human_bytes, main
from plugboard._dispatch import fallback as _fallback

# A host backend (conftest's) whose driver is missing.
UNAVAILABLE = """
Runtime.availability = lambda self: backend.Availability.no("no clitest driver found")
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def row(output: str, first_cell: str) -> list[str]:
    """The cells of the table row whose first cell is ``first_cell``."""
    for line in output.splitlines():
        cells = [c.strip() for c in re.split(r"[│┃|]", line) if c.strip()]
        if cells and cells[0] == first_cell:
            return cells
    raise AssertionError(f"no table row for {first_cell!r} in:\n{output}")


@pytest.fixture
def env_policy_cache() -> Iterator[None]:
    # The dispatcher reads PLUGBOARD_FALLBACK once and caches it: forget it around the test.
    _fallback._env_policy = None
    yield
    _fallback._env_policy = None


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, env_policy_cache: None) -> None:
    for name in ("PLUGBOARD_BACKENDS", "PLUGBOARD_DISABLE_BACKENDS", "PLUGBOARD_FALLBACK"):
        monkeypatch.delenv(name, raising=False)


# plugboard devices -----------------------------------------------------------------


def test_devices_lists_cpu_with_its_properties(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "devices")
    assert code == 0
    props = pb.device_properties("cpu:0")
    cells = row(out, "cpu:0")
    assert cells[1] == props.name
    assert cells[2] == _human_bytes(props.total_memory)
    assert cells[3] == props.driver
    assert "float32" in out


def test_devices_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "devices", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"devices", "unavailable"}
    cpu = next(d for d in data["devices"] if d["device"] == "cpu:0")
    assert {"device", "name", "total_memory", "driver", "dtypes"} <= set(cpu)
    assert cpu["name"] == pb.device_properties("cpu").name
    assert isinstance(cpu["total_memory"], int)
    assert "float32" in cpu["dtypes"]
    assert cpu["error"] is None


def test_devices_names_unavailable_backends_with_the_reason(
    plugins: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    plugins.install("clitest", plugins.host_backend("clitest", "CLITest", UNAVAILABLE))
    code, out, _ = run(capsys, "devices")
    assert code == 0  # an installed backend without its hardware is a normal state
    assert "clitest: unavailable — no clitest driver found" in out
    assert "clitest:0" not in out

    code, out, _ = run(capsys, "devices", "--json")
    unavailable = json.loads(out)["unavailable"]
    assert {"device_type": "clitest", "state": "unavailable",
            "reason": "no clitest driver found"} in unavailable


def test_devices_lists_every_device_of_a_second_backend(
    plugins: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    plugins.install("clitest", plugins.host_backend("clitest", "CLITest"))
    code, out, _ = run(capsys, "devices")
    assert code == 0
    assert row(out, "clitest:0")[1:3] == ["clitest device 0", "1.0 MiB"]
    assert row(out, "clitest:1")[1] == "clitest device 1"


def test_devices_whose_properties_fail_are_shown_with_the_error(
    plugins: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    # Error text is shown as is: "[red]" is not taken for rich markup.
    failing = "def _fail(self, index): raise RuntimeError('[red]bad driver')\n"
    failing += "Runtime.device_properties = _fail\n"
    plugins.install("clitest", plugins.host_backend("clitest", "CLITest", failing))
    code, out, _ = run(capsys, "devices")
    assert code == 1
    assert row(out, "cpu:0")[1] == pb.device_properties("cpu").name
    assert row(out, "clitest:0")[1].startswith("error: RuntimeError: [red]bad")

    code, out, _ = run(capsys, "devices", "--json")
    assert code == 1
    failed = next(d for d in json.loads(out)["devices"] if d["device"] == "clitest:1")
    assert failed["error"] == "RuntimeError: [red]bad driver"


@pytest.mark.parametrize(
    ("nbytes", "text"),
    [(0, "0 B"), (1023, "1023 B"), (1024, "1.0 KiB"), (1 << 20, "1.0 MiB"),
     (int(23.4 * (1 << 30)), "23.4 GiB"), (5 << 40, "5.0 TiB"), (2048 << 40, "2048.0 TiB")],
)
def test_human_bytes(nbytes: int, text: str) -> None:
    assert _human_bytes(nbytes) == text


# plugboard doctor ------------------------------------------------------------------


def test_doctor_shows_versions_backends_and_unset_switches(
    clean_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "doctor")
    assert code == 0
    assert f"plugboard    {pb.__version__}" in out
    assert "backend API  {}.{}".format(*pb.API_VERSION) in out
    assert "Python" in out and "NumPy" in out
    cells = row(out, "cpu")
    assert cells[1:7] == ["plugboard-cpu", cells[2], "{}.{}".format(*pb.API_VERSION),
                          "yes", "yes", "1"]
    for name in ("PLUGBOARD_BACKENDS", "PLUGBOARD_DISABLE_BACKENDS"):
        assert re.search(rf"^{name} +\(not set\)", out, re.MULTILINE)
    assert re.search(r"^PLUGBOARD_FALLBACK +\(not set\) -> policy: error", out, re.MULTILINE)
    assert "No problems found." in out


def test_doctor_shows_the_switches_in_force(
    clean_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PLUGBOARD_FALLBACK", "cpu")
    monkeypatch.setenv("PLUGBOARD_DISABLE_BACKENDS", "opencl")
    code, out, _ = run(capsys, "doctor")
    assert code == 0
    assert re.search(r"^PLUGBOARD_FALLBACK +'cpu' -> policy: cpu", out, re.MULTILINE)
    assert re.search(r"^PLUGBOARD_DISABLE_BACKENDS +'opencl'", out, re.MULTILINE)
    assert re.search(r"^PLUGBOARD_BACKENDS +\(not set\)", out, re.MULTILINE)


def test_doctor_reports_an_invalid_fallback_policy(
    clean_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PLUGBOARD_FALLBACK", "gpu")
    code, out, _ = run(capsys, "doctor")
    assert code == 1
    assert "PLUGBOARD_FALLBACK='gpu' is not a fallback policy" in out


def test_doctor_shows_installed_but_unavailable_backends_and_exits_0(
    clean_env: None, plugins: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    plugins.install("clitest", plugins.host_backend("clitest", "CLITest", UNAVAILABLE))
    code, out, _ = run(capsys, "doctor")
    assert code == 0
    cells = row(out, "clitest")
    assert cells[1:8] == ["plugboard-test-clitest", "0.1", "{}.{}".format(*pb.API_VERSION),
                          "yes", "no", "0", "no clitest driver found"]


def test_doctor_shows_switched_off_backends(
    clean_env: None, plugins: Any, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    plugins.install("clitest", plugins.host_backend("clitest", "CLITest"))
    monkeypatch.setenv("PLUGBOARD_DISABLE_BACKENDS", "clitest")
    code, out, _ = run(capsys, "doctor")
    assert code == 0
    assert "switched off" in " ".join(row(out, "clitest"))


@pytest.mark.parametrize(
    ("variable", "value", "problem"),
    [
        ("PLUGBOARD_BACKENDS", "opencll",
         "PLUGBOARD_BACKENDS='opencll' names 'opencll', which no installed backend has; "
         "did you mean 'opencl'?"),
        ("PLUGBOARD_BACKENDS", "cpu;cpuu",
         "PLUGBOARD_BACKENDS='cpu;cpuu' names 'cpuu', which no installed backend has; "
         "did you mean 'cpu'?"),
        ("PLUGBOARD_DISABLE_BACKENDS", "OPENCLL",
         "PLUGBOARD_DISABLE_BACKENDS='OPENCLL' names 'opencll', which no installed backend "
         "has; did you mean 'opencl'?"),
    ],
)
def test_doctor_reports_an_unknown_backend_in_a_switch(
    clean_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    variable: str, value: str, problem: str,
) -> None:
    monkeypatch.setenv(variable, value)
    code, out, _ = run(capsys, "doctor")
    assert code == 1
    assert "No problems found" not in out
    assert f"Problem: {problem}" in out
    code, out, _ = run(capsys, "doctor", "--json")
    assert code == 1
    assert any(p.startswith(problem) for p in json.loads(out)["problems"])


@pytest.mark.parametrize("value", ["CPU", "cpu;OpenCL", "cpu opencl", " cpu,\tOPENCL "])
def test_doctor_accepts_any_case_and_separator(
    clean_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    value: str,
) -> None:
    monkeypatch.setenv("PLUGBOARD_BACKENDS", value)
    code, out, _ = run(capsys, "doctor")
    assert code == 0
    assert "No problems found." in out
    assert row(out, "cpu")[4:6] == ["yes", "yes"]


def test_doctor_shows_a_plugin_that_exits_at_import(
    clean_env: None, plugins: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    plugins.install("clitest", "raise SystemExit('not today')\n")
    code, out, _ = run(capsys, "doctor")
    assert code == 1
    assert "clitest (plugboard-test-clitest): SystemExit: not today" in out
    assert "Problem: the clitest backend (plugboard-test-clitest) failed to load" in out
    code, out, _ = run(capsys, "devices")
    assert "clitest: failed to load — SystemExit: not today" in out


def test_doctor_json(
    clean_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PLUGBOARD_FALLBACK", "cpu")
    code, out, _ = run(capsys, "doctor", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"versions", "backends", "environment", "fallback_policy", "problems"}
    assert data["versions"]["plugboard"] == pb.__version__
    assert data["versions"]["api_version"] == list(pb.API_VERSION)
    assert {"python", "numpy"} <= set(data["versions"])
    cpu = next(b for b in data["backends"] if b["device_type"] == "cpu")
    assert cpu["loaded"] and cpu["available"] and cpu["error"] is None
    assert data["environment"] == {
        "PLUGBOARD_BACKENDS": None, "PLUGBOARD_DISABLE_BACKENDS": None, "PLUGBOARD_FALLBACK": "cpu",
    }
    assert data["fallback_policy"] == "cpu"
    assert data["problems"] == []


# plugboard ops ---------------------------------------------------------------------


def support(output: str, op: str) -> dict[str, str]:
    """The backend columns of the ``plugboard ops`` row of ``op``: backend -> status."""
    return dict(zip(row(output, "operator")[2:], row(output, op)[2:], strict=True))


def test_ops_says_how_cpu_runs_each_operator(
    clean_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "ops", "--backend", "cpu")
    assert code == 0
    assert row(out, "operator") == ["operator", "kind", "cpu"]
    assert row(out, "pb::add")[1:] == ["pointwise", "native"]
    assert row(out, "pb::mean")[-1] == "composite"
    assert row(out, "pb::transpose")[1:] == ["view", "view"]
    assert row(out, "pb::empty")[1:] == ["allocation", "allocator"]
    counts = re.search(r"^cpu: (.*)$", out, re.MULTILINE)
    assert counts is not None
    assert re.search(r"\d+ native, \d+ composite, \d+ view, 2 allocator", counts.group(1))
    assert "missing" not in counts.group(1)


def test_ops_has_a_column_per_loaded_backend_in_name_order(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "ops")
    assert code == 0
    # Backends in name order, like `plugboard doctor` and pb.backends().
    loaded = [s.device_type for s in pb.backends() if s.loaded]
    assert row(out, "operator")[2:] == loaded == sorted(loaded)
    assert "cpu" in loaded


def test_ops_schemas(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "250")  # one column per installed backend: no wrapping
    code, out, _ = run(capsys, "ops", "--schemas")
    assert code == 0
    assert row(out, "pb::exp")[-1] == "pb::exp(Tensor self) -> Tensor"


def test_ops_namespace_filters_rows(capsys: pytest.CaptureFixture[str]) -> None:
    with pb.Library("clitest") as library:
        library.define("twice(Tensor self) -> Tensor")
        library.impl("twice", "CompositeImplicit", lambda x: x + x)
        code, out, _ = run(capsys, "ops", "--namespace", "clitest", "--backend", "cpu")
        assert code == 0
        assert row(out, "clitest::twice")[-1] == "composite"
        assert "pb::add" not in out
        assert re.search(r"^cpu: 1 composite$", out, re.MULTILINE)

        code, out, _ = run(capsys, "ops", "--namespace", "pb")
        assert "pb::add" in out and "clitest::twice" not in out


def test_ops_unknown_namespace_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "ops", "--namespace", "nosuch")
    assert code == 2
    assert "no operators in namespace 'nosuch'" in err and "pb" in err


def test_ops_lists_an_installed_backend_without_its_hardware(
    clean_env: None, plugins: Any, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "250")  # one column per installed backend: no wrapping
    # Unavailable backends are listed too: their kernels are registered all the same.
    plugins.install("clitest", plugins.host_backend("clitest", "CLITest", UNAVAILABLE))
    code, out, _ = run(capsys, "ops")
    assert code == 0
    assert row(out, "operator")[2] == "clitest"  # first in name order
    both = {"clitest", "cpu"}
    assert {k: v for k, v in support(out, "pb::add").items() if k in both} == {
        "clitest": "missing", "cpu": "native"}
    for op, status in (("pb::mean", "composite"), ("pb::transpose", "view"),
                       ("pb::empty", "allocator")):
        assert {k: v for k, v in support(out, op).items() if k in both} == {
            "clitest": status, "cpu": status}
    assert re.search(r"^clitest: .*\d+ missing$", out, re.MULTILINE)

    code, out, _ = run(capsys, "ops", "--backend", "clitest")
    assert code == 0
    assert row(out, "operator")[2:] == ["clitest"]
    assert row(out, "pb::add")[2:] == ["missing"]
    assert not re.search(r"^cpu: ", out, re.MULTILINE)


def test_ops_shows_the_cpu_fallback_when_the_policy_allows_it(
    clean_env: None, plugins: Any, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    plugins.install("clitest", plugins.host_backend("clitest", "CLITest"))
    monkeypatch.setenv("PLUGBOARD_FALLBACK", "cpu")
    code, out, _ = run(capsys, "ops", "--backend", "clitest", "--backend", "cpu")
    assert code == 0
    assert row(out, "operator")[2:] == ["clitest", "cpu"]
    assert row(out, "pb::add")[2:] == ["fallback", "native"]


def test_ops_fallback_policy_option_overrides_the_environment(
    clean_env: None, plugins: Any, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    plugins.install("clitest", plugins.host_backend("clitest", "CLITest"))
    code, out, _ = run(capsys, "ops", "--backend", "clitest", "--fallback-policy", "cpu")
    assert code == 0
    assert row(out, "pb::add")[2:] == ["fallback"]
    assert row(out, "pb::mean")[2:] == ["composite"]  # a decomposition comes first
    assert row(out, "pb::empty")[2:] == ["allocator"]

    monkeypatch.setenv("PLUGBOARD_FALLBACK", "cpu")
    code, out, _ = run(capsys, "ops", "--backend", "clitest", "--fallback-policy", "error",
                       "--json")
    assert code == 0
    data = json.loads(out)
    assert data["fallback_policy"] == "error"
    support = {op["name"]: op["support"]["clitest"] for op in data["operators"]}
    assert support["pb::add"] == "missing"
    assert data["counts"]["clitest"]["fallback"] == 0


def test_ops_fallback_policy_option_takes_only_known_policies(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "ops", "--fallback-policy", "gpu")
    assert code == 2
    assert "invalid choice: 'gpu'" in err


def test_ops_creation_and_random_operators(
    clean_env: None, plugins: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    plugins.install("clitest", plugins.host_backend("clitest", "CLITest"))
    code, out, _ = run(capsys, "ops", "--fallback-policy", "cpu", "--backend", "clitest",
                       "--backend", "cpu")
    assert code == 0
    # Primitives: native on cpu, and the cpu kernel with copies on a backend without one.
    for name in ("pb::rand", "pb::randn", "pb::randint", "pb::full", "pb::arange"):
        assert row(out, name)[2:] == ["fallback", "native"], name
    for name in ("pb::linspace", "pb::eye", "pb::zeros_like"):
        assert row(out, name)[2:] == ["composite", "composite"], name
    # A primitive with a decomposition too: the cpu kernel, else the composite (not the
    # fallback, which is the last resort).
    assert row(out, "pb::full_like")[2:] == ["composite", "native"]
    assert row(out, "pb::empty_like")[2:] == ["allocator", "allocator"]


def test_ops_without_the_cpu_backend_the_fallback_is_missing(plugins: Any) -> None:
    # A fresh process, so that the cpu backend was never loaded.
    plugins.install("clitest", plugins.host_backend("clitest", "CLITest"))
    env = {**os.environ, "PYTHONPATH": str(plugins.site), "PLUGBOARD_BACKENDS": "clitest",
           "PLUGBOARD_FALLBACK": "cpu"}
    result = subprocess.run(
        [sys.executable, "-m", "plugboard._cli", "ops", "--namespace", "pb"],
        capture_output=True, text=True, timeout=120, check=False, env=env,
    )
    assert result.returncode == 0, result.stderr
    assert row(result.stdout, "operator")[2:] == ["clitest"]
    assert row(result.stdout, "pb::add")[2:] == ["missing"]
    assert row(result.stdout, "pb::mean")[2:] == ["composite"]


def test_ops_backend_that_does_not_exist_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "ops", "--backend", "nosuch")
    assert code == 2
    assert "no backend named 'nosuch'" in err and "cpu" in err


def test_ops_backend_that_is_switched_off_is_a_problem(
    plugins: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    plugins.install("clitest", plugins.host_backend("clitest", "CLITest"))
    monkeypatch.setenv("PLUGBOARD_DISABLE_BACKENDS", "clitest")
    code, _, err = run(capsys, "ops", "--backend", "clitest")
    assert code == 1
    assert "the clitest backend is not loaded: switched off" in err


def test_ops_json(clean_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ops", "--json", "--backend", "cpu")
    assert code == 0
    data = json.loads(out)
    assert data["backends"] == ["cpu"]
    assert data["fallback_policy"] == "error"
    ops = {op["name"]: op for op in data["operators"]}
    assert ops["pb::add"]["support"] == {"cpu": "native"}
    assert ops["pb::add"]["tags"] == ["pointwise"]
    assert ops["pb::add"]["schema"].startswith("pb::add(Tensor self")
    assert ops["pb::mean"]["support"] == {"cpu": "composite"}
    assert ops["pb::transpose"]["support"] == {"cpu": "view"}
    assert ops["pb::empty"]["support"] == {"cpu": "allocator"}
    assert data["counts"]["cpu"]["allocator"] == 2
    assert data["counts"]["cpu"]["missing"] == 0
    assert sum(data["counts"]["cpu"].values()) == len(ops)


def test_ops_with_an_invalid_fallback_policy_says_so(
    clean_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PLUGBOARD_FALLBACK", "gpu")
    code, _, err = run(capsys, "ops")
    assert code == 1
    assert "plugboard: error: PLUGBOARD_FALLBACK='gpu' is not a fallback policy" in err


# Usage -----------------------------------------------------------------------------


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert out.strip() == "plugboard {} (backend API {}.{})".format(
        pb.__version__, *pb.API_VERSION
    )


@pytest.mark.parametrize(
    "argv", [["frobnicate"], [], ["devices", "--bogus"], ["ops", "--namespace"]]
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert "usage: plugboard" in err


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "devices" in out and "doctor" in out and "ops" in out


def test_console_script() -> None:
    script = Path(sys.executable).with_name("plugboard")
    if not script.exists():
        pytest.skip(f"the plugboard console script is not installed next to {sys.executable}")
    result = subprocess.run(
        [str(script), "devices"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "cpu:0" in result.stdout
