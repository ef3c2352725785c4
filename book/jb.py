"""`jupyter-book` for this guide, without a 1.7 s import it does not use.

jsonschema (which jupyter-book uses to check _config.yml) imports ``rfc3987_syntax``
when it is installed — JupyterLab's server brings it — only to offer an "iri"
format check; importing it compiles a lark grammar, 1.7 s of a ≈13 s CPU build
(book/README-perf.md). jupyter-book's config schema has no IRI field, so the
build marks the module absent (jsonschema then skips that one check) and runs
jupyter-book's own command line unchanged:

    python book/jb.py build . --config book/_config.yml --toc book/_toc.yml -W -n --keep-going
"""
import sys

sys.modules.setdefault("rfc3987_syntax", None)   # `import rfc3987_syntax` now raises ImportError

from jupyter_book.cli.main import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
