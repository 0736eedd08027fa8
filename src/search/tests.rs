use super::*;
use crate::model::DocId;
use proptest::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

fn q(pattern: &str, case_sensitive: bool, whole_word: bool) -> Compiled {
    Query {
        pattern: pattern.into(),
        regex: false,
        case_sensitive,
        whole_word,
    }
    .compile()
    .unwrap()
}

fn spans(text: &str, c: &Compiled) -> Vec<(usize, usize)> {
    find_all(text, &TextIndex::new(text), c)
        .into_iter()
        .map(|s| (s.start(), s.end()))
        .collect()
}

#[test]
fn curly_quotes_and_possessives() {
    let t = "“Idlib” is ‘calm’, said Idlib’s governor of IDLIB";
    assert_eq!(spans(t, &q("Idlib", true, false)), vec![(1, 6), (24, 29)]);
    assert_eq!(
        spans(t, &q("idlib", false, true)),
        vec![(1, 6), (24, 29), (44, 49)]
    );
    assert_eq!(spans(t, &q("‘calm’", true, true)), vec![(11, 17)]);
}

#[test]
fn astral_emoji_before_a_hit() {
    let t = "🙂 Homs 🙂Homs 👨‍👩‍👧 Homs";
    // 🙂=1 char; the family emoji is 5 chars (3 people, 2 ZWJ).
    assert_eq!(
        spans(t, &q("Homs", true, false)),
        vec![(2, 6), (8, 12), (19, 23)]
    );
    assert_eq!(spans(t, &q("🙂", true, false)), vec![(0, 1), (7, 8)]);
    let c = Query::regex(r"\p{Emoji_Presentation}Homs")
        .compile()
        .unwrap();
    assert_eq!(spans(t, &c), vec![(7, 12)]);
}

#[test]
fn combining_marks() {
    let t = "Cafe\u{301} and Café and CAFÉ";
    assert_eq!(spans(t, &q("Café", true, false)), vec![(10, 14)]);
    assert_eq!(spans(t, &q("café", false, false)), vec![(10, 14), (19, 23)]);
    assert_eq!(spans(t, &q("Cafe", true, false)), vec![(0, 4)]);
    assert_eq!(
        spans(t, &q("Cafe", true, true)),
        vec![],
        "the accent continues the word"
    );
    assert_eq!(spans(t, &q("cafe\u{301}", false, true)), vec![(0, 5)]);
    let found = find_matches(t, &TextIndex::new(t), &q("Cafe", true, false));
    assert!(found[0].cuts_word);
}

#[test]
fn arabic() {
    let t = "قال محمود الحلبي إن حلب آمنة، وحلب";
    let c = q("حلب", true, false);
    assert_eq!(spans(t, &c), vec![(12, 15), (20, 23), (31, 34)]);
    assert_eq!(spans(t, &q("حلب", false, true)), vec![(20, 23)]);
    let c = Query::regex(r"\bمحمود\s+\w+").compile().unwrap();
    assert_eq!(spans(t, &c), vec![(4, 16)]);
}

#[test]
fn crlf_counts_two_chars() {
    let t = "Homs\r\nIdlib\r\nHoms\rX\u{2028}Homs";
    assert_eq!(
        spans(t, &q("homs", false, true)),
        vec![(0, 4), (13, 17), (20, 24)]
    );
    assert_eq!(
        spans(t, &Query::regex("Idlib$").compile().unwrap()),
        vec![(6, 11)]
    );
    assert_eq!(spans(t, &q("\r\nI", true, false)), vec![(4, 7)]);
}

#[test]
fn ranges_for_visible_rows() {
    let t = "Homs. 🙂 Homs. Homs. Homs.";
    let ix = TextIndex::new(t);
    let c = q("Homs", true, true);
    let got: Vec<usize> = find_in_range(t, &ix, &c, 7..16)
        .iter()
        .map(|s| s.start())
        .collect();
    assert_eq!(got, vec![8, 14]);
    assert!(find_in_range(t, &ix, &c, 100..200).is_empty());
    let c = Query::regex(r"^Homs").compile().unwrap();
    assert!(
        find_in_range(t, &ix, &c, 1..20).is_empty(),
        "^ sees the text before"
    );
}

