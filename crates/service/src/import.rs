//! Importing facilities, contracts and programmes from CSV or XLSX: every row is checked, and the
//! file is stored whole in one transaction or not at all, with every problem reported.

use sango_import::{ImportKind, ImportReport};
use sango_store::DatabaseTransaction;

use crate::auth::Caller;
use crate::boundaries::locate;
use crate::error::{ErrorCode, Problem, ServiceError, ServiceResult};
use crate::hub::Hub;

/// What an import stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportSummary {
    pub kind: ImportKind,
    pub created: usize,
    pub updated: usize,
}

impl Hub {
    /// Imports a file of `kind`; on any problem nothing is stored and the error lists them all.
    pub async fn import(&self, caller: &Caller, kind: ImportKind, bytes: &[u8]) -> ServiceResult<ImportSummary> {
        caller.require()?;
        let txn = sango_store::begin_write(&self.db).await?;
        let mut problems = Vec::new();
        let (created, updated) = match kind {
            ImportKind::Facilities => self.import_facilities(&txn, caller, bytes, &mut problems).await?,
            ImportKind::Contracts => self.import_contracts(&txn, caller, bytes, &mut problems).await?,
            ImportKind::Programs => self.import_programs(&txn, caller, bytes, &mut problems).await?,
        };
        if !problems.is_empty() {
            txn.rollback().await?;
            let mut e = ServiceError::bad_input("file", format!("the {} file has {} problem(s); nothing was imported", kind.as_str(), problems.len()));
            e.problems = problems;
            return Err(e);
        }
        self.audit_write(&txn, caller, "import", kind.as_str(), crate::audit::Touched::new([format!("{created} created, {updated} updated")], [])).await?;
        txn.commit().await?;
        self.refresh_search().await?;
        Ok(ImportSummary { kind, created, updated })
    }

    async fn import_facilities(&self, txn: &DatabaseTransaction, caller: &Caller, bytes: &[u8], problems: &mut Vec<Problem>) -> ServiceResult<(usize, usize)> {
        let p = caller.require()?;
        let rows = match sango_import::parse_facilities(bytes) {
            Ok(rows) => rows,
            Err(report) => return report_into(report, problems),
        };
        let (mut created, mut updated) = (0, 0);
        let now = self.now();
        for r in rows {
            let municipality = match locate(self, r.draft.location, "lat") {
                Ok(m) => m,
                Err(e) => {
                    problems.push(row_problem(r.row, "lat", e.message));
                    continue;
                }
            };
            match r.id {
                None if p.may_edit_facility(municipality, None) => {
                    sango_store::facilities::insert(txn, &r.draft, municipality, &caller.actor(), now).await?;
                    created += 1;
                }
                Some(id) => match sango_store::facilities::get(txn, id).await? {
                    Some(before) if p.may_edit_facility(before.municipality, Some(id)) && p.may_edit_facility(municipality, Some(id)) => {
                        sango_store::facilities::update(txn, id, &r.draft, municipality, before.active, &caller.actor(), now).await?;
                        updated += 1;
                    }
                    Some(_) => problems.push(row_problem(r.row, "id", format!("{p} may not change facility {id}"))),
                    None => problems.push(row_problem(r.row, "id", format!("no facility {id}"))),
                },
                None => problems.push(row_problem(r.row, "lat", format!("{p} may not register facilities in {municipality}"))),
            }
        }
        Ok((created, updated))
    }

    async fn import_contracts(&self, txn: &DatabaseTransaction, caller: &Caller, bytes: &[u8], problems: &mut Vec<Problem>) -> ServiceResult<(usize, usize)> {
        let rows = match sango_import::parse_contracts(bytes) {
            Ok(rows) => rows,
            Err(report) => return report_into(report, problems),
        };
        let (mut created, mut updated) = (0, 0);
        for r in rows {
            let result = match r.contract_no {
                None => self.create_contract_in(txn, caller, &r.terms).await.map(|_| created += 1),
                Some(no) => self.amend_contract_in(txn, caller, no, &r.terms).await.map(|_| updated += 1),
            };
            match result {
                Ok(()) => {}
                Err(e) if e.code == ErrorCode::Internal => return Err(e),
                Err(e) => problems.push(Problem { row: Some(r.row), column: e.field.clone(), message: e.message }),
            }
        }
        Ok((created, updated))
    }

    async fn import_programs(&self, txn: &DatabaseTransaction, caller: &Caller, bytes: &[u8], problems: &mut Vec<Problem>) -> ServiceResult<(usize, usize)> {
        let p = caller.require()?;
        let programs = match sango_import::parse_programs(bytes) {
            Ok(programs) => programs,
            Err(report) => return report_into(report, problems),
        };
        let mut created = 0;
        for prog in programs {
            let first_row = prog.rows.first().copied();
            let problem = |message: String| Problem { row: first_row, column: Some("municipality".into()), message };
            if sango_store::municipalities::get(txn, prog.municipality).await?.is_none() {
                problems.push(problem(format!("no municipality {}", prog.municipality)));
            } else if !p.may_edit_municipality(prog.municipality) {
                problems.push(problem(format!("{p} may not change the programme of {}", prog.municipality)));
            } else {
                sango_store::programs::append(txn, prog.municipality, prog.fiscal_year, &prog.rules, &caller.actor(), self.now()).await?;
                created += 1;
            }
        }
        Ok((created, 0))
    }
}

fn row_problem(row: usize, column: &str, message: String) -> Problem {
    Problem { row: Some(row), column: Some(column.to_owned()), message }
}

fn report_into(report: ImportReport, problems: &mut Vec<Problem>) -> ServiceResult<(usize, usize)> {
    problems.extend(report.problems.into_iter().map(|p| Problem { row: p.row, column: p.column, message: p.message }));
    Ok((0, 0))
}
