use std::collections::HashSet;

use crate::domain::event::Event;
use crate::domain::{Error, Id, Result};
use crate::ports::{FanOutJob, FrameKind, bounded};

use super::Services;

/// What one delivery run did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FanOutOutcome {
    /// Sessions that got the event (pushed or queued).
    pub delivered: usize,
    /// Look-ups and deliveries that failed for a reason a retry may cure (a session whose
    /// inbox is gone is not one: it has ended).
    pub failed: usize,
}

impl Services {
    /// Delivers an event to every live session of every recipient. Up to
    /// `queued_fan_out_above` recipients it runs here; beyond, when the adapters have a
    /// fan-out queue, it is cut into jobs of `fan_out_job_users` recipients for the worker
    /// (and runs here after all if they cannot be queued). The fan-out never fails a
    /// request: what a session missed is in history. Returns how many sessions got it here.
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
        if recipients.len() > self.config.queued_fan_out_above
            && let Some(queue) = &self.ports.fan_out_queue
        {
            let jobs: Vec<FanOutJob> = recipients
                .chunks(self.config.fan_out_job_users.max(1))
                .map(|chunk| FanOutJob {
                    recipients: chunk.to_vec(),
                    event: body.clone(),
                    skip_session,
                })
                .collect();
            match queue.enqueue(&jobs).await {
                Ok(()) => {
                    tracing::debug!(event_id = %event.id, jobs = jobs.len(), "fan-out queued");
                    return 0;
                }
                // Jobs queued before the failure run twice: at least once, same event id.
                Err(error) => {
                    tracing::warn!(%error, event_id = %event.id, "queueing a fan-out failed: delivering here")
                }
            }
        }
        let outcome = self.deliver_event(recipients, &body, skip_session).await;
        if outcome.failed > 0 {
            tracing::warn!(event_id = %event.id, failed = outcome.failed, "some sessions were not reached");
        }
        outcome.delivered
    }

    /// Runs a job of the fan-out worker. `Err` when some look-up or delivery failed for a
    /// reason a retry may cure: the queue then runs the whole job again (its sessions get the
    /// event again under the same id, which clients drop), and after a few tries it goes to
    /// the dead-letter queue.
    pub async fn run_fan_out_job(&self, job: &FanOutJob) -> Result<FanOutOutcome> {
        let outcome = self
            .deliver_event(&job.recipients, &job.event, job.skip_session)
            .await;
        if outcome.failed > 0 {
            return Err(Error::Unavailable(format!(
                "{} of the job's look-ups and deliveries failed",
                outcome.failed
            )));
        }
        Ok(outcome)
    }

    /// Pushes the event on each live session's connection when it has one, and puts it in
    /// its inbox otherwise (and when the push fails: the dead connection is forgotten).
    /// Look-ups, pushes and deliveries each run concurrently, at most `MAX_CALLS_IN_FLIGHT`
    /// calls at a time.
    async fn deliver_event(
        &self,
        recipients: &[Id],
        body: &str,
        skip_session: Option<Id>,
    ) -> FanOutOutcome {
        let (mut targets, mut failed) = self.live_session_ids(recipients).await;
        targets.retain(|id| Some(*id) != skip_session);
        let connections = match self.ports.connections.connections_of(&targets).await {
            Ok(connections) => connections,
            Err(error) => {
                // Unknown connections: the inboxes get everything, which is never wrong.
                tracing::warn!(%error, "connection look-up failed");
                Default::default()
            }
        };
        // Collected first: a lazy iterator of borrowing futures defeats the Send check.
        let pushes: Vec<_> = connections
            .iter()
            .map(|(session_id, connection)| async move {
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
            })
            .collect();
        let fell_back: HashSet<Id> = bounded(pushes).await.into_iter().flatten().collect();
        let mut delivered = connections.len() - fell_back.len();
        let queued: Vec<Id> = targets
            .into_iter()
            .filter(|id| !connections.contains_key(id) || fell_back.contains(id))
            .collect();
        for (session_id, outcome) in self.ports.inbox.deliver_to_each(&queued, body).await {
            match outcome {
                Ok(()) => delivered += 1,
                // The session ended meanwhile: nothing to retry.
                Err(Error::NotFound(_)) => {}
                Err(error) => {
                    failed += 1;
                    tracing::warn!(%error, %session_id, "delivery failed");
                }
            }
        }
        FanOutOutcome { delivered, failed }
    }
}
