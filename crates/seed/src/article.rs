//! Numbered articles: everything about article `n` is drawn from one PRNG stream seeded by
//! (seed, n), and dates are placed relative to the anchor, so any article can be generated alone.

use std::fmt::Write as _;

use bantin_domain::{ArticleStatus, Block, Body, CoverImage, Mark, Slug, Span, slugify};
use chrono::{DateTime, Datelike, Utc};

use crate::{
    rng::{Rng, Walk},
    taxonomy::{AUTHORS, covers, first_tag_of_topic},
    topics::{TOPICS, Topic},
    vocab::{
        FAMILY_NAMES, FEMALE_GIVEN_NAMES, FEMALE_MIDDLE_NAMES, GENERIC_CAPTIONS, GENERIC_SENTENCES,
        LINK_FRAMES, MALE_GIVEN_NAMES, MALE_MIDDLE_NAMES, OTHER_CREDITS, PHOTOGRAPHERS, PLACES, Place,
        PlaceKind, SAPO_TAILS, VIDEO_ID_ALPHABET,
    },
};

const MINUTE: i64 = 60;
const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;
/// Vietnam's offset from UTC: newsroom hours and the dates written in sapos are local.
const ICT: i64 = 7 * HOUR;
/// Past articles fall on one of this many local days before the anchor's; with the day that
/// may be stepped back to stay before the anchor, they span just under two years.
const HISTORY_DAYS: usize = 729;
/// Scheduled articles go out within this long after the anchor.
const SCHEDULE_WINDOW: i64 = 7 * DAY;
pub(crate) const IMAGE_WIDTH: u32 = 1200;
pub(crate) const IMAGE_HEIGHT: u32 = 800;

/// One generated article; indexes point into `taxonomy()`'s vectors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedArticle {
    /// The title's slug with `-{n + 1}` appended, so slugs are unique across article numbers.
    pub slug: Slug,
    pub title: String,
    pub sapo: String,
    pub body: Body,
    pub cover: CoverImage,
    /// Index into [`crate::Taxonomy::categories`].
    pub category: usize,
    /// Indexes into [`crate::Taxonomy::authors`]; one or two, distinct.
    pub authors: Vec<usize>,
    /// Indexes into [`crate::Taxonomy::tags`]: the place named in the title first, then the
    /// topic's own tag, then up to three related ones; distinct.
    pub tags: Vec<usize>,
    pub status: ArticleStatus,
    /// Whole seconds. In the past for published and draft articles, in the week after the anchor
    /// for scheduled ones.
    pub published_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

/// Generates articles for one (seed, anchor) pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generator {
    seed: u64,
    anchor: DateTime<Utc>,
}

impl Generator {
    /// `anchor` is the newest publication time; dates spread over the two years before it.
    pub fn new(seed: u64, anchor: DateTime<Utc>) -> Generator {
        Generator { seed, anchor }
    }

    /// Article number `n` (0-based). Depends only on (seed, anchor, n): any range can be generated
    /// in any order or resumed, and gives the same articles.
    pub fn article(&self, n: u64) -> GeneratedArticle {
        let mut rng = Rng::for_item(self.seed, n);
        let (status, published, created) = self.dates(&mut rng);
        let mut composer = Composer::new(rng, published);

        let (title_template, sapo_template) = composer.rng.pick(composer.topic.stories);
        let title = composer.sentence(title_template);
        let sapo = composer.sapo(sapo_template);
        composer.story_numbers = None;
        let authors = composer.authors();
        let credit = composer.credit(authors.first().copied().unwrap_or(0));
        let images = Images { seed: self.seed, n, credit };
        let cover = composer.cover(&images);
        let body = composer.body(&images);
        let tags = composer.tags();

        GeneratedArticle {
            slug: article_slug(&title, n),
            title,
            sapo,
            body,
            cover,
            category: composer.topic.category,
            authors,
            tags,
            status,
            published_at: self.timestamp(published),
            created_at: self.timestamp(created),
        }
    }

