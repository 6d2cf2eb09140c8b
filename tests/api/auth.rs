//! Sign-in, sessions, and every way a token can be wrong.

use bantin_api::auth::{Claims, JwtAlgorithm, JwtKey, KeySet};
use bantin_domain::Role;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{TimeDelta, Utc};
use serde_json::json;

use crate::helpers::{PASSWORD, TEST_JWT_SECRET, assert_error, desk, first_error, spawn_app};

const ME: &str = "{ me { email role authorSlug } }";

fn test_keys(secret: &str) -> KeySet {
    KeySet::new(
        JwtAlgorithm::Hs256,
        JwtKey::hs256("test-1", secret.as_bytes()).expect("key"),
        vec![],
        "bantin-test",
    )
    .expect("key set")
}

#[actix_web::test]
async fn signing_in_gives_tokens_that_identify_the_user() {
    let desk = desk().await;
    let data = desk.app.query_as(&desk.writer, ME, json!({})).await;
    assert_eq!(
        data["me"],
        json!({ "email": "writer@tin.example", "role": "WRITER", "authorSlug": "ba-doan" })
    );
    let anonymous = desk.app.query(ME, json!({})).await;
    assert!(anonymous["me"].is_null());
}

#[actix_web::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    let app = spawn_app().await;
    app.add_user("writer@tin.example", Role::Writer, None).await;
    let login = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }";
    let wrong_password =
        app.graphql(login, json!({ "e": "writer@tin.example", "p": "nope-nope-nope" })).await;
    let unknown_email = app.graphql(login, json!({ "e": "nobody@tin.example", "p": PASSWORD })).await;
    assert_eq!(first_error(&wrong_password), first_error(&unknown_email));
    assert_eq!(first_error(&wrong_password).0, "UNAUTHENTICATED");
    // E-mail matching ignores case and surrounding space.
    let data = app.query(login, json!({ "e": "  Writer@Tin.Example ", "p": PASSWORD })).await;
    assert!(data["login"]["accessToken"].is_string());
}

#[actix_web::test]
async fn refresh_tokens_rotate_and_a_reused_one_ends_the_session() {
    let app = spawn_app().await;
    app.add_user("editor@tin.example", Role::Editor, None).await;
    let data = app
        .query(
            "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken refreshToken expiresAt } }",
            json!({ "e": "editor@tin.example", "p": PASSWORD }),
        )
        .await;
    let first = data["login"]["refreshToken"].as_str().expect("refresh token").to_owned();
    let refresh =
        "mutation($t: String!) { refresh(refreshToken: $t) { accessToken refreshToken user { email } } }";
    let data = app.query(refresh, json!({ "t": first })).await;
    let second = data["refresh"]["refreshToken"].as_str().expect("rotated").to_owned();
    assert_ne!(first, second);
    assert_eq!(data["refresh"]["user"]["email"], "editor@tin.example");

    // The first token was used: presenting it again is refused and ends the whole session.
    let reused = app.graphql(refresh, json!({ "t": first })).await;
    assert_eq!(first_error(&reused).0, "UNAUTHENTICATED");
    let after_reuse = app.graphql(refresh, json!({ "t": second })).await;
    assert_eq!(first_error(&after_reuse).0, "UNAUTHENTICATED", "the copy's holder is signed out too");

    // Logout revokes.
    let data = app
        .query(
            "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { refreshToken } }",
            json!({ "e": "editor@tin.example", "p": PASSWORD }),
        )
        .await;
    let token = data["login"]["refreshToken"].as_str().expect("token").to_owned();
    app.query("mutation($t: String!) { logout(refreshToken: $t) }", json!({ "t": token })).await;
    assert_eq!(first_error(&app.graphql(refresh, json!({ "t": token })).await).0, "UNAUTHENTICATED");
}

#[actix_web::test]
async fn bad_tokens_are_refused_with_401_and_a_reason_never_treated_as_anonymous() {
    let desk = desk().await;
    let app = &desk.app;
    let user_id = 3; // the writer
    let now = Utc::now();
    let expired = test_keys(TEST_JWT_SECRET)
        .sign(&Claims::access(user_id, Role::Writer, TimeDelta::minutes(15), now - TimeDelta::hours(2)))
        .expect("signed");
    let other_secret = test_keys("another-secret-that-is-also-32-bytes-long")
        .sign(&Claims::access(user_id, Role::Admin, TimeDelta::minutes(15), now))
        .expect("signed");
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT","kid":"test-1"}"#);
    let payload = URL_SAFE_NO_PAD.encode(
        json!({ "sub": "1", "aud": "bantin:access", "iss": "bantin-test", "exp": now.timestamp() + 600,
                "nbf": now.timestamp(), "iat": now.timestamp(), "jti": "x", "role": "admin" })
        .to_string(),
    );
    let alg_none = format!("{header}.{payload}.");
    let cases = [
        (expired.as_str(), "TOKEN_EXPIRED"),
        (other_secret.as_str(), "TOKEN_INVALID"),
        (alg_none.as_str(), "TOKEN_INVALID"),
        ("not-a-jwt", "TOKEN_INVALID"),
    ];
    for (token, code) in cases {
        let (status, body) = app.graphql_as(token, ME, json!({})).await;
        assert_error(status, &body, 401, code);
        let (status, body) = app.get_as(token, "/api/v1/latest").await;
        assert_error(status, &body, 401, code);
    }
    let mut response = app
        .client
        .get(format!("{}/api/v1/latest", app.address))
        .insert_header(("Authorization", "Basic dXNlcjpwYXNz"))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status().as_u16(), 401);
    let _ = response.body().await;
}

