"""plugboard_cupy._pointwise without a GPU: which kernel a call picks, how its arguments
are packed, how a launch is configured and split (the device launch itself needs a GPU)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import plugboard as pb
from plugboard import codegen
from plugboard_cupy import _pointwise
from plugboard_cupy._pointwise import BLOCK, KERNELS, Call, calls, dialect_of, grid

ADDRESSES: dict[int, int] = {}


def _address(t: pb.Tensor) -> int:
    """A fake device address per storage, as a runtime's block address would be."""
    return ADDRESSES.setdefault(id(t.untyped_storage()), 0x7000_0000 + 0x1000 * len(ADDRESSES))


def _calls(name: str, inputs: tuple[Any, ...], out: pb.Tensor, params: tuple[Any, ...] = (),
           dialect: codegen.Dialect = codegen.CUDA, limit: int = _pointwise.MAX_LAUNCH
           ) -> list[Call]:
    op = codegen.BY_NAME[name]
    return calls(op, dialect, codegen.compute_dtype(op, inputs, out), inputs, params, out,
                 _address, limit)


def test_the_dialect_follows_the_device_type() -> None:
    assert dialect_of(pb.Device("cuda", 1)) is codegen.CUDA
    assert dialect_of(pb.Device("rocm", 0)) is codegen.HIP
    with pytest.raises(pb.DeviceError, match="cuda and rocm devices, not cpu"):
        dialect_of(pb.Device("cpu"))


def test_launch_configuration() -> None:
    assert BLOCK % 64 == 0  # whole warps and wavefronts
    assert grid(0) == (1,) and grid(BLOCK * 3 + 1) == (4,)
    assert _pointwise.MAX_LAUNCH + BLOCK <= 2**31  # HIP: at most 2**32 threads a launch


def test_contiguous_tensors_and_a_number_pick_the_pattern_kernel() -> None:
    x = pb.arange(10, dtype=pb.float16)
    out = pb.empty(10, dtype=pb.float16)
    [call] = _calls("add", (x[2:], 3), out[2:], (2,))
    assert call.kernel == "add_c_tn" and call.count == 8
    n, out_p, out_off, a_p, a_off, b, alpha = call.args
    assert (n, out_off, a_off) == (8, 2, 2) and n.dtype == np.int64
    assert out_p == _address(out) and out_p.dtype == np.uint64
    assert a_p == _address(x)
    # float16 computes in float: numbers and parameters are float32 scalars.
    assert (b, alpha) == (3.0, 2.0) and b.dtype == alpha.dtype == np.float32


def test_a_comparison_and_where_pass_masks_as_bytes() -> None:
    x = pb.arange(4, dtype=pb.int64)
    mask = pb.empty(4, dtype=pb.bool)
    [lt] = _calls("lt", (x, 2), mask)
    assert lt.kernel == "lt_c_tn" and lt.args[-1].dtype == np.int64
    [where] = _calls("where", (mask, x, 0), x)
    assert where.kernel == "where_c_ttn" and where.args[-1].dtype == np.int64


def _touched(call: Call, operand: int) -> list[int]:
    """The element offsets operand ``operand`` reads or writes, as pb_at computes them."""
    record = call.args[1]
    ndim = int(record["ndim"])
    sizes = [int(s) for s in record["size"][:ndim]]
    found = []
    for index in range(call.count):
        at, i = int(record["offset"][operand]), index
        for d in reversed(range(ndim)):
            at += (i % sizes[d]) * int(record["stride"][operand][d])
            i //= sizes[d]
        found.append(at)
    return found