    /// Status, publication and creation times as Unix seconds.
    fn dates(&self, rng: &mut Rng) -> (ArticleStatus, i64, i64) {
        let anchor = self.anchor.timestamp();
        let status = match rng.below(1000) {
            0..20 => ArticleStatus::Draft,
            20..30 => ArticleStatus::Scheduled,
            _ => ArticleStatus::Published,
        };
        if status == ArticleStatus::Scheduled {
            let published = anchor + MINUTE + rng.below((SCHEDULE_WINDOW - MINUTE) as usize) as i64;
            // Written before "now" and queued, not written in the future.
            let created = anchor - 5 * MINUTE - rng.below((6 * HOUR) as usize) as i64;
            return (status, published, created);
        }
        // The smaller of two draws makes recent days likelier, as on a live site whose output grew.
        let days_back = rng.below(HISTORY_DAYS).min(rng.below(HISTORY_DAYS)) as i64;
        let local_day = (anchor + ICT).div_euclid(DAY) - days_back;
        let local_time = 6 * HOUR + rng.below((17 * HOUR) as usize) as i64;
        let mut published = local_day * DAY + local_time - ICT;
        if published > anchor {
            published -= DAY;
        }
        let created = published - 5 * MINUTE - rng.below((6 * HOUR) as usize) as i64;
        (status, published, created)
    }

    fn timestamp(&self, secs: i64) -> DateTime<Utc> {
        // Out of range only for anchors near the end of chrono's calendar.
        DateTime::from_timestamp(secs, 0).unwrap_or(self.anchor)
    }
}

fn article_slug(title: &str, n: u64) -> Slug {
    let base = slugify(title, "bai-viet");
    let number = n.saturating_add(1);
    match u32::try_from(number) {
        Ok(number) => base.with_suffix(number),
        // The domain helper takes a u32. Generated bases are at most 80 bytes, so even a 20-digit
        // suffix stays within the slug limit and parsing cannot fail.
        Err(_) => Slug::parse(&format!("{base}-{number}")).unwrap_or(base),
    }
}

/// What every image of one article shares.
struct Images {
    seed: u64,
    n: u64,
    credit: String,
}

impl Images {
    fn src(&self, index: usize) -> String {
        format!(
            "https://picsum.photos/seed/bantin-{}-{}-{index}/{IMAGE_WIDTH}/{IMAGE_HEIGHT}",
            self.seed, self.n
        )
    }
}

/// The person quoted in an article, referred to in full once and by given name after, as Vietnamese
/// papers do ("ông Nguyễn Văn Hùng, Giám đốc Sở …" then "ông Hùng").
struct Official {
    female: bool,
    family: &'static str,
    middle: &'static str,
    given: &'static str,
}

impl Official {
    fn random(rng: &mut Rng) -> Official {
        let female = rng.chance(35);
        let (middles, givens) = if female {
            (FEMALE_MIDDLE_NAMES, FEMALE_GIVEN_NAMES)
        } else {
            (MALE_MIDDLE_NAMES, MALE_GIVEN_NAMES)
        };
        Official {
            female,
            family: rng.pick(FAMILY_NAMES),
            middle: rng.pick(middles),
            given: rng.pick(givens),
        }
    }

    fn write_honorific(&self, out: &mut String, capital: bool) {
        out.push_str(match (self.female, capital) {
            (false, false) => "ông ",
            (false, true) => "Ông ",
            (true, false) => "bà ",
            (true, true) => "Bà ",
        });
    }
}

/// Writes one article's text. Holds the facts the article is about, chosen once, so that the title,
/// sapo, body and captions all name the same place, body and official.
struct Composer {
    rng: Rng,
    topic_index: usize,
    topic: &'static Topic,
    place_index: usize,
    place: &'static Place,
    locality: &'static str,
    subject: &'static str,
    role: &'static str,
    detail: &'static str,
    official: Official,
    /// Date of the event reported, local time: the publication day or the day before.
    day: u32,
    month: u32,
    year: i32,
    /// The amount of money at stake (`{b}`, in tỷ đồng): one project, one figure, wherever named.
    amount: usize,
    /// Values of `{q}`, `{n}`, `{m}` while the title and sapo are written; `None` in the body.
    story_numbers: Option<[usize; 3]>,
    topic_sentences: Walk,
    topic_sentences_used: usize,
    generic_sentences: Walk,
    generic_sentences_used: usize,
    captions: Walk,
    headings: Walk,
}

