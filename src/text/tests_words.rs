//! Tests of word units: one test per rule, the real wire article and the sample
//! project, and properties over generated text.

use super::*;
use proptest::prelude::*;

const AFP: &str = include_str!("../../testdata/afp-syria-2020.txt");
const MIXED: &str = include_str!("../../testdata/unicode-mixed.txt");
const SAMPLE: &[&str] = &[
    include_str!("../../assets/sample/docs/01-aleppo-souk-reopens.txt"),
    include_str!("../../assets/sample/docs/02-nairobi-by-election.txt"),
    include_str!("../../assets/sample/docs/03-central-bank-holds-rates.txt"),
    include_str!("../../assets/sample/docs/04-brussels-migration-summit.txt"),
    include_str!("../../assets/sample/docs/05-wildfire-evacuations.txt"),
    include_str!("../../assets/sample/docs/06-mekong-dams-talks.txt"),
    include_str!("../../assets/sample/docs/07-chip-antitrust-probe.txt"),
];

/// Char offset of the first `needle` in `text`, plus `k` chars.
fn char_of(text: &str, ix: &TextIndex, needle: &str, k: usize) -> usize {
    let b = text.find(needle).expect("needle in text");
    ix.char_from_byte(b).expect("char boundary") + k
}

/// What a double-click on the `k`-th char of the first `needle` selects.
fn at(text: &str, needle: &str, k: usize) -> Option<String> {
    let ix = TextIndex::new(text);
    let c = char_of(text, &ix, needle, k);
    word_at(text, &ix, c).map(|w| ix.slice(text, w.range()).to_string())
}

/// A drag from the start of `from` to the end of `to` (first occurrences), snapped.
fn snap_with(text: &str, from: &str, to: &str, keep_quotes: bool) -> Option<String> {
    let ix = TextIndex::new(text);
    let b0 = text.find(from).expect("from in text");
    let b1 = text[b0..].find(to).expect("to in text") + b0 + to.len();
    let r = ix.char_from_byte(b0).unwrap()..ix.char_from_byte(b1).unwrap();
    let s = snap_to_words(text, &ix, r, keep_quotes)?;
    Some(ix.slice(text, s.range()).to_string())
}

fn snap(text: &str, from: &str, to: &str) -> String {
    snap_with(text, from, to, false).expect("a selection")
}

/// Every unit of `text` in order, by stepping with `next_word` (Right).
fn units(text: &str) -> Vec<CharSpan> {
    let ix = TextIndex::new(text);
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(w) = next_word(text, &ix, from) {
        out.push(w);
        from = w.end();
    }
    out
}

fn unit_texts(text: &str) -> Vec<String> {
    let ix = TextIndex::new(text);
    units(text)
        .into_iter()
        .map(|w| ix.slice(text, w.range()).to_string())
        .collect()
}

#[test]
fn snaps_partial_words_to_whole_words() {
    let t = "Observatory head Rami Abdel Rahman said.";
    assert_eq!(snap(t, "ami", "Abd"), "Rami Abdel");
    assert_eq!(snap(t, " Rami", "Rahman "), "Rami Abdel Rahman");
    // The full stop after the last word is left out.
    assert_eq!(snap(t, "sa", "said."), "said");
}

#[test]
fn hyphenated_names_are_one_unit() {
    let t = "near Al-Sukhna, Hayat Tahrir al-Sham, the Bouches-du-Rhône, Rami Abdel-Rahman, \
             Park Seo-yeon, Kim Jong-un, a nine-year-old war, COVID-19, 1990-2000, F-16 jets";
    for name in [
        "Al-Sukhna",
        "al-Sham",
        "Bouches-du-Rhône",
        "Abdel-Rahman",
        "Seo-yeon",
        "Jong-un",
        "nine-year-old",
        "COVID-19",
        "1990-2000",
        "F-16",
    ] {
        for k in 0..name.chars().count() {
            assert_eq!(at(t, name, k).as_deref(), Some(name), "{name} at {k}");
        }
    }
    // U+2010 HYPHEN joins too.
    assert_eq!(
        at("in Al\u{2010}Sukhna", "Al", 0).unwrap(),
        "Al\u{2010}Sukhna"
    );
    // A partial drag gets the whole name.
    assert_eq!(snap(t, "Suk", "Suk"), "Al-Sukhna");
}

