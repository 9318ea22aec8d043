use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem, Update};

use super::attrs::{
    Item, get_id, get_n, get_opt_id, get_opt_n, get_opt_s, get_opt_time, get_s, get_time, id, item,
    n, s, sortable_time, time, transact_put,
};
use super::messages::{back_off, contended, failed_conditions};
use super::{AwsAdapters, sdk_error, written};
use crate::domain::money::{
    Authorization, Balance, Charge, ChargeRequest, CreditRequest, EntryKind, Idempotency,
    LedgerEntry, Rate,
};
use crate::domain::page::{Page, PageRequest, check_prefixed_cursor};
use crate::domain::timer::{Timer, TimerState};
use crate::domain::{Error, Id, Result, Timestamp};
use crate::ports::{Ledger, TimerStore};

const TIMER_SK: &str = "TIMER";
const LEDGER_ATTEMPTS: usize = 10;

fn timer_from(item: &Item) -> Result<Timer> {
    let rate = match (
        get_opt_n(item, "rate_amount")?,
        get_opt_s(item, "rate_currency"),
    ) {
        (Some(amount_per_minute), Some(currency)) => Some(Rate {
            amount_per_minute,
            currency,
        }),
        _ => None,
    };
    Ok(Timer {
        group_id: get_id(item, "pk")?,
        state: TimerState::parse(&get_s(item, "state")?)?,
        accumulated_ms: get_n(item, "accumulated_ms")?,
        running_since: get_opt_time(item, "running_since")?,
        started_at: get_opt_time(item, "started_at")?,
        updated_at: get_time(item, "updated_at")?,
        rate,
        version: get_n(item, "version")?,
        run_id: get_opt_id(item, "run_id")?,
    })
}

#[async_trait]
impl TimerStore for AwsAdapters {
    async fn timer(&self, group_id: Id) -> Result<Option<Timer>> {
        self.group_item(group_id.to_string(), TIMER_SK)
            .await?
            .as_ref()
            .map(timer_from)
            .transpose()
    }

    async fn save_timer(&self, timer: &Timer) -> Result<()> {
        let timer_item = item([
            ("pk", Some(id(timer.group_id))),
            ("sk", Some(s(TIMER_SK))),
            ("state", Some(s(timer.state.as_str()))),
            ("accumulated_ms", Some(n(timer.accumulated_ms))),
            ("running_since", timer.running_since.map(time)),
            ("started_at", timer.started_at.map(time)),
            ("updated_at", Some(time(timer.updated_at))),
            (
                "rate_amount",
                timer.rate.as_ref().map(|r| n(r.amount_per_minute)),
            ),
            ("rate_currency", timer.rate.as_ref().map(|r| s(&r.currency))),
            ("version", Some(n(timer.version))),
            ("run_id", timer.run_id.map(id)),
        ]);
        let previous = timer.version - 1;
        let mut put = self
            .db
            .put_item()
            .table_name(&self.settings.groups_table)
            .set_item(Some(timer_item));
        put = if previous == 0 {
            put.condition_expression("attribute_not_exists(pk)")
        } else {
            put.condition_expression("version = :previous")
                .expression_attribute_values(":previous", n(previous))
        };
        written(self.meter.dynamodb(put.send()).await, "PutItem timer")?
            .map(|_| ())
            .ok_or_else(|| {
                Error::Conflict("the timer changed meanwhile; read it again".to_string())
            })
    }
}

fn wallet_pk(user_id: Id) -> String {
    format!("WALLET#{user_id}")
}

fn idempotency_key(idempotency: &Idempotency) -> String {
    format!("IDEM#{}#{}", idempotency.scope, idempotency.key)
}

fn entry_item(entry: &LedgerEntry) -> Item {
    item([
        ("pk", Some(s(wallet_pk(entry.user_id)))),
        (
            "sk",
            Some(s(format!(
                "ENTRY#{}#{}",
                sortable_time(entry.created_at),
                entry.id
            ))),
        ),
        ("id", Some(id(entry.id))),
        ("user_id", Some(id(entry.user_id))),
        ("amount", Some(n(entry.amount))),
        ("currency", Some(s(&entry.currency))),
        ("kind", Some(s(entry.kind.as_str()))),
        ("charge_id", entry.charge_id.map(id)),
        ("created_at", Some(time(entry.created_at))),
    ])
}

