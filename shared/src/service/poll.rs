use std::time::Duration;
use utoipa::ToSchema;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::domain::{Error, Result};

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
    serde_json::from_slice(&json).map_err(|_| invalid())
}

impl Services {
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
        let deliveries = match self
            .ports
            .inbox
            .receive(
                session_id,
                Duration::from_secs_f64(wait).min(self.config.max_poll_wait),
            )
            .await
        {
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
