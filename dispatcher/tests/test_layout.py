"""The core's layout: no import cycles, generated files current, a typed public API."""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

import plugboard as pb
from plugboard._dispatch.registry import registered_ops

PACKAGE = Path(pb.__file__).parent
ROOT = PACKAGE.parent.parent.parent


def _fresh_python(code: str) -> str:
    """What ``code`` prints in a new interpreter (one that has imported nothing yet)."""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, check=True)
    return result.stdout


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _import_graph() -> dict[str, set[str]]:
    """Every module of the core and the core modules it imports, function-level included."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".") if is_package else name.split(".")[:-1]
                    base = base[: len(base) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                candidates = [target] + [f"{target}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                candidates = [a.name for a in node.names]
            else:
                continue
            edges.update(c for c in candidates if c in modules and c != name)
        graph[name] = edges
    return graph


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            if nxt not in state and (cycle := visit(nxt)) is not None:
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)) is not None:
            return cycle
    return None


def test_the_import_graph_of_the_core_is_acyclic() -> None:
    # The public facades (plugboard, backend, library, testing) import the layers;
    # within the layers no module reaches back, not even from inside a function.
    graph = _import_graph()
    facades = {"plugboard", "plugboard.backend", "plugboard.library", "plugboard.testing",
               "plugboard.__main__"}
    inner = {m: {e for e in edges if e not in facades} for m, edges in graph.items()
             if m not in facades}
    assert _find_cycle(inner) is None, f"import cycle: {' -> '.join(_find_cycle(inner) or [])}"


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": set()}) is None


def test_generated_files_are_current() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "generate.py"), "--check"],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stderr


def test_functions_and_methods_have_real_signatures() -> None:
    assert list(inspect.signature(pb.add).parameters) == ["self", "other", "alpha", "out"]
    assert list(inspect.signature(pb.Tensor.add).parameters)[:3] == ["self", "other", "alpha"]
    assert inspect.signature(pb.add).parameters["alpha"].default == 1
    assert "Example:" in (pb.softmax.__doc__ or "")
    assert "pb::softmax(Tensor self, int dim" in (pb.softmax.__doc__ or "")


def test_every_core_operator_has_a_function_a_method_or_a_front_end() -> None:
    names = set(pb.__all__)
    internal = {"max_dim", "min_dim", "conv2d_padding", "to"}  # reached through front ends
    for op in registered_ops():
        if op.name.startswith("pb::") and op.schema.name not in internal:
            assert op.schema.name in names, op.name
            assert op.doc, f"{op.name} has no description"


def test_python_dash_m_plugboard_is_the_command() -> None:
    result = subprocess.run([sys.executable, "-m", "plugboard", "--help"],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0
    assert "doctor" in result.stdout


def test_import_plugboard_loads_no_backend_and_no_heavy_dependency() -> None:
    # Start-up cost: ml_dtypes alone took most of a second; backends load at first use;
    # what only errors, plugin loading, statuses and einsum need loads with them.
    heavy = ("ml_dtypes", "rich", "jsonschema", "plugboard_cpu", "plugboard_opencl",
             "pyopencl", "plugboard_cuda", "cupy", "pluggy", "importlib.metadata",
             "plugboard.nn", "plugboard.optim", "plugboard.backend", "difflib", "traceback",
             "json", "plugboard._plugins.contract", "plugboard._plugins.status",
             "plugboard._frontend.einsum")
    code = f"import sys, plugboard; print([m for m in {heavy!r} if m in sys.modules])"
    stdout = _fresh_python(code)
    assert stdout.strip() == "[]"


def test_the_submodules_loaded_on_first_use_are_there() -> None:
    code = ("import plugboard as pb; "
            "print(pb.nn.Linear.__name__, pb.optim.SGD.__name__, pb.backend.KernelSpec.__name__,"
            " pb.library.TensorSpec.__name__, pb.save.__name__, pb.load.__name__); "
            "from plugboard import *; print(callable(save))")
    stdout = _fresh_python(code)
    assert stdout.split() == ["Linear", "SGD", "KernelSpec", "TensorSpec", "save",
                                     "load", "True"]
    with pytest.raises(AttributeError, match="has no attribute 'nonexistent'"):
        _ = pb.nonexistent  # type: ignore[attr-defined]


def test_names_imported_on_first_use_are_listed_before_it() -> None:
    code = ("import sys, plugboard as pb; before = dir(pb); "
            "print('einsum' in before, 'plugboard._frontend.einsum' in sys.modules); "
            "einsum = pb.einsum; print(dir(pb) == before, '__dir__' in before, "
            "einsum('i,i->', pb.ones(3), pb.ones(3)).item())")
    stdout = _fresh_python(code)
    assert stdout.split() == ["True", "False", "True", "False", "3.0"]


def test_errors_still_suggest_close_names_with_difflib_loaded_late() -> None:
    code = ("import sys, plugboard as pb\n"
            "for call in (lambda: pb.zeros(1, dtype='float23'), lambda: pb.device('cdua'),\n"
            "             lambda: pb.ops.pb.ad, lambda: pb.add(pb.ones(1), 1, alpah=2)):\n"
            "    try:\n"
            "        call()\n"
            "    except pb.PlugboardError as error:\n"
            "        print('did you mean' in str(error))\n"
            "print('difflib' in sys.modules)")
    stdout = _fresh_python(code)
    assert stdout.split() == ["True", "True", "True", "True", "True"]


def test_cuda_without_a_driver_lists_devices_without_importing_cupy() -> None:
    pytest.importorskip("plugboard_cuda")
    code = "import sys, plugboard as pb; pb.devices(); print('cupy' in sys.modules)"
    stdout = _fresh_python(code)
    from plugboard_cuda._probe import probe_driver

    if probe_driver() is None:
        pytest.skip("this machine has an NVIDIA GPU")
    assert stdout.strip() == "False"


@pytest.mark.parametrize("name", ["add", "sum", "softmax", "where"])
def test_help_shows_the_signature(name: str) -> None:
    import pydoc

    text = pydoc.render_doc(getattr(pb, name), renderer=pydoc.plaintext)
    assert f"{name}(" in text
    assert "Example:" in text