fn entry_from(item: &Item) -> Result<LedgerEntry> {
    Ok(LedgerEntry {
        id: get_id(item, "id")?,
        user_id: get_id(item, "user_id")?,
        amount: get_n(item, "amount")?,
        currency: get_s(item, "currency")?,
        kind: EntryKind::parse(&get_s(item, "kind")?)?,
        charge_id: get_opt_id(item, "charge_id")?,
        created_at: get_time(item, "created_at")?,
    })
}

fn charge_item(owner: Id, charge: &Charge) -> Item {
    item([
        ("pk", Some(s(wallet_pk(owner)))),
        (
            "sk",
            Some(s(format!(
                "CHARGE#{}#{}",
                sortable_time(charge.created_at),
                charge.id
            ))),
        ),
        ("id", Some(id(charge.id))),
        ("payer_id", Some(id(charge.payer_id))),
        ("payee_id", Some(id(charge.payee_id))),
        ("amount", Some(n(charge.amount))),
        ("currency", Some(s(&charge.currency))),
        ("group_id", charge.group_id.map(id)),
        ("description", charge.description.as_ref().map(s)),
        ("created_at", Some(time(charge.created_at))),
    ])
}

fn charge_from(item: &Item) -> Result<Charge> {
    Ok(Charge {
        id: get_id(item, "id")?,
        payer_id: get_id(item, "payer_id")?,
        payee_id: get_id(item, "payee_id")?,
        amount: get_n(item, "amount")?,
        currency: get_s(item, "currency")?,
        group_id: get_opt_id(item, "group_id")?,
        description: get_opt_s(item, "description"),
        created_at: get_time(item, "created_at")?,
    })
}

fn add_to_balance(
    table: &str,
    user_id: Id,
    currency: &str,
    amount: i64,
) -> Result<TransactWriteItem> {
    Update::builder()
        .table_name(table)
        .key("pk", s(wallet_pk(user_id)))
        .key("sk", s(format!("BALANCE#{currency}")))
        .update_expression("ADD balance :amount SET currency = :currency")
        .expression_attribute_values(":amount", n(amount))
        .expression_attribute_values(":currency", s(currency))
        .build()
        .map(|update| TransactWriteItem::builder().update(update).build())
        .map_err(Error::internal)
}

fn authorization_sk(provider_id: Id, currency: &str) -> String {
    format!("AUTH#{provider_id}#{currency}")
}

/// Takes the charge's amount from the payer's live authorization for the payee; fails its
/// condition (and so the whole transaction) without one holding enough.
fn draw_authorization(table: &str, charge: &Charge) -> Result<TransactWriteItem> {
    Update::builder()
        .table_name(table)
        .key("pk", s(wallet_pk(charge.payer_id)))
        .key("sk", s(authorization_sk(charge.payee_id, &charge.currency)))
        .update_expression("SET remaining = remaining - :amount")
        .condition_expression(
            "remaining >= :amount AND (attribute_not_exists(expires_at) OR expires_at > :at)",
        )
        .expression_attribute_values(":amount", n(charge.amount))
        .expression_attribute_values(":at", time(charge.created_at))
        .build()
        .map(|update| TransactWriteItem::builder().update(update).build())
        .map_err(Error::internal)
}

fn authorization_item(a: &Authorization) -> Item {
    item([
        ("pk", Some(s(wallet_pk(a.payer_id)))),
        ("sk", Some(s(authorization_sk(a.provider_id, &a.currency)))),
        ("id", Some(id(a.id))),
        ("payer_id", Some(id(a.payer_id))),
        ("provider_id", Some(id(a.provider_id))),
        ("currency", Some(s(&a.currency))),
        ("max_amount", Some(n(a.max_amount))),
        ("remaining", Some(n(a.remaining))),
        ("expires_at", a.expires_at.map(time)),
        ("created_at", Some(time(a.created_at))),
    ])
}

