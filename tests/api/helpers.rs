//! `spawn_app` and the fixtures every test builds on.

use std::collections::HashMap;

use awc::http::StatusCode;
use bantin::{
    Application,
    keys::JwtSettings,
    settings::{
        CacheSettings, GraphqlSettings, HttpSettings, PublicationSettings, RateLimitArgs, RelatedSettings,
        ServeSettings, TokenSettings,
    },
};
use bantin_api::cors::AllowedOrigins;
use bantin_domain::{
    ArticleContent, ArticleId, ArticleStatus, AuthorId, Block, Body, CategoryId, CoverImage, NewArticle,
    NewAuthor, NewCategory, NewTag, Slug, Span, TagId, slugify,
};
use bantin_persistence::{PreparedArticles, Store, StoreOptions};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::{Value, json};
use tempfile::TempDir;

pub const BASE_URL: &str = "https://tin.example";
/// The HS256 secret test servers sign with; tests forge tokens with it (and with others).
pub const TEST_JWT_SECRET: &str = "test-secret-that-is-at-least-32-bytes-long!";

/// A running server with its own database.
pub struct TestApp {
    pub address: String,
    pub store: Store,
    pub client: awc::Client,
    /// Kept so the database lives as long as the app (and is dropped after it).
    pub _database: TestDatabase,
}

/// Which database the suite runs on: SQLite unless `BANTIN_TEST_BACKEND=postgres` (`make test`
/// runs the suite once per backend).
pub fn on_postgres() -> bool {
    std::env::var("BANTIN_TEST_BACKEND").is_ok_and(|b| b == "postgres")
}

/// The PostgreSQL server tests create their databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("BANTIN_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// A database of one test's own: a SQLite file in a temporary directory, or a PostgreSQL database
/// created for the test and dropped when it ends.
pub struct TestDatabase {
    pub url: String,
    _dir: Option<TempDir>,
    postgres_name: Option<String>,
}

impl TestDatabase {
    pub async fn create() -> TestDatabase {
        if !on_postgres() {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}?mode=rwc", dir.path().join("bantin.db").display());
            return TestDatabase { url, _dir: Some(dir), postgres_name: None };
        }
        let name = format!("bantin_test_{}_{}", std::process::id(), rand_suffix());
        let admin = sea_orm::Database::connect(postgres_admin_url()).await.expect("PostgreSQL answers");
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .expect("test database created");
        let _ = admin.close().await;
        let base = postgres_admin_url();
        let server = base.rsplit_once('/').map_or(base.as_str(), |(server, _)| server);
        TestDatabase { url: format!("{server}/{name}"), _dir: None, postgres_name: Some(name) }
    }
}

impl TestDatabase {
    /// The PostgreSQL database's name (`None` on SQLite).
    pub fn postgres_name(&self) -> Option<&str> {
        self.postgres_name.as_deref()
    }
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    u64::from(nanos) * 1000 + NEXT.fetch_add(1, Ordering::Relaxed)
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some(name) = self.postgres_name.take() else { return };
        // Drop runs inside the test's runtime; a thread of its own can block on the cleanup.
        let _ = std::thread::spawn(move || {
            let runtime =
                tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            runtime.block_on(async {
                if let Ok(admin) = sea_orm::Database::connect(postgres_admin_url()).await {
                    let _ = admin
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                        .await;
                    let _ = admin.close().await;
                }
            });
        })
        .join();
    }
}

/// The release defaults, with GraphiQL and introspection on as in development.
pub fn graphql_settings() -> GraphqlSettings {
    let limits = bantin_api::GraphqlLimits::default();
    GraphqlSettings {
        graphiql: true,
        introspection: true,
        max_depth: limits.max_depth,
        max_depth_authenticated: limits.max_depth_authenticated,
        max_complexity: limits.max_complexity,
        max_complexity_authenticated: limits.max_complexity_authenticated,
        max_aliases: limits.shape.max_aliases,
        max_root_fields: limits.shape.max_root_fields,
        max_directives: limits.max_directives,
        max_batch: limits.max_batch,
        timeout_secs: limits.timeout.as_secs(),
    }
}

