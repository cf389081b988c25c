//! The operator's commands: `token add | list | revoke` (review tokens for cadres), `audit`
//! (the review API's audit log) and `key generate | rotate` (the data key). They print for a
//! terminal; only `token add` prints a secret, once.
use crate::crypto::DataKey;
use crate::places::Places;
use crate::{db, issue_review_token, today_in_china, BoxError, Command, KeyAction, TokenAction};
use std::io::Write;
use xiangqin_rules::places::DivisionCode;
use xiangqin_rules::workflow::Role;

/// Runs `command`; `key` is the data key (given to the commands that need one).
pub async fn run(
    pool: &db::Pool,
    command: &Command,
    key: Option<&DataKey>,
) -> Result<(), BoxError> {
    match command {
        Command::Token { action } => token(pool, action).await,
        Command::Audit { limit } => audit(pool, *limit).await,
        Command::Key { action } => data_key(pool, key, action).await,
    }
}

async fn data_key(
    pool: &db::Pool,
    current: Option<&DataKey>,
    action: &KeyAction,
) -> Result<(), BoxError> {
    match action {
        KeyAction::Generate { path } => {
            let key = DataKey::generate();
            key.write_new(path)?;
            println!(
                "data key {} written to {} (mode 0600)",
                key.id(),
                path.display()
            );
        }
        KeyAction::Rotate { new_key_file } => {
            let current = current.ok_or("key rotate needs the current data key")?;
            let new = DataKey::read(new_key_file)?;
            if new.id() == current.id() {
                return Err("the new key file holds the current key".into());
            }
            // The database must be at the current key (and its older rows sealed) first.
            db::protect_at_rest(pool, current).await?;
            let count = db::rotate_key(pool, current, &new).await?;
            println!(
                "{count} declarations re-encrypted from data key {} to {}: start the servers with --data-key-file {} from now on, then destroy the old key file and the backups made with it when they expire",
                current.id(),
                new.id(),
                new_key_file.display()
            );
        }
    }
    Ok(())
}

/// Checks what `token add` was given: a listed division inside one of the regions, a role, a
/// last day from today on (default: a year from today).
pub fn new_token(
    division: &str,
    role: &str,
    name: &str,
    expires: Option<chrono::NaiveDate>,
) -> Result<db::NewToken, BoxError> {
    let code = DivisionCode::parse(division).map_err(|e| format!("--division {division}: {e}"))?;
    let region = code.region().ok_or_else(|| {
        format!("--division {division}: not within a region of this deployment (63, 3508, 61, 15, 620602 or a code below one)")
    })?;
    if code.as_str() != region.division_code() && Places::official().name(&code).is_none() {
        return Err(format!(
            "--division {division}: no such place in places/ ({})",
            Places::official().source
        )
        .into());
    }
    let role = Role::from_key(role)
        .ok_or_else(|| format!("--role {role}: village, township, county or observer"))?;
    let today = today_in_china();
    let last_day = expires.unwrap_or_else(|| today.with_year_after());
    if last_day < today {
        return Err(format!("--expires {last_day}: that day is past").into());
    }
    if name.trim().is_empty() {
        return Err("--name: say who uses the token".into());
    }
    Ok(db::NewToken {
        name: name.trim().to_string(),
        division: code,
        role,
        expires_at: crate::end_of_china_day(last_day),
    })
}

trait YearAfter {
    fn with_year_after(self) -> Self;
}

impl YearAfter for chrono::NaiveDate {
    /// The same day next year (28 February for a 29th).
    fn with_year_after(self) -> Self {
        self.checked_add_months(chrono::Months::new(12))
            .unwrap_or(self)
    }
}