#[test]
fn dashes_and_spaced_hyphens_do_not_join() {
    assert_eq!(unit_texts("war - peace"), ["war", "peace"]);
    assert_eq!(unit_texts("war -peace"), ["war", "peace"]);
    assert_eq!(unit_texts("war--peace"), ["war", "peace"]);
    assert_eq!(
        unit_texts("1990–2000 and 1990—2000"),
        ["1990", "2000", "and", "1990", "2000"]
    );
    assert_eq!(unit_texts("Al-\nSukhna"), ["Al", "Sukhna"]);
}

#[test]
fn adjectives_after_names_and_prefixes_before_them_split_off() {
    let t = "Russia-backed forces, a Britain-based monitor, an al-Qaeda-linked group, \
             Kremlin-run media, UNESCO-listed city, COVID-19-related rules, pro-Assad \
             militia, since mid-January, anti-government protests, U.S.-led coalition";
    assert_eq!(at(t, "Russia-", 2).unwrap(), "Russia");
    assert_eq!(at(t, "backed", 2).unwrap(), "backed");
    assert_eq!(at(t, "Britain-", 0).unwrap(), "Britain");
    assert_eq!(at(t, "al-Qaeda", 4).unwrap(), "al-Qaeda");
    assert_eq!(at(t, "linked", 0).unwrap(), "linked");
    assert_eq!(at(t, "Kremlin", 0).unwrap(), "Kremlin");
    assert_eq!(at(t, "UNESCO", 0).unwrap(), "UNESCO");
    assert_eq!(at(t, "COVID", 0).unwrap(), "COVID-19");
    assert_eq!(at(t, "pro-", 0).unwrap(), "pro");
    assert_eq!(at(t, "Assad", 0).unwrap(), "Assad");
    assert_eq!(at(t, "January", 0).unwrap(), "January");
    assert_eq!(at(t, "anti-", 0).unwrap(), "anti-government");
    assert_eq!(at(t, "U.S.", 0).unwrap(), "U.S.");
    assert_eq!(at(t, "led coalition", 0).unwrap(), "led");
    // The hyphen between them is nobody's: a drag over the name and it keeps the name.
    assert_eq!(snap(t, "Russia-", "Russia-"), "Russia");
}

#[test]
fn abbreviations_keep_their_full_stop() {
    let t = "The U.S. and the U.N., e.g. Mr. Smith of Acme Inc. at 9 a.m. and a Ph.D. \
             Sanctions on the U.S. Then Plan B. Then Jan. Then Idlib.";
    assert_eq!(at(t, "U.S.", 0).unwrap(), "U.S.");
    assert_eq!(
        at(t, "U.S.", 3).unwrap(),
        "U.S.",
        "the final full stop is in it"
    );
    assert_eq!(at(t, "U.N.", 1).unwrap(), "U.N.");
    assert_eq!(at(t, "e.g.", 0).unwrap(), "e.g.");
    assert_eq!(at(t, "Mr.", 0).unwrap(), "Mr.");
    assert_eq!(at(t, "Inc.", 0).unwrap(), "Inc.");
    assert_eq!(at(t, "a.m.", 0).unwrap(), "a.m.");
    assert_eq!(at(t, "Ph.D.", 3).unwrap(), "Ph.D.");
    // At the end of a sentence too: the abbreviation keeps the full stop.
    assert_eq!(at(t, "U.S. Then", 0).unwrap(), "U.S.");
    // After a normal word the full stop is the sentence's, and no unit.
    assert_eq!(at(t, "B.", 0).unwrap(), "B");
    assert_eq!(at(t, "Jan.", 0).unwrap(), "Jan");
    assert_eq!(at(t, "Idlib.", 0).unwrap(), "Idlib");
    assert_eq!(at(t, "Idlib.", 5), None);
    // A drag over "U.S." partially still gets it whole.
    assert_eq!(snap(t, "U.", "S"), "U.S.");
}

