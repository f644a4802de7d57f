"""Running one case: an operator, a dtype and a variant on the device under test.

For every sample input the case checks the result's values (against the
reference), dtype, shape and device; that the inputs are unchanged; which
kernel ran (native, composite, fallback) and that nothing ran on another
device type. The ``inplace`` and ``out`` variants must agree with the
reference as the functional form does. The ``errors`` variant checks that bad
inputs raise the documented error, before changing anything. Entries with a
``check`` function (random numbers, uninitialized memory) have their values
judged by it instead of by the reference, which then only gives the shape.
"""

from __future__ import annotations

import math
import time
import traceback
import warnings
import zlib
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

import plugboard as pb
from plugboard.library import Path, record_paths

from ._accuracy import Limit, limit_for, scale
from ._checks import Comparison, compare
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


# Offset layouts: every tensor input also starts OFFSET elements into a larger storage
# (filled with PAD before it), and out= writes such a view, for the first few samples of
# each case. A kernel that ignores a tensor's storage offset, as x[1:] has one, reads the
# padding or writes over it.
OFFSET = 3
_PAD = 7
# as_strided addresses its input's storage from the start (PyTorch's semantics): an
# offset input gives another result, not a wrong one.
_STORAGE_RELATIVE = frozenset({"pb::as_strided"})


def _at_offset(value: Any, device: pb.Device) -> Any:
    """``value`` on ``device`` as a contiguous view OFFSET elements into its storage."""
    if isinstance(value, np.ndarray):
        flat = np.concatenate([np.full(OFFSET, _PAD).astype(value.dtype), value.reshape(-1)])
        return pb.tensor(flat, device=device)[OFFSET:].view(value.shape)
    if isinstance(value, list) and any(isinstance(v, np.ndarray) for v in value):
        return [_at_offset(v, device) for v in value]
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


def _offset_kinds(sample: Sample) -> set[str]:
    """"data": a tensor input holds elements; "matrix": one has two or more dimensions."""
    arrays = [a for a in sample.args if isinstance(a, np.ndarray)] + [
        v for a in sample.args if isinstance(a, list) for v in a if isinstance(v, np.ndarray)]
    kinds = set()
    if any(a.size for a in arrays):
        kinds.add("data")
    if any(a.size and a.ndim >= 2 for a in arrays):
        kinds.add("matrix")
    return kinds


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


