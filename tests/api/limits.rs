//! Request limits: body size, GraphQL depth and complexity, malformed requests. None of them may
//! cause a 500.

use awc::http::StatusCode;
use futures_util::stream;
use serde_json::json;

use crate::helpers::{assert_error, serve_settings, spawn_app, spawn_app_with};

fn oversized_query(bytes: usize) -> Vec<u8> {
    let padding = " ".repeat(bytes);
    serde_json::to_vec(&json!({ "query": format!("{{ publication {{ name }} }}{padding}") })).expect("json")
}

async fn json_body(mut response: awc::ClientResponse) -> (StatusCode, serde_json::Value) {
    let status = response.status();
    let body = response.body().limit(1 << 20).await.expect("body");
    (status, serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null))
}

#[actix_web::test]
async fn a_body_over_the_cap_is_refused_with_413_whether_or_not_its_length_is_declared() {
    let app = spawn_app().await;
    let url = format!("{}/graphql", app.address);

    let response = app
        .client
        .post(&url)
        .insert_header(("Content-Type", "application/json"))
        .send_body(oversized_query(300 * 1024))
        .await
        .expect("sent");
    let (status, body) = json_body(response).await;
    assert_error(status, &body, 413, "PAYLOAD_TOO_LARGE");

    // Chunked: no Content-Length, so the cap must hold while streaming.
    let chunks: Vec<Result<actix_web::web::Bytes, std::io::Error>> = oversized_query(300 * 1024)
        .chunks(16 * 1024)
        .map(|c| Ok(actix_web::web::Bytes::copy_from_slice(c)))
        .collect();
    let response = app
        .client
        .post(&url)
        .insert_header(("Content-Type", "application/json"))
        .send_stream(stream::iter(chunks))
        .await
        .expect("sent");
    let (status, body) = json_body(response).await;
    assert_error(status, &body, 413, "PAYLOAD_TOO_LARGE");

    // Just under the cap is fine.
    let response = app.client.post(&url).send_body(oversized_query(200 * 1024)).await.expect("sent");
    let (status, body) = json_body(response).await;
    assert_eq!(status.as_u16(), 200);
    assert_eq!(body["data"]["publication"]["name"], "Báo Thử Nghiệm");
}

#[actix_web::test]
async fn the_body_cap_is_configurable() {
    let mut settings = serve_settings();
    settings.http.max_body_bytes = 1024;
    let app = spawn_app_with(settings).await;
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .send_body(oversized_query(2048))
        .await
        .expect("sent");
    let (status, body) = json_body(response).await;
    assert_error(status, &body, 413, "PAYLOAD_TOO_LARGE");
}

#[actix_web::test]
async fn malformed_graphql_requests_are_400_not_500() {
    let app = spawn_app().await;
    let url = format!("{}/graphql", app.address);
    for body in [
        "",
        "not json",
        "{\"query\": 5}",
        "[{\"query\": \"{ publication { name } }\"}]",
        "{\"variables\": {}}",
    ] {
        let response = app.client.post(&url).send_body(body.to_owned()).await.expect("sent");
        let (status, json) = json_body(response).await;
        assert_error(status, &json, 400, "BAD_REQUEST");
    }
    let (status, body) = app.get("/graphql?variables=not-json&query=%7Bpublication%7Bname%7D%7D").await;
    assert_error(status, &body, 400, "BAD_REQUEST");

    // A syntax error in the document is a GraphQL error, reported in the response.
    let response = app.graphql("{ publication { name ", json!({})).await;
    assert!(response["errors"][0]["message"].as_str().is_some_and(|m| !m.is_empty()), "{response}");
    assert_eq!(response["errors"][0]["extensions"]["code"], "GRAPHQL_PARSE_FAILED", "{response}");
    let response = app.graphql("{ nonsense }", json!({})).await;
    assert!(response["errors"].is_array() && response.get("data").is_none_or(|d| d.is_null()), "{response}");
    assert_eq!(response["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED", "{response}");
}

#[actix_web::test]
async fn deep_and_expensive_queries_are_rejected_before_touching_the_database() {
    let app = spawn_app().await;
    let deep = r#"{ latest(first: 1) { nodes { related(first: 1) { related(first: 1) { related(first: 1) {
        related(first: 1) { related(first: 1) { related(first: 1) { related(first: 1) { related(first: 1) {
        related(first: 1) { slug } } } } } } } } } } } }"#;
    let expensive = r#"{ a: latest(first: 100) { nodes { title sapo url slug id tags { name slug } authors { name slug }
        related(first: 20) { title slug url } } } }"#;
    for query in [deep, expensive] {
        let before = app.store.statements_executed();
        let response = app.graphql(query, json!({})).await;
        assert!(response["errors"].is_array(), "{response}");
        assert!(response["data"].is_null(), "{response}");
        assert_eq!(app.store.statements_executed(), before, "no SQL for a rejected query");
        let message = response["errors"][0]["message"].as_str().unwrap_or_default().to_lowercase();
        assert!(message.contains("nested too deep") || message.contains("complex"), "{message}");
    }
    // A typical frontend query passes.
    let response =
        app.graphql("{ latest(first: 20) { nodes { title sapo url cover { src } } } }", json!({})).await;
    assert!(response.get("errors").is_none(), "{response}");
}