/// The obvious search over chars: leftmost, non-overlapping, case by lowercasing each
/// character (the same as simple case folding on the test alphabet).
fn naive(text: &str, pattern: &str, case_sensitive: bool, whole_word: bool) -> Vec<Found> {
    let fold = |c: char| {
        if case_sensitive {
            c
        } else {
            c.to_lowercase().next().unwrap_or(c)
        }
    };
    let t: Vec<char> = text.chars().collect();
    let p: Vec<char> = pattern.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i + p.len() <= t.len() && !p.is_empty() {
        let hit = (0..p.len()).all(|k| fold(t[i + k]) == fold(p[k]));
        let cuts = hit && naive_cuts(&t, i, i + p.len());
        if hit && !(whole_word && cuts) {
            out.push(Found {
                span: CharSpan::new(i, i + p.len(), t.len()).unwrap(),
                cuts_word: cuts,
            });
            i += p.len();
        } else {
            i += 1;
        }
    }
    out
}

/// The word rules of `words`, restated over a char vector.
fn naive_cuts(t: &[char], s: usize, e: usize) -> bool {
    let w = |i: usize| t.get(i).is_some_and(|&c| words::is_word_char(c));
    let hyphen = |i: usize| t.get(i).is_some_and(|&c| "-\u{2010}\u{2011}".contains(c));
    let apos = |i: usize| t.get(i).is_some_and(|&c| "'\u{2019}\u{2BC}".contains(c));
    let starts_inside =
        w(s) && s > 0 && (w(s - 1) || ((hyphen(s - 1) || apos(s - 1)) && s > 1 && w(s - 2)));
    let possessive = apos(e) && matches!(t.get(e + 1), Some('s' | 'S')) && !w(e + 2);
    let ends_inside =
        w(e - 1) && (w(e) || (hyphen(e) && w(e + 1)) || (apos(e) && w(e + 1) && !possessive));
    starts_inside || ends_inside
}

const ALPHABET: &str = "(Idlib|idlib|IDLIB|Rhône|RHÔNE|rho\u{302}ne|a|b|A| |-|’s|'|é|É|e\u{301}|🙂|حلب|\r\n|\n|“|”|ß|ẞ|ſ|K){0,40}";

proptest! {
    #[test]
    fn plain_search_equals_the_naive_search(
        text in ALPHABET,
        pattern in prop::sample::select(vec![
            "idlib", "Idlib", "a", "ab", "b a", "é", "É", "e\u{301}", "حلب", "rhône", "RHÔNE",
            "🙂", "-", "a-b", "’s", "\r\n", "ß", "s", "k", "lib", "a a",
        ]),
        case_sensitive in any::<bool>(),
        whole_word in any::<bool>(),
    ) {
        let c = q(pattern, case_sensitive, whole_word);
        let ix = TextIndex::new(&text);
        let fast = find_matches(&text, &ix, &c);
        let slow = naive(&text, pattern, case_sensitive, whole_word);
        // Lowercasing one char is simple case folding here, except ſ and K, which fold to
        // s and k: the naive search ignores those two folds, so compare without them.
        if case_sensitive || !(text.contains('ſ') || text.contains('K')) {
            prop_assert_eq!(&fast, &slow);
        }
        // The corpus path (no TextIndex, offsets counted forward) agrees exactly.
        let corpus = Corpus::from_docs([CorpusDoc::new(DocId::new("d").unwrap(), text.as_str().into())]);
        let all = collect_matches(&corpus, &c, &AtomicBool::new(false)).unwrap();
        let from_corpus = all.into_iter().next().map(|(_, f)| f).unwrap_or_default();
        prop_assert_eq!(from_corpus, fast);
    }
}

