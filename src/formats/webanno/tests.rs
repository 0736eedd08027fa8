//! Tests of the WebAnno TSV reader and writer, with fixtures shaped like INCEpTION's
//! own files (testdata/real/webanno-tsv) and those files themselves.

use super::escape::*;
use super::*;
use crate::formats::{RawRelation, RawSpan, build_record};

const NE_HEADER: &str = "#FORMAT=WebAnno TSV 3.3\n#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|identifier|value\n\n\n";

fn read_with(tsv: &str, layers: &[&str]) -> Result<Record, FormatError> {
    let options = ReadOptions {
        webanno_layers: layers.iter().map(|s| s.to_string()).collect(),
        ..ReadOptions::default()
    };
    parse(tsv, Path::new("x.tsv"), "x", &options)
}

fn read(tsv: &str) -> Result<Record, FormatError> {
    read_with(tsv, &[])
}

/// (covered text, label) of every span, in text order.
fn spans(r: &Record) -> Vec<(String, String)> {
    r.set
        .iter()
        .map(|s| {
            (
                r.doc.slice(s.range.range()).to_string(),
                s.label.to_string(),
            )
        })
        .collect()
}

/// (source text, label, target text) of every relation.
fn relations(r: &Record) -> Vec<(String, String, String)> {
    let text = |id| {
        r.set
            .get(id)
            .map_or(String::new(), |s| r.doc.slice(s.range.range()).to_string())
    };
    let mut v: Vec<_> = r
        .set
        .relations()
        .iter()
        .map(|x| (text(x.from), x.label.to_string(), text(x.to)))
        .collect();
    v.sort();
    v
}

fn warnings(r: &Record) -> Vec<String> {
    r.warnings.iter().map(|w| w.to_string()).collect()
}

// ------------------------------------------------------------------ escaping

#[test]
fn values_escape_and_unescape_as_inception_does() {
    for s in [
        "works_for",
        "a|b",
        "x->y",
        "[1]",
        "back\\slash",
        "t\tn\n",
        "star*;",
    ] {
        assert_eq!(unescape_value(&escape_value(s)), s, "{s}");
    }
    assert_eq!(escape_value("works_for"), "works\\_for");
    assert_eq!(escape_value("a->b"), "a\\->b");
    // Only INCEpTION's escapes are decoded; another backslash stays.
    assert_eq!(unescape_value("C:\\dir\\-x"), "C:\\dir\\-x");
    assert_eq!(unescape_value("a\\->b\\"), "a->b\\");
}

#[test]
fn text_escaping_matches_inception_including_vertical_tab() {
    let s = "a\\b\tc\rd\u{c}e\u{8}f\u{1}g\u{b}h";
    let e = escape_text(s);
    // VT (0x0B) is not escaped by INCEpTION, so it must not be here either: INCEpTION
    // would read "\\\u{b}" back as two characters.
    assert_eq!(e, "a\\\\b\\tc\\rd\\fe\\bf\\\u{1}g\u{b}h");
    assert_eq!(unescape_text(&e, 3).unwrap(), s);
    // An unknown escape keeps its backslash (3.2+).
    assert_eq!(unescape_text("a\\qb", 3).unwrap(), "a\\qb");
    // 3.0/3.1 used Java escapes.
    assert_eq!(
        unescape_text("caf\\u00e9 \\ud83d\\ude00 \\101", 1).unwrap(),
        "café 😀 A"
    );
    assert!(unescape_text("\\ud83d alone", 1).is_err());
    assert!(unescape_text("\\u12", 1).is_err());
}

#[test]
fn cell_grammar_is_checked() {
    assert_eq!(split_stack("A[1]|B\\|C|"), vec!["A[1]", "B\\|C", ""]);
    assert_eq!(split_disambig("PER[3]"), Ok(("PER", Some(3))));
    assert_eq!(split_disambig("a\\[3\\]"), Ok(("a\\[3\\]", None)));
    assert_eq!(split_disambig("a\\[3\\][12]"), Ok(("a\\[3\\]", Some(12))));
    assert!(split_disambig("PER[x]").is_err());
    assert!(split_disambig("PER]").is_err());
    assert_eq!(split_chain("*->1-2"), Some(("*", 1, 2)));
    assert_eq!(split_chain("a\\->1-2"), None);
    assert_eq!(split_source("1-3[2_0]"), Ok(("1-3", (2, 0))));
    assert_eq!(split_source("1-3.1"), Ok(("1-3.1", (0, 0))));
    for bad in ["1-3[2]", "x", "1-3[a_b]", "1-3[1_2", "-3"] {
        assert!(split_source(bad).is_err(), "{bad}");
    }
}

// ------------------------------------------------------------------ 1. no panic

#[test]
fn a_layer_declared_after_the_token_rows_is_an_error_not_a_panic() {
    let tsv = format!(
        "{NE_HEADER}#Text=Amal Haddad\n1-1\t0-4\tAmal\t*[1]\tPER[1]\t\n#T_SP=webanno.custom.Span|value\n1-2\t5-11\tHaddad\t*[1]\tPER[1]\t_\t\n"
    );
    let e = read(&tsv).unwrap_err();
    assert_eq!(e.line, 7, "{e}");
    assert!(
        e.message.contains("header line after the first sentence"),
        "{e}"
    );
}

