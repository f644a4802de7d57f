"""Library registrations: each returns a handle that undoes it; the pb:: namespace is the core's."""

from __future__ import annotations

import functools
from typing import Any

import pytest

import plugboard as pb
from plugboard.library import registered_ops


def test_each_registration_is_a_handle_and_close_undoes_them_in_reverse() -> None:
    lib = pb.Library("handles")
    lib.define("double(Tensor self) -> Tensor")
    lib.impl("double", "CompositeImplicit", lambda x: x + x)
    what = [r.what for r in lib.registrations]
    assert what == ["operator handles::double", "CompositeImplicit kernel of handles::double"]
    assert pb.ops.handles.double(pb.tensor([1, 2])).tolist() == [2, 4]
    lib.close()
    assert lib.registrations == ()
    assert "handles::double" not in {op.name for op in registered_ops()}


def test_removing_one_registration_leaves_the_others() -> None:
    lib = pb.Library("partial")
    lib.define("inc(Tensor self) -> Tensor")
    lib.impl("inc", "CompositeImplicit", lambda x: x + 1)
    kernel = lib.registrations[1]
    kernel.remove()
    assert not kernel.active
    with pytest.raises(pb.KernelNotFoundError, match="no CPU kernel and no decomposition"):
        pb.ops.partial.inc(pb.tensor([1]))
    kernel.remove()  # a second remove does nothing
    assert [r.what for r in lib.registrations] == ["operator partial::inc"]
    lib.close()


def test_only_the_core_defines_pb_operators() -> None:
    with pytest.raises(pb.RegistrationError, match="core opset"):
        pb.Library("pb").define("mine(Tensor self) -> Tensor")


def test_every_core_operator_has_a_description() -> None:
    core = [op for op in registered_ops() if op.name.startswith("pb::")]
    assert len(core) > 150
    assert all(op.doc.endswith(".") for op in core)


def test_a_kernel_whose_signature_does_not_fit_is_rejected_at_registration() -> None:
    lib = pb.Library("sigs")
    lib.define("scale(Tensor self, *, Scalar factor=2) -> Tensor")

    @lib.register_meta("scale")
    def _meta(self: pb.Tensor, factor: float) -> pb.library.TensorSpec:
        return pb.library.TensorSpec(self.shape, self.dtype, self.device)

    def forgot_out(self: pb.Tensor, factor: float) -> None: ...
    def forgot_factor(self: pb.Tensor, *, out: pb.Tensor) -> None: ...

    for wrong in (forgot_out, forgot_factor):
        with pytest.raises(pb.RegistrationError) as raised:
            lib.impl("scale", "CPU", wrong)
        message = str(raised.value)
        assert "sigs::scale" in message and "fn(self, factor, *, out)" in message
        assert "Fix: define it as def scale(self, factor, *, out)" in message
    lib.impl("scale", "CPU", lambda self, factor, *, out: None)  # fits
    with pytest.raises(pb.RegistrationError, match=r"fn\(self, factor\)"):
        lib.impl("scale", "CompositeImplicit", lambda self: self)  # composites get no out
    lib.impl("scale", "CompositeImplicit", lambda self, factor: self * factor)
    lib.close()


@pytest.mark.parametrize("source", [
    "def f(a, b): ...", "def f(a, b, c=1): ...", "def f(a): ...", "def f(a, b, c): ...",
    "def f(*args): ...", "def f(a, *, out): ...", "def f(a, b, *, out=None): ...",
    "def f(a, b, *, out, extra): ...", "def f(a, b, *, out, extra=1): ...",
    "def f(a, b, **kw): ...", "def f(a, out, **kw): ...", "def f(a, b, out): ...",
    "def f(a, b, /, out=None): ...", "def f(a, /, b, *, c=1, out): ...",
    "def f(a, b, c=1, d=2, *rest, out, **kw): ...",
])
@pytest.mark.parametrize("positional", [1, 2, 3])
@pytest.mark.parametrize("out", [False, True])
def test_the_quick_signature_check_agrees_with_inspect(
        source: str, positional: int, out: bool) -> None:
    # The quick check may only say "fits" where inspect.signature().bind does too.
    import inspect

    from plugboard._dispatch.convention import _plainly_fits

    namespace: dict[str, Any] = {}
    exec(source, namespace)
    fn = namespace["f"]
    try:
        inspect.signature(fn).bind(*([None] * positional), **({"out": None} if out else {}))
        fits = True
    except TypeError:
        fits = False
    if _plainly_fits(fn, positional, out):
        assert fits
    if "/" not in source and "out, **" not in source and ", out)" not in source:
        assert _plainly_fits(fn, positional, out) == fits  # no needless slow path
    wrapper = functools.wraps(fn)(lambda *args, **kwargs: None)
    assert _plainly_fits(wrapper, positional, out) == _plainly_fits(fn, positional, out)


def test_every_core_kernel_fits_the_calling_convention() -> None:
    # The core library skips the check at registration (start-up time): it is made here.
    from plugboard._dispatch.convention import check_kernel_signature

    core = [op for op in registered_ops() if op.name.startswith("pb::")]
    checked = 0
    for op in core:
        for key, kernel in op.kernels.items():
            if kernel.library == "plugboard":
                check_kernel_signature(op, key, kernel.fn)
                checked += 1
    assert checked > 50


def test_a_meta_function_added_later_checks_the_kernels_already_registered() -> None:
    lib = pb.Library("late")
    lib.define("twice(Tensor self) -> Tensor")
    lib.impl("twice", "CPU", lambda self: self + self)  # unstructured for now: fits
    with pytest.raises(pb.RegistrationError, match="out"):
        lib.register_meta("twice", lambda self: pb.library.TensorSpec(
            self.shape, self.dtype, self.device))
    assert pb.ops.late.twice(pb.tensor([1, 2])).tolist() == [2, 4]  # still unstructured
    lib.close()
