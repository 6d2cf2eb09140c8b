//! Vietnamese text folding and slugs.
//!
//! Readers type without diacritics ("bac giang") and expect to find "Bắc Giang"; URLs must be plain
//! ASCII. Both needs meet in [`fold`]: decompose to NFD, drop the combining marks (tones, breve,
//! circumflex, horn), map `đ`/`Đ` to `d` (it has no decomposition), lower-case. Search indexes and
//! slugs are built from the same folding, so they agree on every backend.

use std::fmt;

use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};

use crate::error::{Error, Result};

/// The longest slug we generate or accept, in bytes (all slug characters are ASCII).
pub const SLUG_MAX_LEN: usize = 120;
/// Generated slugs are cut at a word boundary below this length, so URLs stay readable.
const GENERATED_SLUG_LEN: usize = 80;

/// Folds text for matching: diacritics removed, `đ` → `d`, lower-cased. Accepts NFC and NFD input
/// alike (both "Hoá" spellings fold to "hoa").
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for_each_folded(text, |c| out.push(c));
    out
}

/// The words of `text` folded (see [`fold`]): runs of letters and digits, joined by single spaces
/// and appended to `out` (after a space when it is not empty). Returns how many words it
/// appended, which is [`word_count`]. One pass, without the folded text in between: bulk loads
/// fold megabytes of bodies.
pub fn folded_words(text: &str, out: &mut String) -> usize {
    folded_words_kept(text, out, |_| true)
}

/// [`folded_words`], keeping in `out` only the words `keep` accepts; each is offered once, whole,
/// as it ends. Returns how many words `text` has, kept or not. A search index that wants each
/// word of an article once filters them here, as they are folded, instead of splitting the
/// folded text again (splitting 900 short words cost as much as folding them).
pub fn folded_words_kept(text: &str, out: &mut String, keep: impl FnMut(&str) -> bool) -> usize {
    let mut words = WordWriter { out, keep, count: 0, word: None };
    // Not `for_each_folded`: its callback, called from two places, is not inlined, and calling
    // it per character doubled the time of folding.
    for c in text.chars() {
        if c.is_ascii() {
            words.push(c.to_ascii_lowercase());
        } else if let Some(folded) = fold_latin(c) {
            words.push(folded);
        } else {
            fold_slow(c, &mut |folded| words.push(folded));
        }
    }
    words.end_word();
    words.count
}

/// Appends folded characters to a string of words: letters and digits extend the current word,
/// anything else ends it.
struct WordWriter<'a, Keep> {
    out: &'a mut String,
    keep: Keep,
    count: usize,
    /// While inside a word: the length of `out` before it (and its separating space), and where
    /// its first letter is.
    word: Option<(usize, usize)>,
}

impl<Keep: FnMut(&str) -> bool> WordWriter<'_, Keep> {
    // Inlined into the per-character loop: as a call, pushing was over half of folding's time.
    #[inline(always)]
    fn push(&mut self, folded: char) {
        if is_word_char(folded) {
            if self.word.is_none() {
                let before = self.out.len();
                if before > 0 {
                    self.out.push(' ');
                }
                self.word = Some((before, self.out.len()));
                self.count += 1;
            }
            self.out.push(folded);
        } else {
            self.end_word();
        }
    }

    #[inline(always)]
    fn end_word(&mut self) {
        if let Some((before, first)) = self.word.take()
            && !(self.keep)(&self.out[first..])
        {
            self.out.truncate(before);
        }
    }
}

/// Calls `emit` with each character of `text` folded, in order.
fn for_each_folded(text: &str, mut emit: impl FnMut(char)) {
    for c in text.chars() {
        if c.is_ascii() {
            emit(c.to_ascii_lowercase());
        } else {
            fold_char(c, &mut emit);
        }
    }
}

/// Folds one character that is not ASCII: precomposed Latin letters (all of Vietnamese) straight
/// from a table, anything else by decomposition.
fn fold_char(c: char, emit: &mut impl FnMut(char)) {
    match fold_latin(c) {
        Some(folded) => emit(folded),
        None => fold_slow(c, emit),
    }
}

/// The one character a precomposed Latin letter folds to, from the table; `None` outside it.
#[inline(always)]
fn fold_latin(c: char) -> Option<char> {
    latin_table().get((c as u32).wrapping_sub(LATIN_START) as usize).copied().flatten()
}

