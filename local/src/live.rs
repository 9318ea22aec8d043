//! The live channel on chat-local: `GET /live?ticket=T` upgrades to a WebSocket after the
//! ticket is checked (401 otherwise), and the socket task writes what the hub queues for it
//! and answers what the client sends.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chat_core::Error;
use chat_core::embedded::{LiveHub, Outgoing};
use chat_core::http::{AppState, error_signal};
use chat_core::ports::FrameKind;
use chat_core::service::{Caller, Services};
use futures_util::{SinkExt, StreamExt};

/// Close code for a client too slow to take its frames (its events went to its inbox).
const CLOSE_TOO_SLOW: u16 = 1013;

pub async fn open(
    State(services): State<AppState>,
    hub: Arc<LiveHub>,
    Query(query): Query<HashMap<String, String>>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let Ok(upgrade) = upgrade else {
        return Error::Invalid("this route opens a WebSocket: send an upgrade request".into())
            .into_response();
    };
    match services
        .redeem_ticket(query.get("ticket").map(String::as_str))
        .await
    {
        Ok(caller) => upgrade.on_upgrade(move |socket| serve(socket, services, hub, caller)),
        Err(error) => error.into_response(),
    }
}

async fn serve(socket: WebSocket, services: Arc<Services>, hub: Arc<LiveHub>, caller: Caller) {
    let session_id = caller.session.id;
    let (connection_id, mut outgoing) = hub.open_connection();
    let (mut sink, mut incoming) = socket.split();
    if let Err(error) = services.attach_live(session_id, &connection_id).await {
        tracing::warn!(%error, %session_id, "live connection refused");
        hub.close_connection(&connection_id);
        let _ = sink
            .send(Message::Close(Some(CloseFrame {
                code: 1011,
                reason: "try again".into(),
            })))
            .await;
        return;
    }
    let mut unsent = Vec::new();
    loop {
        tokio::select! {
            next = outgoing.recv() => match next {
                Some(Outgoing::Frame { text, kind }) => {
                    if sink.send(Message::Text(text.clone().into())).await.is_err() {
                        if kind == FrameKind::Event {
                            unsent.push(text);
                        }
                        break;
                    }
                }
                Some(Outgoing::Close { code, reason }) => {
                    let frame = CloseFrame { code, reason: reason.into() };
                    let _ = sink.send(Message::Close(Some(frame))).await;
                    break;
                }
                None => {
                    let frame = CloseFrame { code: CLOSE_TOO_SLOW, reason: "too slow".into() };
                    let _ = sink.send(Message::Close(Some(frame))).await;
                    break;
                }
            },
            message = incoming.next() => match message {
                Some(Ok(Message::Text(text))) => {
                    let answer = match services.live_frame(&caller, text.as_str()).await {
                        Ok(answer) => answer,
                        Err(error) => Some(error_signal(&error)),
                    };
                    if let Some(answer) = answer
                        && sink.send(Message::Text(answer.to_json().into())).await.is_err()
                    {
                        break;
                    }
                }
                Some(Ok(Message::Binary(_))) => {
                    let error = Error::Invalid("frames are JSON text".to_string());
                    if sink.send(Message::Text(error_signal(&error).to_json().into())).await.is_err() {
                        break;
                    }
                }
                // Pings are answered by the WebSocket layer itself.
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                Some(Ok(Message::Close(_)) | Err(_)) | None => break,
            },
        }
    }
    // From here pushes to this connection fail and go to the inbox; what was queued for it
    // but not written goes there too, so nothing pushed is lost.
    hub.close_connection(&connection_id);
    outgoing.close();
    while let Some(left) = outgoing.recv().await {
        if let Outgoing::Frame {
            text,
            kind: FrameKind::Event,
        } = left
        {
            unsent.push(text);
        }
    }
    if let Err(error) = services.detach_live(session_id, &connection_id).await {
        tracing::warn!(%error, %session_id, "forgetting a live connection failed");
    }
    services.requeue(session_id, &unsent).await;
}
