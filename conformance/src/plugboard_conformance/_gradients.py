"""The ``grad`` variant: an operator's gradients on the device against finite differences.

For a few of an entry's value samples (small, finite, non-empty), every
floating tensor input requires grad; the operator runs on the device under
test and ``pb.autograd.grad`` gives the gradients of a random cotangent ``c``
(one per floating output). The reference is the vector-Jacobian product of the
entry's float64 NumPy reference, by finite differences of the scalar
``L(x) = sum_k <c_k, reference_k(x)>`` in each input element: central
differences at steps ``h`` and ``h / 2``, combined by Richardson extrapolation
(error O(h^4), so float64 gradients can be held to 1e-9 of their scale).
Every element is checked, so a failure names the input and the worst element;
directional derivatives would be cheaper but could only say that some
gradient is wrong.

Non-differentiable points are not compared: where the one-sided differences
disagree by more than :data:`SMOOTH` of their size the step shrinks tenfold (up
to three times: near a singularity, sqrt or log at small x, the extrapolation
needs a step small against the distance to it); where they still disagree by
more than :data:`KINK`, the element is at a kink (0 in ``abs`` or ``relu``), a
tie (``maximum``, ``amax``, ``sort``) or a jump (``floor``) and is skipped.
Samples holding NaN, infinities or values beyond :data:`LARGEST` are not used.

The allowance per element is ``(GRAD_ULP * sqrt(n) * eps(dtype) + FD) * S``
plus the differences' own float64 rounding, with ``n`` the output elements (a
gradient sums over them), ``eps`` the machine epsilon of the case's dtype,
``FD`` the extrapolation's relative error and ``S`` the gradients' scale: the
largest reference gradient of the sample, and at least ``|c| |y| / max(1,
|x|)``, so that a gradient that cancels to almost nothing (rms_norm of one
element) keeps its terms' rounding. Loose in float32 (3e-5 sqrt(n) relative: a
backward chains roundings that cancel, gelu's tanh form reaches 100 eps), tight
in float64 (1e-9: a float64 gradient computed in float32 fails).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

import plugboard as pb
from plugboard.library import record_paths

from ._accuracy import ulp_of
from ._model import CaseRecord, WorstInput
from ._opdb import Layout, OpInfo, Sample

__all__ = ["FD", "GRAD_ULP", "INPLACE_TARGET", "KINK", "LARGEST", "MAX_ELEMENTS", "MAX_SAMPLES",
           "NOT_DIFFERENTIATED", "SMOOTH", "STEP", "BackwardMissing", "GradCheck",
           "differentiable", "grad_limit"]

# Samples checked per case, and the floating input elements of one sample at most: each
# element costs four evaluations of the reference per step tried.
MAX_SAMPLES: Final = 4
MAX_ELEMENTS: Final = 128
# Samples with a floating input beyond this magnitude are not used (the largest finite
# values of the special-value samples: a step there overflows).
LARGEST: Final = 1e3
# The step, relative to max(1, |x|): small enough for the O(h^4) error, large enough that
# float64 rounding in L (eps * |L| / h) stays far below the allowance.
STEP: Final = 1e-3
# An element is at a kink when its one-sided differences differ by more than KINK of their
# size at the smallest step (a smooth function's differ by about h * |f''| / |f'|); the
# step is small enough when they differ by SMOOTH at most.
KINK: Final = 0.1
SMOOTH: Final = 1e-3
# The allowance: GRAD_ULP * sqrt(n) * eps(dtype) of the gradient's scale, plus the
# finite differences' relative error FD.
GRAD_ULP: Final = 256
FD: Final = 1e-9

# Floating arguments that are not differentiated: buffers the operator updates in place.
NOT_DIFFERENTIATED: Final[dict[str, frozenset[str]]] = {
    "pb::batch_norm": frozenset({"running_mean", "running_var"}),
}
# In-place operators: their target (this argument) is a leaf's clone, for a leaf that
# requires grad may not be written in place (as in PyTorch).
INPLACE_TARGET: Final[dict[str, int]] = {"pb::index_put_": 0}
# Samples left out of grad cases, with the reason.
_NOT_FOR_GRAD: Final[dict[str, tuple[Callable[[Sample], bool], str]]] = {
    "pb::copy_": (lambda s: bool(s.kwargs.get("layout")),
                  "a destination that is a view of a larger tensor: autograd records "
                  "in-place writes into whole tensors only (docs/architecture.md, Autograd)"),
    "pb::embedding": (lambda s: s.kwargs.get("padding_idx") is not None,
                      "padding_idx takes its row's gradient away, which finite differences of "
                      "the forward pass cannot see"),
}


def grad_limit(dtype: pb.DType) -> str:
    """The allowance as the report states it."""
    return (f"({GRAD_ULP} sqrt(n) eps({dtype.name}) + {FD:g}) of the gradients' scale "
            "(finite differences of the float64 reference)")


def _finite_sample(sample: Sample) -> bool:
    arrays = list(_float_arrays(sample))
    return bool(arrays) and all(
        np.isfinite(a).all() and (not a.size or np.abs(a).max() <= LARGEST) for _, a in arrays)


def _float_arrays(sample: Sample) -> Iterator[tuple[tuple[int, int], np.ndarray]]:
    """The sample's floating tensor inputs, with their place: (argument, item of a list or
    -1)."""
    for i, a in enumerate(sample.args):
        host = a.host() if isinstance(a, Layout) else a
        if isinstance(host, np.ndarray) and host.dtype.kind == "f":
            yield (i, -1), host
        elif isinstance(a, list):
            for j, v in enumerate(a):
                if isinstance(v, np.ndarray) and v.dtype.kind == "f":
                    yield (i, j), v


def _arg_names(info: OpInfo) -> list[str]:
    """The schema's argument names (none for features such as ``indexing:basic``)."""
    op = next((o for o in pb.library.registered_ops() if o.name == info.name), None)
    return [a.name for a in op.schema.arguments] if op is not None else []


