//! `bantin seed`: writes synthetic articles from [`bantin_seed`] through the store, in batches of
//! one transaction each, with progress on stderr.

use std::time::{Duration, Instant};

use anyhow::Context;
use bantin_domain::{ArticleContent, AuthorId, CategoryId, NewArticle, TagId};
use bantin_persistence::{PreparedArticles, Store};
use bantin_seed::{GeneratedArticle, Generator, Taxonomy, taxonomy};
use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use clap::Args;

use crate::{
    progress::Progress,
    taxonomy::{SectionSpec, TaxonomyIds, id_of},
};

#[derive(Debug, Clone, Args)]
pub struct SeedArgs {
    /// How many articles to write.
    #[arg(long, env = "BANTIN_SEED_COUNT", default_value_t = 500)]
    pub count: u64,

    /// Generator seed: the same seed and anchor write the same articles.
    #[arg(long, env = "BANTIN_SEED", default_value_t = 1)]
    pub seed: u64,

    /// Write nothing if the database already holds articles (what `make run` uses).
    #[arg(long)]
    pub if_empty: bool,

    /// Newest publication time (RFC 3339, e.g. 2026-11-26T00:00:00Z); dates spread over the two
    /// years before it. Defaults to the start of the current hour, so demo news looks fresh.
    #[arg(long)]
    pub anchor: Option<DateTime<Utc>>,

    /// Articles per transaction: a killed seed keeps every whole batch and the next run goes on
    /// from there. Larger batches load faster; memory stays flat (articles are prepared
    /// 500 at a time). At most 1,000 while a server shares the SQLite file, so that its
    /// writes never wait long.
    // Each SQLite commit costs about 100 ms at 100,000 articles, half of it the `fsync`, while
    // the preparing thread has nothing left to do: 100,000 articles took 6.61 s on average in
    // batches of 10,000, 6.22 s in 25,000 and 6.09 s in 50,000 (four alternated rounds). A
    // killed 50,000-article batch is about three seconds of work to do again.
    #[arg(long, default_value_t = 50_000, value_parser = clap::value_parser!(u64).range(1..=50_000))]
    pub batch_size: u64,
}

/// Articles generated and prepared at a time, beside the storing of the chunk before. Smaller
/// chunks start the storing sooner and leave less to store after the last one is prepared; each is
/// a search-index segment to merge, though (see `Store::start_bulk_load`). Alternated rounds,
/// measured on files with 16 KiB pages (tried, and put back for the reads): 10,000 articles 542 /
/// 529 / 527 ms in chunks of 1,000, 510 / 516 / 520 ms in chunks of 500 (518 / 528 / 519 against
/// 517 / 518 / 556 ms in 250); 100,000 articles 4.94 / 4.90 s in 1,000 and 4.94 / 4.88 s in 500,
/// but 6.06 / 5.41 s in 250 (400 segments: two merges of everything). Chunks of 2,000: 573 ms and
/// 5.09 s on average.
const PREPARE_CHUNK: u64 = 500;

/// The largest transaction while another process (a server) writes to the same SQLite file: its
/// editors' writes wait for ours, at most its busy timeout.
const SHARED_BATCH: u64 = 1_000;

/// What a seed run did.
#[derive(Debug, Clone, Copy)]
pub struct SeedReport {
    pub written: u64,
    pub elapsed: Duration,
}

