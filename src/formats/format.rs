//! The formats and CoNLL tagging schemes, by the names the CLI uses.

use std::fmt;
use std::str::FromStr;

/// The formats, by the names the CLI uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Txt,
    Jsonl,
    Brat,
    Conll,
    SpacyJsonl,
    Spacy,
    Doccano,
    LabelStudio,
    Prodigy,
    WebannoTsv,
    Csv,
}

impl Format {
    pub const ALL: [Format; 11] = [
        Format::Txt,
        Format::Jsonl,
        Format::Brat,
        Format::Conll,
        Format::SpacyJsonl,
        Format::Spacy,
        Format::Doccano,
        Format::LabelStudio,
        Format::Prodigy,
        Format::WebannoTsv,
        Format::Csv,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Format::Txt => "txt",
            Format::Jsonl => "jsonl",
            Format::Brat => "brat",
            Format::Conll => "conll",
            Format::SpacyJsonl => "spacy-jsonl",
            Format::Spacy => "spacy",
            Format::Doccano => "doccano",
            Format::LabelStudio => "label-studio",
            Format::Prodigy => "prodigy",
            Format::WebannoTsv => "webanno-tsv",
            Format::Csv => "csv",
        }
    }

    /// A short description for menus and `--help`.
    pub fn describe(self) -> &'static str {
        match self {
            Format::Txt => "plain text (.txt files, a folder is read recursively)",
            Format::Jsonl => {
                "JSON Lines: text, id, meta, spans and relations (Entitle's lossless JSONL; reads spaCy, doccano and Prodigy span fields too)"
            }
            Format::Brat => {
                "brat standoff: .txt + .ann per document, annotation.conf and visual.conf"
            }
            Format::Conll => "CoNLL columns, token and tag (IOB1, IOB2/BIO, IOBES, BILOU)",
            Format::SpacyJsonl => "spaCy JSONL: {\"text\", \"entities\": [[start, end, label]]}",
            Format::Spacy => "spaCy 3 DocBin (.spacy)",
            Format::Doccano => "doccano JSONL (UTF-16 offsets), with or without relations",
            Format::LabelStudio => "Label Studio JSON export (and its labeling config)",
            Format::Prodigy => "Prodigy JSONL with tokens and spans",
            Format::WebannoTsv => "WebAnno TSV 3.3 for INCEpTION (UTF-16 offsets)",
            Format::Csv => "CSV entity table for analysts (export only)",
        }
    }

    pub fn can_import(self) -> bool {
        self != Format::Csv
    }

    /// File extension of one output file.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Txt => "txt",
            Format::Jsonl | Format::SpacyJsonl | Format::Doccano | Format::Prodigy => "jsonl",
            Format::Brat => "ann",
            Format::Conll => "conll",
            Format::Spacy => "spacy",
            Format::LabelStudio => "json",
            Format::WebannoTsv => "tsv",
            Format::Csv => "csv",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Format::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
                format!("unknown format {s:?}; use one of {}", names.join(", "))
            })
    }
}

/// CoNLL tagging schemes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scheme {
    Iob1,
    #[default]
    Iob2,
    Iobes,
    Bilou,
}

impl FromStr for Scheme {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "iob1" => Ok(Scheme::Iob1),
            "iob2" | "bio" => Ok(Scheme::Iob2),
            "iobes" | "bioes" => Ok(Scheme::Iobes),
            "bilou" | "biluo" => Ok(Scheme::Bilou),
            _ => Err(format!(
                "unknown scheme {s:?}; use iob1, iob2, iobes or bilou"
            )),
        }
    }
}
