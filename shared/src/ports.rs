//! The traits the services need. Adapters (embedded SQLite, AWS) implement them; the
//! conformance suite checks that every adapter set behaves the same.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use crate::domain::group::{Group, GroupRole, Member, MemberRecord, UserGroup};
use crate::domain::live::TicketRecord;
use crate::domain::message::{
    Appended, AttachmentRecord, HistoryPage, HistoryQuery, Message, NewMessage,
};
use crate::domain::money::{
    Authorization, Balance, Charge, ChargeRequest, CreditRequest, Idempotency, LedgerEntry,
};
use crate::domain::page::{Page, PageRequest};
use crate::domain::session::{Session, SessionRecord};
use crate::domain::timer::Timer;
use crate::domain::user::{User, UserRecord};
use crate::domain::{Id, Result, Timestamp};

pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}

/// The wall clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let since_epoch = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Timestamp::from_millis(i64::try_from(since_epoch.as_millis()).unwrap_or(i64::MAX))
    }
}

/// A clock that moves only when told to: for tests of anything measured in time.
pub struct ManualClock {
    millis: std::sync::atomic::AtomicI64,
}

impl ManualClock {
    pub fn new(start: Timestamp) -> ManualClock {
        ManualClock {
            millis: std::sync::atomic::AtomicI64::new(start.as_millis()),
        }
    }

    pub fn advance(&self, by: Duration) {
        let by = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.millis
            .fetch_add(by, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_millis(self.millis.load(std::sync::atomic::Ordering::SeqCst))
    }
}

#[async_trait]
pub trait UserStore: Send + Sync {
    /// `Conflict` when the username is taken, ignoring case.
    async fn insert_user(&self, record: &UserRecord) -> Result<()>;
    /// The user without the password hash: only log-in, which looks users up by name, reads
    /// hashes (on AWS the other functions' IAM cannot read the hash attribute).
    async fn user_by_id(&self, id: Id) -> Result<Option<User>>;
    /// Which of `ids` name no user, in their order: one round trip per 100 on DynamoDB, so a
    /// 500-member group is checked in five.
    async fn missing_users(&self, ids: &[Id]) -> Result<Vec<Id>>;
    /// Looks a username up ignoring case, with the password hash.
    async fn user_by_username(&self, username: &str) -> Result<Option<UserRecord>>;
}

#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn insert_session(&self, record: &SessionRecord) -> Result<()>;
    /// May return an expired session (expiry deletion is lazy): callers check `expires_at`.
    async fn session_by_id(&self, id: Id) -> Result<Option<SessionRecord>>;
    /// Deleting a session that is gone already is not an error.
    async fn delete_session(&self, id: Id) -> Result<()>;
    /// The user's sessions that are live at `now`.
    async fn live_sessions_of_user(&self, user_id: Id, now: Timestamp) -> Result<Vec<Session>>;
    /// The live sessions of several users, each user's look-up on its own: one failure
    /// does not hide the others. By default the look-ups run concurrently.
    async fn live_sessions_of_users(
        &self,
        user_ids: &[Id],
        now: Timestamp,
    ) -> Vec<(Id, Result<Vec<Session>>)> {
        let lookups: Vec<_> = user_ids
            .iter()
            .map(|id| self.live_sessions_of_user(*id, now))
            .collect();
        user_ids
            .iter()
            .copied()
            .zip(bounded(lookups).await)
            .collect()
    }
    /// The ids of sessions expired at `now`, a page at a time (about `limit`; a page may hold
    /// a few more), each page going on from the last: the sweep deletes them and their inboxes.
    async fn expired_sessions(&self, now: Timestamp, page: &PageRequest) -> Result<Page<Id>>;
    /// Which of `ids` name no stored session (expired ones count as stored), in their order.
    async fn missing_sessions(&self, ids: &[Id]) -> Result<Vec<Id>>;
}