impl Composer {
    fn new(mut rng: Rng, published: i64) -> Composer {
        let topic_index = rng.below(TOPICS.len());
        let topic = &TOPICS[topic_index];
        let place_index = rng.below(PLACES.len());
        let place = &PLACES[place_index];
        let event = published - if rng.chance(30) { DAY } else { 0 };
        let (day, month, year) =
            DateTime::from_timestamp(event + ICT, 0).map_or((1, 1, 1970), |d| (d.day(), d.month(), d.year()));
        Composer {
            topic_index,
            topic,
            place_index,
            place,
            locality: rng.pick(&place.localities),
            subject: rng.pick(topic.subjects),
            role: rng.pick(topic.roles),
            detail: rng.pick(topic.details),
            official: Official::random(&mut rng),
            day,
            month,
            year,
            amount: rng.between(12, 980),
            story_numbers: Some([rng.between(2, 9), rng.between(3, 60), rng.between(120, 980)]),
            topic_sentences: Walk::new(&mut rng, topic.sentences.len()),
            topic_sentences_used: 0,
            generic_sentences: Walk::new(&mut rng, GENERIC_SENTENCES.len()),
            generic_sentences_used: 0,
            captions: Walk::new(&mut rng, topic.captions.len()),
            headings: Walk::new(&mut rng, topic.headings.len()),
            rng,
        }
    }

