"""The nn operators: shapes from the meta functions, PyTorch's semantics, errors.

Values run on the CPU backend; the operators without a native CPU kernel run
their decompositions there.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import plugboard as pb
from plugboard._dispatch import random as _random

P = pb.ops.pb


def _meta(*shape: int, dtype: pb.DType = pb.float32) -> pb.Tensor:
    return pb.empty(*shape, dtype=dtype, device="meta")


# Meta functions: shapes and dtypes before any device work ------------------------------


@pytest.mark.parametrize(
    ("kwargs", "shape"),
    [
        ({}, (2, 8, 5, 5)),
        ({"stride": 2}, (2, 8, 3, 3)),
        ({"padding": (1, 0)}, (2, 8, 7, 5)),
        ({"dilation": 2, "padding": 2}, (2, 8, 7, 7)),
        ({"stride": (2, 1), "padding": 1}, (2, 8, 4, 7)),
    ],
    ids=str,
)
def test_conv2d_output_shapes(kwargs: dict[str, Any], shape: tuple[int, ...]) -> None:
    y = P.conv2d(_meta(2, 4, 7, 7), _meta(8, 2, 3, 3), groups=2, **kwargs)
    assert (y.shape, y.dtype, y.device) == (shape, pb.float32, pb.device("meta"))


def test_conv2d_same_padding_keeps_the_spatial_size_for_even_kernels() -> None:
    assert P.conv2d_padding(_meta(3, 6, 5), _meta(2, 3, 2, 4), padding="same").shape == (2, 6, 5)
    assert P.conv2d_padding(_meta(1, 3, 6, 5), _meta(2, 3, 3, 3)).shape == (1, 2, 4, 3)


@pytest.mark.parametrize(
    ("size", "kernel", "stride", "padding", "ceil_mode", "out"),
    [(5, 2, 2, 0, False, 2), (5, 2, 2, 0, True, 3), (4, 2, 3, 1, True, 2), (7, 3, 2, 1, True, 4)],
)
def test_pooling_output_sizes_follow_pytorch(size: int, kernel: int, stride: int,
                                             padding: int, ceil_mode: bool, out: int) -> None:
    # With ceil_mode a last window that would start in the right padding is dropped.
    for pool in (P.max_pool2d, P.avg_pool2d):
        y = pool(_meta(1, 2, size, size), kernel, stride, padding, ceil_mode=ceil_mode)
        assert y.shape == (1, 2, out, out)


def test_attention_and_loss_shapes() -> None:
    q, k, v = _meta(2, 8, 5, 16), _meta(2, 2, 7, 16), _meta(2, 2, 7, 4)
    assert P.scaled_dot_product_attention(q, k, v, enable_gqa=True).shape == (2, 8, 5, 4)
    logits, target = _meta(4, 3, 2, 2), pb.empty(4, 2, 2, dtype=pb.int64, device="meta")
    assert P.cross_entropy(logits, target).shape == ()
    assert P.cross_entropy(logits, target, reduction="none").shape == (4, 2, 2)
    indices = pb.empty(3, 5, dtype=pb.int32, device="meta")
    assert P.embedding(indices, _meta(10, 6, dtype=pb.bfloat16)).dtype is pb.bfloat16
    assert P.embedding(indices, _meta(10, 6)).shape == (3, 5, 6)


# softmax, log_softmax ------------------------------------------------------------------


def test_log_softmax_is_exact_for_large_logits() -> None:
    # exp(1000) overflows; log_softmax shifts by the maximum first.
    y = P.log_softmax(pb.tensor([1000.0, 0.0]), 0)
    assert y.tolist() == [0.0, -1000.0]


def test_softmax_dtype_argument_computes_in_that_dtype() -> None:
    x = pb.tensor([[1.0, 2.0, 3.0]], dtype=pb.float16)
    y = P.softmax(x, -1, dtype=pb.float64)
    assert y.dtype is pb.float64
    expected = np.exp([1.0, 2.0, 3.0]) / np.exp([1.0, 2.0, 3.0]).sum()
    np.testing.assert_allclose(y.numpy()[0], expected, rtol=1e-12)
    assert P.log_softmax(x, 1).dtype is pb.float16


# Norms ---------------------------------------------------------------------------------


def test_layer_norm_normalizes_the_trailing_dims() -> None:
    x = np.random.default_rng(0).normal(size=(2, 3, 4))
    w, b = np.linspace(0.5, 2, 12).reshape(3, 4), np.linspace(-1, 1, 12).reshape(3, 4)
    y = P.layer_norm(pb.tensor(x), [3, 4], pb.tensor(w), pb.tensor(b), eps=1e-3)
    mean = x.mean(axis=(1, 2), keepdims=True)
    var = x.var(axis=(1, 2), keepdims=True)  # biased, as PyTorch
    np.testing.assert_allclose(y.numpy(), (x - mean) / np.sqrt(var + 1e-3) * w + b, rtol=1e-12)


def test_rms_norm_default_eps_is_the_computation_dtypes() -> None:
    # PyTorch adds float32's epsilon for float16 inputs (they compute in float32), so tiny
    # inputs still normalize to about 1; float16's own epsilon would give 0.03.
    y = P.rms_norm(pb.full((1, 4), 1e-3, dtype=pb.float16), [4])
    expected = 1e-3 / math.sqrt(1e-6 + float(np.finfo(np.float32).eps))
    np.testing.assert_allclose(y.numpy().astype(np.float64), expected, rtol=1e-3)


_FLOATS = (pb.float16, pb.bfloat16, pb.float32, pb.float64)


@pytest.mark.parametrize("weight_dtype", _FLOATS)
@pytest.mark.parametrize("dtype", _FLOATS)
def test_rms_norm_takes_a_weight_of_any_float_dtype(
    dtype: pb.DType, weight_dtype: pb.DType
) -> None:
    # PyTorch 2.13: normalize in the computation dtype (float32 for float16 and bfloat16),
    # multiply by the weight there (promoted), round once to the input's dtype.
    x = np.array([[1.0, 2.0, 3.0, 4.0], [-0.5, 0.25, 8.0, 1.0]])
    w = np.array([0.1, 1.3, 2.7, -1.9])
    y = P.rms_norm(pb.tensor(x, dtype=dtype), [4], pb.tensor(w, dtype=weight_dtype), 1e-6)
    assert y.dtype is dtype
    xs = x.astype(dtype.numpy).astype(np.float64)
    ws = w.astype(weight_dtype.numpy).astype(np.float64)
    expected = (xs / np.sqrt((xs**2).mean(-1, keepdims=True) + 1e-6) * ws).astype(dtype.numpy)
    np.testing.assert_allclose(y.numpy().astype(np.float64), expected.astype(np.float64),
                               rtol=1e-6 if dtype.itemsize >= 4 else 0, atol=0)
    with pytest.raises(pb.ShapeError, match="weight has shape.*Fix:"):
        P.rms_norm(pb.tensor(x, dtype=dtype), [4], pb.ones(3, dtype=weight_dtype))


def test_batch_norm_inference_and_training() -> None:
    x = np.arange(12.0).reshape(4, 3)
    mean, var = np.array([1.0, 2.0, 3.0]), np.array([1.0, 4.0, 9.0])
    y = P.batch_norm(pb.tensor(x), pb.tensor(mean), pb.tensor(var), eps=0.0)
    np.testing.assert_allclose(y.numpy(), (x - mean) / np.sqrt(var))
    t = P.batch_norm(pb.tensor(x), None, None, training=True, eps=0.0)
    np.testing.assert_allclose(t.numpy(), (x - x.mean(0)) / x.std(0))  # biased batch var


def test_batch_norm_refuses_to_skip_the_running_statistics_update() -> None:
    stats = pb.zeros(3), pb.ones(3)
    with pytest.raises(pb.ArgumentError, match="running_mean=None"):
        P.batch_norm(pb.ones(4, 3), *stats, training=True)
    with pytest.raises(pb.ShapeError, match="more than 1 value per channel"):
        P.batch_norm(pb.ones(1, 3), None, None, training=True)


def test_norm_parameters_may_be_float32_for_reduced_precision_inputs() -> None:
    x = pb.tensor([[1.0, 2.0, 4.0]], dtype=pb.bfloat16)
    y = P.layer_norm(x, [3], pb.ones(3), pb.zeros(3))
    assert y.dtype is pb.bfloat16
    with pytest.raises(pb.DTypeError, match="weight is float64"):
        P.layer_norm(pb.ones(2, 3), [3], pb.ones(3, dtype=pb.float64))


# embedding, dropout --------------------------------------------------------------------


def test_embedding_looks_rows_up_in_input_weight_order() -> None:
    weight = pb.tensor([[0, 1], [10, 11], [20, 21]])
    y = P.embedding(pb.tensor([[2, 0], [1, 1]]), weight, padding_idx=-1)
    assert y.tolist() == [[[20, 21], [0, 1]], [[10, 11], [10, 11]]]
    with pytest.raises(pb.IndexingError, match="out of range"):
        P.embedding(pb.tensor([3]), weight)
    with pytest.raises(pb.DTypeError, match="int64 or int32"):
        P.embedding(pb.tensor([1.0]), weight)


def test_dropout_edge_cases() -> None:
    x = pb.tensor([1.0, float("nan"), -2.0])
    assert np.array_equal(P.dropout(x, 0.9, False).numpy(), x.numpy(), equal_nan=True)
    assert np.array_equal(P.dropout(x, 0.0).numpy(), x.numpy(), equal_nan=True)
    zeros = P.dropout(x, 1.0).numpy()
    assert zeros[0] == 0 and np.isnan(zeros[1]) and zeros[2] == 0  # NaN * 0, as PyTorch
    assert P.dropout(pb.tensor([1, 2]), 0.5, False).tolist() == [1, 2]  # integers, eval
    with pytest.raises(pb.ArgumentError, match="between 0 and 1"):
        P.dropout(x, 1.5)
    with pytest.raises(pb.DTypeError, match="floating"):
        P.dropout(pb.tensor([1, 2]), 0.5)


def test_dropout_keeps_one_minus_p_and_scales_the_kept_values() -> None:
    generator = _random.Generator("cpu")
    generator.manual_seed(7)
    y = P.dropout(pb.full((40000,), 3.0), 0.25, generator=generator).numpy()
    kept = y != 0
    assert abs(kept.mean() - 0.75) < 5 * math.sqrt(0.25 * 0.75 / y.size)
    np.testing.assert_allclose(y[kept], 3.0 / 0.75, rtol=1e-6)


def test_dropout_is_reproducible_for_a_seed() -> None:
    def draw(seed: int) -> np.ndarray:
        generator = _random.Generator("cpu")
        generator.manual_seed(seed)
        return P.dropout(pb.ones(1000), 0.5, generator=generator).numpy()  # type: ignore[no-any-return]

    assert np.array_equal(draw(1), draw(1))
    assert not np.array_equal(draw(1), draw(2))


# conv2d, pooling -----------------------------------------------------------------------


def test_conv2d_same_padding_pads_the_extra_row_and_column_after() -> None:
    x = pb.arange(0, 16, dtype=pb.float32).reshape(1, 1, 4, 4)
    y = P.conv2d_padding(x, pb.ones(1, 1, 2, 2), padding="same")
    assert y.numpy()[0, 0].tolist() == [[10, 14, 18, 10], [26, 30, 34, 18],
                                        [42, 46, 50, 26], [25, 27, 29, 15]]


def test_conv2d_out_form_and_integer_inputs() -> None:
    x = pb.arange(0, 16).reshape(1, 1, 4, 4)
    out = pb.empty(1, 1, 3, 3, dtype=pb.int64)
    assert P.conv2d(x, pb.ones(1, 1, 2, 2, dtype=pb.int64), out=out) is out
    assert out.numpy()[0, 0, 0].tolist() == [10, 14, 18]


def test_avg_pool2d_divisors() -> None:
    x = pb.arange(0, 16, dtype=pb.float32).reshape(1, 1, 4, 4)
    with_pad = P.avg_pool2d(x, 3, 1, 1).numpy()[0, 0]
    without = P.avg_pool2d(x, 3, 1, 1, count_include_pad=False).numpy()[0, 0]
    override = P.avg_pool2d(x, 3, 1, 1, divisor_override=1).numpy()[0, 0]
    assert with_pad[0, 0] == pytest.approx(10 / 9) and without[0, 0] == pytest.approx(2.5)
    assert override[0, 0] == 10
    # int64 averages truncate towards zero, as PyTorch's.
    assert P.avg_pool2d(pb.tensor([[[[-3, 0]]]]), (1, 2)).tolist() == [[[[-1]]]]


def test_max_pool2d_pads_with_minus_infinity_and_propagates_nan() -> None:
    x = pb.tensor([[[[-5.0, -6.0], [-7.0, float("nan")]]]])
    assert P.max_pool2d(x, 2, 1, 1).numpy()[0, 0, 0].tolist() == [-5.0, -5.0, -6.0]
    assert np.isnan(P.max_pool2d(x, 2).item())
    assert P.max_pool2d(pb.tensor([[[[-100, -120]]]], dtype=pb.int8), (1, 2)).item() == -100


# Losses --------------------------------------------------------------------------------


def test_cross_entropy_ignore_index_and_label_smoothing() -> None:
    logits = pb.tensor([[2.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    assert math.isnan(P.cross_entropy(logits[:1], pb.tensor([-100])).item())  # all ignored
    smoothed = P.cross_entropy(logits, pb.tensor([0, 1]), label_smoothing=0.3).item()
    assert smoothed == pytest.approx(0.6955, abs=1e-4)  # PyTorch's value
    logp = np.log(np.exp([2.0, 0.0, 0.0]) / np.exp([2.0, 0.0, 0.0]).sum())
    ignored = P.cross_entropy(logits, pb.tensor([0, 2]), ignore_index=2, reduction="none")
    np.testing.assert_allclose(ignored.numpy(), [-logp[0], 0.0], rtol=1e-6)


def test_cross_entropy_with_class_probabilities() -> None:
    logits = np.array([[1.0, 2.0, 0.5]])
    probs = np.array([[0.2, 0.5, 0.3]])
    logp = logits - np.log(np.exp(logits).sum())
    got = P.cross_entropy(pb.tensor(logits), pb.tensor(probs)).item()
    assert got == pytest.approx(-(logp * probs).sum(), rel=1e-12)


def test_cross_entropy_checks_its_targets() -> None:
    logits = pb.zeros(2, 3)
    with pytest.raises(pb.IndexingError, match="out of bounds") as error:
        P.cross_entropy(logits, pb.tensor([0, 3]))
    assert "Fix:" in str(error.value) and "pb::cross_entropy" in str(error.value)
    with pytest.raises(pb.DTypeError, match="Long or Byte"):
        P.cross_entropy(logits, pb.tensor([0, 1], dtype=pb.int32))
    with pytest.raises(pb.ArgumentError, match="ignore_index is not supported"):
        P.cross_entropy(logits, pb.zeros(2, 3), ignore_index=0)
    assert P.cross_entropy(logits, pb.tensor([0, 1], dtype=pb.uint8)).item() == pytest.approx(
        math.log(3))


def test_mse_loss_reductions_and_broadcast_warning() -> None:
    a, b = pb.tensor([1.0, 2.0, 4.0]), pb.tensor([1.0, 0.0, 1.0])
    assert P.mse_loss(a, b).item() == pytest.approx(13 / 3)
    assert P.mse_loss(a, b, reduction="sum").item() == 13
    assert P.mse_loss(a, b, reduction="none").tolist() == [0, 4, 9]
    with pytest.warns(UserWarning, match="broadcast"):
        P.mse_loss(pb.ones(3, 1), pb.ones(3))


# Attention -----------------------------------------------------------------------------


def _attention(q: np.ndarray, k: np.ndarray, v: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    scores = np.where(allowed, q @ k.T / math.sqrt(q.shape[-1]), -np.inf)
    e = np.exp(scores - scores.max(-1, keepdims=True))
    result: np.ndarray = (e / e.sum(-1, keepdims=True)) @ v
    return result


def test_causal_attention_is_aligned_at_the_top_left() -> None:
    rng = np.random.default_rng(1)
    q, k, v = rng.normal(size=(3, 4)), rng.normal(size=(5, 4)), rng.normal(size=(5, 2))
    y = P.scaled_dot_product_attention(pb.tensor(q), pb.tensor(k), pb.tensor(v), is_causal=True)
    np.testing.assert_allclose(y.numpy(), _attention(q, k, v, np.tri(3, 5, dtype=bool)),
                               rtol=1e-10)


def test_attention_of_a_query_that_sees_no_key_is_zero() -> None:
    mask = pb.tensor([[True, False], [False, False]])
    y = P.scaled_dot_product_attention(pb.ones(2, 3), pb.ones(2, 3), pb.ones(2, 3), mask)
    assert y.tolist() == [[1.0, 1.0, 1.0], [0.0, 0.0, 0.0]]


def test_attention_mask_must_broadcast_to_the_weights() -> None:
    q = pb.ones(8, 4)
    mask = pb.ones(2, 8, 8, dtype=pb.bool)  # a batch the query does not have
    with pytest.raises(pb.ShapeError, match="does not broadcast to the attention weights"):
        P.scaled_dot_product_attention(q, q, q, attn_mask=mask)
    batched = pb.ones(2, 8, 4)
    assert P.scaled_dot_product_attention(batched, batched, batched,
                                          attn_mask=mask[0]).shape == (2, 8, 4)


def test_grouped_query_attention_repeats_each_kv_head() -> None:
    rng = np.random.default_rng(2)
    q, k, v = rng.normal(size=(4, 3, 2)), rng.normal(size=(2, 5, 2)), rng.normal(size=(2, 5, 3))
    y = P.scaled_dot_product_attention(pb.tensor(q), pb.tensor(k), pb.tensor(v),
                                       enable_gqa=True).numpy()
    for head in range(4):
        expected = _attention(q[head], k[head // 2], v[head // 2], np.ones((3, 5), dtype=bool))
        np.testing.assert_allclose(y[head], expected, rtol=1e-10)


def test_errors_name_the_operator_and_the_fix() -> None:
    with pytest.raises(pb.ShapeError) as error:
        P.conv2d(pb.ones(1, 4, 5, 5), pb.ones(8, 3, 3, 3))
    message = str(error.value)
    assert message.startswith("pb::conv2d: ") and "Fix:" in message and "input=float32" in message
    with pytest.raises(pb.ArgumentError, match="at most half"):
        P.max_pool2d(pb.ones(1, 1, 4, 4), 2, padding=2)
    with pytest.raises(pb.DTypeError, match="one dtype"):
        P.scaled_dot_product_attention(pb.ones(2, 2), pb.ones(2, 2, dtype=pb.float64),
                                       pb.ones(2, 2))