#[async_trait]
pub trait GroupStore: Send + Sync {
    /// Stores a group and its first members at once. With a `direct_key`, `Conflict` when
    /// that pair already has a direct chat. Inserting a group whose id is stored already
    /// finishes it if an earlier insert was cut short (its members not all written) and
    /// changes nothing otherwise: a retried creation never makes a second group.
    async fn insert_group(
        &self,
        group: &Group,
        members: &[Member],
        direct_key: Option<&str>,
    ) -> Result<()>;
    /// Binds a creation's idempotency key to `group_id` unless the key is bound already;
    /// returns the group the key stands for (`group_id` when it was new). `Conflict` when it
    /// is bound with another fingerprint. Keys are kept for good.
    async fn claim_creation_key(&self, idempotency: &Idempotency, group_id: Id) -> Result<Id>;
    async fn group_by_id(&self, id: Id) -> Result<Option<Group>>;
    async fn direct_group(&self, direct_key: &str) -> Result<Option<Group>>;
    /// `NotFound` when the group is gone.
    async fn rename_group(&self, id: Id, name: &str) -> Result<Group>;
    async fn members(&self, group_id: Id) -> Result<Vec<MemberRecord>>;
    /// The group and all its members in one read (one query on DynamoDB): what a send needs.
    /// It may lag a moment behind a change (on DynamoDB an eventually consistent read, half
    /// the capacity of a consistent one): whoever must see the latest asks `member`.
    async fn group_with_members(&self, group_id: Id) -> Result<Option<(Group, Vec<MemberRecord>)>>;
    async fn member(&self, group_id: Id, user_id: Id) -> Result<Option<MemberRecord>>;
    /// `Conflict` when the user is a member already, or when the group has
    /// `MAX_GROUP_MEMBERS` members (checked in the same atomic step as the insert).
    async fn insert_member(&self, group_id: Id, member: &Member) -> Result<()>;
    /// Whether there was such a member.
    async fn delete_member(&self, group_id: Id, user_id: Id) -> Result<bool>;
    async fn set_member_role(&self, group_id: Id, user_id: Id, role: GroupRole) -> Result<()>;
    /// The user's groups with the user's membership and read mark in each.
    async fn groups_of_user(&self, user_id: Id) -> Result<Vec<UserGroup>>;
    /// Hides the group from the member's list while its `last_seq` is at most `hidden_seq`
    /// (None: shows it again). `NotFound` when the user is not a member.
    async fn set_hidden(&self, group_id: Id, user_id: Id, hidden_seq: Option<i64>) -> Result<()>;
    /// Moves the member's read mark forward to `seq` (never back); returns the mark now
    /// stored. `NotFound` when the user is not a member.
    async fn advance_read_seq(&self, group_id: Id, user_id: Id, seq: i64) -> Result<i64>;
}

#[async_trait]
pub trait MessageStore: Send + Sync {
    /// Stores a message with the group's next sequence number, unless the sender already
    /// sent one with this `client_msg_id` to this group: then returns that one.
    /// `last_seq_seen` is the group's `last_seq` as the caller last read it: a hint that saves
    /// a read when it is still current (any value is correct, a stale one costs a retry).
    /// The sender's read mark moves to the new message in the same step. `NotFound` when the
    /// group does not exist or the sender is not a member.
    async fn append_message(&self, message: &NewMessage, last_seq_seen: i64) -> Result<Appended>;
    async fn history(&self, group_id: Id, query: HistoryQuery) -> Result<HistoryPage>;
    /// The group's message with this `seq`, deleted ones included.
    async fn message_at(&self, group_id: Id, seq: i64) -> Result<Option<Message>>;
    /// Sets a message's text and `edited_at`, in one atomic step (two edits at once end with
    /// one of the texts). The same text again changes nothing: `(message, false)`.
    /// `NotFound` without such a message, `Conflict` when it is deleted.
    async fn edit_message(
        &self,
        group_id: Id,
        seq: i64,
        text: &str,
        at: Timestamp,
    ) -> Result<(Message, bool)>;
    /// Empties a message (text and reactions) and marks it deleted; its `seq` stays. False
    /// when it was deleted already. `NotFound` without such a message.
    async fn delete_message(&self, group_id: Id, seq: i64) -> Result<bool>;
    /// Adds (`on`) or takes back one user's reaction with one emoji, idempotently: returns the
    /// message as it is after and whether anything changed. `NotFound` without such a
    /// message; `Conflict` when it is deleted, or when the reaction would be its
    /// [`crate::domain::message::MAX_REACTION_KINDS`]+1st emoji.
    async fn set_reaction(
        &self,
        group_id: Id,
        seq: i64,
        emoji: &str,
        user_id: Id,
        on: bool,
    ) -> Result<(Message, bool)>;
}

