"""The call path: key sets, kernel resolution order, the cache, adaptation, fallback."""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import plugboard as pb
from plugboard._dispatch import dispatcher as _dispatcher
from plugboard._dispatch import fallback as _fallback
from plugboard._plugins.registry import registry
from plugboard.backend import TensorSpec, host_array
from plugboard.library import Library, Path, record_paths

pytestmark = pytest.mark.usefixtures("fresh_fallback_state")


@pytest.fixture
def lib() -> Iterator[Library]:
    """A test namespace with one structured op: twice(x) = 2x."""
    library = Library("dtest")
    library.define("twice(Tensor self) -> Tensor", tags=("pointwise",))

    @library.register_meta("twice")
    def _meta(self: pb.Tensor) -> TensorSpec:
        return TensorSpec(self.shape, self.dtype, self.device)

    yield library
    library.close()


def _twice_cpu(self: pb.Tensor, *, out: pb.Tensor) -> None:
    np.multiply(host_array(self), 2, out=host_array(out), casting="unsafe")


def _twice_composite(self: pb.Tensor) -> pb.Tensor:
    return self + self


def _paths(fn: Any) -> list[tuple[str, str, Path]]:
    with record_paths() as records:
        fn()
    return [(op, device, path) for op, device, path, _ in records]


# 1. Resolution order --------------------------------------------------------------


def test_backend_kernel_wins_over_composite(lib: Library) -> None:
    lib.impl("twice", "CompositeImplicit", _twice_composite)
    lib.impl("twice", "CPU", _twice_cpu)
    x = pb.tensor([1.0, 2.0])
    paths = _paths(lambda: pb.ops.dtest.twice(x))
    assert paths[0] == ("dtest::twice", "cpu", Path.NATIVE)
    assert pb.ops.dtest.twice(x).tolist() == [2.0, 4.0]


def test_composite_runs_when_the_backend_has_no_kernel(lib: Library) -> None:
    lib.impl("twice", "CompositeImplicit", _twice_composite)
    paths = _paths(lambda: pb.ops.dtest.twice(pb.tensor([3])))
    assert paths[0] == ("dtest::twice", "cpu", Path.COMPOSITE)
    assert ("pb::add", "cpu", Path.NATIVE) in paths


def test_composite_serves_dtypes_the_kernel_does_not_declare(lib: Library) -> None:
    lib.impl("twice", "CompositeImplicit", _twice_composite)
    lib.impl("twice", "CPU", _twice_cpu, dtypes=[pb.float32])
    assert _paths(lambda: pb.ops.dtest.twice(pb.tensor([1.0])))[0][2] is Path.NATIVE
    assert _paths(lambda: pb.ops.dtest.twice(pb.tensor([1])))[0][2] is Path.COMPOSITE


def test_no_kernel_error_names_op_backend_dtype_and_fix(lib: Library) -> None:
    lib.impl("twice", "CPU", _twice_cpu, dtypes=[pb.float32, pb.float64])
    x = pb.tensor([1, 2], dtype=pb.int16)
    with pytest.raises(pb.KernelNotFoundError) as info:
        pb.ops.dtest.twice(x)
    message = str(info.value)
    assert "dtest::twice" in message
    assert "CPU kernel does not support int16" in message
    assert "float32, float64" in message
    assert "int16[2] on cpu:0" in message
    assert "Fix:" in message


def test_no_kernel_at_all(lib: Library) -> None:
    with pytest.raises(pb.KernelNotFoundError, match="no CPU kernel and no decomposition"):
        pb.ops.dtest.twice(pb.tensor([1.0]))


def test_resolution_function_order_is_direct_composite_fallback_error(lib: Library) -> None:

    op = pb.ops.dtest.twice.op
    cpu = registry().get("cpu")
    with pytest.raises(pb.KernelNotFoundError):
        _dispatcher.resolve_kernel(op, cpu, pb.float32, "error")
    lib.impl("twice", "CompositeImplicit", _twice_composite)
    assert _dispatcher.resolve_kernel(op, cpu, pb.float32, "error").path is Path.COMPOSITE
    lib.impl("twice", "CPU", _twice_cpu)
    assert _dispatcher.resolve_kernel(op, cpu, pb.float32, "error").path is Path.NATIVE


# 2. The dispatch cache --------------------------------------------------------------


