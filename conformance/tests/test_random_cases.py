"""The statistical cases of rand, randn and randint catch faulty random kernels."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import plugboard as pb
from plugboard.testing import host_backend_source, installed_plugins
from plugboard_conformance import _opdb_creation
from plugboard_conformance._cases import CaseRunner, CaseSpec
from plugboard_conformance._model import Outcome, Variant
from plugboard_conformance._opdb import by_name

# Every CPU kernel, except the random ones, which have one defect each.
FAULTY_RANDOM = '''
import numpy as np
import plugboard as pb
from plugboard.backend import host_array, philox_reserve, philox_words
from plugboard_cpu._plugin import KERNEL_MODULES

RANDOM = {"rand", "randn", "randint"}

def _rand_ignores_the_seed(size, generator, dtype, device, *, out):
    philox_reserve(generator, out.device, out.numel())
    host_array(out)[...] = np.random.default_rng().random(out.shape)

def _randn_too_wide(size, generator, dtype, device, *, out):
    state = philox_reserve(generator, out.device, 2 * out.numel())
    words = philox_words(state, 2 * out.numel()).astype(np.float64) / 2.0**32
    u1, u2 = 1 - words[0::2], words[1::2]
    normal = 1.5 * np.sqrt(-2 * np.log(u1)) * np.cos(2 * np.pi * u2)
    host_array(out)[...] = normal.reshape(out.shape)

def _randint_never_advances(low, high, size, generator, dtype, device, *, out):
    seed = (generator.initial_seed() if generator is not None else 0)
    words = philox_words(pb.backend.PhiloxState(seed, 0), out.numel()).astype(np.int64)
    np.copyto(host_array(out), (low + words % (high - low)).reshape(out.shape),
              casting="unsafe")

@backend.hookimpl
def plugboard_register_kernels(library):
    for module in KERNEL_MODULES:
        for kernel in module.KERNELS:
            if kernel.op not in RANDOM:
                library.impl(kernel.op, fn=kernel.fn, dtypes=kernel.dtypes, strided=True,
                             mixed_dtypes=kernel.mixed_dtypes)
    floating = [pb.float32, pb.float64]
    library.impl("rand", fn=_rand_ignores_the_seed, dtypes=floating, strided=True)
    library.impl("randn", fn=_randn_too_wide, dtypes=floating, strided=True)
    library.impl("randint", fn=_randint_never_advances, dtypes=[pb.int64], strided=True)
'''


@pytest.fixture
def runner(tmp_path: Path) -> Iterator[CaseRunner]:
    with installed_plugins(tmp_path / "site") as installer:
        # The device type the other faulty backends use: a process has at most 32 backend keys.
        installer.install("faulty", host_backend_source("faulty", "Faulty", FAULTY_RANDOM))
        yield CaseRunner(pb.device("faulty:0"))


@pytest.mark.parametrize(
    ("op", "dtype", "variant", "problem"),
    [
        ("rand", pb.float32, Variant.FUNCTIONAL, "differ between two draws with one seed"),
        ("randn", pb.float64, Variant.OUT, "the variance is 2.2"),
        ("randint", pb.int64, Variant.FUNCTIONAL, "equal between the two draws (next draw"),
    ],
)
def test_a_faulty_random_kernel_fails_its_case(
    runner: CaseRunner, op: str, dtype: pb.DType, variant: Variant, problem: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spec = CaseSpec(by_name()[f"pb::{op}"], dtype, variant)
    record = runner.run(spec)
    assert record.outcome == Outcome.FAIL.value, record.message
    assert "differ from the Philox stream" in (record.message or "")
    # The statistical checks catch the fault by themselves too.
    monkeypatch.setattr(_opdb_creation, "_not_the_stream", lambda *args, **kwargs: "")
    record = runner.run(spec)
    assert record.outcome == Outcome.FAIL.value, record.message
    assert problem in (record.message or "")
    assert record.path == "native"


def test_correct_random_kernels_pass_on_cpu() -> None:
    cpu = CaseRunner(pb.device("cpu"))
    for op, dtype in (("rand", pb.float32), ("randn", pb.float64), ("randint", pb.int64)):
        for variant in (Variant.FUNCTIONAL, Variant.OUT, Variant.ERRORS):
            record = cpu.run(CaseSpec(by_name()[f"pb::{op}"],
                                      None if variant is Variant.ERRORS else dtype, variant))
            assert record.outcome == Outcome.PASS.value, (op, variant, record.message)