#[test]
fn numbers_with_separators_are_one_unit() {
    let t = "more than 380,000 people, 2,5 millions, 1.5 million, at 12:30 GMT, rates at \
             10.5%, $5 billion, in 2011.";
    for n in ["380,000", "2,5", "1.5", "12:30", "10.5"] {
        assert_eq!(at(t, n, 0).as_deref(), Some(n));
        assert_eq!(at(t, n, n.chars().count() - 1).as_deref(), Some(n));
    }
    assert_eq!(at(t, "2011.", 0).unwrap(), "2011");
    // Symbols that go with a number stay in a snapped selection, if dragged over.
    assert_eq!(snap(t, "10.5%", "10.5%,"), "10.5%");
    assert_eq!(snap(t, "$5", "billion"), "$5 billion");
    assert_eq!(snap(t, "5 bi", "bill"), "5 billion");
}

#[test]
fn punctuation_alone_is_never_a_unit() {
    let t = "Idlib, Homs. “He” — «she» (HTS) … said 😀 ; ! ? -- Sharif";
    let ix = TextIndex::new(t);
    for (c, ch) in t.chars().enumerate() {
        if !ch.is_alphanumeric() {
            assert_eq!(word_at(t, &ix, c), None, "{ch:?} at {c}");
        }
    }
    assert_eq!(
        unit_texts(t),
        ["Idlib", "Homs", "He", "she", "HTS", "said", "Sharif"]
    );
    // A drag over punctuation and space only selects nothing.
    assert_eq!(snap_with(t, " — ", " — ", false), None);
}

#[test]
fn word_movement_steps_over_punctuation() {
    let t = "Sharif, — “he” (said). U.S. 380,000\r\n\r\n— Idlib";
    let ix = TextIndex::new(t);
    let texts = |w: Option<CharSpan>| w.map(|w| ix.slice(t, w.range()).to_string());
    assert_eq!(
        unit_texts(t),
        ["Sharif", "he", "said", "U.S.", "380,000", "Idlib"]
    );
    // Right from the end of "Sharif" goes to "he", Left from "he" back to "Sharif".
    let sharif = word_at(t, &ix, 0).unwrap();
    let he = next_word(t, &ix, sharif.end()).unwrap();
    assert_eq!(texts(Some(he)).unwrap(), "he");
    assert_eq!(previous_word(t, &ix, he.start()), Some(sharif));
    // Across blank CRLF lines and a dash, both ways.
    let n = char_of(t, &ix, "380", 0);
    let idlib = next_word(t, &ix, n + 7).unwrap();
    assert_eq!(texts(Some(idlib)).unwrap(), "Idlib");
    assert_eq!(
        texts(previous_word(t, &ix, idlib.start())).unwrap(),
        "380,000"
    );
    assert_eq!(next_word(t, &ix, idlib.end()), None);
    assert_eq!(previous_word(t, &ix, 0), None);
    // From inside a word, Right gives that word (as the app always did).
    assert_eq!(next_word(t, &ix, 2), Some(sharif));
}

#[test]
fn drag_ending_in_space_after_a_word_does_not_take_the_next_word() {
    let t = "Rami   Abdel Rahman said";
    let ix = TextIndex::new(t);
    let abdel = char_of(t, &ix, "Abdel", 0);
    let s = |r: std::ops::Range<usize>| {
        snap_to_words(t, &ix, r, false).map(|w| ix.slice(t, w.range()).to_string())
    };
    // The drag's end anywhere in the spaces after "Rami", up to the next word's start.
    for end in 5..=abdel {
        assert_eq!(s(1..end).as_deref(), Some("Rami"), "end {end}");
    }
    // The same from the other side: a start in the spaces before "Abdel".
    for start in 4..abdel {
        assert_eq!(
            s(start..abdel + 2).as_deref(),
            Some("Abdel"),
            "start {start}"
        );
    }
    assert_eq!(s(4..abdel), None, "spaces only");
}

