"""Where and in what precision a model trains: tf.distribute, dtype policy."""

import contextlib
import json
import math
import os
import re

import keras
import tensorflow as tf

from keras_attention.config import DistributionConfig
from keras_attention.config_error import ConfigError
from keras_attention.usage_error import UsageError
from keras_attention.worker_lost_error import WorkerLostError

# Errors a collective raises when a peer worker is gone (aborted by the
# health check, restarted, timed out).
LOST_WORKER_ERRORS = (
    tf.errors.UnavailableError,
    tf.errors.DeadlineExceededError,
    tf.errors.FailedPreconditionError,
    tf.errors.CancelledError,
    tf.errors.AbortedError,
)

# How TensorFlow names a task in its errors.
PEER = r"/job:\w+/replica:\d+/task:\d+"


class Distribution:
    """The `tf.distribute` strategy and dtype policy a `Config` asks for.

    Build and compile the model under `scope()`, then call
    `prepare_for_fit(model, dataset)` before `model.fit`. The datasets'
    batch size is the global batch, split over `num_replicas` replicas.

    Strategies (`distribution`):

    - `"auto"`: `"multi_worker"` when `TF_CONFIG` names more than one
      task, `"mirrored"` with more than one GPU, else TensorFlow's default
      strategy.
    - `"mirrored"`: `MirroredStrategy` over every GPU (or logical CPU).
    - `"multi_worker"`: `MultiWorkerMirroredStrategy` over the cluster in
      `TF_CONFIG`, created before TensorFlow runs any op. The chief (task
      `chief`, else `worker` 0) writes the run directory; every worker
      reads the whole corpus and keeps its share of every batch.
    - `"one_device"`: `OneDeviceStrategy` on the first GPU, else the CPU.

    `mixed_precision` `"mixed_float16"` or `"mixed_bfloat16"` is Keras'
    dtype policy while the model is built (`"none"`: float32).

    Args:
        distribution: str. One of `DistributionConfig.STRATEGIES`.
            Defaults to `"auto"`.
        mixed_precision: str. One of `DistributionConfig.PRECISIONS`.
            Defaults to `"none"`.

    Attributes:
        name: str, the strategy in use: `"default"`, `"mirrored"`,
            `"multi_worker"` or `"one_device"`.
        strategy: the `tf.distribute.Strategy`.
        num_replicas: int, replicas in sync over all workers.
        num_workers: int, worker processes (1 unless multi-worker).
        worker_index: int, this process's index among the workers (the
            chief is 0).
        is_chief: bool, whether this process writes the run directory.

    Example:

    ```python
    distribution = Distribution("mirrored", "mixed_bfloat16")
    with distribution.scope():
        model = EncoderDecoder(100, 120, units=32)
        model.compile(optimizer="adam", loss=...)
    distribution.prepare_for_fit(model, dataset)
    model.fit(distribution.shard(dataset))
    ```
    """

    def __init__(self, distribution="auto", mixed_precision="none"):
        # Raises a `ConfigError` naming a bad argument.
        DistributionConfig(distribution, mixed_precision)
        self.mixed_precision = mixed_precision
        tf_config = _tf_config()
        gpus = tf.config.list_physical_devices("GPU")
        if distribution == "auto":
            if _cluster_size(tf_config) > 1:
                distribution = "multi_worker"
            elif len(gpus) > 1:
                distribution = "mirrored"
            else:
                distribution = "default"
        self.name = distribution
        self.num_workers = 1
        self.worker_index = 0
        self.is_chief = True
        if distribution == "multi_worker":
            self.strategy = tf.distribute.MultiWorkerMirroredStrategy()
            resolver = self.strategy.cluster_resolver
            self.num_workers = max(_cluster_size(tf_config), 1)
            task_type, task_id = resolver.task_type, resolver.task_id or 0
            jobs = resolver.cluster_spec().jobs
            # Workers are numbered after the chief when there is one.
            self.worker_index = task_id + (
                1 if task_type == "worker" and "chief" in jobs else 0
            )
            self.is_chief = task_type in (None, "chief") or (
                task_type == "worker" and task_id == 0 and "chief" not in jobs
            )
        elif distribution == "mirrored":
            logical = tf.config.list_logical_devices
            devices = logical("GPU") or logical("CPU")
            self.strategy = tf.distribute.MirroredStrategy(
                [d.name for d in devices]
            )
        elif distribution == "one_device":
            self.strategy = tf.distribute.OneDeviceStrategy(
                "/gpu:0" if gpus else "/cpu:0"
            )
        else:
            self.strategy = tf.distribute.get_strategy()
        self.num_replicas = self.strategy.num_replicas_in_sync

    @classmethod
    def from_config(cls, config):
        """The `Distribution` of a `Config`'s `distribution` section."""
        distribution = cls(
            config.distribution.strategy, config.distribution.mixed_precision
        )
        if distribution.num_workers > 1 and config.training.max_train_seconds:
            # Each worker reads its own clock: they would stop after
            # different batches and wait for each other forever.
            raise ConfigError(
                "max_train_seconds",
                "cannot be used with distribution 'multi_worker' (the "
                "workers would stop after different batches). Received: "
                f"max_train_seconds={config.training.max_train_seconds!r}",
            )
        distribution.per_replica_batch_size(config.training.batch_size)
        return distribution

    @property
    def dtype_policy(self):
        """The Keras dtype policy name the model is built with."""
        if self.mixed_precision == "none":
            return keras.config.dtype_policy().name
        return self.mixed_precision

    def per_replica_batch_size(self, batch_size):
        """The pairs each replica gets of a global batch of `batch_size`."""
        if batch_size % self.num_replicas:
            raise ConfigError(
                "batch_size",
                f"is the global batch and must be divisible by the "
                f"{self.num_replicas} replicas of distribution "
                f"'{self.name}'. Received: batch_size={batch_size}",
            )
        return batch_size // self.num_replicas

    def describe(self, batch_size, batch_sizes=None):
        """One line for the training log: strategy, replicas, batch sizes.

        Args:
            batch_size: int, the config's (global) batch size.
            batch_sizes: `[size, count]` pairs of the global batches of
                one epoch, or `None`; given, this worker's share of the
                pairs is counted.
        """
        line = (
            f"Distribution: {self.name} ({type(self.strategy).__name__}), "
            f"{self.num_workers} worker(s), {self.num_replicas} replica(s) "
            f"in sync, precision {self.dtype_policy}; global batch "
            f"{batch_size} = {self.num_replicas} x "
            f"{self.per_replica_batch_size(batch_size)} per replica"
        )
        if self.num_workers > 1:
            role = "chief" if self.is_chief else "worker"
            line += f"; this is worker {self.worker_index} ({role})"
            if batch_sizes is not None:
                share = self.worker_pairs(batch_sizes)
                pairs = sum(size * n for size, n in batch_sizes)
                line += (
                    f", training on {share} of {pairs} pairs per epoch "
                    f"({sum(n for _, n in batch_sizes)} steps)"
                )
        return line

    def worker_pairs(self, batch_sizes):
        """The pairs of one epoch this worker trains on.

        Each global batch of `b` pairs is cut into `num_replicas` slices of
        `ceil(b / num_replicas)` dealt out to the workers in turn.

        Args:
            batch_sizes: `[size, count]` pairs of the global batches of
                one epoch.

        Returns:
            int.
        """
        replicas = range(self.worker_index, self.num_replicas, self.num_workers)
        total = 0
        for size, count in batch_sizes:
            width = math.ceil(size / self.num_replicas)
            share = sum(min(max(size - r * width, 0), width) for r in replicas)
            total += share * count
        return total

    @contextlib.contextmanager
    def scope(self):
        """Build and compile the model in here: strategy and dtype policy."""
        previous = keras.config.dtype_policy()
        if self.mixed_precision != "none":
            keras.config.set_dtype_policy(self.mixed_precision)
        try:
            with self.strategy.scope():
                yield
        finally:
            keras.config.set_dtype_policy(previous)

    def shard(self, dataset):
        """`dataset` sharded by data over workers (a generator has no files)."""
        options = tf.data.Options()
        options.experimental_distribute.auto_shard_policy = (
            tf.data.experimental.AutoShardPolicy.DATA
        )
        return dataset.with_options(options)

    def prepare_for_fit(self, model, dataset):
        """Lets `model.fit`/`evaluate` run under this strategy (Keras 3.15).

        Keras 3.15's TensorFlow trainer builds the model's state from the
        first batch reduced with `strategy.reduce("MEAN", batch)`, which
        fails under `MultiWorkerMirroredStrategy` ("unsupported type
        PerReplica"); here the model, loss, metrics and optimizer are built
        from `dataset.element_spec` instead. In multi-worker mode the
        trainer also reduces each step's scalar logs with
        `strategy.reduce("MEAN", value, axis=0)`, which fails on scalars:
        the steps return them as `(1,)` tensors.

        Keras has no public hook for either: this replaces the model's
        private `_maybe_symbolic_build`, calls `_symbolic_build` and wraps
        `train_step`/`test_step` on the instance. `tests/distribution_test.py`
        (`test_keras_trainer_internals_that_prepare_for_fit_replaces`)
        pins that behaviour and fails when Keras changes it. Does nothing
        under the default strategy.

        Args:
            model: a compiled `keras.Model` built under `scope()`.
            dataset: a `tf.data.Dataset` of `(inputs, labels,
                sample_weight)` batches like the ones `fit` gets.
        """
        if self.name == "default":
            return
        spec = dataset.element_spec

        def symbolic_build(iterator=None, data_batch=None):
            with self.strategy.scope():
                model._symbolic_build(data_batch=spec)

        symbolic_build()
        # Keras' fit and evaluate call it: the specs, not a reduced batch.
        model._maybe_symbolic_build = symbolic_build
        if self.name == "multi_worker":
            model.train_step = _logs_as_vectors(model.train_step)
            model.test_step = _logs_as_vectors(model.test_step)

    @contextlib.contextmanager
    def lost_workers(self):
        """Turns a collective failure into a `WorkerLostError`."""
        try:
            yield
        except LOST_WORKER_ERRORS as error:
            if self.name != "multi_worker":
                raise
            peers = sorted(set(re.findall(PEER, str(error))))
            raise WorkerLostError(
                f"multi_worker: lost contact with another worker "
                f"({', '.join(peers) or 'unknown peer'}: "
                f"{type(error).__name__}); training stopped. Restart every "
                f"worker with the same command."
            ) from error


