"""``python -m fpcore.cli``: the same as the ``fpcore`` command."""

from fpcore.cli import main

main()
