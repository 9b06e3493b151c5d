"""``charter-verify``: check a ledger bundle offline: no database, and of Charter's dependencies only
``cryptography``.

Imports only the standard library and ``cryptography`` (plus two sibling modules that import
nothing else). Checks, in order: every signed head's Ed25519 signature (against the bundle's public
keys, or only the keys named with ``--trusted-key``), the consistency proof between each pair of
consecutive heads, every entry's event hash and RFC 6962 leaf hash, that the entries are
contiguous, and that the entries with the bundle's subtree roots rebuild the latest head's root.
Exit status 0 only when everything holds; 1 names the first failure; 2 for an unreadable bundle.

    charter-verify bundle.json [--trusted-key ledger.pub ...] [--json]
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from charter.ledger.merkle import leaf_hash, root_from_pieces, verify_consistency
from charter.ledger.note import checkpoint_body, key_id, load_public_pem, signature_ok

__all__ = ["BundleError", "main", "verify_bundle"]

FORMAT = "charter-ledger-bundle/v1"


class BundleError(Exception):
    """The bundle does not verify; the message names what failed first."""


def leaf_of(entry: dict[str, Any]) -> bytes:
    """Re-derive an entry's leaf hash from its fields (RFC 8785 JSON array, then RFC 6962)."""
    event = entry["event"]
    if event is not None and hashlib.sha256(event.encode()).hexdigest() != entry["event_hash"]:
        raise BundleError(f"entry {entry['seq']}: the event does not match its event hash")
    fields = [
        entry["seq"],
        entry["ts"],
        entry["tenant_id"],
        entry["actor"],
        entry["action"],
        entry["subject"],
        entry["event_hash"],
    ]
    data = json.dumps(fields, separators=(",", ":"), ensure_ascii=False).encode()
    leaf = leaf_hash(data)
    if leaf.hex() != entry["leaf_hash"]:
        raise BundleError(f"entry {entry['seq']}: its fields do not match its leaf hash")
    return leaf


def _keys(bundle: dict[str, Any], trusted: Sequence[Path]) -> dict[str, Any]:
    keys = {}
    for pem in bundle["public_keys"].values():
        key = load_public_pem(pem)
        keys[key_id(key)] = key
    if trusted:
        pinned = {key_id(load_public_pem(p.read_bytes())) for p in trusted}
        keys = {kid: k for kid, k in keys.items() if kid in pinned}
    return keys


def _check_heads(bundle: dict[str, Any], keys: dict[str, Any]) -> dict[int, bytes]:
    roots: dict[int, bytes] = {}
    for head in bundle["heads"]:
        size, root = int(head["tree_size"]), bytes.fromhex(head["root_hash"])
        key = keys.get(head["key_id"])
        body = checkpoint_body(size, root, head["timestamp"])
        if key is None or not signature_ok(key, body, bytes.fromhex(head["signature"])):
            raise BundleError(f"signed head of tree size {size}: the signature does not verify with a trusted key")
        roots[size] = root
    proofs = {(p["first"], p["second"]): [bytes.fromhex(h) for h in p["proof"]] for p in bundle["consistency"]}
    sizes = sorted(roots)
    for a, b in itertools.pairwise(sizes):
        if not verify_consistency(a, b, roots[a], roots[b], proofs.get((a, b), [])):
            raise BundleError(f"signed heads {a} and {b} are not consistent (history was rewritten)")
    return roots


def verify_bundle(bundle: dict[str, Any], trusted: Sequence[Path] = ()) -> dict[str, Any]:
    """Verify a parsed bundle; raise :class:`BundleError` at the first failure."""
    if bundle.get("format") != FORMAT:
        raise BundleError(f"not a {FORMAT} bundle")
    keys = _keys(bundle, trusted)
    roots = _check_heads(bundle, keys)
    head = bundle["head"]
    size = int(head["tree_size"]) if head else 0
    if size and size not in roots:
        raise BundleError("the bundle's head is not among its signed heads")
    lo, hi = bundle["range"]["from_seq"], bundle["range"]["to_seq"]
    pieces = {(p["lo"], p["hi"]): bytes.fromhex(p["hash"]) for p in bundle["pieces"]}
    full = purged = 0
    for offset, entry in enumerate(bundle["entries"]):
        if entry["seq"] != lo + offset:
            raise BundleError(f"entry {lo + offset} is missing from the bundle")
        if "event_hash" in entry:
            pieces[(entry["seq"], entry["seq"] + 1)] = leaf_of(entry)
            full += 1
            purged += entry["event"] is None
        else:
            pieces[(entry["seq"], entry["seq"] + 1)] = bytes.fromhex(entry["leaf_hash"])
    if lo + len(bundle["entries"]) != hi:
        raise BundleError(f"entries {lo + len(bundle['entries'])}..{hi - 1} are missing from the bundle")
    if size:
        try:
            root = root_from_pieces(size, pieces)
        except KeyError as exc:
            raise BundleError(f"the bundle lacks the hashes of leaves {exc.args[0]}") from None
        if root != roots[size]:
            raise BundleError(f"the entries do not rebuild the signed root of tree size {size}")
    return {
        "ok": True,
        "tree_size": size,
        "heads": len(roots),
        "entries": full,
        "redacted": hi - lo - full,
        "purged_payloads": purged,
        "range": [lo, hi],
        "key_ids": sorted({h["key_id"] for h in bundle["heads"]}),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="charter-verify", description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle", type=Path, help="bundle written by `charter audit export`")
    parser.add_argument(
        "--trusted-key",
        type=Path,
        action="append",
        default=[],
        help="PEM public key to trust (repeatable); default: the keys in the bundle",
    )
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
    args = parser.parse_args(argv)
    try:
        bundle = json.loads(args.bundle.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"charter-verify: cannot read {args.bundle}: {exc}", file=sys.stderr)
        return 2
    try:
        result: dict[str, Any] = verify_bundle(bundle, args.trusted_key)
        code = 0
    except (BundleError, KeyError, TypeError, ValueError) as exc:
        message = str(exc) if isinstance(exc, BundleError) else f"malformed bundle ({type(exc).__name__}: {exc})"
        result, code = {"ok": False, "error": message}, 1
    if args.json:
        print(json.dumps(result, indent=2))
    elif code == 0:
        print(
            f"OK: {result['entries']} entries ({result['redacted']} of other tenants as hashes) in "
            f"{result['range'][0]}..{result['range'][1] - 1}; {result['heads']} signed heads consistent; "
            f"root of tree size {result['tree_size']} rebuilt; keys {', '.join(result['key_ids'])}"
        )
    else:
        print(f"FAILED: {result['error']}")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
