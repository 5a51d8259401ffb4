import numpy as np
import pytest
import tensorflow as tf
from scripted_model import END
from scripted_model import START
from scripted_model import VOCABULARY_SIZE
from scripted_model import A
from scripted_model import B
from scripted_model import Bigram
from scripted_model import PrefixTree

from keras_attention.decoding.beam_search import BeamSearch
from keras_attention.decoding.greedy_search import GreedySearch


def run(search, next_fn, max_length, batch_size=1):
    result = search(
        next_fn,
        tf.fill([batch_size], START),
        next_fn.initial_state(batch_size),
        max_length,
    )
    return {key: value.numpy() for key, value in result.items()}


# Greedy takes A (0.5) then END (0.4): 0.20. The beam keeps B (0.4), whose
# END (0.9) gives 0.36.
GREEDY_TRAP = {
    (): {A: 0.5, B: 0.4, END: 0.1},
    (A,): {A: 0.3, B: 0.3, END: 0.4},
    (B,): {END: 0.9, A: 0.1},
}


def test_beam_finds_what_greedy_misses():
    tree = PrefixTree(GREEDY_TRAP)
    greedy = run(GreedySearch(END), tree, 5)
    np.testing.assert_array_equal(greedy["ids"], [[A, END]])
    np.testing.assert_allclose(greedy["scores"], [np.log(0.5 * 0.4)], 1e-6)

    beam = run(BeamSearch(END, beam_width=2, length_penalty=0.0), tree, 5)
    np.testing.assert_array_equal(beam["ids"], [[B, END]])
    np.testing.assert_array_equal(beam["lengths"], [1])
    np.testing.assert_allclose(beam["scores"], [np.log(0.4 * 0.9)], 1e-6)
    np.testing.assert_allclose(beam["normalized_scores"], beam["scores"])
    # The attention follows the chosen hypothesis's own history: the root,
    # then the node after B (not the node after A that greedy visited).
    np.testing.assert_array_equal(
        beam["attention"][0], tree.attention_of([(), (B,)])
    )


def test_finished_hypotheses_are_frozen_not_extended():
    # END first (0.44) finishes at step 1 and must survive two more steps
    # against A A END (0.405). After END the tree would continue with A at
    # 0.999: extending a finished hypothesis would be visible.
    tree = PrefixTree(
        {
            (): {A: 0.5, END: 0.44, B: 0.06},
            (A,): {A: 0.9, END: 0.1},
            (A, A): {END: 0.9, A: 0.1},
        }
    )
    beam = run(BeamSearch(END, beam_width=2, length_penalty=0.0), tree, 10)
    np.testing.assert_array_equal(beam["ids"], [[END, 0, 0]])
    np.testing.assert_array_equal(beam["lengths"], [0])
    np.testing.assert_allclose(beam["scores"], [np.log(0.44)], 1e-6)
    # Attention after the end token is zero.
    np.testing.assert_array_equal(beam["attention"][0, 1:], 0.0)


# A finished hypothesis pushed out of the beam (k=2): step 0 gives A 0.7 and
# END 0.2; step 1 extends A to AA 0.34 and AB 0.34, which outrank END; every
# later hypothesis ends below 0.2 (AA END 0.17, AB END 0.136). A search that
# lets open hypotheses push finished ones out of the beam returned AA END
# (0.17).
PUSHED_OUT = {
    (): {A: 0.7, END: 0.2, B: 0.1},
    (A,): {A: 0.34 / 0.7, B: 0.34 / 0.7, END: 0.02 / 0.7},
    (A, A): {END: 0.5, A: 0.3, B: 0.2},
    (A, B): {END: 0.4, A: 0.3, B: 0.3},
}


def test_a_finished_hypothesis_is_never_pushed_out():
    tree = PrefixTree(PUSHED_OUT)
    beam = run(BeamSearch(END, beam_width=2, length_penalty=0.0), tree, 10)
    np.testing.assert_array_equal(beam["ids"], [[END, 0, 0]])
    np.testing.assert_array_equal(beam["lengths"], [0])
    np.testing.assert_allclose(beam["scores"], [np.log(0.2)], 1e-6)
    # The open hypotheses ran two more steps and found only worse ones.
    assert np.log(0.5 * 0.34) < beam["scores"][0]
    np.testing.assert_array_equal(
        beam["attention"][0], tree.attention_of([()]).tolist() + [[0] * 5] * 2
    )


LENGTH_TRADE_OFF = {
    (): {END: 0.45, A: 0.55},
    (A,): {A: 0.9, END: 0.1},
    (A, A): {END: 0.9, A: 0.1},
}


