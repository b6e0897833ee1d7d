"""`python -m crawler ...`"""
import sys

from crawler.cli import main

if __name__ == "__main__":
    sys.exit(main())