impl SeedReport {
    pub fn rate(&self) -> f64 {
        self.written as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Database ids of the shared taxonomy, indexed like [`Taxonomy`]'s vectors.
struct SeedIds {
    categories: Vec<CategoryId>,
    tags: Vec<TagId>,
    authors: Vec<AuthorId>,
}

/// Stores whatever part of the taxonomy is missing (a second seed run reuses the first's).
async fn ensure_taxonomy(store: &Store, taxonomy: &Taxonomy) -> anyhow::Result<SeedIds> {
    let sections: Vec<SectionSpec> = taxonomy
        .categories
        .iter()
        .map(|spec| SectionSpec {
            slug: spec.slug.clone(),
            name: spec.name.clone(),
            description: spec.description.clone(),
            parent: spec
                .parent
                .and_then(|index| taxonomy.categories.get(index))
                .map(|parent| parent.slug.to_string()),
        })
        .collect();
    let mut ids = TaxonomyIds::read(store).await?;
    ids.ensure(store, &sections, &taxonomy.tags, &taxonomy.authors).await?;
    Ok(SeedIds {
        categories: taxonomy
            .categories
            .iter()
            .map(|c| id_of(&ids.categories, c.slug.as_str()))
            .collect::<anyhow::Result<_>>()?,
        tags: taxonomy
            .tags
            .iter()
            .map(|t| id_of(&ids.tags, t.slug.as_str()))
            .collect::<anyhow::Result<_>>()?,
        authors: taxonomy
            .authors
            .iter()
            .map(|a| id_of(&ids.authors, a.slug.as_str()))
            .collect::<anyhow::Result<_>>()?,
    })
}

/// The ids at `indexes`; the generator only produces indexes into the taxonomy it came with.
fn pick<Id: Copy>(indexes: &[usize], ids: &[Id]) -> Vec<Id> {
    indexes.iter().filter_map(|i| ids.get(*i).copied()).collect()
}

fn to_new_article(generated: GeneratedArticle, ids: &SeedIds) -> NewArticle {
    NewArticle {
        content: ArticleContent {
            author_ids: pick(&generated.authors, &ids.authors),
            tag_ids: pick(&generated.tags, &ids.tags),
            category_id: ids.categories.get(generated.category).copied().unwrap_or(ids.categories[0]),
            slug: generated.slug.into_string(),
            title: generated.title,
            sapo: generated.sapo,
            body: generated.body,
            cover: Some(generated.cover),
        },
        status: generated.status,
        published_at: Some(generated.published_at),
        created_at: generated.created_at,
    }
}

/// Writes `args.count` articles, numbering on from the articles already stored so that slugs stay
/// unique. `progress` is called after each batch with (stored, total): committed, except the last,
/// reported before the load's end work and commit.
pub async fn seed(
    store: &Store,
    args: &SeedArgs,
    mut progress: impl FnMut(u64, u64),
) -> anyhow::Result<SeedReport> {
    let started = Instant::now();
    let existing = store.article_count().await?;
    if args.if_empty && existing > 0 {
        return Ok(SeedReport { written: 0, elapsed: started.elapsed() });
    }
    let anchor = match args.anchor {
        Some(anchor) => anchor,
        None => Utc::now().duration_trunc(TimeDelta::hours(1)).context("rounding the clock to the hour")?,
    };
    let ids = std::sync::Arc::new(ensure_taxonomy(store, &taxonomy()).await?);
    let generator = std::sync::Arc::new(Generator::new(args.seed, anchor));
    // Generating and preparing a chunk (JSON, word counts, search text) runs beside storing the
    // one before: the store's work is on SQLite's worker thread, so on two cores the seed takes
    // about as long as the slower half. A transaction takes several chunks: each commit rewrites
    // the index pages the batch touched, and in a large database that is most of them.
    let generate = |first: u64, len: u64| {
        let (generator, ids) = (generator.clone(), ids.clone());
        actix_web::rt::task::spawn_blocking(move || {
            PreparedArticles::new(
                (first..first + len).map(|n| to_new_article(generator.article(n), &ids)).collect(),
            )
        })
    };
    let others_wait = store.start_bulk_load().await.context("preparing the database for a bulk load")?;
    // Beside a server on the same SQLite file, its writes wait for each of our transactions.
    let batch_size = if others_wait { args.batch_size.min(SHARED_BATCH) } else { args.batch_size };
    // Chunks never straddle a transaction, so every transaction holds exactly `batch_size`.
    let chunk_at = |offset: u64| PREPARE_CHUNK.min(batch_size - offset % batch_size).min(args.count - offset);
    let (mut written, mut stored) = (0, 0);
    let mut load = None;
    // A chunk is prepared in parts, all at once: one beside the storing of the chunk before, and
    // the first in two halves, as nothing is stored yet and both cores are free.
    let first_len = chunk_at(0);
    let mut next = (args.count > 0).then(|| {
        vec![generate(existing, first_len / 2), generate(existing + first_len / 2, first_len - first_len / 2)]
    });
    while let Some(parts) = next.take() {
        let mut chunk = PreparedArticles::default();
        for part in parts {
            chunk.append(part.await.context("generating articles")?);
        }
        let after = stored + chunk.len() as u64;
        if after < args.count {
            next = Some(vec![generate(existing + after, chunk_at(after))]);
        }
        let mut open = match load.take() {
            Some(open) => open,
            None => store.begin_load().await.context("starting a batch")?,
        };
        open.insert(chunk)
            .await
            .with_context(|| format!("writing articles {}..{}", existing + stored, existing + after))?;
        stored = after;
        let committing = || format!("committing articles {}..{}", existing + written, existing + stored);
        if stored == args.count {
            // Reported before its commit: the load's end (building indexes, merging the search
            // index) goes in this last transaction, written out by its one commit.
            progress(stored, args.count);
            open.finish().await.with_context(committing)?;
            written = stored;
        } else if stored % batch_size == 0 {
            open.commit().await.with_context(committing)?;
            written = stored;
            progress(written, args.count);
        } else {
            load = Some(open);
        }
    }
    // A seed stopped before this point leaves the index correct, only tuned for loading until the
    // next seed finishes, and the file on a rollback journal until the next connection opens it
    // (every connection sets WAL).
    store.end_bulk_load().await.context("compacting the search index")?;
    store.analyze().await.context("refreshing planner statistics")?;
    Ok(SeedReport { written, elapsed: started.elapsed() })
}

/// The `seed` command: [`seed`] with a progress line on stderr.
pub async fn run(store: &Store, args: &SeedArgs) -> anyhow::Result<()> {
    let mut progress = Progress::default();
    let report = seed(store, args, |written, total| {
        let line = format!("seeding: {written}/{total} articles ({:.0}/s)", progress.rate(written));
        progress.show(&line, written, total);
        if written == total {
            // What follows runs for minutes at millions of articles, with no count to show.
            eprintln!("finishing: building indexes, merging the search index, refreshing planner statistics");
        }
    })
    .await?;
    if report.written == 0 && args.if_empty {
        tracing::info!("the database already has articles; nothing seeded (--if-empty)");
    } else {
        tracing::info!(
            articles = report.written,
            seconds = format!("{:.2}", report.elapsed.as_secs_f64()),
            rate = format!("{:.0}/s", report.rate()),
            "seeded"
        );
    }
    Ok(())
}