@pytest.mark.parametrize(
    "alpha, ids, probability, length",
    [
        # 0.45 beats 0.55 * 0.9 * 0.9 = 0.4455 on raw probability...
        (0.0, [END, 0, 0], 0.45, 1),
        # ...but log(0.4455) / ((5 + 3) / 6) > log(0.45) / ((5 + 1) / 6).
        (1.0, [A, A, END], 0.4455, 3),
    ],
)
def test_length_penalty_changes_the_winner(alpha, ids, probability, length):
    tree = PrefixTree(LENGTH_TRADE_OFF)
    search = BeamSearch(END, beam_width=2, length_penalty=alpha)
    beam = run(search, tree, 10)
    np.testing.assert_array_equal(beam["ids"], [ids])
    np.testing.assert_allclose(beam["scores"], [np.log(probability)], 1e-6)
    penalty = ((5 + length) / 6) ** alpha
    np.testing.assert_allclose(
        beam["normalized_scores"], [np.log(probability) / penalty], 1e-6
    )


# With alpha 1, END (0.5) ties the open A (0.49999) at length 1, but A A END
# (0.49 at length 3) scores log(0.49) / (8 / 6) = -0.535 > log(0.5).
LATE_WINNER = {
    (): {END: 0.5, A: 0.49999, B: 0.00001},
    (A,): {A: 0.99, END: 0.01},
    (A, A): {END: 0.99, A: 0.01},
}


@pytest.mark.parametrize(
    "stopping, ids, probability",
    [
        ("exact", [[A, A, END]], 0.49999 * 0.99 * 0.99),
        # Stops after the first step: END beats A at its current length.
        ("heuristic", [[END]], 0.5),
    ],
)
def test_heuristic_stopping_stops_at_the_current_length(
    stopping, ids, probability
):
    search = BeamSearch(
        END, beam_width=2, length_penalty=1.0, stopping=stopping
    )
    beam = run(search, PrefixTree(LATE_WINNER), 10)
    np.testing.assert_array_equal(beam["ids"], ids)
    np.testing.assert_allclose(beam["scores"], [np.log(probability)], 1e-6)


@pytest.mark.parametrize("tree", [GREEDY_TRAP, PUSHED_OUT, LENGTH_TRADE_OFF])
def test_without_length_penalty_both_stoppings_agree(tree):
    results = [
        run(
            BeamSearch(END, beam_width=2, length_penalty=0.0, stopping=s),
            PrefixTree(tree),
            10,
        )
        for s in ("exact", "heuristic")
    ]
    for key in results[0]:
        np.testing.assert_array_equal(results[0][key], results[1][key])


def test_batch_with_different_max_lengths():
    # A (0.9) forever: only the length limit stops a sentence.
    table = np.log(np.full((6, VOCABULARY_SIZE, VOCABULARY_SIZE), 1e-9))
    table[:, :, A] = np.log(0.9)
    table[:, :, END] = np.log(0.1)
    bigram = Bigram(table)
    beam = run(
        BeamSearch(END, beam_width=3, length_penalty=0.0), bigram, [2, 4, 0], 3
    )
    np.testing.assert_array_equal(
        beam["ids"], [[A, A, 0, 0], [A, A, A, A], [0, 0, 0, 0]]
    )
    np.testing.assert_array_equal(beam["lengths"], [2, 4, 0])
    np.testing.assert_allclose(
        beam["scores"], [2 * np.log(0.9), 4 * np.log(0.9), 0.0], 1e-6
    )
    assert beam["attention"].shape == (3, 4, VOCABULARY_SIZE)


@pytest.mark.parametrize("alpha", [0.0, 0.6])
def test_width_one_equals_greedy_on_scripted_logits(alpha):
    table = np.random.default_rng(7).normal(
        0.0, 2.0, (8, VOCABULARY_SIZE, VOCABULARY_SIZE)
    )
    table[:, :, END] -= 1.5
    bigram = Bigram(table)
    max_length = [8, 3, 5, 1, 0, 7]
    greedy = run(GreedySearch(END), bigram, max_length, 6)
    beam = run(
        BeamSearch(END, beam_width=1, length_penalty=alpha),
        bigram,
        max_length,
        6,
    )
    # Some sentences end, some hit their limit.
    assert len(set(greedy["lengths"])) >= 3
    for key in ("ids", "lengths", "scores", "attention"):
        np.testing.assert_array_equal(beam[key], greedy[key], err_msg=key)


