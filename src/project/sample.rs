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

/// Copy the sample project into `data_dir/sample-project` unless it is there already,
/// and return its path. Files the user has (their annotations, edited docs) are never
/// overwritten; only missing sample files are written.
pub fn install(data_dir: &Path) -> std::io::Result<PathBuf> {
    let root = data_dir.join(SAMPLE_DIR);
    for (rel, bytes) in SAMPLE_FILES {
        let path = root.join(rel);
        if !path.exists() {
            atomic_write(&path, bytes)?;
        }
    }
    Ok(root)
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
        let root = install(dir.path()).unwrap();
        let doc = root.join("docs/01-aleppo-souk-reopens.txt");
        assert!(doc.exists());
        std::fs::write(&doc, "edited by the user").unwrap();
        install(dir.path()).unwrap();
        assert_eq!(std::fs::read_to_string(&doc).unwrap(), "edited by the user");
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