    /// Appends `template` with its placeholders filled (see [`crate::vocab`]).
    fn fill(&mut self, out: &mut String, template: &str) {
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                out.push_str(&rest[open..]);
                return;
            };
            self.expand(out, &after[..close]);
            rest = &after[close + 1..];
        }
        out.push_str(rest);
    }

    fn expand(&mut self, out: &mut String, key: &str) {
        match key {
            "p" => out.push_str(self.place.name),
            "pk" => {
                out.push_str(match self.place.kind {
                    PlaceKind::Province => "tỉnh ",
                    PlaceKind::City => "TP ",
                    PlaceKind::SelfNamed => "",
                });
                out.push_str(self.place.name);
            }
            "l" => out.push_str(self.locality),
            "s" => self.fill(out, self.subject),
            "x" => out.push_str(self.detail),
            "r" => self.fill(out, self.role),
            "k" | "K" => {
                self.official.write_honorific(out, key == "K");
                let Official { family, middle, given, .. } = self.official;
                let _ = write!(out, "{family} {middle} {given}, ");
                self.fill(out, self.role);
            }
            "kn" | "Kn" => {
                self.official.write_honorific(out, key == "Kn");
                out.push_str(self.official.given);
            }
            "d" => {
                let _ = write!(out, "{}/{}", self.day, self.month);
            }
            "y" => {
                let _ = write!(out, "{}", self.year);
            }
            "q" => self.number(out, 0, 2, 9),
            "n" => self.number(out, 1, 3, 60),
            "m" => self.number(out, 2, 120, 980),
            "pct" => {
                let whole = self.rng.between(10, 90);
                let _ = if self.rng.chance(40) {
                    write!(out, "{whole},{}%", self.rng.between(1, 9))
                } else {
                    write!(out, "{whole}%")
                };
            }
            "hp" => {
                let _ = write!(out, "{},{}%", self.rng.between(90, 99), self.rng.below(10));
            }
            "b" => {
                let _ = write!(out, "{} tỷ đồng", self.amount);
            }
            // Left visible so that a typo in a template shows up in tests rather than vanishing.
            _ => {
                out.push('{');
                out.push_str(key);
                out.push('}');
            }
        }
    }

    /// A number for placeholder `slot`: the story's own while writing the title and sapo, so that
    /// both give the same count, and a fresh one in the body.
    fn number(&mut self, out: &mut String, slot: usize, low: usize, high: usize) {
        let value = match self.story_numbers {
            Some(numbers) => numbers[slot],
            None => self.rng.between(low, high),
        };
        let _ = write!(out, "{value}");
    }

    /// A filled template starting with a capital letter.
    fn sentence(&mut self, template: &str) -> String {
        let mut text = String::with_capacity(template.len() + 48);
        self.fill(&mut text, template);
        capitalize_from(&mut text, 0);
        text
    }

    fn append_sentence(&mut self, out: &mut String, template: &str) {
        let start = out.len();
        self.fill(out, template);
        capitalize_from(out, start);
    }

    /// "Ngày d/m, …": one sentence, or two when the first is short.
    fn sapo(&mut self, template: &str) -> String {
        let mut sapo = String::with_capacity(400);
        let _ = write!(sapo, "Ngày {}/{}, ", self.day, self.month);
        self.fill(&mut sapo, template);
        // Whitespace-separated tokens: within a word or two of the domain's word count, which
        // classifies every Vietnamese letter through Unicode tables and would cost a quarter of
        // the generation time. Tests hold the result to the real count.
        let words = sapo.split_ascii_whitespace().count();
        if words < 30 || (words < 40 && self.rng.chance(35)) {
            sapo.push(' ');
            let tail = self.rng.pick(SAPO_TAILS);
            self.append_sentence(&mut sapo, tail);
        }
        sapo
    }

    /// One author, sometimes two, from the desk that covers the topic's section.
    fn authors(&mut self) -> Vec<usize> {
        let first = self.pick_author(None).unwrap_or(0);
        let mut authors = vec![first];
        if self.rng.chance(15) {
            if let Some(second) = self.pick_author(Some(first)) {
                authors.push(second);
            }
        }
        authors
    }

    fn pick_author(&mut self, exclude: Option<usize>) -> Option<usize> {
        let category = self.topic.category;
        let eligible = |i: &usize| Some(*i) != exclude;
        let on_desk = |i: &usize| eligible(i) && covers(&AUTHORS[*i], category);
        let desk = (0..AUTHORS.len()).filter(on_desk).count();
        if desk > 0 {
            let k = self.rng.below(desk);
            return (0..AUTHORS.len()).filter(on_desk).nth(k);
        }
        let anyone = (0..AUTHORS.len()).filter(eligible).count();
        let k = self.rng.below(anyone);
        (0..AUTHORS.len()).filter(eligible).nth(k)
    }

    /// The photo credit for the article's images: mostly the writer, as on small papers.
    fn credit(&mut self, author: usize) -> String {
        match self.rng.below(100) {
            0..55 => format!("Ảnh: {}", short_name(AUTHORS.get(author).map_or("", |a| a.name))),
            55..85 => format!("Ảnh: {}", self.rng.pick(PHOTOGRAPHERS)),
            _ => self.rng.pick(OTHER_CREDITS).to_owned(),
        }
    }

    /// Alt text and caption. Vietnamese sites usually repeat the alt text as the caption.
    fn caption(&mut self) -> (String, String) {
        let template = if self.rng.chance(20) {
            self.rng.pick(GENERIC_CAPTIONS)
        } else {
            self.topic.captions[self.captions.step()]
        };
        let alt = self.sentence(template);
        let caption = if self.rng.chance(70) { alt.clone() } else { format!("{alt}.") };
        (alt, caption)
    }

    fn cover(&mut self, images: &Images) -> CoverImage {
        let (alt, caption) = self.caption();
        CoverImage {
            src: images.src(0),
            alt,
            caption: Some(caption),
            credit: Some(images.credit.clone()),
            width: Some(IMAGE_WIDTH),
            height: Some(IMAGE_HEIGHT),
        }
    }

    fn image(&mut self, images: &Images, index: usize) -> Block {
        let (alt, caption) = self.caption();
        Block::Image {
            src: images.src(index),
            alt,
            caption: Some(caption),
            credit: Some(images.credit.clone()),
            width: Some(IMAGE_WIDTH),
            height: Some(IMAGE_HEIGHT),
        }
    }

    /// 5–15 blocks: a lead paragraph and a photo, then paragraphs with the occasional heading before
    /// one and the occasional photo, quote, list or video after one. Always ends on a paragraph.
    fn body(&mut self, images: &Images) -> Body {
        let target = 5 + (self.rng.below(11) + self.rng.below(11)).div_ceil(2);
        let mut pending = Vec::with_capacity(5);
        let extra_images = if target >= 9 { self.rng.between(1, 2) } else { self.rng.below(2) };
        pending.extend(std::iter::repeat_n(Extra::Image, extra_images));
        if self.rng.chance(45) {
            pending.push(Extra::Quote);
        }
        if self.rng.chance(30) {
            pending.push(Extra::List);
        }
        if self.rng.chance(5) {
            pending.push(Extra::Embed);
        }
        for i in (1..pending.len()).rev() {
            pending.swap(i, self.rng.below(i + 1));
        }
        let mut headings_left = if target >= 8 { self.rng.below(3) } else { 0 };
        let mut link_from = if self.rng.chance(35) { Some(self.rng.between(2, target - 1)) } else { None };
        let mut next_image = 1;

        let mut blocks = Vec::with_capacity(target);
        blocks.push(self.paragraph(true, false));
        blocks.push(self.image(images, next_image));
        next_image += 1;
        while blocks.len() < target {
            let left = target - blocks.len();
            let after_paragraph = matches!(blocks.last(), Some(Block::Paragraph { .. }));
            if left >= 2 && after_paragraph && headings_left > 0 && blocks.len() >= 3 && self.rng.chance(35) {
                let level = if headings_left == 1 && self.rng.chance(50) { 3 } else { 2 };
                let text = self.topic.headings[self.headings.step()];
                blocks.push(Block::Heading { level, text: self.sentence(text) });
                headings_left -= 1;
                continue;
            }
            if left >= 2 && after_paragraph && self.rng.chance(50) {
                if let Some(extra) = pending.pop() {
                    let block = match extra {
                        Extra::Image => {
                            next_image += 1;
                            self.image(images, next_image - 1)
                        }
                        Extra::Quote => self.quote(),
                        Extra::List => self.list(),
                        Extra::Embed => self.embed(),
                    };
                    blocks.push(block);
                    continue;
                }
            }
            let link = link_from.is_some_and(|from| blocks.len() >= from);
            if link {
                link_from = None;
            }
            blocks.push(self.paragraph(false, link));
        }
        Body(blocks)
    }

    /// 3–6 sentences, now and then one in bold or italics, optionally closing with a link.
    fn paragraph(&mut self, lead: bool, link: bool) -> Block {
        let count = self.rng.between(3, 6);
        let mut spans = Vec::new();
        let mut plain = String::with_capacity(count * 200);
        for i in 0..count {
            let template = if lead && i == 0 { self.topic_sentence() } else { self.next_sentence() };
            let separator = if i == 0 { "" } else { " " };
            let mark = match self.rng.below(100) {
                0..5 => Some(Mark::Bold),
                5..8 => Some(Mark::Italic),
                _ => None,
            };
            let Some(mark) = mark else {
                plain.push_str(separator);
                self.append_sentence(&mut plain, template);
                continue;
            };
            // Spaces between sentences stay outside the styled runs, as an editor would select them.
            plain.push_str(separator);
            if !plain.is_empty() {
                spans.push(Span::plain(std::mem::take(&mut plain)));
            }
            let mut text = String::new();
            self.append_sentence(&mut text, template);
            spans.push(Span { text, marks: vec![mark], href: None });
        }
        if link {
            let (before, after) = self.rng.pick(LINK_FRAMES);
            let (text, href) = self.topic.link;
            plain.push(' ');
            plain.push_str(before);
            spans.push(Span::plain(std::mem::take(&mut plain)));
            spans.push(Span { text: text.to_owned(), marks: Vec::new(), href: Some(href.to_owned()) });
            plain.push_str(after);
        }
        if !plain.is_empty() {
            spans.push(Span::plain(plain));
        }
        Block::Paragraph { spans }
    }

    fn topic_sentence(&mut self) -> &'static str {
        self.topic_sentences_used += 1;
        self.topic.sentences[self.topic_sentences.step()]
    }

    /// Alternates between the topic's sentences and generic ones, using each once before any
    /// repeats, so that only the longest articles say something twice.
    fn next_sentence(&mut self) -> &'static str {
        let topic_left = self.topic_sentences_used < self.topic.sentences.len();
        let generic_left = self.generic_sentences_used < GENERIC_SENTENCES.len();
        let from_topic = match (topic_left, generic_left) {
            (true, true) => self.rng.chance(50),
            (true, false) => true,
            (false, true) => false,
            (false, false) => self.rng.chance(30),
        };
        if from_topic {
            self.topic_sentence()
        } else {
            self.generic_sentences_used += 1;
            GENERIC_SENTENCES[self.generic_sentences.step()]
        }
    }

    fn quote(&mut self) -> Block {
        let template = self.rng.pick(self.topic.quotes);
        let text = self.sentence(template);
        let mut cite = String::with_capacity(120);
        self.expand(&mut cite, "K");
        Block::Quote { text, cite: Some(cite) }
    }

    /// A run of consecutive items, since some lists are steps in order.
    fn list(&mut self) -> Block {
        let all = self.topic.list;
        let len = self.rng.between(3, all.len().clamp(3, 5)).min(all.len());
        let start = self.rng.below(all.len() - len + 1);
        let items = all[start..start + len].iter().map(|item| self.sentence(item)).collect();
        Block::List { ordered: self.rng.chance(40), items }
    }

    fn embed(&mut self) -> Block {
        let mut url = String::from("https://www.youtube.com/watch?v=");
        for _ in 0..11 {
            url.push(char::from(VIDEO_ID_ALPHABET[self.rng.below(VIDEO_ID_ALPHABET.len())]));
        }
        Block::Embed { provider: "youtube".to_owned(), url }
    }

    /// The place, the topic, and up to three of the topic's related tags.
    fn tags(&mut self) -> Vec<usize> {
        let first = first_tag_of_topic(self.topic_index);
        let related = self.topic.tags.len().saturating_sub(1);
        let extra = self.rng.below(related.min(3) + 1);
        let mut tags = Vec::with_capacity(2 + extra);
        tags.push(self.place_index);
        tags.push(first);
        let mut walk = Walk::new(&mut self.rng, related);
        for _ in 0..extra {
            tags.push(first + 1 + walk.step());
        }
        tags
    }
}