pub fn serve_settings() -> ServeSettings {
    ServeSettings {
        http: HttpSettings {
            bind: "127.0.0.1:0".parse().expect("valid address"),
            workers: 1,
            max_body_bytes: 256 * 1024,
            max_body_bytes_authenticated: 2 * 1024 * 1024,
            client_timeout_secs: 10,
            cors_origins: AllowedOrigins::Any,
        },
        graphql: graphql_settings(),
        publication: PublicationSettings {
            name: "Báo Thử Nghiệm".into(),
            tagline: "Tin tức kiểm thử".into(),
            language: "vi".into(),
            base_url: BASE_URL.into(),
            utc_offset_minutes: 420,
            feed_max_age: 300,
            cache_max_age: 60,
            stale_while_revalidate: 300,
        },
        jwt: JwtSettings {
            jwt_algorithm: "HS256".into(),
            jwt_secret: Some(TEST_JWT_SECRET.parse().expect("secret")),
            jwt_private_key_file: None,
            jwt_kid: "test-1".into(),
            jwt_previous_keys: None,
            jwt_issuer: "bantin-test".into(),
            jwt_dev_key_file: "target/never-written.key".into(),
        },
        tokens: TokenSettings { access_token_minutes: 15, refresh_token_days: 30, preview_token_hours: 6 },
        related: RelatedSettings {
            related_tag_weight: 1.0,
            related_category_weight: 1.0,
            related_text_weight: 8.0,
            related_recency_weight: 1.5,
            related_recency_days: 30.0,
            related_window_days: 365,
            related_cache: true,
        },
        cache: CacheSettings { enabled: true, size_mb: 64, purge_url: None },
        // Tests make many requests from one address; the limits have their own test.
        rate_limits: RateLimitArgs {
            anonymous_per_minute: 0,
            anonymous_burst: 0,
            token_per_minute: 0,
            login_per_minute: 0,
        },
    }
}

/// Which journal an SQLite file is set to, from its header (bytes 18 and 19): 1 a rollback
/// journal, 2 WAL.
pub fn sqlite_journal_format(path: &std::path::Path) -> u8 {
    std::fs::read(path).expect("database file")[18]
}

/// A fresh, migrated database of the suite's backend.
pub async fn fresh_store() -> (Store, TestDatabase) {
    let database = TestDatabase::create().await;
    let store = Store::connect(&database.url, &StoreOptions::default()).await.expect("database opens");
    store.migrate().await.expect("migrations apply");
    (store, database)
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(serve_settings()).await
}

pub async fn spawn_app_with(settings: ServeSettings) -> TestApp {
    if std::env::var_os("TEST_LOG").is_some() {
        bantin::telemetry::init("debug");
    }
    let (store, database) = fresh_store().await;
    spawn_app_on(settings, store, database).await
}

/// The application on a store the test opened itself.
pub async fn spawn_app_on(settings: ServeSettings, store: Store, database: TestDatabase) -> TestApp {
    let app = Application::build(&settings, store.clone()).expect("application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    actix_web::rt::spawn(app.run_until_stopped());
    // The server closes a connection idle for 5 s (actix's keep-alive). A client that kept one
    // longer (awc's default is 15 s) could send on it just as the server closes it, and fail with
    // `Disconnected` though the server did nothing wrong: so the client lets go first.
    let connector = awc::Connector::new().conn_keep_alive(std::time::Duration::from_secs(2));
    let client =
        awc::Client::builder().connector(connector).timeout(std::time::Duration::from_secs(30)).finish();
    TestApp { address, store, client, _database: database }
}

impl TestApp {
    /// GET a path; returns the status and the JSON body (`Value::Null` when the body is not JSON).
    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        let (status, body, _) = send(self.client.get(format!("{}{path}", self.address)), None).await;
        (status, body)
    }

    /// POST a GraphQL query without a token that must be answered (200, possibly with errors);
    /// returns the whole response document.
    pub async fn graphql(&self, query: &str, variables: Value) -> Value {
        let (status, body, _) = self.post_graphql(None, query, variables).await;
        assert_eq!(status, StatusCode::OK, "GraphQL answers 200: {body}");
        body
    }

    /// POST a GraphQL document, with `Authorization: Bearer token` when given; returns the status,
    /// the body (`Value::Null` when it is not JSON) and the headers.
    pub async fn post_graphql(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> (StatusCode, Value, awc::http::header::HeaderMap) {
        let mut request = self.client.post(format!("{}/graphql", self.address));
        if let Some(token) = token {
            request = request.insert_header(("Authorization", format!("Bearer {token}")));
        }
        send(request, Some(&json!({ "query": query, "variables": variables }))).await
    }

    /// POST a GraphQL query that must succeed; returns `data`.
    pub async fn query(&self, query: &str, variables: Value) -> Value {
        let response = self.graphql(query, variables).await;
        assert!(response.get("errors").is_none(), "unexpected errors: {response:#}");
        response["data"].clone()
    }
}

/// Sends `request`, with `body` as JSON when given; returns the status, the body (`Value::Null`
/// when it is not JSON) and the headers.
pub async fn send(
    request: awc::ClientRequest,
    body: Option<&Value>,
) -> (StatusCode, Value, awc::http::header::HeaderMap) {
    let (status, headers, body) = send_for_bytes(request, body).await;
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null), headers)
}

