//! Accounts and credentials as values: usernames, the password policy, the operations a token
//! allows, and how long a machine token may live.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, DomainResult};

/// The shortest password accepted (NIST SP 800-63B asks for at least 8; the hub asks for more
/// because its accounts see health data).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// The longest password accepted: long passphrases are fine, megabytes are not.
pub const MAX_PASSWORD_CHARS: usize = 256;
/// The longest a machine token may live.
pub const MAX_TOKEN_DAYS: i64 = 365;

/// What a token may do: read only, or read and write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Operations {
    Read,
    ReadWrite,
}

impl Operations {
    /// Parses `read` or `read,write` (also `write`, which implies read; spaces and order do not matter).
    pub fn parse(text: &str) -> DomainResult<Self> {
        let mut read = false;
        let mut write = false;
        for part in text.split(',').map(str::trim) {
            match part.to_ascii_lowercase().as_str() {
                "read" => read = true,
                "write" => write = true,
                other => return Err(DomainError::invalid("operations", format!("unknown operation '{other}'; use read or read,write"))),
            }
        }
        match (read, write) {
            (_, true) => Ok(Self::ReadWrite),
            (true, false) => Ok(Self::Read),
            (false, false) => Err(DomainError::invalid("operations", "name at least one operation: read or read,write")),
        }
    }

    /// Whether writes are allowed.
    pub fn may_write(self) -> bool {
        self == Self::ReadWrite
    }

    /// The stored and printed form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::ReadWrite => "read,write",
        }
    }
}

impl fmt::Display for Operations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A username: 3 to 64 characters of lowercase ASCII letters, digits, `.`, `_` and `-`,
/// starting with a letter or digit. Input is trimmed and lowercased, so `Sato.K` is `sato.k`.
pub fn parse_username(text: &str) -> DomainResult<String> {
    let name = text.trim().to_ascii_lowercase();
    let bad = |why: &str| DomainError::invalid("username", format!("'{}' is not a username: {why}", text.trim()));
    if !(3..=64).contains(&name.len()) {
        return Err(bad("it must be 3 to 64 characters long"));
    }
    if !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')) {
        return Err(bad("use letters a-z, digits and . _ - only"));
    }
    if !name.as_bytes()[0].is_ascii_alphanumeric() {
        return Err(bad("it must start with a letter or a digit"));
    }
    Ok(name)
}

/// Checks a new password: long enough, not absurdly long, not the username, not one character repeated.
pub fn check_password(username: &str, password: &str) -> DomainResult<()> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(DomainError::invalid("password", format!("a password must have at least {MIN_PASSWORD_CHARS} characters")));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(DomainError::invalid("password", format!("a password may have at most {MAX_PASSWORD_CHARS} characters")));
    }
    if password.to_ascii_lowercase().contains(username) {
        return Err(DomainError::invalid("password", "a password must not contain the username"));
    }
    let mut distinct: Vec<char> = password.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 4 {
        return Err(DomainError::invalid("password", "a password needs more than three different characters"));
    }
    Ok(())
}

/// Parses a token lifetime such as `90d`, `12h` or `30m`: between one hour and [`MAX_TOKEN_DAYS`] days.
pub fn parse_lifetime(text: &str) -> DomainResult<chrono::Duration> {
    let t = text.trim();
    let bad = || DomainError::invalid("expiresIn", format!("'{t}' is not a lifetime; write it as 90d, 12h or 30m"));
    let (digits, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?);
    let n: i64 = digits.parse().map_err(|_| bad())?;
    let d = match unit {
        "d" => chrono::Duration::try_days(n),
        "h" => chrono::Duration::try_hours(n),
        "m" => chrono::Duration::try_minutes(n),
        _ => None,
    }
    .ok_or_else(bad)?;
    if d < chrono::Duration::hours(1) || d > chrono::Duration::days(MAX_TOKEN_DAYS) {
        return Err(DomainError::invalid("expiresIn", format!("a token must live at least 1 hour and at most {MAX_TOKEN_DAYS} days; got {t}")));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn operations_parse_in_any_order_and_write_implies_read() {
        assert_eq!(Operations::parse("read").unwrap(), Operations::Read);
        assert_eq!(Operations::parse("read,write").unwrap(), Operations::ReadWrite);
        assert_eq!(Operations::parse(" write , read").unwrap(), Operations::ReadWrite);
        assert_eq!(Operations::parse("write").unwrap(), Operations::ReadWrite);
        assert_eq!(Operations::parse("delete").unwrap_err().field, "operations");
        assert!(Operations::parse("").is_err());
        assert!(!Operations::Read.may_write());
        assert_eq!(Operations::parse(Operations::ReadWrite.as_str()).unwrap(), Operations::ReadWrite);
    }

    #[test]
    fn usernames_are_normalised_and_checked() {
        assert_eq!(parse_username(" Sato.K ").unwrap(), "sato.k");
        assert!(parse_username("ab").is_err());
        assert!(parse_username("-lead").is_err());
        assert!(parse_username("佐藤").is_err());
        assert!(parse_username("a b c").is_err());
        assert_eq!(parse_username(&"a".repeat(64)).unwrap().len(), 64);
        assert!(parse_username(&"a".repeat(65)).is_err());
    }

    #[test]
    fn passwords_follow_the_policy() {
        assert!(check_password("sato", "correct horse battery").is_ok());
        assert_eq!(check_password("sato", "short").unwrap_err().field, "password");
        assert!(check_password("sato", "my-name-is-SATO-ok").is_err());
        assert!(check_password("sato", "abababababababab").is_err());
        assert!(check_password("sato", &"x1y2".repeat(65)).is_err());
        assert!(check_password("sato", "産後ケアの合言葉はひみつです").is_ok());
    }

    #[test]
    fn lifetimes_have_units_and_bounds() {
        assert_eq!(parse_lifetime("90d").unwrap(), chrono::Duration::days(90));
        assert_eq!(parse_lifetime("12h").unwrap(), chrono::Duration::hours(12));
        assert_eq!(parse_lifetime("365d").unwrap(), chrono::Duration::days(365));
        for bad in ["366d", "30m", "0d", "90", "d", "-1d", "9999999999999999999d", "1w"] {
            assert_eq!(parse_lifetime(bad).unwrap_err().field, "expiresIn", "{bad}");
        }
    }

    proptest! {
        #[test]
        fn any_lifetime_accepted_is_within_bounds(text in "[0-9]{0,6}[dhmw]?") {
            if let Ok(d) = parse_lifetime(&text) {
                prop_assert!(d >= chrono::Duration::hours(1) && d <= chrono::Duration::days(MAX_TOKEN_DAYS));
            }
        }

        #[test]
        fn usernames_accepted_are_fixed_points(text in "\\PC{0,70}") {
            if let Ok(name) = parse_username(&text) {
                prop_assert_eq!(parse_username(&name).unwrap(), name);
            }
        }
    }
}
