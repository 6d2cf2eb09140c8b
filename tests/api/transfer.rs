//! `bantin export` and `bantin import`, as a user moves content from one database to another
//! (the suite's backend: a SQLite file, or a PostgreSQL database of its own).

use std::process::Stdio;

use crate::cli::{http_get, run, serve};

/// The suite's backend: a fresh database, and the runtime that made it on PostgreSQL.
fn target_database() -> (Option<tokio::runtime::Runtime>, crate::helpers::TestDatabase) {
    match crate::cli::postgres_test_database() {
        Some((runtime, database)) => (Some(runtime), database),
        None => {
            let runtime = tokio::runtime::Runtime::new().expect("runtime");
            let database = runtime.block_on(crate::helpers::TestDatabase::create());
            (None, database)
        }
    }
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The articles of an export file, as JSON values.
fn exported_articles(path: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .expect("export file")
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).expect("JSON line"))
        .filter_map(|record| record.get("article").cloned())
        .collect()
}

#[test]
fn an_export_imported_into_another_database_exports_again_byte_for_byte_and_is_served_and_found() {
    let dir = tempfile::tempdir().expect("temp dir");
    let source = format!("sqlite://{}?mode=rwc", dir.path().join("source.db").display());
    // More than one batch of 500 each way.
    let seeded = run(&["--database-url", &source, "seed", "--count", "620", "--seed", "5"]);
    assert!(seeded.status.success(), "{}", stderr(&seeded));
    let first = dir.path().join("first.jsonl");
    let exported = run(&["--database-url", &source, "export", "--to", first.to_str().expect("path")]);
    assert!(exported.status.success(), "{}", stderr(&exported));
    assert!(stderr(&exported).contains("exporting: 620/620 articles"), "{}", stderr(&exported));
    let refused = run(&["--database-url", &source, "export", "--to", first.to_str().expect("path")]);
    assert!(!refused.status.success() && stderr(&refused).contains("must not exist"), "{}", stderr(&refused));

    let articles = exported_articles(&first);
    assert_eq!(articles.len(), 620);
    let statuses: std::collections::HashSet<&str> =
        articles.iter().filter_map(|a| a["status"].as_str()).collect();
    assert!(statuses.len() >= 3, "drafts and scheduled articles travel too: {statuses:?}");

    let (_runtime, target) = target_database();
    let imported = run(&["--database-url", &target.url, "import", "--from", first.to_str().expect("path")]);
    let log = stderr(&imported);
    assert!(imported.status.success(), "{log}");
    assert!(log.contains("importing: 620/620 articles"), "progress is shown: {log}");
    let second = dir.path().join("second.jsonl");
    let again = run(&["--database-url", &target.url, "export", "--to", second.to_str().expect("path")]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        std::fs::read(&first).expect("first") == std::fs::read(&second).expect("second"),
        "every section, tag, author and article arrived as it left"
    );

    // Run again (as after a stop midway): what is there stays, nothing is doubled.
    let repeated = run(&["--database-url", &target.url, "import", "--from", first.to_str().expect("path")]);
    let log = stderr(&repeated);
    assert!(repeated.status.success(), "{log}");
    assert!(log.contains("importing: 620/620 articles") && log.contains("620 already present"), "{log}");

    // The server reads and finds what was imported: its rows, links and search entries.
    let article = articles
        .iter()
        .find(|a| a["status"] == "published" && !a["tags"].as_array().expect("tags").is_empty())
        .expect("a published article with tags");
    let slug = article["slug"].as_str().expect("slug");
    let title = article["title"].as_str().expect("title");
    let (mut server, port) = serve(&target.url, "warn", &[], Stdio::null());
    let page = http_get(port, &format!("/api/v1/articles/{slug}"));
    // The title as a reader types it into a search box, percent-encoded.
    let query: String =
        title
            .bytes()
            .map(|byte| {
                if byte.is_ascii_alphanumeric() {
                    char::from(byte).to_string()
                } else {
                    format!("%{byte:02X}")
                }
            })
            .collect();
    let found = http_get(port, &format!("/api/v1/search?q={query}&limit=50"));
    let _ = server.kill();
    let _ = server.wait();
    let page = page.expect("the server answered");
    assert!(page.starts_with("HTTP/1.1 200") && page.contains(title), "{page}");
    let first_tag = article["tags"][0].as_str().expect("a tag slug");
    assert!(page.contains(&format!("\"slug\":\"{first_tag}\"")), "its tags came along: {page}");
    assert!(found.expect("search answered").contains(&format!("\"slug\":\"{slug}\"")), "searchable");
}

#[test]
fn a_bad_line_anywhere_in_an_import_is_named_and_nothing_is_stored() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_runtime, target) = target_database();
    let header = r#"{"bantin":{"version":1}}"#;
    let section = r#"{"category":{"slug":"thoi-su","name":"Thời sự"}}"#;
    let tag = r#"{"tag":{"slug":"bac-giang","name":"Bắc Giang"}}"#;
    let article = |slug: &str, extra: &str| {
        format!(
            r#"{{"article":{{"slug":"{slug}","title":"Bắc Giang mở đường","category":"thoi-su","tags":["bac-giang"],"status":"published","publishedAt":"2026-11-30T10:00:00Z"{extra}}}}}"#
        )
    };
    let good = article("mo-duong", "");
    let cases: Vec<(Vec<String>, &str, &str)> = vec![
        (
            vec![
                header.into(),
                section.into(),
                tag.into(),
                good.clone(),
                article("xau", r#","cover":{"src":"javascript:alert(1)"}"#),
            ],
            ":5:",
            "cover.src",
        ),
        (
            vec![header.into(), section.into(), good.clone(), tag.into(), article("mo-duong", "")],
            ":5:",
            "on line 3 too",
        ),
        (
            vec![header.into(), section.into(), good.clone()],
            ":3:",
            "the tag 'bac-giang' is neither in the file nor",
        ),
        (
            vec![
                header.into(),
                section.into(),
                tag.into(),
                good.replace(r#""status":"published""#, r#""status":"live""#),
            ],
            ":4:",
            "unknown status",
        ),
        (
            vec![header.into(), section.into(), tag.into(), article("sai", r#","publishedAt":null"#)],
            ":4:",
            "publishedAt",
        ),
        (
            vec![header.into(), section.into(), tag.into(), article("thua", r#","extra":1"#)],
            ":4:",
            "unknown field `extra`",
        ),
        (vec![header.into(), "{not json".into()], ":2:", "key must be a string"),
        (vec![good.clone()], ":1:", r#"the first line must be {"bantin":{"version":1}}"#),
        (vec![r#"{"bantin":{"version":2}}"#.into()], ":1:", "format version 2"),
    ];
    for (number, (lines, place, message)) in cases.into_iter().enumerate() {
        let path = dir.path().join(format!("bad-{number}.jsonl"));
        std::fs::write(&path, lines.join("\n") + "\n").expect("file written");
        let output = run(&["--database-url", &target.url, "import", "--from", path.to_str().expect("path")]);
        let log = stderr(&output);
        assert!(!output.status.success(), "case {number} is refused: {log}");
        let named = format!("bad-{number}.jsonl{place}");
        assert!(log.contains(&named) && log.contains(message), "case {number}: {named} {message}: {log}");
    }
    let export = dir.path().join("after.jsonl");
    let exported = run(&["--database-url", &target.url, "export", "--to", export.to_str().expect("path")]);
    assert!(exported.status.success(), "{}", stderr(&exported));
    assert_eq!(
        std::fs::read_to_string(&export).expect("export"),
        format!("{header}\n"),
        "no section, tag or article of a refused file was stored"
    );
}