/// A corpus of `n` generated documents with names, curly quotes, emoji and Arabic.
fn corpus(n: usize) -> Corpus {
    let words = [
        "Idlib",
        "said",
        "the",
        "Observatory",
        "“Homs”",
        "🙂",
        "حلب",
        "Rami",
        "Abdel-Rahman",
        "on",
        "Saturday",
        "Café",
        "in",
        "Aleppo’s",
        "\n",
    ];
    let mut seed = 7u64;
    Corpus::from_docs((0..n).map(|i| {
        let mut t = String::new();
        for _ in 0..40 + i % 30 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            t.push_str(words[(seed % words.len() as u64) as usize]);
            t.push(' ');
        }
        CorpusDoc::new(DocId::new(format!("doc{i}")).unwrap(), t.into())
    }))
}

#[test]
fn project_search_streams_in_order_with_context_and_caps() {
    let corpus = corpus(3_000);
    let c = q("idlib", false, true);
    let mut got = Vec::new();
    let limits = Limits {
        hits_per_doc: 2,
        stored_hits: 1_000,
        ..Limits::default()
    };
    let sum = search_corpus(&corpus, &c, &limits, &AtomicBool::new(false), |h| {
        got.push(h)
    });
    assert_eq!(sum.docs_searched, 3_000);
    assert!(!sum.cancelled && !sum.count_capped);
    assert!(got.windows(2).all(|w| w[0].position < w[1].position));
    // Every document agrees with the one-document search.
    let mut expected_total = 0;
    for d in corpus.docs() {
        let text = &*d.text;
        let all = find_all(text, &TextIndex::new(text), &c);
        expected_total += all.len();
        if let Some(h) = got.iter().find(|h| h.doc == d.id) {
            assert_eq!(h.total, all.len());
            for (hit, span) in h.hits.iter().zip(&all) {
                assert_eq!(hit.span, *span);
                assert_eq!(hit.matched, "Idlib");
                let ix = TextIndex::new(text);
                let before = ix.slice(text, 0..span.start());
                assert!(before.ends_with(&hit.before));
                assert!(!hit.before.contains('\n') && hit.before.chars().count() <= 40);
                assert!(
                    ix.slice(text, span.end()..ix.len_chars())
                        .starts_with(&hit.after)
                );
            }
        } else {
            assert!(all.is_empty());
        }
    }
    assert_eq!(sum.total_hits, expected_total);
    assert_eq!(sum.stored_hits, 1_000, "the total cap");
    assert_eq!(got.iter().map(|h| h.hits.len()).sum::<usize>(), 1_000);
    assert!(sum.docs_truncated > 0);
    assert_eq!(sum.docs_with_hits, got.len());
    // A count cap stops the search early and says so.
    let capped = Limits {
        counted_hits: 5_000,
        ..Limits::default()
    };
    let sum = search_corpus(
        &corpus,
        &q("the", true, false),
        &capped,
        &AtomicBool::new(false),
        |_| {},
    );
    assert!(sum.count_capped && sum.docs_searched < 3_000, "{sum:?}");
}

#[test]
fn context_snippets_keep_marks_with_their_letters() {
    // 40 characters before the hit start on the accent: its letter comes too.
    let text = format!("e\u{301}{}Homs and more\n\u{301}Homs", "y".repeat(39));
    let corpus = Corpus::from_docs([CorpusDoc::new(DocId::new("d").unwrap(), text.into())]);
    let mut got = Vec::new();
    search_corpus(
        &corpus,
        &q("Homs", true, false),
        &Limits::default(),
        &AtomicBool::new(false),
        |h| got.push(h),
    );
    let hit = &got[0].hits[0];
    assert_eq!(hit.span, CharSpan::new(41, 45, 60).unwrap());
    assert_eq!(hit.before, format!("e\u{301}{}", "y".repeat(39)));
    assert_eq!(hit.after, " and more");
    // At a line start, the lone accent is left out rather than shown without a letter.
    let hit = &got[0].hits[1];
    assert_eq!((hit.before.as_str(), hit.after.as_str()), ("", ""));
    let long = Limits {
        matched_chars: 2,
        ..Limits::default()
    };
    let mut got = Vec::new();
    search_corpus(
        &corpus,
        &q("Homs", true, false),
        &long,
        &AtomicBool::new(false),
        |h| got.push(h),
    );
    assert_eq!(got[0].hits[0].matched, "Ho…");
}