/// One message taken from an inbox; `receipt` acknowledges it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    pub receipt: String,
    pub body: String,
}

/// A queue per session: what a device has not yet acknowledged.
#[async_trait]
pub trait Inbox: Send + Sync {
    async fn create_inbox(&self, session_id: Id) -> Result<()>;
    /// Deleting an inbox that is gone already is not an error.
    async fn delete_inbox(&self, session_id: Id) -> Result<()>;
    /// The sessions that have an inbox, a page at a time, each page going on from the last:
    /// the sweep finds inboxes whose session is gone this way.
    async fn inboxes(&self, page: &PageRequest) -> Result<Page<Id>>;
    /// `NotFound` when the session has no inbox.
    async fn deliver(&self, session_id: Id, body: &str) -> Result<()>;
    /// Delivers one body to several inboxes, each on its own (a missing inbox fails only its
    /// own delivery). By default the deliveries run concurrently.
    async fn deliver_to_each(&self, session_ids: &[Id], body: &str) -> Vec<(Id, Result<()>)> {
        let deliveries: Vec<_> = session_ids
            .iter()
            .map(|id| self.deliver(*id, body))
            .collect();
        session_ids
            .iter()
            .copied()
            .zip(bounded(deliveries).await)
            .collect()
    }
    /// Waits up to `wait` and returns as soon as anything is visible. What it returns stays
    /// in the inbox, hidden for the visibility period, until acknowledged.
    /// `NotFound` when the session has no inbox.
    async fn receive(&self, session_id: Id, wait: Duration) -> Result<Vec<Delivery>>;
    /// Deletes what the receipts name. Stale receipts are ignored.
    async fn acknowledge(&self, session_id: Id, receipts: &[String]) -> Result<()>;
    /// Starts a poll of the session's inbox and returns its number: a poll of the same
    /// session still waiting is superseded and ends with no events, so one device holds one
    /// waiting poll (one Lambda on AWS) at most.
    async fn begin_poll(&self, session_id: Id) -> Result<u64>;
    /// Whether `poll` is still the session's latest.
    async fn is_latest_poll(&self, session_id: Id, poll: u64) -> Result<bool>;
    /// Resolves once a later poll of the session has begun. An adapter that cannot tell at
    /// once never resolves: the service also asks `is_latest_poll` between shorter waits.
    async fn superseded(&self, _session_id: Id, _poll: u64) {
        std::future::pending::<()>().await
    }
}

#[async_trait]
pub trait TimerStore: Send + Sync {
    async fn timer(&self, group_id: Id) -> Result<Option<Timer>>;
    /// Writes the timer only over the version it was derived from (`timer.version - 1`, or
    /// none stored when that is 0): `Conflict` when another transition got there first.
    async fn save_timer(&self, timer: &Timer) -> Result<()>;
}

/// Wallets and their ledger. Every change is one atomic step.
#[async_trait]
pub trait Ledger: Send + Sync {
    /// Adds money to a wallet. Returns the entry and whether it is new: a repeated
    /// idempotency key returns the original entry, or `Conflict` if its parameters differ.
    async fn credit(&self, request: &CreditRequest) -> Result<(LedgerEntry, bool)>;
    /// Debits the payer and credits the payee at once, with a ledger entry for each, and
    /// (when the request needs it) draws the amount from the payer's authorization for the
    /// payee and currency. In order of precedence: a repeated idempotency key returns the
    /// original charge, or `Conflict` if its parameters differ; `Conflict` when the
    /// request's `source` was charged already; `PaymentNotAuthorized` without a live
    /// authorization holding enough at the charge's time; `InsufficientFunds` when the
    /// payer's balance would go below zero. A refused charge changes nothing. Keys are kept
    /// as long as the ledger.
    async fn charge(&self, request: &ChargeRequest) -> Result<(Charge, bool)>;
    /// The charge an idempotency key already stands for: `Some` for the same parameters,
    /// `Conflict` for others, `None` when the key is unused.
    async fn replay_charge(&self, idempotency: &Idempotency) -> Result<Option<Charge>>;
    async fn balances(&self, user_id: Id) -> Result<Vec<Balance>>;
    /// A page of the user's ledger entries, oldest first. A cursor not of this list: `Invalid`.
    async fn entries(&self, user_id: Id, page: &PageRequest) -> Result<Page<LedgerEntry>>;
    /// A page of the charges where the user is payer or payee, newest first.
    async fn charges_of_user(&self, user_id: Id, page: &PageRequest) -> Result<Page<Charge>>;
    /// Stores an authorization, replacing the payer's earlier one for the same provider and
    /// currency, if any.
    async fn grant_authorization(&self, authorization: &Authorization) -> Result<()>;
    /// The payer's authorizations, expired ones included, in no particular order.
    async fn authorizations_of(&self, payer_id: Id) -> Result<Vec<Authorization>>;
    /// Deletes the payer's authorization with this id; false when the payer has none such.
    async fn revoke_authorization(&self, payer_id: Id, id: Id) -> Result<bool>;
}

