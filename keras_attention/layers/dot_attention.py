"""Luong dot-product attention."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_attention")
class DotAttention(keras.layers.Layer):
    """Luong-style dot-product attention.

    Scores are `q · k` (`score_mode="dot"`) or `q · W · k` (`"general"`);
    masked keys are excluded from the softmax and the output is the
    weighted sum of the values. Unlike `keras.layers.Attention`, a query
    whose keys are all masked gets zero weights and output (float16 too).

    Args:
        score_mode: str. `"dot"` (the default) computes `q · k` and requires
            the query and key to have the same last dimension. `"general"`
            computes `q · W · k` with a learned `(dim, dim_k)` matrix `W`,
            so the sizes may differ (Luong et al., 2015, eq. 8).
        use_scale: bool. If `True`, the scores are multiplied by a learned
            scalar (initialised to 1). Defaults to `False`.
        dropout: float between 0 and 1. Fraction of the attention weights to
            drop during training. Defaults to `0.0`.
        seed: int. Seed for the dropout. Defaults to `None`.
        **kwargs: base layer keyword arguments, such as `name` and `dtype`.

    Call arguments:
        inputs: list `[query, value]` or `[query, value, key]`:
            - `query`: `(batch_size, Tq, dim)`.
            - `value`: `(batch_size, Tv, dim_v)`.
            - `key`: `(batch_size, Tv, dim_k)`, optional; `value` is used
              when it is absent. `dim_k` must equal `dim` for `"dot"`.
        mask: list `[query_mask, value_mask]` of boolean tensors
            `(batch_size, Tq)` and `(batch_size, Tv)`, or `None`s (Keras
            masks are picked up). Masked queries output zeros; masked
            values get zero weight.
        return_attention_scores: bool. If `True`, also return the attention
            weights (after masking and softmax). Defaults to `False`.
        training: bool. Whether dropout is active.
        use_causal_mask: bool. If `True`, query position `i` may only attend
            to value positions `j <= i`. Defaults to `False`.

    Returns:
        The output `(batch_size, Tq, dim_v)` and, with
        `return_attention_scores=True`, the weights `(batch_size, Tq, Tv)`.

    Example:

    ```python
    encoder_states = keras.random.normal((2, 5, 16))
    decoder_states = keras.random.normal((2, 3, 16))
    context, weights = DotAttention()(
        [decoder_states, encoder_states], return_attention_scores=True
    )
    context.shape  # (2, 3, 16)
    weights.shape  # (2, 3, 5)
    ```

    References:
        - [Luong et al., 2015](https://arxiv.org/abs/1508.04025)
    """

    def __init__(
        self,
        score_mode="dot",
        use_scale=False,
        dropout=0.0,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if score_mode not in ("dot", "general"):
            raise ValueError(
                "Invalid value for argument score_mode. Expected one of "
                f"{{'dot', 'general'}}. Received: score_mode={score_mode}"
            )
        if not 0.0 <= dropout < 1.0:
            raise ValueError(
                "Argument dropout must be in [0, 1). "
                f"Received: dropout={dropout}"
            )
        self.score_mode = score_mode
        self.use_scale = use_scale
        self.dropout = dropout
        self.seed = seed
        self.supports_masking = True
        if dropout > 0:
            self.seed_generator = keras.random.SeedGenerator(seed)

    def build(self, input_shape):
        query_shape, _, key_shape = self._validate_shapes(input_shape)
        self.scale = None
        self.kernel = None
        if self.use_scale:
            self.scale = self.add_weight(
                name="scale", shape=(), initializer="ones"
            )
        if self.score_mode == "general":
            self.kernel = self.add_weight(
                name="kernel",
                shape=(query_shape[-1], key_shape[-1]),
                initializer="glorot_uniform",
            )

    def _validate_shapes(self, input_shape):
        """Returns (query, value, key) shapes; raises on a bad combination."""
        if (
            not isinstance(input_shape, (list, tuple))
            or len(input_shape) not in (2, 3)
            or not all(isinstance(s, (list, tuple)) for s in input_shape)
        ):
            raise ValueError(
                f"{self.__class__.__name__} must be called on a list "
                "[query, value] or [query, value, key]. "
                f"Received: inputs={input_shape}"
            )
        shapes = [tuple(shape) for shape in input_shape]
        query_shape, value_shape = shapes[0], shapes[1]
        key_shape = shapes[2] if len(shapes) == 3 else value_shape
        for name, shape in (
            ("query", query_shape),
            ("value", value_shape),
            ("key", key_shape),
        ):
            if len(shape) != 3:
                raise ValueError(
                    f"{self.__class__.__name__} expects {name} of rank 3 "
                    f"(batch_size, T, dim). Received: {name}.shape={shape}"
                )
        if key_shape[1] is not None and value_shape[1] is not None:
            if key_shape[1] != value_shape[1]:
                raise ValueError(
                    "key and value must have the same number of steps Tv. "
                    f"Received: key.shape={key_shape}, "
                    f"value.shape={value_shape}"
                )
        if (
            self.score_mode == "dot"
            and query_shape[-1] is not None
            and key_shape[-1] is not None
            and query_shape[-1] != key_shape[-1]
        ):
            raise ValueError(
                "With score_mode='dot' the query and key must have the same "
                f"size. Received: query size {query_shape[-1]} "
                f"(query.shape={query_shape}), key size {key_shape[-1]} "
                f"(key.shape={key_shape}). Project one of them or use "
                "score_mode='general'."
            )
        return query_shape, value_shape, key_shape

    def _calculate_scores(self, query, key):
        """Returns the `(batch_size, Tq, Tv)` scores of `query` and `key`."""
        if self.kernel is not None:
            query = ops.matmul(query, ops.cast(self.kernel, query.dtype))
        scores = ops.matmul(query, ops.swapaxes(key, -2, -1))
        if self.scale is not None:
            scores = ops.multiply(scores, ops.cast(self.scale, scores.dtype))
        return scores

    def _apply_scores(self, scores, value, scores_mask=None, training=False):
        """Masks and normalises `scores`; returns (output, weights).

        `scores_mask` is boolean `(batch_size, Tq or 1, Tv)`; masked weights
        are zeroed after the softmax so a fully masked row is all zeros.
        """
        if scores_mask is not None:
            # 65504 is the largest float16; 1e9 would overflow it to -inf.
            max_value = 65504.0 if scores.dtype == "float16" else 1.0e9
            scores = ops.where(scores_mask, scores, scores - max_value)
        weights = ops.softmax(scores, axis=-1)
        if scores_mask is not None:
            weights = ops.where(scores_mask, weights, 0.0)
        if training and self.dropout > 0:
            weights = keras.random.dropout(
                weights, self.dropout, seed=self.seed_generator
            )
        return ops.matmul(weights, value), weights

    def _calculate_scores_mask(self, scores, value_mask, use_causal_mask):
        """Combines the value mask and the causal mask, or returns None."""
        scores_mask = None
        if value_mask is not None:
            scores_mask = ops.expand_dims(ops.cast(value_mask, "bool"), -2)
        if use_causal_mask:
            shape = ops.shape(scores)
            ones = ops.ones((1, shape[-2], shape[-1]), dtype="int32")
            causal_mask = ops.greater_equal(
                ops.cumsum(ones, axis=-2), ops.cumsum(ones, axis=-1)
            )
            scores_mask = (
                causal_mask
                if scores_mask is None
                else ops.logical_and(scores_mask, causal_mask)
            )
        return scores_mask

    def call(
        self,
        inputs,
        mask=None,
        training=False,
        return_attention_scores=False,
        use_causal_mask=False,
    ):
        self._validate_shapes([tuple(x.shape) for x in inputs])
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        query_mask = mask[0] if mask else None
        value_mask = mask[1] if mask else None
        scores = self._calculate_scores(query, key)
        scores_mask = self._calculate_scores_mask(
            scores, value_mask, use_causal_mask
        )
        output, weights = self._apply_scores(
            scores, value, scores_mask=scores_mask, training=training
        )
        if query_mask is not None:
            query_mask = ops.expand_dims(ops.cast(query_mask, "bool"), -1)
            output = ops.where(query_mask, output, 0.0)
        if return_attention_scores:
            return output, weights
        return output

    def compute_mask(self, inputs, mask=None):
        if mask is None or mask[0] is None:
            return None
        return ops.convert_to_tensor(mask[0])

    def compute_output_shape(self, input_shape):
        query_shape, value_shape, _ = self._validate_shapes(input_shape)
        return (*query_shape[:-1], value_shape[-1])

    def compute_output_spec(
        self,
        inputs,
        mask=None,
        training=False,
        return_attention_scores=False,
        use_causal_mask=False,
    ):
        shape = self.compute_output_shape([tuple(x.shape) for x in inputs])
        output = keras.KerasTensor(shape, dtype=self.compute_dtype)
        if not return_attention_scores:
            return output
        weights_shape = (*shape[:-1], inputs[1].shape[-2])
        return output, keras.KerasTensor(
            weights_shape, dtype=self.compute_dtype
        )

    def get_config(self):
        base_config = super().get_config()
        config = {
            "score_mode": self.score_mode,
            "use_scale": self.use_scale,
            "dropout": self.dropout,
            "seed": self.seed,
        }
        return {**base_config, **config}
