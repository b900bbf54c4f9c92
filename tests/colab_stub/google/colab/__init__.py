"""A stand-in for Google Colab's ``google.colab``: only what anywidget uses (output._widgets).

No google/__init__.py on purpose: ``google`` is a namespace package that protobuf (TensorFlow)
shares. Put tests/colab_stub on PYTHONPATH to use it; tests/test_widget_versions.py does.
"""

from google.colab import output

__all__ = ["output"]
