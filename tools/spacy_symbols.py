"""Regenerate src/formats/spacy_symbols.rs from the installed spaCy (3.8.x).

Usage: python tools/spacy_symbols.py > src/formats/spacy_symbols.rs
"""
from spacy.symbols import IDS

items = sorted(((k, v) for k, v in IDS.items() if k), key=lambda kv: kv[1])
print("//! spaCy's symbol table (name, id), generated from spaCy 3.8.18 `spacy.symbols.IDS`:")
print("//! strings that are spaCy symbols are stored by these small ids, not by their hash.")
print("//! Regenerate: see `tools/spacy_symbols.py`.")
print()
print("pub const SYMBOLS: &[(&str, u64)] = &[")
for k, v in items:
    print(f'    ("{k}", {v}),')
print("];")
