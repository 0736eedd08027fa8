//! Chance-corrected agreement coefficients from counts, as NLTK's `AnnotationTask`
//! computes them with its default (binary) distance, when every coder labels every
//! item.
//!
//! Everything NLTK needs can be had from four kinds of counts, all of which add up
//! across documents: the number of items `N`, the number of coders `C`, per pair of
//! coders the items they agree on, and per coder how many items it gave each class.
//! (Krippendorff's per-item sum `Σ_k n_ik²` is `C + 2·(agreeing pairs on the item)`,
//! so it follows from the pair counts.)

use serde::Serialize;

/// The coefficients over one set of items. `None` (JSON `null`, "n/a" in text) where a
/// coefficient is undefined: no items, or only one class used by anyone on these items
/// (expected agreement is 1, so `(Ao − Ae) / (1 − Ae)` is 0/0; NLTK 3.10 returns 1.0
/// there, sklearn `nan`, older NLTK raises `ZeroDivisionError`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Coefficients {
    /// Items (tokens) compared.
    pub items: u64,
    /// Average observed agreement over pairs of annotators (NLTK `avg_Ao`). Defined
    /// whenever there are items.
    pub ao: Option<f64>,
    /// Cohen's kappa; for more than two annotators the mean of the pairwise kappas
    /// (NLTK `kappa()`). For two it equals sklearn's `cohen_kappa_score`.
    pub kappa: Option<f64>,
    /// Scott's pi, which for more than two annotators is Fleiss' kappa (NLTK `pi()`).
    pub pi: Option<f64>,
    /// Davies and Fleiss' kappa: pairwise observed and expected agreement averaged
    /// before chance correction (NLTK `multi_kappa()`).
    pub multi_kappa: Option<f64>,
    /// Krippendorff's alpha, nominal (NLTK `alpha()`).
    pub alpha: Option<f64>,
}

/// Counts over a set of items for `coders` coders and `classes` classes.
pub(crate) struct Tally<'a> {
    pub items: u64,
    pub coders: usize,
    /// Per pair `(a, b)`, `a < b`, in the order of [`pairs`]: items they agree on.
    pub agree: &'a [u64],
    /// `count(coder, class)`: items the coder gave the class.
    pub count: &'a dyn Fn(usize, usize) -> u64,
    pub classes: usize,
}

/// The pairs `(a, b)`, `a < b`, of `n` coders, in the order every pair-indexed vector
/// of this module uses.
pub fn pairs(n: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(n * n.saturating_sub(1) / 2);
    for a in 0..n {
        for b in a + 1..n {
            out.push((a, b));
        }
    }
    out
}

/// `(observed − expected) / (1 − expected)`; NLTK's rule when expected is 1 (which,
/// with binary distance, means observed is 1 too): 1.0.
fn corrected(observed: f64, expected: f64) -> f64 {
    if (expected - 1.0).abs() <= 1e-9 {
        1.0
    } else {
        (observed - expected) / (1.0 - expected)
    }
}

pub(crate) fn coefficients(t: &Tally<'_>) -> Coefficients {
    let n = t.items;
    let c = t.coders;
    let mut out = Coefficients {
        items: n,
        ..Default::default()
    };
    if n == 0 || c < 2 || t.agree.is_empty() {
        return out;
    }
    let nf = n as f64;
    let pairs = pairs(c);
    let avg_ao = t.agree.iter().map(|&a| a as f64 / nf).sum::<f64>() / pairs.len() as f64;
    out.ao = Some(avg_ao);
    // Totals per class over all coders.
    let totals: Vec<u64> = (0..t.classes)
        .map(|k| (0..c).map(|cd| (t.count)(cd, k)).sum())
        .collect();
    let used = totals.iter().filter(|&&x| x > 0).count();
    if used < 2 {
        // One class everywhere: every chance-corrected figure is 0/0.
        return out;
    }
    // Scott / Fleiss: expected agreement from the pooled distribution.
    let all = (n as u128) * (c as u128);
    let sq: u128 = totals.iter().map(|&x| (x as u128) * (x as u128)).sum();
    let ae_pi = sq as f64 / (all * all) as f64;
    out.pi = Some(corrected(avg_ao, ae_pi));
    // Cohen per pair; Davies & Fleiss average the expectations first.
    let (mut kappa_sum, mut ae_sum) = (0.0, 0.0);
    for (p, &(a, b)) in pairs.iter().enumerate() {
        let prod: u128 = (0..t.classes)
            .map(|k| (t.count)(a, k) as u128 * (t.count)(b, k) as u128)
            .sum();
        let ae = prod as f64 / (nf * nf);
        ae_sum += ae;
        kappa_sum += corrected(t.agree[p] as f64 / nf, ae);
    }
    out.kappa = Some(kappa_sum / pairs.len() as f64);
    out.multi_kappa = Some(corrected(avg_ao, ae_sum / pairs.len() as f64));
    // Krippendorff: observed disagreement from the per-item pair counts, expected from
    // the pooled distribution (every item has all C values, so none is dropped).
    let cf = c as f64;
    let agree_total: u128 = t.agree.iter().map(|&a| a as u128).sum();
    // Σ_i Σ_k n_ik² = N·C + 2·Σ_pairs agree.
    let s2 = (n as u128) * (c as u128) + 2 * agree_total;
    let d_o = ((n as u128 * (c * c) as u128) - s2) as f64 / (nf * cf * (cf - 1.0));
    let tf = all as f64;
    let d_e = (all * all - sq) as f64 / (tf * (tf - 1.0));
    out.alpha = Some(1.0 - d_o / d_e);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Labels per coder per item → coefficients, the slow obvious way.
    fn from_items(c: usize, items: &[&[u8]]) -> Coefficients {
        let ps = pairs(c);
        let agree: Vec<u64> = ps
            .iter()
            .map(|&(a, b)| items.iter().filter(|i| i[a] == i[b]).count() as u64)
            .collect();
        let count =
            |cd: usize, k: usize| items.iter().filter(|i| i[cd] as usize == k).count() as u64;
        coefficients(&Tally {
            items: items.len() as u64,
            coders: c,
            agree: &agree,
            count: &count,
            classes: 4,
        })
    }

    #[test]
    fn nltk_doc_example() {
        // Three coders, five items; expected values from NLTK 3.10.4.
        let items: &[&[u8]] = &[&[1, 1, 1], &[2, 2, 3], &[2, 1, 1], &[2, 2, 2], &[3, 3, 3]];
        let c = from_items(3, items);
        let close = |x: Option<f64>, y: f64| {
            assert!((x.unwrap_or(f64::NAN) - y).abs() < 1e-12, "{x:?} vs {y}")
        };
        // nltk.metrics.agreement.AnnotationTask on the same data.
        close(c.ao, 0.7333333333333334);
        close(c.kappa, 0.6126089324618736);
        close(c.pi, 0.5945945945945947);
        close(c.multi_kappa, 0.6078431372549021);
        close(c.alpha, 0.6216216216216217);
    }

    #[test]
    fn one_class_is_undefined_not_nan() {
        let c = from_items(2, &[&[0, 0], &[0, 0]]);
        assert_eq!(c.ao, Some(1.0));
        assert_eq!(
            (c.kappa, c.pi, c.multi_kappa, c.alpha),
            (None, None, None, None)
        );
        let none = from_items(2, &[]);
        assert_eq!(none.ao, None);
    }
}
