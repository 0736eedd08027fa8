//! Writers: one trait, a writer per format, and the folder writer for formats with one
//! file per document. Every output appears whole or not at all: files through
//! [`AtomicFile`], folders through [`AtomicDir`].

use super::{Format, Record, Warning, WriteError, WriteOptions, brat, conll, csv_table, docbin};
use super::{jsonl, label_studio, txt, webanno};
use crate::fsio::{AtomicDir, AtomicFile};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The types a collection's documents use, gathered while writing them, for the
/// config files written at the end (brat's `annotation.conf`, Label Studio's XML):
/// types only found in the data are declared beside the project schema's.
#[derive(Debug, Clone, Default)]
pub struct UsedTypes {
    pub labels: BTreeSet<String>,
    pub relations: BTreeSet<String>,
    /// Attribute names and every value seen (`"true"` for a flag).
    pub attributes: BTreeMap<String, BTreeSet<String>>,
}

impl UsedTypes {
    /// Add the types of one record.
    pub fn add(&mut self, rec: &Record) {
        for s in rec.set.iter() {
            if !self.labels.contains(s.label.as_str()) {
                self.labels.insert(s.label.to_string());
            }
            for (k, v) in s.attributes() {
                self.attributes
                    .entry(k.clone())
                    .or_default()
                    .insert(v.clone());
            }
        }
        for r in rec.set.relations() {
            if !self.relations.contains(r.label.as_str()) {
                self.relations.insert(r.label.to_string());
            }
        }
    }
}

/// A writer of records in one format.
pub trait Writer {
    /// Write one record; returns what the format could not express.
    fn write(&mut self, rec: &Record) -> Result<Vec<Warning>, WriteError>;
    /// Finish (close files, write companions such as brat's annotation.conf) and make
    /// the output appear atomically.
    fn finish(self: Box<Self>) -> Result<Vec<Warning>, WriteError>;
    /// For outputs that are the concatenation of per-document pieces: an encoder that
    /// other threads can run ([`super::stream::convert`]), whose bytes go to
    /// [`Writer::write_encoded`] in document order.
    fn encoder(&self) -> Option<super::stream::Encoder> {
        None
    }
    /// Append bytes made by this writer's [`Writer::encoder`].
    fn write_encoded(&mut self, _bytes: &[u8]) -> Result<(), WriteError> {
        Err(WriteError::Unsupported(
            "internal error: this format is written one record at a time".into(),
        ))
    }
}

/// A writer for `format` to `output`: a file, or a folder (brat always; other formats
/// when `output` is an existing folder or ends with a path separator: one file per
/// document).
pub fn writer(
    format: Format,
    output: &Path,
    options: &WriteOptions,
) -> Result<Box<dyn Writer>, WriteError> {
    let folder = format == Format::Brat
        || output.is_dir()
        || output.as_os_str().to_string_lossy().ends_with(['/', '\\']);
    if folder {
        return Ok(Box::new(FolderWriter::new(
            format,
            output,
            options.clone(),
        )?));
    }
    file_writer(format, output, options)
}

fn file_writer(
    format: Format,
    output: &Path,
    options: &WriteOptions,
) -> Result<Box<dyn Writer>, WriteError> {
    Ok(match format {
        Format::Jsonl | Format::SpacyJsonl | Format::Doccano | Format::Prodigy => {
            Box::new(jsonl::Writer::with_options(output, format, options)?)
        }
        Format::Conll => Box::new(conll::Writer::new(output, options.scheme)?),
        Format::Spacy => Box::new(docbin::Writer::new(output)?),
        Format::LabelStudio => Box::new(label_studio::Writer::new(output, options)?),
        Format::Csv => Box::new(csv_table::Writer::new(output)?),
        Format::Txt | Format::WebannoTsv => Box::new(SingleDocWriter::new(format, output, options)),
        Format::Brat => Box::new(FolderWriter::new(format, output, options.clone())?),
    })
}

/// Create an output file (see [`AtomicFile`]).
pub(crate) fn create_output(path: &Path) -> Result<AtomicFile, WriteError> {
    AtomicFile::create(path).map_err(|e| WriteError::io(path, e))
}

/// Move a finished output file into place.
pub(crate) fn commit_output(file: AtomicFile) -> Result<(), WriteError> {
    let path = file.path().to_path_buf();
    file.commit().map_err(|e| WriteError::io(&path, e))
}

/// Formats with one document per file, written to a file: exactly one document. The
/// document is held until [`Writer::finish`], so a second one is refused before
/// anything is written.
struct SingleDocWriter {
    format: Format,
    output: PathBuf,
    schema: Option<crate::model::Schema>,
    held: Option<Vec<u8>>,
}

