//! Pricing recorded use ahead of settlement: the cases marked stale (by recording, cancelling, or
//! a change to a contract, programme, agreement, top-up, facility or the rule sets) are priced
//! again, a batch per transaction under the pricing lock, each use exactly as the per-use ledger
//! prices it; settlement then sums the stored amounts.

use std::collections::BTreeMap;
use std::sync::Arc;

use sango_domain::FiscalYear;
use sango_settlement::Ledger;
use sango_store::pricing::PricedDay;
use sango_store::usage::UsedDay;
use sha2::{Digest, Sha256};
use tokio::sync::Notify;

use super::inputs::Pricer;
use crate::error::{ServiceError, ServiceResult};
use crate::hub::Hub;

/// Cases priced per transaction.
const BATCH: u64 = 2_000;

/// What one pricing run did.
#[derive(Debug, Default)]
pub struct PricingRun {
    pub cases: usize,
    pub days: usize,
    /// Cases left stale because a use could not be priced (no contract valid that day, no
    /// programme), each with the reason.
    pub failures: Vec<(i64, ServiceError)>,
}

impl Hub {
    /// Prices every stale case again and stores its days' amounts. A case that cannot be priced
    /// stays stale (and is counted); the others are priced regardless.
    pub async fn price_recorded_use(&self) -> ServiceResult<PricingRun> {
        let mut run = PricingRun::default();
        let mut after = 0;
        loop {
            // A look without the write lock first: settlement calls this on every read.
            if !sango_store::pricing::any_stale_after(&self.db, after).await? {
                return Ok(run);
            }
            let txn = sango_store::begin_write(&self.db).await?;
            sango_store::pricing::lock(&txn).await?;
            let cases = sango_store::pricing::stale_after(&txn, after, BATCH).await?;
            let Some(&last) = cases.last() else {
                txn.commit().await?;
                return Ok(run);
            };
            after = last;
            let days = sango_store::usage::used_days_of_cases(&txn, &cases).await?;
            let pricer = Pricer::load(&txn, &days).await?;
            let mut by_case: BTreeMap<i64, Vec<_>> = cases.iter().map(|c| (*c, Vec::new())).collect();
            for d in days {
                by_case.entry(d.case_id).or_default().push(d);
            }
            let mut ledgers = BTreeMap::new();
            let mut priced_cases = Vec::with_capacity(cases.len());
            let mut priced = Vec::new();
            for (case, days) in by_case {
                match price_case(&pricer, &mut ledgers, days) {
                    Ok(mut p) => {
                        priced_cases.push(case);
                        priced.append(&mut p);
                    }
                    Err(e) => run.failures.push((case, e)),
                }
            }
            sango_store::pricing::replace(&txn, &priced_cases, &priced).await?;
            txn.commit().await?;
            run.cases += priced_cases.len();
            run.days += priced.len();
        }
    }

    /// Asks the background worker to price what is stale.
    pub(crate) fn wake_pricing(&self) {
        if let Some(worker) = &self.pricing {
            worker.wake();
        }
    }

    /// Marks every case stale when the built-in rule sets differ from those the stored amounts
    /// were priced under (or nothing was priced yet).
    pub(crate) async fn check_rule_sets(&self) -> ServiceResult<()> {
        let rules = serde_json::to_vec(&sango_settlement::builtin_rule_sets()).map_err(ServiceError::internal)?;
        let txn = sango_store::begin_write(&self.db).await?;
        sango_store::pricing::rules_in_force(&txn, &hex::encode(Sha256::digest(rules))).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Prices what is stale, then refuses when a used day of `fy` could not be priced. (A use
    /// recorded while this runs is left to the next statement, as if recorded a moment later.)
    pub(crate) async fn priced_through(&self, fy: FiscalYear) -> ServiceResult<()> {
        let mut run = self.price_recorded_use().await?;
        if run.failures.is_empty() {
            return Ok(());
        }
        let stale = sango_store::pricing::stale_with_use_between(&self.db, fy.first_day(), fy.last_day()).await?;
        match run.failures.iter().position(|(case, _)| stale.contains(case)) {
            Some(i) => Err(run.failures.swap_remove(i).1),
            None => Ok(()),
        }
    }
}

/// The priced days of one case's used days, with a ledger per fiscal year to price them in.
fn price_case(pricer: &Pricer, ledgers: &mut BTreeMap<FiscalYear, Ledger>, days: Vec<UsedDay>) -> ServiceResult<Vec<PricedDay>> {
    let mut out = Vec::with_capacity(days.len());
    for r in pricer.inputs(days)? {
        let fy = FiscalYear::containing(r.input.date);
        let ledger = match ledgers.entry(fy) {
            std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::btree_map::Entry::Vacant(e) => e.insert(pricer.ledger(fy)?),
        };
        out.push(PricedDay {
            booking_id: r.booking_id,
            case_id: r.case_id,
            priced: ledger.price(&r.input)?,
            top_ups: pricer.top_ups_of(&r.input),
            use_ordinal: r.input.use_ordinal,
            unit_price: r.input.unit_price,
            user_fee: r.input.user_fee,
            recorded_at: r.recorded_at,
        });
    }
    Ok(out)
}

/// Prices recorded use in the background, woken after each recording, so that settlement finds
/// it priced.
#[derive(Clone)]
pub(crate) struct PricingWorker(Arc<Notify>);

impl PricingWorker {
    pub(crate) fn start(hub: Hub) -> Self {
        let wake = Arc::new(Notify::new());
        let woken = wake.clone();
        tokio::spawn(async move {
            loop {
                woken.notified().await;
                match hub.price_recorded_use().await {
                    Ok(run) if !run.failures.is_empty() => tracing::warn!(failed = run.failures.len(), first = %run.failures[0].1, "recorded use left unpriced"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "pricing recorded use failed"),
                }
            }
        });
        Self(wake)
    }

    /// Asks for a run; runs asked for while one is under way make one more.
    pub(crate) fn wake(&self) {
        self.0.notify_one();
    }
}
