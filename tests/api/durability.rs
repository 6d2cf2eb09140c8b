//! Durability: an online backup taken while writes go on is a consistent copy that opens and
//! reads like the original.

use std::{
    collections::BTreeMap,
    process::Command,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
};

use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement, TransactionTrait};

use crate::helpers::{CREATE, Newsroom, Story, first_error, fresh_store, on_postgres};

const BIN: &str = env!("CARGO_BIN_EXE_bantin");

/// Every article's slug and how many tags, bylines and search entries it has: a batch written
/// half would show as an article missing some of them.
async fn contents(connection: &DatabaseConnection) -> BTreeMap<i64, (String, i64, i64)> {
    let backend = connection.get_database_backend();
    let rows = connection
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT a.id, a.slug, \
             (SELECT COUNT(*) FROM article_tags t WHERE t.article_id = a.id), \
             (SELECT COUNT(*) FROM article_authors b WHERE b.article_id = a.id) \
             FROM articles a ORDER BY a.id",
        ))
        .await
        .expect("articles read");
    rows.iter()
        .map(|row| {
            let id: i64 = row.try_get_by_index(0).expect("id");
            let slug: String = row.try_get_by_index(1).expect("slug");
            let tags: i64 = row.try_get_by_index(2).expect("tags");
            let authors: i64 = row.try_get_by_index(3).expect("authors");
            (id, (slug, tags, authors))
        })
        .collect()
}

fn story(n: usize) -> Story {
    let title: &'static str = Box::leak(format!("Tin sao lưu số {n}").into_boxed_str());
    Story::published(title, "thoi-su", n as i64).tags(&["bac-giang", "thanh-hoa"]).authors(&["ba-doan"])
}

#[actix_web::test]
async fn a_backup_taken_while_writes_go_on_is_consistent_and_restores() {
    let (store, database) = fresh_store().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let target = dir.path().join("backup.db");
    let backup = |url: String, target: std::path::PathBuf| {
        Command::new(BIN)
            .args(["--database-url", &url, "backup", "--to", target.to_str().expect("utf-8 path")])
            .env("BANTIN_LOG", "info")
            .output()
            .expect("bantin runs")
    };
    if on_postgres() {
        let output = backup(database.url.clone(), target);
        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("pg_dump"), "PostgreSQL backups are refused with the tool to use: {stderr}");
        return;
    }
    let newsroom = Newsroom::new(&store).await;
    newsroom.write((0..200).map(story).collect()).await;

    let stop = Arc::new(AtomicBool::new(false));
    let writing = {
        let (stop, newsroom) = (stop.clone(), Newsroom::new_reusing(&store).await);
        actix_web::rt::spawn(async move {
            let mut next = 200;
            while !stop.load(Ordering::Relaxed) {
                newsroom.write((next..next + 25).map(story).collect()).await;
                next += 25;
            }
            next
        })
    };
    let (url, path) = (database.url.clone(), target.clone());
    let output = actix_web::rt::task::spawn_blocking(move || backup(url, path)).await.expect("joined");
    stop.store(true, Ordering::Relaxed);
    let written = writing.await.expect("writer finished");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(written > 200, "writes went on during the backup");
    assert!(!target.with_extension("partial").exists(), "no partial file is left");

    let copy =
        Database::connect(format!("sqlite://{}?mode=ro", target.display())).await.expect("the backup opens");
    let check = copy
        .query_one_raw(Statement::from_string(copy.get_database_backend(), "PRAGMA integrity_check"))
        .await
        .expect("integrity check runs")
        .expect("a row");
    assert_eq!(check.try_get_by_index::<String>(0).expect("text"), "ok");
    let copied = contents(&copy).await;
    let live = contents(&Database::connect(&database.url).await.expect("live opens")).await;
    assert!(copied.len() >= 200 && copied.len() <= live.len(), "{} of {}", copied.len(), live.len());
    assert_eq!(copied.len() % 25, 0, "whole batches only: {}", copied.len());
    for (id, article) in &copied {
        assert_eq!(live.get(id), Some(article), "article {id} is the same in the copy");
        assert_eq!((article.1, article.2), (2, 1), "article {id} has all its tags and its byline");
    }

    // A second backup to the same file is refused: nothing is overwritten.
    let again = backup(database.url.clone(), target);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
}

/// Writes per writer in [`many_writers_at_once_lose_nothing_and_never_see_busy`]; the issue's
/// full run is `BANTIN_STRESS_WRITES=1000`.
fn writes_per_writer() -> usize {
    std::env::var("BANTIN_STRESS_WRITES").ok().and_then(|v| v.parse().ok()).unwrap_or(10)
}