#[test]
fn every_malformed_cell_is_an_error_naming_line_and_column() {
    let row = |r: &str| format!("{NE_HEADER}#Text=Amal Haddad\n{r}\n");
    let cases = [
        ("x-1\t0-4\tAmal\t_\t_\t", "column 1"),
        ("1-1\t0_4\tAmal\t_\t_\t", "column 2"),
        ("1-1\t4-0\tAmal\t_\t_\t", "ends before it begins"),
        ("1-1\t0-99999999999999999999999\tAmal\t_\t_\t", "column 2"),
        (
            "1-1\t0-4\tAmal\t*\tPER[x]\t",
            "column 5 (NamedEntity value)",
        ),
        ("1-1\t0-4\tAmal\t*\tPER]\t", "column 5 (NamedEntity value)"),
        (
            "1-1\t0-4\tAmal\t*\t",
            "1 annotation columns, but the header declares 2",
        ),
        (
            "1-1\t0-4",
            "a token row needs SENT-TOK, BEGIN-END and the token",
        ),
        (
            "1-1.1\t0-4\tAmal\t_\t_\t",
            "sub-token 1-1.1 is the first row",
        ),
        ("1-1\t0-4\tAmal\t*[1]|*[2]\tPER[2]|ORG[1]\t", "must line up"),
        ("1-1\t0-4\tAmal\t*\tPER[1]|PER[1]\t", "appears twice"),
    ];
    for (r, expected) in cases {
        let e = read(&row(r)).unwrap_err();
        assert_eq!(e.line, 6, "{r}: {e}");
        assert!(e.to_string().starts_with("x.tsv:6: "), "{e}");
        assert!(
            e.message.contains(expected),
            "{r}:\n  {e}\n  expected {expected}"
        );
    }
}

#[test]
fn structural_problems_are_errors() {
    let cases = [
        // Token rows without a #Text line.
        (
            format!("{NE_HEADER}1-1\t0-4\tAmal\t_\t_\t\n"),
            5,
            "without a #Text",
        ),
        // A sentence without rows.
        (
            format!("{NE_HEADER}#Text=Amal\n\n#Text=B\n1-1\t5-6\tB\t_\t_\t\n"),
            5,
            "no token rows",
        ),
        // Offsets going back.
        (
            format!(
                "{NE_HEADER}#Text=Amal\n1-1\t0-4\tAmal\t_\t_\t\n\n#Text=B\n2-1\t1-2\tB\t_\t_\t\n"
            ),
            9,
            "before the end of the previous sentence",
        ),
        // A gap far larger than the file.
        (
            format!("{NE_HEADER}#Text=Amal\n1-1\t99999999999\tAmal\t_\t_\t\n"),
            6,
            "column 2",
        ),
        (
            format!("{NE_HEADER}#Text=Amal\n1-1\t999999999-999999999\tAmal\t_\t_\t\n"),
            6,
            "more text than this file holds",
        ),
        // Two rows with one id.
        (
            format!("{NE_HEADER}#Text=A B\n1-1\t0-1\tA\t_\t_\t\n1-1\t2-3\tB\t_\t_\t\n"),
            7,
            "also on line 6",
        ),
        // A layer declared twice.
        (
            "#FORMAT=WebAnno TSV 3.3\n#T_SP=a.B|x\n#T_SP=a.B|y\n\n\n".to_string(),
            3,
            "declared twice",
        ),
        (
            "#FORMAT=WebAnno TSV 2\n".to_string(),
            1,
            "#FORMAT=WebAnno TSV 3.x",
        ),
    ];
    for (tsv, line, expected) in cases {
        let e = read(&tsv).unwrap_err();
        assert_eq!(e.line, line, "{tsv}\n{e}");
        assert!(
            e.message.contains(expected),
            "{tsv}\n  {e}\n  expected {expected}"
        );
    }
}

/// Every line deleted, duplicated or moved, every prefix, and junk spliced in: the
/// reader answers with a record or an error, never a panic.
#[test]
fn mangled_files_never_panic() {
    let fixtures = [
        EXAMPLE2.to_string(),
        CHAIN.to_string(),
        CUSTOM.to_string(),
        ZERO_WIDTH.to_string(),
        format!("{NE_HEADER}#Text=😀 Amal\n1-1\t0-2\t😀\t_\t_\t\n1-2\t3-7\tAmal\t*\tPER\t\n"),
    ];
    let junk = [
        "#T_SP=webanno.custom.Span|value",
        "#T_RL=webanno.custom.Relation|label|BT_webanno.custom.Span",
        "1-9\t0-1\tT\t*[9]|X[9]\t1-1[9_9]\t_\t_\t_\t",
        "1-1.1\t0-0\t\t*\t*\t*\t*\t*\t",
        "",
        "#Text=\\",
    ];
    let layers = ["webanno.custom.Span", "webanno.custom.SimpleLink"];
    let mut tried = 0;
    for f in &fixtures {
        let lines: Vec<&str> = f.split('\n').collect();
        let mut variants: Vec<String> = Vec::new();
        for i in 0..lines.len() {
            let mut v = lines.clone();
            v.remove(i);
            variants.push(v.join("\n"));
            let mut v = lines.clone();
            v.insert(i, lines[i]);
            variants.push(v.join("\n"));
            if i + 1 < lines.len() {
                let mut v = lines.clone();
                v.swap(i, i + 1);
                variants.push(v.join("\n"));
            }
            for j in junk {
                let mut v = lines.clone();
                v.insert(i, j);
                variants.push(v.join("\n"));
            }
        }
        variants.extend(f.char_indices().map(|(i, _)| f[..i].to_string()));
        variants.push(f.replace('\t', "\t\t"));
        variants.push(f.replace('-', ""));
        variants.push(f.replace("[", "|["));
        for v in &variants {
            let _ = read(v);
            let _ = read_with(v, &layers);
            tried += 1;
        }
    }
    assert!(tried > 500, "{tried}");
}

