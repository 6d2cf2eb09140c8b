//! GraphQL reads: the article page, lists, taxonomy, related, errors, and no N+1.

use bantin_domain::ArticleStatus;
use serde_json::json;

use crate::helpers::{BASE_URL, Newsroom, Story, first_error, spawn_app};

const ARTICLE_PAGE: &str = r#"
query($slug: String!) {
  article(slug: $slug) {
    id slug url title sapo status publishedAt createdAt updatedAt revision wordCount readingTimeMinutes
    cover { src alt width height }
    category { slug name parent { slug } }
    authors { slug name bio }
    tags { slug name }
    body {
      __typename
      ... on ParagraphBlock { text spans { text marks href } }
      ... on HeadingBlock { level text }
      ... on ImageBlock { src alt caption credit width height }
      ... on QuoteBlock { text cite }
      ... on ListBlock { ordered items }
      ... on EmbedBlock { provider url }
    }
  }
}"#;

#[actix_web::test]
async fn an_article_page_has_everything_the_reference_page_shows() {
    let app = spawn_app().await;
    let newsroom = Newsroom::new(&app.store).await;
    newsroom
        .write(vec![
            Story::published("Hai tỉnh Bắc Giang và Lào trao đổi kinh nghiệm du lịch", "du-lich", 10)
                .tags(&["bac-giang", "lao"])
                .authors(&["ba-doan", "minh-anh"]),
        ])
        .await;

    let slug = "hai-tinh-bac-giang-va-lao-trao-doi-kinh-nghiem-du-lich";
    let data = app.query(ARTICLE_PAGE, json!({ "slug": slug })).await;
    let article = &data["article"];
    assert_eq!(article["slug"], slug);
    assert_eq!(article["url"], format!("{BASE_URL}/{slug}"));
    assert_eq!(article["title"], "Hai tỉnh Bắc Giang và Lào trao đổi kinh nghiệm du lịch");
    assert!(article["sapo"].as_str().expect("sapo").starts_with("Ngày 26/6"));
    assert_eq!(article["status"], "PUBLISHED");
    assert_eq!(article["revision"], 1);
    assert!(article["wordCount"].as_u64().expect("word count") > 20);
    assert_eq!(article["readingTimeMinutes"], 1);
    assert_eq!(article["cover"]["width"], 1200);
    assert_eq!(article["category"]["slug"], "du-lich");
    assert_eq!(article["category"]["parent"]["slug"], "van-hoa");
    let byline: Vec<_> =
        article["authors"].as_array().expect("authors").iter().map(|a| a["name"].clone()).collect();
    assert_eq!(byline, vec![json!("Bá Đoàn"), json!("Nguyễn Minh Anh")]);
    let tags: Vec<_> = article["tags"].as_array().expect("tags").iter().map(|t| t["slug"].clone()).collect();
    assert_eq!(tags, vec![json!("bac-giang"), json!("lao")]);

    let kinds: Vec<_> =
        article["body"].as_array().expect("body").iter().map(|b| b["__typename"].clone()).collect();
    assert_eq!(
        kinds,
        vec![
            json!("ParagraphBlock"),
            json!("ImageBlock"),
            json!("HeadingBlock"),
            json!("QuoteBlock"),
            json!("ListBlock"),
            json!("EmbedBlock")
        ]
    );
    let paragraph = &article["body"][0];
    assert_eq!(paragraph["spans"][1]["marks"], json!(["BOLD"]));
    assert!(paragraph["text"].as_str().expect("text").ends_with("Nội dung nhấn mạnh"));
    let image = &article["body"][1];
    assert_eq!(image["alt"], "Toàn cảnh hội nghị");
    assert_eq!(image["caption"], "Toàn cảnh hội nghị");
    assert_eq!(image["credit"], "Ảnh: Minh Anh");
    assert_eq!(article["body"][2]["level"], 2);
    assert_eq!(article["body"][3]["cite"], "Giám đốc Sở");
    assert_eq!(article["body"][4]["items"], json!(["Văn hóa", "Thể thao"]));
    assert_eq!(article["body"][5]["provider"], "youtube");
}