def test_repeat_calls_do_not_resolve_again(lib: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    lib.impl("twice", "CPU", _twice_cpu)
    calls: list[str] = []
    real = _dispatcher.resolve_kernel

    def counting(op: Any, *args: Any) -> Any:
        calls.append(op.name)
        return real(op, *args)

    monkeypatch.setattr(_dispatcher, "resolve_kernel", counting)
    x = pb.tensor([1.0, 2.0])
    for _ in range(5):
        pb.ops.dtest.twice(x)
    assert calls.count("dtest::twice") == 1
    pb.ops.dtest.twice(pb.tensor([1, 2]))  # another dtype: another cache entry
    assert calls.count("dtest::twice") == 2


def test_registration_invalidates_the_cache(lib: Library) -> None:
    lib.impl("twice", "CompositeImplicit", _twice_composite)
    x = pb.tensor([1.0])
    assert _paths(lambda: pb.ops.dtest.twice(x))[0][2] is Path.COMPOSITE
    lib.impl("twice", "CPU", _twice_cpu)
    assert _paths(lambda: pb.ops.dtest.twice(x))[0][2] is Path.NATIVE
    with Library("dtest") as extra:
        extra.define("other(Tensor self) -> Tensor")
    assert _paths(lambda: pb.ops.dtest.twice(x))[0][2] is Path.NATIVE


# 3. Registration errors ---------------------------------------------------------------


def test_duplicate_kernel_is_rejected_naming_both(lib: Library) -> None:
    lib.impl("twice", "CPU", _twice_cpu)
    with pytest.raises(pb.RegistrationError, match="already has a CPU kernel.*_twice_cpu"):
        lib.impl("twice", "CPU", _twice_composite)


def test_duplicate_definition_is_rejected(lib: Library) -> None:
    with pytest.raises(pb.RegistrationError, match="dtest::twice is already defined"):
        lib.define("twice(Tensor self) -> Tensor")


def test_core_namespace_is_reserved() -> None:
    with pytest.raises(pb.RegistrationError, match="core opset"):
        Library("pb").define("mine(Tensor self) -> Tensor")


def test_unknown_dispatch_key_lists_known_keys(lib: Library) -> None:
    with pytest.raises(pb.RegistrationError, match="unknown dispatch key 'GPU'.*CPU"):
        lib.impl("twice", "GPU", _twice_cpu)


def test_close_removes_everything(lib: Library) -> None:
    lib.impl("twice", "CPU", _twice_cpu)
    lib.close()
    with pytest.raises(pb.ArgumentError, match="no operator named 'dtest::twice'"):
        pb.ops.dtest.twice(pb.tensor([1.0]))


# 4. Structured kernels: what the core adapts ------------------------------------------


def test_core_casts_and_makes_contiguous_for_a_naive_kernel() -> None:
    seen: list[tuple[pb.DType, pb.DType, bool, bool]] = []
    with Library("dtest2") as lib2:
        lib2.define("plus(Tensor self, Tensor other) -> Tensor", tags=("pointwise",))

        @lib2.register_meta("plus")
        def _meta(self: Any, other: Any) -> TensorSpec:
            dtype = pb.result_type(self, other)
            return TensorSpec(pb.broadcast_shapes(self.shape, other.shape), dtype, self.device)

        @lib2.impl("plus", "CPU", dtypes=[pb.float32])
        def _plus(a: pb.Tensor, b: pb.Tensor, *, out: pb.Tensor) -> None:
            seen.append((a.dtype, b.dtype, a.is_contiguous(), b.is_contiguous()))
            np.add(host_array(a), host_array(b), out=host_array(out))

        x = pb.tensor([[1, 2], [3, 4]], dtype=pb.int32)
        y = pb.tensor([[0.5, 1.5], [2.5, 3.5]]).T
        result = pb.ops.dtest2.plus(x, y)
        assert seen == [(pb.float32, pb.float32, True, True)]
        np.testing.assert_allclose(result.numpy(), x.numpy() + y.numpy())
        # Broadcast inputs arrive expanded to the output's shape.
        pb.ops.dtest2.plus(pb.tensor([1.0, 2.0]), pb.tensor([[1.0], [2.0]]))
        assert seen[-1][2:] == (True, True)


def test_strided_kernel_gets_views_as_they_are() -> None:
    seen: list[tuple[int, ...]] = []
    with Library("dtest3") as lib3:
        lib3.define("ident(Tensor self) -> Tensor", tags=("pointwise",))
        lib3.register_meta(
            "ident", lambda self: TensorSpec(self.shape, self.dtype, self.device)
        )

        @lib3.impl("ident", "CPU", strided=True)
        def _ident(a: pb.Tensor, *, out: pb.Tensor) -> None:
            seen.append(a.stride())
            np.copyto(host_array(out), host_array(a))

        x = pb.tensor([[1.0, 2.0], [3.0, 4.0]])
        pb.ops.dtest3.ident(x.T)
        assert seen == [(1, 2)]


def test_in_place_with_overlapping_input_goes_through_a_temporary() -> None:
    x = pb.tensor([[1.0, 2.0], [3.0, 4.0]])
    expected = x.numpy() + x.numpy().T
    x.add_(x.T)
    np.testing.assert_array_equal(x.numpy(), expected)


def test_out_with_another_dtype_is_cast_into() -> None:
    out = pb.empty(2, dtype=pb.float64)
    pb.add(pb.tensor([1, 2]), 1, out=out)
    assert out.tolist() == [2.0, 3.0]
    with pytest.raises(pb.DTypeError, match="can't be cast"):
        pb.add(pb.tensor([1.5]), 1, out=pb.empty(1, dtype=pb.int64))


def test_errors_leave_every_tensor_unchanged() -> None:
    x = pb.tensor([1, 2, 3])
    out = pb.tensor([7, 7, 7])
    with pytest.raises(pb.ShapeError):
        pb.add(x, pb.tensor([1, 2]), out=out)
    with pytest.raises(pb.DTypeError):
        x.add_(0.5)
    assert x.tolist() == [1, 2, 3]
    assert out.tolist() == [7, 7, 7]


def test_argument_errors_name_the_argument_and_schema() -> None:
    with pytest.raises(pb.ArgumentError, match="argument 'other' must be Tensor or a Python"):
        pb.add(pb.tensor([1.0]), "one")
    with pytest.raises(pb.ArgumentError, match="unexpected keyword argument 'alfa'"):
        pb.add(pb.tensor([1.0]), 1, alfa=2)
    with pytest.raises(pb.ArgumentError, match="missing required argument 'dim'"):
        pb.softmax(pb.tensor([1.0]))


def test_mixed_devices_are_rejected(plugins: Any) -> None:
    plugins.install("dual", plugins.host_backend("dual", "Dual"))
    with pytest.raises(pb.DeviceError, match="one device"):
        pb.add(pb.tensor([1.0]), pb.tensor([1.0], device="dual"))
    with pytest.raises(pb.DeviceError, match="dual:0 and dual:1"):
        pb.add(pb.tensor([1.0], device="dual:0"), pb.tensor([1.0], device="dual:1"))


# 4b. The signature cache: a repeated pointwise call skips meta and resolution ------


@pytest.fixture
def counted() -> Iterator[tuple[Library, list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    """dcache::plus, a pointwise float32 CPU kernel that wants contiguous inputs; it
    records each meta call's signature and what each kernel call receives."""
    metas: list[tuple[Any, ...]] = []
    calls: list[tuple[Any, ...]] = []
    library = Library("dcache")
    library.define("plus(Tensor self, Tensor other) -> Tensor", tags=("pointwise",))

    @library.register_meta("plus")
    def _meta(self: Any, other: Any) -> TensorSpec:
        metas.append((pb.result_type(self, other), getattr(self, "shape", None),
                      getattr(other, "shape", other)))
        shape = pb.broadcast_shapes(*(getattr(v, "shape", ()) for v in (self, other)))
        device = self.device if isinstance(self, pb.Tensor) else other.device
        return TensorSpec(shape, pb.result_type(self, other), device)

    @library.impl("plus", "CPU", dtypes=[pb.float32, pb.int64])
    def _plus(a: Any, b: Any, *, out: pb.Tensor) -> None:
        calls.append(tuple(v.is_contiguous() if isinstance(v, pb.Tensor) else v
                           for v in (a, b)))
        np.add(host_array(a) if isinstance(a, pb.Tensor) else a,
               host_array(b) if isinstance(b, pb.Tensor) else b, out=host_array(out))

    yield library, metas, calls
    library.close()


def test_a_repeated_signature_runs_meta_once(counted: Any) -> None:
    _, metas, calls = counted
    x, y = pb.ones(2, 3), pb.ones(2, 3)
    results = [pb.ops.dcache.plus(x, y) for _ in range(3)]
    assert len(metas) == 1 and len(calls) == 3
    assert all(r.tolist() == [[2.0] * 3] * 2 for r in results)
    assert len({id(r.untyped_storage()) for r in results}) == 3  # a new output each call
    pb.ops.dcache.plus(pb.ones(3), pb.ones(3))  # another shape: another signature
    pb.ops.dcache.plus(x, pb.ones(3))  # broadcast: another signature, expanded input
    assert len(metas) == 3
    assert pb.ops.dcache.plus(x, pb.ones(3)).shape == (2, 3) and len(metas) == 3


def test_python_numbers_are_keyed_by_type_and_value(counted: Any) -> None:
    _, metas, _ = counted
    x = pb.tensor([1.0, 2.0])
    assert pb.ops.dcache.plus(x, 2.0).tolist() == [3.0, 4.0]
    assert pb.ops.dcache.plus(x, 3.0).tolist() == [4.0, 5.0]  # not the plan of 2.0
    assert pb.ops.dcache.plus(x, 3.0).tolist() == [4.0, 5.0]
    assert len(metas) == 2
    # 1 == 1.0 == True as dict keys; the signature keeps the number's type apart, so an
    # integer tensor plus 1.0 is float32, after a plan for plus 1 (int64) exists.
    n = pb.tensor([1, 2])
    assert pb.ops.dcache.plus(n, 1).tolist() == [2, 3]
    assert pb.ops.dcache.plus(n, True).tolist() == [2, 3]
    sum_float = pb.ops.dcache.plus(n, 1.0)
    assert (sum_float.dtype, sum_float.tolist()) == (pb.float32, [2.0, 3.0])
    assert [m[0] for m in metas[2:]] == [pb.int64, pb.int64, pb.float32]


def test_the_default_dtype_is_part_of_the_signature() -> None:
    n = pb.tensor([1, 2])
    assert (n / n).dtype == pb.float32 and (n + 0.5).dtype == pb.float32
    pb.set_default_dtype(pb.float64)
    try:
        assert (n / n).dtype == pb.float64 and (n + 0.5).dtype == pb.float64
    finally:
        pb.set_default_dtype(pb.float32)
    assert (n / n).dtype == pb.float32


def test_contiguity_is_checked_on_every_call(counted: Any) -> None:
    _, metas, calls = counted
    x = pb.ones(3, 3)
    pb.ops.dcache.plus(x, x)
    transposed = pb.ops.dcache.plus(x.T, x)  # the same signature: dtypes, shapes, device
    assert len(metas) == 1
    assert calls == [(True, True), (True, True)]  # the transposed input made contiguous
    assert transposed.tolist() == [[2.0] * 3] * 3


def test_a_registration_after_a_call_takes_effect_on_the_next(counted: Any) -> None:
    library, _, _ = counted
    x = pb.ones(2)
    assert pb.ops.dcache.plus(x, x).tolist() == [2.0, 2.0]
    with Library("dcache_override", dispatch_key="CPU") as override:
        # A plan must not outlive the registrations it was made from.
        library.registrations[-1].remove()
        override.impl("dcache::plus", "CPU",
                      lambda a, b, *, out: np.subtract(host_array(a), host_array(b),
                                                       out=host_array(out)))
        assert pb.ops.dcache.plus(x, x).tolist() == [0.0, 0.0]


def test_a_failing_call_is_not_cached_and_fails_every_time(counted: Any) -> None:
    _, metas, _ = counted
    x, y = pb.ones(2), pb.ones(3)
    for _ in range(2):
        with pytest.raises(pb.ShapeError):
            pb.ops.dcache.plus(x, y)
    assert len(metas) == 2
    small = pb.tensor([1], dtype=pb.int8)
    for _ in range(2):  # a number that no integer dtype holds
        with pytest.raises(pb.ArgumentError, match="does not fit in a 64-bit integer"):
            small + 2**70
    assert small.tolist() == [1]


def test_reductions_and_matmul_are_planned_and_views_are_not() -> None:
    x = pb.arange(12.0).reshape(3, 4)
    for _ in range(2):
        assert x.sum(dim=1).tolist() == [6.0, 22.0, 38.0]
        assert (x @ x.T).shape == (3, 3)
        assert x.reshape(4, 3).shape == (4, 3)
    assert pb.ops.pb.sum.op.plans and pb.ops.pb.matmul.op.plans
    # A view's meta function reads strides, which the signature does not hold.
    assert not pb.ops.pb.view.op.plans and not pb.ops.pb.as_strided.op.plans


def test_a_parameter_is_planned_as_its_tensor_is() -> None:
    weight = pb.nn.Parameter(pb.ones(3))
    x = pb.ones(3)
    before = len(pb.ops.pb.sub.op.plans)
    assert (x - weight).tolist() == [0.0, 0.0, 0.0]
    assert (x - weight.detach()).tolist() == [0.0, 0.0, 0.0]  # the same signature
    assert len(pb.ops.pb.sub.op.plans) == before + 1


def test_a_nan_argument_makes_no_plan() -> None:
    x = pb.ones(2)
    before = len(pb.ops.pb.mul.op.plans)
    for _ in range(3):
        assert all(v != v for v in (x * float("nan")).tolist())
    assert len(pb.ops.pb.mul.op.plans) == before


def test_plans_per_operator_are_bounded() -> None:
    op = pb.ops.pb.neg.op
    for n in range(1, _dispatcher._MAX_PLANS + 20):
        pb.neg(pb.ones(n))
    assert 0 < len(op.plans) <= _dispatcher._MAX_PLANS


def test_the_sign_of_a_zero_is_part_of_the_signature() -> None:
    x = pb.tensor([1.0, -2.0])
    for _ in range(2):  # the second round runs the plans (and fast entries) of the first
        assert [math.copysign(1, v) for v in (x * 0.0).tolist()] == [1, -1]
        assert [math.copysign(1, v) for v in (x * -0.0).tolist()] == [-1, 1]
        assert math.copysign(1, (pb.tensor([-0.0]) + -0.0).item()) == -1


def test_a_mutating_operators_plan_checks_its_target_and_overlap_on_every_call() -> None:
    op = pb.ops.pb.copy_.op
    source = pb.arange(4.0).reshape(1, 4)
    for _ in range(2):
        target = pb.zeros(3, 4)
        version = target._storage.version
        target.copy_(source)
        assert target.tolist() == [[0.0, 1.0, 2.0, 3.0]] * 3
        assert target._storage.version == version + 1  # autograd's check of saved tensors
    assert op.plans
    # The same signature, but a target whose rows share memory: refused, nothing written.
    expanded = pb.zeros(1, 4).expand(3, 4)
    with pytest.raises(pb.ArgumentError, match="pb::copy_"):
        expanded.copy_(pb.ones(3, 4))
    assert expanded.tolist() == [[0.0] * 4] * 3
    # The same signature, but the source overlaps the target: read before it is written.
    for _ in range(2):
        m = pb.arange(5.0)
        m[1:].copy_(m[:-1])
        assert m.tolist() == [0.0, 0.0, 1.0, 2.0, 3.0]


def test_an_in_place_plan_writes_its_target_and_checks_it_on_every_call() -> None:
    y = pb.tensor([[1.0, 2.0], [3.0, 4.0]])
    for _ in range(3):  # planned, then the fast entry
        x = pb.ones(2, 2)
        version = x._storage.version
        assert x + y is not x  # the functional form, keyed apart from the in-place one
        assert x.add_(y) is x and x.tolist() == [[2.0, 3.0], [4.0, 5.0]]
        assert x._storage.version == version + 1
        t = pb.ones(2, 2).t()  # the same signature, a transposed target
        t.mul_(y)
        assert t.tolist() == [[1.0, 2.0], [3.0, 4.0]]
        m = pb.arange(5.0)  # an input that overlaps the target is read unchanged
        m[1:].add_(m[:-1])
        assert m.tolist() == [0.0, 1.0, 3.0, 5.0, 7.0]
    assert any(plan.inplace for plan in pb.ops.pb.add.op.plans.values())
    expanded = pb.zeros(1, 2).expand(2, 2)  # the planned signature, elements shared
    with pytest.raises(pb.ArgumentError, match="pb::add_"):
        expanded.add_(y)
    assert expanded.tolist() == [[0.0, 0.0], [0.0, 0.0]]
    n = pb.tensor([1, 2])
    for _ in range(2):  # a refused call makes no plan: refused every time
        with pytest.raises(pb.DTypeError, match="can't be cast"):
            n.add_(pb.tensor([0.5, 0.5]))
        assert n.tolist() == [1, 2]


def test_a_repeated_call_takes_the_fast_entry_and_gives_fresh_results(counted: Any) -> None:
    _, metas, _ = counted
    x, y = pb.ones(2), pb.tensor([1.0, 2.0])
    first = pb.ops.dcache.plus(x, y)
    second = pb.ops.dcache.plus(y, y)  # other tensors, the same signature
    assert (first.tolist(), second.tolist()) == ([2.0, 3.0], [2.0, 4.0])
    assert first._storage is not second._storage
    assert len(metas) == 1 and len(pb.ops.dcache.plus.op.fast_calls) == 1
    # The entry keeps no tensor of the call that made it alive.
    entry = next(iter(pb.ops.dcache.plus.op.fast_calls.values()))
    assert not any(isinstance(v, pb.Tensor) for v in entry.template + entry.arguments)


def test_a_fast_entry_passes_numbers_as_the_computation_takes_them() -> None:
    n = pb.tensor([100, -5], dtype=pb.int8)
    h = pb.tensor([1.0, 3.0], dtype=pb.float16)
    for _ in range(3):  # the first call plans, the second makes the entry, the third hits
        assert (n + 300).tolist() == [-112, 39]  # 300 wraps to 44 in int8, as in PyTorch
        assert (h * 0.1).tolist() == [0.0999755859375, 0.300048828125]
    entries = pb.ops.pb.add.op.fast_calls.values()
    assert any(44 in entry.arguments and 300 in entry.template for entry in entries)


def test_the_fast_entry_follows_the_dispatch_state() -> None:
    x = pb.tensor([1.0, 2.0], requires_grad=True)
    y = pb.tensor([1.0, 2.0])
    for _ in range(2):
        assert (y + y).grad_fn is None
        assert (x + y).grad_fn is not None  # Autograd: the full path, every time
        with pb.no_grad():
            assert (x + y).grad_fn is None
    with pb.fallback_policy("cpu"):
        assert (y + y).tolist() == [2.0, 4.0]
    n = pb.tensor([1, 2])
    pb.set_default_dtype(pb.float64)
    try:
        assert (n + 0.5).dtype == pb.float64
    finally:
        pb.set_default_dtype(pb.float32)
    assert (n + 0.5).dtype == pb.float32


def test_keyword_arguments_are_keyed_by_name_type_and_value() -> None:
    x = pb.arange(6.0).reshape(2, 3)
    for _ in range(2):
        assert pb.sum(x, 1, keepdim=True).shape == (2, 1)
        assert pb.sum(x, 1, keepdim=False).shape == (2,)
        assert pb.sum(x, dtype=pb.float64).dtype == pb.float64
        assert pb.sum(x, dtype=None).dtype == pb.float32
    out = pb.empty(2)
    assert pb.sum(x, 1, out=out) is out and out.tolist() == [3.0, 12.0]


def test_fast_entries_are_bounded_and_cleared_with_the_plans() -> None:
    op = pb.ops.pb.neg.op
    for n in range(1, _dispatcher._MAX_PLANS + 20):
        pb.neg(pb.ones(n))
    assert 0 < len(op.fast_calls) <= _dispatcher._MAX_PLANS
    with Library("dcache_clear") as library:
        library.define("noop(Tensor x) -> Tensor")
    assert not op.fast_calls and not op.plans


# 5. The fallback policy ---------------------------------------------------------------


def test_fallback_is_an_error_by_default_and_says_how_to_allow_it(plugins: Any) -> None:
    plugins.install("bare", plugins.host_backend("bare", "Bare"))
    x = pb.tensor([1.0, 2.0], device="bare")
    with pytest.raises(pb.KernelNotFoundError, match=r"fallback_policy\('cpu'\)"):
        pb.exp(x)


def test_cpu_fallback_runs_warns_once_and_counts(plugins: Any) -> None:
    plugins.install("bare", plugins.host_backend("bare", "Bare"))
    x = pb.tensor([0.0, 1.0], device="bare:1")
    with pb.fallback_policy("cpu"):
        with pytest.warns(pb.FallbackWarning, match="pb::exp has no bare kernel"):
            y = pb.exp(x)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            pb.exp(x)
        assert _paths(lambda: pb.exp(x))[0] == ("pb::exp", "bare", Path.FALLBACK)
    assert y.device == pb.device("bare:1")
    np.testing.assert_allclose(y.numpy(), np.exp([0.0, 1.0]), rtol=1e-6)
    assert pb.fallback_counts()["pb::exp"] == 3


def test_fallback_policy_from_the_environment(
    plugins: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    plugins.install("bare", plugins.host_backend("bare", "Bare"))
    monkeypatch.setenv("PLUGBOARD_FALLBACK", "cpu")
    _fallback._env_policy = None
    x = pb.tensor([4.0], device="bare")
    with pytest.warns(pb.FallbackWarning):
        assert pb.sqrt(x).tolist() == [2.0]
    with pb.fallback_policy("error"), pytest.raises(pb.KernelNotFoundError):
        pb.sqrt(x)


def test_fallback_in_place_and_out_forms(plugins: Any) -> None:
    plugins.install("bare", plugins.host_backend("bare", "Bare"))
    x = pb.tensor([1.0, 2.0], device="bare")
    with pb.fallback_policy("cpu"), warnings.catch_warnings():
        warnings.simplefilter("ignore", pb.FallbackWarning)
        x.add_(1)
        out = pb.empty(2, device="bare")
        pb.mul(x, 2, out=out)
    assert x.tolist() == [2.0, 3.0]
    assert out.tolist() == [4.0, 6.0]


def test_unknown_policy_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    with (
        pytest.raises(pb.ArgumentError, match="unknown fallback policy 'gpu'"),
        pb.fallback_policy("gpu"),
    ):
        pass
    monkeypatch.setenv("PLUGBOARD_FALLBACK", "sometimes")
    _fallback._env_policy = None
    with pytest.raises(pb.ArgumentError, match="PLUGBOARD_FALLBACK='sometimes'"):
        pb.tensor([1.0]) + 1


# 6. Functionality keys ------------------------------------------------------------------


def test_functionality_kernel_runs_first_and_redispatches(lib: Library) -> None:
    from plugboard._dispatch import keys as _keys
    from plugboard.library import include_keys, key_named, register_functionality_key

    key = (
        key_named("Logging")
        if "Logging" in {k.name for k in _keys.all_keys()}
        else register_functionality_key("Logging")
    )
    lib.impl("twice", "CPU", _twice_cpu)
    log: list[str] = []

    @lib.impl("twice", key)
    def _logging(handle: Any, values: list[Any], out: Any) -> Any:
        log.append(f"{handle!r} on {values[0].device}")
        return handle.redispatch(values, out, below=key)

    x = pb.tensor([1.0, 2.0])
    assert pb.ops.dtest.twice(x).tolist() == [2.0, 4.0]
    assert log == []  # the key is not in the key set unless included
    with include_keys("Logging"):
        assert pb.ops.dtest.twice(x).tolist() == [2.0, 4.0]
    assert log == ["<operator dtest::twice> on cpu:0"]


# 7. The meta device -----------------------------------------------------------------------


def test_meta_device_computes_shapes_and_dtypes_without_data() -> None:
    a = pb.empty(2, 3, device="meta")
    b = pb.empty(3, 4, dtype=pb.float16, device="meta")
    c = (a.to(pb.float16) @ b).sum(dim=0)
    assert (c.shape, c.dtype, c.device) == ((4,), pb.float16, pb.device("meta"))
    assert pb.softmax(a, 1).shape == (2, 3)
    assert a.T.shape == (3, 2)
    with pytest.raises(pb.ShapeError, match="inner dimensions differ"):
        a @ a
    with pytest.raises(pb.DeviceError, match="no data"):
        a.numpy()


def test_out_is_refused_where_an_operator_has_no_out_form() -> None:
    x = pb.arange(4.0)
    target = pb.zeros(2, 2)
    with pytest.raises(pb.ArgumentError, match="no out="):
        pb.ops.pb.reshape(x, (2, 2), out=target)
    assert target.tolist() == [[0.0, 0.0], [0.0, 0.0]]
