"""AT-2: the Merkle tree, proofs and their checks follow RFC 6962 / RFC 9162."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from charter.ledger.merkle import (
    EMPTY_ROOT,
    Frontier,
    aligned_pieces,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_from_pieces,
    tree_root,
    verify_consistency,
    verify_inclusion,
)


def reference_mth(leaves: list[bytes]) -> bytes:
    """RFC 6962 §2.1 MTH, written recursively as the RFC does."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaves[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + reference_mth(leaves[:k]) + reference_mth(leaves[k:])).digest()


def leaves_of(n: int) -> list[bytes]:
    return [leaf_hash(str(i).encode()) for i in range(n)]


def node_fn(leaves: list[bytes]):  # type: ignore[no-untyped-def]
    return lambda lo, hi: reference_mth(leaves[lo:hi])


def test_at2_rfc6962_hashes_match_the_published_empty_and_leaf_values() -> None:
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    # RFC 6962 test vector (certificate-transparency-go): leaf hash of the empty string
    assert leaf_hash(b"").hex() == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 5, 7, 8, 9, 31, 64, 100])
def test_at2_frontier_root_equals_rfc_mth(n: int) -> None:
    leaves = leaves_of(n)
    assert tree_root(leaves) == reference_mth(leaves)
    frontier = Frontier()
    for leaf in leaves:
        frontier.append(leaf)
    again = Frontier.from_bytes(n, frontier.to_bytes())
    assert again.root() == reference_mth(leaves)
    assert [reference_mth(leaves[lo:hi]) for lo, hi in frontier.pieces()] == frontier.hashes


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 70).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1))))
def test_at2_inclusion_proof_verifies_and_fails_for_another_leaf(case: tuple[int, int]) -> None:
    n, index = case
    leaves = leaves_of(n)
    root = reference_mth(leaves)
    proof = inclusion_proof(index, n, node_fn(leaves))
    assert verify_inclusion(leaves[index], index, n, proof, root)
    assert not verify_inclusion(leaf_hash(b"forged"), index, n, proof, root)
    if n > 1:
        assert not verify_inclusion(leaves[index], (index + 1) % n, n, proof, root)


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 70).flatmap(lambda n: st.tuples(st.integers(1, n), st.just(n))))
def test_at2_consistency_proof_verifies_and_fails_for_a_rewritten_history(case: tuple[int, int]) -> None:
    m, n = case
    leaves = leaves_of(n)
    proof = consistency_proof(m, n, node_fn(leaves))
    first, second = reference_mth(leaves[:m]), reference_mth(leaves)
    assert verify_consistency(m, n, first, second, proof)
    rewritten = [leaf_hash(b"x"), *leaves[1:m]]
    if m < n:
        assert not verify_consistency(m, n, reference_mth(rewritten), second, proof)


def test_at2_rfc9162_proof_shapes_for_the_example_tree() -> None:
    # RFC 9162 §2.1.5: tree of 7 leaves a..g; PROOF(3, D[7]) = [c, d, g, l]; PATH(0) = [b, h, l]
    leaves = leaves_of(7)
    node = node_fn(leaves)
    assert consistency_proof(3, 7, node) == [node(2, 3), node(3, 4), node(0, 2), node(4, 7)]
    assert consistency_proof(4, 7, node) == [node(4, 7)]
    assert consistency_proof(6, 7, node) == [node(4, 6), node(6, 7), node(0, 4)]
    assert inclusion_proof(0, 7, node) == [node(1, 2), node(2, 4), node(4, 7)]
    assert inclusion_proof(6, 7, node) == [node(4, 6), node(0, 4)]


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 90).flatmap(lambda n: st.tuples(st.integers(0, n), st.integers(0, n), st.just(n))))
def test_at2_root_from_leaf_range_and_aligned_complements(case: tuple[int, int, int]) -> None:
    a, b, n = case
    a, b = min(a, b), max(a, b)
    leaves = leaves_of(n)
    pieces = {(lo, hi): reference_mth(leaves[lo:hi]) for lo, hi in aligned_pieces(0, a) + aligned_pieces(b, n)}
    pieces.update({(i, i + 1): leaves[i] for i in range(a, b)})
    assert root_from_pieces(n, pieces) == reference_mth(leaves)
    for lo, hi in aligned_pieces(0, n):
        assert (hi - lo) & (hi - lo - 1) == 0 and lo % (hi - lo) == 0


def test_at2_root_from_pieces_names_what_is_missing() -> None:
    with pytest.raises(KeyError):
        root_from_pieces(3, {(0, 2): node_hash(b"a" * 32, b"b" * 32)})


@pytest.mark.parametrize(("start", "count"), [(0, 0), (0, 1), (0, 7), (3, 13), (8, 8), (5, 300), (64, 65)])
def test_at2_frontier_extend_equals_leaf_by_leaf(start: int, count: int) -> None:
    leaves = leaves_of(start + count)
    one, many = Frontier(), Frontier()
    for leaf in leaves:
        one.append(leaf)
    for leaf in leaves[:start]:
        many.append(leaf)
    many.extend(b"".join(leaves[start:]))
    assert (many.size, many.hashes, many.root()) == (one.size, one.hashes, reference_mth(leaves))
