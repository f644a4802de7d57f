"""The CUDA backend as the core sees it: installed and unavailable with the driver's
reason, its platform, its properties."""

from __future__ import annotations

import pytest

import plugboard as pb
from plugboard_cuda._plugin import KERNELS, PLATFORM, RUNTIME
from plugboard_cupy import ALL_DTYPES, CuPyRuntime, Probe, properties_of


@pytest.fixture
def no_gpu() -> None:
    if RUNTIME.found.devices:
        pytest.skip("this machine has a CUDA GPU")


def test_the_backend_is_installed_and_unavailable_with_the_drivers_reason(no_gpu: None) -> None:
    (status,) = [s for s in pb.backends() if s.device_type == "cuda"]
    assert status.distribution == "plugboard-cuda"
    assert not status.available and status.device_count == 0
    assert status.reason == RUNTIME.found.reason and "NVIDIA driver" in status.reason


def test_a_tensor_on_cuda_raises_a_device_error_naming_the_reason(no_gpu: None) -> None:
    with pytest.raises(pb.DeviceError, match="cuda backend is installed but unavailable") as e:
        pb.tensor([1.0], device="cuda")
    assert RUNTIME.found.reason in str(e.value)
    assert "pip install" not in str(e.value)  # the package is there: the driver is not


def test_a_working_gpu_is_available_with_every_operator_of_the_opset() -> None:
    runtime = CuPyRuntime(PLATFORM, "0.1.0", KERNELS)
    runtime._probe = Probe(1, "", 13000, 13000)  # the driver's answers on a one-GPU machine
    assert runtime.availability().available and runtime.device_count() == 1
    assert {"add", "matmul", "softmax", "copy_", "sum", "sort"} <= set(KERNELS.names())


def test_properties_from_the_drivers_dictionary() -> None:
    props = properties_of({"name": b"NVIDIA A100-SXM4-80GB", "totalGlobalMem": 80 << 30,
                           "major": 8, "minor": 0, "multiProcessorCount": 108},
                          Probe(1, "", 13000, 13020), PLATFORM)
    assert props.name == "NVIDIA A100-SXM4-80GB"
    assert props.total_memory == 80 << 30
    assert props.driver == "CUDA driver 13.0, runtime 13.2"
    assert props.extra == {"compute_capability": "8.0", "multiprocessors": 108}
    assert props.dtypes == ALL_DTYPES and pb.float64 in props.dtypes


def test_dlpack_describes_cuda_memory() -> None:
    assert RUNTIME.dlpack_device(1) == (2, 1)  # kDLCUDA, device 1
    assert PLATFORM.device_type == "cuda" and PLATFORM.label(1) == "cuda:1"
