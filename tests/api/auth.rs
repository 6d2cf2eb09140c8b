//! Sign-in, sessions, and every way a token can be wrong.

use bantin_api::auth::{Claims, JwtAlgorithm, JwtKey, KeySet, MAX_TOKEN_BYTES, TOKEN_EXPIRED, TOKEN_INVALID};
use bantin_domain::Role;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{TimeDelta, Utc};
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::helpers::{
    CREATE, Desk, PASSWORD, TEST_JWT_SECRET, TestApp, assert_error, assert_unauthenticated, desk, desk_with,
    first_error, header, partner_token, send, serve_settings, spawn_app, stored,
};

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
    let sign_in = |email: &'static str, password: &'static str| {
        app.post_graphql(None, login, json!({ "e": email, "p": password }))
    };
    let (status, wrong_password, _) = sign_in("writer@tin.example", "nope-nope-nope").await;
    assert_unauthenticated(status, &wrong_password);
    let (status, unknown_email, _) = sign_in("nobody@tin.example", PASSWORD).await;
    assert_unauthenticated(status, &unknown_email);
    assert_eq!(first_error(&wrong_password), first_error(&unknown_email));
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
    let (status, reused, _) = app.post_graphql(None, refresh, json!({ "t": first })).await;
    assert_unauthenticated(status, &reused);
    // The copy's holder is signed out too.
    let (status, after_reuse, _) = app.post_graphql(None, refresh, json!({ "t": second })).await;
    assert_unauthenticated(status, &after_reuse);

    // Logout revokes.
    let data = app
        .query(
            "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { refreshToken } }",
            json!({ "e": "editor@tin.example", "p": PASSWORD }),
        )
        .await;
    let token = data["login"]["refreshToken"].as_str().expect("token").to_owned();
    app.query("mutation($t: String!) { logout(refreshToken: $t) }", json!({ "t": token })).await;
    let (status, body, _) = app.post_graphql(None, refresh, json!({ "t": token })).await;
    assert_unauthenticated(status, &body);
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
    let (status, body) =
        app.graphql_as(&token, "mutation { createTag(name: \"Thử\") { slug } }", json!({})).await;
    assert_unauthenticated(status, &body);

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
    let (status, body, _) =
        app.post_graphql(None, login, json!({ "e": "new@tin.example", "p": PASSWORD })).await;
    assert_unauthenticated(status, &body);
    let users = app.query_as(&desk.admin, "{ users { email disabled authorSlug } }", json!({})).await;
    let users = users["users"].as_array().expect("users");
    assert_eq!(users.len(), 5);
    // Each user's byline, all read at once: three users with authors (two share one), two without.
    let author_of =
        |email: &str| users.iter().find(|user| user["email"] == email).map(|user| user["authorSlug"].clone());
    assert_eq!(author_of("new@tin.example"), Some(json!("minh-anh")));
    assert_eq!(author_of("editor@tin.example"), Some(json!("minh-anh")));
    assert_eq!(author_of("writer@tin.example"), Some(json!("ba-doan")));
    assert_eq!(users.iter().filter(|user| user["authorSlug"].is_null()).count(), 2);
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

/// The Ed25519 example key of RFC 8410 §10.3 (public: §10.1). Published; test use only.
const ED_PRIVATE_PEM: &str = "-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC
-----END PRIVATE KEY-----
";
const ED_PUBLIC_PEM: &str = "-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=
-----END PUBLIC KEY-----
";

fn b64(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

/// Part `index` of a JWT (0 header, 1 claims), decoded.
fn token_part(token: &str, index: usize) -> Value {
    let part = token.split('.').nth(index).expect("a JWT part");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).expect("base64url")).expect("JSON")
}

/// Signs a header and claims exactly as given, so a token can break rules `KeySet::sign` enforces.
fn forge(header: &Value, claims: &Value, algorithm: Algorithm, key: &EncodingKey) -> String {
    let message = format!("{}.{}", b64(header), b64(claims));
    let signature = jsonwebtoken::crypto::sign(message.as_bytes(), key, algorithm).expect("signs");
    format!("{message}.{signature}")
}

/// How a hostile credential reaches the server.
enum Attempt {
    /// `createArticle` with this bearer token, or with no Authorization header at all.
    Write(Option<String>),
    /// The `refresh` mutation with this refresh token.
    Refresh(String),
    /// The full-text feed with this token as `?token=`, as feed readers send it.
    Feed(String),
}