// ------------------------------------------------------------------ 2. layers

/// Shaped like inception-tsv3-example2.tsv: POS + NamedEntity + Dependency.
const EXAMPLE2: &str = "#FORMAT=WebAnno TSV 3.3
#T_SP=de.tudarmstadt.ukp.dkpro.core.api.lexmorph.type.pos.POS|PosValue
#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|value
#T_RL=de.tudarmstadt.ukp.dkpro.core.api.syntax.type.dependency.Dependency|DependencyType|BT_de.tudarmstadt.ukp.dkpro.core.api.lexmorph.type.pos.POS


#Text=Ms. Haag plays Elianti .
1-1\t0-3\tMs.\tNNP\tPER[2]\tSUBJ\t1-3\t
1-2\t4-8\tHaag\tNNP\tPER[2]\tSBJ\t1-3\t
1-3\t9-14\tplays\tVBD\t_\tP|ROOT\t1-5|1-3\t
1-4\t15-22\tElianti\tNNP\tOTH\tOBJ\t1-3\t
1-5\t23-24\t.\t.\t_\t_\t_\t

#Text=BELL INDUSTRIES Inc. increased .
2-1\t25-29\tBELL\tNNP\tORG[7]|PER[8]\tNAME\t2-2\t
2-2\t30-40\tINDUSTRIES\tNNP\tORG[7]\tSBJ\t2-4\t
2-3\t41-45\tInc.\tNNP\tORG[7]\tPOSTHON\t2-2\t
2-4\t46-55\tincreased\tVBD\t_\tROOT\t2-4\t
2-5\t56-57\t.\t.\t_\tP\t2-4\t";

#[test]
fn only_named_entities_become_spans_pos_and_dependencies_are_warnings() {
    let r = read(EXAMPLE2).unwrap();
    assert_eq!(
        r.doc.text(),
        "Ms. Haag plays Elianti .\nBELL INDUSTRIES Inc. increased ."
    );
    assert_eq!(
        spans(&r),
        vec![
            ("Ms. Haag".into(), "PER".into()),
            ("Elianti".into(), "OTH".into()),
            ("BELL INDUSTRIES Inc.".into(), "ORG".into()),
            ("BELL".into(), "PER".into()),
        ]
    );
    assert!(r.set.relations().is_empty());
    let w = warnings(&r);
    assert!(
        w.contains(&"x: layer de.tudarmstadt.ukp.dkpro.core.api.lexmorph.type.pos.POS: 10 annotations not imported (not an entity layer; import it with --webanno-layer if it is one)".to_string()),
        "{w:#?}"
    );
    assert!(
        w.iter().any(|w| w.starts_with("x: layer de.tudarmstadt.ukp.dkpro.core.api.syntax.type.dependency.Dependency: 10 relations not imported (they connect annotations of de.tudarmstadt.ukp.dkpro.core.api.lexmorph.type.pos.POS, which is not imported")),
        "{w:#?}"
    );
    assert_eq!(w.len(), 2, "{w:#?}");
}

/// Shaped like inception-testSimpleChain.tsv.
const CHAIN: &str = "#FORMAT=WebAnno TSV 3.3
#T_CH=webanno.custom.SimpleLink|referenceRelation|referenceType


#Text=This is a test .
1-1\t0-4\tThis\t*->1-1\t*[1]\t
1-2\t5-7\tis\t*->1-2\t*[1]\t
1-3\t8-9\ta\t*->1-3\t*[1]\t
1-4\t10-14\ttest\t_\t_\t
1-5\t15-16\t.\t_\t_\t
";

#[test]
fn chains_are_one_warning_and_never_labels() {
    for layers in [&[][..], &["webanno.custom.SimpleLink"][..]] {
        let r = read_with(CHAIN, layers).unwrap();
        assert!(r.set.is_empty(), "{:?}", spans(&r));
        let w = warnings(&r);
        assert_eq!(w.len(), 1, "{w:#?}");
        assert!(
            w[0].starts_with("x: layer webanno.custom.SimpleLink: 3 chain links not imported (a coreference chain layer"),
            "{w:#?}"
        );
        assert!(!w[0].contains("->"));
    }
}

/// Shaped like inception-testSingleNonMultiTokenRelationWithoutFeatureValue.tsv.
const CUSTOM: &str = "#FORMAT=WebAnno TSV 3.3
#T_SP=webanno.custom.Span|value
#T_RL=webanno.custom.Relation|value|BT_webanno.custom.Span


#Text=This is a test .
1-1\t0-4\tThis\t*[1]\t_\t_\t
1-2\t5-7\tis\t*[1]\t_\t_\t
1-3\t8-9\ta\t*[2]\t*\t1-1[1_2]\t
1-4\t10-14\ttest\t*[2]\t_\t_\t
1-5\t15-16\t.\t_\t_\t_\t";

#[test]
fn custom_layers_are_imported_only_when_named() {
    let r = read(CUSTOM).unwrap();
    assert!(r.set.is_empty());
    let w = warnings(&r);
    assert_eq!(
        w,
        vec![
            "x: layer webanno.custom.Span: 2 annotations not imported (not an entity layer; import it with --webanno-layer if it is one)",
            "x: layer webanno.custom.Relation: 1 relation not imported (they connect annotations of webanno.custom.Span, which is not imported; name it with --webanno-layer if it is an entity layer)",
        ]
    );
    let r = read_with(CUSTOM, &["webanno.custom.Span"]).unwrap();
    // No feature value: the layer's short name is the label.
    assert_eq!(
        spans(&r),
        vec![
            ("This is".into(), "Span".into()),
            ("a test".into(), "Span".into())
        ]
    );
    assert_eq!(
        relations(&r),
        vec![("This is".into(), "Relation".into(), "a test".into())]
    );
    assert!(warnings(&r).is_empty(), "{:?}", warnings(&r));
}

