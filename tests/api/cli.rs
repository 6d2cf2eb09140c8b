//! The real `bantin` binary: help, seeding, migrating and serving, as a user runs them.

use std::{
    net::TcpListener,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_bantin");

pub(crate) fn run(args: &[&str]) -> std::process::Output {
    Command::new(BIN).args(args).env_remove("BANTIN_DATABASE_URL").output().expect("bantin runs")
}

#[test]
fn help_explains_every_command_and_its_environment_variables() {
    let output = run(&["--help"]);
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for expected in ["serve", "migrate", "seed", "schema", "export", "import", "BANTIN_DATABASE_URL"] {
        assert!(help.contains(expected), "--help should mention {expected}:\n{help}");
    }
    let serve_help = String::from_utf8_lossy(&run(&["serve", "--help"]).stdout).into_owned();
    for expected in ["--bind", "BANTIN_BIND", "BANTIN_MAX_BODY_BYTES", "BANTIN_PUBLIC_BASE_URL"] {
        assert!(serve_help.contains(expected), "serve --help should mention {expected}");
    }
}

#[test]
fn an_unusable_database_url_fails_with_a_message_naming_the_setting_and_the_fix() {
    let missing = tempfile::tempdir().expect("temporary directory");
    let in_missing_directory = format!("sqlite://{}/not-yet/bantin.db?mode=rwc", missing.path().display());
    // Nothing listens on port 1.
    for (url, fix) in [
        ("nosuchdb://somewhere", "postgres://USER@HOST/DB"),
        (in_missing_directory.as_str(), "mkdir -p"),
        ("postgres://postgres@127.0.0.1:1/bantin", "refused"),
    ] {
        let output = run(&["--database-url", url, "--database-acquire-timeout", "1", "migrate"]);
        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("BANTIN_DATABASE_URL"), "{stderr}");
        assert!(stderr.contains(fix), "{url}: {stderr}");
    }
}

#[test]
fn seed_migrate_and_serve_work_from_the_command_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("cli.db").display());
    let seeded = run(&["--database-url", &url, "seed", "--count", "40", "--seed", "3"]);
    assert!(seeded.status.success(), "{}", String::from_utf8_lossy(&seeded.stderr));
    let log = String::from_utf8_lossy(&seeded.stderr);
    let stored = log.find("seeding: 40/40").unwrap_or_else(|| panic!("progress is shown: {log}"));
    let finishing = log.find("finishing: building indexes").unwrap_or_else(|| panic!("{log}"));
    assert!(finishing > stored, "the work after storing is announced when storing ends: {log}");
    let again = run(&["--database-url", &url, "seed", "--count", "40", "--if-empty"]);
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("nothing seeded"));
    assert!(run(&["--database-url", &url, "migrate"]).status.success());

    let (mut server, port) = serve(&url, "warn", &[], Stdio::null());
    let answer = http_get(port, "/api/v1/latest?limit=3");
    let _ = server.kill();
    let _ = server.wait();
    let answer = answer.expect("the server answered");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"items\""), "{answer}");
}

#[test]
fn a_malformed_request_is_answered_400_and_logged_as_the_clients_mistake_not_an_error() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("malformed.db").display());
    assert!(run(&["--database-url", &url, "migrate"]).status.success());
    let log_path = dir.path().join("serve.log");
    let log = std::fs::File::create(&log_path).expect("log file");
    let (mut server, port) = serve(&url, "info,bantin::http=debug", &[], Stdio::from(log));
    let mut answers = Vec::new();
    for request in ["GET /healthz HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n", "NOT HTTP AT ALL\r\n\r\n"] {
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connected");
        stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
        stream.write_all(request.as_bytes()).expect("sent");
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        answers.push(answer);
    }
    let healthy = http_get(port, "/healthz");
    let _ = server.kill();
    let _ = server.wait();
    for answer in &answers {
        assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    }
    assert!(healthy.is_some_and(|answer| answer.starts_with("HTTP/1.1 200")), "the server goes on");
    let log = std::fs::read_to_string(&log_path).expect("log read");
    assert!(!log.contains("ERROR"), "a client's malformed request is not an error of ours:\n{log}");
    let noted = log.lines().filter(|line| line.contains("answered 400 to a malformed request")).count();
    assert_eq!(noted, 2, "each is noted at DEBUG under bantin::http:\n{log}");
}

