//! Search rules shared by both backends: what a query means, which tokens an article is indexed
//! under, how candidates are ranked, and the highlighted snippet.
//!
//! The database finds candidates by folded tokens (every term must match, diacritics ignored) and
//! gives a text-relevance rank; [`rank`] then orders them by the rules readers expect: title above
//! sapo above body, the whole phrase above scattered words, exact diacritics above folded matches
//! ("hòa" puts "Hòa Bình" above "Hoa hậu"), newer above older on ties.

use chrono::{DateTime, Utc};
use unicode_normalization::UnicodeNormalization;

use crate::{
    article::Article,
    error::{Error, Result},
    text::fold,
};

pub const QUERY_MAX_CHARS: usize = 200;
pub const QUERY_MAX_TERMS: usize = 12;
/// How many candidates the database hands to [`rank`] (its best by text rank); results past this
/// are not paged. Readers rarely go past the first pages, and each candidate costs a row read.
pub const MAX_CANDIDATES: usize = 300;
/// Snippet length in characters.
pub const SNIPPET_CHARS: usize = 200;

/// A reader's query, understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    /// Folded terms (`bac`, `giang`): what the index matches.
    pub terms: Vec<String>,
    /// The same words lower-cased in NFC, diacritics kept, for exact-match ranking.
    pub exact_terms: Vec<String>,
    /// Whether the reader typed any diacritic.
    pub has_diacritics: bool,
}

/// Text in NFC, without copying when it already is (stored text almost always is).
fn nfc(text: &str) -> std::borrow::Cow<'_, str> {
    match unicode_normalization::is_nfc_quick(text.chars()) {
        unicode_normalization::IsNormalized::Yes => std::borrow::Cow::Borrowed(text),
        _ => std::borrow::Cow::Owned(text.nfc().collect()),
    }
}

/// Splits text into words: runs of letters and digits, lower-cased.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase)
}

impl SearchQuery {
    /// Reads a query; any punctuation or search-engine syntax (`"`, `*`, `NEAR(`, `-`) is just a
    /// word separator, so nothing a reader types reaches the database as syntax.
    pub fn parse(query: &str) -> Result<SearchQuery> {
        let query = query.trim();
        if query.chars().count() > QUERY_MAX_CHARS {
            return Err(Error::invalid("query", format!("is longer than {QUERY_MAX_CHARS} characters")));
        }
        let nfc: String = query.nfc().collect();
        let exact_terms: Vec<String> = words(&nfc).take(QUERY_MAX_TERMS).collect();
        if exact_terms.is_empty() {
            return Err(Error::invalid("query", "must contain at least one letter or digit"));
        }
        let terms: Vec<String> = exact_terms.iter().map(|t| fold(t)).collect();
        let has_diacritics = exact_terms.iter().zip(&terms).any(|(exact, folded)| exact != folded);
        Ok(SearchQuery { terms, exact_terms, has_diacritics })
    }

    /// The folded phrase (`bac giang`).
    pub fn phrase(&self) -> String {
        self.terms.join(" ")
    }
}

/// The folded, space-separated words an index stores for `text`.
pub fn index_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    crate::text::folded_words(text, &mut out);
    out
}

/// What a search is narrowed to, besides its query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchFilter {
    pub articles: crate::ArticleFilter,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// One candidate from the database, with the backend's text rank (higher is better).
#[derive(Debug, Clone)]
pub struct Candidate {
    pub article: Article,
    pub text_rank: f64,
}

/// Whether `needle` occurs in `haystack` as whole words (both already split into words).
fn contains_words(haystack: &[&str], needle: &[String]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w.iter().zip(needle).all(|(a, b)| *a == b))
}

fn field_score(words_folded: &[&str], words_exact: &[String], query: &SearchQuery, weight: f64) -> f64 {
    let mut score = 0.0;
    for term in &query.terms {
        if words_folded.iter().any(|w| w == term) {
            score += weight;
        }
    }
    if query.terms.len() > 1 && contains_words(words_folded, &query.terms) {
        score += 2.0 * weight;
    }
    if query.has_diacritics {
        for term in &query.exact_terms {
            if words_exact.iter().any(|w| w == term) {
                score += weight;
            }
        }
    }
    score
}