class CaseRunner:
    """Runs the cases of one backend and device."""

    def __init__(self, device: pb.Device):
        self.device = device
        self.device_type = device.type
        # The operators each case's operator called beneath it (op, dtype, variant) -> names:
        # a composite's failure is blamed on a failing primitive it ran.
        self.called: dict[tuple[str, str, str], set[str]] = {}
        self.declared_dtypes = {d.name for d in pb.device_properties(device).dtypes}

    def run(self, spec: CaseSpec) -> CaseRecord:
        record = CaseRecord(op=spec.info.name, dtype=spec.dtype_name, variant=spec.variant.value,
                            outcome=Outcome.PASS.value)
        self._current_calls: set[str] = set()
        self.called[(record.op, record.dtype, record.variant)] = self._current_calls
        start = time.perf_counter()
        try:
            if spec.variant is Variant.ERRORS:
                self._run_errors(spec, record)
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
        rng = np.random.default_rng(zlib.crc32(spec.id.encode()))
        errors = _Errors(limit_for(info.name))
        paths: Counter[str] = Counter()
        problems: list[str] = []
        runs: list[tuple[Sample, bool]] = []
        # At an offset: the first sample with data, and the first with a matrix or more
        # (its out= is then non-contiguous too).
        wanted = {"data", "matrix"} if info.name not in _STORAGE_RELATIVE else set()
        for sample in info.samples(dtype, rng):
            runs.append((sample, False))
            kinds = _offset_kinds(sample) & wanted
            if kinds:
                runs.append((sample, True))
                wanted -= {next(iter(sorted(kinds)))}
        for sample, at_offset in runs:
            expected = _reference(info, sample)
            result_dtype = info.result_dtype(dtype, sample)
            if variant is Variant.INPLACE and not self._inplace_applies(sample, expected,
                                                                          result_dtype, dtype):
                continue
            result, path, elsewhere, changed = self._call(info, sample, variant, expected,
                                                          result_dtype, at_offset)
            record.samples += 1
            if path is not None:
                paths[path] += 1
            label = sample.name + (f", at storage offset {OFFSET}" if at_offset else "")
            if elsewhere:
                problems.append(f"{label}: ran on {', '.join(sorted(elsewhere))}, not on "
                                f"{self.device_type}")
            if changed:
                problems.append(f"{label}: the operator changed its input(s) {changed}")
            problem = self._check_result(result, expected, result_dtype, errors, record,
                                         label, info, sample)
            if problem:
                problems.append(f"{label}: {problem}")
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
        self, info: OpInfo, sample: Sample, variant: Variant,
        expected: np.ndarray | tuple[np.ndarray, ...],
        result_dtype: pb.DType | tuple[pb.DType, ...],
        at_offset: bool = False,
    ) -> tuple[Any, str | None, set[str], list[int]]:
        place = _at_offset if at_offset else _to_device
        args = [place(a, self.device) for a in sample.args]
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
                    out: Any
                    empty = (_empty_at_offset if at_offset else
                             lambda s, d, device: pb.empty(s, dtype=d, device=device))
                    if isinstance(expected, tuple):
                        out = tuple(
                            empty(e.shape, d, self.device)
                            for e, d in zip(expected, _output_dtypes(expected, result_dtype),
                                            strict=True)
                        )
                    else:
                        assert not isinstance(result_dtype, tuple)
                        out = empty(expected.shape, result_dtype, self.device)
                    result = info.call(*args, **kwargs, out=out)
                    # Several outputs come back as a named tuple of the out= tensors.
                    same_tensors = (
                        isinstance(out, tuple) and isinstance(result, tuple)
                        and len(result) == len(out)
                        and all(r is o for r, o in zip(result, out, strict=True))
                    )
                    if result is not out and not same_tensors:
                        raise AssertionError("the out= form did not return out")
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
        return result, path, elsewhere, changed

    def _check_result(
        self, result: Any, expected: np.ndarray | tuple[np.ndarray, ...],
        dtype: pb.DType | tuple[pb.DType, ...],
        errors: _Errors, record: CaseRecord, label: str, info: OpInfo, sample: Sample,
        output: int | None = None,
    ) -> str:
        if isinstance(expected, tuple):
            # Several outputs: each is checked like a single one.
            if not isinstance(result, tuple) or len(result) != len(expected):
                return f"returned {type(result).__name__}, not {len(expected)} tensors"
            for i, (r, e, d) in enumerate(
                zip(result, expected, _output_dtypes(expected, dtype), strict=True)
            ):
                problem = self._check_result(r, e, d, errors, record, label, info, sample, i)
                if problem:
                    return f"output {i}: {problem}"
            return ""
        assert not isinstance(dtype, tuple)
        if not isinstance(result, pb.Tensor):
            return f"returned {type(result).__name__}, not a Tensor"
        if result.device != self.device:
            return f"the result is on {result.device}, expected {self.device}"
        if result.dtype is not dtype:
            return f"the result dtype is {result.dtype}, expected {dtype}"
        if result.shape != expected.shape:
            return f"the result shape is {result.shape}, expected {expected.shape}"
        if info.check is not None and output is None:
            return info.check(result.numpy(), sample)
        magnitude: np.ndarray | float = 0.0
        terms = 1
        if dtype.is_floating_point:
            magnitude, terms = scale(errors.limit, info.reference,
                                     [_wide(_host(a)) for a in sample.args], sample.kwargs,
                                     expected)
        comparison = compare(result.numpy(), expected, dtype, errors.limit, magnitude, terms)
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
