"""The CuPy kernel table: what it holds and declares, and that the host tests run the
kernels without CuPy (the CuPy-only functions of ``_arrays`` are the untested part)."""

from __future__ import annotations

from typing import Any

import pytest
from kernel_harness import assert_same, empty_out, values

import plugboard as pb
from plugboard_cupy import _arrays, _table

# Every operator the OpenCL backend implements but its pointwise table, and the nn
# composites the array-library backends implement natively.
EXPECTED = {
    "copy_", "full", "full_like", "arange", "sum", "prod", "amax", "amin", "argmax",
    "argmin", "cumsum", "cumprod", "matmul", "cat", "flip", "tril", "triu", "gather",
    "index_select", "scatter", "scatter_add", "sort", "topk", "index_put", "index_put_",
    "rand", "randn", "randint", "softmax", "log_softmax", "layer_norm", "rms_norm", "conv2d",
    "scaled_dot_product_attention",
}


def test_the_table_holds_every_operator_strided() -> None:
    assert set(_table.KERNELS.names()) >= EXPECTED
    for spec in _table.KERNELS:
        assert spec.strided, spec.op
        assert spec.dtypes, spec.op


def test_bool_is_declared_only_where_pytorch_has_it() -> None:
    for op in ("matmul", "argmax", "argmin", "topk", "conv2d"):
        assert pb.bool not in (_table.KERNELS[op].dtypes or ()), op


def test_host_tensors_never_reach_cupy(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a cpu tensor reached the CuPy-only code")

    for name in ("_cupy", "_device_view", "_on_device"):
        monkeypatch.setattr(_arrays, name, refuse)
    x = values((3, 4), pb.bfloat16)
    out = empty_out((4,), pb.bfloat16)
    _table.KERNELS["sum"].fn(x, [0], False, None, out=out)
    assert_same(out, pb.ops.pb.sum(x, [0], False, dtype=None))
    assert _arrays.array_module(x).__name__ == "numpy"


def test_every_array_function_the_kernels_call_is_cupys() -> None:
    # The kernels run on NumPy here; on a GPU the same names must be CuPy's.
    cupy = pytest.importorskip("cupy")
    import ast
    import inspect

    modules = (_arrays, *_table.ARRAY_MODULES)
    used: set[str] = set()
    for module in modules:
        for node in ast.walk(ast.parse(inspect.getsource(module))):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                    and node.value.id == "xp":
                used.add(node.attr)
    assert {"take_along_axis", "argsort", "matmul"} <= used
    missing = sorted(name for name in used if not hasattr(cupy, name))
    assert not missing, f"not in CuPy: {missing}"
    assert hasattr(cupy.lib.stride_tricks, "as_strided")


def test_the_platform_table_runs_the_same_kernels() -> None:
    from plugboard_cupy import CUDAError, CUDAOutOfMemoryError, Platform, Probe

    cuda = Platform(name="CUDA", device_type="cuda", distribution="plugboard-cuda",
                    dlpack_device_type=2, error=CUDAError,
                    out_of_memory_error=CUDAOutOfMemoryError,
                    out_of_memory_names=("cudaErrorMemoryAllocation",),
                    status_tool="nvidia-smi", probe=lambda: Probe(0))
    table = _table.kernel_table(cuda)
    assert table.names() == _table.KERNELS.names()
    x = values((2, 3), pb.float32)
    out = empty_out((3,), pb.float32)
    table["sum"].fn(x, [0], False, None, out=out)
    assert_same(out, pb.ops.pb.sum(x, [0], False, dtype=None))
