"""Translates with an exported SavedModel in a process with no project code.

A standalone script run by `benchmarks/quality.py` as
`python -I benchmarks/export_client.py SAVED_MODEL_DIR` (isolated mode: no
script directory or `PYTHONPATH` on the path), with a JSON object
`{"sentences": [...], "batch_size": 64, "signatures": [...]}` on stdin. It
imports only `tensorflow` and `tensorflow_text`, as TF Serving would, runs
each signature over the sentences in batches (after one warm-up batch)
and prints one JSON object: per signature the translations, the timed
seconds and sentences/second; the project modules it imported (none); and
its peak RSS.
"""

import json
import resource
import sys
import time

import tensorflow as tf
import tensorflow_text  # noqa: F401  (registers the ops the graph uses)


def translate(function, sentences, batch_size):
    batches = [
        tf.constant(sentences[i : i + batch_size], tf.string)
        for i in range(0, len(sentences), batch_size)
    ]
    function(text=batches[0])  # warm-up: first-call initialisation
    start = time.perf_counter()
    outputs = [function(text=batch)["translation"].numpy() for batch in batches]
    seconds = time.perf_counter() - start
    texts = [t.decode("utf-8") for batch in outputs for t in batch]
    return texts, seconds


def main():
    request = json.load(sys.stdin)
    sentences = request["sentences"]
    loaded = tf.saved_model.load(sys.argv[1])
    report = {"signatures": {}}
    for name in request["signatures"]:
        texts, seconds = translate(
            loaded.signatures[name], sentences, request["batch_size"]
        )
        report["signatures"][name] = {
            "translations": texts,
            "seconds": round(seconds, 3),
            "sentences_per_second": round(len(sentences) / seconds, 1),
        }
    report["project_modules"] = sorted(
        m for m in sys.modules if m.split(".")[0] == "keras_attention"
    )
    # Linux reports kilobytes.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report["peak_rss_mb"] = round(peak / 1024)
    json.dump(report, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