/// Folding by decomposition: what the table holds, and the answer for everything outside it
/// (combining marks of NFD input are dropped here).
fn fold_slow(c: char, emit: &mut impl FnMut(char)) {
    for d in std::iter::once(c).nfd().filter(|d| !is_combining_mark(*d)) {
        match d {
            'đ' | 'Đ' => emit('d'),
            d => d.to_lowercase().for_each(&mut *emit),
        }
    }
}

const LATIN_START: u32 = 0x00C0;
const LATIN_END: u32 = 0x1F00;

/// For each character from U+00C0 to U+1EFF that folds to exactly one character, that character.
fn latin_table() -> &'static [Option<char>] {
    static TABLE: std::sync::OnceLock<Vec<Option<char>>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        (LATIN_START..LATIN_END)
            .map(|code| {
                let c = char::from_u32(code)?;
                let mut folded = String::new();
                fold_slow(c, &mut |d| folded.push(d));
                let mut chars = folded.chars();
                match (chars.next(), chars.next()) {
                    (Some(only), None) => Some(only),
                    _ => None,
                }
            })
            .collect()
    })
}

/// A URL-safe article or taxonomy identifier: lower-case ASCII letters and digits in words joined
/// by single hyphens, at most [`SLUG_MAX_LEN`] bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slug(String);