/// Tickets that open the live channel: issued for a session, used once, briefly valid.
#[async_trait]
pub trait LiveTickets: Send + Sync {
    async fn insert_ticket(&self, ticket: &TicketRecord) -> Result<()>;
    /// Takes the ticket away for good and returns its session, unless it is unknown, used
    /// already or expired at `now`. Of two concurrent takes, one wins.
    async fn take_ticket(&self, hash: &[u8; 32], now: Timestamp) -> Result<Option<Id>>;
}

/// Which session has which live connection: one at most per session.
#[async_trait]
pub trait LiveConnections: Send + Sync {
    /// Records the session's connection and returns the one it replaces, if any.
    async fn attach(&self, session_id: Id, connection_id: &str) -> Result<Option<String>>;
    /// Forgets the session's connection if it is still this one (a newer one stays).
    async fn detach(&self, session_id: Id, connection_id: &str) -> Result<()>;
    /// The connection of each of these sessions that has one.
    async fn connections_of(&self, session_ids: &[Id]) -> Result<HashMap<Id, String>>;
}

/// What a pushed frame is: an event (stored, and queued instead when it cannot be pushed) or
/// an ephemeral signal (typing, pong: dropped when it cannot be pushed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameKind {
    Event,
    Signal,
}

/// Sends frames on live connections (API Gateway's management API, or chat-local's sockets).
#[async_trait]
pub trait Push: Send + Sync {
    /// `Ok(false)` when the connection is gone: the caller forgets it and, for an event,
    /// delivers to the session's inbox instead.
    async fn push(&self, connection_id: &str, frame: &str, kind: FrameKind) -> Result<bool>;
    /// Closes the connection with a code and a reason; one that is gone already is no error.
    async fn close(&self, connection_id: &str, code: u16, reason: &str) -> Result<()>;
}

/// The most calls one fan-out (or any batch of per-item calls) has in flight at once: enough
/// to overlap round trips, few enough that a 500-member group's message does not open a
/// thousand connections inside a Lambda's 1,024 file descriptors.
pub const MAX_CALLS_IN_FLIGHT: usize = 32;

/// Runs the calls at most [`MAX_CALLS_IN_FLIGHT`] at a time; the outcomes come in call order.
pub async fn bounded<F: std::future::Future>(calls: impl IntoIterator<Item = F>) -> Vec<F::Output> {
    use futures_util::StreamExt;
    futures_util::stream::iter(calls)
        .buffered(MAX_CALLS_IN_FLIGHT)
        .collect()
        .await
}

/// Who blocked whom. A blocked user cannot put the blocker into a group or a direct chat.
#[async_trait]
pub trait BlockStore: Send + Sync {
    /// Idempotent. `Conflict` beyond `MAX_BLOCKS` blocks of one user.
    async fn block(&self, blocker: Id, blocked: Id) -> Result<()>;
    /// Idempotent.
    async fn unblock(&self, blocker: Id, blocked: Id) -> Result<()>;
    /// The users `blocker` blocked, in no particular order.
    async fn blocked_by(&self, blocker: Id) -> Result<Vec<Id>>;
    /// Which of `candidates` blocked `user`, each once.
    async fn blockers_among(&self, candidates: &[Id], user: Id) -> Result<Vec<Id>>;
}

/// The most users one user may block.
pub const MAX_BLOCKS: usize = 1000;

/// The most deliveries one receive returns (SQS's limit), and so the most receipts an ack
/// may carry.
pub const MAX_DELIVERIES_PER_RECEIVE: usize = 10;

