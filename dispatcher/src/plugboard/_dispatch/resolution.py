"""Kernel resolution: what runs an operator on a backend, in one stated order.

:func:`resolve_kernel` is the one place that says it. The dispatcher caches
its answer per (backend, computation dtype, fallback policy) on the operator;
every registration clears those caches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from plugboard._core.dtype import DType
from plugboard._core.errors import KernelNotFoundError
from plugboard._dispatch.backends import Backend, backend_source
from plugboard._dispatch.fallback import FALLBACK_ENV
from plugboard._dispatch.keys import CompositeImplicit
from plugboard._dispatch.registry import Kernel, OperatorDef, Path

__all__ = ["Resolved", "resolve_kernel"]


@dataclass(frozen=True, slots=True)
class Resolved:
    """The outcome of kernel resolution for one (operator, backend, dtype)."""

    path: Path
    fn: Callable[..., Any] | None
    kernel: Kernel | None


def resolve_kernel(
    op: OperatorDef, backend: Backend, dtype: DType | None, policy: str
) -> Resolved:
    """Choose what runs ``op`` on ``backend`` when it computes in ``dtype``.

    The order, in one place:
    """
    key = backend.key
    # 1. The meta backend computes no values: the meta function is all it needs.
    if backend.is_meta and op.meta is not None:
        return Resolved(Path.META, None, None)
    # 2. Factories that only allocate (empty): the backend's allocator is the kernel.
    if "allocation" in op.tags:
        return Resolved(Path.NATIVE, None, None)
    # 3. The backend's own kernel, when it declares this dtype.
    kernel = op.kernels.get(key)
    if kernel is not None and kernel.accepts(dtype):
        return Resolved(Path.NATIVE, kernel.fn, kernel)
    # 4. A decomposition registered once for every backend.
    composite = op.kernels.get(CompositeImplicit)
    if composite is not None:
        return Resolved(Path.COMPOSITE, composite.fn, composite)
    # 5. The fallback policy: run on the CPU with copies, if the policy allows it.
    if policy == "cpu" and backend.device_type != "cpu" and not backend.is_meta:
        cpu = backend_source().get("cpu")
        cpu_kernel = op.kernels.get(cpu.key)
        if cpu_kernel is not None and cpu_kernel.accepts(dtype):
            return Resolved(Path.FALLBACK, cpu_kernel.fn, cpu_kernel)
    # 6. Nothing can run it: say what exists and what to do.
    raise KernelNotFoundError(_no_kernel_message(op, backend, dtype, kernel, policy))


def _no_kernel_message(
    op: OperatorDef, backend: Backend, dtype: DType | None, kernel: Kernel | None,
    policy: str,
) -> str:
    where = backend.key.name
    if kernel is not None and kernel.dtypes is not None:
        declared = ", ".join(sorted(d.name for d in kernel.dtypes))
        problem = f"the {where} kernel does not support {dtype} (it declares: {declared})"
        names = {d.name for d in kernel.dtypes}
        suggestion = "float32" if "float32" in names else sorted(names)[0]
        fix = f"cast the inputs to a supported dtype, e.g. x.to(pb.{suggestion})"
    else:
        problem = f"there is no {where} kernel and no decomposition"
        fix = (
            f"install or write a {backend.device_type} kernel for {op.name}, or move the "
            "inputs to a device that has one, e.g. .to('cpu')"
        )
    if policy == "error" and backend.device_type != "cpu" and not backend.is_meta:
        fix += (
            "; or allow running it on the CPU with copies: pb.fallback_policy('cpu') "
            f"or {FALLBACK_ENV}=cpu"
        )
    return f"{problem}. Fix: {fix}"
