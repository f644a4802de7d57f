"""The linear-algebra operators of OPSET.md beyond matmul.

Defined like the starter operators in ``_opset.py``: a schema, a meta function
(helpers in ``_meta.py``), and for composites one decomposition for every backend.
"""

from __future__ import annotations

from ._library import Library

lib = Library("pb")