#[actix_web::test]
async fn many_writers_at_once_lose_nothing_and_never_see_busy() {
    const WRITERS: usize = 64;
    let desk = crate::helpers::desk().await;
    let app = &desk.app;
    let editor = desk.editor.as_str();
    let mut ids = Vec::with_capacity(WRITERS);
    for i in 0..WRITERS {
        ids.push(crate::helpers::create_draft(app, editor, &format!("Bài của người viết {i}")).await.0);
    }
    let writes = writes_per_writer();
    let update = "mutation($id: ID!, $r: Int!, $input: UpdateArticleInput!) {
        updateArticle(id: $id, revision: $r, input: $input) { revision } }";
    let writers = ids.iter().map(|id| async move {
        let mut failures = Vec::new();
        let mut revision = 1;
        for n in 0..writes {
            let input =
                serde_json::json!({ "id": id, "r": revision, "input": { "sapo": format!("Lần sửa {n}") } });
            let (status, body) = app.graphql_as(editor, update, input).await;
            match body["data"]["updateArticle"]["revision"].as_i64() {
                Some(next) if status.is_success() => revision = next,
                _ => failures.push(format!("{status} {body}")),
            }
        }
        (revision, failures)
    });
    let outcomes = futures_util::future::join_all(writers).await;
    for (id, (revision, failures)) in ids.iter().zip(&outcomes) {
        assert!(failures.is_empty(), "article {id}: {failures:?}");
        assert_eq!(*revision, 1 + writes as i64, "article {id}: every save counted once");
        let data = app
            .query_as(
                editor,
                "query($id: ID!) { articleRevisions(id: $id) { revision } }",
                serde_json::json!({ "id": id }),
            )
            .await;
        assert_eq!(
            data["articleRevisions"].as_array().map(Vec::len),
            Some(1 + writes),
            "article {id}: no lost update"
        );
    }
}

/// Runs one statement as the PostgreSQL administrator.
async fn as_admin(sql: &str) {
    let admin = Database::connect(crate::helpers::postgres_admin_url()).await.expect("PostgreSQL answers");
    admin.execute_unprepared(sql).await.expect("admin statement runs");
    let _ = admin.close().await;
}

