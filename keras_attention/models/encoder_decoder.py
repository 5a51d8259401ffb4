"""The design note's recurrent encoder-decoder with dot-product attention."""

import dataclasses

import keras
from keras import ops

from keras_attention.config.model_config import ModelConfig
from keras_attention.layers.attention_combine import AttentionCombine
from keras_attention.layers.dot_attention import DotAttention
from keras_attention.models.input_feeding_decoder import InputFeedingDecoder
from keras_attention.models.seed_decoder import SeedDecoder


@keras.saving.register_keras_serializable(package="keras_attention")
class EncoderDecoder(keras.Model):
    """Recurrent encoder-decoder with Luong dot-product attention.

    A functional model from token ids to next-token logits (teacher
    forcing). The encoder is a stack of GRU or LSTM layers (optionally
    bidirectional); the decoder starts from the encoder's final states,
    layer by layer. Two decoders share the encoder, `DotAttention` and the
    output head (docs/model.md):

    - `"seed"` (default): the previous decoder state queries the encoder
      states and `s~ = combine(c, s)` replaces it before the cell reads the
      previous token, step by step (`SeedDecoderCell`).
    - `"luong"` (Luong et al., 2015): the decoder RNN runs over the whole
      target, then its outputs query the encoder states in one batched
      `DotAttention` call and `h~ = combine(c, h)` feeds the output layer;
      with `input_feeding=True` it runs step by step
      (`InputFeedingDecoderCell`).

    With `bidirectional=True` each layer's forward and backward final
    states are joined by a `Dense(units, tanh)` per state
    (`bridge_{layer}_{state}`), and a bias-free `Dense` (`memory_projection`)
    maps the encoder outputs to `units` for the dot-product scores.

    Token id 0 is padding: source padding is masked in the encoder and in
    the attention; target padding is left to the loss (`sample_weight`).

    Args:
        source_vocabulary_size: int. Source vocabulary size (id 0 = padding).
        target_vocabulary_size: int. Target vocabulary size (id 0 = padding).
        embedding_dim: int. Size of both token embeddings. Defaults to `128`.
        units: int. Size of every recurrent state. Defaults to `256`.
        num_layers: int. Encoder and decoder depth. Defaults to `1`.
        cell: str. `"gru"` or `"lstm"`. Defaults to `"gru"`.
        bidirectional: bool. Bidirectional encoder. Defaults to `False`.
        dropout: float. Dropout on embeddings, between layers and before the
            output layer. Defaults to `0.0`.
        decoder: str. `"seed"` or `"luong"`. Defaults to `"seed"`.
        score_mode: str. `DotAttention` score, `"dot"` or `"general"`.
            Defaults to `"dot"`.
        use_scale: bool. Learned scale on the scores. Defaults to `False`.
        combine: str. `"add_norm"` or `"tanh"`, how the attention context
            joins the decoder state (`AttentionCombine`). Defaults to
            `"add_norm"`.
        input_feeding: bool. Luong input feeding (§3.3, `decoder="luong"`
            only; slower and worse in the shipped budgets,
            benchmarks/RESULTS-quality.md). Defaults to `False`.
        tie_embeddings: bool. The output layer is the transposed target
            embedding (`keras.layers.ReversibleEmbedding`, no bias; Press &
            Wolf, 2017). When `embedding_dim != units` a linear
            `output_projection` maps the decoder output to `embedding_dim`
            first. Defaults to `False`.
        word_dropout: float. Share of whole source and target tokens whose
            embeddings are zeroed in training (the survivors are scaled by
            `1 / (1 - word_dropout)`; Sennrich & Zhang, 2019). Defaults to
            `0.0`.
        **kwargs: `keras.Model` keyword arguments, such as `name`.

    Inputs: a dict with `encoder_token_ids` `(batch_size, Ts)` and
    `decoder_token_ids` `(batch_size, Tt)` (the target shifted right, i.e.
    starting with the start token).

    Outputs: float32 logits `(batch_size, Tt, target_vocabulary_size)`
    (under mixed precision too). `call_with_attention` adds the attention
    `(batch_size, Tt, Ts)`; `encode` and `decode_step` decode step by step.

    Example:

    ```python
    model = EncoderDecoder(source_vocabulary_size=100,
                           target_vocabulary_size=120, units=32)
    logits = model({
        "encoder_token_ids": np.array([[5, 6, 7, 0]]),
        "decoder_token_ids": np.array([[2, 9, 10]]),
    })  # (1, 3, 120)
    ```

    References:
        - [Luong et al., 2015](https://arxiv.org/abs/1508.04025)
        - [Press & Wolf, 2017](https://arxiv.org/abs/1608.05859)
        - [Sennrich & Zhang, 2019](https://arxiv.org/abs/1905.11901)
    """

    def __init__(
        self,
        source_vocabulary_size,
        target_vocabulary_size,
        embedding_dim=128,
        units=256,
        num_layers=1,
        cell="gru",
        bidirectional=False,
        dropout=0.0,
        decoder="seed",
        score_mode="dot",
        use_scale=False,
        combine="add_norm",
        input_feeding=False,
        tie_embeddings=False,
        word_dropout=0.0,
        **kwargs,
    ):
        unknown = set(kwargs) - {"name", "trainable", "dtype"}
        if unknown:
            # keras.Model would drop them silently.
            raise TypeError(
                f"EncoderDecoder got unexpected keyword arguments: "
                f"{sorted(unknown)}"
            )
        # The `model` section's checks: a `ConfigError` (a `ValueError`)
        # naming the bad argument.
        ModelConfig(
            embedding_dim, units, num_layers, cell, bidirectional, dropout,
            decoder, score_mode, use_scale, combine, input_feeding,
            tie_embeddings, word_dropout,
        )  # fmt: skip
        rnn_class = keras.layers.GRU if cell == "gru" else keras.layers.LSTM
        states_per_layer = 2 if cell == "lstm" else 1

        # === Layers ===
        # Tracked attributes only after `super().__init__()` (PyTorch's
        # `torch.nn.Module` refuses sub-modules before it).
        parts = {}
        parts["source_embedding"] = keras.layers.Embedding(
            source_vocabulary_size, embedding_dim, name="source_embedding"
        )
        if tie_embeddings:
            parts["target_embedding"] = keras.layers.ReversibleEmbedding(
                target_vocabulary_size,
                embedding_dim,
                tie_weights=True,
                name="target_embedding",
            )
        else:
            parts["target_embedding"] = keras.layers.Embedding(
                target_vocabulary_size, embedding_dim, name="target_embedding"
            )
        parts["dropout_layer"] = keras.layers.Dropout(dropout, name="dropout")
        # One draw per token, shared by all its embedding dimensions.
        parts["word_dropout_layer"] = keras.layers.Dropout(
            word_dropout, noise_shape=(None, None, 1), name="word_dropout"
        )
        parts["encoder_layers"] = []
        for i in range(num_layers):
            layer = rnn_class(
                units,
                return_sequences=True,
                return_state=True,
                name=f"encoder_{cell}_{i}",
            )
            if bidirectional:
                layer = keras.layers.Bidirectional(
                    layer, name=f"encoder_bidirectional_{i}"
                )
            parts["encoder_layers"].append(layer)
        parts["bridges"] = []
        parts["memory_projection"] = None
        if bidirectional:
            parts["bridges"] = [
                keras.layers.Dense(
                    units, activation="tanh", name=f"bridge_{i}_{j}"
                )
                for i in range(num_layers)
                for j in range(states_per_layer)
            ]
            parts["memory_projection"] = keras.layers.Dense(
                units, use_bias=False, name="memory_projection"
            )
        if decoder == "seed" or input_feeding:
            name = "seed_decoder" if decoder == "seed" else "feeding_decoder"
            step_decoder = (
                SeedDecoder if decoder == "seed" else InputFeedingDecoder
            )
            parts[name] = step_decoder(
                units,
                cell=cell,
                num_layers=num_layers,
                score_mode=score_mode,
                use_scale=use_scale,
                combine=combine,
                name=name,
            )
        else:
            parts["decoder_layers"] = [
                rnn_class(
                    units,
                    return_sequences=True,
                    return_state=True,
                    name=f"decoder_{cell}_{i}",
                )
                for i in range(num_layers)
            ]
            parts["attention"] = DotAttention(
                score_mode=score_mode, use_scale=use_scale, name="attention"
            )
            parts["attention_combine"] = AttentionCombine(
                units, mode=combine, name="attention_combine"
            )
        parts["output_projection"] = None
        if not tie_embeddings:
            parts["output_dense"] = keras.layers.Dense(
                target_vocabulary_size, name="logits"
            )
        elif embedding_dim != units:
            parts["output_projection"] = keras.layers.Dense(
                embedding_dim, name="output_projection"
            )
        for name, part in parts.items():
            object.__setattr__(self, name, part)

        # === Config === (read by the graph below)
        self.source_vocabulary_size = source_vocabulary_size
        self.target_vocabulary_size = target_vocabulary_size
        self.embedding_dim = embedding_dim
        self.units = units
        self.num_layers = num_layers
        self.cell = cell
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.decoder = decoder
        self.score_mode = score_mode
        self.use_scale = use_scale
        self.combine = combine
        self.input_feeding = input_feeding
        self.tie_embeddings = tie_embeddings
        self.word_dropout = word_dropout
        self.states_per_layer = states_per_layer

        # === Functional Model ===
        encoder_token_ids = keras.Input(
            shape=(None,), dtype="int32", name="encoder_token_ids"
        )
        decoder_token_ids = keras.Input(
            shape=(None,), dtype="int32", name="decoder_token_ids"
        )
        memory, memory_mask, states = self.encode(encoder_token_ids)
        logits, _ = self._decode(decoder_token_ids, memory, memory_mask, states)
        super().__init__(
            inputs={
                "encoder_token_ids": encoder_token_ids,
                "decoder_token_ids": decoder_token_ids,
            },
            outputs=logits,
            **kwargs,
        )
        for name, part in parts.items():
            setattr(self, name, part)

    def encode(self, encoder_token_ids, training=False):
        """Runs the encoder.

        Args:
            encoder_token_ids: int tensor `(batch_size, Ts)`, 0 = padding.
            training: bool. Whether dropout is active.

        Returns:
            `(memory, memory_mask, states)`: encoder outputs
            `(batch_size, Ts, units)`, the boolean source mask
            `(batch_size, Ts)`, and the list of the decoder's initial states
            (`num_layers` × `[h]` or `[h, c]`, each `(batch_size, units)`;
            with input feeding, followed by `h~_0`, zeros).
        """
        memory_mask = ops.not_equal(encoder_token_ids, 0)
        x = self.source_embedding(encoder_token_ids)
        x = self.word_dropout_layer(x, training=training)
        x = self.dropout_layer(x, training=training)
        states = []
        for i, layer in enumerate(self.encoder_layers):
            if i > 0:
                x = self.dropout_layer(x, training=training)
            x, *layer_states = layer(x, mask=memory_mask, training=training)
            if self.bidirectional:
                n = self.states_per_layer
                layer_states = [
                    self.bridges[i * n + j](
                        ops.concatenate(
                            [layer_states[j], layer_states[n + j]], axis=-1
                        )
                    )
                    for j in range(n)
                ]
            states.extend(layer_states)
        if self.memory_projection is not None:
            x = self.memory_projection(x)
        if self.input_feeding:
            states.append(ops.zeros_like(states[0]))
        return x, memory_mask, states

    def _step_decoder(self):
        """The `SeedDecoder` or `InputFeedingDecoder` of a step-wise model."""
        if self.decoder == "seed":
            return self.seed_decoder
        return self.feeding_decoder

    def _layer_states(self, states):
        n = self.states_per_layer
        return [
            list(states[i * n : (i + 1) * n]) for i in range(self.num_layers)
        ]

    def _decode(
        self, decoder_token_ids, memory, memory_mask, states, training=False
    ):
        x = self.target_embedding(decoder_token_ids)
        x = self.word_dropout_layer(x, training=training)
        x = self.dropout_layer(x, training=training)
        if self.decoder == "seed" or self.input_feeding:
            x, attention = self._step_decoder()(
                x, states, memory, memory_mask, training=training
            )
        else:
            for i, (layer, layer_states) in enumerate(
                zip(self.decoder_layers, self._layer_states(states))
            ):
                if i > 0:
                    x = self.dropout_layer(x, training=training)
                x, *_ = layer(x, initial_state=layer_states, training=training)
            x, attention = self._luong_attend(x, memory, memory_mask)
        x = self.dropout_layer(x, training=training)
        return self._logits(x), ops.cast(attention, "float32")

    def _luong_attend(self, x, memory, memory_mask):
        """`(combine(c, x), attention)` for `x` `(batch_size, Tt, units)`."""
        context, attention = self.attention(
            [x, memory], mask=[None, memory_mask], return_attention_scores=True
        )
        return self.attention_combine([context, x]), attention

    def _logits(self, x):
        # float32 whatever the policy, for the softmax, loss and searches.
        if self.output_projection is not None:
            x = self.output_projection(x)
        if self.tie_embeddings:
            return ops.cast(self.target_embedding(x, reverse=True), "float32")
        return ops.cast(self.output_dense(x), "float32")

    def call_with_attention(self, inputs, training=False):
        """Like `__call__`, but returns `(logits, attention)`.

        `attention` is `(batch_size, Tt, Ts)`: row t holds the weights the
        decoder put on each source token when predicting target token t.
        """
        memory, memory_mask, states = self.encode(
            inputs["encoder_token_ids"], training=training
        )
        return self._decode(
            inputs["decoder_token_ids"],
            memory,
            memory_mask,
            states,
            training=training,
        )

    def decode_step(self, token_ids, states, memory, memory_mask):
        """Advances the decoder by one token (inference, no dropout).

        Args:
            token_ids: int tensor `(batch_size,)`, the previous tokens.
            states: list of decoder states, as returned by `encode` or by
                the previous `decode_step`.
            memory: `(batch_size, Ts, units)` encoder outputs.
            memory_mask: `(batch_size, Ts)` boolean source mask.

        Returns:
            `(logits, states, attention)`: next-token logits
            `(batch_size, target_vocabulary_size)`, the new states, and the
            attention weights `(batch_size, Ts)` of this step.
        """
        x = self.target_embedding(token_ids)
        if self.decoder == "seed" or self.input_feeding:
            output, new_states = self._step_decoder().step(
                x,
                list(states) + [memory, ops.cast(memory_mask, memory.dtype)],
            )
            x, attention = output[:, : self.units], output[:, self.units :]
            new_states = new_states[:-2]
        else:
            new_states = []
            for layer, layer_states in zip(
                self.decoder_layers, self._layer_states(states)
            ):
                x, layer_states = layer.cell(x, layer_states)
                new_states.extend(layer_states)
            x, attention = self._luong_attend(
                ops.expand_dims(x, 1), memory, memory_mask
            )
            x, attention = x[:, 0], attention[:, 0]
        return self._logits(x), new_states, ops.cast(attention, "float32")

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "source_vocabulary_size": self.source_vocabulary_size,
            "target_vocabulary_size": self.target_vocabulary_size,
            **{
                field.name: getattr(self, field.name)
                for field in dataclasses.fields(ModelConfig)
            },
            # The sub-layers were built under this policy (e.g. a
            # mixed-precision run); `from_config` builds them the same.
            "dtype": self.dtype_policy.name,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        policy = config.pop("dtype", None)
        if policy is None:
            return cls(**config)
        previous = keras.config.dtype_policy()
        keras.config.set_dtype_policy(policy)
        try:
            return cls(**config)
        finally:
            keras.config.set_dtype_policy(previous)
