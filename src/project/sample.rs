//! The bundled sample project, embedded in the binary so the app can start on it from
//! any working folder. On first run it is copied to the user's data folder; the
//! repository copy is never opened for writing.

use crate::fsio::atomic_write;
use std::path::{Path, PathBuf};

/// Every file of `assets/sample`, relative path and bytes. A test checks this list
/// matches the folder.
pub const SAMPLE_FILES: &[(&str, &[u8])] = &[
    (
        "docs/01-aleppo-souk-reopens.txt",
        include_bytes!("../../assets/sample/docs/01-aleppo-souk-reopens.txt"),
    ),
    (
        "docs/02-nairobi-by-election.txt",
        include_bytes!("../../assets/sample/docs/02-nairobi-by-election.txt"),
    ),
    (
        "docs/03-central-bank-holds-rates.txt",
        include_bytes!("../../assets/sample/docs/03-central-bank-holds-rates.txt"),
    ),
    (
        "docs/04-brussels-migration-summit.txt",
        include_bytes!("../../assets/sample/docs/04-brussels-migration-summit.txt"),
    ),
    (
        "docs/05-wildfire-evacuations.txt",
        include_bytes!("../../assets/sample/docs/05-wildfire-evacuations.txt"),
    ),
    (
        "docs/06-mekong-dams-talks.txt",
        include_bytes!("../../assets/sample/docs/06-mekong-dams-talks.txt"),
    ),
    (
        "docs/07-chip-antitrust-probe.txt",
        include_bytes!("../../assets/sample/docs/07-chip-antitrust-probe.txt"),
    ),
    (
        "entitle.toml",
        include_bytes!("../../assets/sample/entitle.toml"),
    ),
];

/// Name of the sample project's folder inside the data folder.
pub const SAMPLE_DIR: &str = "sample-project";

/// The per-user data folder (`ENTITLE_DATA_DIR` overrides it, for tests and portable
/// installs).
pub fn data_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("ENTITLE_DATA_DIR") {
        return Some(PathBuf::from(d));
    }
    directories::ProjectDirs::from("org", "Entitle", "entitle").map(|p| p.data_dir().to_path_buf())
}

/// The sample document that comes annotated, so a new user sees nested spans at once.
pub const ANNOTATED_DOC: &str = "docs/04-brussels-migration-summit";

/// Its spans: text, which occurrence (0-based), label. Events hold the places and
/// bodies they happen at, and names hold nationalities, so spans nest.
const ANNOTATED_SPANS: &[(&str, usize, &str)] = &[
    ("EU", 0, "ORG"),
    ("Brussels summit", 0, "EVENT"),
    ("Brussels", 0, "GPE"),
    ("BRUSSELS", 0, "GPE"),
    ("Dec 15", 0, "DATE"),
    ("Entitle Wire", 0, "ORG"),
    ("European Union", 0, "ORG"),
    ("Friday", 0, "DATE"),
    ("European Council summit in Brussels", 0, "EVENT"),
    ("European Council", 0, "ORG"),
    ("Brussels", 1, "GPE"),
    ("European Commission", 0, "ORG"),
    ("Ingrid Vos", 0, "PER"),
    ("Hungarian", 0, "NORP"),
    ("Gábor Szalai", 0, "PER"),
    ("September 2020", 0, "DATE"),
    ("Italy", 0, "GPE"),
    ("Greece", 0, "GPE"),
    ("Spain", 0, "GPE"),
    ("Amnesty International", 0, "ORG"),
    ("Danish Refugee Council", 0, "ORG"),
    ("Danish", 0, "NORP"),
    ("European Parliament", 0, "ORG"),
    ("the elections next June", 0, "EVENT"),
    ("next June", 0, "DATE"),
    ("Greek", 0, "NORP"),
    ("Nikos Andreadis", 0, "PER"),
    ("Athens", 0, "GPE"),
    ("Lesbos", 0, "LOC"),
];