impl SingleDocWriter {
    fn new(format: Format, output: &Path, options: &WriteOptions) -> Self {
        Self {
            format,
            output: output.to_path_buf(),
            schema: options.schema.clone(),
            held: None,
        }
    }
}

impl Writer for SingleDocWriter {
    fn write(&mut self, rec: &Record) -> Result<Vec<Warning>, WriteError> {
        if self.held.is_some() {
            return Err(WriteError::Unsupported(format!(
                "{} holds one document per file and there is more than one; give a folder as the output (e.g. {}/)",
                self.format,
                self.output.display()
            )));
        }
        let (bytes, warnings) = match self.format {
            Format::Txt => (rec.doc.text().as_bytes().to_vec(), txt::warnings(rec)),
            _ => webanno::encode(rec, self.schema.as_ref()),
        };
        self.held = Some(bytes);
        Ok(warnings)
    }
    fn finish(self: Box<Self>) -> Result<Vec<Warning>, WriteError> {
        let bytes = self.held.unwrap_or_default();
        crate::fsio::atomic_write(&self.output, &bytes)
            .map_err(|e| WriteError::io(&self.output, e))?;
        Ok(Vec::new())
    }
}

/// One file per document in a folder (brat: `.txt` + `.ann`, plus its config files),
/// built beside the destination and moved into place by `finish` ([`AtomicDir`]).
struct FolderWriter {
    format: Format,
    dir: AtomicDir,
    options: WriteOptions,
    used: std::collections::HashSet<String>,
    types: UsedTypes,
    count: usize,
}

impl FolderWriter {
    fn new(format: Format, dir: &Path, options: WriteOptions) -> Result<Self, WriteError> {
        Ok(Self {
            format,
            dir: AtomicDir::create(dir).map_err(|e| WriteError::io(dir, e))?,
            options,
            used: Default::default(),
            types: UsedTypes::default(),
            count: 0,
        })
    }

    /// A file stem for a record, unique in this folder and never leaving it.
    /// Uniqueness ignores case: two names differing only in case are one file on
    /// Windows and macOS.
    fn stem(&mut self, rec: &Record) -> String {
        self.count += 1;
        let base = super::doc_id_from(&rec.name, self.count)
            .as_str()
            .replace('/', "__");
        let mut stem = base.clone();
        let mut n = 2;
        while !self.used.insert(stem.to_lowercase()) {
            stem = format!("{base}-{n}");
            n += 1;
        }
        stem
    }

    fn put(&mut self, name: String, bytes: &[u8]) -> Result<(), WriteError> {
        let dest = self.dir.dest().join(&name);
        self.dir
            .write(Path::new(&name), bytes)
            .map_err(|e| WriteError::io(&dest, e))
    }
}

impl Writer for FolderWriter {
    fn write(&mut self, rec: &Record) -> Result<Vec<Warning>, WriteError> {
        let stem = self.stem(rec);
        let ext = self.format.extension();
        match self.format {
            Format::Brat => {
                self.types.add(rec);
                let (ann, warnings) = brat::encode(rec);
                self.put(format!("{stem}.txt"), rec.doc.text().as_bytes())?;
                self.put(format!("{stem}.ann"), ann.as_bytes())?;
                Ok(warnings)
            }
            Format::Txt => {
                self.put(format!("{stem}.txt"), rec.doc.text().as_bytes())?;
                Ok(txt::warnings(rec))
            }
            Format::WebannoTsv => {
                let (bytes, warnings) = webanno::encode(rec, self.options.schema.as_ref());
                self.put(format!("{stem}.{ext}"), &bytes)?;
                Ok(warnings)
            }
            other => {
                let name = format!("{stem}.{ext}");
                let path = self
                    .dir
                    .staging_path(Path::new(&name))
                    .map_err(|e| WriteError::io(Path::new(&name), e))?;
                let mut w = file_writer(other, &path, &self.options)?;
                let mut warnings = w.write(rec)?;
                warnings.extend(w.finish()?);
                Ok(warnings)
            }
        }
    }

    fn finish(mut self: Box<Self>) -> Result<Vec<Warning>, WriteError> {
        if self.format == Format::Brat {
            let (conf, visual) = brat::configs(&self.types, self.options.schema.as_ref());
            self.put("annotation.conf".into(), conf.as_bytes())?;
            self.put("visual.conf".into(), visual.as_bytes())?;
        }
        // Marks a folder made by the export as one: a project scan never reads it as
        // documents. Not put into a folder that had other files.
        if self.dir.dest_is_new() {
            self.put(
            super::EXPORT_MARKER.into(),
                b"Written by Entitle (an export). Entitle does not read this folder's .txt files as documents of a project.\n",
            )?;
        }
        let dest = self.dir.dest().to_path_buf();
        self.dir.commit().map_err(|e| WriteError::io(&dest, e))?;
        Ok(Vec::new())
    }
}