def test_empty_batch():
    tree = PrefixTree(GREEDY_TRAP)
    beam = run(
        BeamSearch(END, beam_width=3, length_penalty=0.0), tree, 5, batch_size=0
    )
    assert beam["ids"].shape == (0, 0)
    assert beam["scores"].shape == (0,)
    greedy = run(GreedySearch(END), tree, 5, batch_size=0)
    assert greedy["ids"].shape == (0, 0)


def test_runs_in_a_tf_function():
    tree = PrefixTree(GREEDY_TRAP)
    search = BeamSearch(END, beam_width=2, length_penalty=0.0)

    @tf.function(input_signature=[tf.TensorSpec([None], tf.int32)])
    def decode(max_length):
        batch_size = tf.shape(max_length)[0]
        start = tf.fill([batch_size], START)
        return search(tree, start, tree.initial_state(batch_size), max_length)

    result = decode(tf.constant([5, 1]))
    np.testing.assert_array_equal(result["ids"], [[B, END], [A, 0]])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"beam_width": 0}, "'decoding.beam_width' must be >= 1"),
        ({"beam_width": 2.0}, "'decoding.beam_width' expects int"),
        ({"length_penalty": -1.0}, "'decoding.length_penalty' must be >= 0"),
        ({"stopping": "early"}, "'decoding.beam_stopping' must be one of"),
    ],
)
def test_invalid_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        BeamSearch(END, **kwargs)


def test_width_one_equals_greedy_on_the_tiny_model(tiny_run):
    from keras_attention.decoding.translator import Translator

    translator = Translator(
        tiny_run.model,
        tiny_run.source_tokenizer,
        tiny_run.target_tokenizer,
        max_decode_length=tiny_run.config.decoding.max_decode_length,
        beam_width=1,
    )
    texts = tf.constant(tiny_run.splits["test"][0][:48])
    greedy = translator.translate(texts)
    beam = translator.translate_beam(texts)
    for key in ("translation", "token_ids", "lengths", "source_lengths"):
        np.testing.assert_array_equal(
            beam[key].numpy(), greedy[key].numpy(), err_msg=key
        )
    # Greedy steps only the open rows: the same arithmetic on fewer rows,
    # equal up to float rounding.
    for key in ("scores", "attention"):
        np.testing.assert_allclose(
            beam[key].numpy(), greedy[key].numpy(), atol=1e-6, err_msg=key
        )


def brute_force(table, max_length, alpha):
    """The best sequence under `Bigram(table)` by enumeration."""
    log_probs = table - np.log(np.exp(table).sum(-1, keepdims=True))
    best = (-np.inf, None, None)
    frontier = [((), 0.0)]
    for step in range(max_length):
        extended = []
        previous_step = frontier
        for prefix, score in previous_step:
            previous = prefix[-1] if prefix else START
            for token in range(VOCABULARY_SIZE):
                total = score + log_probs[step, previous, token]
                sequence = prefix + (token,)
                if token == END or step + 1 == max_length:
                    penalty = ((5 + len(sequence)) / 6) ** alpha
                    if total / penalty > best[0]:
                        best = (total / penalty, sequence, total)
                else:
                    extended.append((sequence, total))
        frontier = extended
    return best


@pytest.mark.parametrize(
    "seed, alpha, expected",
    [
        (1, 0.0, (END,)),
        (2, 0.0, (0, A, A, B)),  # no end token: cut at the limit
        (3, 0.0, (A, B, END)),  # greedy: A B A 0
        (5, 0.0, (B, END)),  # greedy: A A A B
        (5, 1.0, (A, A, END)),
        (7, 1.0, (START, START, START, 0)),  # alpha 0: END
    ],
)
def test_an_exhaustive_beam_finds_the_best_sequence(seed, alpha, expected):
    max_length = 4
    table = np.random.default_rng(seed).normal(
        0.0, 1.0, (max_length, VOCABULARY_SIZE, VOCABULARY_SIZE)
    )
    table[:, :, END] -= 1.0
    normalized, sequence, total = brute_force(table, max_length, alpha)
    assert sequence == expected
    # Wide enough to keep every prefix: the search is then exact.
    search = BeamSearch(
        END, beam_width=VOCABULARY_SIZE**max_length, length_penalty=alpha
    )
    beam = run(search, Bigram(table), max_length)
    assert tuple(beam["ids"][0, : len(sequence)]) == sequence
    assert beam["lengths"][0] == len(sequence) - (sequence[-1] == END)
    np.testing.assert_allclose(beam["scores"], [total], 1e-5)
    np.testing.assert_allclose(beam["normalized_scores"], [normalized], 1e-5)
