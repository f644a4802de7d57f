"""Op database entries for the nn operators of OPSET.md beyond the starter set.

Built with the helpers of ``_opdb.py`` (sample makers, result dtypes, references).
"""

from __future__ import annotations

from ._opdb import OpInfo

ENTRIES: list[OpInfo] = []
