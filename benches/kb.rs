//! Knowledge-base completion (issue 7): one million generated entries (syllable-based
//! names of one to three words, three aliases each, some with diacritics or in Arabic)
//! indexed for completion. Times building the index from parsed entries, loading the
//! same entries from a one-million-line CSV in a temporary `kb/` folder, and queries
//! of one letter, three letters, a whole word, a phrase and an id; prints the index's
//! memory and the slowest of every one- and two-letter query.
//!
//! Run: `cargo bench --bench kb --no-default-features`.

use criterion::{Criterion, criterion_group, criterion_main};
use entitle::kb::{Kb, KbEntry, load_dir};
use std::hint::black_box;
use std::io::Write;
use std::time::{Duration, Instant};

const ENTRIES: usize = 1_000_000;
/// Completions a list shows.
const LIMIT: usize = 20;

/// A `VmRSS:`/`VmHWM:` line of /proc/self/status in MB (Linux), 0 elsewhere.
fn status_mb(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(field))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// splitmix64: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const SYLLABLES: &[&str] = &[
    "al", "an", "ba", "bel", "ber", "ca", "car", "da", "del", "dor", "e", "el", "en", "fa", "fer",
    "ga", "gar", "ha", "har", "i", "in", "is", "ja", "ka", "kar", "la", "lan", "li", "lo", "ma",
    "mar", "me", "mi", "mo", "na", "nar", "ne", "no", "o", "or", "pa", "per", "ra", "ri", "ro",
    "sa", "san", "se", "sha", "si", "ta", "tan", "ti", "to", "u", "ur", "va", "ver", "ya", "za",
    "zan",
];
const SUFFIXES: &[&str] = &["City", "Group", "Party", "River", "Council", "Front", "FC"];
const ARABIC: &[&str] = &["محمد", "أحمد", "الرقة", "حلب", "دمشق", "عبد", "الله", "حسن"];

fn word(rng: &mut Rng) -> String {
    let n = 2 + rng.below(3);
    let mut w: String = (0..n).map(|_| rng.pick(SYLLABLES)).collect();
    if let Some(first) = w.get(..1) {
        w = first.to_uppercase() + &w[1..];
    }
    w
}

/// A name of one to three words; every fifth one with a suffix word.
fn name(rng: &mut Rng) -> String {
    let words = match rng.below(10) {
        0..2 => 1,
        2..7 => 2,
        _ => 3,
    };
    let mut parts: Vec<String> = (0..words).map(|_| word(rng)).collect();
    if rng.below(5) == 0 {
        parts.push(rng.pick(SUFFIXES).to_string());
    }
    parts.join(" ")
}

/// One million entries: a name, an alias with an initial, a longer form spelled with
/// diacritics, and another name (in Arabic for one entry in ten).
fn entries() -> Vec<KbEntry> {
    let mut rng = Rng(7);
    (0..ENTRIES)
        .map(|i| {
            let name = name(&mut rng);
            let initial = match name.split_once(' ') {
                Some((first, rest)) => format!("{}. {rest}", &first[..1]),
                None => format!("{name} ({})", rng.pick(SUFFIXES)),
            };
            // A longer form, with diacritics (distinct from the name once folded:
            // an alias that folds like the name is not stored).
            let accented = format!("{} of {}", word(&mut rng), name)
                .replacen('e', "é", 1)
                .replacen('o', "ö", 1);
            let other = if i % 10 == 0 {
                format!("{} {}", rng.pick(ARABIC), rng.pick(ARABIC))
            } else {
                self::name(&mut rng)
            };
            KbEntry {
                db: "wikidata".into(),
                id: format!("Q{}", 1 + i * 7),
                name,
                aliases: vec![initial, accented, other],
                description: None,
            }
        })
        .collect()
}

fn write_csv(entries: &[KbEntry], dir: &std::path::Path) -> u64 {
    let kb = dir.join("kb");
    std::fs::create_dir_all(&kb).unwrap();
    let path = kb.join("wikidata.csv");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(out, "id,name,aliases").unwrap();
    for e in entries {
        writeln!(out, "{},{},{}", e.id, e.name, e.aliases.join("|")).unwrap();
    }
    out.flush().unwrap();
    drop(out);
    std::fs::metadata(&path).unwrap().len()
}

fn bench(c: &mut Criterion) {
    let list = entries();
    let before = status_mb("VmRSS:");
    let t0 = Instant::now();
    let kb = Kb::from_entries(&list);
    let built = t0.elapsed();
    let after = status_mb("VmRSS:");
    eprintln!(
        "kb: {} entries, {} keys, built in {:.2} s; {:.0} MB by its own count \
         (+{:.0} MB resident; peak resident so far {:.0} MB, of which the parsed \
         entries ~{:.0} MB)",
        kb.len(),
        kb.keys(),
        built.as_secs_f64(),
        kb.memory_usage() as f64 / 1e6,
        after - before,
        status_mb("VmHWM:"),
        before
    );

    let first_word = list[0].name.split(' ').next().unwrap_or("").to_string();
    let queries: Vec<(&str, String)> = vec![
        ("1 letter `a`", "a".into()),
        ("1 letter `s`", "s".into()),
        ("3 letters `mar`", "mar".into()),
        ("whole word", first_word.clone()),
        ("two words, second cut", {
            let n = &list[12].name;
            n.chars()
                .take(n.find(' ').map_or(n.len(), |i| i + 3))
                .collect()
        }),
        ("id `Q700001`", "Q700001".into()),
        ("id `wikidata:Q700001`", "wikidata:Q700001".into()),
        ("no hit `qqq`", "qqq".into()),
    ];
    for (what, q) in &queries {
        eprintln!(
            "  {what}: {q:?} starts {} keys; best: {:?}",
            kb.prefix_hits(q),
            kb.complete(q, 3)
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>()
        );
    }
    // The slowest keystroke of all: every one- and two-letter query, timed once each
    // after a warm-up.
    let letters: Vec<char> = ('a'..='z').collect();
    let mut all: Vec<String> = letters.iter().map(|c| c.to_string()).collect();
    for a in &letters {
        for b in &letters {
            all.push(format!("{a}{b}"));
        }
    }
    let mut slowest = (Duration::ZERO, String::new());
    for q in &all {
        black_box(kb.complete(q, LIMIT));
        let t = Instant::now();
        black_box(kb.complete(q, LIMIT));
        let d = t.elapsed();
        if d > slowest.0 {
            slowest = (d, q.clone());
        }
    }
    eprintln!(
        "slowest of {} one- and two-letter queries: {:?} ({:.3} ms, {} keys)",
        all.len(),
        slowest.1,
        slowest.0.as_secs_f64() * 1e3,
        kb.prefix_hits(&slowest.1)
    );

    let mut g = c.benchmark_group("kb complete");
    for (what, q) in &queries {
        g.bench_function(*what, |b| b.iter(|| kb.complete(black_box(q), LIMIT).len()));
    }
    g.finish();
    drop(kb);

    let mut g = c.benchmark_group("kb build");
    g.sample_size(10).measurement_time(Duration::from_secs(60));
    g.bench_function("index 1M parsed entries", |b| {
        b.iter(|| Kb::from_entries(&list).len())
    });
    let dir = tempfile::tempdir().unwrap();
    let bytes = write_csv(&list, dir.path());
    drop(list);
    eprintln!("kb/wikidata.csv: {:.1} MB", bytes as f64 / 1e6);
    g.bench_function("load a 1M-line CSV", |b| {
        b.iter(|| {
            let (kb, problems) = load_dir(dir.path());
            assert!(problems.is_empty(), "{problems:?}");
            kb.len()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
