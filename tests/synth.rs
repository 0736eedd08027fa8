//! The generated corpora that benchmarks measure are what they claim to be.

#[path = "support/synth.rs"]
mod synth;

use entitle::model::{DocId, Document};
use synth::*;

#[test]
fn one_megabyte_with_twenty_thousand_spans() {
    let d = news_document(1 << 20, 52, 7);
    assert!(d.text.len() >= 1 << 20);
    let set = annotation_set(&d);
    assert!((19_000..=23_000).contains(&set.len()), "{}", set.len());
    let words = d.text.split_whitespace().count();
    assert!(words > 140_000, "{words}");
    // Every span covers what it claims.
    let doc = Document::new(DocId::new("x").unwrap(), d.text.as_str());
    for s in set.iter().take(200) {
        assert!(!doc.slice(s.range.range()).trim().is_empty());
    }
}
