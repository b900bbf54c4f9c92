"""With tests/colab_stub on PYTHONPATH, every Python process imports the stand-in google.colab at start-up.

In Google Colab the kernel itself is part of the package (google.colab._kernel), so google.colab, and
google.colab.output which its __init__ imports, are loaded before any cell runs. anywidget takes that
as the sign that it runs in Colab (``"google.colab.output" in sys.modules``). Python imports a
``sitecustomize`` module found on its path when it starts, so a test, or a notebook kernel started
with this folder on PYTHONPATH, sees what a Colab kernel shows anywidget. See google/colab/output/_widgets.py.
"""

import google.colab  # noqa: F401
