"""Command line: `python -m indicators COMMAND ...` (see README)."""

import sys

from indicators.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