#[test]
fn custom_layer_label_is_its_first_feature_with_a_value_and_the_rest_are_attributes() {
    let tsv = "#FORMAT=WebAnno TSV 3.3
#T_SP=webanno.custom.Sentiment|polarity|score
#T_RL=webanno.custom.Link|kind|weight|note|BT_webanno.custom.Sentiment


#Text=Good bad ugly
1-1\t0-4\tGood\tpositive\t0.9\t_\t_\t_\t_\t
1-2\t5-8\tbad\t*\t0.2\tcontrast\t0.5\tmaybe\\_so\t1-1\t
1-3\t9-13\tugly\t*\t*\t*\t_\t_\t1-2\t";
    let r = read_with(tsv, &["webanno.custom.Sentiment"]).unwrap();
    assert_eq!(
        spans(&r),
        vec![
            ("Good".into(), "positive".into()),
            ("bad".into(), "0.2".into()),
            ("ugly".into(), "Sentiment".into()),
        ]
    );
    let good = r.set.iter().next().unwrap();
    assert_eq!(
        good.attributes(),
        &[("score".to_string(), "0.9".to_string())]
    );
    assert_eq!(
        relations(&r),
        vec![
            ("Good".into(), "contrast".into(), "bad".into()),
            ("bad".into(), "Link".into(), "ugly".into()),
        ]
    );
    // A feature called note is the relation's note; others are named.
    let notes: Vec<Option<&str>> = r
        .set
        .relations()
        .iter()
        .map(|x| x.note.as_deref())
        .collect();
    assert_eq!(notes, [Some("maybe_so"), None]);
    assert_eq!(
        warnings(&r),
        vec![
            "x: layer webanno.custom.Link feature weight: 1 value not imported: a relation keeps one label, taken from its first feature, and a note (a feature called note)"
        ]
    );
}

#[test]
fn named_entity_identifiers_stacks_and_escaped_values() {
    let tsv = format!(
        "{NE_HEADER}#Text=BELL Inc. hired Amal_X .\n1-1\t0-4\tBELL\tWD:Q1[1]|*\tORG[1]|PER\t\n1-2\t5-9\tInc.\tWD:Q1[1]\tORG[1]\t\n1-3\t10-15\thired\t_\t_\t\n1-4\t16-22\tAmal_X\t*\tPER\\_x\\|y\\->z\t\n1-5\t23-24\t.\t_\t_\t\n"
    );
    let r = read(&tsv).unwrap();
    assert_eq!(
        spans(&r),
        vec![
            ("BELL Inc.".into(), "ORG".into()),
            ("BELL".into(), "PER".into()),
            ("Amal_X".into(), "PER_x|y->z".into()),
        ]
    );
    let bell = r.set.iter().next().unwrap();
    assert_eq!(bell.normalizations()[0].db, "WD");
    assert_eq!(bell.normalizations()[0].id, "Q1");
    // A NamedEntity layer without a value column: the identifier stays an identifier.
    let tsv = "#FORMAT=WebAnno TSV 3.3\n#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|identifier\n\n\n#Text=Amal\n1-1\t0-4\tAmal\tWD:Q7\t\n";
    let r = read(tsv).unwrap();
    assert_eq!(spans(&r), vec![("Amal".into(), "NamedEntity".into())]);
    assert_eq!(r.set.iter().next().unwrap().normalizations()[0].id, "Q7");
}

#[test]
fn relations_that_cannot_be_resolved_are_warnings_naming_line_and_column() {
    let tsv = "#FORMAT=WebAnno TSV 3.3
#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|value
#T_RL=webanno.custom.Rel|label|BT_de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity


#Text=Amal met Omar there
1-1\t0-4\tAmal\tPER\t_\t_\t
1-2\t5-8\tmet\t_\t_\t_\t
1-3\t9-13\tOmar\tPER\tmeets|knows|sees\t1-1|1-2|1-x\t
1-4\t14-19\tthere\t_\tat\t1-3[0_5]\t";
    let r = read(tsv).unwrap();
    assert_eq!(
        relations(&r),
        vec![("Amal".into(), "meets".into(), "Omar".into())]
    );
    let w = warnings(&r);
    assert_eq!(w.len(), 3, "{w:#?}");
    assert!(
        w[0].contains("line 9 (stacked value 2)")
            && w[0].contains("source 1-2 is not an annotation"),
        "{w:#?}"
    );
    assert!(
        w[1].contains("line 9 (stacked value 3)")
            && w[1].contains("column 6 (Rel (relation source))"),
        "{w:#?}"
    );
    assert!(
        w[2].contains("line 10") && w[2].contains("target 1-4[5]"),
        "{w:#?}"
    );
}

// ------------------------------------------------------------------ 3. zero width

/// Shaped like inception-testZeroLengthSpansWithoutFeatureValues.tsv.
const ZERO_WIDTH: &str = "#FORMAT=WebAnno TSV 3.3
#T_SP=webanno.custom.Span|value


#Text=This is a test .
1-1\t0-4\tThis\t_\t
1-1.1\t0-0\t\t*\t
1-2\t5-7\tis\tX\t
1-3\t8-9\ta\t_\t
1-4\t10-14\ttest\t_\t
1-5\t15-16\t.\t_\t
1-5.1\t16-16\t\t*\t";

