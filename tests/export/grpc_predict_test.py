"""A TF Serving gRPC PredictRequest, answered by the exported signature.

`tensorflow-serving-api` (the client protos and stub, no server) installs
next to tensorflow 2.21 without changing it; the test is skipped where it
is not installed. There is no `tensorflow_model_server` here, so a minimal
in-process `PredictionService` plays the server: it converts the request's
TensorProtos to tensors, calls the signature the request names, and
converts the outputs back, as the real server does.
"""

import concurrent.futures

import numpy as np
import pytest
import tensorflow as tf

predict_pb2 = pytest.importorskip("tensorflow_serving.apis.predict_pb2")
service = pytest.importorskip(
    "tensorflow_serving.apis.prediction_service_pb2_grpc"
)
grpc = pytest.importorskip("grpc")

SENTENCES = ["나는 학생 입니다.", "", "그는 의사 입니다."]


class _SavedModelService(service.PredictionServiceServicer):
    def __init__(self, loaded):
        self.loaded = loaded

    def Predict(self, request, context):
        name = request.model_spec.signature_name or "serving_default"
        function = self.loaded.signatures[name]
        inputs = {
            key: tf.constant(tf.make_ndarray(proto))
            for key, proto in request.inputs.items()
        }
        response = predict_pb2.PredictResponse()
        response.model_spec.CopyFrom(request.model_spec)
        for key, value in function(**inputs).items():
            if key in request.output_filter or not request.output_filter:
                response.outputs[key].CopyFrom(
                    tf.make_tensor_proto(value.numpy())
                )
        return response


@pytest.fixture(scope="module")
def channel(serving):
    server = grpc.server(concurrent.futures.ThreadPoolExecutor(max_workers=1))
    service.add_PredictionServiceServicer_to_server(
        _SavedModelService(serving), server
    )
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        yield channel
    server.stop(grace=None)


def make_request(signature_name):
    # The client snippet of the README's Serving section.
    request = predict_pb2.PredictRequest()
    request.model_spec.name = "tiny"
    request.model_spec.signature_name = signature_name
    request.inputs["text"].CopyFrom(
        tf.make_tensor_proto(SENTENCES, dtype=tf.string)
    )
    return request


@pytest.mark.parametrize(
    "signature_name, method",
    [("serving_default", "translate_beam"), ("greedy", "translate")],
)
def test_predict_request_round_trip(
    channel, tiny_export, signature_name, method
):
    stub = service.PredictionServiceStub(channel)
    response = stub.Predict(make_request(signature_name), timeout=120)
    translations = [
        t.decode("utf-8")
        for t in tf.make_ndarray(response.outputs["translation"])
    ]
    expected = getattr(tiny_export.exporter.translator, method)(
        tf.constant(SENTENCES)
    )
    assert translations == [
        t.decode("utf-8") for t in expected["translation"].numpy()
    ]
    assert set(response.outputs) == set(expected)
    np.testing.assert_array_equal(
        tf.make_ndarray(response.outputs["token_ids"]), expected["token_ids"]
    )
    attention = tf.make_ndarray(response.outputs["attention"])
    assert attention.shape == tuple(expected["attention"].shape)
