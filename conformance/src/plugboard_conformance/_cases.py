"""Running one case: an operator, a dtype and a variant on the device under test.

For every sample input the case checks the result's values (against the
reference), dtype, shape and device; that the inputs are unchanged; which
kernel ran (native, composite, fallback) and that nothing ran on another
device type. The ``inplace`` and ``out`` variants must agree with the
reference as the functional form does. A few samples of every case run again
with their tensors laid out otherwise (:class:`Placement`: at a storage
offset, permuted, expanded, into a wider ``out=``, in place on a view). The
``errors`` variant checks that bad inputs raise the documented error, before
changing anything. Entries with a ``check`` function (random numbers,
uninitialized memory) have their values judged by it instead of by the
reference, which then only gives the shape.
"""

from __future__ import annotations

import enum
import math
import time
import traceback
import warnings
import zlib
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

import plugboard as pb
from plugboard.library import Path, record_paths

from ._accuracy import Limit, limit_for, scale
from ._checks import Comparison, compare
from ._gradients import BackwardMissing, GradCheck
from ._model import CaseRecord, Outcome, Variant, WorstInput
from ._opdb import ErrorSample, Layout, OpInfo, Sample
from ._timeout import CaseTimeout


@dataclass(frozen=True)
class CaseSpec:
    info: OpInfo
    dtype: pb.DType | None  # None for the errors variant
    variant: Variant

    @property
    def id(self) -> str:
        dtype = self.dtype.name if self.dtype is not None else "any"
        return f"{self.info.short_name}.{dtype}.{self.variant.value}"

    @property
    def dtype_name(self) -> str:
        return self.dtype.name if self.dtype is not None else "-"


class _Unsupported(Exception):
    """The backend has no kernel for this case (KernelNotFoundError)."""


def _to_device(value: Any, device: pb.Device) -> Any:
    if isinstance(value, Layout):
        base = pb.tensor(value.base, device=device)
        return base.T if value.view == "T" else base[::2]
    if isinstance(value, np.ndarray):
        return pb.tensor(value, device=device)
    if isinstance(value, list) and any(isinstance(v, (np.ndarray, Layout)) for v in value):
        return [_to_device(v, device) for v in value]  # a Tensor[] argument (cat, stack)
    return value


# Layouts a user can make. Besides the layouts in the samples themselves (transposes,
# [::2] steps, broadcasts), each case runs a few samples again with their tensors laid out
# otherwise, the values unchanged (the first suitable sample for each layout):
#
#   at an offset  every input OFFSET elements into a larger storage; out= too, with its
#                 dimensions reversed in memory (first sample with data, first with a matrix)
#   permuted      every input of two or more dimensions a permuted view of a contiguous
#                 tensor: dim 0 innermost in memory, the other dims in order (reversed for a
#                 matrix, a rotation that is not a reversal for 3-d and more)
#   expanded      one input an expand() of its first row along dim 0 (stride 0); the
#                 reference sees the repeated values
#   wider out=    out= of the widest dtype of the result's kind (float64, int64), at an
#                 offset and non-contiguous: the core casts the result into it with copy_
#   in place on a view   the in-place target a transposed, strided view of a larger
#                 tensor whose other elements must stay unchanged
#
# Negative strides are no layout a user can make: the core refuses x[::-1] (flip copies),
# and as_strided takes non-negative strides only.
OFFSET = 3
_PAD = 7


class Placement(enum.Enum):
    """How one run of a sample lays its tensors out on the device (its label's suffix)."""

    SAMPLE = ""  # as the sample says
    OFFSET = f", at storage offset {OFFSET}"
    PERMUTED = ", permuted (dim 0 innermost in memory)"
    EXPANDED = ", expanded (argument {arg} repeats its first row along dim 0, stride 0)"
    WIDER_OUT = ", into a {wide} out= at storage offset {offset}"
    INPLACE_VIEW = ", in place on a transposed, strided view of a larger tensor"


@dataclass(frozen=True)
class _Run:
    sample: Sample  # the host values (for an expanded run, already repeated)
    placement: Placement = Placement.SAMPLE
    arg: int = -1  # EXPANDED: the argument made by expand()
    item: int = -1  # EXPANDED: in a Tensor[] argument (cat, stack), the tensor made so
    wide: tuple[pb.DType, ...] = ()  # WIDER_OUT: the out= dtypes, one per output

    @property
    def label(self) -> str:
        wide = ", ".join(sorted({d.name for d in self.wide}))
        arg = f"{self.arg}[{self.item}]" if self.item >= 0 else str(self.arg)
        return self.sample.name + self.placement.value.format(arg=arg, offset=OFFSET,
                                                              wide=wide)