#[test]
fn zero_width_annotations_are_warnings_not_refused_documents() {
    let r = read_with(ZERO_WIDTH, &["webanno.custom.Span"]).unwrap();
    assert_eq!(r.doc.text(), "This is a test .");
    assert_eq!(spans(&r), vec![("is".into(), "X".into())]);
    let w = warnings(&r);
    assert_eq!(
        w,
        vec![
            "x: Span 1-1.1 \"Span\" at 0-0 (line 7): zero-width annotation not imported: an Entitle span covers at least one character",
            "x: Span 1-5.1 \"Span\" at 16-16 (line 12): zero-width annotation not imported: an Entitle span covers at least one character",
        ]
    );
    // A relation to a zero-width annotation is dropped with a warning.
    let tsv = format!("{NE_HEADER}#Text=Amal\n1-1\t0-4\tAmal\t*\tPER\t\n1-1.1\t4-4\t\t*\tPER\t\n");
    let r = read(&tsv).unwrap();
    assert_eq!(spans(&r), vec![("Amal".into(), "PER".into())]);
    assert_eq!(warnings(&r).len(), 1);
}

// ------------------------------------------------------------------ 4. text checks

#[test]
fn a_token_that_disagrees_with_its_text_is_an_error_naming_both() {
    let tsv = format!(
        "{NE_HEADER}#Text=Amal Haddad\n1-1\t0-4\tAmal\t_\t_\t\n1-2\t5-11\tHadad\t*\tPER\t\n"
    );
    let e = read(&tsv).unwrap_err();
    assert_eq!(e.line, 7);
    assert!(
        e.message.contains("\"Hadad\"")
            && e.message.contains("\"Haddad\"")
            && e.message.contains("(line 5)"),
        "{e}"
    );
    // Code points where UTF-16 units are meant: the token after an emoji is off by one.
    let tsv = format!("{NE_HEADER}#Text=😀 Amal\n1-1\t0-2\t😀\t_\t_\t\n1-2\t2-6\tAmal\t*\tPER\t\n");
    let e = read(&tsv).unwrap_err();
    assert!(e.message.contains("\" Ama\""), "{e}");
    // The same in UTF-16 units reads.
    let tsv = format!("{NE_HEADER}#Text=😀 Amal\n1-1\t0-2\t😀\t_\t_\t\n1-2\t3-7\tAmal\t*\tPER\t\n");
    assert_eq!(
        spans(&read(&tsv).unwrap()),
        vec![("Amal".into(), "PER".into())]
    );
}

#[test]
fn text_is_rebuilt_as_inception_rebuilds_it() {
    // Next sentence right after the line break: the break stays; a larger gap is padded
    // with spaces after it; a sentence on two #Text lines keeps its line break; escapes
    // are decoded; the break after the last sentence goes.
    let tsv = format!(
        "{NE_HEADER}#Text=A.\n1-1\t0-2\tA.\t_\t_\t\n\n#Text=B\\tb.\n#Text=C\n2-1\t3-4\tB\t_\t_\t\n2-2\t8-9\tC\t_\t_\t\n\n#Text=D\n3-1\t12-13\tD\t_\t_\t\n"
    );
    let r = read(&tsv).unwrap();
    assert_eq!(r.doc.text(), "A.\nB\tb.\nC\n  D");
    // A sentence that follows without a gap: the line break is taken back.
    let tsv = format!("{NE_HEADER}#Text=A\n1-1\t0-1\tA\t_\t_\t\n\n#Text=B\n2-1\t1-2\tB\t_\t_\t\n");
    assert_eq!(read(&tsv).unwrap().doc.text(), "AB");
    // Sentence ids and unknown comment lines are named.
    let tsv = format!("{NE_HEADER}#Sentence.id=s1\n#Note=x\n#Text=A\n1-1\t0-1\tA\t_\t_\t\n");
    let w = warnings(&read(&tsv).unwrap());
    assert!(w[0].contains("1 sentence id not imported"), "{w:?}");
    assert!(w[1].contains("first on line 6"), "{w:?}");
}

// ------------------------------------------------------------------ 6. writer

/// Spans on the (first) occurrences of `needles` in `text`, keyed `T0`, `T1`, ….
fn raw_spans(text: &str, needles: &[(&str, &str)]) -> Vec<RawSpan> {
    needles
        .iter()
        .enumerate()
        .map(|(k, (needle, label))| {
            let at = text.find(needle).expect("needle in text");
            let start = text[..at].chars().count();
            RawSpan {
                key: format!("T{k}"),
                fragments: vec![(start, start + needle.chars().count())],
                label: label.to_string(),
                ..Default::default()
            }
        })
        .collect()
}

/// A record of `text` with `spans` and relations between them by index.
fn record_from(text: &str, spans: Vec<RawSpan>, rels: &[(usize, &str, usize)]) -> Record {
    let relations = rels
        .iter()
        .enumerate()
        .map(|(k, &(a, label, b))| RawRelation {
            key: format!("R{k}"),
            label: label.into(),
            from: format!("T{a}"),
            to: format!("T{b}"),
            line: 0,
            note: None,
        })
        .collect();
    build_record(
        "doc",
        None,
        text.to_string(),
        spans,
        relations,
        Origin::default(),
        &ReadOptions::default(),
    )
    .unwrap()
}

fn record(text: &str, needles: &[(&str, &str)], rels: &[(usize, &str, usize)]) -> Record {
    record_from(text, raw_spans(text, needles), rels)
}

