"""Sphinx configuration for the fpcore documentation (Sphinx + MyST markdown, MyST-NB).

Build with ``sphinx-build -W --keep-going -q -b html docs docs/_build/html``: every
warning is an error, so a broken reference or a malformed docstring fails the build.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Document the source tree even where fpcore is not installed (in .venv it is, editable).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import fpcore

project = "fpcore"
author = "fpcore developers"
copyright = "fpcore developers"
release = fpcore.__version__
version = ".".join(release.split(".")[:2])

# No intersphinx: the build must pass offline, and a failed inventory fetch warns.
# myst_nb reads MyST markdown (it includes myst_parser) and runs the notebooks in
# docs/notebooks (MyST markdown with code cells) on every build, so they cannot rot.
extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
]

source_suffix = {".md": "myst-nb"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
language = "en"

# MyST: pages in markdown with `{directive}` fences; headings get anchors so pages can
# link to sections as [text](page.md#anchor).
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# notebooks: run every code cell on each build (cached in _build between local builds),
# fail the build on an error in a cell; a page without notebook front matter is plain MyST
nb_execution_mode = "cache"
nb_execution_cache_path = str(Path(__file__).with_name("_build") / ".jupyter_cache")
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_execution_timeout = 600
nb_merge_streams = True

# autodoc + napoleon: the API pages come from our Google-style docstrings.
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False
napoleon_custom_sections = [("Legal basis", "notes_style")]
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_description_target = "documented_params"
autodoc_default_options = {"members": True, "show-inheritance": True}
autoclass_content = "class"

html_theme = "alabaster"
html_title = f"fpcore {release}"


def _write_rule_catalogue(_app: object) -> None:
    """Generate ``rule-catalogue.md`` from the policies, so the page cannot drift."""
    from fpcore.policies._explorer import catalogue_markdown

    page = Path(__file__).with_name("rule-catalogue.md")
    text = catalogue_markdown()
    if not page.exists() or page.read_text(encoding="utf-8") != text:
        page.write_text(text, encoding="utf-8")


def setup(app: object) -> None:
    """Sphinx hook: generate pages before reading sources."""
    app.connect("builder-inited", _write_rule_catalogue)  # type: ignore[attr-defined]
