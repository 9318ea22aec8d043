use async_trait::async_trait;
use rusqlite::{OptionalExtension, Row, Transaction, params};

use crate::domain::money::Rate;
use crate::domain::money::{
    Authorization, Balance, Charge, ChargeRequest, CreditRequest, EntryKind, Idempotency,
    LedgerEntry,
};
use crate::domain::page::{Page, PageRequest, parse_time_id_cursor};
use crate::domain::timer::{Timer, TimerState};
use crate::domain::{Error, Id, Result, Timestamp};
use crate::ports::{Ledger, TimerStore};

use super::{EmbeddedStore, text_enum};

const TIMER_COLUMNS: &str = "group_id, state, accumulated_ms, running_since, started_at, updated_at, rate_amount, rate_currency, version, run_id";

fn timer_from_row(row: &Row<'_>) -> rusqlite::Result<Timer> {
    let rate_amount: Option<i64> = row.get(6)?;
    let rate_currency: Option<String> = row.get(7)?;
    Ok(Timer {
        group_id: row.get(0)?,
        state: text_enum(row, 1, TimerState::parse)?,
        accumulated_ms: row.get(2)?,
        running_since: row.get(3)?,
        started_at: row.get(4)?,
        updated_at: row.get(5)?,
        rate: rate_amount
            .zip(rate_currency)
            .map(|(amount_per_minute, currency)| Rate {
                amount_per_minute,
                currency,
            }),
        version: row.get(8)?,
        run_id: row.get(9)?,
    })
}

#[async_trait]
impl TimerStore for EmbeddedStore {
    async fn timer(&self, group_id: Id) -> Result<Option<Timer>> {
        self.call(move |conn| {
            Ok(conn
                .prepare_cached(&format!(
                    "SELECT {TIMER_COLUMNS} FROM timers WHERE group_id = ?1"
                ))?
                .query_row([group_id], timer_from_row)
                .optional()?)
        })
        .await
    }

