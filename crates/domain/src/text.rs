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
/// appended, which is [`word_count`].
pub fn folded_words(text: &str, out: &mut String) -> usize {
    let mut words = FoldedWords { out: std::mem::take(out).into_bytes(), distinct: None };
    let count = words.push(text);
    *out = words.into_string();
    count
}

/// The folded words (see [`folded_words`]) of one text after another, joined by single spaces:
/// every word, or each word once ([`FoldedWords::distinct`]). Bulk loads fold megabytes of bodies,
/// so this is one pass over each text, a table lookup per character, with the folded text
/// written once and a word's key for the distinct set built as it is written. Against folding
/// character by character (as [`fold`] does) and then offering each word to a filter: a
/// 10,000-article seed's folding took 2.14 billion instructions instead of 2.59.
pub struct FoldedWords {
    /// Valid UTF-8 throughout: only ASCII bytes and whole encoded characters are pushed, and it is
    /// only cut where a word began.
    out: Vec<u8>,
    distinct: Option<DistinctWords>,
}

impl FoldedWords {
    /// Each word once, where it first appears, with room for `capacity` bytes of them.
    pub fn distinct(capacity: usize) -> FoldedWords {
        FoldedWords { out: Vec::with_capacity(capacity), distinct: Some(DistinctWords::default()) }
    }

    /// Appends the words of `text` (the ones not seen yet, if distinct). Returns how many words
    /// `text` has, repeats included: its [`word_count`].
    pub fn push(&mut self, text: &str) -> usize {
        let table = fold_table();
        let bytes = text.as_bytes();
        // Room for the whole text: a character folded here becomes at most one byte, a word adds
        // at most one space (the rare slow path grows the buffer itself). The loop works on a
        // local rather than through `self`, which it would reload after every call it makes.
        let mut out = std::mem::take(&mut self.out);
        out.reserve(bytes.len() + 1);
        let mut words = WordState::default();
        let mut at = 0;
        while at < bytes.len() {
            // Nearly every character folds to one ASCII byte by the table: a word's run of them
            // goes through a loop of its own, which keeps only the output, the word's key and the
            // position in hand. Seeding 1,000 articles: 216 -> 190 million instructions here
            // (callgrind), the preparing thread 354 -> 328 million.
            if let Some((byte, len)) = simple_fold(bytes, at, table) {
                at += len;
                if byte == NOT_IN_A_WORD {
                    words.end(&mut out, &mut self.distinct);
                    continue;
                }
                words.letter(&mut out, byte);
                while let Some((byte, len)) = simple_fold(bytes, at, table) {
                    at += len;
                    if byte == NOT_IN_A_WORD {
                        words.end(&mut out, &mut self.distinct);
                        break;
                    }
                    words.within_word(&mut out, byte);
                }
                continue;
            }
            // The rest, a character at a time: combining marks, and what folds by decomposition.
            let Some(c) = text.get(at..).and_then(|rest| rest.chars().next()) else {
                break;
            };
            at += c.len_utf8();
            if table.get(c as usize) == Some(&FOLDS_TO_NOTHING) {
                // A combining mark of NFD text: inside a word, the word goes on.
                continue;
            }
            let mut folded = String::new();
            fold_slow(c, &mut |d| folded.push(d));
            for d in folded.chars() {
                if is_word_char(d) {
                    for &byte in d.encode_utf8(&mut [0; 4]).as_bytes() {
                        words.letter(&mut out, byte);
                    }
                } else {
                    words.end(&mut out, &mut self.distinct);
                }
            }
        }
        words.end(&mut out, &mut self.distinct);
        self.out = out;
        words.count
    }

    pub fn into_string(self) -> String {
        // Never fails (see `out`); were it to, the text would only lose the broken bytes.
        String::from_utf8(self.out)
            .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
    }
}

/// The character at `at` folded by the table alone: the ASCII byte of a word it becomes, or
/// [`NOT_IN_A_WORD`], with its length in bytes. `None` at the end of the text, for a combining
/// mark and for what folds only by decomposition.
#[inline(always)]
fn simple_fold(bytes: &[u8], at: usize, table: &[u8]) -> Option<(u8, usize)> {
    let lead = *bytes.get(at)?;
    if lead < 0x80 {
        return Some((WORD_BYTES[usize::from(lead)], 1));
    }
    let continuation = |offset: usize| u32::from(bytes.get(at + offset).map_or(0, |b| b & 0x3F));
    let (code, len) = match lead {
        0xC0..0xE0 => ((u32::from(lead & 0x1F) << 6) | continuation(1), 2),
        0xE0..0xF0 => ((u32::from(lead & 0x0F) << 12) | (continuation(1) << 6) | continuation(2), 3),
        _ => return None,
    };
    match table.get(code as usize).copied()? {
        folded @ ..0x80 => Some((WORD_BYTES[usize::from(folded)], len)),
        FOLDS_TO_NO_WORD_CHAR => Some((NOT_IN_A_WORD, len)),
        _ => None,
    }
}

/// Where [`FoldedWords::push`] is in the text.
#[derive(Default)]
struct WordState {
    count: usize,
    in_word: bool,
    /// Inside a word: the length of the output before it (and its separating space).
    before: usize,
    /// Inside a word: its last eight bytes, in order from the highest, zeros above. A word of up
    /// to eight bytes (nearly every folded Vietnamese syllable) is its own key.
    key: u64,
}

impl WordState {
    #[inline(always)]
    fn letter(&mut self, out: &mut Vec<u8>, byte: u8) {
        if !self.in_word {
            self.in_word = true;
            self.before = out.len();
            if !out.is_empty() {
                out.push(b' ');
            }
            self.key = 0;
            self.count += 1;
        }
        self.within_word(out, byte);
    }