#[test]
fn serve_answers_at_once_and_indexes_articles_the_search_index_lacks() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("unindexed.db").display());
    assert!(run(&["--database-url", &url, "seed", "--count", "30", "--seed", "5"]).status.success());
    // As if the articles had been stored before the index existed.
    tokio::runtime::Runtime::new().expect("runtime").block_on(async {
        use sea_orm::ConnectionTrait;
        let db = sea_orm::Database::connect(&url).await.expect("database");
        for index in ["article_headlines", "article_search"] {
            db.execute_unprepared(&format!("INSERT INTO {index} ({index}) VALUES ('delete-all')"))
                .await
                .expect("index emptied");
        }
        db.close().await.expect("closed");
    });
    let (mut server, port) = serve(&url, "warn", &[], Stdio::null());
    let latest = http_get(port, "/api/v1/latest?limit=1").expect("the server answered");
    let title = latest.split("\"title\":\"").nth(1).and_then(|rest| rest.split('"').next()).expect("a title");
    let path = format!("/api/v1/search?q={}", title.bytes().map(|b| format!("%{b:02X}")).collect::<String>());
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut found = false;
    while !found && Instant::now() < deadline {
        found = http_get(port, &path).is_some_and(|answer| answer.contains(title));
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = server.kill();
    let _ = server.wait();
    assert!(found, "search never found '{title}'");
}

/// The first column of the first row `sql` gives, as text ("" for NULL).
async fn sqlite_text(db: &sea_orm::DatabaseConnection, sql: &str) -> String {
    crate::helpers::first_value::<Option<String>>(db, sql).await.unwrap_or_default()
}

/// Everything of the articles and what refers to them that moving the body column must keep: each
/// row whole, the links, the revisions, the AUTOINCREMENT mark, the indexes and the statistics.
async fn articles_and_what_refers_to_them(db: &sea_orm::DatabaseConnection) -> Vec<String> {
    let queries = [
        "SELECT json_group_array(json_array(id, slug, title, sapo, body, cover, category_id, status, \
         published_at, created_at, updated_at, revision, word_count, created_by, submitted_at, deleted_at)) \
         FROM (SELECT * FROM articles ORDER BY id)",
        "SELECT json_group_array(json_array(article_id, tag_id, position, published_at)) \
         FROM (SELECT * FROM article_tags ORDER BY article_id, tag_id)",
        "SELECT json_group_array(json_array(article_id, author_id, position)) \
         FROM (SELECT * FROM article_authors ORDER BY article_id, author_id)",
        "SELECT CAST(count(*) AS TEXT) FROM article_revisions",
        "SELECT CAST(seq AS TEXT) FROM sqlite_sequence WHERE name = 'articles'",
        "SELECT group_concat(name) FROM (SELECT name FROM sqlite_master WHERE tbl_name = 'articles' \
         AND type = 'index' ORDER BY name)",
        "SELECT CAST(count(*) AS TEXT) FROM sqlite_stat1 WHERE tbl = 'articles'",
    ];
    let mut found = Vec::new();
    for sql in queries {
        found.push(sqlite_text(db, sql).await);
    }
    found
}

