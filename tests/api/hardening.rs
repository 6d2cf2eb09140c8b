//! Hostile requests: compressed bombs, bodies over the caps, documents over the shape limits,
//! batches, introspection, and clients over their rate limits. Each is refused with a clear error
//! before any database work, and none is a 500.

use std::io::Write;

use awc::http::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Desk, assert_error, first_error, serve_settings, spawn_app, spawn_app_with};

async fn send(
    request: awc::ClientRequest,
    body: Vec<u8>,
) -> (StatusCode, Value, awc::http::header::HeaderMap) {
    let mut response = request.send_body(body).await.expect("sent");
    let bytes = response.body().limit(1 << 22).await.expect("body");
    (response.status(), serde_json::from_slice(&bytes).unwrap_or(Value::Null), response.headers().clone())
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(data).expect("compresses");
    encoder.finish().expect("compresses")
}

#[actix_web::test]
async fn gzip_bodies_inflate_within_the_cap_and_a_bomb_is_refused() {
    let app = spawn_app().await;
    let url = format!("{}/graphql", app.address);
    let post = || {
        app.client
            .post(&url)
            .insert_header(("Content-Type", "application/json"))
            .insert_header(("Content-Encoding", "gzip"))
    };
    let query = serde_json::to_vec(&json!({ "query": "{ publication { name } }" })).expect("json");
    let (status, body, _) = send(post(), gzip(&query)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["publication"]["name"], "Báo Thử Nghiệm");

    // 64 MiB of spaces after a valid document: about 64 KiB on the wire.
    let mut bomb = query.clone();
    bomb.pop();
    bomb.extend(std::iter::repeat_n(b' ', 64 << 20));
    bomb.push(b'}');
    let compressed = gzip(&bomb);
    assert!(compressed.len() < 256 * 1024, "the bomb fits under the cap compressed: {}", compressed.len());
    let (status, body, _) = send(post(), compressed).await;
    assert_error(status, &body, 413, "PAYLOAD_TOO_LARGE");

    let (status, body, _) = send(post(), b"not gzip".to_vec()).await;
    assert_error(status, &body, 400, "BAD_REQUEST");
    let brotli = app.client.post(&url).insert_header(("Content-Encoding", "br"));
    let (status, body, _) = send(brotli, query).await;
    assert_error(status, &body, 415, "UNSUPPORTED_ENCODING");
}

#[actix_web::test]
async fn callers_with_a_token_may_send_larger_bodies() {
    let Desk { app, editor, .. } = crate::helpers::desk().await;
    let url = format!("{}/graphql", app.address);
    // 1 MiB: over the anonymous cap, under the authenticated one.
    let body = serde_json::to_vec(&json!({
        "query": "query($pad: String!) { publication { name } article(slug: $pad) { title } }",
        "variables": { "pad": "x".repeat(1 << 20) }
    }))
    .expect("json");
    let (status, answer, _) =
        send(app.client.post(&url).insert_header(("Content-Type", "application/json")), body.clone()).await;
    assert_error(status, &answer, 413, "PAYLOAD_TOO_LARGE");
    let with_token = app
        .client
        .post(&url)
        .insert_header(("Content-Type", "application/json"))
        .insert_header(("Authorization", format!("Bearer {editor}")));
    let (status, answer, _) = send(with_token, body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["data"]["publication"]["name"], "Báo Thử Nghiệm", "{}", answer["errors"]);
}

#[actix_web::test]
async fn documents_over_the_shape_limits_are_refused_before_any_sql() {
    let app = spawn_app().await;
    let aliases: String = (0..31).map(|i| format!("a{i}: name ")).collect();
    let roots: String = (0..21).map(|i| format!("r{i}: categories {{ slug }} ")).collect();
    let directives = "{ publication { name @include(if: true) @include(if: true) @include(if: true) \
                      @include(if: true) @include(if: true) @include(if: true) } }";
    for (document, expected) in [
        (format!("{{ publication {{ {aliases} }} }}"), "aliases"),
        (format!("{{ {roots} }}"), "root fields"),
        (directives.to_owned(), "directive"),
    ] {
        let before = app.store.statements_executed();
        let response = app.graphql(&document, json!({})).await;
        assert_eq!(app.store.statements_executed(), before, "no SQL for a refused document");
        let (code, message) = first_error(&response);
        assert!(message.to_lowercase().contains(expected), "{expected}: {response}");
        assert_eq!(code, "QUERY_LIMIT", "{response}");
    }
    // At the limits is fine.
    let twenty: String = (0..20).map(|i| format!("r{i}: publication {{ name }} ")).collect();
    app.query(&format!("{{ {twenty} }}"), json!({})).await;
}

#[actix_web::test]
async fn anonymous_callers_get_the_tighter_complexity_limit() {
    let Desk { app, editor, .. } = crate::helpers::desk().await;
    // About 700: 50 articles of 14 fields.
    let query = "{ latest(first: 50) { nodes { id slug url title sapo publishedAt updatedAt wordCount
        readingTimeMinutes status revision cover { src alt } } } }";
    let anonymous = app.graphql(query, json!({})).await;
    let (code, message) = first_error(&anonymous);
    assert!(message.to_lowercase().contains("complex") && code == "QUERY_LIMIT", "{anonymous}");
    app.query_as(&editor, query, json!({})).await;
}