/// Orders candidates, best first, returning each with its score.
pub fn rank(query: &SearchQuery, candidates: Vec<Candidate>) -> Vec<(Article, f64)> {
    let best_text_rank = candidates.iter().map(|c| c.text_rank).fold(0.0_f64, f64::max);
    let mut scored: Vec<(Article, f64)> = candidates
        .into_iter()
        .map(|c| {
            // Each field's words are folded as the index folds them, in one pass into one string
            // (a string per word was a fifth of an uncached search's CPU); exact forms are only
            // read when the query has diacritics.
            let exact = |text: &str| -> Vec<String> {
                if query.has_diacritics { words(&nfc(text)).collect() } else { Vec::new() }
            };
            let (title_index, sapo_index) = (index_text(&c.article.title), index_text(&c.article.sapo));
            let title_folded: Vec<&str> = title_index.split(' ').collect();
            let sapo_folded: Vec<&str> = sapo_index.split(' ').collect();
            let (title_exact, sapo_exact) = (exact(&c.article.title), exact(&c.article.sapo));
            let text = if best_text_rank > 0.0 { c.text_rank / best_text_rank } else { 0.0 };
            let score = field_score(&title_folded, &title_exact, query, 3.0)
                + field_score(&sapo_folded, &sapo_exact, query, 1.0)
                + 2.0 * text;
            (c.article, score)
        })
        .collect();
    let newest = |a: &Article| a.published_at.unwrap_or(DateTime::<Utc>::MIN_UTC);
    scored.sort_by(|(a, sa), (b, sb)| {
        sb.partial_cmp(sa)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| newest(b).cmp(&newest(a)))
            .then(b.id.cmp(&a.id))
    });
    scored
}

/// Where a search page starts: an offset into the ranked results, opaque to clients. (Ranked
/// results have no keyset; a page is a slice of one ranking.)
pub fn encode_offset(offset: usize) -> String {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    URL_SAFE_NO_PAD.encode(format!("s1:{offset}"))
}

/// Reads a search cursor; `field` names the parameter in the error.
pub fn decode_offset(cursor: &str, field: &str) -> Result<usize> {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    let invalid = || Error::invalid(field, "is not a search cursor this API issued");
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let text = std::str::from_utf8(&bytes).map_err(|_| invalid())?;
    text.strip_prefix("s1:")
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|n| *n <= MAX_CANDIDATES)
        .ok_or_else(invalid)
}

/// A stretch of text around the first match, in its original spelling, with the matched words'
/// character ranges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    pub text: String,
    /// `(start, end)` character offsets into `text`, end exclusive.
    pub highlights: Vec<(usize, usize)>,
}

/// Builds a snippet from the first of `sources` that contains a query term.
pub fn snippet(query: &SearchQuery, sources: &[&str]) -> Snippet {
    for source in sources {
        if let Some(snippet) = snippet_of(query, source) {
            return snippet;
        }
    }
    let text: String = sources.first().map(|s| s.chars().take(SNIPPET_CHARS).collect()).unwrap_or_default();
    Snippet { text, highlights: Vec::new() }
}

