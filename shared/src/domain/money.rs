//! Money: integer amounts in minor units with an ISO 4217 currency, wallets and a ledger.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Error, Result, Timestamp};

/// No single amount may exceed this (a billion in major units): keeps sums far from overflow.
pub const MAX_AMOUNT: i64 = 100_000_000_000;

/// Three upper-case letters, as ISO 4217 codes are.
pub fn validate_currency(currency: &str) -> Result<()> {
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(Error::Invalid(
            "currency must be an ISO 4217 code such as EUR".to_string(),
        ));
    }
    Ok(())
}

pub fn validate_amount(amount: i64) -> Result<()> {
    if !(1..=MAX_AMOUNT).contains(&amount) {
        return Err(Error::Invalid(format!("amount must be 1 to {MAX_AMOUNT}")));
    }
    Ok(())
}

pub fn validate_idempotency_key(key: &str) -> Result<()> {
    if key.is_empty() || key.chars().count() > 128 {
        return Err(Error::Invalid(
            "idempotency_key must be 1 to 128 characters".to_string(),
        ));
    }
    Ok(())
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Rate {
    /// Minor units per started minute, 1 to 100,000,000,000.
    #[schema(minimum = 1, maximum = 100_000_000_000_i64)]
    pub amount_per_minute: i64,
    #[schema(pattern = "^[A-Z]{3}$")]
    pub currency: String,
}

impl Rate {
    pub fn validate(&self) -> Result<()> {
        validate_amount(self.amount_per_minute)
            .map_err(|_| Error::Invalid(format!("amount_per_minute must be 1 to {MAX_AMOUNT}")))?;
        validate_currency(&self.currency)
    }
}

/// Whole minutes, rounded up, times the rate.
pub fn charge_for_minutes(elapsed_ms: i64, rate: &Rate) -> Result<i64> {
    let minutes = (elapsed_ms.max(0) as u64).div_ceil(60_000) as i64;
    minutes
        .checked_mul(rate.amount_per_minute)
        .filter(|amount| *amount <= MAX_AMOUNT)
        .ok_or_else(|| Error::Conflict("the amount due is too large to charge".to_string()))
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Balance {
    pub currency: String,
    pub amount: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// A top-up by an admin.
    Credit,
    /// The payer's side of a charge (negative).
    ChargeDebit,
    /// The payee's side of a charge (positive).
    ChargeCredit,
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Credit => "credit",
            EntryKind::ChargeDebit => "charge_debit",
            EntryKind::ChargeCredit => "charge_credit",
        }
    }

    pub fn parse(text: &str) -> Result<EntryKind> {
        match text {
            "credit" => Ok(EntryKind::Credit),
            "charge_debit" => Ok(EntryKind::ChargeDebit),
            "charge_credit" => Ok(EntryKind::ChargeCredit),
            _ => Err(Error::internal(format!("unknown ledger entry kind {text}"))),
        }
    }
}

/// One movement of money in one wallet. A wallet's balance is the sum of its entries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LedgerEntry {
    pub id: Uuid,
    pub user_id: Uuid,
    /// Signed: negative for a debit.
    pub amount: i64,
    pub currency: String,
    pub kind: EntryKind,
    /// The charge this entry belongs to; none for a credit.
    pub charge_id: Option<Uuid>,
    pub created_at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Charge {
    pub id: Uuid,
    pub payer_id: Uuid,
    pub payee_id: Uuid,
    pub amount: i64,
    pub currency: String,
    pub group_id: Option<Uuid>,
    pub description: Option<String>,
    pub created_at: Timestamp,
}

impl Charge {
    /// The refusal of a charge that no authorization of the payer covers.
    pub fn not_authorized(&self) -> Error {
        Error::PaymentNotAuthorized(format!(
            "the payer has not authorized you to charge {} {} (no authorization, expired, or too little left)",
            self.amount, self.currency
        ))
    }

    /// The charge's two sides in the ledger: the payer's debit and the payee's credit, written
    /// in one atomic change with the balances.
    pub fn ledger_entries(&self) -> [LedgerEntry; 2] {
        [
            (self.payer_id, -self.amount, EntryKind::ChargeDebit),
            (self.payee_id, self.amount, EntryKind::ChargeCredit),
        ]
        .map(|(user_id, amount, kind)| LedgerEntry {
            id: super::new_id(),
            user_id,
            amount,
            currency: self.currency.clone(),
            kind,
            charge_id: Some(self.id),
            created_at: self.created_at,
        })
    }
}

/// An idempotent request: who made it, under which key, and a fingerprint of its parameters
/// (the same key with another fingerprint is refused).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Idempotency {
    pub scope: String,
    pub key: String,
    pub fingerprint: String,
}

/// A payer's consent that a provider may charge them, up to `max_amount` in one currency,
/// until `expires_at` if given. Each charge draws `remaining` down in the same atomic change
/// as the debit. A payer holds at most one per provider and currency: granting again
/// replaces it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Authorization {
    pub id: Uuid,
    pub payer_id: Uuid,
    pub provider_id: Uuid,
    pub currency: String,
    pub max_amount: i64,
    /// What the provider may still charge under it.
    pub remaining: i64,
    /// None: until revoked.
    pub expires_at: Option<Timestamp>,
    pub created_at: Timestamp,
}

impl Authorization {
    /// Whether a charge made at `at` may draw from it.
    pub fn is_live(&self, at: Timestamp) -> bool {
        self.expires_at.is_none_or(|end| end > at)
    }
}

/// A charge to make: what it is, its idempotency, and for a timer charge the run it bills
/// (each run is billed once).
#[derive(Clone, Debug)]
pub struct ChargeRequest {
    pub charge: Charge,
    pub idempotency: Idempotency,
    pub source: Option<String>,
    /// Draw the amount from the payer's live authorization for the payee and currency, in
    /// the same atomic change (`PaymentNotAuthorized` without one or with too little left).
    /// False only for an admin's charge.
    pub needs_authorization: bool,
}

#[derive(Clone, Debug)]
pub struct CreditRequest {
    pub entry: LedgerEntry,
    pub idempotency: Idempotency,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_round_up() {
        let rate = Rate {
            amount_per_minute: 50,
            currency: "EUR".to_string(),
        };
        assert_eq!(charge_for_minutes(121_000, &rate).unwrap(), 150);
        assert_eq!(charge_for_minutes(120_000, &rate).unwrap(), 100);
        assert_eq!(charge_for_minutes(1, &rate).unwrap(), 50);
        assert_eq!(charge_for_minutes(0, &rate).unwrap(), 0);
    }

    #[test]
    fn currency_and_amount_rules() {
        assert!(validate_currency("EUR").is_ok());
        for bad in ["eur", "EURO", "E1R", ""] {
            assert!(validate_currency(bad).is_err(), "{bad}");
        }
        assert!(validate_amount(0).is_err());
        assert!(validate_amount(-5).is_err());
        assert!(validate_amount(MAX_AMOUNT + 1).is_err());
        assert!(validate_amount(1).is_ok());
    }
}