#[test]
fn moving_the_body_to_the_end_of_the_row_keeps_every_article_and_what_refers_to_it() {
    use bantin_migrations::{Migrator, MigratorTrait};
    use sea_orm::ConnectionTrait;
    const ROOT_PAGE: &str =
        "SELECT CAST(rootpage AS TEXT) FROM sqlite_master WHERE type = 'table' AND name = 'articles'";
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("body-last.db").display());
    assert!(run(&["--database-url", &url, "seed", "--count", "40", "--seed", "9"]).status.success());
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (before, last_slug, old_root) = runtime.block_on(async {
        let db = sea_orm::Database::connect(&url).await.expect("database");
        // The newest article goes (links cascade), so the AUTOINCREMENT mark is above every id.
        db.execute_unprepared("DELETE FROM articles WHERE id = (SELECT max(id) FROM articles)")
            .await
            .expect("deleted");
        // As if the database predated the move: its record and those of later migrations are
        // taken back (the move's `down` keeps the columns where they are), so `bantin migrate`
        // rebuilds the table again.
        let names: Vec<String> = Migrator::migrations().iter().map(|m| m.name().to_owned()).collect();
        let the_move = names
            .iter()
            .position(|name| name == "m20261129_000009_sqlite_article_body_last")
            .expect("the move is a migration");
        let from_the_move = u32::try_from(names.len() - the_move).expect("a few migrations");
        Migrator::down(&db, Some(from_the_move)).await.expect("the move and later migrations are taken back");
        let before = articles_and_what_refers_to_them(&db).await;
        let slug =
            sqlite_text(&db, "SELECT slug FROM articles WHERE status = 'published' ORDER BY id DESC LIMIT 1")
                .await;
        let root = sqlite_text(&db, ROOT_PAGE).await;
        db.close().await.expect("closed");
        (before, slug, root)
    });
    assert_eq!(before[4], "40", "the mark is above the remaining ids: {before:?}");
    assert_ne!(before[6], "0", "the seed left statistics for the planner");

    let migrated = run(&["--database-url", &url, "migrate"]);
    assert!(migrated.status.success(), "{}", String::from_utf8_lossy(&migrated.stderr));

    runtime.block_on(async {
        let db = sea_orm::Database::connect(&url).await.expect("database");
        assert_ne!(sqlite_text(&db, ROOT_PAGE).await, old_root, "the table was rebuilt");
        assert_eq!(articles_and_what_refers_to_them(&db).await, before);
        let last_column =
            sqlite_text(&db, "SELECT name FROM pragma_table_info('articles') ORDER BY cid DESC LIMIT 1")
                .await;
        assert_eq!(last_column, "body");
        db.close().await.expect("closed");
    });
    let (mut server, port) = serve(&url, "warn", &[], Stdio::null());
    let article = http_get(port, &format!("/api/v1/articles/{last_slug}"));
    let _ = server.kill();
    let _ = server.wait();
    let article = article.expect("the server answered");
    assert!(article.starts_with("HTTP/1.1 200"), "{article}");
    assert!(article.contains("\"body\""), "{article}");
}

/// The article counts a seed's progress lines report ("seeding: 1200/2500 …" gives "1200").
fn committed(log: &str) -> Vec<&str> {
    log.lines().filter_map(|line| line.strip_prefix("seeding: ")?.split('/').next()).collect()
}

#[test]
fn a_seed_commits_whole_batches_larger_than_the_chunks_it_prepares() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("batches.db").display());
    // Articles are prepared 500 at a time; a batch of 1,200 takes two chunks and a part of one.
    let seeded = run(&["--database-url", &url, "seed", "--count", "2500", "--batch-size", "1200"]);
    let log = String::from_utf8_lossy(&seeded.stderr);
    assert!(seeded.status.success(), "{log}");
    // Progress is reported at each commit.
    assert_eq!(committed(&log), ["1200", "2400", "2500"], "{log}");
}

#[test]
fn a_seed_alone_uses_a_rollback_journal_and_beside_a_server_stays_on_wal_in_short_batches() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("journal.db");
    let url = format!("sqlite://{}?mode=rwc", path.display());
    // A long busy timeout: a seed that waited on the server's lock at all would take a minute.
    let seed = |count: &str, batch: &str| {
        Command::new(BIN)
            .args(["--database-url", &url, "--database-busy-timeout", "60", "seed", "--count", count])
            .args(["--batch-size", batch, "--seed", "4"])
            .env("BANTIN_LOG", "bantin_persistence=debug")
            .output()
            .expect("bantin runs")
    };
    let alone = seed("200", "100");
    let log = String::from_utf8_lossy(&alone.stderr);
    assert!(alone.status.success(), "{log}");
    assert!(log.contains("\"rollback journal\""), "{log}");
    assert_eq!(crate::helpers::sqlite_journal_format(&path), 2, "the file is back in WAL mode");

    let (mut server, port) = serve(&url, "warn", &[], Stdio::null());
    let started = Instant::now();
    let beside = seed("1100", "1050");
    let took = started.elapsed();
    let log = String::from_utf8_lossy(&beside.stderr);
    let newest = tokio::runtime::Runtime::new().expect("runtime").block_on(async {
        let db = sea_orm::Database::connect(&url).await.expect("database");
        let slug: String =
            crate::helpers::first_value(&db, "SELECT slug FROM articles ORDER BY id DESC LIMIT 1").await;
        db.close().await.expect("closed");
        slug
    });
    let article = http_get(port, &format!("/api/v1/articles/{newest}"));
    let _ = server.kill();
    let _ = server.wait();
    assert!(beside.status.success(), "{log}");
    assert!(log.contains("\"WAL\""), "the server holds the file: {log}");
    // Beside the server, batches are cut to 1,000 so that its writes never wait long.
    assert_eq!(committed(&log), ["1000", "1100"], "{log}");
    // Leaving WAL is tried without waiting for the server's connections to let go.
    assert!(took < Duration::from_secs(60), "the seed waited on the server's lock: {took:?}");
    assert_eq!(crate::helpers::sqlite_journal_format(&path), 2);
    let article = article.expect("the server answered");
    assert!(article.starts_with("HTTP/1.1 200"), "the server reads what the seed wrote: {article}");
}

