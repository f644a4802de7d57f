"""The device contract catches asynchronous backends that get memory or waiting wrong.

The test backend here runs its kernels on a worker thread, as a device
queue would, and writes host data into its (host) memory at once. Three
variants each break one rule of the contract: one hands a buffer out again
as soon as it is freed, with work that reads it still queued; one returns
from ``synchronize`` without waiting; one never returns from it. The
correct variant passes; each faulty one fails the check it breaks, the one
that hangs with "timed out after N s", and the run goes on.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from plugboard.testing import PluginInstaller

QUEUED_BACKEND = '''
import queue
import threading
import time

import numpy as np
import plugboard as pb
from plugboard import backend
from plugboard.backend import host_array

FAULT = {fault!r}
DTYPES = (pb.bool, pb.int8, pb.uint8, pb.int16, pb.int32, pb.int64,
          pb.float16, pb.bfloat16, pb.float32, pb.float64)


# Each queued job starts this late. Where reads do not wait, the device is far behind:
# a read sees stale data even when a loaded machine deschedules the reading thread.
DELAY = 0.05 if FAULT == "does not wait" else 0.0002


class Worker:
    """A device queue: closures run in order on one thread, a little late."""

    def __init__(self):
        self.jobs = queue.Queue()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        while True:
            job = self.jobs.get()
            time.sleep(DELAY)
            try:
                job()
            finally:
                self.jobs.task_done()

    def submit(self, job):
        self.jobs.put(job)

    def drain(self):
        self.jobs.join()


WORKER = Worker()


class Runtime(backend.DeviceRuntime):
    host_memory = True

    def __init__(self):
        self.pool = {{}}

    def availability(self):
        return backend.Availability.yes()

    def device_count(self):
        return 1

    def device_properties(self, index):
        return backend.DeviceProperties("queued host device", 1 << 30, "test", DTYPES)

    def allocate(self, nbytes, index):
        reusable = self.pool.get(nbytes)
        if reusable:
            return reusable.pop()
        return np.zeros(nbytes, dtype=np.uint8)

    def free(self, handle, index):
        def reuse():
            self.pool.setdefault(handle.nbytes, []).append(handle)
        if FAULT == "frees early":
            reuse()  # handed out again at once, although queued work may still read it
        else:
            WORKER.submit(reuse)  # stream-ordered: reusable once the work before it ran

    def copy_from_host(self, dst, dst_offset, src, index):
        # Host memory: written at once, not queued.
        flat = src.reshape(-1).view(np.uint8)
        dst[dst_offset:dst_offset + flat.nbytes] = flat

    def copy_to_host(self, dst, src, src_offset, index):
        self.synchronize(index)
        flat = dst.reshape(-1).view(np.uint8)
        flat[:] = src[src_offset:src_offset + flat.nbytes]

    def copy_between(self, dst, dst_offset, dst_index, src, src_offset, src_index, nbytes):
        def job():
            dst[dst_offset:dst_offset + nbytes] = src[src_offset:src_offset + nbytes]
        WORKER.submit(job)

    def synchronize(self, index):
        if FAULT == "hangs":
            threading.Event().wait()  # a device that never finishes
        elif FAULT != "does not wait":
            WORKER.drain()


def _queued(fn):
    def kernel(*args, out=None):
        views = [host_array(a) if isinstance(a, pb.Tensor) else a for a in args]
        target = host_array(out) if out is not None else None
        WORKER.submit(lambda: fn(target, *views))
    return kernel


@backend.hookimpl
def plugboard_backend_info():
    return backend.BackendInfo({name!r}, {key!r}, "0.1", backend.API_VERSION, "test")


@backend.hookimpl
def plugboard_device_runtime():
    return Runtime()


@backend.hookimpl
def plugboard_register_kernels(library):
    library.impl("copy_", fn=_queued(lambda _, dst, src, nb: np.copyto(dst, src, casting="unsafe")),
                 strided=True, mixed_dtypes=True)
    library.impl("full", fn=_queued(lambda out, size, value, dtype, device: out.fill(value)),
                 strided=True)
    library.impl("add", fn=_queued(lambda out, a, b, alpha: np.add(a, b * alpha, out=out)),
                 strided=True, dtypes=[pb.float32])
    library.impl("mul", fn=_queued(lambda out, a, b: np.multiply(a, b, out=out)),
                 strided=True, dtypes=[pb.float32])
'''

CHECKS = ("test_streams_run_their_work_in_order",
          "test_memory_freed_with_work_queued_is_not_reused_too_early",
          "test_host_reads_wait_for_queued_work", "test_synchronize")


def _contract(plugins: PluginInstaller, tmp_path: Path, fault: str) -> dict[str, dict[str, Any]]:
    # The device type of plugboard.testing's examples: a process has at most 64 backend
    # keys, and each device type keeps the key it registered.
    name = "toy"
    source = QUEUED_BACKEND.format(fault=fault, name=name, key="Toy")
    plugins.install(name, source)
    pytest.main([
        "--pyargs", "plugboard_conformance", "--backend", name, "--report-dir", str(tmp_path),
        "--case-timeout", "2", "-k", " or ".join(CHECKS),
        "-q", "--no-header", "-p", "no:cacheprovider", "-p", "no:doctest", "-p", "no:randomly",
        "-o", "addopts=", "-o", "python_files=test_*.py", "--tb=short",
    ])
    report = json.loads((tmp_path / f"{name}.json").read_text())
    return {c["name"]: c for c in report["contract"]}


def test_a_correct_queued_backend_passes(plugins: PluginInstaller, tmp_path: Path) -> None:
    contract = _contract(plugins, tmp_path, "none")
    assert {name: contract[name]["outcome"] for name in CHECKS} == dict.fromkeys(CHECKS, "pass")


def test_reusing_memory_freed_with_queued_work_fails(plugins: PluginInstaller,
                                                      tmp_path: Path) -> None:
    contract = _contract(plugins, tmp_path, "frees early")
    check = contract["test_memory_freed_with_work_queued_is_not_reused_too_early"]
    assert check["outcome"] == "fail"
    assert "Arrays are not equal" in check["traceback"]
    assert contract["test_host_reads_wait_for_queued_work"]["outcome"] == "pass"


def test_reading_without_waiting_fails(plugins: PluginInstaller, tmp_path: Path) -> None:
    contract = _contract(plugins, tmp_path, "does not wait")
    assert contract["test_host_reads_wait_for_queued_work"]["outcome"] == "fail"
    assert contract["test_streams_run_their_work_in_order"]["outcome"] == "fail"


def test_a_device_that_never_finishes_times_out_and_the_run_goes_on(
    plugins: PluginInstaller, tmp_path: Path
) -> None:
    contract = _contract(plugins, tmp_path, "hangs")
    timed_out = [c for c in contract.values() if "timed out after 2 s" in c["message"]]
    assert {c["name"] for c in timed_out} >= {"test_synchronize",
                                               "test_host_reads_wait_for_queued_work"}
    assert all(c["outcome"] == "fail" for c in timed_out)
    assert len(contract) >= len(CHECKS)  # every selected check ran and was recorded
