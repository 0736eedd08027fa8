//! Import and export through the real CLI and library: every format, round trips,
//! malformed inputs with their messages, snapshots of exports of a Unicode fixture.
//! Also writes the annotated projects that `.ci/validate-exports.sh` checks with the
//! third-party validators (spaCy, seqeval, the brat checker, label-studio-converter).

use entitle::formats::{self, ReadOptions, Record};
use entitle::project::Project;
use std::path::{Path, PathBuf};
use std::process::Command;

fn entitle(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_entitle"))
        .args(args)
        .output()
        .expect("run entitle");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Spans to put on the sample project: (document, text, occurrence, label).
const SAMPLE_SPANS: &[(&str, &str, usize, &str)] = &[
    ("01-aleppo-souk-reopens", "Aleppo", 0, "GPE"),
    ("01-aleppo-souk-reopens", "ALEPPO", 0, "GPE"),
    ("01-aleppo-souk-reopens", "Syria", 0, "GPE"),
    ("01-aleppo-souk-reopens", "March 14", 0, "DATE"),
    (
        "01-aleppo-souk-reopens",
        "Aga Khan Trust for Culture",
        0,
        "ORG",
    ),
    ("01-aleppo-souk-reopens", "Mahmoud al-Halabi", 0, "PER"),
    ("01-aleppo-souk-reopens", "محمود الحلبي", 0, "PER"),
    ("01-aleppo-souk-reopens", "Souq al-Saqatiyya", 0, "LOC"),
    (
        "01-aleppo-souk-reopens",
        "United Nations Development Programme",
        0,
        "ORG",
    ),
    ("01-aleppo-souk-reopens", "Rania Qassem", 0, "PER"),
    ("01-aleppo-souk-reopens", "رانيا قاسم", 0, "PER"),
    ("01-aleppo-souk-reopens", "UNESCO", 0, "ORG"),
    (
        "02-nairobi-by-election",
        "Independent Electoral and Boundaries Commission",
        0,
        "ORG",
    ),
    ("02-nairobi-by-election", "IEBC", 0, "ORG"),
    ("02-nairobi-by-election", "August 26", 0, "DATE"),
    ("02-nairobi-by-election", "Westlands", 0, "GPE"),
    ("02-nairobi-by-election", "Miriam Wanjiku Otieno", 0, "PER"),
    ("02-nairobi-by-election", "Nairobi", 1, "GPE"),
    ("02-nairobi-by-election", "African Union", 0, "ORG"),
    (
        "02-nairobi-by-election",
        "Orange Democratic Movement",
        0,
        "ORG",
    ),
    ("02-nairobi-by-election", "Kenya", 1, "GPE"),
    ("03-central-bank-holds-rates", "Brazil", 0, "GPE"),
    ("03-central-bank-holds-rates", "Copom", 0, "ORG"),
    (
        "03-central-bank-holds-rates",
        "Getúlio Vargas Foundation",
        0,
        "ORG",
    ),
    (
        "03-central-bank-holds-rates",
        "Helena Duarte Galvão",
        0,
        "PER",
    ),
    ("03-central-bank-holds-rates", "Paulo Mendonça", 0, "PER"),
    (
        "03-central-bank-holds-rates",
        "São Paulo Federation of Industries",
        0,
        "ORG",
    ),
    ("04-brussels-migration-summit", "European Union", 0, "ORG"),
    ("04-brussels-migration-summit", "Brussels", 1, "GPE"),
    ("04-brussels-migration-summit", "Ingrid Vos", 0, "PER"),
    ("04-brussels-migration-summit", "Hungarian", 0, "NORP"),
    ("04-brussels-migration-summit", "Gábor Szalai", 0, "PER"),
    ("04-brussels-migration-summit", "September 2020", 0, "DATE"),
    (
        "04-brussels-migration-summit",
        "Amnesty International",
        0,
        "ORG",
    ),
    ("04-brussels-migration-summit", "Lesbos", 0, "LOC"),
    ("05-wildfire-evacuations", "Marseille", 1, "GPE"),
    (
        "05-wildfire-evacuations",
        "Benoi\u{302}t Laurent-Castel",
        0,
        "PER",
    ),
    ("05-wildfire-evacuations", "Météo-France", 0, "ORG"),
    ("05-wildfire-evacuations", "Claire Dumas-Roche", 0, "PER"),
    ("05-wildfire-evacuations", "August 2016", 0, "DATE"),
    ("06-mekong-dams-talks", "Laos", 1, "GPE"),
    ("06-mekong-dams-talks", "Mekong River Commission", 0, "ORG"),
    ("06-mekong-dams-talks", "Tonle Sap", 0, "LOC"),
    ("06-mekong-dams-talks", "Somchai Vongsa", 0, "PER"),
    ("06-mekong-dams-talks", "Cambodian", 0, "NORP"),
    ("07-chip-antitrust-probe", "South Korea", 0, "GPE"),
    ("07-chip-antitrust-probe", "Fair Trade Commission", 0, "ORG"),
    ("07-chip-antitrust-probe", "Hanbit Semiconductor", 0, "ORG"),
    ("07-chip-antitrust-probe", "Park Seo-yeon", 0, "PER"),
    ("07-chip-antitrust-probe", "National Assembly", 0, "ORG"),
    ("07-chip-antitrust-probe", "Suwon", 0, "GPE"),
    ("07-chip-antitrust-probe", "Chinese", 0, "NORP"),
];

const AFP_SPANS: &[(&str, usize, &str)] = &[
    ("AFP", 0, "ORG"),
    ("Beirut", 0, "GPE"),
    ("Russia", 0, "GPE"),
    ("Syrian", 0, "NORP"),
    ("Islamic State", 0, "ORG"),
    ("Saturday", 0, "DATE"),
    ("Homs", 0, "GPE"),
    ("Syrian Observatory for Human Rights", 0, "ORG"),
    ("Al-Sukhna", 0, "GPE"),
    ("Rami Abdel Rahman", 0, "PER"),
    ("Syria", 2, "GPE"),
    ("Badia desert", 0, "LOC"),
    ("Iraq", 0, "GPE"),
    ("2014", 0, "DATE"),
    ("Tauqir Sharif", 0, "PER"),
    ("June 22", 0, "DATE"),
    ("Hayat Tahrir al-Sham", 0, "ORG"),
    ("Idlib", 0, "GPE"),
    ("Racquell Hayden Best", 0, "PER"),
    ("Atme", 0, "GPE"),
    ("Pakistan", 0, "GPE"),
    ("Chingford", 0, "GPE"),
    ("London", 0, "GPE"),
    ("Live Updates From Syria", 0, "ORG"),
    ("Al Qaeda", 0, "ORG"),
];

fn spans_of(text: &str, wanted: &[(&str, usize, &str)]) -> Vec<entitle::formats::RawSpan> {
    wanted
        .iter()
        .enumerate()
        .map(|(i, &(needle, nth, label))| {
            let b = text
                .match_indices(needle)
                .nth(nth)
                .unwrap_or_else(|| panic!("{needle:?} #{nth} not found"))
                .0;
            let start = text[..b].chars().count();
            entitle::formats::RawSpan {
                key: format!("T{}", i + 1),
                fragments: vec![(start, start + needle.chars().count())],
                label: label.into(),
                ..Default::default()
            }
        })
        .collect()
}

fn record(name: &str, text: String, wanted: &[(&str, usize, &str)]) -> Record {
    let spans = spans_of(&text, wanted);
    formats::build_record(
        name,
        None,
        text,
        spans,
        vec![],
        Default::default(),
        &ReadOptions {
            annotator: "fixture".into(),
            ..Default::default()
        },
    )
    .unwrap()
}

/// The annotated projects the CI validators read: `<target tmp>/fixtures/{sample,afp}`.
fn fixtures() -> PathBuf {
    let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixtures");
    let _ = std::fs::remove_dir_all(&base);
    let sample_src = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/sample/docs");
    let (mut sample, _) = {
        std::fs::create_dir_all(base.join("sample")).unwrap();
        Project::open(&base.join("sample")).unwrap()
    };
    let mut docs: Vec<_> = std::fs::read_dir(&sample_src)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    docs.sort();
    for path in docs {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let wanted: Vec<(&str, usize, &str)> = SAMPLE_SPANS
            .iter()
            .filter(|s| s.0 == stem)
            .map(|s| (s.1, s.2, s.3))
            .collect();
        sample
            .import_record("fixture", &record(&stem, text, &wanted))
            .unwrap();
    }
    std::fs::create_dir_all(base.join("afp")).unwrap();
    let (mut afp, _) = Project::open(&base.join("afp")).unwrap();
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/afp-syria-2020.txt"),
    )
    .unwrap();
    afp.import_record("fixture", &record("afp-syria-2020", text, AFP_SPANS))
        .unwrap();
    base
}