/// Sends `request`, with `body` as JSON when given; returns the status, the headers and the body
/// as it came, whatever its media type.
pub async fn send_for_bytes(
    request: awc::ClientRequest,
    body: Option<&Value>,
) -> (StatusCode, awc::http::header::HeaderMap, Vec<u8>) {
    let mut response = match body {
        Some(body) => request.send_json(body).await,
        None => request.send().await,
    }
    .expect("request sent");
    let body = response.body().limit(16 * 1024 * 1024).await.expect("body read");
    (response.status(), response.headers().clone(), body.to_vec())
}

/// A response header as text.
pub fn header<'a>(headers: &'a awc::http::header::HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

/// The `extensions.code` of the first GraphQL error, and its message.
pub fn first_error(response: &Value) -> (String, String) {
    let error = &response["errors"][0];
    (
        error["extensions"]["code"].as_str().unwrap_or_default().to_owned(),
        error["message"].as_str().unwrap_or_default().to_owned(),
    )
}

/// Asserts a GraphQL operation refused for want of a valid login: 401, nothing resolved, and the
/// GraphQL error body with `UNAUTHENTICATED`; returns the error's message.
pub fn assert_unauthenticated(status: StatusCode, body: &Value) -> String {
    assert_eq!(status, StatusCode::UNAUTHORIZED, "status; body: {body}");
    assert!(body["data"].is_null(), "nothing resolved: {body}");
    let (code, message) = first_error(body);
    assert_eq!(code, "UNAUTHENTICATED", "code; body: {body}");
    message
}

/// Asserts the REST error envelope and returns its message.
pub fn assert_error(status: StatusCode, body: &Value, expected_status: u16, expected_code: &str) -> String {
    assert_eq!(status.as_u16(), expected_status, "status; body: {body}");
    assert_eq!(body["error"]["code"], expected_code, "code; body: {body}");
    body["error"]["message"].as_str().expect("message is a string").to_owned()
}

/// Counts that any write a refused request could make would move. Read straight from the
/// database, so no cache or API filter can hide a write.
const STORED: [(&str, &str); 11] = [
    ("articles", "SELECT COUNT(*) FROM articles"),
    ("sum of article revisions", "SELECT COALESCE(SUM(revision), 0) FROM articles"),
    ("article revisions", "SELECT COUNT(*) FROM article_revisions"),
    ("article changes", "SELECT COUNT(*) FROM article_changes"),
    ("tags", "SELECT COUNT(*) FROM tags"),
    ("users", "SELECT COUNT(*) FROM users"),
    ("disabled users", "SELECT COUNT(*) FROM users WHERE disabled"),
    ("refresh tokens", "SELECT COUNT(*) FROM refresh_tokens"),
    ("live refresh tokens", "SELECT COUNT(*) FROM refresh_tokens WHERE revoked_at IS NULL"),
    ("partner tokens", "SELECT COUNT(*) FROM partner_tokens"),
    ("live partner tokens", "SELECT COUNT(*) FROM partner_tokens WHERE revoked_at IS NULL"),
];

/// The first column of the first row `sql` answers, read as `T`.
pub async fn first_value<T: sea_orm::TryGetable>(db: &DatabaseConnection, sql: &str) -> T {
    let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.expect(sql);
    row.expect(sql).try_get_by_index(0).expect(sql)
}

/// The [`STORED`] counts as they are now.
pub async fn stored(database: &DatabaseConnection) -> Vec<(&'static str, i64)> {
    let columns: Vec<String> = STORED.iter().map(|(_, query)| format!("({query})")).collect();
    let sql = format!("SELECT {}", columns.join(", "));
    let row = database
        .query_one_raw(Statement::from_string(database.get_database_backend(), sql))
        .await
        .expect("counts read")
        .expect("a row");
    STORED
        .iter()
        .enumerate()
        .map(|(i, (name, _))| (*name, row.try_get_by_index::<i64>(i).expect("a count")))
        .collect()
}

