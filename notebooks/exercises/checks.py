"""Small pieces the checkers share: the data, and plain-words descriptions of a wrong kind of answer."""

import functools
import numbers

import numpy as np


@functools.cache
def mnist():
    """((train_images, train_labels), (test_images, test_labels)), loaded once (load_mnist())."""
    from mnist_helpers import load_mnist

    return load_mnist()


def whole_number_problem(value, what="a whole number"):
    """None if ``value`` is a whole number (Python or NumPy), else a sentence saying what it is."""
    if isinstance(value, (bool, np.bool_)):
        return f"your answer is {value}, True or False; the question asks for {what}"
    if isinstance(value, numbers.Integral):
        return None
    if isinstance(value, np.ndarray):
        return (f"your answer is an array of shape {value.shape}; the question asks for {what} "
                "(.sum() or len() turns an array into one number)")
    if isinstance(value, numbers.Real) and float(value).is_integer():
        return None
    return f"your answer is {value!r} ({type(value).__name__}); the question asks for {what}"


def number_problem(value, what="a number"):
    """None if ``value`` is a real number (Python or NumPy, or a one-element array), else a sentence."""
    if isinstance(value, (bool, np.bool_)):
        return f"your answer is {value}, True or False; the question asks for {what}"
    if isinstance(value, numbers.Real) or (isinstance(value, np.ndarray) and value.size == 1):
        return None
    if isinstance(value, np.ndarray):
        return f"your answer is an array of shape {value.shape}; the question asks for {what}"
    return f"your answer is {value!r} ({type(value).__name__}); the question asks for {what}"


def array_problem(value, shape, what="the array"):
    """None if ``value`` is a NumPy array (or a tensor) of ``shape``, else a sentence saying what is wrong."""
    if not hasattr(value, "shape"):
        return f"{what} should be an array of shape {shape}, not {type(value).__name__}"
    if tuple(value.shape) != tuple(shape):
        return f"{what} has shape {tuple(value.shape)}; it should have shape {tuple(shape)}"
    return None


def thousands(number):
    """1028 -> "1,028" (how the course writes numbers)."""
    return f"{number:,}"
