"""Op database entries for the linear-algebra operators of OPSET.md beyond matmul.

Built with the helpers of ``_opdb.py`` (sample makers, result dtypes, references).
"""

from __future__ import annotations

from ._opdb import OpInfo

ENTRIES: list[OpInfo] = []
