"""The task: the runner that trains, evaluates, exports and tunes a `Config`.

`Trainer` runs the stages of `keras_attention.task.stages` in order;
`RunDirectory` reads and writes a run's files; `LoadedModel` is a trained
run or an exported SavedModel to evaluate.
"""