#[test]
fn quotes_are_left_out_unless_kept() {
    for (t, quoted) in [
        ("said “Sharif” then", "“Sharif”"),
        ("said \"Sharif\" then", "\"Sharif\""),
        ("said ‘Sharif’ then", "‘Sharif’"),
        ("said «Sharif» then", "«Sharif»"),
        ("said « Sharif » then", "« Sharif »"),
        ("said „Sharif“ then", "„Sharif“"),
    ] {
        assert_eq!(snap(t, quoted, quoted), "Sharif", "{t}");
        assert_eq!(snap_with(t, quoted, quoted, true).unwrap(), quoted, "{t}");
        // Part of the name and the closing quote: still the name alone.
        let close = quoted.chars().last().unwrap().to_string();
        assert_eq!(snap(t, "Sha", &close), "Sharif", "{t}");
    }
    // Other punctuation outside the name goes even when quotes are kept.
    let t = "a cross-border (“caliphate”), in";
    assert_eq!(snap(t, "(", "),"), "caliphate");
    assert_eq!(snap_with(t, "(", "),", true).unwrap(), "“caliphate”");
    assert_eq!(snap(t, "(", "cal"), "caliphate");
    // Quotes inside the selection stay: only the ends are trimmed.
    let t = "the “Live Updates” From Syria group";
    assert_eq!(snap(t, "the", "From"), "the “Live Updates” From");
    assert_eq!(snap(t, "“", "From"), "Live Updates” From");
    // An apostrophe inside a word is part of it.
    assert_eq!(snap(t, "the", "the"), "the");
    assert_eq!(at("We haven’t been", "haven", 0).unwrap(), "haven’t");
    assert_eq!(at("Ali O'Brien said", "O'B", 1).unwrap(), "O'Brien");
}

#[test]
fn possessive_is_not_part_of_the_name() {
    let t = "in Syria’s vast Badia desert, the capital's seat and Abdel-Rahman’s men";
    assert_eq!(snap(t, "Syr", "ria"), "Syria");
    assert_eq!(at(t, "’s", 0).unwrap(), "’s");
    assert_eq!(at(t, "capital", 0).unwrap(), "capital");
    assert_eq!(at(t, "'s", 1).unwrap(), "'s");
    assert_eq!(at(t, "Abdel-", 0).unwrap(), "Abdel-Rahman");
    // A drag over the whole of it keeps it: the drag asked for it.
    assert_eq!(snap(t, "Syr", "’s"), "Syria’s");
}

#[test]
fn missing_space_after_full_stop_splits_but_abbreviations_do_not() {
    let t = "killed jihadists.Meanwhile, the U.S. envoy wrote to example.com";
    assert_eq!(snap(t, "Mean", "while"), "Meanwhile");
    assert_eq!(snap(t, "jiha", "dists"), "jihadists");
    assert_eq!(
        at(t, "ts.M", 2),
        None,
        "the full stop between them is no unit"
    );
    assert_eq!(snap(t, "U.", "S"), "U.S.");
    assert_eq!(snap(t, "exam", "ple"), "example.com");
}

#[test]
fn whitespace_only_is_nothing() {
    let t = "a   b";
    let ix = TextIndex::new(t);
    assert_eq!(snap_to_words(t, &ix, 1..4, false), None);
    assert_eq!(word_at(t, &ix, 2), None);
    assert_eq!(word_at(t, &ix, 99), None);
    assert_eq!(snap_to_words(t, &ix, 9..12, false), None);
}

#[test]
fn unicode_words() {
    let t = "near حلب and Café 😀 today, Cafe\u{301} Noir, Zoë 👩‍👩‍👧 at";
    assert_eq!(snap(t, "حل", "حل"), "حلب");
    assert_eq!(snap(t, "af", "af"), "Café");
    assert_eq!(snap(t, "afe\u{301}", "afe"), "Cafe\u{301}");
    // Emoji are not words: skipped by movement, left out at the ends of a drag.
    assert_eq!(at(t, "😀", 0), None);
    assert_eq!(snap(t, "Café", "😀"), "Café");
    assert_eq!(snap(t, "Zoë", "👩‍👩‍👧"), "Zoë");
    assert!(!unit_texts(t).iter().any(|u| u.contains('😀')));
}