#[derive(Debug, Clone, Copy)]
enum Extra {
    Image,
    Quote,
    List,
    Embed,
}

fn capitalize_from(text: &mut String, start: usize) {
    let Some(first) = text[start..].chars().next() else {
        return;
    };
    if first.is_lowercase() {
        let upper: String = first.to_uppercase().collect();
        text.replace_range(start..start + first.len_utf8(), &upper);
    }
}

/// "Nguyễn Thị Minh Anh" → "Minh Anh": how bylines and photo credits shorten names.
fn short_name(full: &str) -> &str {
    let mut spaces = full.rmatch_indices(' ').map(|(i, _)| i);
    match (spaces.next(), spaces.next()) {
        (Some(_), Some(second_last)) => &full[second_last + 1..],
        _ => full,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Fills `template` in a fixed scene, for checking templates without generating articles.
    pub(crate) fn fill_for_test(topic: usize, place: usize, template: &str) -> String {
        fill_with_for_test(topic, place, [0, 0, 0], template)
    }

    /// Like [`fill_for_test`] with a chosen acting body, official's role and detail (by index).
    pub(crate) fn fill_with_for_test(
        topic: usize,
        place: usize,
        [subject, role, detail]: [usize; 3],
        template: &str,
    ) -> String {
        let mut composer = Composer::new(Rng::for_item(1, 1), 1_750_000_000);
        composer.topic_index = topic;
        composer.topic = &TOPICS[topic];
        composer.place_index = place;
        composer.place = &PLACES[place];
        composer.locality = PLACES[place].localities[0];
        composer.subject = TOPICS[topic].subjects[subject];
        composer.role = TOPICS[topic].roles[role];
        composer.detail = TOPICS[topic].details[detail];
        composer.sentence(template)
    }

    #[test]
    fn placeholders_are_filled_from_the_scene() {
        let bac_giang = PLACES.iter().position(|p| p.name == "Bắc Giang").expect("Bắc Giang is a place");
        let text = fill_for_test(0, bac_giang, "{pk} và {l}: {s}, năm {y}, {b}");
        assert!(text.starts_with("Tỉnh Bắc Giang và Yên Thế: UBND tỉnh Bắc Giang, năm 2025, "), "{text}");
        assert!(text.ends_with(" tỷ đồng"), "{text}");
        let unknown = fill_for_test(0, bac_giang, "{nope} và {p");
        assert_eq!(unknown, "{nope} và {p");
    }

    #[test]
    fn places_are_named_as_papers_name_them() {
        let name = |kind: PlaceKind| {
            let place = PLACES.iter().position(|p| p.kind == kind).expect("a place of each kind");
            fill_for_test(0, place, "ở {pk}")
        };
        assert_eq!(name(PlaceKind::City), "Ở TP Hà Nội");
        assert_eq!(name(PlaceKind::SelfNamed), "Ở TP Hồ Chí Minh");
        assert_eq!(name(PlaceKind::Province), "Ở tỉnh An Giang");
    }

    #[test]
    fn short_names_keep_the_last_two_words() {
        assert_eq!(short_name("Nguyễn Thị Minh Anh"), "Minh Anh");
        assert_eq!(short_name("Trần Đức Bá"), "Đức Bá");
        assert_eq!(short_name("Bá"), "Bá");
    }

    #[test]
    fn capitalizing_handles_vietnamese_letters() {
        let mut text = String::from("x đoàn công tác");
        capitalize_from(&mut text, 2);
        assert_eq!(text, "x Đoàn công tác");
        let mut empty = String::new();
        capitalize_from(&mut empty, 0);
        assert!(empty.is_empty());
    }

    #[test]
    fn slugs_past_u32_still_carry_the_full_number() {
        let slug = article_slug("Bắc Giang", u64::from(u32::MAX) + 5);
        assert_eq!(slug.as_str(), format!("bac-giang-{}", u64::from(u32::MAX) + 6));
    }
}
