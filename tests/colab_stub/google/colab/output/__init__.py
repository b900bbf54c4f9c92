"""A stand-in for ``google.colab.output``: the custom widget manager switch, as Colab's __init__ exports it."""

from google.colab.output import _widgets
from google.colab.output._widgets import disable_custom_widget_manager, enable_custom_widget_manager

__all__ = ["_widgets", "disable_custom_widget_manager", "enable_custom_widget_manager"]
