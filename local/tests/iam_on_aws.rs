//! IAM, tested rather than only written: every event in `events/` runs through its function's
//! router on the AWS adapters, signed as an IAM user that holds exactly that function's
//! policy from `template.yaml`, against an emulator that enforces IAM (`scripts/test` starts a
//! second moto for this, and `scripts/iam-setup.py` makes the users and switches the checks
//! on). A permission missing from the template turns into an AccessDenied, a 500, and a
//! failed test. Run with `--include-ignored`.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chat_core::aws::AwsAdapters;
use chat_core::aws::AwsSettings;
use chat_core::aws::provision::{
    create_attachments_bucket, create_fan_out_queue, create_tables, emulator_adapters_with, reset,
};
use chat_core::http::app;
use chat_core::service::{Config, Services};
use chat_local::FUNCTIONS;
use serde_json::Value;
use tower::ServiceExt;

const VISIBILITY: Duration = Duration::from_secs(30);

/// Everything the code logs while a test runs. A refused call inside a fan-out is logged and
/// skipped (delivery degrades to the inbox, the request still succeeds), so the tests also
/// fail on any AccessDenied in the log.
#[derive(Clone, Default)]
struct Log(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Log {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Log {
    fn capture() -> (Log, tracing::subscriber::DefaultGuard) {
        let log = Log::default();
        let writer = log.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_max_level(tracing::Level::DEBUG)
            .finish();
        (log, tracing::subscriber::set_default(subscriber))
    }

    fn assert_nothing_refused(&self) {
        let text = String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned();
        assert!(
            !text.contains("AccessDenied"),
            "a call was refused:\n{text}"
        );
    }
}

/// The tests share one set of tables (the users' policies name them): one at a time.
static TABLES: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

struct Setup {
    endpoint: String,
    credentials: Value,
    /// The fan-out worker's queue, made by the first reseed.
    fan_out_queue_url: std::sync::OnceLock<String>,
}

impl Setup {
    fn from_env() -> Setup {
        let endpoint = std::env::var("CHAT_TEST_IAM_ENDPOINT").expect(
            "CHAT_TEST_IAM_ENDPOINT must name the IAM-enforcing emulator (scripts/test starts one)",
        );
        let path = std::env::var("CHAT_TEST_IAM_CREDENTIALS")
            .expect("CHAT_TEST_IAM_CREDENTIALS must name scripts/iam-setup.py's output");
        let credentials = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        Setup {
            endpoint,
            credentials,
            fan_out_queue_url: std::sync::OnceLock::new(),
        }
    }

    fn prefix(&self) -> &str {
        self.credentials["prefix"].as_str().unwrap()
    }

    /// Adapters that sign as one of the users `scripts/iam-setup.py` made.
    /// Adapters that sign as one of the users `scripts/iam-setup.py` made. Once the fan-out
    /// queue exists they send every fan-out to it, so each function's right to queue jobs is
    /// tested too.
    async fn adapters_as(&self, user: &Value) -> Arc<AwsAdapters> {
        let mut settings = AwsSettings::with_prefix(self.prefix());
        settings.visibility = VISIBILITY;
        settings.fan_out_queue_url = self.fan_out_queue_url.get().cloned();
        emulator_adapters_with(
            &self.endpoint,
            settings,
            user["access_key_id"].as_str().unwrap(),
            user["secret_access_key"].as_str().unwrap(),
        )
        .await
        .unwrap()
    }

    async fn services_as(&self, user: &Value) -> Arc<Services> {
        let adapters = self.adapters_as(user).await;
        let config = Config {
            queued_fan_out_above: 0,
            ..Config::default()
        };
        Arc::new(Services::new(adapters.ports(), config))
    }

    /// Runs what the fan-out queue holds through the worker, signed as the worker, the way
    /// Lambda's SQS trigger would; returns how many jobs ran.
    async fn run_fan_out_jobs(&self) -> usize {
        let operator = self.adapters_as(&self.credentials["operator"]).await;
        let url = self.fan_out_queue_url.get().expect("the fan-out queue");
        let worker = self.services_as(self.function_user("fan-out")).await;
        let mut ran = 0;
        loop {
            let received = operator
                .sqs()
                .receive_message()
                .queue_url(url)
                .max_number_of_messages(10)
                .send()
                .await
                .unwrap();
            if received.messages().is_empty() {
                return ran;
            }
            let records: Vec<Value> = received
                .messages()
                .iter()
                .map(|m| serde_json::json!({ "messageId": m.message_id(), "body": m.body() }))
                .collect();
            let answer = fan_out::handle(&worker, &serde_json::json!({ "Records": records }))
                .await
                .unwrap();
            assert_eq!(answer["batchItemFailures"], serde_json::json!([]));
            for message in received.messages() {
                operator
                    .sqs()
                    .delete_message()
                    .queue_url(url)
                    .receipt_handle(message.receipt_handle().unwrap())
                    .send()
                    .await
                    .unwrap();
            }
            ran += records.len();
        }
    }

    fn function_user(&self, function: &str) -> &Value {
        let user = &self.credentials["functions"][function];
        assert!(user.is_object(), "template.yaml has no function {function}");
        user
    }

    /// Fresh tables with the fixture the events name, made by the all-powerful operator.
    async fn reseed(&self) {
        let adapters = self.adapters_as(&self.credentials["operator"]).await;
        reset(&adapters).await.unwrap();
        create_tables(&adapters).await.unwrap();
        create_attachments_bucket(&adapters).await.unwrap();
        let url = create_fan_out_queue(&adapters).await.unwrap();
        assert_eq!(self.fan_out_queue_url.get_or_init(|| url.clone()), &url);
        chat_core::fixture::seed(&adapters.ports()).await.unwrap();
    }
}

fn events() -> BTreeMap<String, (String, u16)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../events");
    let statuses = std::fs::read_to_string(dir.join("expected-status.txt")).unwrap();
    statuses
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let (name, status) = line.split_once(' ').unwrap();
            let json = std::fs::read_to_string(dir.join(format!("{name}.json"))).unwrap();
            (name.to_string(), (json, status.trim().parse().unwrap()))
        })
        .collect()
}