def _floating_result(info: OpInfo, dtype: pb.DType, sample: Sample) -> bool:
    result = info.result_dtype(dtype, sample)
    results = result if isinstance(result, tuple) else (result,)
    return any(r.is_floating_point for r in results)


def differentiable(info: OpInfo) -> bool:
    """Whether ``info`` gets grad cases: a floating result of floating tensor inputs, and
    neither creation, random (a ``check`` function) nor creation from metadata."""
    if (info.creation or info.check is not None
            or info.name in pb.autograd.NON_DIFFERENTIABLE):
        return False
    dtype = next((d for d in (pb.float64, pb.float32) if d in info.dtypes), None)
    if dtype is None:
        return False
    rng = np.random.default_rng(0)
    return any(_finite_sample(s) and _floating_result(info, dtype, s)
               for s in info.samples(dtype, rng))


class BackwardMissing(Exception):
    """Backward needed an operator the backend has no kernel for: the forward call ran,
    so autograd cannot differentiate the operator on this backend (a failure)."""


@dataclass
class _Input:
    place: tuple[int, int]
    name: str
    host: np.ndarray  # in the case's dtype
    tensor: pb.Tensor | None = None


class GradCheck:
    """The grad case of one operator and dtype on one device."""

    def __init__(self, info: OpInfo, dtype: pb.DType, device: pb.Device,
                 rng: np.random.Generator, calls: set[str]):
        self.info, self.dtype, self.device, self.rng = info, dtype, device, rng
        self.names = _arg_names(info)
        self.skip = NOT_DIFFERENTIATED.get(info.name, frozenset())
        self.calls = calls  # the operators run beneath, for blame

    def samples(self) -> list[Sample]:
        """The samples checked: finite, small, with a floating result."""
        chosen = []
        excluded = _NOT_FOR_GRAD.get(self.info.name, (lambda s: False, ""))[0]
        for sample in self.info.samples(self.dtype, self.rng):
            if excluded(sample):
                continue
            inputs = self._inputs(sample)
            if (_finite_sample(sample) and inputs and any(i.host.size for i in inputs)
                    and sum(i.host.size for i in inputs) <= MAX_ELEMENTS
                    and _floating_result(self.info, self.dtype, sample)):
                chosen.append(sample)
            if len(chosen) == MAX_SAMPLES:
                break
        return chosen

    def _inputs(self, sample: Sample) -> list[_Input]:
        inputs = []
        for place, host in _float_arrays(sample):
            i, j = place
            name = self.names[i] if i < len(self.names) else f"argument {i}"
            if name in self.skip:
                continue
            inputs.append(_Input(place, name if j < 0 else f"{name}[{j}]", host))
        return inputs

    def run(self, record: CaseRecord) -> list[str]:
        """Check every chosen sample; fill ``record``'s statistics; the problems found."""
        problems: list[str] = []
        samples = self.samples()
        if not samples:
            return ["no sample suits a gradient check (finite, small floating inputs with a "
                    "floating result): add one to the op database"]
        worst = (False, -1.0)
        ulp_sum, ulp_count = 0.0, 0
        for sample in samples:
            inputs = self._inputs(sample)
            got, cotangents, elsewhere = self._device_gradients(sample, inputs)
            record.samples += 1
            if elsewhere:
                problems.append(f"{sample.name}: ran on {', '.join(sorted(elsewhere))}, not on "
                                f"{self.device.type}")
            references = [self._reference_gradient(sample, inputs, k, cotangents)
                          for k in range(len(inputs))]
            # The gradients' scale: the largest of any input of the sample (a gradient
            # whose terms cancel, as rms_norm's of one element, is held to the others').
            scale = max((float(np.abs(r[0][r[2]]).max()) for r in references if r[2].any()),
                        default=0.0)
            # At least |c| |y| / |x|: a derivative's natural size, whose float32 rounding
            # stays when the gradient itself cancels to almost nothing.
            scale = max(scale, self._natural_scale(sample, inputs, cotangents))
            n = max(sum(c.size for c in cotangents), 1)
            eps = float(np.finfo(self.dtype.numpy).eps)  # float32 and float64 cases only
            for (item, grad), (expected, roundoff, compared) in zip(
                    zip(inputs, got, strict=True), references, strict=True):
                allowed = (GRAD_ULP * math.sqrt(n) * eps + FD) * scale + roundoff
                if grad is None:
                    problems.append(f"{sample.name}: input {item.name} got no gradient "
                                    "(autograd.grad returned None)")
                    continue
                if grad.shape != expected.shape:
                    problems.append(f"{sample.name}: the gradient of input {item.name} has "
                                    f"shape {grad.shape}, expected {expected.shape}")
                    continue
                error = np.where(compared, np.abs(grad - expected), 0.0)
                bad = ~np.isfinite(grad) & compared
                error = np.where(bad, np.inf, error)
                with np.errstate(all="ignore"):  # an inf error is inf ULP
                    ulp = error / ulp_of(expected, self.dtype)
                finite = np.isfinite(ulp) & compared
                ulp_sum += float(ulp[finite].sum())
                ulp_count += int(finite.sum())
                self._keep_maxima(record, error, expected, ulp, compared)
                over = compared & (error > allowed)
                if not compared.any():
                    continue
                where = over if over.any() else compared
                index = np.unravel_index(int(np.argmax(np.where(where, ulp, -1.0))), ulp.shape)
                at = tuple(int(v) for v in index)
                rank = (bool(over.any()), min(float(ulp[index]), 1e300))
                if rank > worst:  # the worst element: beyond the allowance first, then by ULP
                    worst = rank
                    value = float(grad[index])
                    record.worst = WorstInput(
                        f"{sample.name}, input {item.name}", list(at),
                        value if math.isfinite(value) else 0.0, float(expected[index]),
                        rank[1])
                    record.worst_input = record.worst.sample
                if over.any():
                    problems.append(
                        f"{sample.name}: the gradient of input {item.name} is wrong at "
                        f"{int(over.sum())} of {grad.size} element(s); worst at {at}: "
                        f"{float(grad[index])!r}, expected {float(expected[index])!r} "
                        f"(error {float(error[index]):.3g}, allowed "
                        f"{float(allowed[index]):.3g})")
        if ulp_count:
            record.mean_ulp_error = ulp_sum / ulp_count
        record.limit = grad_limit(self.dtype)
        return problems

    def _natural_scale(self, sample: Sample, inputs: list[_Input],
                       cotangents: list[np.ndarray]) -> float:
        largest_c = max((float(np.abs(c).max()) for c in cotangents if c.size), default=0.0)
        largest_x = max((float(np.abs(i.host).max()) for i in inputs if i.host.size),
                        default=0.0)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            result = self.info.reference(*[_wide(a) for a in sample.args], **sample.kwargs)
        results = result if isinstance(result, (tuple, list)) else (result,)
        sizes = [np.abs(np.asarray(r, np.float64)) for r in results
                 if np.asarray(r).dtype.kind == "f"]  # not the indices of sort, max(dim)
        largest_y = max((float(v[np.isfinite(v)].max()) for v in sizes
                         if np.isfinite(v).any()), default=0.0)
        return largest_c * largest_y / max(1.0, largest_x)

    def _keep_maxima(self, record: CaseRecord, error: np.ndarray, expected: np.ndarray,
                     ulp: np.ndarray, compared: np.ndarray) -> None:
        if not compared.any():
            return
        scale = max(float(np.abs(expected[compared]).max()), np.finfo(np.float64).tiny)
        for field, values in (("max_abs_error", error), ("max_rel_error", error / scale),
                              ("max_ulp_error", ulp)):
            value = float(values[compared].max())
            if not math.isfinite(value):
                continue  # JSON has no inf; the message says what happened
            current = getattr(record, field)
            if current is None or value > current:
                setattr(record, field, value)

    # On the device ----------------------------------------------------------------------
    def _device_gradients(self, sample: Sample, inputs: list[_Input]
                          ) -> tuple[list[np.ndarray | None], list[np.ndarray], set[str]]:
        """The gradients autograd computes on the device, the cotangents (float64 copies of
        the values used) and the other device types anything ran on."""
        args: list[Any] = [_device_value(a, self.device) for a in sample.args]
        for item in inputs:
            tensor = pb.tensor(item.host, device=self.device, requires_grad=True)
            item.tensor = tensor
            i, j = item.place
            if INPLACE_TARGET.get(self.info.name) == i:
                tensor = tensor.clone()
            if j < 0:
                args[i] = tensor
            else:
                args[i] = [*args[i][:j], tensor, *args[i][j + 1:]]
        with record_paths() as records:
            try:
                result = self.info.call(*args, **sample.kwargs)
                results = result if isinstance(result, (tuple, list)) else (result,)
                outputs = [r for r in results if isinstance(r, pb.Tensor) and r.requires_grad]
                cotangents = [self.rng.standard_normal(o.shape).astype(o.dtype.numpy)
                              for o in outputs]
                try:
                    grads = pb.autograd.grad(
                        outputs, [item.tensor for item in inputs if item.tensor is not None],
                        [pb.tensor(c, device=self.device) for c in cotangents],
                        allow_unused=True)
                except pb.KernelNotFoundError as missing:
                    raise BackwardMissing(str(missing).splitlines()[0]) from None
            finally:
                self.calls.update(r[0] for r in records if r[0] != self.info.name)
        elsewhere = {device for _, device, _, _ in records if device != self.device.type}
        got = [None if g is None else g.numpy().astype(np.float64) for g in grads]
        return got, [c.astype(np.float64) for c in cotangents], elsewhere

    # The reference ------------------------------------------------------------------------
    def _reference_gradient(self, sample: Sample, inputs: list[_Input], k: int,
                            cotangents: list[np.ndarray]
                            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Input ``k``'s reference gradient, the finite differences' rounding error per
        element and which elements are compared (not at a kink)."""
        values = [item.host.astype(np.float64) for item in inputs]
        loss = self._loss(sample, inputs, cotangents)
        x = values[k]
        flat = x.reshape(-1)
        expected: np.ndarray = np.zeros(flat.shape)
        compared: np.ndarray = np.ones(flat.shape, dtype=bool)
        roundoff: np.ndarray = np.zeros(flat.shape)
        centre = loss(values)
        for e in range(flat.size):
            derivative = self._derivative(loss, values, k, e, centre)
            if derivative is None:
                compared[e] = False  # a kink, a tie, a jump, or a non-finite value
            else:
                expected[e], roundoff[e] = derivative
        expected = expected.reshape(x.shape)
        compared = compared.reshape(x.shape)
        return expected, roundoff.reshape(x.shape), compared

    def _derivative(self, loss: Callable[[list[np.ndarray]], float], values: list[np.ndarray],
                    k: int, e: int, centre: float) -> tuple[float, float] | None:
        """dL/dx at element ``e`` of input ``k`` and its error bound, or None where L is not
        differentiable there. The step shrinks (by ten, up to three times) until the
        one-sided differences agree to SMOOTH: near a singularity (sqrt, log at small x)
        the extrapolation needs a step small against the distance to it."""
        start = STEP * max(1.0, abs(float(values[k].reshape(-1)[e])))
        ratio = math.inf
        for h in (start, start / 10, start / 100, start / 1000):
            ls = {s: loss(_moved(values, k, e, s)) for s in (h, -h, h / 2, -h / 2)}
            if not all(math.isfinite(v) for v in (*ls.values(), centre)):
                return None
            wide = (ls[h] - ls[-h]) / (2 * h)
            narrow = (ls[h / 2] - ls[-h / 2]) / h
            roundoff = 8 * np.finfo(np.float64).eps * max(abs(v) for v in ls.values()) / h
            ratio = 0.0
            for step in (h, h / 2):  # a kink between h / 2 and h shows in the outer pair
                right, left = (ls[step] - centre) / step, (centre - ls[-step]) / step
                ratio = max(ratio, abs(right - left) / max(abs(right) + abs(left) + roundoff,
                                                           1e-300))
            if ratio <= SMOOTH:
                return (4 * narrow - wide) / 3, roundoff
        if ratio > KINK:
            return None
        # Still curved at the smallest step: the extrapolation's error is at most the
        # difference of the two central differences.
        return (4 * narrow - wide) / 3, roundoff + abs(narrow - wide)

    def _loss(self, sample: Sample, inputs: list[_Input], cotangents: list[np.ndarray]
              ) -> Callable[[list[np.ndarray]], float]:
        """``L(x) = sum_k <c_k, reference_k(x)>`` over the floating outputs, in float64."""
        base = [_wide(a) for a in sample.args]
        declared = self.info.result_dtype(self.dtype, sample)

        def floating(count: int) -> list[bool]:
            dtypes = declared if isinstance(declared, tuple) else (declared,) * count
            return [d.is_floating_point for d in dtypes]

        # The derivative of a cast is that of the identity: the reference computes in
        # float64 rather than rounding to the requested floating dtype (to, sum(dtype=)).
        kwargs = {k: pb.float64 if isinstance(v, pb.DType) and v.is_floating_point else v
                  for k, v in sample.kwargs.items()}

        def loss(values: list[np.ndarray]) -> float:
            args = list(base)
            for item, value in zip(inputs, values, strict=True):
                i, j = item.place
                if j < 0:
                    args[i] = value
                else:
                    args[i] = [*args[i][:j], value, *args[i][j + 1:]]
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                result = self.info.reference(*args, **kwargs)
            results = result if isinstance(result, (tuple, list)) else (result,)
            outs = [np.asarray(r) for r, f in zip(results, floating(len(results)), strict=True)
                    if f]
            if len(outs) != len(cotangents):
                raise AssertionError(f"the reference gives {len(outs)} floating output(s), "
                                     f"the operator {len(cotangents)} that require grad")
            return float(sum(np.sum(c * o.astype(np.float64))
                             for c, o in zip(cotangents, outs, strict=True)))

        return loss


def _moved(values: list[np.ndarray], k: int, e: int, step: float) -> list[np.ndarray]:
    moved = values[k].copy()
    moved.reshape(-1)[e] += step
    return [*values[:k], moved, *values[k + 1:]]


def _device_value(value: Any, device: pb.Device) -> Any:
    if isinstance(value, Layout):
        value = value.host()
    if isinstance(value, np.ndarray):
        return pb.tensor(np.ascontiguousarray(value), device=device)
    if isinstance(value, list):
        return [_device_value(v, device) for v in value]
    return value


def _wide(value: Any) -> Any:
    """Reference inputs: floats in float64, integers and bool as they are."""
    if isinstance(value, Layout):
        value = value.host()
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return value.astype(np.float64)
    if isinstance(value, list):
        return [_wide(v) for v in value]
    return value


