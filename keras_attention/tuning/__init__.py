"""Keras Tuner search over `Config` fields (see docs/tuning.md)."""
