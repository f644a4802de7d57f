"""The suite catches faulty backends: each defect gets the right outcome, and the run fails."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from plugboard._cli import main as cli
from plugboard.testing import HOST_KERNELS_PRELUDE, PluginInstaller, host_backend_source
from plugboard_conformance._model import Report

# A host-memory backend with correct copies and fills, and five defects.
FAULTY_KERNELS = HOST_KERNELS_PRELUDE + '''

def _wrong_add(self, other, alpha, *, out):
    # Defect 1: wrong values.
    np.add(_a(self), _a(other), out=host_array(out))
    host_array(out)[...] += 1

def _mutating_mul(self, other, *, out):
    # Defect 2: writes its result into its input too.
    a = host_array(self)
    np.multiply(a, _a(other), out=host_array(out))
    a[...] = host_array(out)

def _wrong_dtype_clone(self):
    # Defect 3: clone (no meta function: the kernel returns the result) changes the dtype.
    result = pb.empty(self.shape, dtype=pb.float64, device=self.device)
    np.copyto(host_array(result), host_array(self), casting="unsafe")
    return result

def _exp(self, *, out):
    # Defect 4: declares float16 and gets it wrong.
    if out.dtype is pb.float16:
        host_array(out)[...] = 0
    else:
        np.exp(host_array(self), out=host_array(out))

def _sqrt_elsewhere(self, *, out):
    # Defect 5: silently computes on another backend.
    host_array(out)[...] = pb.sqrt(self.to("cpu")).numpy()

@backend.hookimpl
def plugboard_register_kernels(library):
    register_copy_and_full(library)
    library.impl("add", fn=_wrong_add, strided=True, dtypes=[pb.float32])
    library.impl("mul", fn=_mutating_mul, strided=True, dtypes=[pb.float32])
    library.impl("clone", fn=_wrong_dtype_clone, dtypes=[pb.float32])
    library.impl("exp", fn=_exp, strided=True, dtypes=[pb.float16, pb.float32])
    library.impl("sqrt", fn=_sqrt_elsewhere, strided=True, dtypes=[pb.float32])
'''

EXPECTATIONS_KERNELS = '''
import os
import numpy as np
import plugboard as pb
from plugboard.backend import host_array

def _copy(self, src, non_blocking):
    np.copyto(host_array(self), host_array(src) if isinstance(src, pb.Tensor) else src,
              casting="unsafe")

def _neg(self, *, out):
    np.negative(host_array(self), out=host_array(out))
    if out.dtype is pb.int8:
        host_array(out)[...] = 0  # a known bug

@backend.hookimpl
def plugboard_register_kernels(library):
    library.impl("copy_", fn=_copy, strided=True, mixed_dtypes=True)
    library.impl("neg", fn=_neg, strided=True, dtypes=[pb.int8, pb.int16, pb.float32])

@backend.hookimpl
def plugboard_conformance_expectations():
    return os.environ["EXPECTING_FILE"]
'''


def test_each_defect_is_caught_and_the_run_fails(
    plugins: PluginInstaller, tmp_path: Path, faulty_suite: Any
) -> None:
    plugins.install("faulty", host_backend_source("faulty", "Faulty", FAULTY_KERNELS))
    code = cli(["conformance", "--backend", "faulty", "--device", "faulty:0",
                "--report-dir", str(tmp_path),
                "--no-progress"])
    assert code != 0
    report = faulty_suite.load(tmp_path / "faulty.json")
    Report.from_json(report)  # the documented schema round-trips

    add = report.cases("pb::add", "float32")["functional"]
    assert add["outcome"] == "fail" and "beyond the accuracy limit" in add["message"]
    assert add["path"] == "native"

    mul = report.cases("pb::mul", "float32")["functional"]
    assert mul["outcome"] == "fail" and "changed its input" in mul["message"]

    clone = report.cases("pb::clone", "float32")["functional"]
    assert clone["outcome"] == "fail" and "dtype is float64, expected float32" in clone["message"]

    exp16, exp32 = (report.cases("pb::exp", d)["functional"] for d in ("float16", "float32"))
    assert exp16["outcome"] == "fail" and exp16["declared"] is True
    assert exp32["outcome"] == "pass"

    sqrt = report.cases("pb::sqrt", "float32")["functional"]
    assert sqrt["outcome"] == "fail" and "ran on cpu" in sqrt["message"]

    # A composite that fails only through a broken primitive says which one.
    addcmul = report.cases("pb::addcmul", "float32")["functional"]
    assert addcmul["outcome"] == "fail" and addcmul["path"] == "composite"
    assert addcmul["message"].startswith("composite: fails through pb::add, pb::mul beneath")

    # What the backend does not implement is unsupported, not failed.
    matmul = report.cases("pb::matmul", "float32")["functional"]
    assert matmul["outcome"] == "unsupported" and matmul["declared"] is False
    assert not report["levels"]["core"]["conformant"]
    assert "pb::add" in report["levels"]["core"]["ops_failing"]


def test_diff_flags_the_regressions_from_cpu_to_the_faulty_backend(
    plugins: PluginInstaller, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plugins.install("faulty", host_backend_source("faulty", "Faulty", FAULTY_KERNELS))
    assert cli(["conformance", "--backend", "cpu", "--report-dir", str(tmp_path / "cpu"),
                "--no-progress"]) == 0
    cli(["conformance", "--backend", "faulty", "--device", "faulty:0",
                "--report-dir", str(tmp_path / "faulty"),
         "--no-progress"])
    capsys.readouterr()
    code = cli(["conformance", "diff", str(tmp_path / "cpu" / "cpu.json"),
                str(tmp_path / "faulty" / "faulty.json")])
    out = capsys.readouterr().out
    assert code == 1
    assert "pb::add" in out and "float32" in out
    assert "new failure" in out and "lost support" in out


def test_expectations_file_expected_failure_unexpected_pass_and_stale_entries(
    plugins: PluginInstaller, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, faulty_suite: Any
) -> None:
    expectations = tmp_path / "expectations.toml"
    expectations.write_text('''
[[expectation]]
op = "pb::neg"
dtypes = ["int8"]
kind = "expected failure"
reason = "int8 negation writes zeros"
link = "https://example.com/issues/1"

[[expectation]]
op = "pb::neg"
dtypes = ["int16"]
kind = "expected failure"
reason = "listed by mistake: it works"

[[expectation]]
op = "pb::matmul"
dtypes = ["int8"]
kind = "unsupported"
reason = "no int8 GEMM"

[[expectation]]
op = "pb::no_such_op"
kind = "unsupported"
reason = "matches nothing"
''')
    monkeypatch.setenv("EXPECTING_FILE", str(expectations))
    plugins.install("expecting", host_backend_source("expecting", "Expecting",
                                                     EXPECTATIONS_KERNELS))
    code = cli(["conformance", "--backend", "expecting", "--device", "expecting:0",
                "--report-dir", str(tmp_path),
                "--no-progress"])
    assert code != 0
    report = faulty_suite.load(tmp_path / "expecting.json")
    neg8 = report.cases("pb::neg", "int8")["functional"]
    assert neg8["outcome"] == "expected failure"
    assert "int8 negation writes zeros" in neg8["expectation"]
    neg16 = report.cases("pb::neg", "int16")["functional"]
    assert neg16["outcome"] == "unexpected pass"
    matmul = report.cases("pb::matmul", "int8")["functional"]
    assert matmul["outcome"] == "unsupported" and matmul["expectation"] == "no int8 GEMM"
    stale = [c for c in report["contract"] if c["name"] == "expectations file"]
    assert stale and stale[0]["outcome"] == "error" and "pb::no_such_op" in stale[0]["message"]


# A backend whose add ignores storage offsets: it views every tensor from the start of
# its storage, as a kernel that passes only the buffer (not the offset) to a device would.
OFFSET_BLIND_KERNELS = HOST_KERNELS_PRELUDE + '''
def _from_start(t):
    b = device_buffer(t)
    itemsize = t.dtype.itemsize
    return np.ndarray(b.shape, t.dtype.numpy, b.handle, 0,
                      tuple(s * itemsize for s in b.strides))

def _offset_blind_add(self, other, alpha, *, out):
    a = _from_start(self) if isinstance(self, pb.Tensor) else self
    b = _from_start(other) if isinstance(other, pb.Tensor) else other
    np.add(a, np.multiply(b, alpha), out=_from_start(out))

@backend.hookimpl
def plugboard_register_kernels(library):
    register_copy_and_full(library)
    library.impl("add", fn=_offset_blind_add, strided=True, dtypes=[pb.float32])
'''


def test_a_kernel_that_ignores_storage_offsets_fails(
    plugins: PluginInstaller, tmp_path: Path, faulty_suite: Any
) -> None:
    plugins.install("faulty", host_backend_source("faulty", "Faulty", OFFSET_BLIND_KERNELS))
    code = cli(["conformance", "--backend", "faulty", "--device", "faulty:0",
                "--report-dir", str(tmp_path),
                "--no-progress"])
    assert code != 0
    report = faulty_suite.load(tmp_path / "faulty.json")
    for variant in ("functional", "out", "inplace"):
        add = report.cases("pb::add", "float32")[variant]
        assert add["outcome"] == "fail", variant
        assert "at storage offset 3" in add["message"], add["message"]
    assert "pb::add" in report["levels"]["core"]["ops_failing"]


# Two devices whose memory is one arena: the k-th buffer of device 1 is the k-th of
# device 0, as a runtime that ignores the device index would hand out.
ALIASING_DEVICES = '''
class SharedArena:
    def __init__(self):
        self.arena = np.zeros(1 << 24, dtype=np.uint8)
        self.next = {0: 0, 1: 0}

SHARED = SharedArena()

def _allocate(self, nbytes, index):
    start = SHARED.next[index]
    SHARED.next[index] = start + max(nbytes, 1)
    return SHARED.arena[start:start + nbytes]

Runtime.allocate = _allocate
'''


def test_devices_that_share_memory_fail_the_isolation_check(plugins: PluginInstaller,
                                                            faulty_suite: Any) -> None:
    plugins.install("faulty", host_backend_source("faulty", "Faulty", ALIASING_DEVICES))
    report = faulty_suite.run("own_data or device_to_device", device="all")
    contract = {c["name"]: c for c in report["contract"]}
    check = contract["test_each_device_holds_its_own_data"]
    assert check["outcome"] == "fail"
    assert "lost its data" in check["traceback"] or "changed by a copy" in check["traceback"]


# A rand that is uniform and seeded, but not by the Philox contract: its statistics are
# right, its draws are not the stream every backend must give for a seed.
OWN_STREAM_KERNELS = HOST_KERNELS_PRELUDE + '''
from plugboard.backend import philox_reserve

def _ne(self, other, *, out):
    np.not_equal(host_array(self), host_array(other), out=host_array(out))

def _eq(self, other, *, out):
    np.equal(host_array(self), host_array(other), out=host_array(out))

def _own_rand(size, generator, dtype, device, *, out):
    state = philox_reserve(generator, device, out.numel())
    rng = np.random.default_rng([state.seed & 0xFFFFFFFF, state.seed >> 32, state.offset])
    host_array(out)[...] = rng.random(out.shape)

@backend.hookimpl
def plugboard_register_kernels(library):
    register_copy_and_full(library)
    library.impl("rand", fn=_own_rand, strided=True, dtypes=[pb.float32])
    library.impl("ne", fn=_ne, strided=True, dtypes=[pb.float32])
    library.impl("eq", fn=_eq, strided=True, dtypes=[pb.float32])
'''


def test_random_draws_off_the_philox_stream_fail(plugins: PluginInstaller, faulty_suite: Any
                                                  ) -> None:
    plugins.install("faulty", host_backend_source("faulty", "Faulty", OWN_STREAM_KERNELS))
    report = faulty_suite.run("rand and float32")
    rand = report.cases("pb::rand", "float32")["functional"]
    assert rand["outcome"] == "fail"
    assert "differ from the Philox stream" in rand["message"]
    # Only the stream is wrong: the same-seed, other-seed and next-draw checks pass.
    assert "same seed" not in rand["message"] and "not independent" not in rand["message"]


# A float16 sum with a fast path for long rows (2048 elements or more) that accumulates
# in float16, element after element: right on the short rows most samples have.
NARROW_SUM_KERNELS = HOST_KERNELS_PRELUDE + '''

def _narrow_sum(self, dim, keepdim, dtype, *, out):
    a = host_array(self)
    if out.dtype is not pb.float16:  # sum(dtype=float64) of a float16 tensor: correct
        axes = None if dim is None else tuple(dim)
        np.copyto(host_array(out), np.sum(a, axis=axes, keepdims=keepdim, dtype=np.float64))
        return
    axes = tuple(range(a.ndim)) if dim is None else tuple(d % max(a.ndim, 1) for d in dim)
    moved = np.moveaxis(a, axes, tuple(range(-len(axes), 0))) if a.ndim else a
    flat = moved.reshape(*moved.shape[:moved.ndim - len(axes)], -1) if a.ndim else a.reshape(1)
    if flat.shape[-1] >= 2048:
        total = np.add.accumulate(flat, axis=-1, dtype=np.float16)[..., -1]
    else:
        total = flat.sum(axis=-1, dtype=np.float32)
    if keepdim and a.ndim:
        for d in sorted(axes):
            total = np.expand_dims(total, d)
    np.copyto(host_array(out), total, casting="unsafe")

@backend.hookimpl
def plugboard_register_kernels(library):
    register_copy_and_full(library)
    library.impl("sum", fn=_narrow_sum, strided=True, dtypes=[pb.float16, pb.float64])
'''


def test_a_float16_sum_that_accumulates_in_float16_fails_on_long_rows(
    plugins: PluginInstaller, faulty_suite: Any
) -> None:
    plugins.install("faulty", host_backend_source("faulty", "Faulty", NARROW_SUM_KERNELS))
    report = faulty_suite.run("sum and float16 and functional")
    case = report.cases("pb::sum", "float16")["functional"]
    assert case["outcome"] == "fail"
    assert case["message"].startswith("4096 along dim 1 of (2, 4096)"), case["message"]


# A copy_ that writes its destination as if it were contiguous: right whenever the core
# allocated the tensor, wrong into a non-contiguous out= tensor (the core writes out=
# targets with copy_, after the kernel computed into a fresh output).
CONTIGUOUS_OUT_KERNELS = '''
import numpy as np
import plugboard as pb
from plugboard.backend import device_buffer, host_array

def _a(v):
    return host_array(v) if isinstance(v, pb.Tensor) else v

def _copy_as_contiguous(self, src, non_blocking):
    b = device_buffer(self)
    flat = np.ndarray((self.numel(),), self.dtype.numpy, b.handle, b.byte_offset)
    values = np.broadcast_to(np.asarray(_a(src)), self.shape)
    flat[...] = values.astype(self.dtype.numpy).reshape(-1)

def _full(size, fill_value, dtype, device, *, out):
    host_array(out).fill(fill_value)

def _add(self, other, alpha, *, out):
    np.add(_a(self), np.multiply(_a(other), alpha), out=host_array(out))

@backend.hookimpl
def plugboard_register_kernels(library):
    library.impl("copy_", fn=_copy_as_contiguous, strided=True, mixed_dtypes=True)
    library.impl("full", fn=_full, strided=True)
    library.impl("add", fn=_add, strided=True, dtypes=[pb.float32])
'''


def test_a_copy_that_writes_strided_targets_as_contiguous_fails_out_and_inplace_forms(
    plugins: PluginInstaller, faulty_suite: Any
) -> None:
    plugins.install("faulty", host_backend_source("faulty", "Faulty", CONTIGUOUS_OUT_KERNELS))
    report = faulty_suite.run("add and float32")
    add = report.cases("pb::add", "float32")
    assert add["functional"]["outcome"] == "pass"
    assert add["out"]["outcome"] == "fail"
    assert "at storage offset 3" in add["out"]["message"]
    # In place on a transposed, strided view: the elements around the view are written.
    assert add["inplace"]["outcome"] == "fail"
    assert "outside the view" in add["inplace"]["message"], add["inplace"]["message"]