/// A fixed instant in the past, so fixtures do not depend on today's date.
pub fn t0() -> DateTime<Utc> {
    DateTime::from_timestamp(1_750_000_000, 0).expect("valid time")
}

/// A small newsroom: sections, tags, authors, and helpers to write articles into them.
pub struct Newsroom {
    pub store: Store,
    pub categories: HashMap<&'static str, CategoryId>,
    pub tags: HashMap<&'static str, TagId>,
    pub authors: HashMap<&'static str, AuthorId>,
}

/// One article to write.
pub struct Story {
    pub title: &'static str,
    pub category: &'static str,
    pub tags: Vec<&'static str>,
    pub authors: Vec<&'static str>,
    pub status: ArticleStatus,
    pub published_at: DateTime<Utc>,
}

impl Story {
    /// `count` published stories titled "`prefix` `i`", a minute apart, alternating between two
    /// sections, each with two tags and two authors: a page whose every relation has something in
    /// it.
    pub fn with_every_relation(prefix: &str, count: i64) -> Vec<Story> {
        (0..count)
            .map(|i| {
                let title: &'static str = Box::leak(format!("{prefix} {i}").into_boxed_str());
                Story::published(title, if i % 2 == 0 { "thoi-su" } else { "du-lich" }, i)
                    .tags(&["bac-giang", "thanh-hoa"])
                    .authors(&["ba-doan", "minh-anh"])
            })
            .collect()
    }

    /// A published article, `minutes` after [`t0`].
    pub fn published(title: &'static str, category: &'static str, minutes: i64) -> Story {
        Story {
            title,
            category,
            tags: vec![],
            authors: vec!["ba-doan"],
            status: ArticleStatus::Published,
            published_at: t0() + Duration::minutes(minutes),
        }
    }

    pub fn at(mut self, published_at: DateTime<Utc>) -> Story {
        self.published_at = published_at;
        self
    }

