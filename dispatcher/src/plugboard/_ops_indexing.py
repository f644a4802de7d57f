"""The indexing operators of OPSET.md: index_select, index_put, advanced indexing.

Defined like the starter operators in ``_opset.py``: a schema, a meta function
(helpers in ``_meta.py``), and for composites one decomposition for every backend.
"""

from __future__ import annotations

from ._library import Library

lib = Library("pb")
