"""Loads an exported SavedModel the way a server does: no project code.

A standalone script, not imported by the library: `FreshProcessLoader`
runs it as `python -I serving_client.py SAVED_MODEL_DIR` with a JSON list
of sentences on stdin. It imports only `tensorflow` and `tensorflow_text`
and prints one JSON object: the graph's op types (which are core
TensorFlow, which come from tensorflow-text, which are unknown), the
outputs of both signatures through `tf.saved_model.load`, and the
`serving_default` outputs through the TF1 session loader that TF Serving
uses.
"""

import json
import sys

import tensorflow as tf
from tensorflow.core.protobuf import saved_model_pb2

# Private TensorFlow API (2.21): the registry of the ops this process
# loaded; no public function says whether an op type is registered.
from tensorflow.python.framework import op_def_registry


def graph_op_types(path):
    """Every op type in the graph and its function library."""
    saved_model = saved_model_pb2.SavedModel()
    with open(f"{path}/saved_model.pb", "rb") as f:
        saved_model.ParseFromString(f.read())
    ops = set()
    functions = set()
    for meta_graph in saved_model.meta_graphs:
        graph = meta_graph.graph_def
        ops.update(node.op for node in graph.node)
        for function in graph.library.function:
            functions.add(function.signature.name)
            ops.update(node.op for node in function.node_def)
    return sorted(ops - functions)


def registered(ops):
    return {op for op in ops if op_def_registry.get(op) is not None}


def to_json(value):
    if value.dtype == tf.string:
        return [t.decode("utf-8") for t in value.numpy().reshape(-1)]
    return value.numpy().tolist()


def session_outputs(path, sentences):
    """`serving_default` through `tf.compat.v1.saved_model.loader.load`."""
    graph = tf.Graph()
    with tf.compat.v1.Session(graph=graph) as session:
        meta_graph = tf.compat.v1.saved_model.loader.load(
            session, ["serve"], path
        )
        signature = meta_graph.signature_def["serving_default"]
        feed = {signature.inputs["text"].name: sentences}
        names = sorted(signature.outputs)
        fetches = [signature.outputs[name].name for name in names]
        values = session.run(fetches, feed_dict=feed)
    result = {}
    for name, value in zip(names, values):
        if value.dtype == object:
            result[name] = [t.decode("utf-8") for t in value.reshape(-1)]
        else:
            result[name] = value.tolist()
    return result


def main():
    path = sys.argv[1]
    sentences = json.load(sys.stdin)
    ops = graph_op_types(path)
    core = registered(ops)
    import tensorflow_text  # noqa: F401  (registers its ops)

    with_text = registered(ops)
    loaded = tf.saved_model.load(path)
    outputs = {}
    for name in ("serving_default", "greedy"):
        function = loaded.signatures[name]
        result = function(text=tf.constant(sentences, tf.string))
        outputs[name] = {key: to_json(value) for key, value in result.items()}
    report = {
        "modules": sorted(
            m for m in sys.modules if m.split(".")[0] == "keras_attention"
        ),
        "ops": ops,
        "core_ops": sorted(core),
        "text_ops": sorted(with_text - core),
        "unknown_ops": sorted(set(ops) - with_text),
        "outputs": outputs,
        "session": session_outputs(path, sentences),
    }
    json.dump(report, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
