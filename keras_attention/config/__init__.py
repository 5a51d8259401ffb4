"""`Config` and its sections (`config.model`, `config.data`, ...)."""

from keras_attention.config.config import Config
from keras_attention.config.data_config import DataConfig
from keras_attention.config.decoding_config import DecodingConfig
from keras_attention.config.distribution_config import DistributionConfig
from keras_attention.config.memory_config import MemoryConfig
from keras_attention.config.model_config import ModelConfig
from keras_attention.config.training_config import TrainingConfig
from keras_attention.config.tuning_config import TuningConfig

__all__ = [
    "Config",
    "DataConfig",
    "DecodingConfig",
    "DistributionConfig",
    "MemoryConfig",
    "ModelConfig",
    "TrainingConfig",
    "TuningConfig",
]