async fn token(pool: &db::Pool, action: &TokenAction) -> Result<(), BoxError> {
    let places = Places::official();
    let scope_name = |code: &str| {
        DivisionCode::parse(code)
            .ok()
            .and_then(|c| {
                places
                    .full_name(&c)
                    .or_else(|| c.region().map(|r| r.name_zh().into()))
            })
            .unwrap_or_default()
    };
    match action {
        TokenAction::Add {
            division,
            role,
            name,
            expires,
        } => {
            let t = new_token(division, role, name, *expires)?;
            let token = issue_review_token(pool, &t).await?;
            println!("{token}");
            eprintln!(
                "review token for {} — {} ({}), {}, until {}: shown once, keep it safe",
                t.name,
                scope_name(t.division.as_str()),
                t.division,
                t.role.label_zh(),
                crate::last_china_day(&t.expires_at),
            );
        }
        TokenAction::List => {
            let now = chrono::Utc::now();
            let mut out = std::io::stdout().lock();
            for t in db::reviewer_tokens(pool).await? {
                let expired = t
                    .expires_at
                    .as_deref()
                    .and_then(|e| chrono::DateTime::parse_from_rfc3339(e).ok())
                    .is_some_and(|e| e <= now);
                let state = match (&t.revoked_at, &t.division, expired) {
                    (Some(r), _, _) => format!("revoked {r}"),
                    (None, None, _) => {
                        "old kind (no division code): no longer works, issue a new one".into()
                    }
                    (None, Some(_), true) => "expired".into(),
                    (None, Some(_), false) => "active".into(),
                };
                let scope = match &t.division {
                    Some(d) => format!("{d} {}", scope_name(d)),
                    None => t.old_scope.clone(),
                };
                let role = t
                    .role
                    .as_deref()
                    .and_then(Role::from_key)
                    .map_or("-", Role::key);
                let expires = t
                    .expires_at
                    .as_deref()
                    .map_or("-".into(), crate::last_china_day);
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\tissued {}\texpires {}\t{}",
                    t.id, t.name, scope, role, t.created_at, expires, state
                )?;
            }
        }
        TokenAction::Revoke { id } => {
            let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            if !db::revoke_reviewer_token(pool, *id, &now).await? {
                return Err(format!("no active token number {id} (see `token list`)").into());
            }
            eprintln!("token {id} revoked: it no longer opens the review");
        }
    }
    Ok(())
}

/// One line per entry: time, token (number and name, or `-`), action, receipt, detail, outcome.
async fn audit(pool: &db::Pool, limit: i64) -> Result<(), BoxError> {
    let mut out = std::io::stdout().lock();
    for l in db::audit_log(pool, limit.max(1)).await? {
        let who = match (l.token_id, &l.token_name) {
            (Some(id), Some(name)) => format!("#{id} {name}"),
            _ => "-".into(),
        };
        writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}",
            l.at,
            who,
            l.action,
            l.receipt.as_deref().unwrap_or("-"),
            if l.detail.is_empty() { "-" } else { &l.detail },
            l.outcome
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_a_listed_division_within_a_region_and_a_role() {
        let t = new_token("630121101", "township", "城关镇干部", None).unwrap();
        assert_eq!(t.division.as_str(), "630121101");
        assert_eq!(t.role, Role::Township);
        let year = today_in_china().with_year_after();
        assert_eq!(
            crate::last_china_day(&t.expires_at),
            year.to_string(),
            "a year by default"
        );
        for region in ["63", "3508", "61", "15", "620602"] {
            assert!(new_token(region, "county", "x", None).is_ok(), "{region}");
        }
        for bad in ["62", "35", "3505", "630121199", "6301211", "abc"] {
            assert!(new_token(bad, "county", "x", None).is_err(), "{bad}");
        }
        assert!(new_token("63", "mayor", "x", None).is_err());
        assert!(new_token("63", "county", " ", None).is_err());
        let yesterday = today_in_china().pred_opt().unwrap();
        assert!(new_token("63", "county", "x", Some(yesterday)).is_err());
        let today = new_token("63", "county", "x", Some(today_in_china())).unwrap();
        assert!(
            today.expires_at > chrono::Utc::now().to_rfc3339(),
            "works through today"
        );
    }
}