#[test]
fn window_keeps_long_lines_cheap_and_correct() {
    let mut t = "word ".repeat(10_000);
    t.push_str("Aleppo");
    let ix = TextIndex::new(&t);
    let c = ix.len_chars() - 3;
    assert_eq!(ix.slice(&t, word_at(&t, &ix, c).unwrap().range()), "Aleppo");
    // A long run of punctuation is crossed a window at a time, both ways.
    let t = format!("Homs {} Idlib", "-—.".repeat(20_000));
    let ix = TextIndex::new(&t);
    let idlib = next_word(&t, &ix, 4).unwrap();
    assert_eq!(ix.slice(&t, idlib.range()), "Idlib");
    assert_eq!(previous_word(&t, &ix, idlib.start()).unwrap().range(), 0..4);
    let all = 0..ix.len_chars();
    assert_eq!(
        snap_to_words(&t, &ix, 2..idlib.start() - 1, false)
            .unwrap()
            .range(),
        0..4
    );
    assert!(snap_to_words(&t, &ix, 5..idlib.start(), false).is_none());
    assert_eq!(snap_to_words(&t, &ix, all, false).unwrap().start(), 0);
    // No white space at all for longer than a window: still a unit around every letter.
    let t = "x".repeat(2_000);
    let ix = TextIndex::new(&t);
    assert!(word_at(&t, &ix, 1_000).is_some_and(|w| w.contains_char(1_000)));
}

/// Offsets of `needle` in the wire article, as chars.
fn afp_at(needle: &str, k: usize) -> Option<String> {
    at(AFP, needle, k)
}

#[test]
fn wire_article_names_and_numbers() {
    for k in 0..9 {
        assert_eq!(afp_at("Al-Sukhna", k).unwrap(), "Al-Sukhna");
    }
    assert_eq!(afp_at("al-Sham", 4).unwrap(), "al-Sham");
    assert_eq!(afp_at("380,000", 4).unwrap(), "380,000");
    assert_eq!(afp_at("Russia-backed", 0).unwrap(), "Russia");
    assert_eq!(afp_at("Britain-based", 0).unwrap(), "Britain");
    assert_eq!(afp_at("Qaeda-aligned", 0).unwrap(), "Qaeda");
    assert_eq!(afp_at("Syria’s vast", 0).unwrap(), "Syria");
    assert_eq!(afp_at("Idlib, his", 0).unwrap(), "Idlib");
    assert_eq!(afp_at("Meanwhile", 0).unwrap(), "Meanwhile");
    assert_eq!(afp_at("self-described", 0).unwrap(), "self-described");
    assert_eq!(afp_at("nine-year-old", 5).unwrap(), "nine-year-old");
    assert_eq!(afp_at("haven’t", 0).unwrap(), "haven’t");
    // Drags: quotes and brackets left out, the last word without its full stop.
    assert_eq!(snap(AFP, "“caliphate”", "“caliphate”"), "caliphate");
    assert_eq!(
        snap_with(AFP, "“caliphate”", "“caliphate”", true).unwrap(),
        "“caliphate”"
    );
    assert_eq!(snap(AFP, "(HTS)", "(HTS)"), "HTS");
    assert_eq!(snap(AFP, "Hayat", "(HTS)"), "Hayat Tahrir al-Sham (HTS");
    assert_eq!(snap(AFP, "humanitarian", "aid."), "humanitarian aid");
    assert_eq!(snap(AFP, "Tauqir", "Shar"), "Tauqir Sharif");
    // The units that hold more than letters and digits, all of them, in order.
    let ix = TextIndex::new(AFP);
    let inner: Vec<String> = units(AFP)
        .into_iter()
        .map(|w| ix.slice(AFP, w.range()).to_string())
        .filter(|u| !u.chars().all(char::is_alphanumeric))
        .collect();
    assert_eq!(
        inner,
        [
            "pro-government",
            "Al-Sukhna",
            "’s",
            "cross-border",
            "proto-state",
            "’s",
            "380,000",
            "anti-government",
            "self-described",
            "’s",
            "al-Sham",
            "’s",
            "haven’t",
            "’s",
            "’s",
            "nine-year-old",
        ]
    );
}