def test_strided_inputs_take_the_general_kernel_with_the_layout_by_value() -> None:
    x = pb.arange(12, dtype=pb.float32).reshape(3, 4)
    out = pb.empty((4, 3), dtype=pb.float32)
    [call] = _calls("mul", (x.t(), 5), out)
    assert call.kernel == "mul_g" and call.count == 12
    n, layout, numbers, out_p, a_p, a_number, b_p, b_number = call.args
    assert n == 12 and a_p == _address(x) and a_number == 0
    assert isinstance(layout, np.void) and layout.dtype == codegen.LAYOUT_DTYPE
    assert numbers == 0b10 and numbers.dtype == np.uint32  # input b is a number
    assert b_p == out_p and b_number == 5.0 and b_number.dtype == np.float32
    assert _touched(call, 0) == list(range(12))
    assert _touched(call, 1) == [4 * (k % 3) + k // 3 for k in range(12)]  # transposed


def test_broadcast_inputs_have_stride_zero() -> None:
    row = pb.arange(3, dtype=pb.int32)
    out = pb.empty((2, 3), dtype=pb.int32)
    [call] = _calls("sub", (out, row.expand(2, 3)), out, (1,))
    assert call.kernel == "sub_g"
    assert _touched(call, 2) == [0, 1, 2, 0, 1, 2]


def test_large_launches_are_split_and_cover_every_element_once() -> None:
    x = pb.zeros(10, dtype=pb.uint8)
    pieces = _calls("neg", (x,), x, limit=4)
    assert [(c.count, int(c.args[2])) for c in pieces] == [(4, 0), (4, 4), (2, 8)]
    y = pb.zeros((3, 5, 4), dtype=pb.float32).permute(2, 0, 1)  # (4, 3, 5), not mergeable
    out = pb.empty((4, 3, 5), dtype=pb.float32)
    for limit in (7, 15, 16, 59):
        pieces = _calls("exp", (y,), out, limit=limit)
        assert all(c.kernel == "exp_g" and c.count <= limit for c in pieces)
        touched = [at for c in pieces for at in _touched(c, 0)]
        assert sorted(touched) == list(range(60))
        assert sorted(at for c in pieces for at in _touched(c, 1)) == list(range(60))


def test_empty_outputs_launch_nothing() -> None:
    x = pb.zeros(0)
    assert _calls("sqrt", (x,), x) == []


def test_run_launches_the_calls_on_the_output_device(monkeypatch: pytest.MonkeyPatch) -> None:
    launched: list[tuple[Any, ...]] = []
    monkeypatch.setattr(_pointwise, "dialect_of", lambda device: codegen.HIP)
    monkeypatch.setattr(_pointwise, "_address", _address)
    monkeypatch.setattr(_pointwise, "_launch", lambda *a: launched.append(a))
    kernels = {spec.op: spec for spec in KERNELS}
    x = pb.arange(6, dtype=pb.int16)
    kernels["div"].fn(x, 2, "floor", out=x)
    kernels["round"].fn(pb.ones(3), 2, out=pb.empty(3))
    (_, dialect, dtype, [div], what), (_, _, _, [rnd], _) = launched
    assert (dialect, dtype, div.kernel) == (codegen.HIP, pb.int16, "div_floor_c_tn")
    assert what == "pb::div"  # what errors name
    assert rnd.kernel == "round_scaled_c_t" and rnd.args[-1] == 100.0
    with pytest.raises(pb.ArgumentError, match="integer division by zero"):
        kernels["div"].fn(x, 0, "trunc", out=x)
    assert len(launched) == 2  # the division by zero raised before any launch


def test_one_kernel_per_elementwise_operator_as_the_opencl_backend() -> None:
    assert len({spec.op for spec in KERNELS}) == len(KERNELS)
    assert all(spec.strided and spec.fn.__name__ == f"cupy_{spec.op}" for spec in KERNELS)
    opencl = pytest.importorskip("plugboard_opencl._kernels")
    assert {s.op: s.dtypes for s in KERNELS} == {s.op: s.dtypes for s in opencl.KERNELS}


def test_the_cuda_program_compiles_with_the_options_the_module_uses() -> None:
    compile = pytest.importorskip("plugboard_cuda._compile")
    try:
        compile.nvrtc_version()
    except Exception as error:
        pytest.skip(f"NVRTC is not installed ({error}); pip install 'plugboard-cuda[nvrtc]'")
    source = codegen.program(codegen.CUDA, pb.int16)
    ptx = compile.compile_ptx(source, "pointwise_int16", "compute_80", _pointwise._OPTIONS["cuda"])
    assert ".entry add_g(" in ptx
