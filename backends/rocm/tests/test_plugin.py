"""The ROCm backend as the core sees it: installed and unavailable with the runtime's
reason (doctor, pb.tensor), its platform, properties, DLPack, error translation."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import plugboard as pb
from plugboard_cupy import (
    ALL_DTYPES,
    CuPyRuntime,
    GPUOutOfMemoryError,
    HIPError,
    HIPOutOfMemoryError,
    Probe,
    properties_of,
    translate,
)
from plugboard_rocm._plugin import KERNELS, PLATFORM, RUNTIME, plugboard_backend_info


@pytest.fixture
def no_gpu() -> None:
    if RUNTIME.found.devices:
        pytest.skip("this machine has a ROCm GPU")


def test_identity() -> None:
    info = plugboard_backend_info()
    assert (info.device_type, info.dispatch_key, info.distribution) == (
        "rocm", "ROCm", "plugboard-rocm")


def test_the_backend_is_installed_and_unavailable_with_the_runtimes_reason(
        no_gpu: None) -> None:
    (status,) = [s for s in pb.backends() if s.device_type == "rocm"]
    assert status.distribution == "plugboard-rocm"
    assert not status.available and status.device_count == 0
    assert status.reason == RUNTIME.found.reason and status.reason


def test_a_tensor_on_rocm_raises_a_device_error_naming_the_reason(no_gpu: None) -> None:
    with pytest.raises(pb.DeviceError, match="rocm backend is installed but unavailable") as e:
        pb.tensor([1.0], device="rocm")
    assert RUNTIME.found.reason in str(e.value)
    with pytest.raises(pb.DeviceError, match="rocm backend is installed but unavailable"):
        pb.zeros(2, device="rocm:1")


def test_doctor_lists_rocm_with_its_reason(no_gpu: None) -> None:
    done = subprocess.run([sys.executable, "-m", "plugboard", "doctor"], capture_output=True,
                          text=True, check=True, env={**os.environ, "COLUMNS": "500"})
    (line,) = [line for line in done.stdout.splitlines() if "plugboard-rocm" in line]
    assert "rocm" in line and RUNTIME.found.reason.split(". Fix")[0] in " ".join(line.split())


def test_a_working_gpu_is_available_with_the_same_kernels_as_cuda() -> None:
    runtime = CuPyRuntime(PLATFORM, "0.1.0", KERNELS)
    runtime._probe = Probe(2, "", 70051831, 70051831)  # the runtime's answers, two GPUs
    assert runtime.availability().available and runtime.device_count() == 2
    assert {"add", "matmul", "softmax", "copy_", "sum", "sort"} <= set(KERNELS.names())


def test_properties_from_the_runtimes_dictionary() -> None:
    props = properties_of({"name": b"AMD Instinct MI250X", "totalGlobalMem": 64 << 30,
                           "multiProcessorCount": 110, "gcnArchName": b"gfx90a:sramecc+:xnack-"},
                          Probe(1, "", 70051831, 70051831), PLATFORM)
    assert props.name == "AMD Instinct MI250X" and props.total_memory == 64 << 30
    assert props.driver == "HIP driver 7.0, runtime 7.0"
    assert props.extra == {"gcn_arch": "gfx90a:sramecc+:xnack-", "multiprocessors": 110}
    assert props.dtypes == ALL_DTYPES


def test_dlpack_describes_rocm_memory() -> None:
    assert RUNTIME.dlpack_device(1) == (10, 1)  # kDLROCM, device 1
    assert PLATFORM.label(1) == "rocm:1"


def test_hip_errors_translate_to_the_platforms_classes() -> None:
    oom = translate(RuntimeError("hipErrorOutOfMemory: out of memory"), "allocating 1 GiB",
                    "rocm:0", PLATFORM)
    assert type(oom) is HIPOutOfMemoryError and isinstance(oom, GPUOutOfMemoryError)
    assert isinstance(oom, pb.OutOfMemoryError) and "pb.empty_cache('rocm')" in str(oom)
    other = translate(RuntimeError("hipErrorLaunchFailure: unspecified launch failure"),
                      "synchronize", "rocm:0", PLATFORM)
    assert type(other) is HIPError and "synchronize failed on rocm:0: hipErrorLaunchFailure" \
        in str(other)
    assert "rocm-smi" in str(other)
