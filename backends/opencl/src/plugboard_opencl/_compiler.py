"""Building OpenCL programs: one cache keyed by source and device.

Programs are generated per operator family and dtype (see the ``_kernels_*``
modules), compiled the first time they are needed, and kept for the life of
the process. PoCL compiles each program with LLVM (a fraction of a second),
and each kernel again at its first launch, so the number of distinct programs
is kept small: one holds every kernel of its family for one dtype.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pyopencl as cl

from ._errors import OpenCLBuildError

__all__ = ["BUILD_OPTIONS", "Kernel", "ProgramCache"]

# Division and square root correctly rounded, as IEEE and NumPy compute them.
BUILD_OPTIONS = ("-cl-fp32-correctly-rounded-divide-sqrt",)


class Kernel:
    """A kernel with its scalar argument types set, ready to launch."""

    __slots__ = ("kernel", "name")

    def __init__(self, kernel: Any, name: str, scalar_types: list[Any]):
        self.kernel = kernel
        self.name = name
        kernel.set_scalar_arg_dtypes(scalar_types)

    def __call__(self, queue: Any, global_size: tuple[int, ...],
                 local_size: tuple[int, ...] | None, *args: Any) -> Any:
        return self.kernel(queue, global_size, local_size, *args)


class ProgramCache:
    """Built programs of one context, by (source, device); their kernels by name."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._programs: dict[tuple[str, int], Any] = {}
        self._kernels: dict[tuple[int, str], Kernel] = {}

    def __len__(self) -> int:
        return len(self._programs)

    def program(self, source: str, context: Any, device: Any, what: str) -> Any:
        """The built program for ``source`` on ``device``; ``what`` names it in errors."""
        key = (source, device.int_ptr)
        with self._lock:
            program = self._programs.get(key)
        if program is not None:
            return program
        program = cl.Program(context, source)
        try:
            program.build(options=list(BUILD_OPTIONS), devices=[device])
        except cl.Error as error:
            log = _build_log(program, device) or str(error)
            raise OpenCLBuildError(
                f"the OpenCL program for {what} failed to build on {device.name.strip()}: "
                f"{_last_error_line(log)}. The compiler log is in the error's .log",
                log=log,
            ) from error
        with self._lock:
            return self._programs.setdefault(key, program)

    def kernel(self, program: Any, name: str, scalar_types: list[Any]) -> Kernel:
        key = (id(program), name)
        with self._lock:
            kernel = self._kernels.get(key)
            if kernel is None:
                kernel = Kernel(cl.Kernel(program, name), name, scalar_types)
                self._kernels[key] = kernel
            return kernel


def _build_log(program: Any, device: Any) -> str:
    try:
        return str(program.get_build_info(device, cl.program_build_info.LOG)).strip()
    except cl.Error:
        return ""


def _last_error_line(log: str) -> str:
    errors = [line.strip() for line in log.splitlines() if "error" in line.lower()]
    return (errors[0] if errors else log.strip().splitlines()[-1] if log.strip() else "")[:300]


def scalar(dtype: np.dtype[Any] | type[Any]) -> Any:
    """A NumPy scalar type for set_scalar_arg_dtypes."""
    return np.dtype(dtype)