impl Attempt {
    /// Sends the attempt; returns the status, the JSON body and the `WWW-Authenticate` header.
    async fn send(&self, app: &TestApp) -> (u16, Value, Option<String>) {
        let draft = json!({ "input": { "title": "Tin giả danh tòa soạn", "category": "thoi-su" } });
        let (status, body, headers) = match self {
            Attempt::Write(token) => app.post_graphql(token.as_deref(), CREATE, draft).await,
            Attempt::Refresh(token) => app.post_graphql(None, REFRESH, json!({ "t": token })).await,
            Attempt::Feed(token) => {
                send(app.client.get(format!("{}/feeds/latest.json?token={token}", app.address)), None).await
            }
        };
        (status.as_u16(), body, header(&headers, "www-authenticate").map(str::to_owned))
    }
}

/// The `WWW-Authenticate` of a 401 that refused a token the client sent.
const INVALID_TOKEN_CHALLENGE: &str = r#"Bearer error="invalid_token""#;

const REFRESH: &str =
    "mutation($t: String!) { refresh(refreshToken: $t) { accessToken refreshToken user { email } } }";

/// A server signing with `algorithm` (HS256 with the test secret, or EdDSA with the RFC 8410 key),
/// and the key that forges tokens it should accept.
async fn desk_signing_with(algorithm: Algorithm, key_dir: &TempDir) -> (Desk, EncodingKey) {
    let mut settings = serve_settings();
    if algorithm == Algorithm::HS256 {
        return (desk_with(settings).await, EncodingKey::from_secret(TEST_JWT_SECRET.as_bytes()));
    }
    let path = key_dir.path().join("ed25519.pem");
    std::fs::write(&path, ED_PRIVATE_PEM).expect("key written");
    settings.jwt.jwt_algorithm = "EdDSA".into();
    settings.jwt.jwt_secret = None;
    settings.jwt.jwt_private_key_file = Some(path);
    settings.jwt.jwt_kid = "ed-1".into();
    (desk_with(settings).await, EncodingKey::from_ed_pem(ED_PRIVATE_PEM.as_bytes()).expect("Ed25519 key"))
}