/// A span of [`ANNOTATED_SPANS`]: its text and which occurrence.
type At = (&'static str, usize);

/// Its relations: from, to, type, note. Types and argument labels follow the sample's
/// `entitle.toml`, so the view shows arcs on the first run.
const ANNOTATED_RELATIONS: &[(At, At, &str, Option<&str>)] = &[
    (
        ("Ingrid Vos", 0),
        ("European Commission", 0),
        "Head_of",
        Some("“President” in the text"),
    ),
    (
        ("European Council summit in Brussels", 0),
        ("Brussels", 1),
        "Located_in",
        None,
    ),
    (("Italy", 0), ("European Union", 0), "Member_of", None),
    (("Greece", 0), ("European Union", 0), "Member_of", None),
    (
        ("Lesbos", 0),
        ("Greece", 0),
        "Located_in",
        Some("the island is not named with its country here"),
    ),
];

/// Attributes, notes and knowledge-base links on some of its spans: the span, its
/// attributes, its note, its links `(db, id, name)`.
type Extra = (
    At,
    &'static [(&'static str, &'static str)],
    Option<&'static str>,
    &'static [(&'static str, &'static str, &'static str)],
);
const ANNOTATED_EXTRAS: &[Extra] = &[
    (
        ("European Council summit in Brussels", 0),
        &[("certainty", "confirmed")],
        None,
        &[],
    ),
    (
        ("the elections next June", 0),
        &[("certainty", "reported")],
        None,
        &[],
    ),
    (
        ("Entitle Wire", 0),
        &[],
        Some("the agency's own byline, not a source"),
        &[],
    ),
    (
        ("European Union", 0),
        &[],
        None,
        &[("Wikidata", "Q458", "European Union")],
    ),
    (("Greece", 0), &[], None, &[("Wikidata", "Q41", "Greece")]),
    (("Athens", 0), &[], None, &[("Wikidata", "Q1524", "Athens")]),
];

/// Copy the sample project into `data_dir/sample-project` unless it is there already,
/// and return its path and whether the annotated article was given to `annotator`
/// now (so the app can show it first). Files the user has (their annotations, edited
/// docs) are never overwritten; only missing sample files are written.
pub fn install(data_dir: &Path, annotator: &str) -> std::io::Result<(PathBuf, bool)> {
    let root = data_dir.join(SAMPLE_DIR);
    for (rel, bytes) in SAMPLE_FILES {
        let path = root.join(rel);
        if !path.exists() {
            atomic_write(&path, bytes)?;
        }
    }
    let annotated = install_annotations(&root, annotator)?;
    Ok((root, annotated))
}

