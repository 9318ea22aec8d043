use crate::domain::Id;
use crate::domain::event::Event;

use super::Services;

impl Services {
    /// Delivers an event to every live session of every recipient, all at once: the session
    /// look-ups run concurrently, then the deliveries do. A session that cannot be reached is
    /// logged and skipped: what it missed is in history, and the fan-out never fails a request.
    /// Returns how many inboxes received the event.
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
        let now = self.ports.clock.now();
        let mut targets = Vec::new();
        for (user_id, sessions) in self
            .ports
            .sessions
            .live_sessions_of_users(recipients, now)
            .await
        {
            match sessions {
                Ok(sessions) => targets.extend(
                    sessions
                        .into_iter()
                        .map(|s| s.id)
                        .filter(|id| Some(*id) != skip_session),
                ),
                Err(error) => {
                    tracing::warn!(%error, %user_id, event_id = %event.id, "session look-up failed")
                }
            }
        }
        let mut delivered = 0;
        for (session_id, outcome) in self.ports.inbox.deliver_to_each(&targets, &body).await {
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
