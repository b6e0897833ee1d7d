"""`python -m corpus COMMAND`: the corpus commands (crawler/cli/corpus.py)."""
import sys

from crawler.cli.corpus import main

if __name__ == "__main__":
    sys.exit(main())