#[tokio::test]
#[ignore = "needs the IAM-enforcing emulator: run through scripts/test"]
async fn every_event_gets_its_status_with_only_its_functions_template_permissions() {
    let _tables = TABLES.lock().await;
    let (log, _guard) = Log::capture();
    let setup = Setup::from_env();
    let mut by_function: BTreeMap<&str, usize> = BTreeMap::new();
    let mut fan_out_jobs = 0;
    for (name, (json, expected)) in events() {
        let function = FUNCTIONS
            .iter()
            .filter(|f| name.starts_with(&format!("{}-", f.name)))
            .max_by_key(|f| f.name.len())
            .unwrap_or_else(|| panic!("{name} names no function"));
        setup.reseed().await;
        let services = setup.services_as(setup.function_user(function.name)).await;
        let request = lambda_http::request::from_str(&json).unwrap();
        let response = app((function.routes)(), services)
            .oneshot(request)
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        assert_eq!(
            status,
            expected,
            "{name} as {}: {}",
            function.name,
            String::from_utf8_lossy(&body)
        );
        *by_function.entry(function.name).or_default() += 1;
        fan_out_jobs += setup.run_fan_out_jobs().await;
    }
    assert!(fan_out_jobs > 0, "the worker ran");
    assert_eq!(
        by_function.len(),
        FUNCTIONS.len(),
        "every function ran: {by_function:?}"
    );
    log.assert_nothing_refused();
}

#[tokio::test]
#[ignore = "needs the IAM-enforcing emulator: run through scripts/test"]
async fn the_sweeper_runs_with_only_its_template_permissions() {
    let _tables = TABLES.lock().await;
    let (log, _guard) = Log::capture();
    let setup = Setup::from_env();
    setup.reseed().await;
    let services = setup
        .services_as(setup.function_user("session-sweeper"))
        .await;
    session_sweeper::sweep(&services, 2).await.unwrap();
    log.assert_nothing_refused();
}