fn round_trip(rec: &Record) -> (String, Record) {
    let (bytes, _) = encode(rec, None);
    let tsv = String::from_utf8(bytes).unwrap();
    let back = read(&tsv).unwrap_or_else(|e| panic!("{e}\n{tsv}"));
    (tsv, back)
}

#[test]
fn writer_round_trips_unicode_and_crlf_exactly() {
    let text = "“Amal Haddad” met e\u{301}mile 😀 in الرباط.\r\nNordlicht AG—works_for|x.\r\n\r\nThe end 😀.\r\n";
    let rec = record(
        text,
        &[
            ("Amal Haddad", "PER"),
            ("e\u{301}mile", "PER"),
            ("الرباط", "LOC"),
            ("Nordlicht AG", "ORG"),
            ("end", "MISC"),
        ],
        &[(0, "works_for", 3), (1, "in", 2)],
    );
    let (tsv, back) = round_trip(&rec);
    assert_eq!(back.doc.text(), text, "{tsv}");
    assert_eq!(spans(&back), spans(&rec), "{tsv}");
    assert_eq!(relations(&back), relations(&rec), "{tsv}");
    assert!(back.warnings.is_empty(), "{:?}", back.warnings);
    // UTF-16 offsets: 😀 takes two units.
    let u16_at = |needle: &str| text[..text.find(needle).unwrap()].encode_utf16().count();
    let emoji = u16_at("😀");
    assert!(
        tsv.contains(&format!("\t{emoji}-{}\t😀\t", emoji + 2)),
        "{tsv}"
    );
    let arabic = u16_at("الرباط");
    assert!(
        tsv.contains(&format!("\t{arabic}-{}\tالرباط\t", arabic + 6)),
        "{tsv}"
    );
    // CR is escaped in #Text, never raw.
    assert!(
        tsv.contains("#Text=“Amal Haddad” met e\u{301}mile 😀 in الرباط.\\r\n#Text=\n1-1\t"),
        "{tsv}"
    );
    // A paragraph break keeps its second line break as a #Text line.
    assert!(
        tsv.contains("#Text=Nordlicht AG—works_for|x.\\r\n#Text=\\r\n#Text=\n2-1\t"),
        "{tsv}"
    );
    assert!(!tsv.contains("\r\n"));
}

#[test]
fn writer_output_has_the_shape_inception_reads() {
    let rec = record(
        "Amal met Omar. Then Omar left.",
        &[("Amal", "PER"), ("Omar", "PER")],
        &[(0, "meets", 1)],
    );
    let (tsv, _) = round_trip(&rec);
    let lines: Vec<&str> = tsv.split('\n').collect();
    assert_eq!(lines[0], "#FORMAT=WebAnno TSV 3.3");
    assert_eq!(
        lines[1],
        "#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|identifier|value"
    );
    assert_eq!(
        lines[2],
        "#T_RL=webanno.custom.Relation|label|BT_de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"
    );
    assert_eq!((lines[3], lines[4]), ("", ""));
    assert!(lines[5].starts_with("#Text="));
    // INCEpTION refuses a file that ends with an empty line: the last row ends the file.
    assert!(tsv.ends_with("\t\n") && !tsv.ends_with("\n\n"), "{tsv:?}");
    assert_eq!(tsv.matches("\n\n").count(), 2, "{tsv}");
    // Every row ends with a TAB and has 3 + 4 fields.
    for l in lines
        .iter()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()))
    {
        assert_eq!(l.split('\t').count(), 8, "{l}");
    }
    // Sentences on their own lines: the line break between them is in the #Text lines
    // (an empty one), as is the document's final line break.
    let rec = record("Amal met Omar.\nThen Omar left.\n", &[("Amal", "PER")], &[]);
    let (tsv, back) = round_trip(&rec);
    assert!(tsv.contains("#Text=Amal met Omar.\n#Text=\n1-1\t"), "{tsv}");
    assert!(
        tsv.contains("#Text=Then Omar left.\n#Text=\n2-1\t"),
        "{tsv}"
    );
    assert_eq!(back.doc.text(), rec.doc.text());
    // Without relations, no relation layer is declared (INCEpTION refuses a layer its
    // project does not have).
    let rec = record("Amal met Omar.", &[("Amal", "PER")], &[]);
    let (tsv, back) = round_trip(&rec);
    assert!(!tsv.contains("#T_RL"), "{tsv}");
    assert!(tsv.contains("1-1\t0-4\tAmal\t*\tPER\t\n"), "{tsv}");
    assert_eq!(spans(&back), spans(&rec));
}

