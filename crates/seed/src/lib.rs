//! Deterministic synthetic Vietnamese news content for demos (`bantin seed --count N --seed S`),
//! integration tests and benchmarks: a fixed [`taxonomy`] of sections, tags and authors, and an
//! endless numbered stream of articles from a [`Generator`].
//!
//! This crate owns only the vocabulary and the rules for combining it. Everything is a pure function
//! of its inputs (seed, anchor time, article number): it must not do I/O, read the clock or use
//! system randomness, and must not depend on the persistence or api crates. It produces
//! [`bantin_domain`] values; callers decide where they go.
//!
//! Articles are built from templates (a title with its matching sapo, body sentences, captions,
//! quotes) filled with one place among the 63 provinces and cities, one of its localities, an acting
//! body and a quoted official, so that the text, the section and the tags of an article agree.

mod article;
mod rng;
mod taxonomy;
mod topics;
mod vocab;

pub use article::{GeneratedArticle, Generator};
pub use taxonomy::{CategorySpec, Taxonomy, taxonomy};

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use bantin_domain::{ArticleStatus, Block, Mark, Slug, slugify, text::word_count};
    use chrono::{DateTime, Datelike, TimeDelta, TimeZone, Utc};

    use super::*;
    use crate::{
        article::{
            IMAGE_HEIGHT, IMAGE_WIDTH,
            tests::{fill_for_test, fill_with_for_test},
        },
        taxonomy::{AUTHORS, CATEGORIES, covers},
        topics::TOPICS,
        vocab::{GENERIC_CAPTIONS, GENERIC_SENTENCES, PLACES, SAPO_TAILS},
    };

    const SEED: u64 = 42;

    fn anchor() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 26, 9, 30, 0).single().expect("valid date")
    }

    fn generator() -> Generator {
        Generator::new(SEED, anchor())
    }

    /// Every piece of text a reader or a search index sees in an article.
    fn texts(article: &GeneratedArticle) -> Vec<String> {
        let mut texts = vec![article.title.clone(), article.sapo.clone(), article.body.plain_text()];
        let cover = &article.cover;
        texts
            .extend([cover.alt.clone()].into_iter().chain(cover.caption.clone()).chain(cover.credit.clone()));
        for block in &article.body.0 {
            if let Block::Image { alt, credit, .. } = block {
                texts.push(alt.clone());
                texts.extend(credit.clone());
            }
        }
        texts
    }

    fn is_nfc_like(text: &str) -> bool {
        // Precomposed letters only: decomposed input would not match what readers type.
        !text.chars().any(|c| ('\u{300}'..='\u{36f}').contains(&c))
    }

    #[test]
    fn the_taxonomy_has_every_province_and_enough_of_everything() {
        let taxonomy = taxonomy();
        assert!(taxonomy.categories.len() >= 12, "{} categories", taxonomy.categories.len());
        assert!(taxonomy.tags.len() >= 120, "{} tags", taxonomy.tags.len());
        assert!(taxonomy.authors.len() >= 24, "{} authors", taxonomy.authors.len());
        assert_eq!(PLACES.len(), 63);
        let names: Vec<&str> = taxonomy.tags.iter().map(|t| t.name.as_str()).collect();
        for (tag, place) in names.iter().zip(PLACES) {
            assert_eq!(*tag, place.name);
        }
        for province in ["Bắc Giang", "Thanh Hóa", "Đắk Lắk", "Thừa Thiên Huế", "Bà Rịa - Vũng Tàu", "Hà Nội"]
        {
            assert!(names[..63].contains(&province), "{province} missing");
        }
        for topic in
            ["chuyển đổi số", "du lịch sinh thái", "an toàn thực phẩm", "hàng giả", "bảo vệ thương hiệu"]
        {
            assert!(names.contains(&topic), "{topic} missing");
        }
        let categories: Vec<&str> = taxonomy.categories.iter().map(|c| c.name.as_str()).collect();
        for section in
            ["Thời sự", "Kinh tế", "Văn hóa", "Thể thao", "Du lịch", "Khoa học - Công nghệ", "Nông nghiệp"]
        {
            assert!(categories.contains(&section), "{section} missing");
        }
    }

    #[test]
    fn slugs_within_each_taxonomy_list_are_unique() {
        let taxonomy = taxonomy();
        let unique = |slugs: Vec<&Slug>| {
            let count = slugs.len();
            let set: HashSet<_> = slugs.into_iter().collect();
            set.len() == count
        };
        assert!(unique(taxonomy.categories.iter().map(|c| &c.slug).collect()));
        assert!(unique(taxonomy.tags.iter().map(|t| &t.slug).collect()));
        assert!(unique(taxonomy.authors.iter().map(|a| &a.slug).collect()));
        let names: HashSet<_> = taxonomy.tags.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names.len(), taxonomy.tags.len());
    }

    #[test]
    fn taxonomy_slugs_and_avatars_come_from_names() {
        let taxonomy = taxonomy();
        for tag in &taxonomy.tags {
            assert_eq!(tag.slug, slugify(&tag.name, "the"));
        }
        for category in &taxonomy.categories {
            assert_eq!(category.slug, slugify(&category.name, "chuyen-muc"));
            assert!(category.description.as_deref().is_some_and(|d| !d.is_empty()));
        }
        assert_eq!(
            taxonomy.categories.iter().find(|c| c.name == "Khoa học - Công nghệ").map(|c| c.slug.as_str()),
            Some("khoa-hoc-cong-nghe")
        );
        for author in &taxonomy.authors {
            assert_eq!(author.slug, slugify(&author.name, "tac-gia"));
            assert!(author.name.split(' ').count() >= 3, "{} is not a full name", author.name);
            assert!(author.bio.as_deref().is_some_and(|b| !b.is_empty()));
            assert_eq!(
                author.avatar_url.as_deref(),
                Some(format!("https://i.pravatar.cc/150?u={}", author.slug).as_str())
            );
        }
        assert!(taxonomy.authors.iter().any(|a| a.slug.as_str() == "nguyen-thi-minh-anh"));
    }

    #[test]
    fn category_parents_come_before_their_children() {
        let taxonomy = taxonomy();
        for (index, category) in taxonomy.categories.iter().enumerate() {
            if let Some(parent) = category.parent {
                assert!(parent < index, "{} comes before its parent", category.name);
                assert!(taxonomy.categories[parent].parent.is_none(), "only one level of nesting");
            }
        }
        let parent_of = |name: &str| {
            let child = taxonomy.categories.iter().find(|c| c.name == name).expect("category exists");
            child.parent.map(|p| taxonomy.categories[p].name.as_str())
        };
        assert_eq!(parent_of("Bóng đá"), Some("Thể thao"));
        assert_eq!(parent_of("Ẩm thực"), Some("Du lịch"));
    }

    #[test]
    fn every_section_has_stories_and_writers() {
        for (index, category) in CATEGORIES.iter().enumerate() {
            assert!(TOPICS.iter().any(|t| t.category == index), "no topic files under {}", category.name);
        }
        for topic in TOPICS {
            let writers = AUTHORS.iter().filter(|a| covers(a, topic.category)).count();
            assert!(writers >= 2, "{} has {writers} writers", CATEGORIES[topic.category].name);
        }
        assert!(AUTHORS.iter().all(|a| a.desk < CATEGORIES.len()));
    }

    #[test]
    fn every_template_fills_without_leftover_placeholders() {
        assert!(!GENERIC_SENTENCES.is_empty() && !SAPO_TAILS.is_empty() && !GENERIC_CAPTIONS.is_empty());
        for (t, topic) in TOPICS.iter().enumerate() {
            let name = topic.tags[0];
            for table in [
                topic.subjects,
                topic.roles,
                topic.details,
                topic.sentences,
                topic.headings,
                topic.quotes,
                topic.list,
                topic.captions,
            ] {
                assert!(!table.is_empty(), "an empty table in topic {name}");
            }
            assert!(topic.tags.len() >= 2, "{name} has no related tags");
            assert!(topic.list.len() >= 3, "{name} lists need three items");
            assert!(topic.link.1.starts_with("https://"), "{name} links over plain http");
            for (title, _) in topic.stories {
                assert!(
                    title.contains("{p}") || title.contains("{pk}"),
                    "title does not name the place: {title}"
                );
            }
            let stories = topic.stories.iter().flat_map(|(title, sapo)| [*title, *sapo]);
            let tables = [
                topic.subjects,
                topic.roles,
                topic.sentences,
                topic.headings,
                topic.quotes,
                topic.list,
                topic.captions,
            ];
            let shared = [GENERIC_SENTENCES, SAPO_TAILS, GENERIC_CAPTIONS];
            for template in stories.chain(tables.into_iter().chain(shared).flatten().copied()) {
                for place in [0, 1, 6, 7] {
                    let text = fill_for_test(t, place, template);
                    assert!(!text.contains(['{', '}']), "unfilled placeholder in {text:?}");
                    assert!(is_nfc_like(&text), "decomposed letters in {text:?}");
                }
            }
        }
    }

    #[test]
    fn sapo_templates_fit_the_word_budget_even_for_the_longest_names() {
        let longest_place = (0..PLACES.len()).max_by_key(|&p| word_count(PLACES[p].name)).expect("places");
        let shortest_tail = SAPO_TAILS.iter().map(|t| word_count(t)).min().expect("tails");
        let mut offenders = Vec::new();
        for (t, topic) in TOPICS.iter().enumerate() {
            for (_, sapo) in topic.stories {
                let choices = (0..topic.subjects.len()).flat_map(|s| {
                    (0..topic.roles.len()).flat_map(move |r| (0..topic.details.len()).map(move |d| [s, r, d]))
                });
                for choice in choices {
                    let text = fill_with_for_test(t, longest_place, choice, sapo);
                    // "Ngày 26/12, " adds three words.
                    let words = word_count(&text) + 3;
                    if words > 60 || words + shortest_tail < 25 {
                        offenders.push(format!("{words} words: {text}"));
                    }
                }
            }
        }
        assert!(offenders.is_empty(), "sapos out of 25–60 words:\n{}", offenders.join("\n"));
    }

    #[test]
    fn same_seed_and_number_give_the_same_article() {
        for n in [0, 1, 17, 1_999, 999_999, u64::from(u32::MAX) + 3] {
            assert_eq!(generator().article(n), Generator::new(SEED, anchor()).article(n), "article {n}");
        }
    }

    #[test]
    fn articles_do_not_depend_on_generation_order() {
        let generator = generator();
        let forward: Vec<_> = (0..200).map(|n| generator.article(n)).collect();
        let mut backward: Vec<_> = (0..200).rev().map(|n| generator.article(n)).collect();
        backward.reverse();
        assert_eq!(forward, backward);
        let resumed: Vec<_> = (150..200).map(|n| generator.article(n)).collect();
        assert_eq!(forward[150..], resumed[..]);
    }

    #[test]
    fn different_seeds_give_different_content() {
        let a = Generator::new(1, anchor());
        let b = Generator::new(2, anchor());
        assert_ne!(a.article(0), b.article(0));
        let same_titles = (0..200).filter(|&n| a.article(n).title == b.article(n).title).count();
        assert!(same_titles < 20, "{same_titles} of 200 titles coincide");
        let titles: HashSet<_> = (0..200).map(|n| a.article(n).title).collect();
        assert!(titles.len() > 150, "only {} distinct titles in 200 articles", titles.len());
    }

    #[test]
    fn generated_articles_satisfy_the_invariants() {
        let taxonomy = taxonomy();
        let generator = generator();
        let anchor = anchor();
        for n in 0..2_000 {
            let article = generator.article(n);
            let context = format!("article {n}: {article:#?}");

            assert_eq!(Slug::parse(article.slug.as_str()).ok().as_ref(), Some(&article.slug), "{context}");
            assert!(article.slug.as_str().ends_with(&format!("-{}", n + 1)), "{context}");
            assert!(article.category < taxonomy.categories.len(), "{context}");

            assert!((2..=6).contains(&article.tags.len()), "{context}");
            assert!(article.tags.iter().all(|&t| t < taxonomy.tags.len()), "{context}");
            assert_eq!(article.tags.iter().collect::<HashSet<_>>().len(), article.tags.len(), "{context}");
            let place = &taxonomy.tags[article.tags[0]].name;
            assert!(article.tags[0] < PLACES.len() && article.title.contains(place.as_str()), "{context}");
            assert!(article.tags[1..].iter().all(|&t| t >= PLACES.len()), "{context}");

            assert!((1..=2).contains(&article.authors.len()), "{context}");
            assert!(article.authors.iter().all(|&a| a < taxonomy.authors.len()), "{context}");
            assert!(article.authors.len() == 1 || article.authors[0] != article.authors[1], "{context}");

            let numbers = |text: &str| -> Vec<String> {
                text.split(|c: char| !c.is_ascii_digit())
                    .filter(|n| !n.is_empty())
                    .map(str::to_owned)
                    .collect()
            };
            let sapo_numbers = numbers(&article.sapo);
            assert!(
                numbers(&article.title).iter().all(|n| sapo_numbers.contains(n)),
                "title and sapo disagree: {context}"
            );
            let sapo_words = word_count(&article.sapo);
            assert!(article.sapo.starts_with("Ngày "), "{context}");
            assert!((25..=60).contains(&sapo_words), "{sapo_words} words in sapo: {context}");
            let local = |at: DateTime<Utc>| at + TimeDelta::hours(7);
            let dates = [local(article.published_at), local(article.published_at) - TimeDelta::days(1)]
                .map(|d| format!("Ngày {}/{}, ", d.day(), d.month()));
            assert!(dates.iter().any(|d| article.sapo.starts_with(d.as_str())), "{context}");

            assert_eq!(article.published_at.timestamp_subsec_nanos(), 0, "{context}");
            assert_eq!(article.created_at.timestamp_subsec_nanos(), 0, "{context}");
            assert!(article.created_at <= article.published_at - TimeDelta::minutes(5), "{context}");
            match article.status {
                ArticleStatus::Scheduled => {
                    assert!(article.published_at > anchor, "{context}");
                    assert!(article.published_at <= anchor + TimeDelta::days(7), "{context}");
                    assert!(article.created_at < anchor, "{context}");
                }
                ArticleStatus::Published | ArticleStatus::Draft => {
                    assert!(article.published_at <= anchor, "{context}");
                    assert!(article.published_at > anchor - TimeDelta::days(730), "{context}");
                }
                ArticleStatus::Archived => panic!("archived articles are not generated: {context}"),
            }

            let cover = &article.cover;
            assert_eq!(
                cover.src,
                format!("https://picsum.photos/seed/bantin-{SEED}-{n}-0/1200/800"),
                "{context}"
            );
            assert!(!cover.alt.is_empty() && cover.caption.is_some(), "{context}");
            assert!(cover.credit.as_deref().is_some_and(|c| c.starts_with("Ảnh")), "{context}");
            assert_eq!((cover.width, cover.height), (Some(IMAGE_WIDTH), Some(IMAGE_HEIGHT)), "{context}");

            check_body(&article, n, &context);

            for text in texts(&article) {
                assert!(!text.contains(['{', '}']), "unfilled placeholder: {context}");
                assert!(is_nfc_like(&text), "{context}");
            }
        }
    }

    fn check_body(article: &GeneratedArticle, n: u64, context: &str) {
        let blocks = &article.body.0;
        assert!((5..=15).contains(&blocks.len()), "{} blocks: {context}", blocks.len());
        assert!(matches!(blocks.first(), Some(Block::Paragraph { .. })), "{context}");
        assert!(matches!(blocks.last(), Some(Block::Paragraph { .. })), "{context}");
        let paragraphs = blocks.iter().filter(|b| matches!(b, Block::Paragraph { .. })).count();
        assert!(paragraphs * 2 > blocks.len(), "mostly paragraphs: {context}");
        let words = article.body.word_count();
        assert!((150..=3_000).contains(&words), "{words} words: {context}");

        let mut images = 0;
        for (i, block) in blocks.iter().enumerate() {
            match block {
                Block::Paragraph { spans } => {
                    assert!(!spans.is_empty(), "{context}");
                    for span in spans {
                        if span.marks.is_empty() && span.href.is_none() {
                            assert!(!span.text.is_empty(), "{context}");
                        } else {
                            assert_eq!(span.text.trim(), span.text, "styled text is trimmed: {context}");
                            assert!(!span.text.is_empty(), "{context}");
                        }
                        assert!(span.href.as_deref().is_none_or(|h| h.starts_with("https://")), "{context}");
                    }
                }
                Block::Heading { level, text } => {
                    assert!(matches!(level, 2 | 3) && !text.is_empty(), "{context}");
                    assert!(
                        matches!(blocks.get(i + 1), Some(Block::Paragraph { .. })),
                        "a heading leads a paragraph: {context}"
                    );
                }
                Block::Image { src, alt, caption, credit, width, height } => {
                    images += 1;
                    assert_eq!(
                        *src,
                        format!("https://picsum.photos/seed/bantin-{SEED}-{n}-{images}/1200/800"),
                        "{context}"
                    );
                    assert!(!alt.is_empty(), "{context}");
                    assert!(caption.as_deref().is_some_and(|c| c.starts_with(alt.as_str())), "{context}");
                    assert!(credit.as_deref().is_some_and(|c| c.starts_with("Ảnh")), "{context}");
                    assert_eq!((*width, *height), (Some(IMAGE_WIDTH), Some(IMAGE_HEIGHT)), "{context}");
                }
                Block::Quote { text, cite } => {
                    assert!(!text.is_empty(), "{context}");
                    assert!(
                        cite.as_deref().is_some_and(|c| c.starts_with("Ông ") || c.starts_with("Bà ")),
                        "{context}"
                    );
                }
                Block::List { items, .. } => {
                    assert!((3..=5).contains(&items.len()), "{context}");
                    assert!(items.iter().all(|item| !item.is_empty()), "{context}");
                }
                Block::Embed { provider, url } => {
                    assert_eq!(provider, "youtube", "{context}");
                    let id = url.strip_prefix("https://www.youtube.com/watch?v=").unwrap_or_default();
                    assert_eq!(id.len(), 11, "{context}");
                }
            }
        }
        assert!((1..=3).contains(&images), "{images} images: {context}");
    }

    #[test]
    fn bodies_use_every_kind_of_block_and_mark() {
        let generator = generator();
        let mut seen = HashSet::new();
        for n in 0..2_000 {
            let article = generator.article(n);
            if article.authors.len() == 2 {
                seen.insert("two authors");
            }
            for block in &article.body.0 {
                let kind = match block {
                    Block::Paragraph { spans } => {
                        for span in spans {
                            if span.href.is_some() {
                                seen.insert("link");
                            }
                            if span.marks.contains(&Mark::Bold) {
                                seen.insert("bold");
                            }
                            if span.marks.contains(&Mark::Italic) {
                                seen.insert("italic");
                            }
                        }
                        "paragraph"
                    }
                    Block::Heading { level: 2, .. } => "heading 2",
                    Block::Heading { .. } => "heading 3",
                    Block::Image { .. } => "image",
                    Block::Quote { .. } => "quote",
                    Block::List { ordered: true, .. } => "ordered list",
                    Block::List { ordered: false, .. } => "unordered list",
                    Block::Embed { .. } => "embed",
                };
                seen.insert(kind);
            }
        }
        let expected = [
            "paragraph",
            "heading 2",
            "heading 3",
            "image",
            "quote",
            "ordered list",
            "unordered list",
            "embed",
            "link",
            "bold",
            "italic",
            "two authors",
        ];
        for kind in expected {
            assert!(seen.contains(kind), "no {kind} in 2,000 articles");
        }
    }

    #[test]
    fn article_slugs_are_unique_across_twenty_thousand_articles() {
        let generator = generator();
        let slugs: HashSet<_> = (0..20_000).map(|n| generator.article(n).slug).collect();
        assert_eq!(slugs.len(), 20_000);
    }

    #[test]
    fn statuses_follow_the_intended_mix() {
        let generator = generator();
        let total = 20_000;
        let mut counts = [0usize; 3];
        let mut last_month = 0;
        for n in 0..total {
            let article = generator.article(n);
            match article.status {
                ArticleStatus::Published => counts[0] += 1,
                ArticleStatus::Draft => counts[1] += 1,
                ArticleStatus::Scheduled => counts[2] += 1,
                ArticleStatus::Archived => {}
            }
            if article.published_at > anchor() - TimeDelta::days(30) && article.published_at <= anchor() {
                last_month += 1;
            }
        }
        let share = |count: usize| count as f64 / total as f64;
        assert!((0.955..=0.985).contains(&share(counts[0])), "published {counts:?}");
        assert!((0.012..=0.028).contains(&share(counts[1])), "draft {counts:?}");
        assert!((0.005..=0.016).contains(&share(counts[2])), "scheduled {counts:?}");
        // Uniform spreading would put about 4% in the last month; recent days are favoured.
        assert!(share(last_month) > 0.05, "{last_month} articles in the last month");
    }

    #[test]
    fn content_uses_the_full_range_of_vietnamese_letters() {
        let generator = generator();
        let mut text: String = (0..300).flat_map(|n| texts(&generator.article(n))).collect();
        text.extend(taxonomy().tags.iter().map(|t| t.name.as_str()));
        for letter in "Đđăâêôơưáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹ".chars()
        {
            assert!(text.contains(letter), "no '{letter}' anywhere");
        }
    }
}
