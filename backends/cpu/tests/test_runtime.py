"""The CPU runtime: discovery, memory statistics and copies."""

from __future__ import annotations

import gc
import subprocess
import sys
import threading

import numpy as np
import pytest

import plugboard as pb
from plugboard._plugins.registry import registry

ALL_DTYPES = [pb.bool, pb.int8, pb.uint8, pb.int16, pb.int32, pb.int64,
              pb.float16, pb.bfloat16, pb.float32, pb.float64]


def test_one_available_device_with_properties() -> None:
    assert pb.devices("cpu") == [pb.device("cpu:0")]
    props = pb.device_properties("cpu")
    assert props.name
    assert props.total_memory > 0
    assert props.driver.startswith("NumPy")
    assert set(props.dtypes) == set(ALL_DTYPES)


def test_memory_statistics_follow_allocations() -> None:
    gc.collect()
    before = pb.memory_stats("cpu")["allocated"]
    x = pb.empty(1000, dtype=pb.float64)
    assert pb.memory_stats("cpu")["allocated"] == before + 8000
    assert pb.memory_stats("cpu")["peak"] >= before + 8000
    del x
    gc.collect()
    assert pb.memory_stats("cpu")["allocated"] == before


def test_memory_statistics_stay_exact_across_threads_and_long_runs() -> None:
    # Allocations and frees are counted without a lock: the totals must still add up,
    # past the point where pending changes are summed (CPURuntime._DRAIN_AT).
    from plugboard_cpu._runtime import CPURuntime

    runtime = CPURuntime()

    def churn(n: int) -> None:
        kept = []
        for i in range(n):
            buffer = runtime.allocate(i % 7, 0)
            if i % 3:
                runtime.free(buffer, 0)
            else:
                kept.append(buffer)
        for buffer in kept[::2]:
            runtime.free(buffer, 0)

    threads = [threading.Thread(target=churn, args=(CPURuntime._DRAIN_AT + 500,))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    n = CPURuntime._DRAIN_AT + 500
    kept = [i for i in range(n) if i % 3 == 0][1::2]  # the odd-numbered kept buffers
    stats = runtime.memory_stats(0)
    assert stats["allocations"] == 4 * len(kept)
    assert stats["allocated"] == 4 * sum(i % 7 for i in kept)
    assert stats["peak"] >= stats["allocated"]


def test_from_numpy_memory_is_not_counted_as_allocated() -> None:
    gc.collect()
    before = pb.memory_stats("cpu")["allocated"]
    x = pb.from_numpy(np.ones(100))
    del x
    gc.collect()
    assert pb.memory_stats("cpu")["allocated"] == before


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=str)
@pytest.mark.parametrize("size", [0, 1, 7, 1031])
def test_host_round_trip_is_bit_exact(dtype: pb.DType, size: int) -> None:
    rng = np.random.default_rng(size)
    raw = rng.integers(0, 256, size * dtype.itemsize, dtype=np.uint8)
    array = raw.view(dtype.numpy)
    runtime = registry().get("cpu").runtime
    handle = runtime.allocate(array.nbytes, 0)
    runtime.copy_from_host(handle, 0, array, 0)
    back = np.empty_like(array)
    runtime.copy_to_host(back, handle, 0, 0)
    assert back.tobytes() == array.tobytes()


def test_copy_between_buffers_at_offsets() -> None:
    runtime = registry().get("cpu").runtime
    src = runtime.allocate(16, 0)
    dst = runtime.allocate(16, 0)
    src[:] = np.arange(16, dtype=np.uint8)
    dst[:] = 0
    runtime.copy_between(dst, 4, 0, src, 8, 0, 6)
    assert dst.tolist() == [0] * 4 + list(range(8, 14)) + [0] * 6


def test_loading_the_backend_and_float32_work_do_not_import_ml_dtypes() -> None:
    # ml_dtypes takes most of a second to import: only bfloat16 data needs it.
    code = ("import sys, plugboard as pb; pb.devices(); (pb.ones(4) * 2).sum().item(); "
            "print('ml_dtypes' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.strip() == "False"
