"""The probe's reasons: with this machine's real loader (and CuPy, where one is installed),
and with ctypes stand-ins for the cases this machine cannot show (a runtime with no GPU,
one that fails to initialise, a working GPU)."""

from __future__ import annotations

import ctypes
import importlib.metadata as metadata
import os
import subprocess
import sys
from types import SimpleNamespace
from typing import Any

import pytest

from plugboard_rocm import _probe
from plugboard_rocm._probe import Probe, describe, extra_properties, probe, probe_runtime

NAMES = {100: (b"hipErrorNoDevice", b"no ROCm-capable device is detected"),
         35: (b"hipErrorInsufficientDriver", b"driver version is insufficient")}


class FakeHIP:
    """libamdhip64's entry points the probe calls (ctypes' calling convention: integer
    codes back, results through byref), as a runtime with ``count`` GPUs, or failing
    hipInit with ``init_error`` or hipGetDeviceCount with ``count_error``."""

    def __init__(self, count: int = 0, init_error: int = 0, count_error: int = 0,
                 version: int = 70051831):
        self.count, self.version = count, version
        self.init_error, self.count_error = init_error, count_error

    def hipInit(self, flags: int) -> int:
        return self.init_error

    def hipDriverGetVersion(self, out: Any) -> int:
        out._obj.value = self.version
        return 0

    def hipGetDeviceCount(self, out: Any) -> int:
        out._obj.value = self.count
        return self.count_error

    def hipGetErrorName(self, code: int) -> bytes | None:
        return NAMES.get(code, (None, None))[0]

    def hipGetErrorString(self, code: int) -> bytes | None:
        return NAMES.get(code, (None, None))[1]


def fake_cupy(count: int | Exception, is_hip: bool = True, driver: int = 70051831,
              runtime: int = 70051831) -> Any:
    def device_count() -> int:
        if isinstance(count, Exception):
            raise count
        return count

    return SimpleNamespace(cuda=SimpleNamespace(runtime=SimpleNamespace(
        is_hip=is_hip, getDeviceCount=device_count, driverGetVersion=lambda: driver,
        runtimeGetVersion=lambda: runtime)))


def has_hip_runtime() -> bool:
    try:
        ctypes.CDLL(_probe.RUNTIME_LIBRARY)
    except OSError:
        return False
    return True


def test_this_machine_has_no_rocm_runtime_and_says_so_with_the_loaders_words() -> None:
    if has_hip_runtime():
        pytest.skip("this machine has ROCm 7's runtime")
    found = probe()
    assert found.devices == 0
    assert found.reason.startswith(
        "ROCm runtime (libamdhip64.so.7) not found: libamdhip64.so.7: cannot open shared "
        "object file")
    assert "Fix: install ROCm 7" in found.reason


def test_without_the_runtime_cupy_is_not_imported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_probe, "RUNTIME_LIBRARY", "libamdhip64-missing.so.7")
    monkeypatch.delitem(sys.modules, "cupy", raising=False)
    found = probe()
    assert found.reason.startswith("ROCm runtime (libamdhip64-missing.so.7) not found: "
                                   "libamdhip64-missing.so.7")
    assert "cupy" not in sys.modules


def test_a_runtime_that_fails_to_initialise_gives_its_error_by_name() -> None:
    found = probe(hip=FakeHIP(init_error=100))
    assert found.devices == 0
    assert ("the HIP runtime does not initialise: hipErrorNoDevice: no ROCm-capable device is "
            "detected" in found.reason)
    assert "rocm-smi" in found.reason


def test_an_unnamed_error_gives_its_number() -> None:
    assert "HIP error 999" in probe(hip=FakeHIP(init_error=999)).reason


def test_a_runtime_whose_count_fails_names_the_error() -> None:
    found = probe_runtime(FakeHIP(count_error=100, version=70151234))
    assert found is not None and found.driver_version == 70151234
    assert "hipGetDeviceCount gave hipErrorNoDevice" in found.reason
    assert "/dev/kfd" in found.reason


