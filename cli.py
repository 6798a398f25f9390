"""`python cli.py ...` from a checkout: the same as the installed `claimx` command."""

from extractor.cli import main

if __name__ == "__main__":
    main()
