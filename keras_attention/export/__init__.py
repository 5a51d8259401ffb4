"""Export for TensorFlow Serving: `SavedModelExporter`."""

from keras_attention.export.fresh_process_loader import FreshProcessLoader
from keras_attention.export.saved_model_exporter import SavedModelExporter

__all__ = ["FreshProcessLoader", "SavedModelExporter"]
