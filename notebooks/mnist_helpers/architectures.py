"""The layers of the course's two shipped networks, untrained: the one place they are written.

``models/`` holds only their trained weights (``dense.weights.h5``, ``convnet.weights.h5``);
``networks.load_network`` builds the layers here and loads the weights into them. A weights file
holds numbers, not code or settings, so it loads in every Keras 3 the course supports (3.12 to
3.15), while a whole-model ``.keras`` file saved by one Keras may not load in an older one.

* ``dense_network()``: notebook 01's network (notebooks 04, 05, 06 and 08 build it too).
* ``convnet_network()``: the full-recipe convnet notebook 09 explains and
  ``tools/train_models.py`` trains.

Both take MNIST images as they come, (n, 28, 28) with pixel values 0-255, and scale them to 0-1
in their first layers. Keras is imported when a network is built.
"""


def dense_network():
    """Notebook 01's network, untrained: 407,050 parameters."""
    import keras
    from keras import layers

    return keras.Sequential(
        [
            keras.Input(shape=(28, 28)),
            layers.Flatten(),
            layers.Rescaling(1 / 255),
            layers.Dense(512, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ],
        name="dense",
    )


def convnet_network():
    """The full-recipe convnet of notebook 09, untrained: 318,026 parameters."""
    import keras
    from keras import layers

    return keras.Sequential(
        [
            keras.Input(shape=(28, 28)),
            layers.Reshape((28, 28, 1)),
            layers.Rescaling(1 / 255),
            layers.RandomRotation(0.04, fill_mode="constant"),
            layers.RandomTranslation(0.08, 0.08, fill_mode="constant"),
            layers.RandomZoom(0.08, fill_mode="constant"),
            layers.Conv2D(32, 5, activation="relu"),
            layers.MaxPooling2D(),
            layers.Conv2D(64, 5, use_bias=False),
            layers.BatchNormalization(),
            layers.Activation("relu"),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dense(256, use_bias=False),
            layers.BatchNormalization(),
            layers.Activation("relu"),
            layers.Dropout(0.4),
            layers.Dense(10, activation="softmax"),
        ],
        name="convnet",
    )


BUILDERS = {"dense": dense_network, "convnet": convnet_network}


def build_network(name):
    """The untrained ``name`` network ("dense" or "convnet")."""
    if name not in BUILDERS:
        raise ValueError(f"Unknown network {name!r}: use one of {', '.join(map(repr, BUILDERS))}.")
    return BUILDERS[name]()