#[test]
fn cancelling_stops_a_search() {
    let corpus = corpus(20_000);
    let c = Query::regex(r"(?i)\w+ \w+").compile().unwrap();
    // Cancelled before it starts: nothing is searched.
    let sum = search_corpus(
        &corpus,
        &c,
        &Limits::default(),
        &AtomicBool::new(true),
        |_| panic!("no hits after a cancel"),
    );
    assert!(sum.cancelled);
    assert_eq!(sum.docs_searched, 0);
    // Cancelled from the first result: nothing more arrives.
    let cancel = AtomicBool::new(false);
    let mut events = 0;
    let sum = search_corpus(&corpus, &c, &Limits::default(), &cancel, |_| {
        events += 1;
        cancel.store(true, Ordering::Relaxed);
    });
    assert_eq!(events, 1);
    assert!(sum.cancelled && sum.docs_searched < 20_000, "{sum:?}");
    assert!(collect_matches(&corpus, &c, &AtomicBool::new(true)).is_none());
    // Through the handle, from another thread: the search is paused in `notify` after
    // its first event until the handle has been cancelled, so the test is not a race.
    let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
    let go_rx = std::sync::Mutex::new(go_rx);
    let handle = spawn_search(Arc::new(corpus), c, Limits::default(), move || {
        let _ = go_rx.lock().map(|r| r.recv());
    });
    let first = loop {
        if let Some(e) = handle.try_recv() {
            break e;
        }
        std::thread::yield_now();
    };
    assert!(matches!(first, SearchEvent::Hits(_)));
    handle.cancel();
    let started = std::time::Instant::now();
    drop(go_tx);
    let (_, sum) = handle.wait();
    assert!(sum.cancelled && sum.docs_searched < 20_000, "{sum:?}");
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
}

#[test]
fn corpus_updates_and_loading() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("b10.txt"), "Homs\r\n").unwrap();
    std::fs::write(dir.path().join("b2.txt"), "\u{FEFF}in Homs").unwrap();
    std::fs::write(dir.path().join("bad.txt"), b"caf\xe9").unwrap();
    let (project, _) = crate::project::Project::open_read_only(dir.path()).unwrap();
    let entries = Corpus::entries_of(&project);
    let mut load = Corpus::spawn_load(entries);
    let (mut corpus, failures) = loop {
        if let Some(done) = load.try_take() {
            break done;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    };
    assert_eq!(load.progress(), (3, 3));
    assert_eq!(failures.len(), 1);
    assert!(
        failures[0].reason.contains("not valid UTF-8"),
        "{failures:?}"
    );
    let ids: Vec<&str> = corpus.docs().iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["b2", "b10"], "natural order");
    assert_eq!(
        corpus.get(&DocId::new("b2").unwrap()).unwrap().len_chars,
        7,
        "BOM dropped"
    );
    assert_eq!(corpus.bytes(), 6 + 7);
    corpus.upsert(CorpusDoc::new(
        DocId::new("b3").unwrap(),
        "Homs Homs".into(),
    ));
    corpus.upsert(CorpusDoc::new(DocId::new("b10").unwrap(), "no".into()));
    assert!(corpus.remove(&DocId::new("b2").unwrap()));
    assert!(!corpus.remove(&DocId::new("b2").unwrap()));
    assert_eq!(corpus.bytes(), 9 + 2);
    let all = collect_matches(&corpus, &q("Homs", true, true), &AtomicBool::new(false)).unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].0.as_str(), "b3");
    assert_eq!(all[0].1.len(), 2);
}
