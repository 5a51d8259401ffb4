"""The `model` section: the `EncoderDecoder` a run trains."""

import dataclasses

from keras_attention.config.section import Section
from keras_attention.config.section import option


@dataclasses.dataclass
class ModelConfig(Section):
    """The `EncoderDecoder` keyword arguments (`EncoderDecoder(**to_dict())`).

    `EncoderDecoder` documents each field; `input_feeding` needs
    `decoder: luong`.
    """

    NAME = "model"

    embedding_dim: int = option(128, minimum=1)
    units: int = option(256, minimum=1)
    num_layers: int = option(1, minimum=1)
    cell: str = option("gru", choices=("gru", "lstm"))
    bidirectional: bool = False
    dropout: float = option(0.0, minimum=0, below=1)
    decoder: str = option("seed", choices=("seed", "luong"))
    score_mode: str = option("dot", choices=("dot", "general"))
    use_scale: bool = False
    combine: str = option("add_norm", choices=("add_norm", "tanh"))
    input_feeding: bool = False
    tie_embeddings: bool = False
    word_dropout: float = option(0.0, minimum=0, below=1)

    def check(self):
        if self.input_feeding and self.decoder != "luong":
            raise self.error(
                "input_feeding",
                "needs decoder: luong (the seed decoder attends before its "
                f"cell). Received: decoder={self.decoder!r}",
            )
