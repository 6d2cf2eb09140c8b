//! Related articles: how a candidate is scored against the article being read. Pure arithmetic;
//! the persistence crate finds candidates from indexes (tag postings, the section, the text
//! index) and this module orders them.
//!
//! Score parts: shared tags weighted by inverse frequency (a rare tag like "lễ hội hoa ban" says
//! more than a province), the same section, similar title and sapo (Vietnamese syllable bigrams
//! over folded text: "bắc giang", "du lịch" carry meaning that single syllables do not), and
//! closeness in time (a story from last week beats one from two years ago).

use std::collections::{HashMap, HashSet};

use crate::{
    article::{Article, TagId},
    text::fold,
};

/// Tunable weights (from configuration).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RelatedWeights {
    /// Per unit of inverse tag frequency (`ln(1 + N / df)`).
    pub tag: f64,
    pub category: f64,
    /// Times the weighted share of the source's title-and-sapo syllable pairs a candidate carries (0 to 1).
    pub text: f64,
    /// Times `exp(-days apart / recency_days)`.
    pub recency: f64,
    pub recency_days: f64,
    /// Candidates further apart than this are used only when too few nearer ones exist.
    pub window_days: i64,
}

impl Default for RelatedWeights {
    fn default() -> Self {
        RelatedWeights {
            tag: 1.0,
            category: 1.0,
            text: 6.0,
            recency: 1.5,
            recency_days: 30.0,
            window_days: 365,
        }
    }
}

/// The source article as scoring needs it.
#[derive(Debug, Clone)]
pub struct RelatedSource {
    pub article: Article,
    pub tags: Vec<TagId>,
}

impl RelatedSource {
    pub fn new(article: Article, tags: Vec<TagId>) -> RelatedSource {
        RelatedSource { article, tags }
    }
}

/// Folded words as small integers, each word one id for the length of one ranking: a syllable
/// pair is then one `u64` to hash and compare, not a new string per pair per candidate (ranking
/// was a third of a related request's time with strings).
#[derive(Default)]
struct Words {
    ids: HashMap<String, u32>,
    /// Whether the word with this id holds a digit.
    numeric: Vec<bool>,
}

/// Two adjacent words, as their ids.
type Pair = u64;

impl Words {
    fn id(&mut self, word: &str) -> u32 {
        if let Some(id) = self.ids.get(word) {
            return *id;
        }
        let id = u32::try_from(self.numeric.len()).unwrap_or(u32::MAX);
        self.ids.insert(word.to_owned(), id);
        self.numeric.push(word.chars().any(|c| c.is_ascii_digit()));
        id
    }

    /// The text's folded words (diacritics and case removed, split at anything not a letter or
    /// digit), as ids.
    fn of(&mut self, text: &str) -> Vec<u32> {
        fold(text)
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| self.id(w))
            .collect()
    }

    /// Adjacent pairs of words. Pairs with a number are left out: dates open most sapos
    /// ("Ngày 26/6, ...") and would make every story of a day look alike.
    fn pairs(&self, words: &[u32]) -> HashSet<Pair> {
        let numeric = |id: u32| self.numeric.get(id as usize).copied().unwrap_or(false);
        words
            .windows(2)
            .filter(|pair| !numeric(pair[0]) && !numeric(pair[1]))
            .map(|pair| (u64::from(pair[0]) << 32) | u64::from(pair[1]))
            .collect()
    }
}

/// The longest run of consecutive words `a` and `b` share.
fn longest_shared_run(a: &[u32], b: &[u32]) -> usize {
    let mut best = 0;
    let mut previous = vec![0usize; b.len() + 1];
    let mut current = vec![0usize; b.len() + 1];
    for word in a {
        for (j, other) in b.iter().enumerate() {
            current[j + 1] = if word == other { previous[j] + 1 } else { 0 };
            best = best.max(current[j + 1]);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    best
}

/// How strongly a shared run of words says "same story": two words in a row happen by chance,
/// three are a phrase, four or more are the story's own name ("lễ hội hoa ban").
fn phrase_similarity(run: usize) -> f64 {
    ((run as f64 - 2.0) / 2.0).clamp(0.0, 1.0)
}

/// One candidate with the source's tags it carries.
#[derive(Debug, Clone)]
pub struct RelatedCandidate {
    pub article: Article,
    pub shared_tags: Vec<TagId>,
}

/// A candidate's score, part by part (editors see these to tune the weights).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ScoreParts {
    pub tags: f64,
    pub category: f64,
    pub text: f64,
    pub recency: f64,
    pub total: f64,
}

/// One related article: pinned by an editor (no score), or ranked.
#[derive(Debug, Clone)]
pub struct RelatedItem {
    pub article: Article,
    pub score: Option<ScoreParts>,
}

/// How much each syllable pair says, estimated over the candidate pool (articles near the source
/// in time, sharing its tags, section or wording): a pair most candidates carry ("phát triển")
/// says little, one only a few carry (the story's own phrase) says much. Computed the same way on
/// every backend.
struct PairWeights {
    weights: HashMap<Pair, f64>,
}

impl PairWeights {
    fn new<'a>(pool: impl IntoIterator<Item = &'a HashSet<Pair>>) -> PairWeights {
        let mut frequency: HashMap<Pair, usize> = HashMap::new();
        let mut size = 0usize;
        for pairs in pool {
            size += 1;
            for pair in pairs {
                *frequency.entry(*pair).or_default() += 1;
            }
        }
        let weights =
            frequency.into_iter().map(|(pair, df)| (pair, (1.0 + size as f64 / df as f64).ln())).collect();
        PairWeights { weights }
    }

    fn weight(&self, pair: &Pair) -> f64 {
        self.weights.get(pair).copied().unwrap_or(0.0)
    }

    /// How much of the source's wording the candidate carries, weighted (0 to 1). Normalised by
    /// the source alone, so a candidate's long sapo neither helps nor hurts it.
    fn similarity(&self, source: &HashSet<Pair>, candidate: &HashSet<Pair>) -> f64 {
        let total: f64 = source.iter().map(|p| self.weight(p)).sum();
        if total <= 0.0 {
            return 0.0;
        }
        let shared: f64 = source.intersection(candidate).map(|p| self.weight(p)).sum();
        (shared / total).clamp(0.0, 1.0)
    }
}