/// Counts of failed attempts (log-ins) per key in fixed time windows, for rate limits. A
/// window is named by its end; its counts are forgotten some time after it.
#[async_trait]
pub trait FailureCounters: Send + Sync {
    /// The failures counted under each key in the window ending at `window_end`, in order.
    async fn failures(&self, keys: &[String], window_end: Timestamp) -> Result<Vec<u32>>;
    /// Counts one failure under each key in that window.
    async fn count_failure(&self, keys: &[String], window_end: Timestamp) -> Result<()>;
}

/// Attachments' records: what was announced for upload, by whom, to which group.
#[async_trait]
pub trait AttachmentStore: Send + Sync {
    async fn insert_attachment(&self, record: &AttachmentRecord) -> Result<()>;
    async fn attachment(&self, id: Id) -> Result<Option<AttachmentRecord>>;
    /// Gives the attachment to the send `claim` (`<sender>/<client_msg_id>`), atomically;
    /// claiming it again for the same send is fine. `Conflict` when another send has it.
    async fn claim_attachment(&self, id: Id, claim: &str) -> Result<()>;
}

/// How a client uploads a file: a PUT of exactly the announced bytes to `url` with `headers`,
/// no bearer token needed, before `expires_at`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct UploadGrant {
    /// Always `PUT`.
    pub method: String,
    pub url: String,
    pub headers: std::collections::BTreeMap<String, String>,
    pub expires_at: Timestamp,
}

/// Where attachments' bytes are kept (S3 on AWS, the data folder on chat-local), reached by
/// signed, expiring URLs: the bytes never pass through a function.
#[async_trait]
pub trait FileStore: Send + Sync {
    /// A signed upload of exactly `size` bytes of `content_type` to `key`: a larger or
    /// smaller body, or another type, is refused.
    async fn upload_grant(
        &self,
        key: &str,
        content_type: &str,
        size: u64,
        expires_at: Timestamp,
    ) -> Result<UploadGrant>;
    /// A signed download link to `key`, served as `content_type` named `filename`.
    async fn download_url(
        &self,
        key: &str,
        filename: &str,
        content_type: &str,
        expires_at: Timestamp,
    ) -> Result<String>;
    /// The size of what was uploaded to `key`; `None` when nothing was.
    async fn stored_size(&self, key: &str) -> Result<Option<u64>>;
    /// Says the file is in a message (one never used is deleted after a day).
    async fn mark_used(&self, key: &str) -> Result<()>;
    /// Deleting a file that is gone already is not an error.
    async fn delete_file(&self, key: &str) -> Result<()>;
}

/// A part of a fan-out handed to a worker: one event for some of its recipients.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FanOutJob {
    /// The users whose live sessions get the event.
    pub recipients: Vec<Id>,
    /// The event, serialised: what each session receives.
    pub event: String,
    /// The session that caused the event and has it already (a sender's).
    pub skip_session: Option<Id>,
}

/// The queue in front of the fan-out worker (SQS and a queue-triggered Lambda on AWS): a
/// large group's fan-out leaves the request for it.
#[async_trait]
pub trait FanOutQueue: Send + Sync {
    /// Queues every job or fails: `Ok` means each one will be run at least once.
    async fn enqueue(&self, jobs: &[FanOutJob]) -> Result<()>;
}

/// One adapter set: everything the services run on.
#[derive(Clone)]
pub struct Ports {
    pub users: Arc<dyn UserStore>,
    pub sessions: Arc<dyn SessionStore>,
    pub groups: Arc<dyn GroupStore>,
    pub messages: Arc<dyn MessageStore>,
    pub inbox: Arc<dyn Inbox>,
    pub timers: Arc<dyn TimerStore>,
    pub ledger: Arc<dyn Ledger>,
    pub tickets: Arc<dyn LiveTickets>,
    pub connections: Arc<dyn LiveConnections>,
    pub push: Arc<dyn Push>,
    pub failures: Arc<dyn FailureCounters>,
    pub blocks: Arc<dyn BlockStore>,
    pub attachments: Arc<dyn AttachmentStore>,
    pub files: Arc<dyn FileStore>,
    /// Where large fan-outs go; `None`: every fan-out runs in the request.
    pub fan_out_queue: Option<Arc<dyn FanOutQueue>>,
    pub clock: Arc<dyn Clock>,
}