# Layouts that give another result, not a wrong one, with the reason: those runs are left
# out. No operator is exempt from the wider out= or the in-place view, nor from the
# expanded run for its values: the input expanded is the first with rows (an index that
# must be distinct, as scatter's, never is), and a tie it makes in argmax, max(dim) and
# the like has one right answer, the first index (as PyTorch documents).
_LAYOUT_EXEMPT: dict[str, tuple[frozenset[Placement], str]] = {
    "pb::as_strided": (
        frozenset({Placement.OFFSET, Placement.PERMUTED, Placement.EXPANDED}),
        "addresses its input's storage from the start (PyTorch's semantics), whatever the "
        "input's own layout"),
    "pb::view": (
        frozenset({Placement.PERMUTED, Placement.EXPANDED}),
        "needs strides compatible with the new shape: a permuted or expanded input is "
        "refused, as in PyTorch (reshape copies instead)"),
}


def _exempt(info: OpInfo, placement: Placement) -> bool:
    return placement in _LAYOUT_EXEMPT.get(info.name, (frozenset(), ""))[0]


# out= of a wider dtype of the result's kind: the core allows any cast that does not
# lower the kind (pb.can_cast, as torch.can_cast); floating results widen to float64,
# integer results to int64 (bool has no wider dtype of its kind). A device that does not
# declare float64 widens to float32 where that is wider, else not at all.
_WIDER: dict[pb.DType, tuple[pb.DType, ...]] = {
    pb.float16: (pb.float64, pb.float32), pb.bfloat16: (pb.float64, pb.float32),
    pb.float32: (pb.float64,),
    pb.int8: (pb.int64,), pb.uint8: (pb.int64,), pb.int16: (pb.int64,), pb.int32: (pb.int64,),
}


def _widened(dtype: pb.DType, declared: Collection[str]) -> pb.DType | None:
    """The widest declared dtype of ``dtype``'s kind wider than it, or None."""
    return next((w for w in _WIDER.get(dtype, ()) if w.name in declared), None)


def _at_offset(value: Any, device: pb.Device) -> Any:
    """``value`` on ``device`` as a contiguous view OFFSET elements into its storage."""
    if isinstance(value, np.ndarray):
        flat = np.concatenate([np.full(OFFSET, _PAD).astype(value.dtype), value.reshape(-1)])
        return pb.tensor(flat, device=device)[OFFSET:].view(value.shape)
    if isinstance(value, list) and any(isinstance(v, np.ndarray) for v in value):
        return [_at_offset(v, device) for v in value]
    return _to_device(value, device)


def _memory_order(ndim: int) -> tuple[int, ...]:
    """The permuted layout's dims, outermost first: dim 0 innermost, the others in order."""
    return (*range(1, ndim), 0)


def _permuted(value: Any, device: pb.Device) -> Any:
    """``value`` on ``device``, with two or more dims, as a permuted view of a contiguous
    tensor: the same values, other strides."""
    if isinstance(value, np.ndarray) and value.ndim >= 2:
        order = _memory_order(value.ndim)
        stored = pb.tensor(np.ascontiguousarray(value.transpose(order)), device=device)
        return stored.permute(tuple(int(d) for d in np.argsort(order)))
    if isinstance(value, list) and any(isinstance(v, np.ndarray) for v in value):
        return [_permuted(v, device) for v in value]
    return _to_device(value, device)


def _empty_at_offset(shape: tuple[int, ...], dtype: pb.DType, device: pb.Device) -> pb.Tensor:
    """An out= tensor OFFSET elements into a storage whose other elements must stay PAD;
    with two or more dimensions also non-contiguous (its dimensions reversed in memory)."""
    size = int(np.prod(shape, dtype=np.int64))
    pad = bool(_PAD) if dtype.is_bool else _PAD
    base = pb.full((size + 2 * OFFSET,), pad, dtype=dtype, device=device)
    region = base[OFFSET:OFFSET + size]
    if len(shape) < 2:
        return region.view(shape)
    reversed_dims = tuple(range(len(shape) - 1, -1, -1))
    return region.view(shape[::-1]).permute(reversed_dims)


