"""Tests for devices: parsing, normalisation, comparison, errors, listing."""

from __future__ import annotations

import copy
import pickle
import subprocess
import sys

import pytest

import plugboard as pb

# Device strings and what they normalise to.
VALID = [
    ("cpu", "cpu", 0),
    ("cpu:0", "cpu", 0),
    ("cpu:1", "cpu", 1),  # parses; whether cpu:1 exists is checked on use
    ("cpu:12", "cpu", 12),
    ("meta", "meta", 0),
]


@pytest.mark.parametrize(("spec", "type_", "index"), VALID)
def test_parse_type_and_index(spec: str, type_: str, index: int) -> None:
    d = pb.device(spec)
    assert isinstance(d, pb.Device)
    assert (d.type, d.index) == (type_, index)
    assert str(d) == f"{type_}:{index}"
    assert repr(d) == f"device('{type_}:{index}')"


def test_cpu_and_cpu0_are_the_same_device() -> None:
    a, b = pb.device("cpu"), pb.device("cpu:0")
    assert a == b
    assert not a != b  # noqa: SIM202 - __ne__ is under test
    assert hash(a) == hash(b)
    assert len({a, b}) == 1
    assert {a: "x"}[b] == "x"


def test_device_with_separate_index() -> None:
    assert pb.device("cpu", 0) == pb.device("cpu:0")
    assert pb.device("cpu", 1).index == 1
    assert pb.Device("cpu", 0) == pb.device("cpu")


def test_device_of_a_device_is_itself() -> None:
    d = pb.device("cpu")
    assert pb.device(d) is d
    assert pb.device(d, 0) is d


@pytest.mark.parametrize(
    ("spec", "index"),
    [("cpu:0", 1), ("cpu:0", 0), ("cpu", -1), ("cpu", True), ("cpu", 1.0), ("cpu", "1")],
)
def test_bad_separate_index_raises(spec: str, index: object) -> None:
    with pytest.raises(pb.DeviceError) as info:
        pb.device(spec, index)  # type: ignore[arg-type]
    assert isinstance(info.value, pb.PlugboardError)
    assert isinstance(info.value, ValueError)


def test_a_device_with_another_index_raises() -> None:
    with pytest.raises(pb.DeviceError, match="already has index 0"):
        pb.device(pb.device("cpu"), 1)


@pytest.mark.parametrize("other", ["cpu", "cpu:0", pb.device("cpu:0")])
def test_equality_with_devices_and_strings(other: object) -> None:
    d = pb.device("cpu")
    assert d == other
    assert other == d
    assert not d != other  # noqa: SIM202 - __ne__ is under test


@pytest.mark.parametrize(
    "other", ["cpu:1", pb.device("cpu:1"), "meta", "cdua", "cpu:x", "", 0, None]
)
def test_inequality(other: object) -> None:
    d = pb.device("cpu")
    assert d != other
    assert not d == other  # noqa: SIM201 - __eq__ is under test


def test_devices_with_different_indices_hash_apart_in_a_set() -> None:
    assert len({pb.device("cpu:0"), pb.device("cpu:1"), pb.device("cpu")}) == 2


@pytest.mark.parametrize("spec", ["cpu", "cpu:0", "cpu:3", "meta"])
def test_pickle_and_copy_round_trip(spec: str) -> None:
    d = pb.device(spec)
    for restored in (pickle.loads(pickle.dumps(d)), copy.copy(d), copy.deepcopy(d)):
        assert restored == d
        assert (restored.type, restored.index) == (d.type, d.index)
        assert hash(restored) == hash(d)


def test_device_is_immutable() -> None:
    d = pb.device("cpu")
    with pytest.raises(AttributeError):
        d.index = 1  # type: ignore[misc]
    with pytest.raises(AttributeError):
        d.type = "meta"  # type: ignore[misc]
    assert (d.type, d.index) == ("cpu", 0)