#[actix_web::test]
async fn an_unknown_slug_is_null_not_an_error() {
    let app = spawn_app().await;
    let response = app.graphql(r#"{ article(slug: "khong-co") { title } }"#, json!({})).await;
    assert!(response.get("errors").is_none(), "{response}");
    assert!(response["data"]["article"].is_null());
}

#[actix_web::test]
async fn lists_filter_by_section_tag_and_author() {
    let app = spawn_app().await;
    let newsroom = Newsroom::new(&app.store).await;
    newsroom
        .write(vec![
            Story::published("Bắc Giang mở tuyến du lịch mới", "du-lich", 1).tags(&["bac-giang", "du-lich"]),
            Story::published("Thanh Hóa khánh thành cầu", "thoi-su", 2)
                .tags(&["thanh-hoa"])
                .authors(&["minh-anh"]),
            Story::published("Thanh Hóa đón khách du lịch", "du-lich", 3)
                .tags(&["thanh-hoa", "du-lich"])
                .authors(&["minh-anh", "ba-doan"]),
            Story::published("Giải bóng đá Bắc Giang", "the-thao", 4).tags(&["bac-giang"]),
        ])
        .await;
    let titles = |data: &serde_json::Value| -> Vec<String> {
        data["articles"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .map(|n| n["title"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let query =
        "query($filter: ArticleFilterInput) { articles(filter: $filter) { nodes { title } totalCount } }";

    let data = app.query(query, json!({ "filter": { "category": "du-lich" } })).await;
    assert_eq!(titles(&data), ["Thanh Hóa đón khách du lịch", "Bắc Giang mở tuyến du lịch mới"]);
    assert_eq!(data["articles"]["totalCount"], 2);

    let data = app.query(query, json!({ "filter": { "tag": "thanh-hoa" } })).await;
    assert_eq!(titles(&data), ["Thanh Hóa đón khách du lịch", "Thanh Hóa khánh thành cầu"]);

    let data = app.query(query, json!({ "filter": { "author": "ba-doan" } })).await;
    assert_eq!(
        titles(&data),
        ["Giải bóng đá Bắc Giang", "Thanh Hóa đón khách du lịch", "Bắc Giang mở tuyến du lịch mới"]
    );
    assert_eq!(data["articles"]["totalCount"], 3);

    let data = app.query(query, json!({ "filter": { "tag": "du-lich", "author": "minh-anh" } })).await;
    assert_eq!(titles(&data), ["Thanh Hóa đón khách du lịch"]);

    let data = app.query(query, json!({ "filter": { "category": "du-lich", "tag": "bac-giang" } })).await;
    assert_eq!(titles(&data), ["Bắc Giang mở tuyến du lịch mới"]);

    // The same pages through the taxonomy objects.
    let data = app
        .query(
            r#"{ category(slug: "thoi-su") { name articles { nodes { title } } }
                 tag(slug: "bac-giang") { name articles(first: 1) { nodes { title } pageInfo { hasNextPage } } }
                 author(slug: "minh-anh") { name articles { totalCount } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["category"]["name"], "Thời sự");
    assert_eq!(data["category"]["articles"]["nodes"][0]["title"], "Thanh Hóa khánh thành cầu");
    assert_eq!(data["tag"]["name"], "Bắc Giang");
    assert_eq!(data["tag"]["articles"]["nodes"][0]["title"], "Giải bóng đá Bắc Giang");
    assert_eq!(data["tag"]["articles"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(data["author"]["articles"]["totalCount"], 2);
}

#[actix_web::test]
async fn unknown_filter_values_and_bad_pages_are_bad_user_input_naming_the_argument() {
    let app = spawn_app().await;
    Newsroom::new(&app.store).await;
    let cases = [
        (r#"{ articles(filter: {tag: "khong-co"}) { nodes { id } } }"#, "filter.tag"),
        (r#"{ articles(filter: {category: "khong-co"}) { nodes { id } } }"#, "filter.category"),
        (r#"{ articles(filter: {author: "khong-co"}) { nodes { id } } }"#, "filter.author"),
        (r#"{ latest(category: "khong-co") { nodes { id } } }"#, "category"),
        (r#"{ latest(first: 0) { nodes { id } } }"#, "first"),
        (r#"{ latest(first: 101) { nodes { id } } }"#, "first"),
        (r#"{ latest(first: -5) { nodes { id } } }"#, "first"),
        (r#"{ latest(after: "not-a-cursor") { nodes { id } } }"#, "after"),
        (r#"{ category(slug: "thoi-su") { articles(after: "x") { nodes { id } } } }"#, "after"),
        (r#"{ tags(first: 0) { nodes { id } } }"#, "first"),
        (r#"{ tags(after: "not-a-cursor") { nodes { id } } }"#, "after"),
        (r#"{ tags(startsWith: " - ") { nodes { id } } }"#, "startsWith"),
        (r#"{ authors(first: 101) { nodes { id } } }"#, "first"),
    ];
    for (query, argument) in cases {
        let response = app.graphql(query, json!({})).await;
        let (code, message) = first_error(&response);
        assert_eq!(code, "BAD_USER_INPUT", "{query}: {response}");
        assert!(message.starts_with(argument), "{query}: message {message:?} should name {argument}");
    }
}

#[actix_web::test]
async fn latest_leaves_out_the_article_being_read_and_can_narrow_to_a_section() {
    let app = spawn_app().await;
    let newsroom = Newsroom::new(&app.store).await;
    newsroom
        .write(vec![
            Story::published("Tin thời sự một", "thoi-su", 1),
            Story::published("Tin du lịch một", "du-lich", 2),
            Story::published("Tin thời sự hai", "thoi-su", 3),
        ])
        .await;
    let data = app
        .query(
            r#"{ beside: latest(excludeSlug: "tin-thoi-su-hai") { nodes { slug } }
                 section: latest(category: "thoi-su") { nodes { slug } }
                 unknown: latest(excludeSlug: "khong-co", first: 1) { nodes { slug } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["beside"]["nodes"],
        json!([{ "slug": "tin-du-lich-mot" }, { "slug": "tin-thoi-su-mot" }])
    );
    assert_eq!(
        data["section"]["nodes"],
        json!([{ "slug": "tin-thoi-su-hai" }, { "slug": "tin-thoi-su-mot" }])
    );
    assert_eq!(data["unknown"]["nodes"], json!([{ "slug": "tin-thoi-su-hai" }]));
}

#[actix_web::test]
async fn related_prefers_shared_tags_then_the_same_section_and_never_the_article_itself() {
    let app = spawn_app().await;
    let newsroom = Newsroom::new(&app.store).await;
    newsroom
        .write(vec![
            Story::published("Bài gốc Bắc Giang du lịch", "du-lich", 10).tags(&["bac-giang", "du-lich"]),
            Story::published("Chung hai thẻ", "the-thao", 1).tags(&["bac-giang", "du-lich"]),
            Story::published("Chung một thẻ mới", "thoi-su", 5).tags(&["bac-giang"]),
            Story::published("Chung một thẻ cùng mục", "du-lich", 2).tags(&["du-lich"]),
            Story::published("Cùng mục không thẻ", "du-lich", 8),
            Story::published("Không liên quan", "thoi-su", 9).tags(&["thanh-hoa"]),
            Story::published("Bản nháp chung thẻ", "du-lich", 7)
                .tags(&["bac-giang", "du-lich"])
                .status(ArticleStatus::Draft),
        ])
        .await;
    let data = app
        .query(r#"{ article(slug: "bai-goc-bac-giang-du-lich") { related(first: 10) { slug } } }"#, json!({}))
        .await;
    let slugs: Vec<_> =
        data["article"]["related"].as_array().expect("related").iter().map(|r| r["slug"].clone()).collect();
    assert_eq!(
        slugs,
        vec![
            json!("chung-hai-the"),
            json!("chung-mot-the-cung-muc"),
            json!("chung-mot-the-moi"),
            json!("cung-muc-khong-the")
        ]
    );

    let response = app
        .graphql(
            r#"{ article(slug: "bai-goc-bac-giang-du-lich") { related(first: 21) { slug } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(first_error(&response).0, "BAD_USER_INPUT");
}

#[actix_web::test]
async fn tags_and_authors_come_a_page_at_a_time_and_by_the_start_of_their_name() {
    let app = spawn_app().await;
    Newsroom::new(&app.store).await;
    let query = "query($first: Int, $after: String, $startsWith: String) { \
        tags(first: $first, after: $after, startsWith: $startsWith) { \
        nodes { slug } pageInfo { hasNextPage hasPreviousPage endCursor } } }";
    let slugs = |data: &serde_json::Value| -> Vec<String> {
        let nodes = data["tags"]["nodes"].as_array().expect("nodes");
        nodes.iter().map(|t| t["slug"].as_str().expect("slug").to_owned()).collect()
    };
    let first = app.query(query, json!({ "first": 3 })).await;
    assert_eq!(slugs(&first), ["bac-giang", "du-lich", "lao"]);
    let info = &first["tags"]["pageInfo"];
    assert_eq!((info["hasNextPage"].as_bool(), info["hasPreviousPage"].as_bool()), (Some(true), Some(false)));
    let rest = app.query(query, json!({ "first": 3, "after": info["endCursor"] })).await;
    assert_eq!(slugs(&rest), ["thanh-hoa"]);
    let info = &rest["tags"]["pageInfo"];
    assert_eq!((info["hasNextPage"].as_bool(), info["hasPreviousPage"].as_bool()), (Some(false), Some(true)));

    for (typed, expected) in [("thanh h", vec!["thanh-hoa"]), ("BẮC", vec!["bac-giang"]), ("hoa", vec![])] {
        let found = app.query(query, json!({ "first": 10, "startsWith": typed })).await;
        assert_eq!(slugs(&found), expected, "{typed}");
    }

    // Authors page the same way.
    let authors = "query($after: String) { authors(first: 1, after: $after, startsWith: \"ba d\") { \
        nodes { slug } pageInfo { hasNextPage endCursor } } }";
    let data = app.query(authors, json!({})).await;
    assert_eq!(data["authors"]["nodes"], json!([{ "slug": "ba-doan" }]));
    assert_eq!(data["authors"]["pageInfo"]["hasNextPage"], false);
    let all = app.query("{ authors(first: 1) { nodes { slug } pageInfo { endCursor } } }", json!({})).await;
    assert_eq!(all["authors"]["nodes"], json!([{ "slug": "ba-doan" }]));
    let cursor = &all["authors"]["pageInfo"]["endCursor"];
    let rest =
        app.query(authors.replace("startsWith: \"ba d\"", "").as_str(), json!({ "after": cursor })).await;
    assert_eq!(rest["authors"]["nodes"], json!([{ "slug": "minh-anh" }]), "Nguyễn Minh Anh after Bá Đoàn");
}

#[actix_web::test]
async fn taxonomy_lists_and_the_publication_are_served() {
    let app = spawn_app().await;
    Newsroom::new(&app.store).await;
    let data = app
        .query(
            "{ categories { slug parent { slug } } tags { nodes { slug name } } authors { nodes { slug name } } publication { name tagline language baseUrl utcOffset } }",
            json!({}),
        )
        .await;
    let categories: Vec<_> =
        data["categories"].as_array().expect("categories").iter().map(|c| c["slug"].clone()).collect();
    // Parents before their children, siblings by name with diacritics folded.
    assert_eq!(categories, vec![json!("the-thao"), json!("thoi-su"), json!("van-hoa"), json!("du-lich")]);
    assert_eq!(data["categories"][3]["parent"]["slug"], "van-hoa");
    let tags: Vec<_> =
        data["tags"]["nodes"].as_array().expect("tags").iter().map(|t| t["name"].clone()).collect();
    assert_eq!(tags, vec![json!("Bắc Giang"), json!("Du lịch"), json!("Lào"), json!("Thanh Hóa")]);
    assert_eq!(data["authors"]["nodes"][0]["name"], "Bá Đoàn");
    assert_eq!(
        data["publication"],
        json!({ "name": "Báo Thử Nghiệm", "tagline": "Tin tức kiểm thử", "language": "vi", "baseUrl": BASE_URL, "utcOffset": "+07:00" })
    );
}

#[actix_web::test]
async fn relations_of_a_page_load_in_a_fixed_number_of_statements() {
    // Counts what rendering costs, so nothing may come from the response cache.
    let mut settings = crate::helpers::serve_settings();
    settings.cache.enabled = false;
    settings.graphql.max_complexity = 2_000; // 50 articles with every relation
    let app = crate::helpers::spawn_app_with(settings).await;
    let newsroom = Newsroom::new(&app.store).await;
    newsroom.write(Story::with_every_relation("Bài số", 60)).await;
    let query = "query($first: Int) { latest(first: $first) { edges { cursor node {
        title url category { name parent { name } } authors { name } tags { name } cover { src }
        body { __typename ... on ParagraphBlock { text } } } } pageInfo { endCursor } } }";

    let mut counts = Vec::new();
    for first in [5, 50] {
        let before = app.store.statements_executed();
        let data = app.query(query, json!({ "first": first })).await;
        counts.push(app.store.statements_executed() - before);
        assert_eq!(data["latest"]["edges"].as_array().expect("edges").len(), first);
    }
    assert_eq!(counts[0], counts[1], "statements for 5 and 50 articles: {counts:?}");
    assert_eq!(counts[1], 5, "one list query plus one per relation (categories, authors, tags, bodies)");

    // totalCount costs a statement only when selected.
    let before = app.store.statements_executed();
    app.query("{ latest(first: 5) { nodes { title } } }", json!({})).await;
    let without = app.store.statements_executed() - before;
    let before = app.store.statements_executed();
    let data = app.query("{ latest(first: 5) { nodes { title } totalCount } }", json!({})).await;
    let with = app.store.statements_executed() - before;
    assert_eq!(data["latest"]["totalCount"], 60);
    assert_eq!(with, without + 1);
}

#[actix_web::test]
async fn graphql_answers_get_requests_and_serves_graphiql_to_browsers() {
    let app = spawn_app().await;
    let (status, body) = app.get("/graphql?query=%7Bpublication%7Bname%7D%7D").await;
    assert_eq!(status.as_u16(), 200);
    assert_eq!(body["data"]["publication"]["name"], "Báo Thử Nghiệm");

    let mut response = app
        .client
        .get(format!("{}/graphql", app.address))
        .insert_header(("Accept", "text/html,application/xhtml+xml"))
        .send()
        .await
        .expect("request sent");
    assert_eq!(response.status().as_u16(), 200);
    let html = String::from_utf8(response.body().await.expect("body").to_vec()).expect("utf-8");
    assert!(html.contains("graphiql"), "GraphiQL page expected");
}
