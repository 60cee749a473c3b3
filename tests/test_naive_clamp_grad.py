"""naive.bce_log_clamp_grad_logits: PyTorch's BCELoss gradient through a sigmoid (notebook 07)."""
import numpy as np
import pytest

from celearn import naive
from celearn.activations import sigmoid


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_equals_sigmoid_minus_t_while_p_times_1_minus_p_exceeds_eps(dtype):
    z = np.linspace(-15, 15, 301).astype(dtype)
    for t in (0.0, 1.0, 0.3):
        got = naive.bce_log_clamp_grad_logits(np.full_like(z, t), z)
        assert got.dtype == dtype
        np.testing.assert_allclose(got, sigmoid(z) - dtype(t), rtol=1e-5 if dtype == np.float32 else 1e-12,
                                   atol=1e-7 if dtype == np.float32 else 1e-15)


@pytest.mark.parametrize("dtype, z_sat", [(np.float32, 16.64), (np.float64, 36.74)])
def test_exactly_zero_once_sigmoid_rounds_to_one(dtype, z_sat):
    z = np.array([z_sat, 40.0, 1000.0], dtype=dtype)
    assert np.all(naive.sigmoid(z) == 1)
    assert np.all(naive.bce_log_clamp_grad_logits(np.zeros_like(z), z) == 0)
    assert np.all(naive.binary_cross_entropy_log_clamp(0.0, naive.sigmoid(z), reduction="none") == 100)


def test_shrinks_between_the_eps_and_saturation_in_float64():
    # p(1 - p) = 9.3e-14 < 1e-12 at z = 30: the gradient is (p - t) p(1 - p) / 1e-12, not 1
    z = 30.0
    p = float(naive.sigmoid(z))           # as PyTorch: p rounded first, then p(1 - p)
    d = p * (1 - p)
    assert d < 1e-12
    np.testing.assert_allclose(naive.bce_log_clamp_grad_logits(0.0, z), d / float(np.float32(1e-12)), rtol=1e-9)


def test_matches_torch():
    torch = pytest.importorskip("torch")
    for dtype, tdtype in ((np.float64, torch.float64), (np.float32, torch.float32)):
        zs = np.array([-1000, -40, -30, -28, -5, 0, 5, 16, 16.64, 20, 27.5, 28, 30, 36, 36.74, 40, 1000], dtype=dtype)
        for t in (0.0, 1.0, 0.3):
            z = torch.tensor(zs, dtype=tdtype, requires_grad=True)
            loss = torch.nn.functional.binary_cross_entropy(torch.sigmoid(z), torch.full_like(z, t), reduction="sum")
            loss.backward()
            ours = naive.bce_log_clamp_grad_logits(np.full_like(zs, t), zs)
            np.testing.assert_allclose(ours, z.grad.numpy(), rtol=2e-6 if dtype == np.float32 else 1e-13, atol=0)
