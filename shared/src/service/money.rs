use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::event::{Event, EventKind};
use crate::domain::money::{
    Authorization, Balance, Charge, ChargeRequest, CreditRequest, EntryKind, Idempotency,
    LedgerEntry, MAX_AMOUNT, validate_amount, validate_currency, validate_idempotency_key,
};
use crate::domain::page::{Page, PageQuery};
use crate::domain::policy::{Action, allows};
use crate::domain::user::Role;
use crate::domain::{Error, Id, Result, Timestamp, new_id};

use super::{Caller, Services};

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CreditInput {
    /// Minor units (cents), 1 to 100,000,000,000.
    #[schema(minimum = 1, maximum = 100_000_000_000_i64)]
    pub amount: i64,
    /// ISO 4217, such as `EUR`.
    #[schema(pattern = "^[A-Z]{3}$")]
    pub currency: String,
    /// 1 to 128 characters; a retry with the same key and body answers the original.
    #[schema(min_length = 1, max_length = 128)]
    pub idempotency_key: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct AuthorizationInput {
    /// The provider who may charge the caller.
    pub provider_id: Uuid,
    /// ISO 4217; charges in other currencies are not covered.
    #[schema(pattern = "^[A-Z]{3}$")]
    pub currency: String,
    /// The most the provider may charge in all, minor units, 1 to 100,000,000,000.
    #[schema(minimum = 1, maximum = 100_000_000_000_i64)]
    pub max_amount: i64,
    /// When it ends (in the future); absent: until revoked.
    pub expires_at: Option<Timestamp>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ChargeInput {
    pub payer_id: Uuid,
    /// Minor units, 1 to 100,000,000,000; absent with `from_timer`.
    #[schema(minimum = 1, maximum = 100_000_000_000_i64)]
    pub amount: Option<i64>,
    /// ISO 4217; absent with `from_timer`.
    #[schema(pattern = "^[A-Z]{3}$")]
    pub currency: Option<String>,
    pub group_id: Option<Uuid>,
    pub from_timer: Option<bool>,
    pub description: Option<String>,
    /// 1 to 128 characters; the same key with another body is 409.
    #[schema(min_length = 1, max_length = 128)]
    pub idempotency_key: String,
}

impl ChargeInput {
    /// Everything but the key: a retry must match it exactly.
    fn fingerprint(&self) -> Result<String> {
        let parameters = (
            self.payer_id,
            self.amount,
            &self.currency,
            self.group_id,
            self.from_timer.unwrap_or(false),
            &self.description,
        );
        serde_json::to_string(&parameters).map_err(Error::internal)
    }
}

const MAX_DESCRIPTION_CHARS: usize = 500;

impl Services {
    /// An admin tops a wallet up.
    pub async fn credit_wallet(
        &self,
        caller: &Caller,
        user_id: Id,
        input: CreditInput,
    ) -> Result<(LedgerEntry, bool)> {
        if !allows(Action::CreditWallet, caller.user.role, None) {
            return Err(Error::Forbidden(
                "only an admin may credit a wallet".to_string(),
            ));
        }
        validate_amount(input.amount)?;
        validate_currency(&input.currency)?;
        validate_idempotency_key(&input.idempotency_key)?;
        self.user(user_id).await?;
        let idempotency = Idempotency {
            scope: format!("credit:{}", caller.user.id),
            key: input.idempotency_key.clone(),
            fingerprint: format!("{user_id}|{}|{}", input.amount, input.currency),
        };
        let entry = LedgerEntry {
            id: new_id(),
            user_id,
            amount: input.amount,
            currency: input.currency,
            kind: EntryKind::Credit,
            charge_id: None,
            created_at: self.ports.clock.now(),
        };
        let outcome = self
            .ports
            .ledger
            .credit(&CreditRequest { entry, idempotency })
            .await?;
        if outcome.1 {
            tracing::info!(%user_id, amount = outcome.0.amount, currency = %outcome.0.currency, "wallet credited");
        }
        Ok(outcome)
    }

    /// The caller (a provider or an admin) charges a payer it shares a group with.
    pub async fn charge(&self, caller: &Caller, input: ChargeInput) -> Result<(Charge, bool)> {
        if !allows(Action::Charge, caller.user.role, None) {
            return Err(Error::Forbidden(
                "only a provider or an admin may charge".to_string(),
            ));
        }
        validate_idempotency_key(&input.idempotency_key)?;
        let description = match input.description.as_deref().map(str::trim) {
            Some(text) if text.chars().count() > MAX_DESCRIPTION_CHARS => {
                return Err(Error::Invalid(format!(
                    "description must be at most {MAX_DESCRIPTION_CHARS} characters"
                )));
            }
            Some("") | None => None,
            Some(text) => Some(text.to_string()),
        };
        if input.payer_id == caller.user.id {
            return Err(Error::Invalid("you cannot charge yourself".to_string()));
        }
        self.user(input.payer_id).await?;
        self.check_payer_reachable(caller, input.payer_id, input.group_id)
            .await?;

        let idempotency = Idempotency {
            scope: format!("charge:{}", caller.user.id),
            key: input.idempotency_key.clone(),
            fingerprint: input.fingerprint()?,
        };
        let from_timer = input.from_timer.unwrap_or(false);
        // A retry of a timer charge replays the original even if the timer has moved on since.
        if from_timer && let Some(original) = self.ports.ledger.replay_charge(&idempotency).await? {
            return Ok((original, false));
        }
        let (amount, currency, source) =
            if from_timer {
                let group_id = input.group_id.ok_or_else(|| {
                    Error::Invalid("from_timer needs the group_id of the timer".to_string())
                })?;
                if input.amount.is_some() || input.currency.is_some() {
                    return Err(Error::Invalid(
                        "with from_timer the amount and currency come from the timer".to_string(),
                    ));
                }
                let timer =
                    self.ports.timers.timer(group_id).await?.ok_or_else(|| {
                        Error::Conflict("the group's timer never ran".to_string())
                    })?;
                let (amount, currency) = timer.amount_due()?;
                let run = timer
                    .run_id
                    .ok_or_else(|| Error::internal("a stopped timer without a run id"))?;
                (amount, currency, Some(format!("timer:{run}")))
            } else {
                let amount = input
                    .amount
                    .ok_or_else(|| Error::Invalid("amount is required".to_string()))?;
                let currency = input
                    .currency
                    .clone()
                    .ok_or_else(|| Error::Invalid("currency is required".to_string()))?;
                validate_amount(amount)?;
                validate_currency(&currency)?;
                (amount, currency, None)
            };

        let charge = Charge {
            id: new_id(),
            payer_id: input.payer_id,
            payee_id: caller.user.id,
            amount,
            currency,
            group_id: input.group_id,
            description,
            created_at: self.ports.clock.now(),
        };
        let request = ChargeRequest {
            idempotency,
            charge,
            source,
            // Admins charge without consent (moderation, refunds by hand); no one else does.
            needs_authorization: caller.user.role != Role::Admin,
        };
        let (charge, created) = self.ports.ledger.charge(&request).await?;
        if created {
            tracing::info!(charge_id = %charge.id, amount = charge.amount, currency = %charge.currency, "charged");
            let event = Event::new(
                charge.group_id,
                charge.created_at,
                EventKind::Charge {
                    charge: charge.clone(),
                },
            );
            self.fan_out(&[charge.payer_id, charge.payee_id], &event, None)
                .await;
        }
        Ok((charge, created))
    }

    /// A payer must be in the named group with the caller, or (without a group) share any
    /// group with the caller; admins may charge anyone.
    async fn check_payer_reachable(
        &self,
        caller: &Caller,
        payer_id: Id,
        group_id: Option<Id>,
    ) -> Result<()> {
        let not_shared = || Error::Forbidden("you share no group with this payer".to_string());
        if let Some(group_id) = group_id {
            self.managed_group(caller, group_id).await?;
            return match self.ports.groups.member(group_id, payer_id).await? {
                Some(_) => Ok(()),
                None => Err(not_shared()),
            };
        }
        if caller.user.role == Role::Admin {
            return Ok(());
        }
        let mine: Vec<Id> = self
            .ports
            .groups
            .groups_of_user(caller.user.id)
            .await?
            .into_iter()
            .map(|mine| mine.group.id)
            .collect();
        let shared = self
            .ports
            .groups
            .groups_of_user(payer_id)
            .await?
            .into_iter()
            .any(|theirs| mine.contains(&theirs.group.id));
        if shared { Ok(()) } else { Err(not_shared()) }
    }

    /// The caller lets a provider charge them up to `max_amount`; replaces the caller's
    /// earlier authorization for that provider and currency.
    pub async fn grant_authorization(
        &self,
        caller: &Caller,
        input: AuthorizationInput,
    ) -> Result<Authorization> {
        validate_currency(&input.currency)?;
        validate_amount(input.max_amount)
            .map_err(|_| Error::Invalid(format!("max_amount must be 1 to {MAX_AMOUNT}")))?;
        let now = self.ports.clock.now();
        if input.expires_at.is_some_and(|end| end <= now) {
            return Err(Error::Invalid(
                "expires_at must be in the future".to_string(),
            ));
        }
        if input.provider_id == caller.user.id {
            return Err(Error::Invalid("you cannot authorize yourself".to_string()));
        }
        let provider = self.user(input.provider_id).await?;
        if provider.role != Role::Provider {
            return Err(Error::Invalid(
                "provider_id must name a provider (admins need no authorization)".to_string(),
            ));
        }
        let authorization = Authorization {
            id: new_id(),
            payer_id: caller.user.id,
            provider_id: provider.id,
            currency: input.currency,
            max_amount: input.max_amount,
            remaining: input.max_amount,
            expires_at: input.expires_at,
            created_at: now,
        };
        self.ports
            .ledger
            .grant_authorization(&authorization)
            .await?;
        tracing::info!(authorization_id = %authorization.id, provider_id = %provider.id, max_amount = authorization.max_amount, "spending authorized");
        Ok(authorization)
    }

    /// The caller's authorizations that have not expired, oldest first.
    pub async fn authorizations(&self, caller: &Caller) -> Result<Vec<Authorization>> {
        let now = self.ports.clock.now();
        let mut live: Vec<Authorization> = self
            .ports
            .ledger
            .authorizations_of(caller.user.id)
            .await?
            .into_iter()
            .filter(|a| a.is_live(now))
            .collect();
        live.sort_by_key(|a| (a.created_at, a.id));
        Ok(live)
    }

    pub async fn revoke_authorization(&self, caller: &Caller, id: Id) -> Result<()> {
        if self
            .ports
            .ledger
            .revoke_authorization(caller.user.id, id)
            .await?
        {
            tracing::info!(authorization_id = %id, "authorization revoked");
            Ok(())
        } else {
            Err(Error::NotFound("authorization not found".to_string()))
        }
    }

    pub async fn wallet(&self, caller: &Caller) -> Result<Vec<Balance>> {
        self.ports.ledger.balances(caller.user.id).await
    }

    /// A page of the caller's ledger, oldest first; its `next` is the client's cursor.
    pub async fn ledger_entries(
        &self,
        caller: &Caller,
        query: &PageQuery,
    ) -> Result<Page<LedgerEntry>> {
        let page = self
            .ports
            .ledger
            .entries(caller.user.id, &query.request()?)
            .await?;
        Ok(page.for_client())
    }

    /// A page of the charges where the caller is payer or payee, newest first.
    pub async fn charges(&self, caller: &Caller, query: &PageQuery) -> Result<Page<Charge>> {
        let page = self
            .ports
            .ledger
            .charges_of_user(caller.user.id, &query.request()?)
            .await?;
        Ok(page.for_client())
    }
}