#[test]
fn user_add_creates_an_account_from_a_password_on_stdin() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("users.db").display());
    let add = |email: &str, role: &str, password: &str| add_user(&url, email, role, password);
    let created = add("Chief@Tin.Example", "admin", "mật-khẩu-rất-dài-2026");
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    let duplicate = add("chief@tin.example", "admin", "mật-khẩu-rất-dài-2026");
    assert!(!duplicate.status.success());
    let short = add("writer@tin.example", "writer", "ngắn");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 12"));
    let bad_role = add("x@tin.example", "chief", "mật-khẩu-rất-dài-2026");
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("admin, editor or writer"));
}

/// Starts `bantin serve` on a free port (`extra` after `serve`, logging at `log` to `stderr`)
/// and waits until it answers.
pub(crate) fn serve(url: &str, log: &str, extra: &[&str], stderr: Stdio) -> (std::process::Child, u16) {
    let port = TcpListener::bind("127.0.0.1:0").expect("free port").local_addr().expect("addr").port();
    let bind = format!("127.0.0.1:{port}");
    let server = Command::new(BIN)
        .args(["--database-url", url, "serve", "--bind", &bind])
        .args(extra)
        .env("BANTIN_LOG", log)
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("server starts");
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline && http_get(port, "/healthz").is_none() {
        std::thread::sleep(Duration::from_millis(50));
    }
    (server, port)
}

/// `bantin user add`, the password on stdin.
fn add_user(url: &str, email: &str, role: &str, password: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new(BIN)
        .args(["--database-url", url, "user", "add", "--email", email, "--role", role, "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bantin runs");
    child.stdin.take().expect("stdin").write_all(format!("{password}\n").as_bytes()).expect("write");
    child.wait_with_output().expect("finishes")
}

/// A minimal HTTP/1.1 GET over a blocking socket, so this test needs no async runtime.
pub(crate) fn http_get(port: u16, path: &str) -> Option<String> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    Some(response)
}

#[test]
fn sigterm_lets_in_flight_requests_finish_then_exits_cleanly() {
    use std::io::{Read, Write};
    // The suite's backend: on PostgreSQL the change listener also has to stop quietly, and every
    // pooled connection must outlive the HTTP worker that first used it.
    let database =
        tokio::runtime::Runtime::new().expect("runtime").block_on(crate::helpers::TestDatabase::create());
    let url = database.url.clone();
    assert!(run(&["--database-url", &url, "seed", "--count", "300", "--seed", "5"]).status.success());
    let (mut server, port) = serve(&url, "info", &["--cache", "off", "--workers", "2"], Stdio::piped());
    // New connections go to the workers in turn, so both use (and may open) pool connections.
    for _ in 0..8 {
        assert!(http_get(port, "/api/v1/latest?limit=5").is_some_and(|a| a.starts_with("HTTP/1.1 200")));
    }
    // A request is being served when the signal comes: its handler is reading the body, which
    // arrives only after the idle worker has had time to stop.
    let body = serde_json::json!({ "query": "{ latest(first: 5) { nodes { slug authors { name } } } }" })
        .to_string();
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connects");
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    write!(
        stream,
        "POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        body.len(),
        &body[..10]
    )
    .expect("writes");
    std::thread::sleep(Duration::from_millis(300));
    let signalled =
        Command::new("kill").args(["-TERM", &server.id().to_string()]).status().expect("kill runs");
    assert!(signalled.success());
    std::thread::sleep(Duration::from_millis(500));
    stream.write_all(&body.as_bytes()[10..]).expect("the rest of the body is taken");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("the answer arrives");
    assert!(answer.starts_with("HTTP/1.1 200"), "the in-flight request finished: {answer:.400}");
    assert!(answer.contains("\"authors\""), "with its data: {answer:.400}");

    let stopped_by = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = server.try_wait().expect("waits") {
            break status;
        }
        assert!(Instant::now() < stopped_by, "the server did not stop after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit status {status}");
    let mut log = String::new();
    server.stderr.take().expect("stderr").read_to_string(&mut log).expect("log");
    assert!(log.contains("stopped"), "{log}");
    assert!(!log.contains("WARN") && !log.contains("ERROR"), "a clean stop warns of nothing: {log}");
    assert!(http_get(port, "/healthz").is_none(), "nothing answers any more");
}

