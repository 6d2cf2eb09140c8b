//! Browser frontends on other origins: preflights, the headers that let a page read an answer,
//! and the list of origins that narrows who may.

use awc::http::{Method, StatusCode};
use bantin_api::cors::AllowedOrigins;
use serde_json::{Value, json};

use crate::helpers::{Newsroom, Story, TestApp, header, send, serve_settings, spawn_app, spawn_app_with};

const NEWS: &str = "https://news.example.com";
const LATEST: &str = "{ latest(first: 1) { nodes { slug } } }";

async fn preflight(
    app: &TestApp,
    path: &str,
    origin: &str,
) -> (StatusCode, Value, awc::http::header::HeaderMap) {
    let request = app
        .client
        .request(Method::OPTIONS, format!("{}{path}", app.address))
        .insert_header(("Origin", origin))
        .insert_header(("Access-Control-Request-Method", "POST"))
        .insert_header(("Access-Control-Request-Headers", "authorization, content-type"));
    send(request, None).await
}

/// GET `path` from a page on `origin`.
async fn get_from(
    app: &TestApp,
    path: &str,
    origin: &str,
) -> (StatusCode, Value, awc::http::header::HeaderMap) {
    send(app.client.get(format!("{}{path}", app.address)).insert_header(("Origin", origin)), None).await
}

async fn app_with_origins(origins: &str) -> TestApp {
    let mut settings = serve_settings();
    settings.http.cors_origins = origins.parse::<AllowedOrigins>().expect("origins");
    spawn_app_with(settings).await
}

#[actix_web::test]
async fn by_default_a_page_on_any_origin_may_post_graphql_and_read_every_answer() {
    let app = spawn_app().await;
    Newsroom::new(&app.store).await.write(vec![Story::published("Tin cho trang khác", "thoi-su", 5)]).await;

    let (status, _, headers) = preflight(&app, "/graphql", "https://anywhere.example").await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(header(&headers, "access-control-allow-origin"), Some("*"));
    assert!(header(&headers, "access-control-allow-methods").is_some_and(|m| m.contains("POST")));
    assert_eq!(header(&headers, "access-control-allow-headers"), Some("authorization, content-type"));
    assert_eq!(header(&headers, "access-control-max-age"), Some("86400"));

    let request = app
        .client
        .post(format!("{}/graphql", app.address))
        .insert_header(("Origin", "https://anywhere.example"));
    let (status, body, headers) = send(request, Some(&json!({ "query": LATEST }))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["latest"]["nodes"][0]["slug"], "tin-cho-trang-khac");
    assert_eq!(header(&headers, "access-control-allow-origin"), Some("*"));

    // A cached answer, an error and a path that does not exist are readable too.
    for _ in 0..2 {
        let (status, _, headers) =
            get_from(&app, "/api/v1/articles?limit=1", "https://anywhere.example").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(header(&headers, "access-control-allow-origin"), Some("*"));
        let exposed = header(&headers, "access-control-expose-headers").unwrap_or_default();
        assert!(
            exposed.contains("ETag")
                && exposed.contains("X-Cache")
                && exposed.contains("RateLimit-Remaining"),
            "{exposed}"
        );
    }
    for path in ["/api/v1/articles?limit=oops", "/no/such/path"] {
        let (status, body, headers) = get_from(&app, path, "https://anywhere.example").await;
        assert!(status.is_client_error(), "{path}: {status}");
        assert!(body["error"]["code"].is_string(), "{path}: {body}");
        assert_eq!(header(&headers, "access-control-allow-origin"), Some("*"), "{path}");
    }

    // Requests that are not from a page get nothing extra.
    let (_, _, headers) =
        send(app.client.get(format!("{}/api/v1/articles?limit=1", app.address)), None).await;
    assert_eq!(header(&headers, "access-control-allow-origin"), None);
}

#[actix_web::test]
async fn a_list_of_origins_lets_in_only_those_and_never_hands_one_origin_anothers_answer() {
    let app = app_with_origins(&format!("{NEWS}, http://localhost:3000")).await;
    Newsroom::new(&app.store).await.write(vec![Story::published("Tin cho trang khác", "thoi-su", 5)]).await;

    let (status, _, headers) = preflight(&app, "/graphql", NEWS).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(header(&headers, "access-control-allow-origin"), Some(NEWS));
    assert!(header(&headers, "vary").is_some_and(|vary| vary.contains("Origin")));

    let (status, body, headers) = preflight(&app, "/graphql", "https://evil.example").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error"]["code"], "ORIGIN_NOT_ALLOWED");
    assert!(body["error"]["message"].as_str().unwrap_or_default().contains("BANTIN_CORS_ORIGINS"), "{body}");
    assert_eq!(header(&headers, "access-control-allow-origin"), None);
    // An origin made up to fill the headers is named by its start, not handed back whole.
    let made_up = format!("https://{}.example", "a".repeat(8_000));
    let (status, body, _) = preflight(&app, "/graphql", &made_up).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("ORIGIN_NOT_ALLOWED")));
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.len() < 300 && message.contains("'https://aaaa"), "{message}");

    // The second request is a cache hit: the origin is added to each answer, not stored with it.
    for (round, origin) in
        [NEWS, "http://localhost:3000", "https://evil.example", NEWS].into_iter().enumerate()
    {
        let (status, body, headers) = get_from(&app, "/api/v1/articles?limit=1", origin).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(header(&headers, "x-cache") == Some("hit"), round > 0, "round {round}");
        let expected = (origin != "https://evil.example").then_some(origin);
        assert_eq!(header(&headers, "access-control-allow-origin"), expected, "{origin}");
        if expected.is_some() {
            let varies: Vec<_> = headers.get_all("vary").filter_map(|v| v.to_str().ok()).collect();
            assert!(varies.iter().any(|v| v.contains("Origin")), "{varies:?}");
        }
    }
}

#[actix_web::test]
async fn with_none_no_page_on_another_origin_may_call() {
    let app = app_with_origins("none").await;
    let (status, body, headers) = preflight(&app, "/graphql", NEWS).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error"]["code"], "ORIGIN_NOT_ALLOWED");
    assert_eq!(header(&headers, "access-control-allow-origin"), None);
    let (status, _, headers) = get_from(&app, "/api/v1/articles?limit=1", NEWS).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&headers, "access-control-allow-origin"), None);
}