#[actix_web::test]
async fn batches_need_a_token_and_hold_at_most_ten_operations() {
    let Desk { app, editor, .. } = crate::helpers::desk().await;
    let url = format!("{}/graphql", app.address);
    let operation = json!({ "query": "{ publication { name } }" });
    let batch = |n: usize| serde_json::to_vec(&vec![operation.clone(); n]).expect("json");
    let json_post = || app.client.post(&url).insert_header(("Content-Type", "application/json"));
    let (status, body, _) = send(json_post(), batch(2)).await;
    assert_error(status, &body, 400, "BAD_REQUEST");
    let with_token = || json_post().insert_header(("Authorization", format!("Bearer {editor}")));
    let (status, body, _) = send(with_token(), batch(2)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let answers = body.as_array().expect("an array of answers");
    assert_eq!(answers.len(), 2);
    assert!(answers.iter().all(|a| a["data"]["publication"]["name"] == "Báo Thử Nghiệm"), "{body}");
    let (status, body, _) = send(with_token(), batch(11)).await;
    assert_error(status, &body, 400, "BAD_REQUEST");
}

#[actix_web::test]
async fn introspection_and_suggestions_can_be_switched_off() {
    let mut settings = serve_settings();
    settings.graphql.introspection = false;
    let app = spawn_app_with(settings).await;
    let response = app.graphql("{ __schema { types { name } } }", json!({})).await;
    assert!(response["data"]["__schema"].is_null(), "introspection answers nothing: {response}");
    let response = app.graphql("{ publicatio { name } }", json!({})).await;
    let (_, message) = first_error(&response);
    assert!(!message.contains("Did you mean"), "no field suggestions: {message}");
    let open = spawn_app().await;
    let response = open.graphql("{ __schema { queryType { name } } }", json!({})).await;
    assert!(response["data"]["__schema"]["queryType"]["name"].is_string(), "{response}");
}

async fn status_and_retry_after(mut response: awc::ClientResponse) -> (StatusCode, Option<u64>, Value) {
    let bytes = response.body().await.expect("body");
    let retry_after =
        response.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
    (response.status(), retry_after, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

#[actix_web::test]
async fn clients_over_their_rate_limits_get_429_with_retry_after() {
    let mut settings = serve_settings();
    settings.rate_limits.anonymous_per_minute = 5;
    settings.rate_limits.anonymous_burst = 5;
    settings.rate_limits.token_per_minute = 600;
    settings.rate_limits.login_per_minute = 2;
    let app = spawn_app_with(settings).await;
    app.add_user("editor@tin.example", bantin_domain::Role::Editor, None).await;
    let login = || {
        app.client.post(format!("{}/graphql", app.address)).send_json(&json!({
            "query": "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }",
            "variables": { "e": "editor@tin.example", "p": crate::helpers::PASSWORD }
        }))
    };
    let (_, _, first) = status_and_retry_after(login().await.expect("sent")).await;
    let token = first["data"]["login"]["accessToken"].as_str().expect("signed in").to_owned();
    assert_eq!(status_and_retry_after(login().await.expect("sent")).await.0, StatusCode::OK);
    let (status, retry_after, body) = status_and_retry_after(login().await.expect("sent")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "the third sign-in in a minute: {body}");
    assert!(retry_after.is_some_and(|s| (1..=30).contains(&s)), "{retry_after:?}");
    assert_eq!(body["error"]["code"], "RATE_LIMITED");

    // Three anonymous requests so far: two more pass, each saying what is left, and the next
    // waits about 12 s.
    let categories = format!("{}/api/v1/categories", app.address);
    let standing = |response: &awc::ClientResponse| {
        ["ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"].map(|name| {
            response.headers().get(name).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok())
        })
    };
    for remaining in [1, 0] {
        let response = app.client.get(&categories).send().await.expect("sent");
        let [limit, left, reset] = standing(&response);
        assert_eq!((limit, left), (Some(5), Some(remaining)));
        assert!(reset.is_some_and(|s| (1..=60).contains(&s)), "{reset:?}");
        assert_eq!(status_and_retry_after(response).await.0, StatusCode::OK);
    }
    let response = app.client.get(&categories).send().await.expect("sent");
    assert_eq!(standing(&response)[..2], [Some(5), Some(0)]);
    let (status, retry_after, body) = status_and_retry_after(response).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(retry_after.is_some_and(|s| (1..=12).contains(&s)), "one request every 12 s: {retry_after:?}");
    assert_eq!(body["error"]["code"], "RATE_LIMITED");

    // A token has its own budget.
    for _ in 0..3 {
        let request = app.client.get(&categories).insert_header(("Authorization", format!("Bearer {token}")));
        assert_eq!(status_and_retry_after(request.send().await.expect("sent")).await.0, StatusCode::OK);
    }
}

#[actix_web::test]
async fn oversized_headers_get_431_and_slow_clients_408() {
    let mut settings = serve_settings();
    settings.http.client_timeout_secs = 1;
    let app = spawn_app_with(settings).await;
    let request = app
        .client
        .get(format!("{}/api/v1/categories", app.address))
        .insert_header(("X-Padding", "x".repeat(20 * 1024)));
    let (status, body, _) = send(request, Vec::new()).await;
    assert_error(status, &body, 431, "HEADERS_TOO_LARGE");

    // Headers that never end: the server answers 408 and closes, instead of waiting forever.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = app.address.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(address).await.expect("connects");
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: bantin\r\n").await.expect("writes");
    let mut answer = Vec::new();
    let read =
        actix_web::rt::time::timeout(std::time::Duration::from_secs(5), stream.read_to_end(&mut answer))
            .await;
    assert!(read.is_ok(), "the server closed the connection");
    assert!(
        String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 408"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
}