def _logs_as_vectors(step):
    def step_with_vector_logs(data):
        return {
            name: keras.ops.reshape(value, (1,))
            for name, value in step(data).items()
        }

    return step_with_vector_logs


def _tf_config():
    text = os.environ.get("TF_CONFIG")
    if not text:
        return {}
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise UsageError(
            f"TF_CONFIG: expected JSON like "
            f'{{"cluster": {{"worker": ["host1:port", "host2:port"]}}, '
            f'"task": {{"type": "worker", "index": 0}}}}. Received: '
            f"{text!r} ({error})"
        ) from None


def _cluster_size(tf_config):
    cluster = tf_config.get("cluster", {})
    return sum(len(cluster.get(job, [])) for job in ("chief", "worker"))


def every_replica(strategy, values):
    """`values` (ints) of every replica of `strategy`, in replica order."""
    count = strategy.num_replicas_in_sync

    def rows():
        replica = tf.distribute.get_replica_context().replica_id_in_sync_group
        one_hot = tf.one_hot(replica, count, dtype=tf.float64)
        return one_hot[:, None] * tf.constant(values, tf.float64)[None, :]

    # One collective: the sum of one row per replica.
    table = tf.function(
        lambda: strategy.reduce("SUM", strategy.run(rows), axis=None)
    )()
    return [[int(v) for v in row] for row in table.numpy().tolist()]
