"""Op database entries for views, basic and advanced indexing, index_select and index_put.

Built with the helpers of ``_opdb.py`` (sample makers, result dtypes, references).
"""

from __future__ import annotations

from ._opdb import OpInfo

ENTRIES: list[OpInfo] = []