fn authorization_from(item: &Item) -> Result<Authorization> {
    Ok(Authorization {
        id: get_id(item, "id")?,
        payer_id: get_id(item, "payer_id")?,
        provider_id: get_id(item, "provider_id")?,
        currency: get_s(item, "currency")?,
        max_amount: get_n(item, "max_amount")?,
        remaining: get_n(item, "remaining")?,
        expires_at: get_opt_time(item, "expires_at")?,
        created_at: get_time(item, "created_at")?,
    })
}

/// The write that claims an idempotency key for a ledger change, failing its condition when
/// the key is taken. Kept as long as the ledger (no expiry, no TTL): a retry weeks later must
/// not charge twice. Records from before carry `expires_at` and may be reused after it.
fn claim(
    table: &str,
    idempotency: &Idempotency,
    result: &impl serde::Serialize,
    now: Timestamp,
) -> Result<TransactWriteItem> {
    let result = serde_json::to_string(result).map_err(Error::internal)?;
    Put::builder()
        .table_name(table)
        .set_item(Some(item([
            ("key", Some(s(idempotency_key(idempotency)))),
            ("fingerprint", Some(s(&idempotency.fingerprint))),
            ("result", Some(s(result))),
        ])))
        .condition_expression("attribute_not_exists(#key) OR expires_at < :now")
        .expression_attribute_names("#key", "key")
        .expression_attribute_values(":now", time(now))
        .build()
        .map(|put| TransactWriteItem::builder().put(put).build())
        .map_err(Error::internal)
}

impl AwsAdapters {
    /// What a used key stands for: the stored result for the same parameters, `Conflict`
    /// for others, `None` when the record is gone (expired meanwhile).
    async fn replay<T: serde::de::DeserializeOwned>(
        &self,
        idempotency: &Idempotency,
        now: Timestamp,
    ) -> Result<Option<T>> {
        let Some(record) = self
            .idempotency_record(&idempotency_key(idempotency), now)
            .await?
        else {
            return Ok(None);
        };
        if get_s(&record, "fingerprint")? != idempotency.fingerprint {
            return Err(Error::Conflict(
                "this idempotency_key was used with different parameters".to_string(),
            ));
        }
        serde_json::from_str(&get_s(&record, "result")?)
            .map(Some)
            .map_err(Error::internal)
    }

    /// A page of one kind of the wallet's items (by sort-key prefix); the cursor is the last
    /// item's sort key, and the next page starts after it.
    async fn wallet_page(
        &self,
        user_id: Id,
        prefix: &str,
        newest_first: bool,
        page: &PageRequest,
    ) -> Result<(Vec<Item>, Option<String>)> {
        let pk = wallet_pk(user_id);
        let start = match &page.after {
            Some(cursor) => {
                let sk = check_prefixed_cursor(cursor, prefix)?;
                Some(HashMap::from([
                    ("pk".to_string(), s(&pk)),
                    ("sk".to_string(), s(sk)),
                ]))
            }
            None => None,
        };
        let wanted = page.limit + 1;
        let query = self
            .db
            .query()
            .table_name(&self.settings.money_table)
            .consistent_read(true)
            .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
            .expression_attribute_values(":pk", s(&pk))
            .expression_attribute_values(":prefix", s(prefix))
            .scan_index_forward(!newest_first)
            .limit(wanted as i32);
        let items = self
            .query_all_from(query, "Query money", Some(wanted), start)
            .await?;
        let page = Page::from_one_extra(items, page.limit, |item| {
            get_s(item, "sk").unwrap_or_default()
        });
        Ok((page.items, page.next))
    }

    async fn wallet_items(
        &self,
        user_id: Id,
        prefix: &str,
        newest_first: bool,
        limit: Option<i32>,
    ) -> Result<Vec<Item>> {
        let query = self
            .db
            .query()
            .table_name(&self.settings.money_table)
            .consistent_read(true)
            .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
            .expression_attribute_values(":pk", s(wallet_pk(user_id)))
            .expression_attribute_values(":prefix", s(prefix))
            .scan_index_forward(!newest_first)
            .set_limit(limit);
        let mut items = self
            .query_all(query, "Query money", limit.map(|l| l as usize))
            .await?;
        if let Some(limit) = limit {
            items.truncate(limit as usize);
        }
        Ok(items)
    }
}

