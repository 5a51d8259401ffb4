"""How the attention context joins the decoder state."""

import keras
from keras import ops

MODES = ("tanh", "add_norm")


@keras.saving.register_keras_serializable(package="keras_attention")
class AttentionCombine(keras.layers.Layer):
    """Joins an attention context `c` and the query `h` it answered.

    - `mode="tanh"`: `tanh(W_c [c; h] + b)` (Luong et al., 2015, eq. 5),
      a `Dense(units, "tanh")` on the concatenation.
    - `mode="add_norm"` (the default): `LayerNorm(h + c)`, the residual join
      of Transformer blocks (Vaswani et al., 2017); it learns faster here
      (benchmarks/RESULTS-quality.md).

    Args:
        units: int. Size of `h`, `c` and the output.
        mode: str. `"tanh"` or `"add_norm"`. Defaults to `"add_norm"`.
        **kwargs: base layer keyword arguments, such as `name` and `dtype`.

    Call arguments:
        inputs: list `[context, query]`, each `(..., units)`.

    Returns:
        `(..., units)`, in the layer's compute dtype.

    Example:

    ```python
    context = keras.random.normal((2, 3, 16))
    query = keras.random.normal((2, 3, 16))
    joined = AttentionCombine(16)([context, query])  # (2, 3, 16)
    ```

    References:
        - [Luong et al., 2015](https://arxiv.org/abs/1508.04025)
        - [Vaswani et al., 2017](https://arxiv.org/abs/1706.03762)
    """

    def __init__(self, units, mode="add_norm", **kwargs):
        super().__init__(**kwargs)
        if mode not in MODES:
            raise ValueError(
                f"Expected mode to be one of {MODES}. Received: mode={mode!r}"
            )
        self.units = units
        self.mode = mode
        if mode == "tanh":
            self.dense = keras.layers.Dense(
                units, activation="tanh", name="dense", dtype=self.dtype_policy
            )
        else:
            self.norm = keras.layers.LayerNormalization(
                name="norm", dtype=self.dtype_policy
            )

    def build(self, inputs_shape):
        query_shape = tuple(inputs_shape[1])
        if self.mode == "tanh":
            self.dense.build((*query_shape[:-1], 2 * self.units))
        else:
            self.norm.build(query_shape)

    def call(self, inputs):
        context, query = inputs
        context = ops.cast(context, query.dtype)
        if self.mode == "tanh":
            return self.dense(ops.concatenate([context, query], axis=-1))
        return self.norm(query + context)

    def compute_output_shape(self, inputs_shape):
        return tuple(inputs_shape[1])

    def get_config(self):
        config = {"units": self.units, "mode": self.mode}
        return {**super().get_config(), **config}
