//! The group timer: a state machine over stored instants. Elapsed time is computed from the
//! instants whenever it is read, never by a ticking process.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::money::{Rate, charge_for_minutes};
use super::{Error, Id, Result, Timestamp};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TimerState {
    Idle,
    Running,
    Paused,
    Stopped,
}

impl TimerState {
    pub fn as_str(self) -> &'static str {
        match self {
            TimerState::Idle => "idle",
            TimerState::Running => "running",
            TimerState::Paused => "paused",
            TimerState::Stopped => "stopped",
        }
    }

    pub fn parse(text: &str) -> Result<TimerState> {
        match text {
            "idle" => Ok(TimerState::Idle),
            "running" => Ok(TimerState::Running),
            "paused" => Ok(TimerState::Paused),
            "stopped" => Ok(TimerState::Stopped),
            _ => Err(Error::internal(format!("unknown timer state {text}"))),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    Start,
    Pause,
    Resume,
    Stop,
}

impl Transition {
    pub fn as_str(self) -> &'static str {
        match self {
            Transition::Start => "start",
            Transition::Pause => "pause",
            Transition::Resume => "resume",
            Transition::Stop => "stop",
        }
    }
}

/// A group's timer as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timer {
    pub group_id: Id,
    pub state: TimerState,
    /// Time measured before the current running stretch.
    pub accumulated_ms: i64,
    /// When the current running stretch began; set only while running.
    pub running_since: Option<Timestamp>,
    /// When this run was started.
    pub started_at: Option<Timestamp>,
    pub updated_at: Timestamp,
    pub rate: Option<Rate>,
    /// Bumped by every transition; a write succeeds only on the version it read.
    pub version: i64,
    /// Names this run, so that it can be charged once.
    pub run_id: Option<Id>,
}

/// The timer as the API shows it, with the elapsed time at the moment of reading.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TimerView {
    pub group_id: Uuid,
    pub state: TimerState,
    pub elapsed_ms: i64,
    pub started_at: Option<Timestamp>,
    pub updated_at: Timestamp,
    pub rate: Option<Rate>,
    pub version: i64,
}

impl Timer {
    /// The timer of a group that never ran one.
    pub fn idle(group_id: Id, now: Timestamp) -> Timer {
        Timer {
            group_id,
            state: TimerState::Idle,
            accumulated_ms: 0,
            running_since: None,
            started_at: None,
            updated_at: now,
            rate: None,
            version: 0,
            run_id: None,
        }
    }

    pub fn elapsed_ms(&self, now: Timestamp) -> i64 {
        self.accumulated_ms
            + self
                .running_since
                .map_or(0, |since| now.millis_since(since))
    }

    pub fn view(&self, now: Timestamp) -> TimerView {
        TimerView {
            group_id: self.group_id,
            state: self.state,
            elapsed_ms: self.elapsed_ms(now),
            started_at: self.started_at,
            updated_at: self.updated_at,
            rate: self.rate.clone(),
            version: self.version,
        }
    }

    /// The timer after a transition at `now`, or `Conflict` when the transition is not
    /// allowed from the current state. `rate` only applies to a start.
    pub fn apply(
        &self,
        transition: Transition,
        now: Timestamp,
        rate: Option<Rate>,
        run_id: Id,
    ) -> Result<Timer> {
        use TimerState::*;
        let mut next = self.clone();
        next.updated_at = now;
        next.version = self.version + 1;
        match (transition, self.state) {
            (Transition::Start, Idle | Stopped) => {
                next.state = Running;
                next.accumulated_ms = 0;
                next.running_since = Some(now);
                next.started_at = Some(now);
                next.rate = rate;
                next.run_id = Some(run_id);
            }
            (Transition::Pause, Running) => {
                next.state = Paused;
                next.accumulated_ms = self.elapsed_ms(now);
                next.running_since = None;
            }
            (Transition::Resume, Paused) => {
                next.state = Running;
                next.running_since = Some(now);
            }
            (Transition::Stop, Running | Paused) => {
                next.state = Stopped;
                next.accumulated_ms = self.elapsed_ms(now);
                next.running_since = None;
            }
            (transition, state) => {
                return Err(Error::Conflict(format!(
                    "cannot {} a timer that is {}",
                    transition.as_str(),
                    state.as_str()
                )));
            }
        }
        Ok(next)
    }