@pytest.mark.parametrize(
    ("spec", "why"),
    [
        ("cuda:-1", "negative"),
        ("cpu:-1", "negative"),
        ("cuda:x", "'x'"),
        ("cpu:1.5", "'1.5'"),
        (":0", "type before ':' is missing"),
        (":", "type before ':' is missing"),
        ("", "empty"),
        ("cpu:", "index after ':' is missing"),
        ("cpu:0:1", "'0:1'"),
        ("1cpu", "letters, digits and '_'"),
        ("c-pu", "letters, digits and '_'"),
        (" cpu", "letters, digits and '_'"),
        ("cpu ", "letters, digits and '_'"),
    ],
)
def test_malformed_strings(spec: str, why: str) -> None:
    with pytest.raises(pb.DeviceError) as info:
        pb.device(spec)
    error = info.value
    assert isinstance(error, pb.PlugboardError)
    assert isinstance(error, ValueError)
    message = str(error)
    assert "malformed device string" in message
    assert repr(spec) in message
    assert why in message
    # The message shows the accepted form.
    assert "'TYPE:INDEX'" in message


@pytest.mark.parametrize("spec", [0, 1, None, 1.5, b"cpu", ["cpu"], ("cpu", 0)])
def test_non_string_input_raises(spec: object) -> None:
    with pytest.raises(pb.DeviceError) as info:
        pb.device(spec)  # type: ignore[arg-type]
    assert isinstance(info.value, pb.PlugboardError)
    assert isinstance(info.value, ValueError)
    assert type(spec).__name__ in str(info.value)


@pytest.mark.parametrize("spec", ["cpv", "cpux", "cpu_", "cdu:1"])
def test_unknown_type_close_to_cpu_suggests_it(spec: str) -> None:
    with pytest.raises(pb.DeviceError) as info:
        pb.device(spec)
    assert isinstance(info.value, ValueError)
    message = str(info.value)
    spec_type = spec.split(":", maxsplit=1)[0]
    assert f"unknown device type {spec_type!r}" in message
    assert "did you mean 'cpu'" in message
    assert "Installed backends:" in message
    assert "cpu" in message.split("Installed backends:", 1)[1]


@pytest.mark.parametrize(
    "spec",
    ["cpu:" + "9" * 4301, "cpu:" + "1" * 20, "cpu:2147483648", "opencl:" + "0" * 5000 + "7" * 12],
)
def test_an_index_too_large_is_a_device_error(spec: str) -> None:
    # int() of more than 4300 digits raised a bare ValueError.
    with pytest.raises(pb.DeviceError) as info:
        pb.device(spec)
    message = str(info.value)
    assert "the index is larger than 2147483647" in message
    assert "Fix:" in message
    assert len(message) < 400


@pytest.mark.parametrize(("spec", "index"), [("cpu", 2**31), ("cpu", 10**5000)],
                         ids=["2**31", "10**5000"])
def test_a_separate_index_too_large_is_a_device_error(spec: str, index: int) -> None:
    with pytest.raises(pb.DeviceError, match="device index must be an int from 0 to 2147483647"):
        pb.device(spec, index)


def test_an_index_with_leading_zeros_parses() -> None:
    assert pb.device("cpu:" + "0" * 5000 + "1") == pb.device("cpu:1")
    assert pb.device("cpu:2147483647").index == 2**31 - 1


@pytest.mark.parametrize(("spec", "meant"), [("CPU", "cpu"), ("Cpu:0", "cpu"), ("META", "meta")])
def test_a_device_type_in_the_wrong_case_suggests_the_lower_case_one(spec: str, meant: str) -> None:
    with pytest.raises(pb.DeviceError) as info:
        pb.device(spec)
    message = str(info.value)
    assert f"did you mean {meant!r}?" in message
    assert f"Fix: write {meant!r}" in message