    pub fn tags(mut self, tags: &[&'static str]) -> Story {
        self.tags = tags.to_vec();
        self
    }

    pub fn authors(mut self, authors: &[&'static str]) -> Story {
        self.authors = authors.to_vec();
        self
    }

    pub fn status(mut self, status: ArticleStatus) -> Story {
        self.status = status;
        self
    }
}

pub fn sample_body(title: &str) -> Body {
    Body(vec![
        Block::Paragraph {
            spans: vec![
                Span::plain(format!("Mở đầu bài {title}. ")),
                Span {
                    text: "Nội dung nhấn mạnh".into(),
                    marks: vec![bantin_domain::Mark::Bold],
                    href: None,
                },
            ],
        },
        Block::Image {
            src: "https://img.example/toan-canh.jpg".into(),
            alt: "Toàn cảnh hội nghị".into(),
            caption: Some("Toàn cảnh hội nghị".into()),
            credit: Some("Ảnh: Minh Anh".into()),
            width: Some(1200),
            height: Some(800),
        },
        Block::Heading { level: 2, text: "Phát triển du lịch".into() },
        Block::Quote {
            text: "Chúng tôi sẽ tiếp tục hợp tác.".into(), cite: Some("Giám đốc Sở".into())
        },
        Block::List { ordered: true, items: vec!["Văn hóa".into(), "Thể thao".into()] },
        Block::Embed { provider: "youtube".into(), url: "https://www.youtube.com/watch?v=abc".into() },
    ])
}

impl Newsroom {
    /// The newsroom [`Newsroom::new`] already stored in this database, looked up by slug.
    pub async fn new_reusing(store: &Store) -> Newsroom {
        use bantin_domain::ContentReader;
        let mut categories = HashMap::new();
        for category in store.categories().await.expect("categories") {
            categories.insert(&*Box::leak(category.slug.into_boxed_str()), category.id);
        }
        let mut tags = HashMap::new();
        for tag in store.tags().await.expect("tags") {
            tags.insert(&*Box::leak(tag.slug.into_boxed_str()), tag.id);
        }
        let mut authors = HashMap::new();
        for author in store.authors().await.expect("authors") {
            authors.insert(&*Box::leak(author.slug.into_boxed_str()), author.id);
        }
        Newsroom { store: store.clone(), categories, tags, authors }
    }

    pub async fn new(store: &Store) -> Newsroom {
        let mut categories = HashMap::new();
        for (slug, name, parent) in [
            ("thoi-su", "Thời sự", None),
            ("van-hoa", "Văn hóa", None),
            ("du-lich", "Du lịch", Some("van-hoa")),
            ("the-thao", "Thể thao", None),
        ] {
            let category = store
                .insert_category(&NewCategory {
                    slug: Slug::parse(slug).expect("valid slug"),
                    name: name.into(),
                    description: Some(format!("Tin {name}")),
                    parent: parent.map(|p| categories[p]),
                })
                .await
                .expect("category stored");
            categories.insert(slug, category.id);
        }
        let tag_specs =
            [("bac-giang", "Bắc Giang"), ("thanh-hoa", "Thanh Hóa"), ("du-lich", "Du lịch"), ("lao", "Lào")];
        let stored = store
            .insert_tags(
                &tag_specs
                    .iter()
                    .map(|(slug, name)| NewTag {
                        slug: Slug::parse(slug).expect("valid"),
                        name: (*name).into(),
                    })
                    .collect::<Vec<_>>(),
            )
            .await
            .expect("tags stored");
        let tags = tag_specs.iter().map(|(slug, _)| *slug).zip(stored.iter().map(|t| t.id)).collect();
        let author_specs = [("ba-doan", "Bá Đoàn"), ("minh-anh", "Nguyễn Minh Anh")];
        let stored = store
            .insert_authors(
                &author_specs
                    .iter()
                    .map(|(slug, name)| NewAuthor {
                        slug: Slug::parse(slug).expect("valid"),
                        name: (*name).into(),
                        bio: Some("Phóng viên".into()),
                        avatar_url: None,
                    })
                    .collect::<Vec<_>>(),
            )
            .await
            .expect("authors stored");
        let authors = author_specs.iter().map(|(slug, _)| *slug).zip(stored.iter().map(|a| a.id)).collect();
        Newsroom { store: store.clone(), categories, tags, authors }
    }

    pub fn new_article(&self, story: &Story) -> NewArticle {
        let published_at = story.published_at;
        NewArticle {
            content: ArticleContent {
                slug: slugify(story.title, "bai-viet").into_string(),
                title: story.title.into(),
                sapo: format!("Ngày 26/6, {}.", story.title),
                body: sample_body(story.title),
                cover: Some(CoverImage {
                    src: "https://img.example/cover.jpg".into(),
                    alt: story.title.into(),
                    caption: None,
                    credit: None,
                    width: Some(1200),
                    height: Some(800),
                }),
                category_id: self.categories[story.category],
                author_ids: story.authors.iter().map(|a| self.authors[a]).collect(),
                tag_ids: story.tags.iter().map(|t| self.tags[t]).collect(),
            },
            status: story.status,
            published_at: Some(published_at),
            created_at: published_at - Duration::hours(1),
        }
    }

    pub async fn write(&self, stories: Vec<Story>) -> Vec<ArticleId> {
        let batch: Vec<NewArticle> = stories.iter().map(|s| self.new_article(s)).collect();
        self.store.insert_articles(PreparedArticles::new(batch)).await.expect("articles stored")
    }
}

/// The password every test user gets.
pub const PASSWORD: &str = "mật-khẩu-đủ-dài-2026";

impl TestApp {
    /// Creates a user directly in the store (as `bantin user add` does) and returns its id.
    pub async fn add_user(&self, email: &str, role: bantin_domain::Role, author: Option<&str>) -> i64 {
        use bantin_domain::{ContentReader, NewsroomStore};
        let author_id = match author {
            Some(slug) => {
                Some(self.store.author_by_slug(slug).await.expect("author lookup").expect("author exists").id)
            }
            None => None,
        };
        let user = self
            .store
            .create_user(bantin_domain::NewUser {
                email: email.into(),
                display_name: email.split('@').next().unwrap_or(email).into(),
                role,
                author_id,
                password_hash: bantin_api::auth::hash_password(PASSWORD).expect("hash"),
            })
            .await
            .expect("user stored");
        user.id.0
    }

    /// Signs in through the API; returns the access token.
    pub async fn login(&self, email: &str) -> String {
        let data = self
            .query(
                "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }",
                json!({ "e": email, "p": PASSWORD }),
            )
            .await;
        data["login"]["accessToken"].as_str().expect("access token").to_owned()
    }

    /// POST a GraphQL document with `Authorization: Bearer token`; returns status and body.
    pub async fn graphql_as(&self, token: &str, query: &str, variables: Value) -> (StatusCode, Value) {
        let (status, body, _) = self.post_graphql(Some(token), query, variables).await;
        (status, body)
    }

    /// Like [`TestApp::graphql_as`] for a request that must succeed; returns `data`.
    pub async fn query_as(&self, token: &str, query: &str, variables: Value) -> Value {
        let (status, body) = self.graphql_as(token, query, variables).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
        body["data"].clone()
    }

    /// GET a path with `Authorization: Bearer token`.
    pub async fn get_as(&self, token: &str, path: &str) -> (StatusCode, Value) {
        let request = self
            .client
            .get(format!("{}{path}", self.address))
            .insert_header(("Authorization", format!("Bearer {token}")));
        let (status, body, _) = send(request, None).await;
        (status, body)
    }
}

/// A newsroom with one user per role, signed in: (app, admin, editor, writer) access tokens.
pub struct Desk {
    pub app: TestApp,
    pub admin: String,
    pub editor: String,
    pub writer: String,
    pub other_writer: String,
}

pub async fn desk() -> Desk {
    desk_with(serve_settings()).await
}

pub async fn desk_with(settings: ServeSettings) -> Desk {
    let app = spawn_app_with(settings).await;
    Newsroom::new(&app.store).await;
    app.add_user("admin@tin.example", bantin_domain::Role::Admin, None).await;
    app.add_user("editor@tin.example", bantin_domain::Role::Editor, Some("minh-anh")).await;
    app.add_user("writer@tin.example", bantin_domain::Role::Writer, Some("ba-doan")).await;
    app.add_user("other@tin.example", bantin_domain::Role::Writer, None).await;
    let admin = app.login("admin@tin.example").await;
    let editor = app.login("editor@tin.example").await;
    let writer = app.login("writer@tin.example").await;
    let other_writer = app.login("other@tin.example").await;
    Desk { app, admin, editor, writer, other_writer }
}

/// A partner token with one scope, issued by the desk's admin.
pub async fn partner_token(desk: &Desk, scope: &str) -> String {
    let at = (Utc::now() + Duration::days(30)).to_rfc3339();
    let data = desk
        .app
        .query_as(
            &desk.admin,
            "mutation($s: [String!]!, $at: DateTime!) { issuePartnerToken(name: \"Đối tác\", scopes: $s, expiresAt: $at) { token } }",
            json!({ "s": [scope], "at": at }),
        )
        .await;
    data["issuePartnerToken"]["token"].as_str().expect("token").to_owned()
}

pub const CREATE: &str = "mutation($input: CreateArticleInput!) {
  createArticle(input: $input) { id slug revision status title authors { slug } tags { slug } category { slug } } }";

/// Creates a draft as `token`; returns (id, revision, slug).
pub async fn create_draft(app: &TestApp, token: &str, title: &str) -> (String, i64, String) {
    let data = app
        .query_as(
            token,
            CREATE,
            json!({ "input": {
                "title": title,
                "sapo": "Ngày 26/6, một sự kiện quan trọng.",
                "category": "thoi-su",
                "tags": ["bac-giang"],
                "body": [
                    { "paragraph": { "spans": [{ "text": "Đoạn mở đầu ", "marks": [] }, { "text": "in đậm", "marks": ["BOLD"] }] } },
                    { "image": { "src": "https://img.example/a.jpg", "alt": "Ảnh", "caption": "Ảnh", "width": 1200, "height": 800 } }
                ]
            } }),
        )
        .await;
    let article = &data["createArticle"];
    (
        article["id"].as_str().expect("id").to_owned(),
        article["revision"].as_i64().expect("revision"),
        article["slug"].as_str().expect("slug").to_owned(),
    )
}

/// Creates and publishes an article as the desk's editor; returns (id, revision, slug).
pub async fn published(desk: &Desk, title: &str) -> (String, i64, String) {
    let (id, revision, slug) = create_draft(&desk.app, &desk.editor, title).await;
    let (status, body) = lifecycle(&desk.app, &desk.editor, "publishArticle", &id, revision).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (id, body["data"]["publishArticle"]["revision"].as_i64().expect("revision"), slug)
}

/// Runs a lifecycle mutation (`publishArticle`, `archiveArticle` ...) and returns the response.
pub async fn lifecycle(
    app: &TestApp,
    token: &str,
    mutation: &str,
    id: &str,
    revision: i64,
) -> (StatusCode, Value) {
    let selection = if mutation == "deleteArticle" { "" } else { "{ revision status }" };
    app.graphql_as(
        token,
        &format!("mutation($id: ID!, $r: Int!) {{ {mutation}(id: $id, revision: $r) {selection} }}"),
        json!({ "id": id, "r": revision }),
    )
    .await
}