def test_a_runtime_with_no_gpu_is_answered_without_cupy() -> None:
    found = probe_runtime(FakeHIP(count=0, version=70051831))
    assert found == Probe(0, "the HIP runtime sees no GPU (hipGetDeviceCount gave 0)",
                          70051831)


def test_a_runtime_with_a_gpu_hands_over_to_cupy() -> None:
    assert probe_runtime(FakeHIP(count=2)) is None


def test_a_gpu_without_cupy_says_how_to_install_the_rocm_build(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "cupy", None)  # import cupy raises ImportError
    found = probe(hip=FakeHIP(count=1))
    assert found.devices == 0
    assert found.reason.startswith("CuPy's ROCm build (cupy-rocm-7-0) cannot be imported")
    assert "pip install 'plugboard-rocm[cupy]'" in found.reason


def test_the_cuda_build_of_cupy_is_named() -> None:
    found = probe(fake_cupy(1, is_hip=False))
    assert found.devices == 0
    assert "the installed CuPy is its CUDA build (cupy.cuda.runtime.is_hip is False)" in (
        found.reason)
    assert "cupy-cuda13x" in found.reason


def cupy_build() -> str | None:
    """The CuPy distribution installed here, without importing it."""
    for distribution in ("cupy-rocm-7-0", "cupy-cuda13x"):
        try:
            metadata.version(distribution)
        except metadata.PackageNotFoundError:
            continue
        return distribution
    return None


def test_this_environments_cupy_is_told_apart() -> None:
    # The runtime (a stand-in) sees a GPU, so the probe goes on to this environment's
    # real CuPy: the CUDA build beside plugboard-cuda (.venv), the ROCm build in .venv-rocm.
    build = cupy_build()
    if build is None:
        pytest.skip("no CuPy installed here")
    found = probe(hip=FakeHIP(count=1))
    assert found.devices == 0
    if build == "cupy-cuda13x":
        assert "the installed CuPy is its CUDA build" in found.reason
    elif has_hip_runtime():
        pytest.skip("this machine has ROCm 7's runtime")
    else:  # the ROCm build imports only where ROCm 7's libraries are
        assert found.reason.startswith("CuPy's ROCm build (cupy-rocm-7-0) cannot be imported")
        assert "libamdhip64.so.7" in found.reason
        assert "pip install 'plugboard-rocm[cupy]'" in found.reason


def test_cupy_failing_to_count_gives_the_runtimes_message() -> None:
    found = probe(fake_cupy(RuntimeError("hipErrorNoDevice: no ROCm-capable device")))
    assert found.reason.startswith("no usable AMD GPU: hipErrorNoDevice")
    assert found.driver_version == 70051831


def test_cupy_with_no_gpu() -> None:
    assert "sees no GPU" in probe(fake_cupy(0)).reason


def test_a_working_gpu() -> None:
    found = probe(fake_cupy(4, driver=70151234, runtime=70051831))
    assert found.devices == 4 and found.reason == ""
    assert describe(found) == "HIP driver 7.1, runtime 7.0"


def test_versions_in_hips_encoding() -> None:
    assert describe(Probe(0)) == "HIP driver none, runtime none"
    assert describe(Probe(0, "", 50221153, 60342134)) == "HIP driver 5.2, runtime 6.3"


def test_the_gcn_architecture_is_a_property() -> None:
    assert extra_properties({"gcnArchName": "gfx942:sramecc+:xnack-"}) == {
        "gcn_arch": "gfx942:sramecc+:xnack-"}
    assert extra_properties({}) == {"gcn_arch": ""}


def test_listing_devices_without_a_runtime_does_not_import_cupy() -> None:
    if has_hip_runtime():
        pytest.skip("this machine has ROCm 7's runtime")
    code = ("import sys, plugboard as pb; "
            "print([str(d) for d in pb.devices() if d.type == 'rocm'], 'cupy' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True,
                          env={**os.environ, "PLUGBOARD_BACKENDS": "rocm"})
    assert done.stdout.split() == ["[]", "False"]