/// Write the annotated article's file for `annotator` if they have none and its text
/// is still the sample's (an edited text would only hold the spans back).
fn install_annotations(root: &Path, annotator: &str) -> std::io::Result<bool> {
    use crate::model::{
        AnnotationSet, DocId, DocStatus, Document, Label, Normalization, Relation, Span,
    };
    let path = root
        .join(super::ANNOTATIONS_DIR)
        .join(super::sanitize_annotator(annotator))
        .join(format!("{ANNOTATED_DOC}.json"));
    if std::fs::symlink_metadata(&path).is_ok() {
        return Ok(false);
    }
    let rel = format!("{ANNOTATED_DOC}.txt");
    let Some((_, bytes)) = SAMPLE_FILES.iter().find(|(p, _)| *p == rel) else {
        return Ok(false);
    };
    if std::fs::read(root.join(&rel)).ok().as_deref() != Some(*bytes) {
        return Ok(false);
    }
    let (Ok(text), Ok(id)) = (std::str::from_utf8(bytes), DocId::new(ANNOTATED_DOC)) else {
        return Ok(false);
    };
    let doc = Document::new(id, text);
    let len = doc.len_chars();
    let mut set = AnnotationSet::new();
    let created = chrono::DateTime::parse_from_rfc3339("2026-06-03T09:00:00Z")
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_default();
    let mut ids = std::collections::HashMap::new();
    for (needle, nth, label) in ANNOTATED_SPANS {
        let Some((byte, _)) = text.match_indices(needle).nth(*nth) else {
            continue;
        };
        let start = text[..byte].chars().count();
        let (Ok(range), Ok(label)) = (
            crate::text::CharSpan::new(start, start + needle.chars().count(), len),
            Label::new(label),
        ) else {
            continue;
        };
        let mut span = Span {
            id: set.next_id(),
            range,
            label,
            annotator: "entitle-sample".into(),
            created,
            modified: None,
            extra: None,
        };
        if let Some((_, attributes, note, links)) =
            ANNOTATED_EXTRAS.iter().find(|e| e.0 == (*needle, *nth))
        {
            let x = span.extra_mut();
            x.attributes = attributes
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            x.note = note.map(str::to_string);
            x.normalizations = links
                .iter()
                .map(|(db, id, name)| Normalization {
                    db: db.to_string(),
                    id: id.to_string(),
                    name: Some(name.to_string()),
                })
                .collect();
        }
        let id = span.id;
        if set.insert(span, len).is_ok() {
            ids.insert((*needle, *nth), id);
        }
    }
    for (from, to, ty, note) in ANNOTATED_RELATIONS {
        let (Some(&from), Some(&to), Ok(label)) = (ids.get(from), ids.get(to), Label::new(ty))
        else {
            continue;
        };
        let _ = set.insert_relation(Relation {
            id: set.next_relation_id(),
            label,
            from,
            to,
            annotator: "entitle-sample".into(),
            created,
            note: note.map(str::to_string),
        });
    }
    set.status = DocStatus::InProgress;
    atomic_write(
        &path,
        &super::annotation_file::encode(&doc, annotator, &set),
    )?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_list_matches_the_assets_folder() {
        let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/sample");
        let mut on_disk = Vec::new();
        let mut stack = vec![base.clone()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    let rel = p
                        .strip_prefix(&base)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/");
                    on_disk.push(rel);
                }
            }
        }
        on_disk.sort();
        let embedded: Vec<&str> = SAMPLE_FILES.iter().map(|(p, _)| *p).collect();
        assert_eq!(
            embedded, on_disk,
            "update SAMPLE_FILES in src/project/sample.rs"
        );
    }

    #[test]
    fn install_copies_once_and_keeps_user_files() {
        let dir = tempfile::tempdir().unwrap();
        let (root, annotated) = install(dir.path(), "ann").unwrap();
        assert!(annotated);
        let doc = root.join("docs/01-aleppo-souk-reopens.txt");
        assert!(doc.exists());
        std::fs::write(&doc, "edited by the user").unwrap();
        assert!(!install(dir.path(), "ann").unwrap().1);
        assert_eq!(std::fs::read_to_string(&doc).unwrap(), "edited by the user");
    }

    /// The annotated article reads back whole: every span placed where its text is,
    /// nested three deep, for each new annotator once.
    #[test]
    fn the_annotated_article_opens_with_every_span_nested() {
        let dir = tempfile::tempdir().unwrap();
        let (root, _) = install(dir.path(), "Ann").unwrap();
        let (project, _) = crate::project::Project::open(&root).unwrap();
        let id = crate::model::DocId::new(ANNOTATED_DOC).unwrap();
        let doc = project.load_document(&id).unwrap();
        let parsed = project.read_annotations("Ann", &id).unwrap().unwrap();
        let crate::project::annotation_file::Checked::Current { set, repairs } =
            parsed.check(&doc).unwrap()
        else {
            panic!("the sample's fingerprint does not match");
        };
        assert!(repairs.is_empty(), "{repairs:?}");
        assert_eq!(set.len(), ANNOTATED_SPANS.len());
        // Every relation, attribute, note and link is there, and fits the sample's
        // schema (the view draws them on the first run).
        assert_eq!(set.relations().len(), ANNOTATED_RELATIONS.len());
        let schema = project.schema();
        for r in set.relations() {
            let (a, b) = (set.get(r.from).unwrap(), set.get(r.to).unwrap());
            assert!(
                schema
                    .relations_fitting(&a.label, &b.label)
                    .any(|d| d.name == r.label),
                "{} {} → {}",
                r.label,
                a.label,
                b.label
            );
        }
        assert_eq!(
            set.relations().iter().filter(|r| r.note.is_some()).count(),
            2
        );
        for s in set.iter() {
            for (k, v) in s.attributes() {
                let def = schema.attribute(k).unwrap();
                assert!(def.applies_to(&s.label) && def.accepts(v), "{k}={v}");
            }
        }
        let extras = |f: fn(&crate::model::Span) -> usize| set.iter().map(f).sum::<usize>();
        assert_eq!(extras(|s| s.attributes().len()), 2);
        assert_eq!(extras(|s| s.normalizations().len()), 3);
        assert_eq!(extras(|s| usize::from(s.note().is_some())), 1);
        let texts: Vec<&str> = set.iter().map(|s| doc.slice(s.range.range())).collect();
        for (needle, _, _) in ANNOTATED_SPANS {
            assert!(texts.contains(needle), "{needle}");
        }
        let w = doc.text().find("in Brussels").unwrap() + 3;
        let at = doc.text()[..w].chars().count();
        assert_eq!(set.iter().filter(|s| s.range.contains_char(at)).count(), 2);
        // Another annotator gets it too; the same one is never given it twice.
        assert!(install(dir.path(), "Bo").unwrap().1);
        assert!(!install(dir.path(), "Ann").unwrap().1);
    }

    #[test]
    fn sample_has_the_promised_texts() {
        let get = |name: &str| {
            SAMPLE_FILES
                .iter()
                .find(|(p, _)| p.ends_with(name))
                .map(|(_, b)| std::str::from_utf8(b).unwrap())
                .unwrap()
        };
        assert!(
            SAMPLE_FILES
                .iter()
                .filter(|(p, _)| p.ends_with(".txt"))
                .count()
                >= 6
        );
        let aleppo = get("01-aleppo-souk-reopens.txt");
        assert!(aleppo.contains("محمود الحلبي") && aleppo.contains('🎉'));
        assert!(get("02-nairobi-by-election.txt").contains("\r\n"));
        assert!(get("05-wildfire-evacuations.txt").contains("i\u{302}"));
    }
}
