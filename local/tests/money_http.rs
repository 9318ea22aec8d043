//! Timer and money over real HTTP against chat-local.

mod common;

use std::collections::HashMap;

use common::{PASSWORD, Server, create_group, drain, error_code};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

struct Cast {
    admin: String,
    provider: String,
    provider_id: String,
    member: String,
    member_id: String,
    stranger_id: String,
    group: String,
}

/// An admin, a provider and a member in one group, and a stranger in none.
async fn cast(server: &Server) -> Cast {
    server.create_user_with_role("root", "admin");
    let admin = server.login("root", "console").await;
    let (status, body) = server
        .post(
            "/users",
            Some(&admin),
            json!({ "username": "drfox", "password": PASSWORD, "role": "provider" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let provider_id = body["user"]["id"].as_str().unwrap().to_string();
    let member_id = server.sign_up("alice").await;
    let stranger_id = server.sign_up("stranger").await;
    let provider = server.login("drfox", "laptop").await;
    let member = server.login("alice", "phone").await;
    let group = create_group(server, &provider, &[&member_id]).await;
    authorize(server, &member, &provider_id, 1_000_000).await;
    Cast {
        admin,
        provider,
        provider_id,
        member,
        member_id,
        stranger_id,
        group,
    }
}

/// The payer lets the provider charge up to `max_amount` EUR cents; the authorization.
async fn authorize(server: &Server, payer: &str, provider_id: &str, max_amount: i64) -> Value {
    let (status, body) = server
        .post(
            "/wallet/authorizations",
            Some(payer),
            json!({ "provider_id": provider_id, "currency": "EUR", "max_amount": max_amount }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["authorization"].clone()
}

async fn authorizations(server: &Server, payer: &str) -> Vec<Value> {
    let (status, body) = server.get("/wallet/authorizations", payer).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["authorizations"].as_array().unwrap().clone()
}

async fn credit(
    server: &Server,
    cast: &Cast,
    user_id: &str,
    amount: i64,
    key: &str,
) -> (StatusCode, Value) {
    server
        .post(
            &format!("/wallets/{user_id}/credits"),
            Some(&cast.admin),
            json!({ "amount": amount, "currency": "EUR", "idempotency_key": key }),
        )
        .await
}

async fn balance(server: &Server, token: &str) -> i64 {
    let (status, body) = server.get("/wallet", token).await;
    assert_eq!(status, StatusCode::OK);
    body["balances"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["currency"] == "EUR")
        .map_or(0, |b| b["amount"].as_i64().unwrap())
}

async fn ledger_sum(server: &Server, token: &str) -> i64 {
    let (_, body) = server.get("/wallet/entries", token).await;
    body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["amount"].as_i64().unwrap())
        .sum()
}

#[tokio::test]
async fn fifty_concurrent_charges_of_10_against_100_leave_exactly_zero() {
    let server = Server::start();
    let cast = cast(&server).await;
    let (status, body) = credit(&server, &cast, &cast.member_id, 100, "top-up").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["entry"]["amount"], 100);
    let (status, again) = credit(&server, &cast, &cast.member_id, 100, "top-up").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["entry"]["id"], body["entry"]["id"]);
    assert_eq!(
        credit(&server, &cast, &cast.member_id, 99, "top-up")
            .await
            .0,
        StatusCode::CONFLICT
    );

    let charges = (0..50).map(|n| {
        server.post(
            "/charges",
            Some(&cast.provider),
            json!({ "payer_id": cast.member_id, "amount": 10, "currency": "EUR", "idempotency_key": format!("c{n}") }),
        )
    });
    let outcomes = futures_util::future::join_all(charges).await;
    let mut by_status: HashMap<u16, usize> = HashMap::new();
    for (status, body) in &outcomes {
        *by_status.entry(status.as_u16()).or_default() += 1;
        if *status == StatusCode::PAYMENT_REQUIRED {
            assert_eq!(error_code(body), "insufficient_funds");
        }
    }
    assert_eq!(by_status, HashMap::from([(201, 10), (402, 40)]));
    assert_eq!(balance(&server, &cast.member).await, 0);
    assert_eq!(ledger_sum(&server, &cast.member).await, 0);
    assert_eq!(balance(&server, &cast.provider).await, 100);
    assert_eq!(ledger_sum(&server, &cast.provider).await, 100);
    let (_, listed) = server.get("/charges", &cast.member).await;
    assert_eq!(listed["charges"].as_array().unwrap().len(), 10);
}

#[tokio::test]
async fn retries_with_one_key_make_one_charge_and_another_body_is_409() {
    let server = Server::start();
    let cast = cast(&server).await;
    credit(&server, &cast, &cast.member_id, 100, "top-up").await;
    let body = json!({ "payer_id": cast.member_id, "amount": 30, "currency": "EUR", "idempotency_key": "same", "description": "session" });
    let retries = (0..20).map(|_| server.post("/charges", Some(&cast.provider), body.clone()));
    let outcomes = futures_util::future::join_all(retries).await;
    let created = outcomes
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .count();
    let replayed = outcomes
        .iter()
        .filter(|(s, _)| *s == StatusCode::OK)
        .count();
    assert_eq!((created, replayed), (1, 19));
    assert!(
        outcomes
            .iter()
            .all(|(_, b)| b["charge"]["id"] == outcomes[0].1["charge"]["id"])
    );
    assert_eq!(balance(&server, &cast.member).await, 70);
    let mut other = body.clone();
    other["amount"] = json!(31);
    let (status, answer) = server.post("/charges", Some(&cast.provider), other).await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    assert_eq!(balance(&server, &cast.member).await, 70);
}

#[tokio::test]
async fn members_cannot_charge_or_credit_and_providers_only_charge_people_they_share_a_group_with()
{
    let server = Server::start();
    let cast = cast(&server).await;
    credit(&server, &cast, &cast.stranger_id, 100, "s").await;
    // Consent alone is not enough: the provider must also share a group with the payer.
    let stranger = server.login("stranger", "phone").await;
    authorize(&server, &stranger, &cast.provider_id, 1_000).await;
    let charge = |payer: &str, group: Option<&str>| {
        let mut body = json!({ "payer_id": payer, "amount": 10, "currency": "EUR", "idempotency_key": uuid::Uuid::now_v7().to_string() });
        if let Some(group) = group {
            body["group_id"] = json!(group);
        }
        body
    };
    let (status, body) = server
        .post(
            "/charges",
            Some(&cast.member),
            charge(&cast.provider_id, None),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, _) = server
        .post(
            &format!("/wallets/{}/credits", cast.member_id),
            Some(&cast.member),
            json!({ "amount": 5, "currency": "EUR", "idempotency_key": "x" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = server
        .post(
            &format!("/wallets/{}/credits", cast.member_id),
            Some(&cast.provider),
            json!({ "amount": 5, "currency": "EUR", "idempotency_key": "x" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = server
        .post(
            "/charges",
            Some(&cast.provider),
            charge(&cast.stranger_id, None),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(error_code(&body), "forbidden");
    let (status, body) = server
        .post(
            "/charges",
            Some(&cast.provider),
            charge(&cast.stranger_id, Some(&cast.group)),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(error_code(&body), "forbidden");
    // A group the provider is not in does not exist for it.
    let alice_and_stranger = create_group(&server, &cast.member, &[&cast.stranger_id]).await;
    let (status, _) = server
        .post(
            "/charges",
            Some(&cast.provider),
            charge(&cast.stranger_id, Some(&alice_and_stranger)),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        balance(&server, &stranger).await,
        100,
        "nothing was charged"
    );
}

#[tokio::test]
async fn money_routes_return_400_for_bad_input_and_404_for_unknown_users() {
    let server = Server::start();
    let cast = cast(&server).await;
    let member = &cast.member_id;
    let bad_charges = [
        json!({ "payer_id": member, "amount": 0, "currency": "EUR", "idempotency_key": "k" }),
        json!({ "payer_id": member, "amount": -5, "currency": "EUR", "idempotency_key": "k" }),
        json!({ "payer_id": member, "amount": 5, "currency": "eur", "idempotency_key": "k" }),
        json!({ "payer_id": member, "amount": 5, "currency": "EUR" }),
        json!({ "payer_id": member, "amount": 5, "currency": "EUR", "idempotency_key": "" }),
        json!({ "payer_id": member, "currency": "EUR", "idempotency_key": "k" }),
        json!({ "payer_id": member, "amount": 5, "idempotency_key": "k" }),
        json!({ "payer_id": member, "amount": 1.5, "currency": "EUR", "idempotency_key": "k" }),
        json!({ "payer_id": "nobody", "amount": 5, "currency": "EUR", "idempotency_key": "k" }),
        json!({ "payer_id": member, "from_timer": true, "idempotency_key": "k" }),
        json!({ "payer_id": member, "from_timer": true, "group_id": cast.group, "amount": 5, "idempotency_key": "k" }),
        json!({ "payer_id": cast.provider_id, "amount": 5, "currency": "EUR", "idempotency_key": "k" }),
    ];
    for body in bad_charges {
        let (status, answer) = server
            .post("/charges", Some(&cast.provider), body.clone())
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body} -> {answer}");
        assert_eq!(error_code(&answer), "invalid_request");
    }
    let unknown = uuid::Uuid::now_v7();
    let (status, _) = server
        .post(
            "/charges",
            Some(&cast.provider),
            json!({ "payer_id": unknown, "amount": 5, "currency": "EUR", "idempotency_key": "k" }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        credit(&server, &cast, &unknown.to_string(), 5, "u").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        credit(&server, &cast, "not-an-id", 5, "u").await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        credit(&server, &cast, member, 0, "u").await.0,
        StatusCode::BAD_REQUEST
    );
    let (status, _) = server.call(Method::GET, "/wallet", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(balance(&server, &cast.member).await, 0);
}

#[tokio::test]
async fn a_provider_runs_the_timer_and_charges_from_it_and_both_sides_hear_of_it() {
    let server = Server::start();
    let cast = cast(&server).await;
    credit(&server, &cast, &cast.member_id, 1000, "top-up").await;
    let timer = |action: &str| format!("/groups/{}/timer/{action}", cast.group);
    drain(&server, &cast.member).await;
    drain(&server, &cast.provider).await;

    let (status, body) = server
        .get(&format!("/groups/{}/timer", cast.group), &cast.member)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["timer"]["state"], "idle");
    // Invalid transitions from idle.
    for action in ["pause", "resume", "stop"] {
        let (status, body) = server
            .post(&timer(action), Some(&cast.provider), json!({}))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{action}: {body}");
    }
    let (status, _) = server
        .post(&timer("start"), Some(&cast.member), json!({}))
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a plain member may not drive it"
    );
    let (status, _) = server
        .post(
            &timer("start"),
            Some(&cast.provider),
            json!({ "rate": { "amount_per_minute": 0, "currency": "EUR" } }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, body) = server
        .post(
            &timer("start"),
            Some(&cast.provider),
            json!({ "rate": { "amount_per_minute": 50, "currency": "EUR" } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["timer"]["state"], "running");
    assert_eq!(body["timer"]["rate"]["amount_per_minute"], 50);
    for (action, expected_after) in [("start", "running"), ("resume", "running")] {
        let (status, _) = server
            .post(&timer(action), Some(&cast.provider), json!({}))
            .await;
        assert_eq!(
            status,
            StatusCode::CONFLICT,
            "{action} while {expected_after}"
        );
    }
    let (_, paused) = server
        .post(&timer("pause"), Some(&cast.provider), json!({}))
        .await;
    assert_eq!(paused["timer"]["state"], "paused");
    assert_eq!(
        server
            .post(&timer("pause"), Some(&cast.provider), json!({}))
            .await
            .0,
        StatusCode::CONFLICT
    );
    let (_, resumed) = server
        .post(&timer("resume"), Some(&cast.provider), json!({}))
        .await;
    assert_eq!(resumed["timer"]["state"], "running");
    let (_, stopped) = server
        .post(&timer("stop"), Some(&cast.provider), json!({}))
        .await;
    assert_eq!(stopped["timer"]["state"], "stopped");
    assert_eq!(stopped["timer"]["version"], 4);
    assert_eq!(
        server
            .post(&timer("stop"), Some(&cast.provider), json!({}))
            .await
            .0,
        StatusCode::CONFLICT
    );

    let member_events = drain(&server, &cast.member).await;
    let states: Vec<&str> = member_events
        .iter()
        .filter(|e| e["type"] == "timer")
        .map(|e| e["timer"]["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["running", "paused", "running", "stopped"]);
    let started = member_events.iter().find(|e| e["type"] == "timer").unwrap();
    assert_eq!(
        started["timer"]["rate"],
        json!({ "amount_per_minute": 50, "currency": "EUR" }),
        "every member sees the rate a timer was started at"
    );

    let charge = json!({ "payer_id": cast.member_id, "group_id": cast.group, "from_timer": true, "idempotency_key": "visit" });
    // A timer charge draws from the member's authorization like any other.
    let granted = authorize(&server, &cast.member, &cast.provider_id, 49).await;
    let (status, body) = server
        .post("/charges", Some(&cast.provider), charge.clone())
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(error_code(&body), "payment_not_authorized");
    authorize(&server, &cast.member, &cast.provider_id, 80).await;
    let (status, body) = server
        .post("/charges", Some(&cast.provider), charge.clone())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // Well under a minute ran: one started minute at 50.
    assert_eq!(body["charge"]["amount"], 50);
    assert_eq!(body["charge"]["payee_id"], cast.provider_id.as_str());
    assert_eq!(
        server
            .post("/charges", Some(&cast.provider), charge.clone())
            .await
            .0,
        StatusCode::OK
    );
    let mut again = charge.clone();
    again["idempotency_key"] = json!("visit-again");
    assert_eq!(
        server.post("/charges", Some(&cast.provider), again).await.0,
        StatusCode::CONFLICT
    );
    assert_eq!(balance(&server, &cast.member).await, 950);
    let left = authorizations(&server, &cast.member).await;
    assert_eq!(left.len(), 1, "the second grant replaced the first");
    assert_ne!(left[0]["id"], granted["id"]);
    assert_eq!(left[0]["remaining"], 30);

    for token in [&cast.member, &cast.provider] {
        let events = drain(&server, token).await;
        let charges: Vec<&Value> = events.iter().filter(|e| e["type"] == "charge").collect();
        assert_eq!(charges.len(), 1, "{events:?}");
        assert_eq!(charges[0]["charge"]["amount"], 50);
        assert_eq!(charges[0]["group_id"], cast.group.as_str());
    }
}

#[tokio::test]
async fn of_two_concurrent_pauses_one_gets_200_and_one_409() {
    let server = Server::start();
    let cast = cast(&server).await;
    let pause = format!("/groups/{}/timer/pause", cast.group);
    server
        .post(
            &format!("/groups/{}/timer/start", cast.group),
            Some(&cast.provider),
            json!({}),
        )
        .await;
    let (a, b) = tokio::join!(
        server.post(&pause, Some(&cast.provider), json!({})),
        server.post(&pause, Some(&cast.admin), json!({})),
    );
    let mut statuses = [a.0.as_u16(), b.0.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
    let (_, body) = server
        .get(&format!("/groups/{}/timer", cast.group), &cast.member)
        .await;
    assert_eq!(body["timer"]["version"], 2);
}

#[tokio::test]
async fn charges_need_the_payers_authorization_and_draw_it_down_admins_excepted() {
    let server = Server::start();
    let cast = cast(&server).await;
    credit(&server, &cast, &cast.member_id, 1_000, "top-up").await;
    // cast() granted one; start from none.
    let granted = authorizations(&server, &cast.member).await;
    assert_eq!(granted.len(), 1);
    let revoke = |id: &str| format!("/wallet/authorizations/{id}");
    let (status, _) = server
        .call(
            Method::DELETE,
            &revoke(granted[0]["id"].as_str().unwrap()),
            Some(&cast.member),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(authorizations(&server, &cast.member).await.is_empty());

    let charge = |amount: i64| json!({ "payer_id": cast.member_id, "amount": amount, "currency": "EUR", "group_id": cast.group, "idempotency_key": uuid::Uuid::now_v7().to_string() });
    // The stranger's attack from the issue: a group with someone is not consent.
    let (status, body) = server
        .post("/charges", Some(&cast.provider), charge(700))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(error_code(&body), "payment_not_authorized");

    let authorization = authorize(&server, &cast.member, &cast.provider_id, 100).await;
    assert_eq!(authorization["remaining"], 100);
    assert_eq!(authorization["payer_id"], cast.member_id.as_str());
    assert_eq!(authorization["provider_id"], cast.provider_id.as_str());
    assert_eq!(authorization["expires_at"], Value::Null);
    let (status, body) = server
        .post("/charges", Some(&cast.provider), charge(60))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        authorizations(&server, &cast.member).await[0]["remaining"],
        40
    );
    let (status, body) = server
        .post("/charges", Some(&cast.provider), charge(41))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(error_code(&body), "payment_not_authorized");
    // Not another currency either.
    let mut usd = charge(10);
    usd["currency"] = json!("USD");
    let (status, body) = server.post("/charges", Some(&cast.provider), usd).await;
    assert_eq!(error_code(&body), "payment_not_authorized", "{status}");
    assert_eq!(
        balance(&server, &cast.member).await,
        940,
        "refusals changed nothing"
    );
    assert_eq!(
        authorizations(&server, &cast.member).await[0]["remaining"],
        40
    );

    // Admins charge without one (documented), and it draws nothing.
    let (status, body) = server
        .post("/charges", Some(&cast.admin), charge(500))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        authorizations(&server, &cast.member).await[0]["remaining"],
        40
    );

    // The balance still bounds an authorized charge: 402, the authorization untouched.
    let (status, body) = server
        .post("/charges", Some(&cast.provider), charge(40))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    authorize(&server, &cast.member, &cast.provider_id, 10_000).await;
    let (status, body) = server
        .post("/charges", Some(&cast.provider), charge(401))
        .await;
    assert_eq!(status, StatusCode::PAYMENT_REQUIRED, "{body}");
    assert_eq!(
        authorizations(&server, &cast.member).await[0]["remaining"],
        10_000
    );

    // Revoked: only by its payer; after it, nothing.
    let current = authorizations(&server, &cast.member).await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, body) = server
        .call(
            Method::DELETE,
            &revoke(&current),
            Some(&cast.provider),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, _) = server
        .call(Method::DELETE, &revoke(&current), Some(&cast.member), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = server
        .call(Method::DELETE, &revoke(&current), Some(&cast.member), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server
        .call(
            Method::DELETE,
            &revoke("not-an-id"),
            Some(&cast.member),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, body) = server
        .post("/charges", Some(&cast.provider), charge(1))
        .await;
    assert_eq!(error_code(&body), "payment_not_authorized", "{status}");

    // One that expires covers charges until then only.
    let soon = rfc3339_in(1_500);
    let (status, body) = server
        .post(
            "/wallet/authorizations",
            Some(&cast.member),
            json!({ "provider_id": cast.provider_id, "currency": "EUR", "max_amount": 100, "expires_at": soon }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = server
        .post("/charges", Some(&cast.provider), charge(10))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    tokio::time::sleep(std::time::Duration::from_millis(1_600)).await;
    let (status, body) = server
        .post("/charges", Some(&cast.provider), charge(10))
        .await;
    assert_eq!(error_code(&body), "payment_not_authorized", "{status}");
    assert!(
        authorizations(&server, &cast.member).await.is_empty(),
        "expired ones are not listed"
    );
    assert_eq!(
        balance(&server, &cast.member).await,
        1_000 - 60 - 500 - 40 - 10
    );
}

/// An RFC 3339 time `millis` from now.
fn rfc3339_in(millis: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    chat_core::domain::Timestamp::from_millis(now + millis).to_rfc3339()
}

#[tokio::test]
async fn authorization_routes_return_400_for_bad_input_and_404_for_unknown_providers() {
    let server = Server::start();
    let cast = cast(&server).await;
    let provider = &cast.provider_id;
    let bad = [
        json!({ "provider_id": provider, "currency": "EUR", "max_amount": 0 }),
        json!({ "provider_id": provider, "currency": "EUR", "max_amount": -1 }),
        json!({ "provider_id": provider, "currency": "EUR", "max_amount": 100_000_000_001_i64 }),
        json!({ "provider_id": provider, "currency": "euro", "max_amount": 5 }),
        json!({ "provider_id": provider, "max_amount": 5 }),
        json!({ "provider_id": "nobody", "currency": "EUR", "max_amount": 5 }),
        json!({ "provider_id": provider, "currency": "EUR", "max_amount": 5, "expires_at": "2020-01-01T00:00:00Z" }),
        json!({ "provider_id": provider, "currency": "EUR", "max_amount": 5, "expires_at": "tomorrow" }),
        // Not a provider: a member, or oneself.
        json!({ "provider_id": cast.stranger_id, "currency": "EUR", "max_amount": 5 }),
        json!({ "provider_id": cast.member_id, "currency": "EUR", "max_amount": 5 }),
    ];
    for body in bad {
        let (status, answer) = server
            .post("/wallet/authorizations", Some(&cast.member), body.clone())
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body} -> {answer}");
        assert_eq!(error_code(&answer), "invalid_request");
    }
    let (status, answer) = server
        .post(
            "/wallet/authorizations",
            Some(&cast.member),
            json!({ "provider_id": uuid::Uuid::now_v7(), "currency": "EUR", "max_amount": 5 }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{answer}");
    let (status, _) = server
        .call(Method::GET, "/wallet/authorizations", None, None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Nothing of that was stored: only cast()'s grant is there.
    assert_eq!(authorizations(&server, &cast.member).await.len(), 1);
}

/// Every item of a paged list, following `next_cursor`; checks each page's size.
async fn all_pages(
    server: &Server,
    token: &str,
    path: &str,
    field: &str,
    limit: usize,
) -> Vec<Value> {
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(c) => format!("{path}?limit={limit}&cursor={c}"),
            None => format!("{path}?limit={limit}"),
        };
        let (status, body) = server.get(&url, token).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let items = body[field].as_array().unwrap();
        assert!(items.len() <= limit);
        all.extend(items.iter().cloned());
        match body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => return all,
        }
    }
}

#[tokio::test]
async fn the_ledger_and_the_charges_page_every_item_once_and_refuse_bad_paging() {
    let server = Server::start();
    let cast = cast(&server).await;
    credit(&server, &cast, &cast.member_id, 1_000, "top-up").await;
    for n in 1..=6 {
        let (status, body) = server
            .post(
                "/charges",
                Some(&cast.provider),
                json!({ "payer_id": cast.member_id, "amount": n, "currency": "EUR", "idempotency_key": format!("p{n}") }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    for limit in [1, 4, 200] {
        let entries = all_pages(&server, &cast.member, "/wallet/entries", "entries", limit).await;
        let amounts: Vec<i64> = entries
            .iter()
            .map(|e| e["amount"].as_i64().unwrap())
            .collect();
        assert_eq!(
            amounts,
            [1_000, -1, -2, -3, -4, -5, -6],
            "oldest first, limit {limit}"
        );
        let charges = all_pages(&server, &cast.provider, "/charges", "charges", limit).await;
        let amounts: Vec<i64> = charges
            .iter()
            .map(|c| c["amount"].as_i64().unwrap())
            .collect();
        assert_eq!(amounts, [6, 5, 4, 3, 2, 1], "newest first, limit {limit}");
    }
    // Without a limit: 50 at most, and the last page says so.
    let (_, body) = server.get("/charges", &cast.member).await;
    assert_eq!(body["charges"].as_array().unwrap().len(), 6);
    assert_eq!(body["next_cursor"], Value::Null);
    for path in ["/wallet/entries", "/charges"] {
        for bad in ["limit=0", "limit=201", "cursor=%%%", "cursor=Zm9v"] {
            let (status, body) = server.get(&format!("{path}?{bad}"), &cast.member).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path}?{bad}: {body}");
        }
    }
}