#[test]
fn writer_keeps_attributes_as_features_and_relation_notes_as_a_feature() {
    let text = "“Amal” met 😀 Zoë\r\nin دمشق e\u{301}.";
    let mut raw = raw_spans(
        text,
        &[
            ("Amal", "PER"),
            ("Zoë", "PER"),
            ("دمشق", "GPE"),
            ("e\u{301}", "X"),
        ],
    );
    raw[0].attributes = vec![
        ("certainty".into(), "re|ported_*".into()),
        ("negated".into(), "true".into()),
    ];
    raw[1].attributes = vec![("certainty".into(), "rumoured".into())];
    raw[2].attributes = vec![
        ("bad name".into(), "x".into()),
        ("value".into(), "y".into()),
    ];
    raw[2].normalizations = vec![
        crate::model::Normalization {
            db: "Wikidata".into(),
            id: "Q3766".into(),
            name: Some("Damascus".into()),
        },
        crate::model::Normalization {
            db: "GeoNames".into(),
            id: "170654".into(),
            name: None,
        },
    ];
    let mut rec = record_from(text, raw, &[(0, "Spouse", 1), (2, "near", 3)]);
    // The first relation has a note over two lines, the second none.
    let rels: Vec<_> = rec.set.relations().to_vec();
    for r in &rels {
        rec.set.remove_relation(r.id).unwrap();
    }
    for mut r in rels {
        if r.label == "Spouse" {
            r.note = Some("said “twice”\n|[1]".into());
        }
        rec.set.insert_relation(r).unwrap();
    }
    let (bytes, w) = encode(&rec, None);
    let tsv = String::from_utf8(bytes).unwrap();
    assert!(
        tsv.starts_with("#FORMAT=WebAnno TSV 3.3\n#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|identifier|value|certainty|negated\n#T_RL=webanno.custom.Relation|label|note|BT_de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity\n"),
        "{tsv}"
    );
    let w: Vec<String> = w.iter().map(|w| w.to_string()).collect();
    assert_eq!(w.len(), 4, "{w:#?}");
    for part in [
        "attribute bad name=\"x\" on span",
        "attribute value=\"y\" on span",
        "name \"Damascus\" of normalization Wikidata:Q3766",
        "normalization GeoNames:170654 on span",
    ] {
        assert!(w.iter().any(|w| w.contains(part)), "{part}: {w:#?}");
    }
    let back = read(&tsv).unwrap_or_else(|e| panic!("{e}\n{tsv}"));
    assert!(back.warnings.is_empty(), "{:?}", back.warnings);
    let attrs = |r: &Record| -> Vec<Vec<(String, String)>> {
        r.set.iter().map(|s| s.attributes().to_vec()).collect()
    };
    let mut expected = attrs(&rec);
    expected[2].clear();
    assert_eq!(attrs(&back), expected, "{tsv}");
    assert_eq!(relations(&back), relations(&rec));
    let notes: Vec<Option<String>> = back
        .set
        .relations()
        .iter()
        .map(|r| r.note.clone())
        .collect();
    assert_eq!(
        notes,
        [Some("said “twice”\n|[1]".to_string()), None],
        "{tsv}"
    );
    // With a schema of relation types and attributes, every document declares them,
    // even one that has none.
    let schema = crate::project::config::ProjectConfig::parse(
        "format_version = 1\n[[labels]]\nname = \"PER\"\ncolor = \"#e15759\"\n[[relations]]\nname = \"Spouse\"\n[[attributes]]\nname = \"source\"\nkind = \"text\"\n",
    )
    .unwrap()
    .schema();
    let plain = record("Amal met Omar.", &[("Amal", "PER")], &[]);
    let (bytes, w) = encode(&plain, Some(&schema));
    let tsv = String::from_utf8(bytes).unwrap();
    assert!(w.is_empty(), "{w:?}");
    assert!(
        tsv.contains("|identifier|value|source\n#T_RL=webanno.custom.Relation|label|BT_"),
        "{tsv}"
    );
    assert!(tsv.contains("1-1\t0-4\tAmal\t*\tPER\t*\t_\t_\t\n"), "{tsv}");
    let back = read(&tsv).unwrap();
    assert_eq!(spans(&back), spans(&plain));
}

#[test]
fn writer_names_leading_text_only_when_it_changes() {
    let rec = record("  Amal met Omar.", &[("Amal", "PER")], &[]);
    let (bytes, w) = encode(&rec, None);
    assert!(w.is_empty(), "{w:?}");
    let back = read(&String::from_utf8(bytes).unwrap()).unwrap();
    assert_eq!(back.doc.text(), rec.doc.text());
    let rec = record("\n\tAmal met Omar.", &[("Amal", "PER")], &[]);
    let (bytes, w) = encode(&rec, None);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].item.contains("\"\\n\\t\"") && w[0].reason.contains("becomes spaces"),
        "{w:?}"
    );
    let back = read(&String::from_utf8(bytes).unwrap()).unwrap();
    assert_eq!(back.doc.text(), "  Amal met Omar.");
    assert_eq!(spans(&back), spans(&rec));
}

#[test]
fn writer_round_trips_stacks_identifiers_and_escapes() {
    let text = "BELL Industries hired Amal.";
    let mut raw = raw_spans(
        text,
        &[
            ("BELL Industries", "ORG"),
            ("BELL", "works_for|x->y*"),
            ("Amal", "PER"),
        ],
    );
    raw[0].normalizations.push(crate::model::Normalization {
        db: "identifier".into(),
        id: "Q1".into(),
        name: None,
    });
    raw[2].normalizations.push(crate::model::Normalization {
        db: "WD".into(),
        id: "Q2".into(),
        name: None,
    });
    let rec = record_from(text, raw, &[(2, "employed_by", 0)]);
    let (tsv, back) = round_trip(&rec);
    assert_eq!(spans(&back), spans(&rec), "{tsv}");
    assert_eq!(relations(&back), relations(&rec), "{tsv}");
    // A bare identifier is written bare; the label's reserved characters are escaped.
    assert!(tsv.contains("Q1[") && !tsv.contains("identifier:"), "{tsv}");
    assert!(tsv.contains("works\\_for\\|x\\->y\\*["), "{tsv}");
    assert!(tsv.contains("\tWD:Q2\tPER\t"), "{tsv}");
    let ids: Vec<String> = back
        .set
        .iter()
        .flat_map(|s| {
            s.normalizations()
                .iter()
                .map(|n| format!("{}:{}", n.db, n.id))
        })
        .collect();
    assert_eq!(ids, vec!["identifier:Q1", "WD:Q2"]);
}

// ------------------------------------------------------------------ real files