def _strided_view(value: np.ndarray, device: pb.Device) -> tuple[pb.Tensor, pb.Tensor]:
    """``value`` on ``device`` as every other element of the innermost dim of a PAD-filled
    tensor, with its dims reversed (a transposed, strided view), and that whole tensor."""
    reversed_dims = tuple(range(value.ndim - 1, -1, -1))
    host = np.full((*value.shape[:0:-1], 2 * value.shape[0]), _PAD).astype(value.dtype)
    host[..., ::2] = value.transpose(reversed_dims)
    whole = pb.tensor(host, device=device)
    return whole[..., ::2].permute(reversed_dims), whole


def _arrays(sample: Sample) -> list[np.ndarray]:
    """The sample's tensor inputs given as arrays, those in Tensor[] arguments too."""
    return [a for a in sample.args if isinstance(a, np.ndarray)] + [
        v for a in sample.args if isinstance(a, list) for v in a if isinstance(v, np.ndarray)]


def _offset_kinds(sample: Sample) -> set[str]:
    """"data": a tensor input holds elements; "matrix": one has two or more dimensions."""
    arrays = _arrays(sample)
    kinds = set()
    if any(a.size for a in arrays):
        kinds.add("data")
    if any(a.size and a.ndim >= 2 for a in arrays):
        kinds.add("matrix")
    return kinds


def _permutes(sample: Sample) -> bool:
    """Whether permuting the sample's inputs changes a layout: two dims of more than one."""
    return any(sum(n > 1 for n in a.shape) >= 2 for a in _arrays(sample))


def _expandable(sample: Sample, variant: Variant, ndim: int) -> tuple[int, int]:
    """The first argument with ``ndim`` or more dims and rows to repeat (not an in-place
    target, which must not repeat its elements), and its index in a Tensor[] argument
    (-1 for a plain one); ``(-1, -1)`` if none."""
    def suits(a: Any) -> bool:
        return isinstance(a, np.ndarray) and a.ndim >= ndim and a.size > 0 and a.shape[0] >= 2

    first = 1 if variant is Variant.INPLACE else 0
    for i, a in enumerate(sample.args):
        if i < first:
            continue
        if suits(a):
            return i, -1
        if isinstance(a, list):
            item = next((k for k, v in enumerate(a) if suits(v)), -1)
            if item >= 0:
                return i, item
    return -1, -1


def _expanded_run(sample: Sample, arg: int, item: int) -> _Run:
    def repeated(value: np.ndarray) -> np.ndarray:
        rows: np.ndarray = np.broadcast_to(value[:1], value.shape).copy()
        return rows

    value = sample.args[arg]
    if item >= 0:
        value = [repeated(v) if k == item else v for k, v in enumerate(value)]
    else:
        value = repeated(value)
    args = (*sample.args[:arg], value, *sample.args[arg + 1:])
    return _Run(replace(sample, args=args), Placement.EXPANDED, arg, item)


def _layout_runs(info: OpInfo, variant: Variant, samples: list[Sample]) -> list[_Run]:
    """Every sample as it is, each followed by the layouts it is the first to suit."""
    extra: dict[int, list[_Run]] = {}
    # At an offset: the first sample with data, and the first with a matrix or more
    # (its out= is then non-contiguous too).
    wanted = {"data", "matrix"} if not _exempt(info, Placement.OFFSET) else set()
    for i, sample in enumerate(samples):
        kinds = _offset_kinds(sample) & wanted
        if kinds:
            extra.setdefault(i, []).append(_Run(sample, Placement.OFFSET))
            wanted -= {next(iter(sorted(kinds)))}
    permuted = next((i for i, s in enumerate(samples) if _permutes(s)), None)
    if permuted is not None and not _exempt(info, Placement.PERMUTED):
        extra.setdefault(permuted, []).append(_Run(samples[permuted], Placement.PERMUTED))
    if not _exempt(info, Placement.EXPANDED):
        # A matrix or more (the other dims keep their values), else a vector.
        for ndim in (2, 1):
            found = next(((i, a) for i, s in enumerate(samples)
                          if (a := _expandable(s, variant, ndim))[0] >= 0), None)
            if found is not None:
                i, (arg, item) = found
                extra.setdefault(i, []).append(_expanded_run(samples[i], arg, item))
                break
    if variant is Variant.INPLACE:
        view = next((i for i, s in enumerate(samples) if s.args
                     and isinstance(s.args[0], np.ndarray) and s.args[0].ndim >= 2
                     and s.args[0].size), None)
        if view is not None:
            extra.setdefault(view, []).append(_Run(samples[view], Placement.INPLACE_VIEW))
    return [run for i, sample in enumerate(samples)
            for run in (_Run(sample), *extra.get(i, ()))]