/// The source's wording, as every candidate is compared with it.
struct SourceText {
    pairs: HashSet<Pair>,
    title: Vec<u32>,
}

/// One candidate's wording: its title-and-sapo words and their pairs.
struct CandidateText {
    words: Vec<u32>,
    pairs: HashSet<Pair>,
}

/// Scores one candidate. `tag_frequency` gives how many articles carry each tag; `articles` is
/// (about) how many articles there are.
fn score(
    source: (&RelatedSource, &SourceText),
    candidate: (&RelatedCandidate, &CandidateText),
    pair_weights: &PairWeights,
    tag_frequency: &HashMap<TagId, u64>,
    articles: u64,
    weights: &RelatedWeights,
) -> ScoreParts {
    let ((source, source_text), (candidate, candidate_text)) = (source, candidate);
    let tags: f64 = candidate
        .shared_tags
        .iter()
        .map(|t| {
            let df = tag_frequency.get(t).copied().unwrap_or(1).max(1) as f64;
            (1.0 + articles.max(1) as f64 / df).ln()
        })
        .sum::<f64>()
        * weights.tag;
    let category =
        if candidate.article.category_id == source.article.category_id { weights.category } else { 0.0 };
    let run = longest_shared_run(&source_text.title, &candidate_text.words);
    let text = pair_weights.similarity(&source_text.pairs, &candidate_text.pairs).max(phrase_similarity(run))
        * weights.text;
    let recency = match (source.article.published_at, candidate.article.published_at) {
        (Some(a), Some(b)) => {
            let days = (a - b).num_seconds().unsigned_abs() as f64 / 86_400.0;
            (-days / weights.recency_days.max(1.0)).exp() * weights.recency
        }
        _ => 0.0,
    };
    ScoreParts { tags, category, text, recency, total: tags + category + text + recency }
}