#[actix_web::test]
async fn partner_tokens_work_until_revoked_and_only_admins_manage_them() {
    let desk = desk().await;
    let app = &desk.app;
    let issue = "mutation($at: DateTime!) { issuePartnerToken(name: \"Đối tác A\", scopes: [\"feeds:full\"], expiresAt: $at) {
        token partnerToken { id name scopes } } }";
    let at = (Utc::now() + TimeDelta::days(30)).to_rfc3339();
    let (_, refused) = app.graphql_as(&desk.editor, issue, json!({ "at": at })).await;
    assert_eq!(first_error(&refused).0, "FORBIDDEN");
    let (_, bad_scope) = app
        .graphql_as(
            &desk.admin,
            "mutation($at: DateTime!) { issuePartnerToken(name: \"x\", scopes: [\"admin\"], expiresAt: $at) { token } }",
            json!({ "at": at }),
        )
        .await;
    assert_eq!(first_error(&bad_scope).0, "BAD_USER_INPUT");

    let data = app.query_as(&desk.admin, issue, json!({ "at": at })).await;
    let token = data["issuePartnerToken"]["token"].as_str().expect("token").to_owned();
    let id = data["issuePartnerToken"]["partnerToken"]["id"].as_str().expect("id").to_owned();
    assert_eq!(data["issuePartnerToken"]["partnerToken"]["scopes"], json!(["feeds:full"]));
    let (status, _) = app.get_as(&token, "/api/v1/latest").await;
    assert_eq!(status.as_u16(), 200, "an active partner token is accepted");

    // A partner token is not a newsroom login.
    let (_, body) = app.graphql_as(&token, "mutation { createTag(name: \"Thử\") { slug } }", json!({})).await;
    assert_eq!(first_error(&body).0, "UNAUTHENTICATED");

    let listed = app.query_as(&desk.admin, "{ partnerTokens { id name revokedAt } }", json!({})).await;
    assert_eq!(listed["partnerTokens"][0]["name"], "Đối tác A");
    let data = app
        .query_as(
            &desk.admin,
            "mutation($id: ID!) { revokePartnerToken(id: $id) { revokedAt } }",
            json!({ "id": id }),
        )
        .await;
    assert!(data["revokePartnerToken"]["revokedAt"].is_string());
    let (status, body) = app.get_as(&token, "/api/v1/latest").await;
    assert_error(status, &body, 401, "TOKEN_INVALID");
}

#[actix_web::test]
async fn admins_manage_users_and_a_disabled_users_tokens_stop_working_at_once() {
    let desk = desk().await;
    let app = &desk.app;
    let create = "mutation($p: String!) { createUser(email: \"New@Tin.Example\", displayName: \"Người mới\", role: WRITER,
        password: $p, author: \"minh-anh\") { id email role authorSlug disabled } }";
    let (_, refused) = app.graphql_as(&desk.editor, create, json!({ "p": PASSWORD })).await;
    assert_eq!(first_error(&refused).0, "FORBIDDEN");
    let (_, short) = app.graphql_as(&desk.admin, create, json!({ "p": "short" })).await;
    assert_eq!(first_error(&short).0, "BAD_USER_INPUT");
    let data = app.query_as(&desk.admin, create, json!({ "p": PASSWORD })).await;
    let user = &data["createUser"];
    assert_eq!((user["email"].as_str(), user["role"].as_str()), (Some("new@tin.example"), Some("WRITER")));
    assert_eq!(user["authorSlug"], "minh-anh");
    let id = user["id"].as_str().expect("id").to_owned();
    let (_, duplicate) = app.graphql_as(&desk.admin, create, json!({ "p": PASSWORD })).await;
    assert_eq!(first_error(&duplicate).0, "CONFLICT");

    let token = app.login("new@tin.example").await;
    assert_eq!(app.query_as(&token, ME, json!({})).await["me"]["email"], "new@tin.example");
    app.query_as(
        &desk.admin,
        "mutation($id: ID!) { setUserDisabled(id: $id, disabled: true) { disabled } }",
        json!({ "id": id }),
    )
    .await;
    let (status, body) = app.graphql_as(&token, ME, json!({})).await;
    assert_error(status, &body, 401, "TOKEN_INVALID");
    let login = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }";
    let body = app.graphql(login, json!({ "e": "new@tin.example", "p": PASSWORD })).await;
    assert_eq!(first_error(&body).0, "UNAUTHENTICATED");
    let users = app.query_as(&desk.admin, "{ users { email disabled } }", json!({})).await;
    assert_eq!(users["users"].as_array().map(Vec::len), Some(5));
}

#[actix_web::test]
async fn tokens_signed_with_a_previous_key_verify_during_a_rotation() {
    let old_secret = "the-old-secret-which-is-32-bytes-or-more";
    let mut settings = crate::helpers::serve_settings();
    settings.jwt.jwt_kid = "k2".into();
    settings.jwt.jwt_previous_keys = Some(format!("test-1={old_secret}").parse().expect("secret"));
    let app = crate::helpers::spawn_app_with(settings).await;
    let user = app.add_user("editor@tin.example", Role::Editor, None).await;
    let signed_with_old_key = test_keys(old_secret)
        .sign(&Claims::access(user, Role::Editor, TimeDelta::minutes(15), Utc::now()))
        .expect("signed");
    let data = app.query_as(&signed_with_old_key, ME, json!({})).await;
    assert_eq!(data["me"]["email"], "editor@tin.example");
    // New tokens carry the new kid.
    let fresh = app.login("editor@tin.example").await;
    let header = fresh.split('.').next().expect("header");
    let header: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).expect("b64")).expect("json");
    assert_eq!(header["kid"], "k2");
    assert_eq!(header["alg"], "HS256");
}