/// The INCEpTION files in testdata/real read with the counts of testdata/real/expected.json:
/// NamedEntity spans imported, other layers named in warnings with their counts; with
/// the custom span layers named, their annotations become spans (or zero-width
/// warnings) and their relations relations.
#[test]
fn real_inception_files_read_with_the_expected_counts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/real");
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("expected.json")).unwrap())
            .unwrap();
    let mut seen = 0;
    for (key, e) in expected.as_object().unwrap() {
        if !key.starts_with("webanno-tsv/") {
            continue;
        }
        seen += 1;
        let path = root.join(key);
        let raw = crate::formats::read_input_string(&path).unwrap();
        let n = |field: &str| e[field].as_u64().unwrap() as usize;
        let by_layer = |field: &str| {
            e[field]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_u64().unwrap() as usize))
                .collect::<Vec<_>>()
        };
        // Default: NamedEntity only.
        let r = parse(&raw, &path, key, &ReadOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.set.len(), n("named_entity_spans"), "{key}");
        let w = warnings(&r);
        let count_in = |layer: &str, what: &str| -> usize {
            let head = format!("{key}: layer {layer}: ");
            w.iter()
                .find_map(|w| {
                    let rest = w.strip_prefix(&head)?;
                    let (n, kind) = rest.split_once(" not imported")?.0.split_once(' ')?;
                    (kind.trim_end_matches('s') == what).then_some(n.parse().ok()?)
                })
                .unwrap_or(0)
        };
        let chains = by_layer("chain_links");
        for (layer, count) in by_layer("spans_by_layer") {
            let what = if chains.iter().any(|c| c.0 == layer) {
                "chain link"
            } else {
                "annotation"
            };
            if layer != layers::NE {
                assert_eq!(count_in(&layer, what), count, "{key} {layer}: {w:#?}");
            }
        }
        for (layer, count) in by_layer("relations_by_layer") {
            assert_eq!(count_in(&layer, "relation"), count, "{key} {layer}: {w:#?}");
        }
        assert!(spans(&r).iter().all(|s| !s.1.contains("->")), "{key}");
        // Custom span layers named: every annotation is a span or a zero-width warning.
        let custom: Vec<String> = by_layer("spans_by_layer")
            .into_iter()
            .map(|l| l.0)
            .filter(|l| l.starts_with("webanno.custom.") && !chains.iter().any(|c| &c.0 == l))
            .collect();
        let names: Vec<&str> = custom.iter().map(String::as_str).collect();
        let r = read_with(&raw, &names).unwrap();
        let zero = warnings(&r)
            .iter()
            .filter(|w| w.contains("zero-width"))
            .count();
        let chain_total: usize = chains.iter().map(|c| c.1).sum();
        let others: usize = by_layer("spans_by_layer")
            .iter()
            .filter(|l| !l.0.starts_with("webanno.custom.") && l.0 != layers::NE)
            .map(|l| l.1)
            .sum();
        assert_eq!(
            r.set.len() + zero,
            n("spans") - chain_total - others,
            "{key}"
        );
        assert_eq!(zero, n("zero_width_units"), "{key}");
        let rel_custom: usize = by_layer("relations_by_layer")
            .iter()
            .filter(|l| l.0.starts_with("webanno.custom."))
            .map(|l| l.1)
            .sum();
        assert_eq!(r.set.relations().len(), rel_custom, "{key}");
    }
    assert_eq!(seen, 8);
}

/// Random edits of the fixtures from pieces of the grammar (a small deterministic
/// fuzzer; `WEBANNO_FUZZ_ITERS` runs it longer): never a panic.
#[test]
fn random_edits_never_panic() {
    const PIECES: &[&str] = &[
        "\t",
        "\n",
        "\r\n",
        "|",
        "[",
        "]",
        "_",
        "*",
        "-",
        ">",
        "->",
        ".",
        "\\",
        "0",
        "1",
        "2",
        "9",
        "[1]",
        "[2_1]",
        "1-1",
        "1-2.1",
        "0-0",
        "😀",
        "é",
        "#T_SP=webanno.custom.Span|value\n",
        "#T_RL=webanno.custom.Relation|label|BT_webanno.custom.Span\n",
        "#T_CH=a.BLink|referenceType|referenceRelation\n",
        "#Text=",
        "#Sentence.id=",
        "\n\n",
        "99999999999",
        "\u{feff}",
    ];
    let iters: usize = std::env::var("WEBANNO_FUZZ_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000);
    let fixtures = [EXAMPLE2, CHAIN, CUSTOM, ZERO_WIDTH];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n.max(1) as u64) as usize
    };
    let layers = ["webanno.custom.Span", "webanno.custom.Relation", "a.BLink"];
    for _ in 0..iters {
        let mut s = fixtures[next(fixtures.len())].to_string();
        for _ in 0..1 + next(4) {
            let bounds: Vec<usize> = s.char_indices().map(|(i, _)| i).chain([s.len()]).collect();
            let at = bounds[next(bounds.len())];
            match next(3) {
                0 => s.insert_str(at, PIECES[next(PIECES.len())]),
                1 => {
                    let end = bounds[next(bounds.len())].max(at);
                    let end = end.min(at + 8);
                    if s.is_char_boundary(end) {
                        s.replace_range(at..end, "");
                    }
                }
                _ => {
                    let end = (at + 1..=s.len())
                        .find(|&e| s.is_char_boundary(e))
                        .unwrap_or(at);
                    s.replace_range(at..end, PIECES[next(PIECES.len())]);
                }
            }
        }
        let _ = read(&s);
        let _ = read_with(&s, &layers);
    }
}