def test_unknown_type_without_close_match_lists_installed_backends() -> None:
    with pytest.raises(pb.DeviceError) as info:
        pb.device("zzzzzz")
    message = str(info.value)
    assert "unknown device type 'zzzzzz'" in message
    assert "did you mean" not in message
    installed = message.split("Installed backends:", 1)[1]
    assert "cpu" in installed
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("spec", "package"),
    [
        ("opencl", "plugboard-opencl"),
        ("opencl:1", "plugboard-opencl"),
        ("cuda", "plugboard-cuda"),
        ("rocm:0", "plugboard-rocm"),
        ("metal", "plugboard-metal"),
    ],
)
def test_known_but_uninstalled_backend_names_its_package(spec: str, package: str) -> None:
    if spec.partition(":")[0] in {b.device_type for b in pb.backends()}:
        pytest.skip(f"{package} is installed here")
    with pytest.raises(pb.DeviceError) as info:
        pb.device(spec)
    message = str(info.value)
    assert f"pip install {package}" in message
    assert "cpu" in message.split("Installed backends:", 1)[1]
    assert isinstance(info.value, pb.PlugboardError)
    assert isinstance(info.value, ValueError)


# A process in which the opencl distribution's entry point is not installed: the
# metadata scan plugboard makes is filtered, as if plugboard-opencl were uninstalled.
_WITHOUT_OPENCL = """
import importlib.metadata as metadata
scan = metadata.entry_points
metadata.entry_points = lambda **kw: metadata.EntryPoints(
    ep for ep in scan(**kw) if not (kw.get("group") == "plugboard.backends"
                                    and ep.name == "opencl"))
import plugboard as pb
x = pb.tensor([1.0])
try:
    x.to("opencl")
except pb.PlugboardError as error:
    print(type(error).__name__, error, sep="|")
print(x.tolist(), x.device)
"""


def test_moving_to_an_uninstalled_backend_says_which_package_to_install() -> None:
    result = subprocess.run([sys.executable, "-c", _WITHOUT_OPENCL], capture_output=True,
                            text=True, check=True, timeout=120)
    *error, state = result.stdout.strip().splitlines()
    kind, message = "\n".join(error).split("|", 1)
    assert kind == "DeviceError"
    assert message.startswith("pb::to: ")
    assert "unknown device type 'opencl'" in message
    assert "pip install plugboard-opencl" in message
    assert state == "[1.0] cpu:0"  # the tensor is unchanged


@pytest.mark.parametrize(
    "make",
    [
        lambda: pb.tensor([1.0], device="cpu:1"),
        lambda: pb.tensor([1.0], device=pb.device("cpu:1")),
        lambda: pb.zeros(2, device="cpu:1"),
        lambda: pb.empty(2, device="cpu:5"),
        lambda: pb.arange(3, device="cpu:1"),
        lambda: pb.full((2,), 1.0, device="cpu:1"),
    ],
)
def test_index_out_of_range_raises_when_used(make: object) -> None:
    with pytest.raises(pb.DeviceError) as info:
        make()  # type: ignore[operator]
    message = str(info.value)
    assert "does not exist" in message
    assert "1 device(s)" in message
    assert "cpu:0" in message
    assert isinstance(info.value, pb.PlugboardError)
    assert isinstance(info.value, ValueError)


def test_moving_to_a_missing_device_raises() -> None:
    x = pb.tensor([1.0, 2.0])
    with pytest.raises(pb.DeviceError, match="1 device"):
        x.to("cpu:1")
    assert x.tolist() == [1.0, 2.0]


def test_tensors_report_the_normalised_device() -> None:
    for spec in ("cpu", "cpu:0", pb.device("cpu")):
        x = pb.tensor([1.0], device=spec)
        assert x.device == pb.device("cpu:0")
        assert str(x.device) == "cpu:0"
        assert x.device.type == "cpu"
        assert x.device.index == 0


def test_devices_lists_cpu0() -> None:
    found = pb.devices()
    assert pb.device("cpu:0") in found
    assert all(isinstance(d, pb.Device) for d in found)
    assert pb.devices("cpu") == [pb.device("cpu:0")]
    # The meta device has no memory to compute in: it is not listed among devices.
    assert all(d.type != "meta" for d in found)


def test_backends_lists_cpu_as_available() -> None:
    statuses = {b.device_type: b for b in pb.backends()}
    assert "cpu" in statuses
    cpu = statuses["cpu"]
    assert cpu.available
    assert cpu.loaded
    assert cpu.device_count == 1
    assert cpu.error is None
    assert cpu.distribution == "plugboard-cpu"
