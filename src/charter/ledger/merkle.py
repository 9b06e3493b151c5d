"""Merkle trees as RFC 6962 / RFC 9162 define them: hashes, roots, proofs and their verification.

Standard library only: the offline verifier (``charter-verify``) imports this module.
Leaves are given as their leaf hashes (``SHA-256(0x00 || data)``); interior nodes are
``SHA-256(0x01 || left || right)``; the tree over ``n`` leaves splits at the largest power of two
below ``n``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence

__all__ = [
    "EMPTY_ROOT",
    "Frontier",
    "NodeFn",
    "aligned_pieces",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "root_from_pieces",
    "split_point",
    "tree_root",
    "verify_consistency",
    "verify_inclusion",
]

EMPTY_ROOT = hashlib.sha256(b"").digest()
_sha256 = hashlib.sha256

#: ``node(lo, hi)``: the root of the subtree over leaves ``lo .. hi-1``.
NodeFn = Callable[[int, int], bytes]


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two strictly below ``n`` (``n >= 2``)."""
    return 1 << ((n - 1).bit_length() - 1)


def tree_root(leaves: Sequence[bytes]) -> bytes:
    """MTH over a list of leaf hashes (linear time, via the compact range)."""
    frontier = Frontier()
    for leaf in leaves:
        frontier.append(leaf)
    return frontier.root()


class Frontier:
    """The compact range ``0 .. size``: roots of the perfect subtrees whose sizes are the binary
    digits of ``size``, largest first. Appending is amortised one hash per leaf."""

    __slots__ = ("hashes", "size")

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if len(hashes) != size.bit_count():
            raise ValueError(f"a frontier of size {size} has {size.bit_count()} hashes, not {len(hashes)}")
        self.size = size
        self.hashes = list(hashes)

    @classmethod
    def from_bytes(cls, size: int, blob: bytes) -> Frontier:
        return cls(size, [blob[i : i + 32] for i in range(0, len(blob), 32)])

    def to_bytes(self) -> bytes:
        return b"".join(self.hashes)

    def append(self, leaf: bytes) -> None:
        hashes, size = self.hashes, self.size
        self.size = size + 1
        while size & 1:  # every trailing one bit of the old size is a merge
            leaf = _sha256(b"\x01" + hashes.pop() + leaf).digest()
            size >>= 1
        hashes.append(leaf)

    def extend(self, blob: bytes) -> None:
        """Append many leaves (concatenated 32-byte hashes): perfect subtrees are reduced level by
        level, about twice as fast as appending one leaf at a time."""
        count, pos = len(blob) // 32, 0
        while pos < count:
            size = self.size
            width = size & -size if size else 1 << 62
            while width > count - pos:
                width >>= 1
            level = [blob[i : i + 32] for i in range(pos * 32, (pos + width) * 32, 32)]
            while len(level) > 1:
                level = [_sha256(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level), 2)]
            self._push(level[0], width)
            pos += width

    def _push(self, node: bytes, width: int) -> None:
        """Append the root of a perfect subtree of ``width`` leaves (``size`` is a multiple of it)."""
        hashes, size = self.hashes, self.size // width
        self.size += width
        while size & 1:
            node = _sha256(b"\x01" + hashes.pop() + node).digest()
            size >>= 1
        hashes.append(node)

    def root(self) -> bytes:
        if not self.hashes:
            return EMPTY_ROOT
        acc = self.hashes[-1]
        for left in reversed(self.hashes[:-1]):
            acc = node_hash(left, acc)
        return acc

    def pieces(self) -> list[tuple[int, int]]:
        """The ``(lo, hi)`` leaf range of each frontier hash, in order."""
        out, lo = [], 0
        for bit in reversed(range(self.size.bit_length())):
            if self.size >> bit & 1:
                out.append((lo, lo + (1 << bit)))
                lo += 1 << bit
        return out


def inclusion_proof(index: int, size: int, node: NodeFn) -> list[bytes]:
    """RFC 9162 §2.1.3.1 PATH(index, D[size])."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of size {size}")
    path: list[bytes] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = split_point(hi - lo)
        if index < lo + k:
            path.append(node(lo + k, hi))
            hi = lo + k
        else:
            path.append(node(lo, lo + k))
            lo += k
    path.reverse()
    return path


def consistency_proof(first: int, second: int, node: NodeFn) -> list[bytes]:
    """RFC 9162 §2.1.4.1 PROOF(first, D[second])."""
    if not 0 < first <= second:
        raise ValueError(f"no consistency proof from size {first} to size {second}")
    proof: list[bytes] = []
    lo, hi, m, complete = 0, second, first, True
    while m != hi - lo:
        k = split_point(hi - lo)
        if m <= k:
            proof.append(node(lo + k, hi))
            hi = lo + k
        else:
            proof.append(node(lo, lo + k))
            lo, m, complete = lo + k, m - k, False
    if not complete:
        proof.append(node(lo, hi))
    proof.reverse()
    return proof


def _sides(fn: int, sn: int, count: int) -> list[bool] | None:
    """The walk up the tree both RFC 9162 verifications take (§2.1.3.2, §2.1.4.2), from node ``fn`` of
    a level whose last node is ``sn``: for each of ``count`` proof hashes, whether it is the left
    sibling (``True``) or the right one; ``None`` where ``count`` hashes cannot end at the root."""
    sides = []
    for _ in range(count):
        if sn == 0:
            return None
        left = bool(fn & 1) or fn == sn
        if left:
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        sides.append(left)
        fn >>= 1
        sn >>= 1
    return sides if sn == 0 else None


def verify_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2."""
    if not 0 <= index < size:
        return False
    sides = _sides(index, size - 1, len(proof))
    if sides is None:
        return False
    r = leaf
    for p, left in zip(proof, sides, strict=True):
        r = node_hash(p, r) if left else node_hash(r, p)
    return r == root


def verify_consistency(first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]) -> bool:
    """RFC 9162 §2.1.4.2 (a tree of size 0 is consistent with every tree)."""
    if first == 0:
        return not proof and first <= second
    if first == second:
        return not proof and first_root == second_root
    if first > second or not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    sides = _sides(fn, sn, len(path) - 1)
    if sides is None:
        return False
    fr = sr = path[0]
    for c, left in zip(path[1:], sides, strict=True):
        if left:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
        else:
            sr = node_hash(sr, c)
    return fr == first_root and sr == second_root


def aligned_pieces(lo: int, hi: int) -> list[tuple[int, int]]:
    """Split ``lo .. hi`` into the fewest aligned perfect subtrees (each one a node of any tree
    that contains it), left to right."""
    out = []
    while lo < hi:
        size = lo & -lo if lo else 1 << (hi.bit_length())
        while lo + size > hi:
            size >>= 1
        out.append((lo, lo + size))
        lo += size
    return out


def root_from_pieces(size: int, pieces: Mapping[tuple[int, int], bytes]) -> bytes:
    """MTH of a tree of ``size`` leaves given hashes of nodes that cover it (leaves are ``(i, i+1)``).
    Raises ``KeyError`` naming the first range nothing covers."""
    if size == 0:
        return EMPTY_ROOT

    def root(lo: int, hi: int) -> bytes:
        found = pieces.get((lo, hi))
        if found is not None:
            return found
        if hi - lo == 1:
            raise KeyError((lo, hi))
        k = split_point(hi - lo)
        return node_hash(root(lo, lo + k), root(lo + k, hi))

    return root(0, size)
