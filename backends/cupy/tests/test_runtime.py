"""The shared runtime's host side, for both platforms: availability from the probe and the
kernel table, device properties, labels, DLPack device types."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

import plugboard as pb
from plugboard.backend import KernelSpec, KernelTable
from plugboard_cupy import (
    ALL_DTYPES,
    KDL_CUDA,
    KDL_ROCM,
    CUDAError,
    CUDAOutOfMemoryError,
    CuPyRuntime,
    HIPError,
    HIPOutOfMemoryError,
    Platform,
    Probe,
    properties_of,
)


def platform(kind: str, found: Probe, calls: list[int] | None = None) -> Platform:
    """A CUDA-like or ROCm-like platform whose probe answers ``found`` (counting calls)."""

    def probe() -> Probe:
        if calls is not None:
            calls.append(1)
        return found

    def extra(props: Mapping[str, Any]) -> dict[str, Any]:
        return {"arch": props.get("gcnArchName", "")}

    if kind == "cuda":
        return Platform(name="CUDA", device_type="cuda", distribution="plugboard-cuda",
                        dlpack_device_type=KDL_CUDA, error=CUDAError,
                        out_of_memory_error=CUDAOutOfMemoryError,
                        out_of_memory_names=("cudaErrorMemoryAllocation",),
                        status_tool="nvidia-smi", probe=probe,
                        describe=lambda p: f"CUDA driver {p.driver_version}")
    return Platform(name="ROCm", device_type="rocm", distribution="plugboard-rocm",
                    dlpack_device_type=KDL_ROCM, error=HIPError,
                    out_of_memory_error=HIPOutOfMemoryError,
                    out_of_memory_names=("hipErrorOutOfMemory",), status_tool="rocm-smi",
                    probe=probe, describe=lambda p: f"HIP driver {p.driver_version}",
                    extra_properties=extra)


def relu(self: Any, *, out: Any) -> None:
    out.copy_(pb.where(self > 0, self, 0))


EMPTY = KernelTable([])
ONE_KERNEL = KernelTable([KernelSpec("relu", relu)])


@pytest.mark.parametrize("kind", ["cuda", "rocm"])
def test_no_device_is_unavailable_with_the_probes_reason(kind: str) -> None:
    runtime = CuPyRuntime(platform(kind, Probe(0, "no driver: libx.so not found")), "0.1.0",
                          ONE_KERNEL)
    assert runtime.availability().reason == "no driver: libx.so not found"
    assert not runtime.availability().available and runtime.device_count() == 0


@pytest.mark.parametrize(("kind", "distribution", "driver"),
                         [("cuda", "plugboard-cuda", "CUDA driver 13000"),
                          ("rocm", "plugboard-rocm", "HIP driver 70051831")])
def test_a_working_gpu_is_unavailable_while_the_table_is_empty(kind: str, distribution: str,
                                                                driver: str) -> None:
    runtime = CuPyRuntime(platform(kind, Probe(2, "", 13000 if kind == "cuda" else 70051831)),
                          "0.3.1", EMPTY)
    availability = runtime.availability()
    assert not availability.available and runtime.device_count() == 0
    assert f"found 2 GPU(s) ({driver}), but {distribution} 0.3.1 registers no kernels" in (
        availability.reason)
    assert "Fix:" in availability.reason


@pytest.mark.parametrize("kind", ["cuda", "rocm"])
def test_a_working_gpu_with_kernels_is_available(kind: str) -> None:
    runtime = CuPyRuntime(platform(kind, Probe(2, "", 1)), "0.1.0", ONE_KERNEL)
    assert runtime.availability().available and runtime.device_count() == 2


def test_the_probe_is_asked_once() -> None:
    calls: list[int] = []
    runtime = CuPyRuntime(platform("rocm", Probe(0, "none"), calls), "0.1.0", EMPTY)
    assert runtime.availability().reason == runtime.availability().reason == "none"
    assert runtime.found == Probe(0, "none") and len(calls) == 1


def test_properties_from_the_runtimes_dictionary() -> None:
    props = properties_of({"name": b"AMD Instinct MI250X", "totalGlobalMem": 64 << 30,
                           "multiProcessorCount": 110, "gcnArchName": "gfx90a:sramecc+:xnack-"},
                          Probe(1, "", 70051831), platform("rocm", Probe(1)))
    assert props.name == "AMD Instinct MI250X" and props.total_memory == 64 << 30
    assert props.driver == "HIP driver 70051831"
    assert props.extra == {"arch": "gfx90a:sramecc+:xnack-", "multiprocessors": 110}
    assert props.dtypes == ALL_DTYPES and pb.float64 in props.dtypes
    assert pb.bfloat16 in props.dtypes and pb.float16 in props.dtypes


def test_a_name_given_as_str_is_kept() -> None:
    props = properties_of({"name": "NVIDIA H100"}, Probe(1), platform("cuda", Probe(1)))
    assert props.name == "NVIDIA H100" and props.total_memory == 0
    assert props.extra == {"multiprocessors": 0}  # CUDA's platform here adds nothing


@pytest.mark.parametrize(("kind", "device_type"), [("cuda", KDL_CUDA), ("rocm", KDL_ROCM)])
def test_dlpack_names_the_platforms_memory(kind: str, device_type: int) -> None:
    runtime = CuPyRuntime(platform(kind, Probe(0, "none")), "0.1.0", EMPTY)
    assert runtime.dlpack_device(1) == (device_type, 1)
    assert (KDL_CUDA, KDL_ROCM) == (2, 10)  # dlpack.h's kDLCUDA and kDLROCM


def test_labels_use_the_device_type() -> None:
    assert platform("rocm", Probe(0)).label(3) == "rocm:3"
    assert platform("cuda", Probe(0)).label(0) == "cuda:0"


def test_the_platforms_cupy_is_imported_only_when_a_device_is_used() -> None:
    imported: list[str] = []

    def cupy() -> Any:
        imported.append("cupy")
        raise ImportError("no CuPy here")

    base = platform("rocm", Probe(0, "none"))
    runtime = CuPyRuntime(Platform(**{**base.__dict__, "cupy": cupy}), "0.1.0", EMPTY)
    runtime.availability()
    runtime.dlpack_device(0)
    assert imported == []
    with pytest.raises(ImportError, match="no CuPy here"):
        runtime.allocate(16, 0)
    assert imported == ["cupy"]