    async fn save_timer(&self, timer: &Timer) -> Result<()> {
        let timer = timer.clone();
        self.call(move |conn| {
            let tx = conn.transaction()?;
            let stored: Option<i64> = tx
                .prepare_cached("SELECT version FROM timers WHERE group_id = ?1")?
.query_row([timer.group_id], |row| row.get(0))
                .optional()?;
            if stored.unwrap_or(0) != timer.version - 1 {
                return Err(Error::Conflict("the timer changed meanwhile; read it again".to_string()));
            }
            let (rate_amount, rate_currency) = match &timer.rate {
                Some(rate) => (Some(rate.amount_per_minute), Some(rate.currency.clone())),
                None => (None, None),
            };
            tx.execute(
                &format!("INSERT OR REPLACE INTO timers ({TIMER_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
                params![
                    timer.group_id,
                    timer.state.as_str(),
                    timer.accumulated_ms,
                    timer.running_since,
                    timer.started_at,
                    timer.updated_at,
                    rate_amount,
                    rate_currency,
                    timer.version,
                    timer.run_id
                ],
            )?;
            tx.commit()?;
            Ok(())
        })
        .await
    }
}

/// The result an idempotency key already stands for: `Some(id)` for the same parameters,
/// `Conflict` for others, `None` when the key is new.
pub(super) fn idempotent_result(
    tx: &Transaction<'_>,
    idempotency: &Idempotency,
) -> Result<Option<Id>> {
    let stored: Option<(String, Id)> = tx
        .prepare_cached(
            "SELECT fingerprint, result_id FROM idempotency WHERE scope = ?1 AND key = ?2",
        )?
        .query_row(params![idempotency.scope, idempotency.key], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?;
    match stored {
        None => Ok(None),
        Some((fingerprint, id)) if fingerprint == idempotency.fingerprint => Ok(Some(id)),
        Some(_) => Err(Error::Conflict(
            "this idempotency_key was used with different parameters".to_string(),
        )),
    }
}

pub(super) fn remember(
    tx: &Transaction<'_>,
    idempotency: &Idempotency,
    result_id: Id,
    at: Timestamp,
) -> Result<()> {
    tx.execute(
        "INSERT INTO idempotency (scope, key, fingerprint, result_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![idempotency.scope, idempotency.key, idempotency.fingerprint, result_id, at],
    )?;
    Ok(())
}

fn add_entry(tx: &Transaction<'_>, entry: &LedgerEntry) -> Result<()> {
    tx.execute(
        "INSERT INTO ledger_entries (id, user_id, amount, currency, kind, charge_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            entry.id,
            entry.user_id,
            entry.amount,
            entry.currency,
            entry.kind.as_str(),
            entry.charge_id,
            entry.created_at
        ],
    )?;
    // Update first: an insert of a negative candidate row would trip the CHECK even when
    // the wallet exists. The CHECK stays as the last guard against going below zero.
    let updated = tx.execute(
        "UPDATE wallets SET balance = balance + ?3 WHERE user_id = ?1 AND currency = ?2",
        params![entry.user_id, entry.currency, entry.amount],
    )?;
    if updated == 0 {
        tx.execute(
            "INSERT INTO wallets (user_id, currency, balance) VALUES (?1, ?2, ?3)",
            params![entry.user_id, entry.currency, entry.amount],
        )?;
    }
    Ok(())
}

/// Takes the charge's amount from the payer's live authorization for the payee.
fn draw_authorization(tx: &Transaction<'_>, charge: &Charge) -> Result<()> {
    let drawn = tx
        .prepare_cached(
            "UPDATE authorizations SET remaining = remaining - ?4
             WHERE payer_id = ?1 AND provider_id = ?2 AND currency = ?3
               AND remaining >= ?4 AND (expires_at IS NULL OR expires_at > ?5)",
        )?
        .execute(params![
            charge.payer_id,
            charge.payee_id,
            charge.currency,
            charge.amount,
            charge.created_at
        ])?;
    if drawn == 0 {
        return Err(charge.not_authorized());
    }
    Ok(())
}

const AUTHORIZATION_COLUMNS: &str =
    "id, payer_id, provider_id, currency, max_amount, remaining, expires_at, created_at";

fn authorization_from_row(row: &Row<'_>) -> rusqlite::Result<Authorization> {
    Ok(Authorization {
        id: row.get(0)?,
        payer_id: row.get(1)?,
        provider_id: row.get(2)?,
        currency: row.get(3)?,
        max_amount: row.get(4)?,
        remaining: row.get(5)?,
        expires_at: row.get(6)?,
        created_at: row.get(7)?,
    })
}

const ENTRY_COLUMNS: &str = "id, user_id, amount, currency, kind, charge_id, created_at";

fn entry_from_row(row: &Row<'_>) -> rusqlite::Result<LedgerEntry> {
    Ok(LedgerEntry {
        id: row.get(0)?,
        user_id: row.get(1)?,
        amount: row.get(2)?,
        currency: row.get(3)?,
        kind: text_enum(row, 4, EntryKind::parse)?,
        charge_id: row.get(5)?,
        created_at: row.get(6)?,
    })
}

const CHARGE_COLUMNS: &str =
    "id, payer_id, payee_id, amount, currency, group_id, description, created_at";

fn charge_from_row(row: &Row<'_>) -> rusqlite::Result<Charge> {
    Ok(Charge {
        id: row.get(0)?,
        payer_id: row.get(1)?,
        payee_id: row.get(2)?,
        amount: row.get(3)?,
        currency: row.get(4)?,
        group_id: row.get(5)?,
        description: row.get(6)?,
        created_at: row.get(7)?,
    })
}

#[async_trait]
impl Ledger for EmbeddedStore {
    async fn credit(&self, request: &CreditRequest) -> Result<(LedgerEntry, bool)> {
        let request = request.clone();
        self.call(move |conn| {
            let tx = conn.transaction()?;
            if let Some(id) = idempotent_result(&tx, &request.idempotency)? {
                let entry = tx
                    .prepare_cached(&format!(
                        "SELECT {ENTRY_COLUMNS} FROM ledger_entries WHERE id = ?1"
                    ))?
                    .query_row([id], entry_from_row)?;
                return Ok((entry, false));
            }
            add_entry(&tx, &request.entry)?;
            remember(
                &tx,
                &request.idempotency,
                request.entry.id,
                request.entry.created_at,
            )?;
            tx.commit()?;
            Ok((request.entry, true))
        })
        .await
    }

    async fn charge(&self, request: &ChargeRequest) -> Result<(Charge, bool)> {
        let request = request.clone();
        self.call(move |conn| {
            let tx = conn.transaction()?;
            if let Some(id) = idempotent_result(&tx, &request.idempotency)? {
                let charge = tx.prepare_cached(&format!("SELECT {CHARGE_COLUMNS} FROM charges WHERE id = ?1"))?
.query_row([id],
                    charge_from_row,
                )?;
                return Ok((charge, false));
            }
            let charge = &request.charge;
            if let Some(source) = &request.source {
                let charged: Option<i64> = tx
                    .prepare_cached("SELECT 1 FROM charges WHERE source = ?1")?
.query_row([source], |row| row.get(0))
                    .optional()?;
                if charged.is_some() {
                    return Err(Error::Conflict("this timer run has been charged already".to_string()));
                }
            }
            if request.needs_authorization {
                draw_authorization(&tx, charge)?;
            }
            let balance: i64 = tx
                .prepare_cached("SELECT balance FROM wallets WHERE user_id = ?1 AND currency = ?2")?
.query_row(params![charge.payer_id, charge.currency],
                    |row| row.get(0),
                )
                .optional()?
                .unwrap_or(0);
            if balance < charge.amount {
                return Err(Error::InsufficientFunds(format!(
                    "the payer's {} balance is too low for this charge",
                    charge.currency
                )));
            }
            tx.execute(
                &format!("INSERT INTO charges ({CHARGE_COLUMNS}, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"),
                params![
                    charge.id,
                    charge.payer_id,
                    charge.payee_id,
                    charge.amount,
                    charge.currency,
                    charge.group_id,
                    charge.description,
                    charge.created_at,
                    request.source
                ],
            )?;
            for entry in charge.ledger_entries() {
                add_entry(&tx, &entry)?;
            }
            remember(&tx, &request.idempotency, charge.id, charge.created_at)?;
            tx.commit()?;
            Ok((request.charge, true))
        })
        .await
    }