#[actix_web::test]
async fn hostile_tokens_on_a_write_get_401_and_a_reason_and_nothing_is_stored() {
    for algorithm in [Algorithm::HS256, Algorithm::EdDSA] {
        let key_dir = tempfile::tempdir().expect("temp dir");
        let (desk, key) = desk_signing_with(algorithm, &key_dir).await;
        let app = &desk.app;
        let sign = |header: &Value, claims: &Value| forge(header, claims, algorithm, &key);
        // The writer's own token, taken apart: forgeries differ from a token the server would
        // accept in exactly one respect.
        let header = token_part(&desk.writer, 0);
        let claims = token_part(&desk.writer, 1);
        let with_claims = |changes: Value| {
            let mut claims = claims.clone();
            for (name, value) in changes.as_object().expect("an object") {
                claims[name] = value.clone();
            }
            claims
        };
        let with_kid = |kid: Option<Value>| {
            let mut header = header.clone();
            let fields = header.as_object_mut().expect("an object");
            match kid {
                Some(kid) => fields.insert("kid".to_owned(), kid),
                None => fields.remove("kid"),
            };
            header
        };
        let kid = header["kid"].clone();
        let now = Utc::now().timestamp();

        let login_for_refresh =
            "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { refreshToken } }";
        let refresh_token =
            |data: Value| data["login"]["refreshToken"].as_str().expect("refresh token").to_owned();
        let live_refresh = refresh_token(
            app.query(login_for_refresh, json!({ "e": "editor@tin.example", "p": PASSWORD })).await,
        );
        // Presenting a revoked refresh token ends the user's other sessions (a write on purpose,
        // see `refresh_tokens_rotate_and_a_reused_one_ends_the_session`); this user has no other
        // session, so anything stored by that attempt would be a real leak.
        app.add_user("former@tin.example", Role::Writer, None).await;
        let revoked_refresh = refresh_token(
            app.query(login_for_refresh, json!({ "e": "former@tin.example", "p": PASSWORD })).await,
        );
        app.query("mutation($t: String!) { logout(refreshToken: $t) }", json!({ "t": revoked_refresh }))
            .await;

        let partner = partner_token(&desk, "feeds:full").await;
        let revoked_partner = partner_token(&desk, "feeds:full").await;
        app.query_as(
            &desk.admin,
            "mutation($id: ID!) { revokePartnerToken(id: $id) { revokedAt } }",
            json!({ "id": token_part(&revoked_partner, 1)["sub"] }),
        )
        .await;
        let users = app.query_as(&desk.admin, "{ users { id email } }", json!({})).await;
        let other = users["users"]
            .as_array()
            .expect("users")
            .iter()
            .find(|u| u["email"] == "other@tin.example")
            .expect("the other writer")["id"]
            .clone();
        app.query_as(
            &desk.admin,
            "mutation($id: ID!) { setUserDisabled(id: $id, disabled: true) { disabled } }",
            json!({ "id": other }),
        )
        .await;

        // Under the size limit, so it is the kid lookup, not the length check, that refuses it.
        let long_kid = sign(&with_kid(Some(json!("k".repeat(5 * 1024)))), &claims);
        assert!(long_kid.len() < MAX_TOKEN_BYTES, "{} bytes", long_kid.len());

        let write = |token: String| Attempt::Write(Some(token));
        let cases = [
            ("no Authorization header", Attempt::Write(None), 401, "UNAUTHENTICATED"),
            (
                "alg none",
                write(format!(
                    "{}.{}.",
                    b64(&json!({ "alg": "none", "typ": "JWT", "kid": kid })),
                    b64(&claims)
                )),
                401,
                TOKEN_INVALID,
            ),
            // Algorithm confusion: on the EdDSA server the public key is the one thing an attacker
            // has; on the HS256 server it is just another wrong secret.
            (
                "HS256 keyed with the Ed25519 public key",
                write(forge(
                    &json!({ "alg": "HS256", "typ": "JWT", "kid": kid }),
                    &claims,
                    Algorithm::HS256,
                    &EncodingKey::from_secret(ED_PUBLIC_PEM.as_bytes()),
                )),
                401,
                TOKEN_INVALID,
            ),
            (
                "exp as a string",
                write(sign(&header, &with_claims(json!({ "exp": (now + 600).to_string() })))),
                401,
                TOKEN_INVALID,
            ),
            (
                "nbf as a string",
                write(sign(&header, &with_claims(json!({ "nbf": now.to_string() })))),
                401,
                TOKEN_INVALID,
            ),
            (
                "expired",
                write(sign(
                    &header,
                    &with_claims(json!({ "iat": now - 4000, "nbf": now - 4000, "exp": now - 3000 })),
                )),
                401,
                TOKEN_EXPIRED,
            ),
            (
                "not valid yet, beyond the leeway",
                write(sign(&header, &with_claims(json!({ "nbf": now + 600, "exp": now + 1500 })))),
                401,
                TOKEN_INVALID,
            ),
            (
                "another issuer",
                write(sign(&header, &with_claims(json!({ "iss": "https://elsewhere.example" })))),
                401,
                TOKEN_INVALID,
            ),
            (
                "another audience",
                write(sign(&header, &with_claims(json!({ "aud": "bantin:elsewhere" })))),
                401,
                TOKEN_INVALID,
            ),
            // A live partner token is a valid credential, just not a newsroom login: the resolver
            // refuses it, and the GraphQL answer that resolved nothing goes out as a 401.
            ("a live partner token", write(partner.clone()), 401, "UNAUTHENTICATED"),
            ("a refresh token as the bearer", write(live_refresh), 401, TOKEN_INVALID),
            ("an unknown kid", write(sign(&with_kid(Some(json!("k9"))), &claims)), 401, TOKEN_INVALID),
            ("no kid", write(sign(&with_kid(None), &claims)), 401, TOKEN_INVALID),
            ("a kid that is a number", write(sign(&with_kid(Some(json!(1))), &claims)), 401, TOKEN_INVALID),
            (
                "a path as kid",
                write(sign(&with_kid(Some(json!("../../etc/passwd"))), &claims)),
                401,
                TOKEN_INVALID,
            ),
            (
                "a kid with quotes and NUL",
                write(sign(&with_kid(Some(json!(format!("{kid}\"\u{0}' OR '1'='1")))), &claims)),
                401,
                TOKEN_INVALID,
            ),
            ("a 5 KB kid", write(long_kid), 401, TOKEN_INVALID),
            (
                "a kid that takes the token over the size limit",
                write(sign(&with_kid(Some(json!("k".repeat(MAX_TOKEN_BYTES)))), &claims)),
                401,
                TOKEN_INVALID,
            ),
            ("a revoked partner token", write(revoked_partner.clone()), 401, TOKEN_INVALID),
            ("a disabled user's access token", write(desk.other_writer.clone()), 401, TOKEN_INVALID),
            ("a revoked refresh token", Attempt::Refresh(revoked_refresh), 401, "UNAUTHENTICATED"),
            (
                "a revoked partner token on the full-text feed",
                Attempt::Feed(revoked_partner),
                401,
                TOKEN_INVALID,
            ),
        ];

        let database = sea_orm::Database::connect(&app._database.url).await.expect("database opens");
        let before = stored(&database).await;
        for (case, attempt, status, code) in cases {
            let (got_status, body, challenge) = attempt.send(app).await;
            let got_code = body["error"]["code"].as_str().map_or_else(|| first_error(&body).0, str::to_owned);
            assert_eq!((got_status, got_code.as_str()), (status, code), "{algorithm:?}, {case}: {body}");
            // RFC 6750: a 401 names the scheme, and says the token was refused when one was sent.
            let expected_challenge = match (status, &attempt) {
                (401, Attempt::Write(None)) => Some("Bearer"),
                (401, _) => Some(INVALID_TOKEN_CHALLENGE),
                _ => None,
            };
            assert_eq!(challenge.as_deref(), expected_challenge, "{algorithm:?}, {case}");
            // A GraphQL refusal keeps its GraphQL body, with no data.
            let data = body["data"].as_object();
            assert!(data.is_none_or(|d| d.values().all(Value::is_null)), "{algorithm:?}, {case}: {body}");
            if let Attempt::Refresh(_) = attempt {
                assert_eq!(body["errors"][0]["extensions"]["reason"], TOKEN_INVALID, "{algorithm:?}, {case}");
            }
            assert_eq!(stored(&database).await, before, "{algorithm:?}, {case}: something was written");
        }

        // The same forging with nothing wrong is accepted and does write, so the refusals above
        // are the checks at work and the counts would have shown a write.
        let (status, body, _) = Attempt::Write(Some(sign(&header, &claims))).send(app).await;
        assert_eq!(status, 200, "{algorithm:?}: {body}");
        assert_eq!(body["data"]["createArticle"]["title"], "Tin giả danh tòa soạn", "{algorithm:?}: {body}");
        assert_ne!(stored(&database).await, before, "{algorithm:?}: the write shows in the counts");
        let _ = database.close().await;
    }
}

