"""Running the suite from Python or the ``plugboard conformance`` command."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ._model import Report


class _Progress:
    """A rich progress bar over the suite's test items."""

    def __init__(self, label: str):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        self._label = label
        self._progress = Progress(
            "[bold]{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            transient=True,
        )
        self._task: Any = None

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self._progress.start()
        self._task = self._progress.add_task(self._label, total=len(session.items))

    def pytest_runtest_logfinish(self, nodeid: str, location: Any) -> None:
        if self._task is not None:
            self._progress.advance(self._task)

    def pytest_sessionfinish(self) -> None:
        self._progress.stop()


class _Collect:
    """Keeps the report the plugin made at the end of the session."""

    report: Report | None = None

    @pytest.hookimpl(wrapper=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> Any:
        # A wrapper sees the session after every plugin's sessionfinish, the report's too.
        result = yield
        from .plugin import REPORT_KEY

        self.report = session.config.stash.get(REPORT_KEY, None)
        return result


def run_suite(
    backend: str, device: str | None, report_dir: Path, progress: bool = True,
    seed: int = 0, quick: bool = False,
) -> tuple[int, Report | None]:
    """Run the conformance suite on ``backend``; write its reports to ``report_dir``.

    ``device`` is one device to test (``"opencl:1"``); ``None`` or ``"all"`` tests
    every device of the backend. ``seed`` draws other sample inputs than every run
    does; ``quick`` runs one floating and one integer dtype per operator. Returns
    pytest's exit code and the report.

    Example (not run here: it takes a while):
        >>> from pathlib import Path
        >>> code, report = run_suite("cpu", None, Path("reports"))  # doctest: +SKIP
    """
    args = [
        "--pyargs", "plugboard_conformance", "--backend", backend,
        "--report-dir", str(report_dir),
        "-q", "--no-header", "-p", "no:cacheprovider", "-p", "no:doctest",
        # pytest-benchmark, where installed, would leave .benchmarks/ in the current directory.
        "-p", "no:benchmark",
        "-o", "addopts=", "-o", "python_files=test_*.py",
        # The command imported the package already; its asserts need no rewriting.
        "-W", "ignore::pytest.PytestAssertRewriteWarning",
        "--rootdir", str(Path(__file__).parent),
    ]
    if device:
        args += ["--device", device]
    if seed:
        args += ["--seed", str(seed)]
    if quick:
        args.append("--quick")
    plugins: list[Any] = [collect := _Collect()]
    if progress:
        plugins.append(_Progress(f"{backend} conformance"))
        args += ["--disable-warnings", "-rN", "--tb=no"]
    code = pytest.main(args, plugins=plugins)
    return int(code), collect.report
