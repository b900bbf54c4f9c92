"""Sphinx configuration of the course website (`make site`, docs/maintaining.md "The website").

The source folder is the repository root, so the README, docs/ and the notebooks keep their own
relative links; only the files in ``include_patterns`` become pages. The notebooks are shown with
their stored outputs (nothing is executed). Launch buttons (Binder, Colab) come from the course's
address (``python -m tools.set_repository``); while it is unset, there are none. The live drawing
pad (site/draw.md) runs the shipped networks in the browser: their weights are exported into the
built site when the build finishes (``tools/export_pad_weights.py``).
"""

from tools import site_build

project = "Handwritten digits with Keras"
author = "the course's authors"
copyright = "the course's authors, MIT licence"

extensions = ["myst_nb"]
root_doc = "README"
include_patterns = ["README.md", "docs/*.md", "notebooks/[0-9][0-9]_*.ipynb", "site/draw.md",
                    "data/README.md", "data/*/README.md"]
exclude_patterns = [".venv", ".git", "artifacts", "my_models", "*.egg-info", "tests", "tools", "binder"]

nb_execution_mode = "off"              # the stored outputs, as recorded and tested
nb_output_stderr = "remove"
myst_heading_anchors = 3               # README's links such as docs/maintaining.md#colab
myst_enable_extensions = ["dollarmath", "html_image"]

html_theme = "sphinx_book_theme"
html_title = project
html_static_path = ["static"]
html_css_files = ["course.css"]
html_theme_options = site_build.theme_options()
html_last_updated_fmt = None
html_show_sourcelink = False
html_copy_source = False


def setup(app):
    site_build.connect(app)