#[tokio::test]
#[ignore = "needs the IAM-enforcing emulator: run through scripts/test"]
async fn a_function_is_refused_what_its_policy_does_not_grant() {
    let _tables = TABLES.lock().await;
    let setup = Setup::from_env();
    setup.reseed().await;
    // The timer function may not write to the users table: it cannot make an account.
    let services = setup.services_as(setup.function_user("timer")).await;
    let error = services
        .create_user(
            "mallory",
            "mallory-password-1",
            None,
            chat_core::domain::user::Role::Admin,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(error, chat_core::Error::Internal(_)),
        "refused by IAM, not answered: {error:?}"
    );
}

#[tokio::test]
#[ignore = "needs the IAM-enforcing emulator: run through scripts/test"]
async fn the_live_function_connects_answers_frames_and_disconnects_with_only_its_permissions() {
    let _tables = TABLES.lock().await;
    let (log, _guard) = Log::capture();
    let setup = Setup::from_env();
    setup.reseed().await;
    // A ticket from the login function, for alice's fixture session.
    let login = setup.services_as(setup.function_user("login")).await;
    let alice = login
        .authenticate(Some(chat_core::fixture::ALICE_TOKEN))
        .await
        .unwrap();
    let grant = login
        .issue_ticket(&alice, "wss://example.invalid/live".to_string())
        .await
        .unwrap();
    let adapters = setup.adapters_as(setup.function_user("live")).await;
    let services = Services::new(adapters.ports(), Config::default());
    let event = |route: &str, ticket: Option<&str>, body: Option<&str>| {
        serde_json::json!({
            "requestContext": { "routeKey": route, "connectionId": "iam-conn-1" },
            "queryStringParameters": ticket.map(|t| serde_json::json!({ "ticket": t })),
            "body": body,
        })
    };
    let group = chat_core::fixture::GROUP_ID.to_string();
    let typing = serde_json::json!({ "action": "typing", "group_id": group }).to_string();
    for (route, ticket, body) in [
        ("$connect", Some(grant.ticket.as_str()), None),
        ("$default", None, Some(r#"{"action":"ping"}"#)),
        ("$default", None, Some(typing.as_str())),
        ("$disconnect", None, None),
    ] {
        let answer = live::handle(&services, &adapters, &event(route, ticket, body)).await;
        assert_eq!(answer["statusCode"], 200, "{route} {body:?}");
    }
    // The ticket was used up.
    let again = live::handle(
        &services,
        &adapters,
        &event("$connect", Some(grant.ticket.as_str()), None),
    )
    .await;
    assert_eq!(again["statusCode"], 401);
    log.assert_nothing_refused();
}

#[tokio::test]
#[ignore = "needs the IAM-enforcing emulator: run through scripts/test"]
async fn only_the_login_function_can_read_password_hashes() {
    use chat_core::fixture::ALICE_ID;
    use chat_core::ports::UserStore;
    let _tables = TABLES.lock().await;
    let setup = Setup::from_env();
    setup.reseed().await;
    let login = setup.adapters_as(setup.function_user("login")).await;
    let record = login.user_by_username("alice").await.unwrap().unwrap();
    assert!(record.password_hash.starts_with("$argon2id$"));
    for function in FUNCTIONS.iter().filter(|f| f.name != "login") {
        let adapters = setup.adapters_as(setup.function_user(function.name)).await;
        let user = adapters.user_by_id(ALICE_ID).await.unwrap();
        assert_eq!(
            user.map(|u| u.username).as_deref(),
            Some("alice"),
            "{}",
            function.name
        );
        // The log-in look-up reads the whole item, hash included: refused by IAM.
        let refused = adapters.user_by_username("alice").await;
        assert!(
            matches!(refused, Err(chat_core::Error::Internal(ref detail)) if detail.contains("AccessDenied")),
            "{}: {refused:?}",
            function.name
        );
    }
}
