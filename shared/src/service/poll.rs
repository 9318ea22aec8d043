use std::time::Duration;
use utoipa::ToSchema;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::domain::{Error, Id, Result};
use crate::ports::{Delivery, MAX_DELIVERIES_PER_RECEIVE};

use super::{Caller, Services};

pub const MAX_WAIT_SECONDS: f64 = 20.0;

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct PollInput {
    /// Seconds to wait for events, 0 to 20; 20 when absent.
    #[schema(minimum = 0, maximum = 20)]
    pub wait: Option<f64>,
    /// The ack token of this session's previous poll.
    pub ack: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PollOutput {
    /// Events as stored in the inbox, passed through without re-parsing.
    #[schema(value_type = Vec<crate::domain::event::Event>)]
    pub events: Vec<Box<RawValue>>,
    /// Hands back with the next poll to delete these events; null when there are none.
    pub ack: Option<String>,
}

fn encode_ack(receipts: &[String]) -> Result<String> {
    let json = serde_json::to_vec(receipts).map_err(Error::internal)?;
    Ok(URL_SAFE_NO_PAD.encode(json))
}

fn decode_ack(token: &str) -> Result<Vec<String>> {
    let invalid = || Error::Invalid("ack is not a token from a previous poll".to_string());
    let json = URL_SAFE_NO_PAD.decode(token).map_err(|_| invalid())?;
    let receipts: Vec<String> = serde_json::from_slice(&json).map_err(|_| invalid())?;
    // A poll hands out at most this many: more is no ack of ours.
    if receipts.len() > MAX_DELIVERIES_PER_RECEIVE {
        return Err(invalid());
    }
    Ok(receipts)
}

/// How often a waiting poll checks that no later poll of its session has superseded it, where
/// the adapter cannot say so at once (SQS): a flood of polls on one session frees its Lambdas
/// within this time.
const SUPERSEDE_CHECK: Duration = Duration::from_secs(5);

impl Services {
    /// Waits up to `wait` for the inbox, in steps, ending early (with nothing) when a later
    /// poll of the same session begins.
    async fn wait_for_deliveries(&self, session_id: Id, wait: Duration) -> Result<Vec<Delivery>> {
        let inbox = &self.ports.inbox;
        let poll = inbox.begin_poll(session_id).await?;
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let step_started = tokio::time::Instant::now();
            let step = deadline
                .saturating_duration_since(step_started)
                .min(SUPERSEDE_CHECK);
            let deliveries = tokio::select! {
                received = inbox.receive(session_id, step) => received?,
                () = inbox.superseded(session_id, poll) => return Ok(Vec::new()),
            };
            // An inbox answers empty before its wait is over only when it is shutting down or
            // gone: the poll ends there too.
            let cut_short = step_started.elapsed() + Duration::from_millis(50) < step;
            if !deliveries.is_empty() || cut_short || tokio::time::Instant::now() >= deadline {
                return Ok(deliveries);
            }
            if !inbox.is_latest_poll(session_id, poll).await? {
                return Ok(Vec::new());
            }
        }
    }

    /// Acknowledges the previous batch, then long-polls the caller's own inbox.
    pub async fn poll(&self, caller: &Caller, input: PollInput) -> Result<PollOutput> {
        let wait = input.wait.unwrap_or(MAX_WAIT_SECONDS);
        if !(0.0..=MAX_WAIT_SECONDS).contains(&wait) {
            return Err(Error::Invalid("wait must be 0 to 20 seconds".to_string()));
        }
        let session_id = caller.session.id;
        if let Some(token) = input.ack.as_deref() {
            let receipts = decode_ack(token)?;
            self.ports.inbox.acknowledge(session_id, &receipts).await?;
        }
        let wait = Duration::from_secs_f64(wait).min(self.config.max_poll_wait);
        let deliveries = match self.wait_for_deliveries(session_id, wait).await {
            Ok(deliveries) => deliveries,
            // A queue not visible yet (just created) or lost: a live session gets it (again)
            // and history fills any gap; a session logged out elsewhere gets none.
            Err(Error::NotFound(_)) => {
                let now = self.ports.clock.now();
                match self.ports.sessions.session_by_id(session_id).await? {
                    Some(record) if record.session.is_live(now) => {
                        tracing::warn!(%session_id, "inbox missing for a live session; creating it");
                        self.ports.inbox.create_inbox(session_id).await?;
                        Vec::new()
                    }
                    _ => return Err(Error::Unauthorized("invalid or expired token".to_string())),
                }
            }
            Err(other) => return Err(other),
        };
        let mut events = Vec::with_capacity(deliveries.len());
        let mut receipts = Vec::with_capacity(deliveries.len());
        for delivery in deliveries {
            receipts.push(delivery.receipt);
            match RawValue::from_string(delivery.body) {
                Ok(event) => events.push(event),
                // Not ours to show; acknowledging it drops it.
                Err(error) => tracing::error!(%error, %session_id, "unreadable inbox entry"),
            }
        }
        let ack = if receipts.is_empty() {
            None
        } else {
            Some(encode_ack(&receipts)?)
        };
        Ok(PollOutput { events, ack })
    }
}
