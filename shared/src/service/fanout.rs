use std::collections::HashSet;

use crate::domain::Id;
use crate::domain::event::Event;
use crate::ports::{FrameKind, bounded};

use super::Services;

impl Services {
    /// Delivers an event to every live session of every recipient: pushed on the session's
    /// live connection when it has one, put in its inbox otherwise (and when the push fails:
    /// the dead connection is forgotten). Look-ups, pushes and deliveries each run
    /// concurrently, at most `MAX_CALLS_IN_FLIGHT` calls at a time. A session that cannot be reached is logged and skipped: what it missed is
    /// in history, and the fan-out never fails a request. Returns how many sessions got it.
    pub(super) async fn fan_out(
        &self,
        recipients: &[Id],
        event: &Event,
        skip_session: Option<Id>,
    ) -> usize {
        let body = match serde_json::to_string(event) {
            Ok(body) => body,
            Err(error) => {
                tracing::error!(%error, event_id = %event.id, "event not serialisable");
                return 0;
            }
        };
        let targets: Vec<Id> = self
            .live_session_ids(recipients)
            .await
            .into_iter()
            .filter(|id| Some(*id) != skip_session)
            .collect();
        let connections = match self.ports.connections.connections_of(&targets).await {
            Ok(connections) => connections,
            Err(error) => {
                // Unknown connections: the inboxes get everything, which is never wrong.
                tracing::warn!(%error, event_id = %event.id, "connection look-up failed");
                Default::default()
            }
        };
        // Collected first: a lazy iterator of borrowing futures defeats the Send check.
        let pushes: Vec<_> = connections.iter().map(|(session_id, connection)| {
            let body = &body;
            async move {
                match self
                    .ports
                    .push
                    .push(connection, body, FrameKind::Event)
                    .await
                {
                    Ok(true) => None,
                    outcome => {
                        if let Err(error) = outcome {
                            tracing::warn!(%error, %session_id, "push failed");
                        }
                        if let Err(error) =
                            self.ports.connections.detach(*session_id, connection).await
                        {
                            tracing::warn!(%error, %session_id, "forgetting a connection failed");
                        }
                        Some(*session_id)
                    }
                }
            }
        }).collect();
        let fell_back: HashSet<Id> = bounded(pushes).await.into_iter().flatten().collect();
        let pushed = connections.len() - fell_back.len();
        let queued: Vec<Id> = targets
            .into_iter()
            .filter(|id| !connections.contains_key(id) || fell_back.contains(id))
            .collect();
        let mut delivered = pushed;
        for (session_id, outcome) in self.ports.inbox.deliver_to_each(&queued, &body).await {
            match outcome {
                Ok(()) => delivered += 1,
                Err(error) => {
                    tracing::warn!(%error, %session_id, event_id = %event.id, "delivery failed")
                }
            }
        }
        delivered
    }
}
