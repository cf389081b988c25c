//! Fact paths as the rules name them in `missing_facts` and the app stores its answers under:
//! `household.dibao`, `county_exit_year`, `members`, `members[1].age`. One parser, so that no
//! caller splits `members[1].age` by hand.
use std::fmt;

/// A parsed fact path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FactPath<'a> {
    /// A top-level fact: `county_exit_year`, `member_count`, `region`.
    Top(&'a str),
    /// `household.<name>` (`household.rigid_expense.medical` has the name `rigid_expense.medical`).
    Household(&'a str),
    /// Who lives in the household: `members`.
    Members,
    /// `members[<index>].<name>`, index from 0.
    Member(usize, &'a str),
}

impl<'a> FactPath<'a> {
    /// Reads a path; `None` for anything that is not one (`members[x].age`, an empty name).
    pub fn parse(path: &'a str) -> Option<FactPath<'a>> {
        if path == "members" {
            return Some(FactPath::Members);
        }
        if let Some(name) = path.strip_prefix("household.") {
            return (!name.is_empty()).then_some(FactPath::Household(name));
        }
        if let Some(rest) = path.strip_prefix("members[") {
            let (index, name) = rest.split_once("].")?;
            let index = index.parse().ok()?;
            return (!name.is_empty()).then_some(FactPath::Member(index, name));
        }
        let plain = !path.is_empty()
            && path
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        plain.then_some(FactPath::Top(path))
    }

    /// The JSON pointer of this fact in household facts JSON (`/members/1/age`).
    pub fn pointer(&self) -> String {
        match self {
            FactPath::Top(name) => format!("/{name}"),
            FactPath::Household(name) => format!("/household/{}", name.replace('.', "/")),
            FactPath::Members => "/members".into(),
            FactPath::Member(i, name) => format!("/members/{i}/{}", name.replace('.', "/")),
        }
    }

    /// The member this path is about, if any.
    pub fn member(&self) -> Option<usize> {
        match self {
            FactPath::Member(i, _) => Some(*i),
            _ => None,
        }
    }
}

impl fmt::Display for FactPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FactPath::Top(name) => f.write_str(name),
            FactPath::Household(name) => write!(f, "household.{name}"),
            FactPath::Members => f.write_str("members"),
            FactPath::Member(i, name) => write!(f, "members[{i}].{name}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_parse_and_print_back() {
        for (text, parsed, pointer) in [
            (
                "household.dibao",
                FactPath::Household("dibao"),
                "/household/dibao",
            ),
            (
                "household.rigid_expense.medical",
                FactPath::Household("rigid_expense.medical"),
                "/household/rigid_expense/medical",
            ),
            (
                "county_exit_year",
                FactPath::Top("county_exit_year"),
                "/county_exit_year",
            ),
            ("members", FactPath::Members, "/members"),
            (
                "members[12].age",
                FactPath::Member(12, "age"),
                "/members/12/age",
            ),
        ] {
            assert_eq!(FactPath::parse(text), Some(parsed), "{text}");
            assert_eq!(parsed.to_string(), text);
            assert_eq!(parsed.pointer(), pointer);
        }
        for bad in [
            "",
            "members[x].age",
            "members[1].",
            "household.",
            "members[1]age",
            "a b",
        ] {
            assert_eq!(FactPath::parse(bad), None, "{bad:?}");
        }
    }
}
