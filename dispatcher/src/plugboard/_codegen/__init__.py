"""C-family kernel generation shared by the backends that write C kernels.

The public API is :mod:`plugboard.codegen`. Split by concern: :mod:`.dtypes`
(how each dtype is stored and computed, before any language names it),
:mod:`.dialects` (how one language spells types, kernels, loads and stores, and
its prelude), :mod:`.pointwise` (the table of elementwise operators, each C
expression written once) and :mod:`.render` (the table as kernel source in a
dialect, and the kernels' argument lists).
"""
