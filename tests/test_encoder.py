import numpy as np

from classifier.encoder import CachedEncoder


class Counting:
    name = "counting"

    def __init__(self):
        self.seen = []

    def encode(self, texts):
        self.seen += list(texts)
        return np.array([[len(t), 1.0] for t in texts], dtype=np.float32)


def test_each_distinct_text_is_encoded_once_and_rows_keep_their_order():
    inner = Counting()
    enc = CachedEncoder(inner)
    out = enc.encode(["b", "aa", "b", "ccc"])
    assert inner.seen == ["b", "aa", "ccc"]
    assert out[:, 0].tolist() == [1, 2, 1, 3]
    enc.encode(["aa", "dddd"])
    assert inner.seen == ["b", "aa", "ccc", "dddd"] and enc.hits == 2 and enc.misses == 4


def test_lru_bound_and_off_switch():
    inner = Counting()
    enc = CachedEncoder(inner, max_entries=2)
    enc.encode(["a", "b", "c"])
    enc.encode(["a"])  # evicted: encoded again
    assert inner.seen == ["a", "b", "c", "a"]
    off = CachedEncoder(Counting(), max_entries=0)
    off.encode(["x", "x"])
    assert off.inner.seen == ["x", "x"]


def test_cache_persists_to_disk(tmp_path):
    enc = CachedEncoder(Counting())
    enc.encode(["hello", "world"])
    enc.save(tmp_path / "c.npz")
    again = CachedEncoder(Counting())
    again.load(tmp_path / "c.npz")
    assert np.allclose(again.encode(["world"]), [[5, 1]]) and again.inner.seen == []
    (tmp_path / "bad.npz").write_bytes(b"not a cache")
    broken = CachedEncoder(Counting())
    broken.load(tmp_path / "bad.npz")  # a broken cache is only a cache: start empty
    broken.encode(["x"])
    assert broken.inner.seen == ["x"]


def test_concurrent_use_with_a_tiny_cache_never_fails():
    from concurrent.futures import ThreadPoolExecutor

    enc = CachedEncoder(Counting(), max_entries=3)
    batches = [[f"t{(i + j) % 11}" for j in range(6)] for i in range(400)]
    with ThreadPoolExecutor(8) as pool:
        outs = list(pool.map(enc.encode, batches))
    for batch, out in zip(batches, outs, strict=True):
        assert out[:, 0].tolist() == [len(t) for t in batch]
