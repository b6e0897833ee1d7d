"""`python -m corpus COMMAND`: see corpus/cli.py."""
import sys

from corpus.cli import main

if __name__ == "__main__":
    sys.exit(main())
