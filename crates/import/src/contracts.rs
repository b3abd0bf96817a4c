//! Contract files: one row per contract (a blank contract number adds one, a number amends that
//! contract), checked into `ContractTerms`, with overlaps inside the file refused.

use std::collections::HashMap;

use sango_domain::{Additions, ContractTerms, DomainError, Yen};

use crate::columns::{self, Cells, Column, Layout, optional, required};
use crate::report::{ImportReport, Problem};
use crate::table::Row;
use crate::values;

/// One contract of a file.
#[derive(Clone, Debug, PartialEq)]
pub struct ContractRow {
    /// The row number in the file.
    pub row: usize,
    /// Present: the row amends the contract with this number. Absent: the row adds a contract.
    pub contract_no: Option<i64>,
    pub terms: ContractTerms,
}

const COLUMNS: &[Column] = &[
    optional("contract_no", "契約番号"),
    Column { key: "municipality", ja: "市町村コード", aliases: &["団体コード", "lg_code"], required: true },
    required("facility_id", "施設ID"),
    Column { key: "service_type", ja: "類型", aliases: &["type", "サービス類型"], required: true },
    required("unit_price", "委託単価"),
    optional("addition_multiple", "多胎加算"),
    optional("addition_sibling", "きょうだい加算"),
    Column { key: "addition_over_four_months", ja: "4か月以上加算", aliases: &["4ヶ月以上加算", "4カ月以上加算"], required: false },
    optional("addition_high_need", "要支援加算"),
    required("valid_from", "開始日"),
    optional("valid_to", "終了日"),
];

/// Parses a contract file (CSV or XLSX sheet `contracts` / `契約`).
pub fn parse_contracts(bytes: &[u8]) -> Result<Vec<ContractRow>, ImportReport> {
    let sheet = columns::open(bytes, crate::ImportKind::Contracts.sheet_names(), COLUMNS)?;
    let mut problems = sheet.problems;
    let mut out: Vec<ContractRow> = Vec::new();
    for row in &sheet.rows {
        match contract(&sheet.layout, row) {
            Ok(c) => out.push(c),
            Err(p) => problems.extend(p),
        }
    }
    problems.extend(conflicts(&sheet.layout, &out));
    ImportReport::or_ok(problems, out)
}

fn contract(layout: &Layout, row: &Row) -> Result<ContractRow, Vec<Problem>> {
    let mut c = Cells::new(layout, row);
    let contract_no = c.optional("contract_no", values::id);
    let municipality = c.required("municipality", values::lg_code);
    let facility_id = c.required("facility_id", values::id);
    let service_type = c.required("service_type", values::service_type);
    let unit_price = c.required("unit_price", values::yen);
    let mut addition = |key| c.optional(key, values::yen).unwrap_or(Yen::ZERO);
    let additions = Additions {
        multiple: addition("addition_multiple"),
        sibling: addition("addition_sibling"),
        over_four_months: addition("addition_over_four_months"),
        high_need: addition("addition_high_need"),
    };
    let valid_from = c.required("valid_from", values::date);
    let valid_to = c.optional("valid_to", values::date);
    let (Some(municipality), Some(facility_id), Some(service_type), Some(unit_price), Some(valid_from), true) =
        (municipality, facility_id, service_type, unit_price, valid_from, c.problems.is_empty())
    else {
        return Err(c.problems);
    };
    let terms = ContractTerms { municipality, facility_id, service_type, unit_price, additions, valid_from, valid_to };
    if let Err(e) = validate(&terms) {
        for e in e {
            c.problem(column_of(&e), e.message);
        }
        return Err(c.problems);
    }
    Ok(ContractRow { row: row.number, contract_no, terms })
}

/// Every error of `ContractTerms::validate`, not only the first: each amount and the dates are
/// checked on their own by validating a copy in which the others are made harmless.
fn validate(terms: &ContractTerms) -> Result<(), Vec<DomainError>> {
    let Err(first) = terms.validate() else { return Ok(()) };
    let mut errors = vec![first];
    loop {
        let mut fixed = terms.clone();
        for e in &errors {
            repair(&mut fixed, &e.field);
        }
        match fixed.validate() {
            Ok(()) => return Err(errors),
            Err(e) if errors.iter().any(|seen| seen.field == e.field) => return Err(errors),
            Err(e) => errors.push(e),
        }
    }
}

/// Makes the input of `field` acceptable, so that validation moves on to the next field.
fn repair(t: &mut ContractTerms, field: &str) {
    match field {
        "unitPrice" => t.unit_price = Yen::ZERO,
        "additions.multiple" => t.additions.multiple = Yen::ZERO,
        "additions.sibling" => t.additions.sibling = Yen::ZERO,
        "additions.overFourMonths" => t.additions.over_four_months = Yen::ZERO,
        "additions.highNeed" => t.additions.high_need = Yen::ZERO,
        _ => t.valid_to = None,
    }
}

/// The column of a `ContractTerms::validate` error.
fn column_of(e: &DomainError) -> &'static str {
    match e.field.as_str() {
        "unitPrice" => "unit_price",
        "additions.multiple" => "addition_multiple",
        "additions.sibling" => "addition_sibling",
        "additions.overFourMonths" => "addition_over_four_months",
        "additions.highNeed" => "addition_high_need",
        "validFrom" => "valid_from",
        "municipality" => "municipality",
        "facilityId" => "facility_id",
        "serviceType" => "service_type",
        _ => "valid_to",
    }
}

/// Two rows for the same municipality, facility and type valid on a common day, and a contract
/// amended twice in one file.
fn conflicts(layout: &Layout, rows: &[ContractRow]) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut numbers = HashMap::new();
    let mut seen: HashMap<_, Vec<&ContractRow>> = HashMap::new();
    for r in rows {
        let t = &r.terms;
        let earlier_rows = seen.entry((t.municipality, t.facility_id, t.service_type)).or_default();
        if let Some(earlier) = earlier_rows.iter().find(|e| e.terms.overlaps(t)) {
            let until = |to: Option<chrono::NaiveDate>| to.map_or("open-ended".to_string(), |d| format!("to {d}"));
            let message = format!(
                "overlaps the contract on row {} ({} at facility {}, {}, from {} {}): a municipality has one contract per facility and type on any day",
                earlier.row, t.municipality, t.facility_id, t.service_type, earlier.terms.valid_from, until(earlier.terms.valid_to),
            );
            problems.push(Problem::at(r.row, Some(&layout.name("valid_from")), message));
        }
        earlier_rows.push(r);
        if let Some(no) = r.contract_no {
            let first = *numbers.entry(no).or_insert(r.row);
            if first != r.row {
                problems.push(Problem::at(r.row, Some(&layout.name("contract_no")), format!("contract {no} is also amended on row {first}")));
            }
        }
    }
    problems
}
