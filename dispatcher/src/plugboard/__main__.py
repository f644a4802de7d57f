"""``python -m plugboard``: the ``plugboard`` command."""

from plugboard._cli import main

if __name__ == "__main__":
    raise SystemExit(main())
