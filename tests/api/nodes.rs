//! Several bantin processes on one database: no node keeps state another needs. Runs on both
//! backends (on SQLite the nodes share one file).

use std::{
    net::TcpListener,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use bantin_domain::Role;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TEST_JWT_SECRET, TestDatabase, first_error, on_postgres};

/// A `bantin serve` process; killed when dropped.
struct Node {
    child: Child,
    address: String,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_node(database_url: &str, extra_env: &[(&str, &str)]) -> Node {
    let port = TcpListener::bind("127.0.0.1:0").expect("free port").local_addr().expect("addr").port();
    let mut command = Command::new(env!("CARGO_BIN_EXE_bantin"));
    command
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("BANTIN_DATABASE_URL", database_url)
        .env("BANTIN_JWT_SECRET", TEST_JWT_SECRET)
        .env("BANTIN_LOG", "warn")
        // These tests poll one node quickly from one address.
        .env("BANTIN_RATE_LIMIT_ANONYMOUS", "0")
        .env("BANTIN_RATE_LIMIT_TOKEN", "0")
        .env("BANTIN_RATE_LIMIT_LOGIN", "0")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (key, value) in extra_env {
        command.env(key, value);
    }
    let node =
        Node { child: command.spawn().expect("node starts"), address: format!("http://127.0.0.1:{port}") };
    let client = awc::Client::default();
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(response) = client.get(format!("{}/healthz", node.address)).send().await {
            if response.status().is_success() {
                return node;
            }
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("node on port {port} did not become healthy");
}

async fn post(node: &Node, token: Option<&str>, query: &str, variables: Value) -> Value {
    let mut request = awc::Client::default().post(format!("{}/graphql", node.address));
    if let Some(token) = token {
        request = request.insert_header(("Authorization", format!("Bearer {token}")));
    }
    let mut response =
        request.send_json(&json!({ "query": query, "variables": variables })).await.expect("sent");
    serde_json::from_slice(&response.body().limit(1 << 24).await.expect("body")).expect("json")
}

/// A migrated database with the small newsroom and an editor account.
async fn prepared_database() -> TestDatabase {
    let database = TestDatabase::create().await;
    let store = bantin_persistence::Store::connect(&database.url, &Default::default()).await.expect("opens");
    store.migrate().await.expect("migrates");
    crate::helpers::Newsroom::new(&store).await;
    use bantin_domain::NewsroomStore;
    store
        .create_user(bantin_domain::NewUser {
            email: "editor@tin.example".into(),
            display_name: "Biên tập".into(),
            role: Role::Editor,
            author_id: None,
            password_hash: bantin_api::auth::hash_password(PASSWORD).expect("hash"),
        })
        .await
        .expect("editor");
    store.close().await.expect("closed");
    database
}

async fn login(node: &Node) -> String {
    let data = post(
        node,
        None,
        "mutation($p: String!) { login(email: \"editor@tin.example\", password: $p) { accessToken } }",
        json!({ "p": PASSWORD }),
    )
    .await;
    data["data"]["login"]["accessToken"].as_str().expect("token").to_owned()
}

#[actix_web::test]
async fn a_change_through_one_node_is_visible_through_another_at_once() {
    let database = prepared_database().await;
    let (a, b) = (start_node(&database.url, &[]).await, start_node(&database.url, &[]).await);
    // A session started on node A works on node B: sessions are JWTs and refresh tokens live in
    // the database.
    let token = login(&a).await;
    let created = post(
        &a,
        Some(&token),
        "mutation { createArticle(input: {title: \"Tin qua hai máy chủ\", category: \"thoi-su\"}) { id revision } }",
        json!({}),
    )
    .await;
    let id = created["data"]["createArticle"]["id"].as_str().expect("id").to_owned();
    let published = post(
        &b,
        Some(&token),
        "mutation($id: ID!) { publishArticle(id: $id, revision: 1) { status } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(published["data"]["publishArticle"]["status"], "PUBLISHED", "{published}");
    for node in [&a, &b] {
        let read = post(
            node,
            None,
            "{ article(slug: \"tin-qua-hai-may-chu\") { status } latest { totalCount } }",
            json!({}),
        )
        .await;
        assert_eq!(read["data"]["article"]["status"], "PUBLISHED", "{read}");
        assert_eq!(read["data"]["latest"]["totalCount"], 1);
    }
}

async fn content_version(node: &Node) -> u64 {
    let mut response = awc::Client::default()
        .get(format!("{}/healthz", node.address))
        .send()
        .await
        .expect("healthz answers");
    let body: Value = serde_json::from_slice(&response.body().await.expect("body")).expect("json");
    body["contentVersion"].as_u64().expect("contentVersion")
}

/// GET `path` on `node`; returns the body and whether it came from the response cache.
async fn get_cached(node: &Node, path: &str) -> (String, bool) {
    let mut response =
        awc::Client::default().get(format!("{}{path}", node.address)).send().await.expect("request sent");
    let hit = response.headers().get("x-cache").is_some_and(|v| v == "hit");
    let body = response.body().await.expect("body");
    (String::from_utf8_lossy(&body).into_owned(), hit)
}

#[actix_web::test]
async fn other_nodes_learn_of_a_change_within_a_second_and_drop_their_cached_answers() {
    let database = prepared_database().await;
    let (a, b) = (start_node(&database.url, &[]).await, start_node(&database.url, &[]).await);
    let token = login(&a).await;
    // Let B's listener settle (its first poll or LISTEN) before the write.
    actix_web::rt::time::sleep(Duration::from_millis(600)).await;
    let before = content_version(&b).await;
    get_cached(&b, "/api/v1/tags").await;
    let (cached, hit) = get_cached(&b, "/api/v1/tags").await;
    assert!(hit && !cached.contains("tin-nong"), "node B answers the tag list from its cache: {cached}");
    let written = Instant::now();
    post(&a, Some(&token), "mutation { createTag(name: \"Tin nóng\") { slug } }", json!({})).await;
    let mut seen = None;
    while written.elapsed() < Duration::from_secs(3) {
        if get_cached(&b, "/api/v1/tags").await.0.contains("tin-nong") {
            seen = Some(written.elapsed());
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(25)).await;
    }
    let seen = seen.expect("node B never showed the new tag");
    assert!(seen < Duration::from_secs(1), "node B showed the change after {seen:?}");
    assert!(content_version(&b).await > before, "node B's content version moved");
}

#[actix_web::test]
async fn a_nodes_own_writes_move_its_content_version_once_and_what_it_cached_after_them_stays() {
    let database = prepared_database().await;
    let node = start_node(&database.url, &[]).await;
    let token = login(&node).await;
    // Past the listener's first poll (or LISTEN), which sets its baseline.
    actix_web::rt::time::sleep(Duration::from_millis(600)).await;
    let before = content_version(&node).await;
    post(&node, Some(&token), "mutation { createTag(name: \"Tin nóng\") { slug } }", json!({})).await;
    let after_write = content_version(&node).await;
    assert_eq!(after_write, before + 1, "a write moves this node's version once, at once");
    let (tags, _) = get_cached(&node, "/api/v1/tags").await;
    assert!(tags.contains("tin-nong"), "{tags}");
    assert!(get_cached(&node, "/api/v1/tags").await.1, "the tag list is cached again");
    // A write that changes no content: a login stores a session.
    login(&node).await;
    // Several polls of the change listener: on SQLite the writes above are commits it could take
    // for another process's.
    actix_web::rt::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(content_version(&node).await, after_write, "the node's own writes came back as changes");
    assert!(get_cached(&node, "/api/v1/tags").await.1, "the tag list cached after the write was dropped");
}

#[actix_web::test]
async fn a_node_reading_from_a_replica_hears_of_other_nodes_writes_from_the_primary() {
    if !on_postgres() {
        return; // A read replica is a PostgreSQL setting.
    }
    let primary = prepared_database().await;
    let replica = prepared_database().await;
    let reading_replica =
        start_node(&primary.url, &[("BANTIN_DATABASE_READ_URL", replica.url.as_str())]).await;
    let writing = start_node(&primary.url, &[]).await;
    let token = login(&writing).await;
    actix_web::rt::time::sleep(Duration::from_millis(600)).await;
    let before = content_version(&reading_replica).await;
    let written = Instant::now();
    post(&writing, Some(&token), "mutation { createTag(name: \"Tin nóng\") { slug } }", json!({})).await;
    while content_version(&reading_replica).await == before {
        // Notifications go to listeners on the database they were sent in: the primary.
        assert!(
            written.elapsed() < Duration::from_secs(1),
            "the node reading a replica never heard of the write"
        );
        actix_web::rt::time::sleep(Duration::from_millis(25)).await;
    }
}

#[actix_web::test]
async fn writers_on_two_nodes_saving_one_revision_get_exactly_one_success() {
    let database = prepared_database().await;
    let (a, b) = (start_node(&database.url, &[]).await, start_node(&database.url, &[]).await);
    let token = login(&a).await;
    let created = post(
        &a,
        Some(&token),
        "mutation { createArticle(input: {title: \"Tin tranh chấp\", category: \"thoi-su\"}) { id } }",
        json!({}),
    )
    .await;
    let id = created["data"]["createArticle"]["id"].as_str().expect("id").to_owned();
    let update = "mutation($id: ID!, $r: Int!, $s: String!) { updateArticle(id: $id, revision: $r, input: {sapo: $s}) { revision } }";
    for revision in 1..=5 {
        let saves = (0..6).map(|i| {
            let node = if i % 2 == 0 { &a } else { &b };
            let variables = json!({ "id": id, "r": revision, "s": format!("Bản {revision}-{i}") });
            let token = token.as_str();
            async move { post(node, Some(token), update, variables).await }
        });
        let results = futures_util::future::join_all(saves).await;
        let wins = results.iter().filter(|r| r.get("errors").is_none()).count();
        let conflicts = results.iter().filter(|r| first_error(r).0 == "CONFLICT").count();
        assert_eq!((wins, conflicts), (1, 5), "round {revision}: {results:?}");
    }
}

#[actix_web::test]
async fn public_reads_go_to_the_read_replica_and_newsroom_reads_to_the_primary() {
    if !on_postgres() {
        return; // A read replica is a PostgreSQL setting; SQLite refuses it (tested below).
    }
    let primary = prepared_database().await;
    let replica = prepared_database().await;
    // Stand-in for replication lag: the article exists on the primary only.
    let store = bantin_persistence::Store::connect(&primary.url, &Default::default()).await.expect("opens");
    let newsroom = crate::helpers::Newsroom::new_reusing(&store).await;
    newsroom.write(vec![crate::helpers::Story::published("Chỉ có ở máy chính", "thoi-su", 1)]).await;
    let node = start_node(&primary.url, &[("BANTIN_DATABASE_READ_URL", replica.url.as_str())]).await;
    let public = post(&node, None, "{ article(slug: \"chi-co-o-may-chinh\") { title } }", json!({})).await;
    assert!(public["data"]["article"].is_null(), "public reads come from the replica: {public}");
    let token = login(&node).await;
    let newsroom_read = post(
        &node,
        Some(&token),
        "{ article(slug: \"chi-co-o-may-chinh\", preview: true) { title } }",
        json!({}),
    )
    .await;
    assert_eq!(newsroom_read["data"]["article"]["title"], "Chỉ có ở máy chính", "{newsroom_read}");
}

#[test]
fn sqlite_refuses_a_read_replica_with_a_clear_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("r.db").display());
    let output = Command::new(env!("CARGO_BIN_EXE_bantin"))
        .args(["--database-url", &url, "--database-read-url", "postgres://replica/db", "migrate"])
        .output()
        .expect("runs");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("read replica URL is for PostgreSQL"));
}