#[actix_web::test]
async fn an_operation_refused_for_want_of_a_login_is_a_401_with_a_challenge_and_is_never_kept() {
    let desk = desk().await;
    let app = &desk.app;
    let users = "{ users { email } }";
    let create_tag = "mutation { createTag(name: \"Thử\") { slug } }";

    // Anonymous reads are kept by the response cache (POST and GET alike); refusals must not be,
    // or a client that signs in later could still be told to sign in.
    let get =
        || app.client.get(format!("{}/graphql", app.address)).query(&[("query", users)]).expect("query");
    for attempt in ["first", "second"] {
        for (transport, (status, body, headers)) in
            [("POST", app.post_graphql(None, users, json!({})).await), ("GET", send(get(), None).await)]
        {
            assert_unauthenticated(status, &body);
            let seen = (header(&headers, "www-authenticate"), header(&headers, "cache-control"));
            assert_eq!(seen, (Some("Bearer"), Some("no-store")), "{attempt} {transport}");
            assert_eq!(header(&headers, "x-cache"), None, "{attempt} {transport}: a refusal is never kept");
        }
    }

    // A batch is refused as a whole only when every operation in it was refused.
    let partner = partner_token(&desk, "feeds:full").await;
    let batch = |operations: [&str; 2]| {
        let request = app
            .client
            .post(format!("{}/graphql", app.address))
            .insert_header(("Authorization", format!("Bearer {partner}")));
        let operations: Vec<Value> = operations.iter().map(|query| json!({ "query": query })).collect();
        async move { send(request, Some(&json!(operations))).await }
    };
    let (status, body, headers) = batch([create_tag, users]).await;
    assert_eq!(status.as_u16(), 401, "{body}");
    assert_eq!(header(&headers, "www-authenticate"), Some(INVALID_TOKEN_CHALLENGE));
    let codes: Vec<String> =
        body.as_array().expect("an answer per operation").iter().map(|a| first_error(a).0).collect();
    assert_eq!(codes, ["UNAUTHENTICATED", "UNAUTHENTICATED"], "{body}");
    let (status, body, headers) = batch(["{ publication { name } }", create_tag]).await;
    assert_eq!(status.as_u16(), 200, "one operation was answered: {body}");
    assert_eq!(header(&headers, "www-authenticate"), None);
    assert_eq!(body[0]["data"]["publication"]["name"], "Báo Thử Nghiệm", "{body}");
    assert_eq!(first_error(&body[1]).0, "UNAUTHENTICATED", "{body}");

    // REST's 401s carry the same challenge.
    let (status, body, headers) = send(app.client.get(format!("{}/api/v1/changes", app.address)), None).await;
    assert_error(status, &body, 401, "UNAUTHENTICATED");
    assert_eq!(header(&headers, "www-authenticate"), Some("Bearer"));
}
