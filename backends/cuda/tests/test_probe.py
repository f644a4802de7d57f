"""The probe's reasons: with this machine's real CuPy, and with stand-ins for the cases
this machine cannot show (a driver with no GPU, a working GPU)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from plugboard_cuda._probe import Probe, describe, probe


def fake_cupy(count: int | Exception, driver: int = 13000, runtime: int = 13000) -> Any:
    def device_count() -> int:
        if isinstance(count, Exception):
            raise count
        return count

    return SimpleNamespace(cuda=SimpleNamespace(runtime=SimpleNamespace(
        getDeviceCount=device_count, driverGetVersion=lambda: driver,
        runtimeGetVersion=lambda: runtime)))


def test_this_machine_has_no_usable_driver_and_says_so_in_cudas_words() -> None:
    cupy = pytest.importorskip("cupy")
    if cupy.cuda.is_available():
        pytest.skip("this machine has a working CUDA GPU")
    found = probe()
    assert found.devices == 0
    assert "cudaError" in found.reason and "Fix:" in found.reason


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
