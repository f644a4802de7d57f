"""Library registrations: each returns a handle that undoes it; the pb:: namespace is the core's."""

from __future__ import annotations

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