def _host(value: Any) -> Any:
    if isinstance(value, list):
        return [_host(v) for v in value]
    return value.host() if isinstance(value, Layout) else value


def _wide(value: Any) -> Any:
    """Reference inputs: floats in float64, integers and bool exactly as they are."""
    if isinstance(value, np.ndarray) and value.dtype.kind not in "biu":
        return value.astype(np.float64)
    if isinstance(value, list):
        return [_wide(v) for v in value]
    return value


def _reference(info: OpInfo, sample: Sample) -> np.ndarray | tuple[np.ndarray, ...]:
    args = [_wide(_host(a)) for a in sample.args]
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # e.g. the mean of an empty slice
        result = info.reference(*args, **sample.kwargs)
    if isinstance(result, tuple):  # an operator with several outputs (values, indices)
        return tuple(np.asarray(r) for r in result)
    return np.asarray(result)


@dataclass
class _Errors:
    """A case's error statistics across its samples, beyond the record's maxima."""

    limit: Limit
    ulp_sum: float = 0.0
    ulp_count: int = 0
    worst_failed: bool = False  # the record's worst element is beyond the limit


def _inputs_at(sample: Sample, shape: tuple[int, ...], index: tuple[int, ...]
               ) -> list[float] | None:
    """An element-wise operator's input values at ``index`` of its result, or None when
    an input does not broadcast to the result."""
    values = []
    for arg in sample.args:
        host = _host(arg)
        if isinstance(host, np.ndarray):
            try:
                values.append(float(np.broadcast_to(host, shape)[index]))
            except ValueError:
                return None
        elif isinstance(host, (bool, int, float)):
            values.append(float(host))
    return values


def _output_dtypes(
    expected: tuple[np.ndarray, ...], dtype: pb.DType | tuple[pb.DType, ...]
) -> tuple[pb.DType, ...]:
    return dtype if isinstance(dtype, tuple) else (dtype,) * len(expected)