    /// What a stopped run costs: whole minutes rounded up, times the rate.
    pub fn amount_due(&self) -> Result<(i64, String)> {
        if self.state != TimerState::Stopped {
            return Err(Error::Conflict(
                "the timer has not been stopped".to_string(),
            ));
        }
        let rate = self
            .rate
            .as_ref()
            .ok_or_else(|| Error::Conflict("the timer has no rate".to_string()))?;
        let amount = charge_for_minutes(self.accumulated_ms, rate)?;
        if amount < 1 {
            return Err(Error::Conflict("the timer measured no time".to_string()));
        }
        Ok((amount, rate.currency.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_millis(1_800_000_000_000 + seconds * 1000)
    }

    fn rate(per_minute: i64) -> Option<Rate> {
        Some(Rate {
            amount_per_minute: per_minute,
            currency: "EUR".to_string(),
        })
    }

    fn run() -> Id {
        crate::domain::new_id()
    }

    #[test]
    fn elapsed_time_counts_only_running_stretches() {
        let timer = Timer::idle(run(), at(0));
        let timer = timer
            .apply(Transition::Start, at(0), rate(50), run())
            .unwrap();
        assert_eq!(timer.elapsed_ms(at(30)), 30_000);
        let timer = timer.apply(Transition::Pause, at(30), None, run()).unwrap();
        assert_eq!(
            timer.elapsed_ms(at(500)),
            30_000,
            "paused time does not count"
        );
        let timer = timer
            .apply(Transition::Resume, at(500), None, run())
            .unwrap();
        assert_eq!(timer.elapsed_ms(at(520)), 50_000);
        let timer = timer.apply(Transition::Stop, at(591), None, run()).unwrap();
        assert_eq!(timer.elapsed_ms(at(9999)), 121_000);
        assert_eq!(timer.version, 4);
        assert_eq!(timer.amount_due().unwrap(), (150, "EUR".to_string()));
    }

    #[test]
    fn every_transition_not_in_the_table_is_a_conflict() {
        use TimerState::*;
        use Transition::*;
        let allowed = [
            (Start, Idle),
            (Start, Stopped),
            (Pause, Running),
            (Resume, Paused),
            (Stop, Running),
            (Stop, Paused),
        ];
        for state in [Idle, Running, Paused, Stopped] {
            let timer = Timer {
                state,
                running_since: (state == Running).then(|| at(0)),
                ..Timer::idle(run(), at(0))
            };
            for transition in [Start, Pause, Resume, Stop] {
                let outcome = timer.apply(transition, at(10), None, run());
                if allowed.contains(&(transition, state)) {
                    assert!(outcome.is_ok(), "{transition:?} from {state:?}");
                } else {
                    assert!(
                        matches!(outcome, Err(Error::Conflict(_))),
                        "{transition:?} from {state:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_new_start_after_stop_runs_from_zero_under_a_new_run() {
        let timer = Timer::idle(run(), at(0))
            .apply(Transition::Start, at(0), rate(10), run())
            .unwrap()
            .apply(Transition::Stop, at(60), None, run())
            .unwrap();
        let again = timer
            .apply(Transition::Start, at(100), None, run())
            .unwrap();
        assert_eq!(again.elapsed_ms(at(100)), 0);
        assert_ne!(again.run_id, timer.run_id);
        assert_eq!(again.rate, None);
    }

    #[test]
    fn only_a_stopped_timer_with_a_rate_and_time_is_due() {
        let running = Timer::idle(run(), at(0))
            .apply(Transition::Start, at(0), rate(10), run())
            .unwrap();
        assert!(matches!(running.amount_due(), Err(Error::Conflict(_))));
        let no_rate = Timer::idle(run(), at(0))
            .apply(Transition::Start, at(0), None, run())
            .unwrap()
            .apply(Transition::Stop, at(5), None, run())
            .unwrap();
        assert!(matches!(no_rate.amount_due(), Err(Error::Conflict(_))));
        let instant = Timer::idle(run(), at(0))
            .apply(Transition::Start, at(0), rate(10), run())
            .unwrap()
            .apply(Transition::Stop, at(0), None, run())
            .unwrap();
        assert!(matches!(instant.amount_due(), Err(Error::Conflict(_))));
    }
}