impl Slug {
    /// Accepts a slug a client sent, or explains why it is not one.
    pub fn parse(value: &str) -> Result<Slug> {
        let invalid = |reason: &str| Error::invalid("slug", format!("{} {reason}", quoted(value)));
        if value.is_empty() {
            return Err(invalid("is empty"));
        }
        if value.len() > SLUG_MAX_LEN {
            return Err(invalid(&format!("is longer than {SLUG_MAX_LEN} characters")));
        }
        if !value.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            return Err(invalid("may contain only a-z, 0-9 and '-'"));
        }
        if value.starts_with('-') || value.ends_with('-') || value.contains("--") {
            return Err(invalid("must not start or end with '-' or contain '--'"));
        }
        Ok(Slug(value.to_owned()))
    }

    /// This slug with `-n` appended, shortened first if needed so the result stays within
    /// [`SLUG_MAX_LEN`]. Used to keep generated slugs unique.
    pub fn with_suffix(&self, n: u32) -> Slug {
        let suffix = format!("-{n}");
        let keep = SLUG_MAX_LEN.saturating_sub(suffix.len()).min(self.0.len());
        let base = self.0[..keep].trim_end_matches('-');
        Slug(format!("{base}{suffix}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Makes a slug from a title: folded, punctuation dropped, words joined by `-`, cut at a word
/// boundary so it stays short. A title with no letters or digits at all gives `fallback`.
pub fn slugify(title: &str, fallback: &str) -> Slug {
    let folded = fold(title);
    let mut slug = String::with_capacity(folded.len().min(GENERATED_SLUG_LEN));
    for word in folded.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        let needed = word.len() + usize::from(!slug.is_empty());
        if slug.len() + needed > GENERATED_SLUG_LEN {
            if slug.is_empty() {
                slug.push_str(&word[..GENERATED_SLUG_LEN]);
            }
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(word);
    }
    if slug.is_empty() { Slug(fallback.to_owned()) } else { Slug(slug) }
}

/// How much of a client's value an error message quotes back: enough to recognise it.
const QUOTED_CHARS: usize = 80;

/// A client's `value` in single quotes, as an error message names it ([`excerpt`]).
pub fn quoted(value: &str) -> String {
    format!("'{}'", excerpt(value, QUOTED_CHARS))
}

/// `value` as an error message may show it: at most `max_chars` characters, then `…` if there
/// were more, control characters as `?`. A value can be as long as the request that carried it,
/// and an error should not hand it all back, nor put line breaks into a log line.
pub fn excerpt(value: &str, max_chars: usize) -> String {
    let mut shown: String =
        value.chars().take(max_chars).map(|c| if c.is_control() { '?' } else { c }).collect();
    if value.chars().nth(max_chars).is_some() {
        shown.push('…');
    }
    shown
}

/// Counts words the way readers perceive them: runs of letters or digits, after folding (so an
/// NFD mark does not split a word). A Vietnamese syllable counts as one word, as it does for
/// reading speed. Always the number of words [`folded_words`] writes.
pub fn word_count(text: &str) -> usize {
    let mut words = 0;
    let mut in_word = false;
    for_each_folded(text, |c| {
        let letter = is_word_char(c);
        if letter && !in_word {
            words += 1;
        }
        in_word = letter;
    });
    words
}

/// `char::is_alphanumeric`, with the Latin ranges Vietnamese lives in answered without the Unicode
/// table walk (which dominated seeding profiles).
fn is_word_char(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' | '0'..='9' => true,
        c if c.is_ascii() => false,
        // Latin-1 letters (except × and ÷), Latin Extended-A/B, Latin Extended Additional.
        '\u{C0}'..='\u{24F}' => c != '\u{D7}' && c != '\u{F7}',
        '\u{1E00}'..='\u{1EFF}' => true,
        c => c.is_alphanumeric(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_quotes_a_long_value_cut_short_and_on_one_line() {
        assert_eq!(quoted("bac-giang"), "'bac-giang'");
        assert_eq!(excerpt("a\nb\tc", 10), "a?b?c");
        let long = "đ".repeat(QUOTED_CHARS + 1);
        assert_eq!(quoted(&long), format!("'{}…'", "đ".repeat(QUOTED_CHARS)));
        assert_eq!(quoted(&long[..QUOTED_CHARS * 2]), format!("'{}'", "đ".repeat(QUOTED_CHARS)));
        // A slug pasted a megabyte long is refused in a message of a few lines.
        let message = Slug::parse(&"a".repeat(1 << 20)).expect_err("too long").to_string();
        assert!(message.len() < 300 && message.contains("longer than"), "{message}");
    }

    #[test]
    fn folding_removes_every_vietnamese_tone_and_vowel_mark() {
        let pairs = [
            ("aáàảãạăắằẳẵặâấầẩẫậ", "aaaaaaaaaaaaaaaaaa"),
            ("eéèẻẽẹêếềểễệ", "eeeeeeeeeeee"),
            ("iíìỉĩị", "iiiiii"),
            ("oóòỏõọôốồổỗộơớờởỡợ", "oooooooooooooooooo"),
            ("uúùủũụưứừửữự", "uuuuuuuuuuuu"),
            ("yýỳỷỹỵ", "yyyyyy"),
            ("ĐđĂÂÊÔƠƯ", "ddaaeoou"),
        ];
        for (input, expected) in pairs {
            assert_eq!(fold(input), expected, "folding {input}");
        }
    }

    #[test]
    fn folded_words_are_the_words_of_the_folded_text() {
        let nfd: String = "Thanh Hóa, Đắk Lắk".nfd().collect();
        let samples = [
            "Sở Văn hóa - Thể thao, Du lịch (Đắk Lắk)",
            nfd.as_str(),
            "  26/6: x² × 3 ÷ 2 = 10%  ",
            "ĂN CHƠI—Straße ǅemal ﬁ",
            "Москва, 北京 và Huế…",
            "",
            " ,.; ",
        ];
        for text in samples {
            let expected: Vec<String> = fold(text)
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_owned)
                .collect();
            let mut words = String::new();
            let count = folded_words(text, &mut words);
            assert_eq!(words, expected.join(" "), "words of {text:?}");
            assert_eq!((count, word_count(text)), (expected.len(), expected.len()), "count of {text:?}");
            let mut appended = String::from("tin");
            assert_eq!(folded_words(text, &mut appended), expected.len(), "appended count of {text:?}");
            let expected = std::iter::once("tin".to_owned()).chain(expected).collect::<Vec<_>>().join(" ");
            assert_eq!(appended, expected, "appended words of {text:?}");
        }
    }

    #[test]
    fn kept_folded_words_are_the_folded_words_that_pass_the_filter() {
        let text = "Bắc Giang, BẮC GIANG và Hà Nội; bac-giang";
        let mut seen = std::collections::HashSet::new();
        let mut distinct = String::new();
        let count = folded_words_kept(text, &mut distinct, |word| seen.insert(word.to_owned()));
        assert_eq!((distinct.as_str(), count), ("bac giang va ha noi", 9));

        // Appending after text already there, the first word dropped and the last one kept.
        let mut out = String::from("tin");
        let count = folded_words_kept("Tin mới nhất", &mut out, |word| word != "tin");
        assert_eq!((out.as_str(), count), ("tin moi nhat", 3));
        let mut out = String::from("tin");
        assert_eq!(folded_words_kept("Tin mới", &mut out, |word| word == "tin"), 2);
        assert_eq!(out, "tin tin");
        let mut out = String::new();
        assert_eq!(folded_words_kept(" Tin, mới ", &mut out, |_| false), 2);
        assert_eq!(out, "");
    }

    #[test]
    fn the_folding_table_agrees_with_decomposition_for_every_latin_character() {
        for code in (0..0x2000).chain(0x3000..0x3100) {
            let Some(c) = char::from_u32(code) else { continue };
            let mut slow = String::new();
            fold_slow(c, &mut |d| slow.push(d));
            let fast = fold(&c.to_string());
            let expected = if c.is_ascii() { c.to_ascii_lowercase().to_string() } else { slow };
            assert_eq!(fast, expected, "{c:?} U+{code:04X}");
        }
    }

    #[test]
    fn folding_treats_nfc_and_nfd_and_both_tone_placements_alike() {
        let nfc = "Thanh Hóa";
        let nfd: String = nfc.nfd().collect();
        assert_ne!(nfc, nfd);
        assert_eq!(fold(nfc), "thanh hoa");
        assert_eq!(fold(&nfd), "thanh hoa");
        assert_eq!(fold("Thanh Hoá"), "thanh hoa");
    }

    #[test]
    fn slugs_from_vietnamese_titles_are_plain_ascii_words() {
        assert_eq!(
            slugify("Hai tỉnh Bắc Giang và Xay Sổm Bun (Lào) trao đổi kinh nghiệm", "bai-viet").as_str(),
            "hai-tinh-bac-giang-va-xay-som-bun-lao-trao-doi-kinh-nghiem"
        );
        assert_eq!(slugify("Đoàn công tác — 26/6!", "x").as_str(), "doan-cong-tac-26-6");
        assert_eq!(slugify("Sở Văn hóa - Thể thao & Du lịch", "x").as_str(), "so-van-hoa-the-thao-du-lich");
    }

    #[test]
    fn generated_slugs_are_cut_at_a_word_boundary() {
        let title = "Thường xuyên tập huấn tổ chức các giải đấu cọ xát các phong trào ở các lứa tuổi từ đó phát hiện lựa chọn những hạt nhân";
        let slug = slugify(title, "x");
        assert!(slug.as_str().len() <= 80, "{slug}");
        assert!(!slug.as_str().ends_with('-'));
        assert!(title_prefix_words(title).starts_with(slug.as_str()));
        assert!(Slug::parse(slug.as_str()).is_ok());
    }

    fn title_prefix_words(title: &str) -> String {
        fold(title).split_whitespace().collect::<Vec<_>>().join("-")
    }

    #[test]
    fn a_title_without_letters_falls_back() {
        assert_eq!(slugify("!!! ??? —", "bai-viet").as_str(), "bai-viet");
        assert_eq!(slugify("中文標題", "bai-viet").as_str(), "bai-viet");
    }

    #[test]
    fn a_single_overlong_word_is_cut_rather_than_dropped() {
        let slug = slugify(&"a".repeat(200), "x");
        assert_eq!(slug.as_str().len(), 80);
    }

    #[test]
    fn suffixes_keep_slugs_within_the_limit() {
        let slug = Slug::parse("bac-giang").expect("valid");
        assert_eq!(slug.with_suffix(2).as_str(), "bac-giang-2");
        let long = Slug::parse(&"a".repeat(SLUG_MAX_LEN)).expect("valid");
        let suffixed = long.with_suffix(12);
        assert_eq!(suffixed.as_str().len(), SLUG_MAX_LEN);
        assert!(suffixed.as_str().ends_with("-12"));
    }

    #[test]
    fn slug_parsing_rejects_what_is_not_a_slug() {
        for bad in ["", "Bac-Giang", "bắc-giang", "-bac", "bac-", "bac--giang", "bac giang", "bac/giang"] {
            let err = Slug::parse(bad).expect_err(bad);
            assert!(matches!(err, Error::Validation { ref field, .. } if field == "slug"), "{bad}: {err}");
        }
        assert!(Slug::parse(&"a".repeat(SLUG_MAX_LEN + 1)).is_err());
        assert!(Slug::parse("bac-giang-2024").is_ok());
    }

    #[test]
    fn the_fast_letter_test_agrees_with_unicode_for_every_vietnamese_and_latin_character() {
        for c in ('\u{0}'..='\u{2FF}').chain('\u{1E00}'..='\u{1EFF}').chain(['—', '…', '“', '中', '٣'])
        {
            assert_eq!(is_word_char(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn words_are_counted_by_runs_of_letters() {
        assert_eq!(word_count("Ngày 26/6, Sở Văn hóa - Thể thao"), 8);
        assert_eq!(word_count("  "), 0);
    }
}