#[async_trait]
impl Ledger for AwsAdapters {
    async fn credit(&self, request: &CreditRequest) -> Result<(LedgerEntry, bool)> {
        let table = &self.settings.money_table;
        let entry = &request.entry;
        for attempt in 0..LEDGER_ATTEMPTS {
            let now = self.clock.now();
            let outcome = self
                .meter
                .dynamodb(
                    self.db
                        .transact_write_items()
                        .transact_items(claim(
                            &self.settings.idempotency_table,
                            &request.idempotency,
                            entry,
                            now,
                        )?)
                        .transact_items(add_to_balance(
                            table,
                            entry.user_id,
                            &entry.currency,
                            entry.amount,
                        )?)
                        .transact_items(transact_put(table, entry_item(entry), None)?)
                        .send(),
                )
                .await;
            let error = match outcome {
                Ok(_) => return Ok((entry.clone(), true)),
                Err(error) => error.into_service_error(),
            };
            let failed = failed_conditions(&error)
                .ok_or_else(|| sdk_error("TransactWriteItems credit")(&error))?;
            if failed.first() == Some(&true)
                && let Some(original) = self.replay(&request.idempotency, now).await?
            {
                return Ok((original, false));
            }
            back_off(attempt).await;
        }
        Err(contended("credit"))
    }

    async fn charge(&self, request: &ChargeRequest) -> Result<(Charge, bool)> {
        let table = &self.settings.money_table;
        let charge = &request.charge;
        let payer_debit = Update::builder()
            .table_name(table)
            .key("pk", s(wallet_pk(charge.payer_id)))
            .key("sk", s(format!("BALANCE#{}", charge.currency)))
            .update_expression("SET balance = balance - :amount")
            .condition_expression("balance >= :amount")
            .expression_attribute_values(":amount", n(charge.amount))
            .build()
            .map(|update| TransactWriteItem::builder().update(update).build())
            .map_err(Error::internal)?;
        let entries = charge.ledger_entries();
        for attempt in 0..LEDGER_ATTEMPTS {
            let now = self.clock.now();
            let mut writes = vec![claim(
                &self.settings.idempotency_table,
                &request.idempotency,
                charge,
                now,
            )?];
            let source_index = request.source.as_ref().map(|_| writes.len());
            if let Some(source) = &request.source {
                let marker = Put::builder()
                    .table_name(&self.settings.idempotency_table)
                    .set_item(Some(item([
                        ("key", Some(s(format!("SOURCE#{source}")))),
                        ("charge_id", Some(id(charge.id))),
                    ])))
                    .condition_expression("attribute_not_exists(#key)")
                    .expression_attribute_names("#key", "key")
                    .build()
                    .map_err(Error::internal)?;
                writes.push(TransactWriteItem::builder().put(marker).build());
            }
            let authorization_index = request.needs_authorization.then_some(writes.len());
            if request.needs_authorization {
                writes.push(draw_authorization(table, charge)?);
            }
            let payer_index = writes.len();
            writes.push(payer_debit.clone());
            writes.push(add_to_balance(
                table,
                charge.payee_id,
                &charge.currency,
                charge.amount,
            )?);
            for entry in &entries {
                writes.push(transact_put(table, entry_item(entry), None)?);
            }
            writes.push(transact_put(
                table,
                charge_item(charge.payer_id, charge),
                None,
            )?);
            writes.push(transact_put(
                table,
                charge_item(charge.payee_id, charge),
                None,
            )?);
            let outcome = self
                .meter
                .dynamodb(
                    self.db
                        .transact_write_items()
                        .set_transact_items(Some(writes))
                        .send(),
                )
                .await;
            let error = match outcome {
                Ok(_) => return Ok((charge.clone(), true)),
                Err(error) => error.into_service_error(),
            };
            let failed = failed_conditions(&error)
                .ok_or_else(|| sdk_error("TransactWriteItems charge")(&error))?;
            if failed.first() == Some(&true)
                && let Some(original) = self.replay(&request.idempotency, now).await?
            {
                return Ok((original, false));
            }
            if source_index.is_some_and(|i| failed.get(i) == Some(&true)) {
                return Err(Error::Conflict(
                    "this timer run has been charged already".to_string(),
                ));
            }
            if authorization_index.is_some_and(|i| failed.get(i) == Some(&true)) {
                return Err(charge.not_authorized());
            }
            if failed.get(payer_index) == Some(&true) {
                return Err(Error::InsufficientFunds(format!(
                    "the payer's {} balance is too low for this charge",
                    charge.currency
                )));
            }
            // A collision with a concurrent transaction on the same wallet: try again.
            back_off(attempt).await;
        }
        Err(contended("charge"))
    }