/// A database of its own on the PostgreSQL suite's server, with the runtime that made it; `None`
/// when the suite runs on SQLite.
pub(crate) fn postgres_test_database() -> Option<(tokio::runtime::Runtime, crate::helpers::TestDatabase)> {
    if !crate::helpers::on_postgres() {
        return None;
    }
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let database = runtime.block_on(crate::helpers::TestDatabase::create());
    Some((runtime, database))
}

/// The PostgreSQL backends connected to the test database, by process id.
fn postgres_backends(runtime: &tokio::runtime::Runtime, database: &str) -> Vec<i32> {
    use sea_orm::{ConnectionTrait, Statement};
    runtime.block_on(async {
        let admin = sea_orm::Database::connect(crate::helpers::postgres_admin_url()).await.expect("admin");
        let sql = format!(
            "SELECT pid FROM pg_stat_activity WHERE datname = '{database}' AND backend_type = 'client backend' \
             ORDER BY pid"
        );
        let rows = admin
            .query_all_raw(Statement::from_string(sea_orm::DatabaseBackend::Postgres, sql))
            .await
            .expect("pg_stat_activity");
        let _ = admin.close().await;
        rows.iter().map(|row| row.try_get::<i32>("", "pid").expect("pid")).collect()
    })
}

#[test]
fn on_postgresql_every_pooled_connection_is_opened_at_start_and_kept() {
    // Each HTTP worker runs its own runtime, a socket belongs to the runtime that opened it, and a
    // graceful stop ends the workers one by one: a connection a worker had opened broke a request
    // still running on another worker (503 during a stop).
    let Some((runtime, database)) = postgres_test_database() else {
        return;
    };
    let name = database.postgres_name().expect("a PostgreSQL database").to_owned();
    assert!(run(&["--database-url", &database.url, "seed", "--count", "50", "--seed", "5"]).status.success());
    let (mut server, port) = serve(
        &database.url,
        "warn",
        &["--cache", "off", "--workers", "2", "--rate-limit-anonymous", "0"],
        Stdio::null(),
    );
    let at_start = postgres_backends(&runtime, &name);
    // The pool's 8 connections (the change listener holds one of them).
    assert!(at_start.len() >= 8, "connections open before the first request: {at_start:?}");
    // More requests at once than the pool has connections, arriving at both workers.
    let clients: Vec<_> = (0..16)
        .map(|_| {
            std::thread::spawn(move || {
                (0..10).all(|_| {
                    http_get(port, "/api/v1/latest?limit=20").is_some_and(|a| a.starts_with("HTTP/1.1 200"))
                })
            })
        })
        .collect();
    let answered = clients.into_iter().all(|client| client.join().expect("client thread"));
    let after = postgres_backends(&runtime, &name);
    let _ = server.kill();
    let _ = server.wait();
    assert!(answered, "every request was answered");
    assert_eq!(after, at_start, "no request opened a connection of its own");
}