/// Properties every text must have: units in order, apart, with a letter or digit, on
/// char boundaries; `word_at` agrees with them everywhere; Left finds what Right finds;
/// every letter and digit is in a unit.
fn check_units(text: &str) {
    let ix = TextIndex::new(text);
    let all = units(text);
    let chars: Vec<char> = text.chars().collect();
    let mut covered = vec![false; chars.len()];
    let mut prev_end = 0;
    for w in &all {
        let s = ix.slice(text, w.range());
        assert!(w.start() >= prev_end, "units in order and apart: {s:?}");
        prev_end = w.end();
        assert!(
            s.chars().any(char::is_alphanumeric),
            "{s:?} has no letter or digit"
        );
        assert!(
            !s.chars().any(char::is_whitespace),
            "{s:?} spans white space"
        );
        let b = ix.byte_range(w.range()).unwrap();
        assert!(text.is_char_boundary(b.start) && text.is_char_boundary(b.end));
        for c in w.range() {
            assert_eq!(word_at(text, &ix, c), Some(*w), "word_at({c}) in {s:?}");
            covered[c] = true;
        }
    }
    for (c, &ch) in chars.iter().enumerate() {
        if !covered[c] {
            assert_eq!(word_at(text, &ix, c), None, "{ch:?} at {c}");
            assert!(!ch.is_alphanumeric(), "{ch:?} at {c} is in no unit");
        }
    }
    let mut back = Vec::new();
    let mut before = ix.len_chars();
    while let Some(w) = previous_word(text, &ix, before) {
        back.push(w);
        before = w.start();
    }
    back.reverse();
    assert_eq!(back, all, "Left steps through the same units as Right");
}

#[test]
fn wire_article_and_sample_units_are_sound() {
    check_units(AFP);
    check_units(MIXED);
    for doc in SAMPLE {
        check_units(doc);
    }
}

#[test]
fn sample_project_names() {
    let aleppo = SAMPLE[0];
    assert_eq!(at(aleppo, "al-Halabi", 0).unwrap(), "al-Halabi");
    assert_eq!(
        at(aleppo, "Directorate-General", 12).unwrap(),
        "Directorate-General"
    );
    assert_eq!(at(aleppo, "UNESCO-listed", 0).unwrap(), "UNESCO");
    assert_eq!(at(aleppo, "Aleppo’s", 0).unwrap(), "Aleppo");
    let marseille = SAMPLE[4];
    assert_eq!(
        at(marseille, "Bouches-du-Rhône", 9).unwrap(),
        "Bouches-du-Rhône"
    );
    assert_eq!(at(marseille, "Météo-France", 0).unwrap(), "Météo-France");
    assert_eq!(
        at(marseille, "Provence-Alpes", 0).unwrap(),
        "Provence-Alpes-Côte"
    );
    assert_eq!(at(marseille, "d’Azur", 0).unwrap(), "d’Azur");
    assert_eq!(at(marseille, "3,000", 0).unwrap(), "3,000");
    assert_eq!(
        snap(marseille, "“stay", "hills”"),
        "stay away from the hills"
    );
    let seoul = SAMPLE[6];
    assert_eq!(at(seoul, "Seo-yeon", 0).unwrap(), "Seo-yeon");
    assert_eq!(at(seoul, "long-term", 0).unwrap(), "long-term");
    let nairobi = SAMPLE[1];
    assert_eq!(snap(nairobi, "(IEBC)", "(IEBC)"), "IEBC");
    assert_eq!(at(nairobi, "capital's", 0).unwrap(), "capital");
}

