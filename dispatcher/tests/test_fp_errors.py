"""plugboard._core.fp_errors: NumPy's floating-point errors ignored around host kernels."""

from __future__ import annotations

import threading
import warnings

import numpy as np
import pytest

from plugboard.backend import ignore_fp_errors


def _divide_by_zero() -> np.ndarray:
    return np.divide(np.ones(3, np.float32), np.zeros(3, np.float32))


def test_the_body_computes_inf_without_a_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with ignore_fp_errors():
            result = _divide_by_zero()
            assert np.geterr() == {"divide": "ignore", "over": "ignore", "under": "ignore",
                                   "invalid": "ignore"}
    assert np.isinf(result).all()


def test_the_state_before_comes_back_after_the_body_even_when_it_raises() -> None:
    with np.errstate(divide="raise", over="warn"):
        before = np.geterr()
        with pytest.raises(KeyError), ignore_fp_errors():
            raise KeyError("inside")
        assert np.geterr() == before
        with pytest.raises(FloatingPointError):
            _divide_by_zero()


def test_entries_nest() -> None:
    with np.errstate(all="raise"):
        with ignore_fp_errors():
            with ignore_fp_errors():
                _divide_by_zero()
            _divide_by_zero()  # the outer entry still ignores
        with pytest.raises(FloatingPointError):
            _divide_by_zero()


def test_another_thread_keeps_its_own_state() -> None:
    inside, seen = threading.Event(), threading.Event()
    states: list[dict[str, str]] = []

    def other() -> None:
        inside.wait()
        states.append(np.geterr())
        seen.set()

    with np.errstate(divide="warn"):
        thread = threading.Thread(target=other)
        thread.start()
        with ignore_fp_errors():
            inside.set()
            seen.wait()
        thread.join()
    assert states[0]["divide"] != "ignore"  # not a process-wide np.seterr