#[test]
fn on_postgresql_a_seed_leaves_its_tables_vacuumed_and_analyzed_and_its_bodies_in_lz4() {
    // Until a vacuum marks its pages all-visible, an index-only scan (a tag page) reads the table.
    // Which pages it may mark is the server's call: a transaction of any other session (a test
    // beside this one creating its database) can hold them back. So this checks that the vacuum
    // and the analyze ran, not what they found.
    let Some((runtime, database)) = postgres_test_database() else {
        return;
    };
    assert!(run(&["--database-url", &database.url, "seed", "--count", "60", "--seed", "5"]).status.success());
    let (state, compression) = runtime.block_on(async {
        let db = sea_orm::Database::connect(&database.url).await.expect("database");
        // Counted by VACUUM and ANALYZE themselves as they finish, not by autovacuum (off or not).
        let state = crate::helpers::first_value::<String>(
            &db,
            "SELECT concat_ws(' ', s.vacuum_count, s.analyze_count, c.reltuples::bigint) \
             FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid WHERE s.relname = 'articles'",
        )
        .await;
        // What the server offers, against what each seeded body (all over 2 KB) was stored with.
        let compression = crate::helpers::first_value::<String>(
            &db,
            "SELECT concat_ws(' ', (SELECT CASE WHEN 'lz4' = ANY(enumvals) THEN 'lz4' ELSE 'pglz' END \
             FROM pg_settings WHERE name = 'default_toast_compression'), \
             (SELECT string_agg(DISTINCT pg_column_compression(body), ',') FROM articles))",
        )
        .await;
        db.close().await.expect("closed");
        (state, compression)
    });
    let [vacuums, analyzes, analyzed] =
        <[i64; 3]>::try_from(state.split(' ').map(|n| n.parse().expect(&state)).collect::<Vec<i64>>())
            .expect("three numbers");
    assert_eq!((vacuums, analyzes), (1, 1), "the seed vacuumed and analyzed the table once");
    assert_eq!(analyzed, 60, "the statistics count the seeded rows");
    let (indexes, deferred) = runtime.block_on(postgres_load_indexes(&database.url));
    assert_eq!((indexes.len(), deferred), (6, 0), "the load built the indexes it deferred: {indexes:?}");
    let (offered, used) = compression.split_once(' ').expect(&compression);
    assert_eq!(used, offered, "bodies are compressed with lz4 where the server has it");
}

/// PostgreSQL: the secondary indexes of the tables a seed fills (four b-trees, the two GIN search
/// indexes), and how many definitions wait in `deferred_indexes`.
async fn postgres_load_indexes(url: &str) -> (Vec<String>, i64) {
    let db = sea_orm::Database::connect(url).await.expect("database");
    let indexes = crate::helpers::first_value::<Option<String>>(
        &db,
        "SELECT string_agg(indexdef, '\n' ORDER BY indexname) FROM pg_indexes \
         WHERE schemaname = current_schema() AND indexdef NOT LIKE 'CREATE UNIQUE%' AND tablename IN \
         ('articles', 'article_tags', 'article_authors', 'article_search', 'article_headlines')",
    )
    .await
    .unwrap_or_default();
    let deferred = crate::helpers::first_value::<i64>(&db, "SELECT count(*) FROM deferred_indexes").await;
    db.close().await.expect("closed");
    (indexes.lines().map(str::to_owned).collect(), deferred)
}

/// Runs `bantin ARGS` while another session holds `lock` (a `LOCK TABLE` statement) in an open
/// transaction, released three seconds in; returns its output and how long it took.
fn run_while_locked(
    runtime: &tokio::runtime::Runtime,
    url: &str,
    lock: &str,
    args: &[&str],
) -> (std::process::Output, Duration) {
    use sea_orm::{ConnectionTrait, TransactionTrait};
    let (locker, held) = runtime.block_on(async {
        let locker = sea_orm::Database::connect(url).await.expect("database");
        let held = locker.begin().await.expect("transaction");
        held.execute_unprepared(lock).await.expect("locked");
        (locker, held)
    });
    let started = Instant::now();
    let child = Command::new(BIN)
        .args(args)
        .env("BANTIN_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bantin starts");
    std::thread::sleep(Duration::from_secs(3));
    runtime.block_on(async {
        held.commit().await.expect("released");
        locker.close().await.expect("closed");
    });
    (child.wait_with_output().expect("bantin ends"), started.elapsed())
}

/// Starts a 5,000-article seed in batches of 100 and kills it at its first progress line (a tenth
/// stored), long before its end.
fn kill_a_seed_at_its_first_progress_line(url: &str) {
    let mut seed = Command::new(BIN)
        .args(["--database-url", url, "seed", "--count", "5000", "--batch-size", "100"])
        .env("BANTIN_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("seed starts");
    let mut first_batch = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(seed.stderr.take().expect("stderr")),
        &mut first_batch,
    )
    .expect("progress");
    seed.kill().expect("SIGKILL");
    seed.wait().expect("reaped");
    assert!(first_batch.starts_with("seeding: 500/5000"), "{first_batch}");
}

