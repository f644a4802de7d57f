"""The probe's reasons: with this machine's real driver library and CuPy, and with
stand-ins for the cases this machine cannot show (a driver with no GPU, a working GPU)."""

from __future__ import annotations

import sys
from types import SimpleNamespace
from typing import Any

import pytest

from plugboard_cuda import _probe
from plugboard_cuda._probe import Probe, describe, probe, probe_driver


def fake_cupy(count: int | Exception, driver: int = 13000, runtime: int = 13000) -> Any:
    def device_count() -> int:
        if isinstance(count, Exception):
            raise count
        return count

    return SimpleNamespace(cuda=SimpleNamespace(runtime=SimpleNamespace(
        getDeviceCount=device_count, driverGetVersion=lambda: driver,
        runtimeGetVersion=lambda: runtime)))


class FakeDriver:
    """libcuda's entry points the probe calls, answering as a driver with ``count`` GPUs,
    or failing cuInit with ``init_error``."""

    def __init__(self, count: int = 0, init_error: int = 0, version: int = 13000):
        self.count, self.init_error, self.version = count, init_error, version

    def cuInit(self, flags: int) -> int:
        return self.init_error

    def cuDriverGetVersion(self, out: Any) -> int:
        out._obj.value = self.version
        return 0

    def cuDeviceGetCount(self, out: Any) -> int:
        out._obj.value = self.count
        return 0

    def cuGetErrorName(self, code: int, out: Any) -> int:
        out._obj.value = b"CUDA_ERROR_NO_DEVICE" if code == 100 else None
        return 0

    def cuGetErrorString(self, code: int, out: Any) -> int:
        out._obj.value = b"no CUDA-capable device is detected"
        return 0


def test_this_machine_has_no_usable_driver_and_says_so_with_the_reason() -> None:
    cupy = pytest.importorskip("cupy")
    if cupy.cuda.is_available():
        pytest.skip("this machine has a working CUDA GPU")
    found = probe()
    assert found.devices == 0
    assert "NVIDIA driver" in found.reason and "Fix:" in found.reason


def test_without_the_driver_library_cupy_is_not_imported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_probe, "_DRIVER_LIBRARY", "libcuda-missing.so.1")
    monkeypatch.delitem(sys.modules, "cupy", raising=False)
    found = probe()
    assert found.reason.startswith("no NVIDIA driver: libcuda-missing.so.1")
    assert "install the NVIDIA driver" in found.reason
    assert "cupy" not in sys.modules


def test_a_driver_that_fails_to_initialise_gives_its_own_error() -> None:
    found = probe(driver=FakeDriver(init_error=100))
    assert found.devices == 0
    assert ("does not initialise: CUDA_ERROR_NO_DEVICE: no CUDA-capable device is detected"
            in found.reason)


def test_a_driver_with_no_gpu_is_answered_without_cupy() -> None:
    found = probe_driver(FakeDriver(count=0, version=13010))
    assert found == Probe(0, "the NVIDIA driver sees no GPU (cuDeviceGetCount gave 0)", 13010)


def test_a_driver_with_a_gpu_hands_over_to_cupy() -> None:
    assert probe_driver(FakeDriver(count=1)) is None


def test_no_driver_names_the_driver_to_install() -> None:
    error = RuntimeError("cudaErrorInsufficientDriver: CUDA driver version is insufficient")
    found = probe(fake_cupy(error, driver=0))
    assert found == Probe(0, found.reason, 0, 13000)
    assert found.reason.startswith("no usable NVIDIA driver or GPU: cudaErrorInsufficientDriver")
    assert "install the NVIDIA driver" in found.reason


def test_an_old_driver_says_which_cuda_it_supports() -> None:
    found = probe(fake_cupy(RuntimeError("cudaErrorInsufficientDriver"), driver=12040))
    assert "the driver supports CUDA 12.4" in found.reason


def test_a_driver_without_a_gpu() -> None:
    assert "sees no GPU" in probe(fake_cupy(0)).reason


def test_a_working_gpu() -> None:
    found = probe(fake_cupy(2, driver=13010, runtime=13000))
    assert found.devices == 2 and found.reason == ""
    assert describe(found) == "CUDA driver 13.1, runtime 13.0"
