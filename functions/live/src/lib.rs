//! The live function: the WebSocket API's `$connect` (the ticket is checked: 401 otherwise),
//! `$disconnect`, and every frame a client sends (`$default`: ping, typing). Events reach the
//! sockets from the other functions' fan-out, through API Gateway's management API.

use chat_core::aws::AwsAdapters;
use chat_core::domain::Error;
use chat_core::domain::live::{CLOSE_SESSION_ENDED, ClientFrame};
use chat_core::http::{error_signal, status_of};
use chat_core::ports::FrameKind;
use chat_core::service::{Caller, Services};
use serde_json::{Value, json};

/// The parts of an API Gateway WebSocket event this function reads.
#[derive(Debug, PartialEq, Eq)]
pub struct SocketEvent {
    pub route_key: String,
    pub connection_id: String,
    pub ticket: Option<String>,
    pub body: Option<String>,
}

impl SocketEvent {
    pub fn parse(event: &Value) -> Option<SocketEvent> {
        let context = event.get("requestContext")?;
        Some(SocketEvent {
            route_key: context.get("routeKey")?.as_str()?.to_string(),
            connection_id: context.get("connectionId")?.as_str()?.to_string(),
            ticket: event
                .pointer("/queryStringParameters/ticket")
                .and_then(Value::as_str)
                .map(str::to_string),
            body: event
                .get("body")
                .and_then(Value::as_str)
                .map(str::to_string),
        })
    }
}

fn answer(status: u16) -> Value {
    json!({ "statusCode": status })
}

/// Handles one WebSocket event; never fails (a failure is a status API Gateway understands).
pub async fn handle(services: &Services, adapters: &AwsAdapters, event: &Value) -> Value {
    let Some(event) = SocketEvent::parse(event) else {
        tracing::warn!("not a WebSocket event");
        return answer(400);
    };
    let outcome = match event.route_key.as_str() {
        "$connect" => connect(services, adapters, &event).await,
        "$disconnect" => disconnect(services, adapters, &event).await,
        _ => frame(services, adapters, &event).await,
    };
    match outcome {
        Ok(status) => answer(status),
        Err(error) => {
            if let Error::Internal(detail) = &error {
                tracing::error!(%detail, route = event.route_key, "live event failed");
            }
            answer(status_of(&error).as_u16())
        }
    }
}

/// A ticket opens a connection for its session (401 before the upgrade otherwise).
async fn connect(
    services: &Services,
    adapters: &AwsAdapters,
    event: &SocketEvent,
) -> chat_core::Result<u16> {
    let caller = services.redeem_ticket(event.ticket.as_deref()).await?;
    adapters
        .remember_connection(&event.connection_id, caller.session.id)
        .await?;
    Ok(200)
}

async fn disconnect(
    services: &Services,
    adapters: &AwsAdapters,
    event: &SocketEvent,
) -> chat_core::Result<u16> {
    if let Some(session_id) = adapters.session_of_connection(&event.connection_id).await? {
        services
            .detach_live(session_id, &event.connection_id)
            .await?;
    }
    adapters.forget_connection(&event.connection_id).await?;
    Ok(200)
}

/// A frame from a client. The first ping attaches the connection to its session (from then
/// on the session's events are pushed here), and every ping is answered with a pong.
async fn frame(
    services: &Services,
    adapters: &AwsAdapters,
    event: &SocketEvent,
) -> chat_core::Result<u16> {
    let Some(caller) = caller_of(services, adapters, &event.connection_id).await? else {
        // The session ended: say so, and hang up.
        services
            .ports
            .push
            .close(&event.connection_id, CLOSE_SESSION_ENDED, "session ended")
            .await?;
        return Ok(200);
    };
    let text = event.body.as_deref().unwrap_or_default();
    if matches!(ClientFrame::parse(text), Ok(ClientFrame::Ping)) {
        services
            .attach_live(caller.session.id, &event.connection_id)
            .await?;
    }
    let reply = match services.live_frame(&caller, text).await {
        Ok(reply) => reply,
        Err(error) => Some(error_signal(&error)),
    };
    if let Some(reply) = reply {
        services
            .ports
            .push
            .push(&event.connection_id, &reply.to_json(), FrameKind::Signal)
            .await?;
    }
    Ok(200)
}

/// Who a connection belongs to, while its session is live.
async fn caller_of(
    services: &Services,
    adapters: &AwsAdapters,
    connection_id: &str,
) -> chat_core::Result<Option<Caller>> {
    let Some(session_id) = adapters.session_of_connection(connection_id).await? else {
        return Ok(None);
    };
    services.caller_of_session(session_id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn websocket_events_are_read_and_anything_else_is_not() {
        let connect = json!({
            "requestContext": { "routeKey": "$connect", "connectionId": "Ab1=", "eventType": "CONNECT" },
            "queryStringParameters": { "ticket": "t-1" },
            "isBase64Encoded": false
        });
        assert_eq!(
            SocketEvent::parse(&connect),
            Some(SocketEvent {
                route_key: "$connect".into(),
                connection_id: "Ab1=".into(),
                ticket: Some("t-1".into()),
                body: None
            })
        );
        let frame = json!({
            "requestContext": { "routeKey": "$default", "connectionId": "Ab1=" },
            "body": "{\"action\":\"ping\"}"
        });
        assert_eq!(
            SocketEvent::parse(&frame).unwrap().body.as_deref(),
            Some("{\"action\":\"ping\"}")
        );
        assert_eq!(SocketEvent::parse(&json!({ "version": "2.0" })), None);
    }
}