#[test]
fn on_postgresql_a_seed_killed_midway_leaves_its_deferred_indexes_for_the_next_starts_to_build_once() {
    let Some((runtime, database)) = postgres_test_database() else {
        return;
    };
    assert!(run(&["--database-url", &database.url, "migrate"]).status.success());
    let (everyday, _) = runtime.block_on(postgres_load_indexes(&database.url));
    assert_eq!(everyday.len(), 6, "{everyday:?}");

    kill_a_seed_at_its_first_progress_line(&database.url);
    let (during, deferred) = runtime.block_on(postgres_load_indexes(&database.url));
    assert!(during.is_empty(), "the load dropped them: {during:?}");
    assert_eq!(deferred, 6);

    // The next start builds them, taking as long as it must: here it waits on a lock (held by a
    // writer of the search table) past a one-second statement timeout. A second node starting
    // meanwhile waits for it, then finds nothing left to build (building the same index at once,
    // one of them failed on the duplicate name).
    let second = std::thread::spawn({
        let url = database.url.clone();
        move || {
            std::thread::sleep(Duration::from_secs(1));
            Command::new(BIN).args(["--database-url", &url, "migrate"]).env("BANTIN_LOG", "warn").output()
        }
    });
    let (first, _) = run_while_locked(
        &runtime,
        &database.url,
        "LOCK TABLE article_search IN ROW EXCLUSIVE MODE",
        &["--database-url", &database.url, "--database-statement-timeout", "1", "migrate"],
    );
    let second = second.join().expect("second start").expect("migrate runs");
    for output in [first, second] {
        let log = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success() && !log.contains("WARN"), "{log}");
    }
    assert_eq!(runtime.block_on(postgres_load_indexes(&database.url)), (everyday, 0));
}

#[test]
fn on_postgresql_a_seeds_closing_vacuum_is_not_cut_short_by_the_statement_timeout() {
    // The timeout is for requests; the vacuum after a large load runs longer. Here it waits on a
    // lock held past the one-second timeout instead.
    let Some((runtime, database)) = postgres_test_database() else {
        return;
    };
    assert!(run(&["--database-url", &database.url, "seed", "--count", "20", "--seed", "5"]).status.success());
    // Taken by VACUUM too; the seed's inserts do not wait on it.
    let (output, took) = run_while_locked(
        &runtime,
        &database.url,
        "LOCK TABLE articles IN SHARE UPDATE EXCLUSIVE MODE",
        &[
            "--database-url",
            &database.url,
            "--database-statement-timeout",
            "1",
            "seed",
            "--count",
            "10",
            "--seed",
            "5",
        ],
    );
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(took >= Duration::from_secs(3), "the seed waited for the lock");
    let count = runtime.block_on(async {
        let db = sea_orm::Database::connect(&database.url).await.expect("database");
        let count = crate::helpers::first_value::<i64>(&db, "SELECT count(*) FROM articles").await;
        db.close().await.expect("closed");
        count
    });
    assert_eq!(count, 30);
}

#[test]
fn tokens_and_passwords_never_reach_the_log() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("log.db").display());
    assert!(run(&["--database-url", &url, "seed", "--count", "20", "--seed", "2"]).status.success());
    let password = "mật-khẩu-bí-mật-trong-nhật-ký";
    assert!(add_user(&url, "log@tin.example", "editor", password).status.success());

    let (mut server, port) = serve(&url, "debug", &[], Stdio::piped());
    let login = serde_json::json!({
        "query": "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken refreshToken } }",
        "variables": { "e": "log@tin.example", "p": password }
    })
    .to_string();
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connects");
    write!(
        stream,
        "POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{login}",
        login.len()
    )
    .expect("writes");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("answer");
    let body: serde_json::Value =
        serde_json::from_str(answer.split("\r\n\r\n").nth(1).unwrap_or_default()).expect("json answer");
    let access = body["data"]["login"]["accessToken"].as_str().expect("signed in").to_owned();
    let refresh = body["data"]["login"]["refreshToken"].as_str().expect("refresh token").to_owned();
    http_get(port, &format!("/feeds/latest.rss?token={access}")).expect("feed answers");
    http_get(port, "/feeds/latest.rss?token=not-a-valid-token-but-still-a-secret").expect("refusal answers");
    let _ = server.kill();
    let _ = server.wait();
    let mut log = String::new();
    server.stderr.take().expect("stderr").read_to_string(&mut log).expect("log");
    assert!(log.contains("/feeds/latest.rss"), "requests are logged: {log}");
    for secret in [password, access.as_str(), refresh.as_str(), "not-a-valid-token-but-still-a-secret"] {
        assert!(!log.contains(secret), "a secret reached the log: {secret}");
    }
}