#[test]
fn writes_annotated_fixtures_for_the_validators_and_exports_them() {
    let base = fixtures();
    for project in ["sample", "afp"] {
        let p = base.join(project);
        let out = base.join(format!("{project}-out"));
        for (format, output) in [
            ("jsonl", "all.jsonl"),
            ("spacy-jsonl", "spacy.jsonl"),
            ("spacy", "docs.spacy"),
            ("doccano", "doccano.jsonl"),
            ("label-studio", "ls.json"),
            ("prodigy", "prodigy.jsonl"),
            ("brat", "brat"),
            ("webanno-tsv", "webanno/"),
            ("csv", "entities.csv"),
        ] {
            let target = out.join(output);
            let (code, _, err) = entitle(&[
                "export",
                p.to_str().unwrap(),
                "--format",
                format,
                "--output",
                target.to_str().unwrap(),
            ]);
            assert_eq!(code, 0, "{project} {format}: {err}");
            assert!(
                err.contains("0 warnings, 0 errors"),
                "{project} {format}: {err}"
            );
        }
        for scheme in ["iob1", "iob2", "iobes", "bilou"] {
            let target = out.join(format!("{scheme}.conll"));
            let (code, _, err) = entitle(&[
                "export",
                p.to_str().unwrap(),
                "--format",
                "conll",
                "--scheme",
                scheme,
                "--output",
                target.to_str().unwrap(),
            ]);
            assert_eq!(code, 0, "{err}");
        }
        // Each export reads back to the same spans.
        let (code, _, err) = entitle(&[
            "validate",
            out.join("all.jsonl").to_str().unwrap(),
            "--format",
            "jsonl",
        ]);
        assert_eq!(code, 0, "{err}");
    }
}