def _outputs(expected: np.ndarray | tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    return expected if isinstance(expected, tuple) else (expected,)


def _wider_out(expected: np.ndarray | tuple[np.ndarray, ...],
               dtype: pb.DType | tuple[pb.DType, ...],
               declared: Collection[str]) -> tuple[pb.DType, ...]:
    """out= dtypes wider than the result's, one per output, if the result holds elements
    and one of its dtypes has a wider one of its kind among the ``declared``; else ()."""
    dtypes = _output_dtypes(_outputs(expected), dtype)
    wider = [_widened(d, declared) for d in dtypes]
    if all(w is None for w in wider) or not all(e.size for e in _outputs(expected)):
        return ()
    return tuple(d if w is None else w for d, w in zip(dtypes, wider, strict=True))


def _narrowed(values: np.ndarray, dtype: pb.DType) -> tuple[np.ndarray, str]:
    """Values read from a wider out= as ``dtype`` values, and what is wrong if one is
    none (a cast that widened them wrongly: not sign-extended, rounded, ...)."""
    with np.errstate(all="ignore"):
        narrow = values.astype(dtype.numpy)
        back = narrow.astype(values.dtype)
    wrong = back != values
    if dtype.is_floating_point:
        wrong &= ~(np.isnan(back) & np.isnan(values))
    if not wrong.any():
        return narrow, ""
    i = tuple(int(v) for v in np.argwhere(wrong)[0])
    return narrow, (f"{int(wrong.sum())} value(s) of the {values.dtype} out= are not "
                    f"{dtype} values widened exactly; first at {i}: {values[i]!r}")


class CaseRunner:
    """Runs the cases of one backend and device."""

    def __init__(self, device: pb.Device, seed: int = 0):
        self.device = device
        self.seed = seed
        self.device_type = device.type
        # The operators each case's operator called beneath it (op, dtype, variant) -> names:
        # a composite's failure is blamed on a failing primitive it ran.
        self.called: dict[tuple[str, str, str], set[str]] = {}
        self.declared_dtypes = {d.name for d in pb.device_properties(device).dtypes}

    def _declares(self, sample: Sample) -> bool:
        """Whether every dtype ``sample`` names as an argument is one the device declares."""
        named = [v for v in (*sample.args, *sample.kwargs.values()) if isinstance(v, pb.DType)]
        return all(d.name in self.declared_dtypes for d in named)

    def run(self, spec: CaseSpec) -> CaseRecord:
        record = CaseRecord(op=spec.info.name, dtype=spec.dtype_name, variant=spec.variant.value,
                            outcome=Outcome.PASS.value)
        self._current_calls: set[str] = set()
        self.called[(record.op, record.dtype, record.variant)] = self._current_calls
        start = time.perf_counter()
        try:
            if spec.variant is Variant.ERRORS:
                self._run_errors(spec, record)
            elif spec.variant is Variant.GRAD:
                self._run_grad(spec, record)
            else:
                self._run_values(spec, record)
        except _Unsupported as unsupported:
            record.outcome = Outcome.UNSUPPORTED.value
            record.declared = False
            record.message = str(unsupported)
        except CaseTimeout as timeout:
            record.outcome = Outcome.ERROR.value
            record.message = str(timeout)
            record.traceback = "".join(traceback.format_exception(timeout)).strip()
        except Exception as error:  # the case broke: an unexpected exception
            record.outcome = Outcome.ERROR.value
            record.message = f"{type(error).__name__}: {error}"
            # The kernel's own frames: where a vendor starts looking.
            record.traceback = "".join(traceback.format_exception(error)).strip()
        record.time_s = time.perf_counter() - start
        if spec.dtype is not None and spec.dtype.name not in self.declared_dtypes:
            self._undeclared_device_dtype(record)
        return record

    def _undeclared_device_dtype(self, record: CaseRecord) -> None:
        if record.outcome == Outcome.PASS.value:
            record.declared = False
            record.message = (
                f"passes, but the device does not declare {record.dtype} in its properties"
            )
        else:
            record.outcome = Outcome.SKIPPED.value
            record.message = f"the device does not declare {record.dtype}"

    # Values ------------------------------------------------------------------------
    def _run_values(self, spec: CaseSpec, record: CaseRecord) -> None:
        info, dtype, variant = spec.info, spec.dtype, spec.variant
        assert dtype is not None
        # Every run draws a case's inputs from its id; --seed draws other ones.
        case_seed = zlib.crc32(spec.id.encode())
        rng = np.random.default_rng([self.seed, case_seed] if self.seed else case_seed)
        errors = _Errors(limit_for(info.name))
        paths: Counter[str] = Counter()
        problems: list[str] = []
        samples = list(info.samples(dtype, rng))
        if dtype.name in self.declared_dtypes:
            # A sample that asks for a dtype the device does not declare (dtype=pb.float64
            # on a device without float64) does not apply to it; a case of an undeclared
            # dtype keeps them all (and is reported as such).
            samples = [s for s in samples if self._declares(s)]
        # References by sample, for its runs in other layouts too (the values are the same).
        references = {id(s): (_reference(info, s), info.result_dtype(dtype, s)) for s in samples}
        if variant is Variant.INPLACE:
            samples = [s for s in samples if self._inplace_applies(s, *references[id(s)], dtype)]
        pending = _layout_runs(info, variant, samples)
        # A wider out=: after the first sample with a matrix result, else (wide_later)
        # after the last sample, for the first with a result holding elements.
        widened = variant is not Variant.OUT or info.check is not None
        wide_later: _Run | None = None
        while pending or wide_later is not None:
            if not pending:
                assert wide_later is not None
                pending, wide_later = [wide_later], None
            run = pending.pop(0)
            sample = run.sample
            if run.placement is Placement.EXPANDED:  # other values: the repeated rows
                expected = _reference(info, sample)
                result_dtype = info.result_dtype(dtype, sample)
            else:
                expected, result_dtype = references[id(sample)]
            result, path, elsewhere, changed, untouched = self._call(info, run, variant,
                                                                     expected, result_dtype)
            record.samples += 1
            if path is not None:
                paths[path] += 1
            label = run.label
            if elsewhere:
                problems.append(f"{label}: ran on {', '.join(sorted(elsewhere))}, not on "
                                f"{self.device_type}")
            if changed:
                problems.append(f"{label}: the operator changed its input(s) {changed}")
            if untouched:
                problems.append(f"{label}: {untouched}")
            written: pb.DType | tuple[pb.DType, ...] | None = None  # a wider out='s dtype(s)
            if run.wide:
                written = run.wide if isinstance(expected, tuple) else run.wide[0]
            problem = self._check_result(result, expected, result_dtype, errors, record,
                                         label, info, sample, out_dtype=written)
            if problem:
                problems.append(f"{label}: {problem}")
            if not widened and run.placement is Placement.SAMPLE:
                wide = _wider_out(expected, result_dtype, self.declared_dtypes)
                if wide:
                    wider = _Run(sample, Placement.WIDER_OUT, wide=wide)
                    # A matrix result makes the out= non-contiguous too.
                    if all(e.ndim >= 2 for e in _outputs(expected)):
                        pending.insert(0, wider)
                        widened, wide_later = True, None
                    elif wide_later is None:
                        wide_later = wider
        if errors.ulp_count:
            record.mean_ulp_error = errors.ulp_sum / errors.ulp_count
        if record.max_ulp_error is not None:
            record.limit = errors.limit.describe()
        record.path = paths.most_common(1)[0][0] if paths else None
        record.declared = True
        if problems:
            record.outcome = Outcome.FAIL.value
            record.message = "; ".join(problems[:5]) + (
                f"; and {len(problems) - 5} more" if len(problems) > 5 else ""
            )

    def _inplace_applies(
        self, sample: Sample, expected: np.ndarray | tuple[np.ndarray, ...],
        result_dtype: pb.DType | tuple[pb.DType, ...], dtype: pb.DType,
    ) -> bool:
        first = _host(sample.args[0]) if sample.args else None
        return (
            isinstance(first, np.ndarray)
            and not isinstance(expected, tuple)
            and first.shape == expected.shape
            and result_dtype is dtype
        )

    def _call(
        self, info: OpInfo, run: _Run, variant: Variant,
        expected: np.ndarray | tuple[np.ndarray, ...],
        result_dtype: pb.DType | tuple[pb.DType, ...],
    ) -> tuple[Any, str | None, set[str], list[int], str]:
        """Call the operator on ``run``'s sample laid out as it says: the result, the path
        it took, the other devices it ran on, the inputs it changed, and what it wrote
        outside its in-place target."""
        sample, placement = run.sample, run.placement
        if placement is Placement.OFFSET:
            args = [_at_offset(a, self.device) for a in sample.args]
        elif placement is Placement.PERMUTED:
            args = [_permuted(a, self.device) for a in sample.args]
        else:
            args = [_to_device(a, self.device) for a in sample.args]
        if placement is Placement.EXPANDED:
            def expanded(repeated: np.ndarray) -> pb.Tensor:
                return pb.tensor(repeated[:1], device=self.device).expand(repeated.shape)

            if run.item >= 0:
                args[run.arg][run.item] = expanded(sample.args[run.arg][run.item])
            else:
                args[run.arg] = expanded(sample.args[run.arg])
        whole = None
        if placement is Placement.INPLACE_VIEW:
            args[0], whole = _strided_view(sample.args[0], self.device)
        kwargs = dict(sample.kwargs)
        if info.creation:
            kwargs["device"] = self.device
        inputs = [(i, a) for i, a in enumerate(args) if isinstance(a, pb.Tensor)]
        before = [a.numpy().tobytes() for _, a in inputs]
        with record_paths() as records:
            try:
                if variant is Variant.FUNCTIONAL:
                    result = info.call(*args, **kwargs)
                elif variant is Variant.INPLACE:
                    result = getattr(args[0], info.short_name + "_")(*args[1:], **kwargs)
                    if result is not args[0]:
                        raise AssertionError("the in-place form did not return its input")
                else:
                    result = self._call_out(info, args, kwargs, run, expected, result_dtype)
            except pb.KernelNotFoundError as missing:
                raise _Unsupported(str(missing).splitlines()[0]) from None
            finally:
                # What it called, even when it broke: a composite's errors are blamed too.
                self._current_calls.update(r[0] for r in records if r[0] != info.name)
        top = next((r for r in records if r[0] == info.name), None)
        path = top[2].value if top is not None else None
        if top is not None and top[2] is Path.META:
            path = None
        elsewhere = {device for _, device, _, _ in records if device != self.device_type}
        skip = 0 if variant is Variant.INPLACE else -1  # the in-place target changes by design
        changed = [
            i for (i, a), old in zip(inputs, before, strict=True)
            if i != skip and a.numpy().tobytes() != old
        ]
        untouched = ""
        if whole is not None:
            outside = whole.numpy()[..., 1::2]
            overwritten = int((outside != np.array(_PAD).astype(outside.dtype)).sum())
            if overwritten:
                untouched = (f"wrote {overwritten} element(s) of the larger tensor outside "
                             "the view")
        return result, path, elsewhere, changed, untouched

    def _call_out(
        self, info: OpInfo, args: list[Any], kwargs: dict[str, Any], run: _Run,
        expected: np.ndarray | tuple[np.ndarray, ...],
        result_dtype: pb.DType | tuple[pb.DType, ...],
    ) -> Any:
        """The out= form, into new tensors (at an offset and strided, as ``run`` says)."""
        placed = run.placement in (Placement.OFFSET, Placement.WIDER_OUT)
        empty = (_empty_at_offset if placed else
                 lambda s, d, device: pb.empty(s, dtype=d, device=device))
        dtypes = run.wide or _output_dtypes(_outputs(expected), result_dtype)
        out: Any = tuple(empty(e.shape, d, self.device)
                         for e, d in zip(_outputs(expected), dtypes, strict=True))
        if not isinstance(expected, tuple):
            out = out[0]
        result = info.call(*args, **kwargs, out=out)
        # Several outputs come back as a named tuple of the out= tensors.
        same_tensors = (
            isinstance(out, tuple) and isinstance(result, tuple)
            and len(result) == len(out)
            and all(r is o for r, o in zip(result, out, strict=True))
        )
        if result is not out and not same_tensors:
            raise AssertionError("the out= form did not return out")
        return result

    def _check_result(
        self, result: Any, expected: np.ndarray | tuple[np.ndarray, ...],
        dtype: pb.DType | tuple[pb.DType, ...],
        errors: _Errors, record: CaseRecord, label: str, info: OpInfo, sample: Sample,
        output: int | None = None, out_dtype: pb.DType | tuple[pb.DType, ...] | None = None,
    ) -> str:
        """What is wrong with ``result`` (of ``dtype``, written into tensors of
        ``out_dtype`` when that is wider), or ""."""
        if isinstance(expected, tuple):
            # Several outputs: each is checked like a single one.
            if not isinstance(result, tuple) or len(result) != len(expected):
                return f"returned {type(result).__name__}, not {len(expected)} tensors"
            dtypes = _output_dtypes(expected, dtype)
            written = out_dtype if isinstance(out_dtype, tuple) else dtypes
            for i, (r, e, d, o) in enumerate(
                zip(result, expected, dtypes, written, strict=True)
            ):
                problem = self._check_result(r, e, d, errors, record, label, info, sample, i,
                                             out_dtype=o)
                if problem:
                    return f"output {i}: {problem}"
            return ""
        assert not isinstance(dtype, tuple) and not isinstance(out_dtype, tuple)
        written_dtype = out_dtype or dtype
        if not isinstance(result, pb.Tensor):
            return f"returned {type(result).__name__}, not a Tensor"
        if result.device != self.device:
            return f"the result is on {result.device}, expected {self.device}"
        if result.dtype is not written_dtype:
            return f"the result dtype is {result.dtype}, expected {written_dtype}"
        if result.shape != expected.shape:
            return f"the result shape is {result.shape}, expected {expected.shape}"
        if info.check is not None and output is None:
            return info.check(result.numpy(), sample)
        values = result.numpy()
        if written_dtype is not dtype:
            values, problem = _narrowed(values, dtype)
            if problem:
                return problem
        magnitude: np.ndarray | float = 0.0
        terms = 1
        if dtype.is_floating_point:
            magnitude, terms = scale(errors.limit, info.reference,
                                     [_wide(_host(a)) for a in sample.args], sample.kwargs,
                                     expected)
        comparison = compare(values, expected, dtype, errors.limit, magnitude, terms)
        self._record_errors(comparison, errors, record, label, sample, expected.shape,
                            output or 0)
        for field in ("max_abs", "max_rel", "max_ulp"):
            value = getattr(comparison, field)
            current = getattr(record, field + "_error")
            if value is not None and not math.isfinite(value):
                value = None  # JSON has no inf or NaN; the failure message says what happened
            if value is not None and (current is None or value > current):
                setattr(record, field + "_error", value)
        return comparison.problem

    def _record_errors(
        self, comparison: Comparison, errors: _Errors, record: CaseRecord, label: str,
        sample: Sample, shape: tuple[int, ...], output: int,
    ) -> None:
        """Add one comparison to the mean ULP error and keep the worst element: the one
        with the largest ULP error, among those beyond the limit once there are any."""
        errors.ulp_sum += comparison.ulp_sum
        errors.ulp_count += comparison.ulp_count
        worst = comparison.worst
        if worst is None or not math.isfinite(worst.ulp):
            return
        failed = not comparison.ok
        current = record.worst
        if current is not None and (errors.worst_failed, current.ulp_error) >= (failed,
                                                                              worst.ulp):
            return
        inputs = (_inputs_at(sample, shape, worst.index) if errors.limit.elementwise
                  else None)
        if inputs is not None and not all(math.isfinite(v) for v in inputs):
            inputs = None  # JSON has no inf or NaN
        record.worst = WorstInput(label, list(worst.index), worst.got, worst.expected,
                                  worst.ulp, inputs, output)
        record.worst_input = label
        errors.worst_failed = failed

    # Gradients ---------------------------------------------------------------------
    def _run_grad(self, spec: CaseSpec, record: CaseRecord) -> None:
        assert spec.dtype is not None
        case_seed = zlib.crc32(spec.id.encode())
        rng = np.random.default_rng([self.seed, case_seed] if self.seed else case_seed)
        check = GradCheck(spec.info, spec.dtype, self.device, rng, self._current_calls)
        try:
            problems = check.run(record)
        except pb.KernelNotFoundError as missing:  # the forward call, as in other variants
            raise _Unsupported(str(missing).splitlines()[0]) from None
        except BackwardMissing as missing:  # forward ran: autograd cannot differentiate here
            problems = [f"backward needs an operator the backend lacks: {missing}"]
        record.declared = True
        if problems:
            record.outcome = Outcome.FAIL.value
            record.message = "; ".join(problems[:5]) + (
                f"; and {len(problems) - 5} more" if len(problems) > 5 else "")

    # Errors ------------------------------------------------------------------------
    def _run_errors(self, spec: CaseSpec, record: CaseRecord) -> None:
        assert spec.info.errors is not None
        problems = []
        for sample in spec.info.errors():
            problem = self._check_error(spec.info, sample)
            record.samples += 1
            if problem:
                problems.append(f"{sample.name}: {problem}")
        if problems:
            record.outcome = Outcome.FAIL.value
            record.message = "; ".join(problems)

    def _check_error(self, info: OpInfo, sample: ErrorSample) -> str:
        args = [_to_device(a, self.device) for a in sample.args]
        kwargs = dict(sample.kwargs)
        if info.creation:
            kwargs["device"] = self.device
        tensors = [a for a in args if isinstance(a, pb.Tensor)]
        before = [t.numpy().tobytes() for t in tensors]
        try:
            info.call(*args, **kwargs)
        except sample.error as error:
            if sample.match not in str(error):
                return f"raised {type(error).__name__} without {sample.match!r}: {error}"
            if not isinstance(error, pb.PlugboardError):
                return f"raised {type(error).__name__}, not a plugboard error"
        except Exception as error:
            return f"raised {type(error).__name__} ({error}), expected {sample.error.__name__}"
        else:
            return f"raised nothing, expected {sample.error.__name__}"
        if [t.numpy().tobytes() for t in tensors] != before:
            return "an input changed although the call failed"
        return ""


def blame_composites(records: list[CaseRecord], called: dict[tuple[str, str, str], set[str]]
                     ) -> None:
    """Say which failing operator beneath a failing composite case made it fail.

    A composite computes with other operators; when one of them fails its own cases
    in the same dtype, the composite's failure is most likely that one's: the message
    names it, so the report points at the kernel that is wrong.
    """
    failing = {(r.op, r.dtype) for r in records
               if r.outcome in (Outcome.FAIL.value, Outcome.ERROR.value)}
    for r in records:
        if r.outcome not in (Outcome.FAIL.value, Outcome.ERROR.value) or r.path == "native":
            continue
        culprits = sorted(op for op in called.get((r.op, r.dtype, r.variant), ())
                          if (op, r.dtype) in failing)
        if culprits:
            r.message = (f"composite: fails through {', '.join(culprits)} beneath it, which "
                         f"fail(s) their own cases; {r.message}")
