//! `sango-hub audit`: verify the hash chain of the audit log, and answer the two questions of a
//! leak report — who touched this case, and what did this principal touch over a period.

use anyhow::{anyhow, bail};
use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use sango_domain::Principal;
use sango_domain::audit::ChainedEntry;
use sango_service::{Caller, Hub};

fn jst() -> FixedOffset {
    FixedOffset::east_opt(9 * 3600).expect("valid offset")
}

/// `audit verify`: Ok with the number of entries, or an error naming the first bad entry.
pub async fn verify(hub: &Hub) -> anyhow::Result<()> {
    match hub.verify_audit().await.map_err(|e| anyhow!("{e}"))? {
        Ok(n) => {
            println!("audit log intact: {n} entries, every hash chained to the one before");
            Ok(())
        }
        Err(b) => bail!("audit log tampered with: {b}"),
    }
}

/// `audit who-saw --case REF`.
pub async fn who_saw_case(hub: &Hub, case: &str) -> anyhow::Result<()> {
    let entries = hub.who_saw_case(&Caller::Principal(Principal::Admin), case).await.map_err(|e| anyhow!("{e}"))?;
    print_entries(&entries);
    Ok(())
}

/// `audit who-saw --principal P --from … --to …`.
pub async fn who_saw_principal(hub: &Hub, principal: &str, from: &str, to: &str) -> anyhow::Result<()> {
    let principal = normalise_principal(principal)?;
    let from = parse_time(from, false).map_err(|e| anyhow!("--from: {e}"))?;
    let to = parse_time(to, true).map_err(|e| anyhow!("--to: {e}"))?;
    let entries = hub.audit_of_principal(&Caller::Principal(Principal::Admin), &principal, from, to).await.map_err(|e| anyhow!("{e}"))?;
    print_entries(&entries);
    Ok(())
}

/// `municipal-staff:31201` → `municipal-staff:312011`; `anonymous` stays as it is.
fn normalise_principal(s: &str) -> anyhow::Result<String> {
    let s = s.trim();
    if s == "anonymous" {
        return Ok(s.to_owned());
    }
    let (role, scope) = s.split_once(':').ok_or_else(|| anyhow!("--principal: write ROLE:SCOPE, e.g. municipal-staff:312011 or admin:-"))?;
    Ok(Principal::from_role_and_scope(role, scope).map_err(|e| anyhow!("--principal: {}", e.message))?.to_string())
}

/// A JST date (`2025-06-01`: the start of that day for `--from`, the end of it for `--to`) or
/// an RFC 3339 time (`2025-06-01T09:00:00+09:00`).
fn parse_time(s: &str, end_of_day: bool) -> Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s.trim()) {
        return Ok(t.with_timezone(&Utc));
    }
    let day = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| format!("'{s}' is neither YYYY-MM-DD (JST) nor an RFC 3339 time"))?;
    let day = if end_of_day { day.succ_opt().ok_or("date out of range")? } else { day };
    let start = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    Ok(jst().from_local_datetime(&start).single().expect("JST has no gaps").with_timezone(&Utc))
}

fn print_entries(entries: &[ChainedEntry]) {
    println!("seq\tat (UTC)\tat (JST)\tprincipal\ttoken\tchannel\taccess\toperation\tkind\trecords\tcases\toutcome");
    for e in entries {
        let r = &e.record;
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            r.seq,
            r.at.format("%Y-%m-%dT%H:%M:%S%.6fZ"),
            r.at.with_timezone(&jst()).format("%Y-%m-%d %H:%M:%S"),
            r.principal,
            r.token_id.map(|t| t.to_string()).unwrap_or_else(|| "-".into()),
            r.channel,
            r.access.as_str(),
            r.operation,
            r.record_kind,
            r.record_ids.join(","),
            r.case_refs.join(","),
            r.outcome
        );
    }
    eprintln!("{} entries", entries.len());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_jst_days_and_to_is_inclusive() {
        assert_eq!(parse_time("2025-06-01", false).unwrap(), Utc.with_ymd_and_hms(2025, 5, 31, 15, 0, 0).unwrap());
        assert_eq!(parse_time("2025-06-01", true).unwrap(), Utc.with_ymd_and_hms(2025, 6, 1, 15, 0, 0).unwrap());
        assert_eq!(parse_time("2025-06-01T09:00:00+09:00", true).unwrap(), Utc.with_ymd_and_hms(2025, 6, 1, 0, 0, 0).unwrap());
        assert!(parse_time("June", false).is_err());
    }

    #[test]
    fn principals_are_normalised() {
        assert_eq!(normalise_principal("municipal-staff:31201").unwrap(), "municipal-staff:312011");
        assert_eq!(normalise_principal("admin:-").unwrap(), "admin:-");
        assert!(normalise_principal("mayor").is_err());
    }
}
