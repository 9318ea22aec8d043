use serde::Deserialize;
use utoipa::ToSchema;

use crate::domain::event::{Event, EventKind};
use crate::domain::money::Rate;
use crate::domain::policy::{Action, allows};
use crate::domain::timer::{Timer, TimerView, Transition};
use crate::domain::{Error, Id, Result, new_id};

use super::{Caller, Services};

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct StartTimerInput {
    pub rate: Option<Rate>,
}

impl Services {
    pub async fn timer(&self, caller: &Caller, group_id: Id) -> Result<TimerView> {
        self.managed_group(caller, group_id).await?;
        let now = self.ports.clock.now();
        let timer = self.ports.timers.timer(group_id).await?;
        Ok(timer
            .unwrap_or_else(|| Timer::idle(group_id, now))
            .view(now))
    }

    /// Starts, pauses, resumes or stops the group's timer. Only the owner, a provider member
    /// or an admin may; a transition the state does not allow, or one that lost a race with
    /// another, is a `Conflict`. Every member hears of it.
    pub async fn drive_timer(
        &self,
        caller: &Caller,
        group_id: Id,
        transition: Transition,
        rate: Option<Rate>,
    ) -> Result<TimerView> {
        let (_, member) = self.managed_group(caller, group_id).await?;
        if !allows(
            Action::DriveTimer,
            caller.user.role,
            member.map(|m| m.member.role),
        ) {
            return Err(Error::Forbidden(
                "only the group's owner, a provider or an admin may drive the timer".to_string(),
            ));
        }
        if let Some(rate) = &rate {
            rate.validate()?;
        }
        let now = self.ports.clock.now();
        let current = self
            .ports
            .timers
            .timer(group_id)
            .await?
            .unwrap_or_else(|| Timer::idle(group_id, now));
        let next = current.apply(transition, now, rate, new_id())?;
        self.ports.timers.save_timer(&next).await?;
        let view = next.view(now);
        let event = Event::new(
            Some(group_id),
            now,
            EventKind::Timer {
                timer: view.clone(),
            },
        );
        self.fan_out(&self.member_ids(group_id).await?, &event, None)
            .await;
        tracing::info!(%group_id, transition = transition.as_str(), version = view.version, "timer");
        Ok(view)
    }
}
