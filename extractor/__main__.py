"""`python -m extractor ...`: the `claimx` command."""

from extractor.cli import main

if __name__ == "__main__":
    main()
