"""Loads an exported SavedModel the way a server does: no project code.

`FreshProcessLoader` runs it as `python -I serving_client.py SAVED_MODEL_DIR`
with a JSON list of sentences on stdin. It imports only `tensorflow` and
`tensorflow_text` and prints one JSON object: the graph's op types (core,
tensorflow-text, unknown), both signatures' outputs through
`tf.saved_model.load`, and `serving_default`'s through the TF1 session
loader that TF Serving uses."""

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


def to_json(array):
    """A NumPy array as a list (strings flattened and decoded)."""
    if array.dtype == object:
        return [t.decode("utf-8") for t in array.reshape(-1)]
    return array.tolist()


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
    return {name: to_json(value) for name, value in zip(names, values)}


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
        outputs[name] = {k: to_json(v.numpy()) for k, v in result.items()}
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