    /// [`WordState::letter`] for a byte known to continue the current word.
    #[inline(always)]
    fn within_word(&mut self, out: &mut Vec<u8>, byte: u8) {
        out.push(byte);
        self.key = self.key << 8 | u64::from(byte);
    }

    #[inline(always)]
    fn end(&mut self, out: &mut Vec<u8>, distinct: &mut Option<DistinctWords>) {
        if !std::mem::take(&mut self.in_word) {
            return;
        }
        if let Some(seen) = distinct {
            let first = if self.before > 0 { self.before + 1 } else { 0 };
            if !out.get(first..).is_some_and(|word| seen.first_time(word, self.key)) {
                out.truncate(self.before);
            }
        }
    }
}

/// The words a [`FoldedWords`] has had so far. Short words are their keys, so most words cost no
/// string hashing or comparing; a hash set of `&str` over the folded text was a tenth of a seed's
/// CPU.
struct DistinctWords {
    short: foldhash::HashSet<u64>,
    long: foldhash::HashSet<Box<[u8]>>,
}

impl Default for DistinctWords {
    fn default() -> DistinctWords {
        // A seeded article has about 300 distinct words: the short set is not regrown.
        DistinctWords {
            short: foldhash::HashSet::with_capacity_and_hasher(512, Default::default()),
            long: Default::default(),
        }
    }
}

impl DistinctWords {
    /// Whether `word` (not empty; `key` is its [`WordState::key`]) is new, remembering it.
    fn first_time(&mut self, word: &[u8], key: u64) -> bool {
        if word.len() <= 8 {
            // Unambiguous: a word never holds a NUL, so the zeros above its bytes say its length.
            self.short.insert(key)
        } else {
            !self.long.contains(word) && self.long.insert(word.into())
        }
    }
}

/// An ASCII character's byte in a word: letters lower-cased, digits as they are; the rest end
/// words.
const WORD_BYTES: [u8; 128] = {
    let mut table = [NOT_IN_A_WORD; 128];
    let mut byte: u8 = 0;
    while byte < 128 {
        if byte.is_ascii_alphanumeric() {
            table[byte as usize] = byte.to_ascii_lowercase();
        }
        byte += 1;
    }
    table
};
const NOT_IN_A_WORD: u8 = 0;

/// Calls `emit` with each character of `text` folded, in order.
fn for_each_folded(text: &str, mut emit: impl FnMut(char)) {
    let table = fold_table();
    for c in text.chars() {
        if c.is_ascii() {
            emit(c.to_ascii_lowercase());
        } else {
            match table.get(c as usize) {
                Some(&folded) if folded < 0x80 => emit(char::from(folded)),
                _ => fold_slow(c, &mut emit),
            }
        }
    }
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

/// The characters [`fold_table`] answers for: Latin (all of Vietnamese), Greek, Cyrillic and the
/// rest up to General Punctuation (the dashes, quotes and ellipsis of Vietnamese news).
const TABLE_END: u32 = 0x2100;
/// In [`fold_table`]: a character that is not ASCII and folds to characters that are neither
/// letters nor digits.
const FOLDS_TO_NO_WORD_CHAR: u8 = 0x80;
/// In [`fold_table`]: a character that folding drops (the combining marks).
const FOLDS_TO_NOTHING: u8 = 0x81;
/// In [`fold_table`]: any other character that does not fold to one ASCII character.
const FOLDS_OTHERWISE: u8 = 0x82;

/// For each character below [`TABLE_END`], the ASCII character it folds to, or one of the three
/// marks above: what [`fold_slow`] answers, without the decomposition.
fn fold_table() -> &'static [u8] {
    static TABLE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        (0..TABLE_END)
            .map(|code| {
                let Some(c) = char::from_u32(code) else { return FOLDS_OTHERWISE };
                let mut folded = String::new();
                fold_slow(c, &mut |d| folded.push(d));
                match folded.as_bytes() {
                    [only] if only.is_ascii() => *only,
                    [] => FOLDS_TO_NOTHING,
                    _ if !c.is_ascii() && !folded.chars().any(is_word_char) => FOLDS_TO_NO_WORD_CHAR,
                    _ => FOLDS_OTHERWISE,
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
    fn distinct_folded_words_keep_each_word_where_it_first_appears() {
        let mut words = FoldedWords::distinct(0);
        assert_eq!(words.push("Bắc Giang, BẮC GIANG và Hà Nội; bac-giang"), 9);
        // Across texts too, and words longer than eight bytes (kept apart from the short ones).
        assert_eq!(words.push("Hà Nội hôm nay: chuyểnđổi chuyenDOI, chuyểnđổ"), 7);
        assert_eq!(words.push(" ,.; "), 0);
        assert_eq!(words.into_string(), "bac giang va ha noi hom nay chuyendoi chuyendo");
    }

    #[test]
    fn words_fold_alike_through_the_table_and_by_decomposition() {
        // Every character the table holds, and some past it, inside and around words.
        let samples = (0..0x2200).chain([0x3000, 0x4E2D, 0x1F600]).filter_map(char::from_u32);
        for c in samples {
            let text = format!("a{c}b {c}{c} Đ{c}");
            let expected: Vec<String> = fold(&text)
                .split(|d: char| !d.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_owned)
                .collect();
            let mut words = String::new();
            assert_eq!(folded_words(&text, &mut words), expected.len(), "count of {c:?}");
            assert_eq!(words, expected.join(" "), "words of {c:?} U+{:04X}", c as u32);
        }
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