/// Orders candidates best first (newer, then higher id, on ties), never the source itself, and
/// only those with something in common with it (a tag, the section or similar wording): being
/// recent alone does not make a story related.
pub fn rank(
    source: &RelatedSource,
    candidates: Vec<RelatedCandidate>,
    tag_frequency: &HashMap<TagId, u64>,
    articles: u64,
    weights: &RelatedWeights,
) -> Vec<(Article, ScoreParts)> {
    let mut words = Words::default();
    let title_and_sapo = |article: &Article| format!("{} {}", article.title, article.sapo);
    let source_words = words.of(&title_and_sapo(&source.article));
    let source_text =
        SourceText { pairs: words.pairs(&source_words), title: words.of(&source.article.title) };
    let candidates: Vec<(RelatedCandidate, CandidateText)> = candidates
        .into_iter()
        .filter(|c| c.article.id != source.article.id)
        .map(|c| {
            let candidate_words = words.of(&title_and_sapo(&c.article));
            let text = CandidateText { pairs: words.pairs(&candidate_words), words: candidate_words };
            (c, text)
        })
        .collect();
    let pair_weights =
        PairWeights::new(candidates.iter().map(|(_, text)| &text.pairs).chain([&source_text.pairs]));
    let mut scored: Vec<(Article, ScoreParts)> = candidates
        .into_iter()
        .map(|(c, text)| {
            let parts =
                score((source, &source_text), (&c, &text), &pair_weights, tag_frequency, articles, weights);
            (c.article, parts)
        })
        .filter(|(_, parts)| parts.tags + parts.category + parts.text > 0.0)
        .collect();
    scored.sort_by(|(a, pa), (b, pb)| {
        pb.total
            .partial_cmp(&pa.total)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| b.published_at.cmp(&a.published_at))
            .then(b.id.cmp(&a.id))
    });
    scored
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone, Utc};

    use super::*;
    use crate::article::ArticleId;

    fn article(id: i64, title: &str, category: i64, days_ago: i64) -> Article {
        let at =
            Utc.with_ymd_and_hms(2026, 6, 1, 8, 0, 0).single().expect("valid") - Duration::days(days_ago);
        crate::article::test_article(id, title, "", category, at)
    }

    fn candidate(article: Article, tags: &[i64]) -> RelatedCandidate {
        RelatedCandidate { article, shared_tags: tags.iter().map(|t| TagId(*t)).collect() }
    }

    #[test]
    fn pairs_are_of_folded_syllables_and_leave_numbers_out() {
        let mut words = Words::default();
        let text = words.of("Ngày 26/6, Bắc Giang: du lịch");
        let pairs = words.pairs(&text);
        let [bac, giang, du, lich] = ["bac", "giang", "du", "lich"].map(|w| u64::from(words.id(w)));
        assert_eq!(words.numeric.len(), 7, "ngay 26 6 bac giang du lich, and no new word for the lookups");
        assert_eq!(pairs, HashSet::from([bac << 32 | giang, giang << 32 | du, du << 32 | lich]));
    }

    #[test]
    fn a_rare_shared_tag_outweighs_a_common_one() {
        let source = RelatedSource::new(article(1, "Nguồn", 1, 0), vec![TagId(10), TagId(20)]);
        let frequency = HashMap::from([(TagId(10), 5_000), (TagId(20), 12)]);
        let common = candidate(article(2, "Khác một", 2, 1), &[10]);
        let rare = candidate(article(3, "Khác hai", 2, 1), &[20]);
        let order = rank(&source, vec![common, rare], &frequency, 100_000, &RelatedWeights::default());
        assert_eq!(order[0].0.id, ArticleId(3));
        assert!(order[0].1.tags > order[1].1.tags * 2.0);
    }

    #[test]
    fn similar_titles_recent_stories_and_the_same_section_count() {
        let source = RelatedSource::new(article(1, "Bắc Giang mở mùa du lịch vải thiều", 1, 0), vec![]);
        let weights = RelatedWeights::default();
        let frequency = HashMap::new();
        let similar = candidate(article(2, "Du lịch vải thiều Bắc Giang hút khách", 2, 40), &[]);
        let unrelated = candidate(article(3, "Giá vàng hôm nay", 2, 40), &[]);
        let order = rank(&source, vec![unrelated.clone(), similar], &frequency, 1_000, &weights);
        assert_eq!(order.len(), 1, "nothing in common with the gold price story");
        assert_eq!(order[0].0.id, ArticleId(2));
        assert!(order[0].1.text > 0.0);

        let last_week = candidate(article(4, "Tin", 1, 7), &[]);
        let two_years = candidate(article(5, "Tin", 1, 730), &[]);
        let order = rank(&source, vec![two_years, last_week], &frequency, 1_000, &weights);
        assert_eq!(order[0].0.id, ArticleId(4));

        let same_section = candidate(article(6, "Tin", 1, 40), &[]);
        let order = rank(&source, vec![unrelated, same_section], &frequency, 1_000, &weights);
        assert_eq!(order[0].0.id, ArticleId(6));
    }

    #[test]
    fn nothing_in_common_means_not_related_however_recent() {
        let source = RelatedSource::new(article(1, "Bắc Giang mở hội", 1, 0), vec![TagId(1)]);
        let order = rank(
            &source,
            vec![candidate(article(2, "Giá vàng", 2, 0), &[])],
            &HashMap::new(),
            10,
            &RelatedWeights::default(),
        );
        assert!(order.is_empty());
    }

    #[test]
    fn a_pair_every_candidate_shares_counts_for_less_than_a_rare_one() {
        let (phat_trien, hoa_ban): (Pair, Pair) = (1, 2);
        let common = HashSet::from([phat_trien]);
        let pool = [HashSet::from([phat_trien, hoa_ban]), common.clone(), common.clone(), common.clone()];
        let weights = PairWeights::new(pool.iter());
        let source = HashSet::from([phat_trien, hoa_ban]);
        assert!(
            weights.similarity(&source, &HashSet::from([hoa_ban])) > weights.similarity(&source, &common)
        );
    }

    #[test]
    fn a_shared_phrase_of_three_words_or_more_counts_as_the_same_story() {
        let mut words = Words::default();
        let (a, b) = (words.of("Mở lễ hội hoa ban"), words.of("Khai mạc lễ hội hoa ban Điện Biên"));
        assert_eq!(longest_shared_run(&a, &b), 4);
        assert_eq!(longest_shared_run(&words.of("lễ hội"), &words.of("hội lễ")), 1);
        assert_eq!(phrase_similarity(2), 0.0);
        assert_eq!(phrase_similarity(3), 0.5);
        assert_eq!(phrase_similarity(4), 1.0);
    }

    #[test]
    fn the_source_is_never_its_own_relative() {
        let source = RelatedSource::new(article(1, "Nguồn", 1, 0), vec![]);
        let order = rank(
            &source,
            vec![candidate(article(1, "Nguồn", 1, 0), &[])],
            &HashMap::new(),
            10,
            &RelatedWeights::default(),
        );
        assert!(order.is_empty());
    }
}