proptest! {
    #[test]
    fn units_are_sound_on_news_like_text(
        text in "([A-Za-z]{1,6}|[0-9]{1,4}| |  |\n|\r\n|-|\u{2010}|–|—|\\.|,|:|;|’s|'s|'|’|“|”|«|»|\\(|\\)|\"|\\$|%|😀|\u{301}|\u{64E}|دبي|U\\.S\\.|al-|Al-|e\\.g\\.|Mr\\.|-backed|pro-){0,40}"
    ) {
        check_units(&text);
    }

    #[test]
    fn units_are_sound_on_any_text(text in "\\PC{0,40}") {
        check_units(&text);
    }

    #[test]
    fn snapping_keeps_to_units(
        text in "([A-Za-z]{1,6}|[0-9]{1,3}| |\n|-|\\.|,|’s|“|”|«|»|\\(|\\)|%|😀|U\\.S\\.){0,30}",
        a in 0usize..60,
        b in 0usize..60,
        keep_quotes: bool,
    ) {
        let ix = TextIndex::new(&text);
        let len = ix.len_chars();
        let (a, b) = (a.min(b).min(len), a.max(b).min(len));
        let Some(s) = snap_to_words(&text, &ix, a..b, keep_quotes) else {
            // Nothing but white space and punctuation was dragged over.
            for c in a..b {
                prop_assert!(word_at(&text, &ix, c).is_none());
            }
            return Ok(());
        };
        let slice: Vec<char> = ix.slice(&text, s.range()).chars().collect();
        prop_assert!(!slice[0].is_whitespace() && !slice[slice.len() - 1].is_whitespace());
        // Each end is a unit's edge, or a symbol or quote snapping keeps.
        let edge_ok = |c: usize, ch: char, is_start: bool| {
            match word_at(&text, &ix, c) {
                Some(w) => if is_start { w.start() == c } else { w.end() == c + 1 },
                None => is_kept_symbol(ch) || (keep_quotes && is_quote(ch)),
            }
        };
        prop_assert!(edge_ok(s.start(), slice[0], true), "start of {:?}", slice);
        prop_assert!(edge_ok(s.end() - 1, slice[slice.len() - 1], false), "end of {:?}", slice);
        // Never beyond the units at the drag's ends; every unit dragged over is in it.
        let lo = word_at(&text, &ix, a).map_or(a, |w| w.start());
        let hi = word_at(&text, &ix, b - 1).map_or(b, |w| w.end());
        prop_assert!(lo <= s.start() && s.end() <= hi);
        for w in units(&text) {
            if a <= w.start() && w.end() <= b {
                prop_assert!(s.contains_span(w));
            }
        }
    }
}

/// Whole-word search and word units agree: every unit of letters and digits (with
/// hyphens between) in the wire article and the sample is a whole word for search —
/// so a name double-clicked in the text is found by a whole-word search for it.
#[test]
fn every_word_unit_is_a_whole_word_for_search() {
    let mut checked = 0;
    for text in std::iter::once(AFP).chain(SAMPLE.iter().copied()) {
        let ix = TextIndex::new(text);
        let mut from = 0;
        while let Some(w) = next_word(text, &ix, from) {
            from = w.end();
            let (s, e) = (
                ix.byte_from_char(w.start()).unwrap(),
                ix.byte_from_char(w.end()).unwrap(),
            );
            let unit = &text[s..e];
            // Units with inner dots or apostrophes (U.S., O'Brien) follow their own
            // rules; this checks the hyphen rules shared with search.
            if !unit.chars().all(|c| c.is_alphanumeric() || c == '-') {
                continue;
            }
            assert!(
                !crate::search::words::cuts_word(text, s, e),
                "search cuts the unit {unit:?} at {s}"
            );
            checked += 1;
        }
    }
    assert!(checked > 1000, "{checked}");
}

/// Found by `units_are_sound_on_any_text`: UAX #29 joins letters across U+202F.
#[test]
fn a_narrow_no_break_space_splits_units() {
    check_units("𞋀\u{202f}À");
    check_units("12\u{202f}000 dollars, Mr\u{202f}Smith");
}
