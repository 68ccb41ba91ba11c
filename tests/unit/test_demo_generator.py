from datasets.demo import generate_series


def test_the_demo_history_is_deterministic():
    first = generate_series(name="x|unit", count=40, level=10, spread=1, drift_per_step=0)
    again = generate_series(name="x|unit", count=40, level=10, spread=1, drift_per_step=0)
    other = generate_series(name="y|unit", count=40, level=10, spread=1, drift_per_step=0)
    assert first == again
    assert first != other


def test_a_longer_history_keeps_the_earlier_values():
    # Running the demo later adds months; it must not rewrite the months before.
    short = generate_series(name="x", count=30, level=10, spread=1, drift_per_step=0.1)
    long = generate_series(name="x", count=60, level=10, spread=1, drift_per_step=0.1)
    assert short == long[:30]