fn snippet_of(query: &SearchQuery, source: &str) -> Option<Snippet> {
    let chars: Vec<char> = source.chars().collect();
    // Word spans (start, end) in characters, with their folded form.
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in chars.iter().enumerate() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                spans.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, chars.len()));
    }
    let matching: Vec<(usize, usize)> = spans
        .into_iter()
        .filter(|(s, e)| {
            let word: String = chars[*s..*e].iter().collect();
            query.terms.contains(&fold(&word))
        })
        .collect();
    let first = matching.first()?;
    let window_start = first.0.saturating_sub(SNIPPET_CHARS / 4);
    // Start at a word boundary.
    let window_start =
        (window_start..first.0).find(|&i| i == 0 || !chars[i - 1].is_alphanumeric()).unwrap_or(first.0);
    let window_end = (window_start + SNIPPET_CHARS).min(chars.len());
    let text: String = chars[window_start..window_end].iter().collect();
    let highlights = matching
        .into_iter()
        .filter(|(s, e)| *s >= window_start && *e <= window_end)
        .map(|(s, e)| (s - window_start, e - window_start))
        .collect();
    Some(Snippet { text, highlights })
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn article(id: i64, title: &str, sapo: &str, day: u32) -> Article {
        let at = Utc.with_ymd_and_hms(2025, 6, day, 8, 0, 0).single().expect("valid");
        crate::article::test_article(id, title, sapo, 1, at)
    }

    fn ranked(query: &str, candidates: Vec<Article>) -> Vec<i64> {
        let query = SearchQuery::parse(query).expect("valid query");
        let candidates =
            candidates.into_iter().map(|article| Candidate { article, text_rank: 1.0 }).collect();
        rank(&query, candidates).into_iter().map(|(a, _)| a.id.0).collect()
    }

    #[test]
    fn queries_fold_and_ignore_search_syntax() {
        let query = SearchQuery::parse("  \"Bắc Giang\" NEAR( -du* ").expect("valid");
        assert_eq!(query.terms, ["bac", "giang", "near", "du"]);
        assert_eq!(query.exact_terms, ["bắc", "giang", "near", "du"]);
        assert!(query.has_diacritics);
        assert!(!SearchQuery::parse("bac giang").expect("valid").has_diacritics);
        for bad in ["", "   ", "\"*-()", &"a ".repeat(150)] {
            assert!(SearchQuery::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn nfd_queries_mean_the_same_as_nfc() {
        let nfd: String = "Thanh Hóa".nfd().collect();
        assert_eq!(SearchQuery::parse(&nfd).expect("valid"), SearchQuery::parse("Thanh Hóa").expect("valid"));
    }

    #[test]
    fn search_cursors_round_trip_and_forgeries_are_refused() {
        assert_eq!(decode_offset(&encode_offset(40), "after").expect("valid"), 40);
        for bad in ["", "x", &encode_offset(MAX_CANDIDATES + 1)] {
            assert!(decode_offset(bad, "after").is_err(), "{bad}");
        }
    }

    #[test]
    fn index_text_is_folded_words() {
        assert_eq!(
            index_text("Sở Văn hóa - Thể thao, Du lịch (Đắk Lắk)"),
            "so van hoa the thao du lich dak lak"
        );
    }

    #[test]
    fn the_title_beats_the_sapo_and_the_phrase_beats_scattered_words() {
        let order = ranked(
            "bac giang",
            vec![
                article(1, "Lễ hội ở Giang Nam", "Đoàn khách từ Bắc Ninh", 1),
                article(2, "Tin tổng hợp", "Bắc Giang mở hội chợ", 2),
                article(3, "Bắc Giang mở hội chợ", "Tin tổng hợp", 3),
            ],
        );
        assert_eq!(order, [3, 2, 1]);
    }

    #[test]
    fn exact_diacritics_rank_first_when_the_reader_typed_them() {
        let candidates =
            || vec![article(1, "Hoa hậu Việt Nam 2025", "", 2), article(2, "Hòa Bình đón khách", "", 1)];
        assert_eq!(ranked("hòa", candidates()), [2, 1]);
        // Without diacritics both match equally; the newer wins.
        assert_eq!(ranked("hoa", candidates()), [1, 2]);
    }

    #[test]
    fn ties_go_to_the_newer_article() {
        assert_eq!(ranked("lao", vec![article(1, "Lào", "", 1), article(2, "Lào", "", 9)]), [2, 1]);
    }

    #[test]
    fn snippets_keep_the_original_spelling_and_mark_the_matches() {
        let query = SearchQuery::parse("thanh hoa").expect("valid");
        let text = "Sáng 18/5, Bảo tàng tỉnh Thanh Hóa tổ chức tọa đàm; Thanh Hoá là quê hương.";
        let snippet = snippet(&query, &["Không khớp gì", text]);
        let marked: Vec<String> = snippet
            .highlights
            .iter()
            .map(|(s, e)| snippet.text.chars().skip(*s).take(e - s).collect())
            .collect();
        assert_eq!(marked, ["Thanh", "Hóa", "Thanh", "Hoá"]);
        assert!(snippet.text.starts_with("Sáng 18/5"));
    }

    #[test]
    fn a_snippet_without_matches_is_the_start_of_the_first_source() {
        let query = SearchQuery::parse("xyz").expect("valid");
        let snippet = snippet(&query, &["Mở đầu bài viết", "khác"]);
        assert_eq!(snippet, Snippet { text: "Mở đầu bài viết".into(), highlights: vec![] });
    }
}