    async fn replay_charge(&self, idempotency: &Idempotency) -> Result<Option<Charge>> {
        let idempotency = idempotency.clone();
        self.call(move |conn| {
            let tx = conn.transaction()?;
            let Some(id) = idempotent_result(&tx, &idempotency)? else {
                return Ok(None);
            };
            let charge = tx
                .prepare_cached(&format!(
                    "SELECT {CHARGE_COLUMNS} FROM charges WHERE id = ?1"
                ))?
                .query_row([id], charge_from_row)?;
            Ok(Some(charge))
        })
        .await
    }

    async fn balances(&self, user_id: Id) -> Result<Vec<Balance>> {
        self.call(move |conn| {
            let mut statement = conn.prepare_cached(
                "SELECT currency, balance FROM wallets WHERE user_id = ?1 ORDER BY currency",
            )?;
            let rows = statement.query_map([user_id], |row| {
                Ok(Balance {
                    currency: row.get(0)?,
                    amount: row.get(1)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn entries(&self, user_id: Id, page: &PageRequest) -> Result<Page<LedgerEntry>> {
        // Oldest first: the first page starts before every (time, id).
        let (time, id) = match &page.after {
            Some(cursor) => parse_time_id_cursor(cursor)?,
            None => (i64::MIN, Id::nil()),
        };
        let limit = page.limit;
        self.call(move |conn| {
            let mut statement = conn.prepare_cached(&format!(
                "SELECT {ENTRY_COLUMNS} FROM ledger_entries
                 WHERE user_id = ?1 AND (created_at, id) > (?2, ?3)
                 ORDER BY created_at, id LIMIT ?4"
            ))?;
            let rows = statement
                .query_map(params![user_id, time, id, limit as i64 + 1], entry_from_row)?;
            let items = rows.collect::<rusqlite::Result<_>>()?;
            Ok(Page::from_one_extra(items, limit, |e: &LedgerEntry| {
                format!("{}:{}", e.created_at.as_millis(), e.id)
            }))
        })
        .await
    }

    async fn charges_of_user(&self, user_id: Id, page: &PageRequest) -> Result<Page<Charge>> {
        // Newest first: the first page starts after every (time, id).
        let (time, id) = match &page.after {
            Some(cursor) => parse_time_id_cursor(cursor)?,
            None => (i64::MAX, Id::max()),
        };
        let limit = page.limit;
        self.call(move |conn| {
            let mut statement = conn.prepare_cached(&format!(
                "SELECT {CHARGE_COLUMNS} FROM (
                     SELECT {CHARGE_COLUMNS} FROM charges WHERE payer_id = ?1
                     UNION ALL
                     SELECT {CHARGE_COLUMNS} FROM charges WHERE payee_id = ?1 AND payer_id != ?1
                 )
                 WHERE (created_at, id) < (?2, ?3)
                 ORDER BY created_at DESC, id DESC LIMIT ?4"
            ))?;
            let rows = statement.query_map(
                params![user_id, time, id, limit as i64 + 1],
                charge_from_row,
            )?;
            let items = rows.collect::<rusqlite::Result<_>>()?;
            Ok(Page::from_one_extra(items, limit, |c: &Charge| {
                format!("{}:{}", c.created_at.as_millis(), c.id)
            }))
        })
        .await
    }

    async fn grant_authorization(&self, authorization: &Authorization) -> Result<()> {
        let a = authorization.clone();
        self.call(move |conn| {
            conn.prepare_cached(&format!(
                "INSERT OR REPLACE INTO authorizations ({AUTHORIZATION_COLUMNS})
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
            ))?
            .execute(params![
                a.id,
                a.payer_id,
                a.provider_id,
                a.currency,
                a.max_amount,
                a.remaining,
                a.expires_at,
                a.created_at
            ])?;
            Ok(())
        })
        .await
    }

    async fn authorizations_of(&self, payer_id: Id) -> Result<Vec<Authorization>> {
        self.call(move |conn| {
            let mut statement = conn.prepare_cached(&format!(
                "SELECT {AUTHORIZATION_COLUMNS} FROM authorizations WHERE payer_id = ?1"
            ))?;
            let rows = statement.query_map([payer_id], authorization_from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn revoke_authorization(&self, payer_id: Id, id: Id) -> Result<bool> {
        self.call(move |conn| {
            let deleted = conn
                .prepare_cached("DELETE FROM authorizations WHERE payer_id = ?1 AND id = ?2")?
                .execute(params![payer_id, id])?;
            Ok(deleted > 0)
        })
        .await
    }
}