#[actix_web::test]
async fn while_the_database_is_away_requests_fail_fast_with_503_and_recover_on_their_own() {
    use std::time::{Duration, Instant};
    if !on_postgres() {
        // A SQLite file cannot go away under an open process: its way of being unavailable is a
        // lock another process holds (`while_another_process_holds_the_sqlite_write_lock_...`).
        return;
    }
    let database = crate::helpers::TestDatabase::create().await;
    let name = database.postgres_name().expect("a PostgreSQL database").to_owned();
    let options = bantin_persistence::StoreOptions {
        acquire_timeout: Duration::from_secs(1),
        ..bantin_persistence::StoreOptions::default()
    };
    let store = bantin_persistence::Store::connect(&database.url, &options).await.expect("opens");
    store.migrate().await.expect("migrates");
    Newsroom::new(&store).await;
    let mut settings = crate::helpers::serve_settings();
    settings.cache.enabled = false;
    let app = crate::helpers::spawn_app_on(settings, store, database).await;
    assert_eq!(app.get("/api/v1/categories").await.0.as_u16(), 200);

    as_admin(&format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false")).await;
    as_admin(&format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    ))
    .await;
    // The pool hands out a connection used moments ago without pinging it first, so this request
    // meets the terminated connection itself: that is unavailable too, not an internal error.
    let started = Instant::now();
    let (status, body) = app.get("/api/v1/categories").await;
    crate::helpers::assert_error(status, &body, 503, "UNAVAILABLE");
    assert!(started.elapsed() < Duration::from_secs(5), "failed fast: {:?}", started.elapsed());
    let (status, response, _) =
        app.post_graphql(None, "{ categories { slug } }", serde_json::json!({})).await;
    assert_eq!(
        (status.as_u16(), crate::helpers::first_error(&response).0.as_str()),
        (503, "UNAVAILABLE"),
        "{response}"
    );
    assert_eq!(app.get("/healthz").await.0.as_u16(), 503);

    as_admin(&format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS true")).await;
    let back = Instant::now();
    loop {
        if app.get("/api/v1/categories").await.0.as_u16() == 200 {
            break;
        }
        assert!(back.elapsed() < Duration::from_secs(15), "the server did not recover by itself");
        actix_web::rt::time::sleep(Duration::from_millis(200)).await;
    }
}

#[actix_web::test]
async fn while_another_process_holds_the_sqlite_write_lock_writes_fail_fast_with_unavailable_and_recover() {
    use std::time::{Duration, Instant};
    if on_postgres() {
        // SQLite's own way of being unavailable; the PostgreSQL run stops the database instead.
        return;
    }
    let busy_timeout = Duration::from_millis(500);
    let database = crate::helpers::TestDatabase::create().await;
    let options = bantin_persistence::StoreOptions {
        sqlite_busy_timeout: busy_timeout,
        acquire_timeout: Duration::from_secs(1),
        ..bantin_persistence::StoreOptions::default()
    };
    let store = bantin_persistence::Store::connect(&database.url, &options).await.expect("opens");
    store.migrate().await.expect("migrates");
    Newsroom::new(&store).await;
    let url = database.url.clone();
    let app = crate::helpers::spawn_app_on(crate::helpers::serve_settings(), store, database).await;
    app.add_user("editor@tin.example", bantin_domain::Role::Editor, Some("minh-anh")).await;
    let editor = app.login("editor@tin.example").await;
    let draft = |title: &str| serde_json::json!({ "input": { "title": title, "category": "thoi-su" } });

    let counts = Database::connect(&url).await.expect("opens");
    let before = crate::helpers::stored(&counts).await;
    // Another process (a migration, the sqlite3 shell, a backup tool) takes the write lock.
    let holder = Database::connect(&url).await.expect("opens");
    let lock = holder
        .begin_with_options(sea_orm::TransactionOptions {
            sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
            ..sea_orm::TransactionOptions::default()
        })
        .await
        .expect("the write lock is taken");

    let started = Instant::now();
    let (status, body) = app.graphql_as(&editor, CREATE, draft("Tin viết khi tệp bị khóa")).await;
    let waited = started.elapsed();
    assert_eq!((status.as_u16(), first_error(&body).0.as_str()), (503, "UNAVAILABLE"), "{body}");
    assert!(body["data"].is_null(), "{body}");
    assert!(waited < busy_timeout + Duration::from_secs(2), "failed fast: {waited:?}");
    // WAL readers do not wait for the writer: the public site stays up.
    assert_eq!(app.get("/api/v1/categories").await.0.as_u16(), 200);
    assert_eq!(crate::helpers::stored(&counts).await, before, "nothing was written");

    lock.rollback().await.expect("the lock is released");
    let data = app.query_as(&editor, CREATE, draft("Tin viết sau khi mở khóa")).await;
    assert_eq!(data["createArticle"]["title"], "Tin viết sau khi mở khóa", "the same server writes again");
    assert_ne!(crate::helpers::stored(&counts).await, before);
    let _ = counts.close().await;
    let _ = holder.close().await;
}

async fn articles_and_integrity(url: &str) -> (i64, i64, String) {
    let connection = Database::connect(url).await.expect("opens");
    let backend = connection.get_database_backend();
    let row = connection
        .query_one_raw(Statement::from_string(backend, "SELECT COUNT(*), COUNT(DISTINCT slug) FROM articles"))
        .await
        .expect("counts")
        .expect("a row");
    let (count, distinct): (i64, i64) =
        (row.try_get_by_index(0).expect("count"), row.try_get_by_index(1).expect("distinct"));
    let check = connection
        .query_one_raw(Statement::from_string(backend, "PRAGMA integrity_check"))
        .await
        .expect("integrity check")
        .expect("a row");
    let _ = connection.close().await;
    (count, distinct, check.try_get_by_index(0).expect("text"))
}

#[actix_web::test]
async fn a_seed_killed_at_any_moment_leaves_whole_batches_and_the_next_run_continues() {
    use std::time::Duration;
    if on_postgres() {
        return; // The same transactions on PostgreSQL; the file-level check is SQLite's.
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("killed.db").display());
    let seed = |count: &str| {
        let mut command = Command::new(BIN);
        command
            .args(["--database-url", &url, "seed", "--count", count, "--batch-size", "100", "--seed", "9"])
            .env("BANTIN_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        command
    };
    let mut last = 0;
    for after in [400, 900, 1_500] {
        let mut child = seed("100000").spawn().expect("seed starts");
        std::thread::sleep(Duration::from_millis(after));
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
        let (count, distinct, integrity) = articles_and_integrity(&url).await;
        assert_eq!(integrity, "ok", "killed after {after} ms");
        assert_eq!(count % 100, 0, "whole batches only: {count} articles after a kill at {after} ms");
        assert_eq!(count, distinct, "no duplicate slugs");
        assert!(count >= last, "nothing committed was lost");
        last = count;
    }
    // The first seed, into empty tables, dropped their secondary indexes to build them at its
    // end, and every seed turns FTS5's merging down: the next `serve`, `migrate` or `seed` (here
    // `migrate`, which writes nothing else) puts both back.
    let migrated =
        Command::new(BIN).args(["--database-url", &url, "migrate"]).env("BANTIN_LOG", "warn").status();
    assert!(migrated.expect("migrate runs").success());
    let db = Database::connect(&url).await.expect("database");
    let (indexes, deferred, merging_off): (i64, i64, i64) = (
        crate::helpers::first_value(
            &db,
            "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL \
             AND tbl_name IN ('articles', 'article_tags', 'article_authors')",
        )
        .await,
        crate::helpers::first_value(&db, "SELECT count(*) FROM deferred_indexes").await,
        crate::helpers::first_value(
            &db,
            "SELECT count(*) FROM article_search_config WHERE k = 'automerge' AND v = 0",
        )
        .await,
    );
    db.close().await.expect("closed");
    assert_eq!((indexes, deferred, merging_off), (4, 0, 0));
    let finished = seed("300").status().expect("seed runs");
    assert!(finished.success(), "a seed after the kills runs to the end");
    let (count, distinct, integrity) = articles_and_integrity(&url).await;
    assert_eq!((count, distinct, integrity.as_str()), (last + 300, last + 300, "ok"));
    // The killed seeds wrote with a rollback journal; the finished one returns the file to WAL.
    let journal = crate::helpers::sqlite_journal_format(&dir.path().join("killed.db"));
    assert_eq!(journal, 2, "the file is in WAL mode again");
}