    async fn replay_charge(&self, idempotency: &Idempotency) -> Result<Option<Charge>> {
        self.replay(idempotency, self.clock.now()).await
    }

    async fn balances(&self, user_id: Id) -> Result<Vec<Balance>> {
        self.wallet_items(user_id, "BALANCE#", false, None)
            .await?
            .iter()
            .map(|item| {
                Ok(Balance {
                    currency: get_s(item, "currency")?,
                    amount: get_n(item, "balance")?,
                })
            })
            .collect()
    }

    async fn entries(&self, user_id: Id, page: &PageRequest) -> Result<Page<LedgerEntry>> {
        let (items, next) = self.wallet_page(user_id, "ENTRY#", false, page).await?;
        Ok(Page {
            items: items.iter().map(entry_from).collect::<Result<_>>()?,
            next,
        })
    }

    async fn charges_of_user(&self, user_id: Id, page: &PageRequest) -> Result<Page<Charge>> {
        let (items, next) = self.wallet_page(user_id, "CHARGE#", true, page).await?;
        Ok(Page {
            items: items.iter().map(charge_from).collect::<Result<_>>()?,
            next,
        })
    }

    async fn grant_authorization(&self, authorization: &Authorization) -> Result<()> {
        self.meter
            .dynamodb(
                self.db
                    .put_item()
                    .table_name(&self.settings.money_table)
                    .set_item(Some(authorization_item(authorization)))
                    .send(),
            )
            .await
            .map_err(sdk_error("PutItem authorization"))?;
        Ok(())
    }

    async fn authorizations_of(&self, payer_id: Id) -> Result<Vec<Authorization>> {
        self.wallet_items(payer_id, "AUTH#", false, None)
            .await?
            .iter()
            .map(authorization_from)
            .collect()
    }

    async fn revoke_authorization(&self, payer_id: Id, authorization_id: Id) -> Result<bool> {
        let Some(found) = self
            .authorizations_of(payer_id)
            .await?
            .into_iter()
            .find(|a| a.id == authorization_id)
        else {
            return Ok(false);
        };
        // Conditional on the id: a grant that replaced it meanwhile stays.
        let outcome = self
            .meter
            .dynamodb(
                self.db
                    .delete_item()
                    .table_name(&self.settings.money_table)
                    .key("pk", s(wallet_pk(payer_id)))
                    .key(
                        "sk",
                        s(authorization_sk(found.provider_id, &found.currency)),
                    )
                    .condition_expression("id = :id")
                    .expression_attribute_values(":id", id(authorization_id))
                    .send(),
            )
            .await;
        Ok(written(outcome, "DeleteItem authorization")?.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ledger_idempotency_claim_never_expires() {
        let idempotency = Idempotency {
            scope: "charge:provider".to_string(),
            key: "invoice-1".to_string(),
            fingerprint: "f".to_string(),
        };
        let write = claim("idem", &idempotency, &"result", Timestamp::from_millis(1)).unwrap();
        let put = write.put().expect("a put");
        let stored = put.item();
        assert!(stored.contains_key("key") && stored.contains_key("fingerprint"));
        assert!(
            !stored.contains_key("ttl") && !stored.contains_key("expires_at"),
            "{stored:?}"
        );
    }
}
