//! The municipality list: parsing the embedded `geodata/municipalities.csv`.

use sango_domain::LgCode;

use crate::GeodataError;

const MUNICIPALITIES_CSV: &str = include_str!("../../../geodata/municipalities.csv");
const HEADER: &str = "code,prefecture_code,name,kana,en_name";

/// One municipality (市区町村, Tokyo's special wards included). Its prefecture is `code.prefecture()`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MunicipalityRecord {
    pub code: LgCode,
    pub name: String,
    /// Reading in hiragana, e.g. `さっぽろし`.
    pub kana: String,
    pub en_name: String,
}

/// All municipalities of Japan, sorted by code.
pub fn municipality_list() -> Result<Vec<MunicipalityRecord>, GeodataError> {
    parse_municipalities_csv(MUNICIPALITIES_CSV)
}

/// Splits one CSV line (RFC 4180 quoting, no line breaks inside fields).
fn split_line(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        let mut field = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    Some('"') => break,
                    Some(c) => field.push(c),
                    None => return Err("unterminated quoted field".into()),
                }
            }
            if !matches!(chars.peek(), None | Some(',')) {
                return Err("text after a closing quote".into());
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ',' {
                    break;
                }
                if c == '"' {
                    return Err("quote inside an unquoted field".into());
                }
                field.push(c);
                chars.next();
            }
        }
        fields.push(field);
        if chars.next().is_none() {
            return Ok(fields);
        }
    }
}

pub(crate) fn parse_municipalities_csv(
    text: &str,
) -> Result<Vec<MunicipalityRecord>, GeodataError> {
    let err = |line: usize, message: String| GeodataError::Csv { line, message };
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
    match lines.next() {
        Some((_, h)) if h.trim_start_matches('\u{feff}') == HEADER => {}
        Some((n, h)) => return Err(err(n, format!("header is {h:?}, expected {HEADER:?}"))),
        None => return Err(err(1, "empty file".into())),
    }
    let mut out = Vec::new();
    for (n, line) in lines {
        if line.is_empty() {
            continue;
        }
        let fields = split_line(line).map_err(|m| err(n, m))?;
        let [code, pref, name, kana, en_name] = <[String; 5]>::try_from(fields)
            .map_err(|f| err(n, format!("{} fields, expected 5", f.len())))?;
        if code.len() != 6 {
            return Err(err(n, format!("code {code:?} is not 6 digits")));
        }
        let code = LgCode::parse(&code).map_err(|e| err(n, e.to_string()))?;
        if pref != code.prefecture().to_string() {
            return Err(err(
                n,
                format!("prefecture_code {pref:?} does not match code {code}"),
            ));
        }
        for (field, value) in [("name", &name), ("kana", &kana), ("en_name", &en_name)] {
            if value.trim().is_empty() {
                return Err(err(n, format!("{field} is empty")));
            }
        }
        out.push(MunicipalityRecord {
            code,
            name,
            kana,
            en_name,
        });
    }
    Ok(out)
}
