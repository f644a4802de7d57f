"""The plugboard conformance suite.

Run it on a backend with ``plugboard conformance --backend NAME`` or
``pytest --pyargs plugboard_conformance --backend NAME``. It checks every
operator of its database on every dtype, the device contract (memory,
copies, devices), records which kernel ran, and writes a report per backend
(JSON, Markdown, HTML).
"""

__version__ = "0.1.0"
