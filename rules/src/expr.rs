//! The condition language of the rules data (see `rules/README.md`): a parser, a static check
//! against the known facts and terms, and a three-valued (Kleene) evaluator that also reports
//! which unknown facts kept a condition from being decided.
use crate::facts::{household_fact_info, member_fact_info, FactKind, FactValue, Facts, Member};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// A parsed condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Bool(bool),
    Num(f64),
    Str(String),
    List(Vec<Expr>),
    /// A fact: `household.dibao`, `county_exit_year`, `member.age`.
    Fact(String),
    /// A derived term: `lifted_out` (household) or `member.student` (member).
    Term(String),
    Not(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Cmp(Box<Expr>, CmpOp, Box<Expr>),
    Add(Box<Expr>, Box<Expr>),
    Mul(Box<Expr>, Box<Expr>),
    Quant(Quantifier, Box<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    Contains,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantifier {
    Any,
    Every,
    No,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub position: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at character {}: {}", self.position, self.message)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Num(f64),
    Str(String),
    Sym(&'static str),
}

fn tokenize(src: &str) -> Result<Vec<(usize, Token)>, ParseError> {
    let chars: Vec<(usize, char)> = src.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let err = |position: usize, message: String| ParseError { position, message };
    while i < chars.len() {
        let (pos, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '"' {
            let mut s = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    Some((_, '"')) => break,
                    Some((_, ch)) => s.push(*ch),
                    None => return Err(err(pos, "unterminated string".into())),
                }
                i += 1;
            }
            i += 1;
            out.push((pos, Token::Str(s)));
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].1.is_ascii_digit() || chars[i].1 == '.') {
                i += 1;
            }
            let text: String = chars[start..i].iter().map(|(_, c)| c).collect();
            let n = text
                .parse()
                .map_err(|_| err(pos, format!("bad number {text}")))?;
            out.push((pos, Token::Num(n)));
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len()
                && (chars[i].1.is_ascii_alphanumeric() || matches!(chars[i].1, '_' | '.'))
            {
                i += 1;
            }
            out.push((
                pos,
                Token::Ident(chars[start..i].iter().map(|(_, c)| c).collect()),
            ));
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())]
                .iter()
                .map(|(_, c)| c)
                .collect();
            let sym = ["==", "!=", "<=", ">="].into_iter().find(|s| *s == two);
            if let Some(s) = sym {
                out.push((pos, Token::Sym(s)));
                i += 2;
            } else {
                let s = match c {
                    '(' => "(",
                    ')' => ")",
                    '[' => "[",
                    ']' => "]",
                    ',' => ",",
                    '<' => "<",
                    '>' => ">",
                    '+' => "+",
                    '*' => "*",
                    _ => return Err(err(pos, format!("unexpected character '{c}'"))),
                };
                out.push((pos, Token::Sym(s)));
                i += 1;
            }
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<(usize, Token)>,
    at: usize,
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at).map(|(_, t)| t)
    }

    fn position(&self) -> usize {
        self.tokens.get(self.at).map_or(self.end, |(p, _)| *p)
    }

    fn error<T>(&self, message: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError {
            position: self.position(),
            message: message.into(),
        })
    }

    fn eat_word(&mut self, word: &str) -> bool {
        if matches!(self.peek(), Some(Token::Ident(w)) if w == word) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn eat_sym(&mut self, sym: &str) -> bool {
        if matches!(self.peek(), Some(Token::Sym(s)) if *s == sym) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect_sym(&mut self, sym: &str) -> Result<(), ParseError> {
        if self.eat_sym(sym) {
            Ok(())
        } else {
            self.error(format!("expected '{sym}'"))
        }
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        let mut items = vec![self.and()?];
        while self.eat_word("or") {
            items.push(self.and()?);
        }
        Ok(if items.len() == 1 {
            items.pop().unwrap()
        } else {
            Expr::Or(items)
        })
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut items = vec![self.unary()?];
        while self.eat_word("and") {
            items.push(self.unary()?);
        }
        Ok(if items.len() == 1 {
            items.pop().unwrap()
        } else {
            Expr::And(items)
        })
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.eat_word("not") {
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        for (word, q) in [
            ("any", Quantifier::Any),
            ("every", Quantifier::Every),
            ("no", Quantifier::No),
        ] {
            if self.eat_word(word) {
                if !self.eat_word("member") {
                    return self.error(format!("expected 'member' after '{word}'"));
                }
                self.expect_sym("(")?;
                let inner = self.or()?;
                self.expect_sym(")")?;
                return Ok(Expr::Quant(q, Box::new(inner)));
            }
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, ParseError> {
        let left = self.sum()?;
        let op = match self.peek() {
            Some(Token::Sym("==")) => CmpOp::Eq,
            Some(Token::Sym("!=")) => CmpOp::Ne,
            Some(Token::Sym("<")) => CmpOp::Lt,
            Some(Token::Sym("<=")) => CmpOp::Le,
            Some(Token::Sym(">")) => CmpOp::Gt,
            Some(Token::Sym(">=")) => CmpOp::Ge,
            Some(Token::Ident(w)) if w == "in" => CmpOp::In,
            Some(Token::Ident(w)) if w == "contains" => CmpOp::Contains,
            _ => return Ok(left),
        };
        self.at += 1;
        let right = self.sum()?;
        Ok(Expr::Cmp(Box::new(left), op, Box::new(right)))
    }

    fn sum(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.product()?;
        while self.eat_sym("+") {
            left = Expr::Add(Box::new(left), Box::new(self.product()?));
        }
        Ok(left)
    }

    fn product(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.atom()?;
        while self.eat_sym("*") {
            left = Expr::Mul(Box::new(left), Box::new(self.atom()?));
        }
        Ok(left)
    }

    fn atom(&mut self) -> Result<Expr, ParseError> {
        let token = match self.tokens.get(self.at) {
            Some((_, t)) => t.clone(),
            None => return self.error("unexpected end of condition"),
        };
        self.at += 1;
        match token {
            Token::Num(n) => Ok(Expr::Num(n)),
            Token::Str(s) => Ok(Expr::Str(s)),
            Token::Sym("(") => {
                let inner = self.or()?;
                self.expect_sym(")")?;
                Ok(inner)
            }
            Token::Sym("[") => {
                let mut items = Vec::new();
                if !self.eat_sym("]") {
                    loop {
                        items.push(self.atom()?);
                        if self.eat_sym("]") {
                            break;
                        }
                        self.expect_sym(",")?;
                    }
                }
                Ok(Expr::List(items))
            }
            Token::Ident(w) if w == "true" => Ok(Expr::Bool(true)),
            Token::Ident(w) if w == "false" => Ok(Expr::Bool(false)),
            Token::Ident(w) if ["and", "or", "not", "in", "contains"].contains(&w.as_str()) => {
                self.at -= 1;
                self.error(format!("expected a fact or a value, found '{w}'"))
            }
            Token::Ident(w) => {
                let is_fact = household_fact_info(&w).is_some() || member_fact_info(&w).is_some();
                Ok(if is_fact {
                    Expr::Fact(w)
                } else {
                    Expr::Term(w)
                })
            }
            Token::Sym(s) => {
                self.at -= 1;
                self.error(format!("unexpected '{s}'"))
            }
        }
    }
}

/// Parses one condition.
pub fn parse(src: &str) -> Result<Expr, ParseError> {
    let tokens = tokenize(src)?;
    let mut p = Parser {
        tokens,
        at: 0,
        end: src.len(),
    };
    let e = p.or()?;
    if p.at < p.tokens.len() {
        return p.error("unexpected text after the condition");
    }
    Ok(e)
}

/// The derived terms of `data/terms.toml`, parsed.
#[derive(Debug, Clone, Default)]
pub struct Terms {
    pub household: BTreeMap<String, Expr>,
    /// Keyed by the full name, `member.student`.
    pub member: BTreeMap<String, Expr>,
}

/// Checks that a condition names only known facts and terms, uses member facts only inside a
/// quantifier, and compares enum facts only with values they can have.
pub fn check(e: &Expr, terms: &Terms, in_member: bool) -> Result<(), String> {
    match e {
        Expr::Bool(_) | Expr::Num(_) | Expr::Str(_) => Ok(()),
        Expr::List(items) => items.iter().try_for_each(|i| check(i, terms, in_member)),
        Expr::Fact(name) => {
            if member_fact_info(name).is_some() && !in_member {
                Err(format!(
                    "member fact '{name}' used outside 'any member (…)'"
                ))
            } else {
                Ok(())
            }
        }
        Expr::Term(name) => {
            if name.starts_with("member.") {
                if !terms.member.contains_key(name) {
                    Err(format!("unknown member fact or term '{name}'"))
                } else if !in_member {
                    Err(format!(
                        "member term '{name}' used outside 'any member (…)'"
                    ))
                } else {
                    Ok(())
                }
            } else if terms.household.contains_key(name) {
                Ok(())
            } else {
                Err(format!("unknown fact or term '{name}'"))
            }
        }
        Expr::Not(a) => check(a, terms, in_member),
        Expr::And(items) | Expr::Or(items) => {
            items.iter().try_for_each(|i| check(i, terms, in_member))
        }
        Expr::Add(a, b) | Expr::Mul(a, b) => {
            check(a, terms, in_member)?;
            check(b, terms, in_member)
        }
        Expr::Quant(_, inner) => {
            if in_member {
                Err("quantifiers cannot be nested".into())
            } else {
                check(inner, terms, true)
            }
        }
        Expr::Cmp(a, op, b) => {
            check(a, terms, in_member)?;
            check(b, terms, in_member)?;
            check_values(a, *op, b)
        }
    }
}

/// Refuses `household.poverty_status == "lifted-out"` and similar typos.
fn check_values(a: &Expr, op: CmpOp, b: &Expr) -> Result<(), String> {
    let Expr::Fact(name) = a else { return Ok(()) };
    let info = household_fact_info(name)
        .or_else(|| member_fact_info(name))
        .expect("checked fact");
    let allowed = match info.kind {
        FactKind::Enum(values) if matches!(op, CmpOp::Eq | CmpOp::Ne | CmpOp::In) => values,
        FactKind::List(values) if op == CmpOp::Contains && !values.is_empty() => values,
        _ => return Ok(()),
    };
    let literals: Vec<&Expr> = match b {
        Expr::List(items) => items.iter().collect(),
        other => vec![other],
    };
    for lit in literals {
        match lit {
            Expr::Str(s) if allowed.contains(&s.as_str()) => {}
            Expr::Str(s) => {
                return Err(format!(
                    "'{name}' is never \"{s}\"; it is one of {allowed:?}"
                ))
            }
            other => {
                return Err(format!(
                    "'{name}' is compared with {other:?}, not one of {allowed:?}"
                ))
            }
        }
    }
    Ok(())
}

/// A value during evaluation.
#[derive(Debug, Clone, PartialEq)]
enum Val<'a> {
    Unknown,
    Bool(bool),
    Num(f64),
    Str(&'a str),
    List(Vec<Val<'a>>),
}

impl<'a> From<FactValue<'a>> for Val<'a> {
    fn from(v: FactValue<'a>) -> Self {
        match v {
            FactValue::Unknown => Val::Unknown,
            FactValue::Bool(b) => Val::Bool(b),
            FactValue::Num(n) => Val::Num(n),
            FactValue::Str(s) => Val::Str(s),
            FactValue::List(items) => Val::List(items.into_iter().map(Val::Str).collect()),
        }
    }
}

/// Three-valued truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Truth {
    Yes,
    No,
    Unknown,
}

/// The result of a condition: its truth and, when unknown, the facts that would decide it.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub truth: Truth,
    /// Paths like `household.dibao`, `members[1].age` or `members`; sorted, no duplicates.
    pub missing: Vec<String>,
}

struct Ctx<'a> {
    facts: &'a Facts,
    terms: &'a Terms,
    member: Option<(usize, &'a Member)>,
    /// Fact paths read as unknown whatever the facts say (answers set aside, see `consistency`).
    mask: &'a BTreeSet<String>,
}

/// No fact set aside.
static NO_MASK: BTreeSet<String> = BTreeSet::new();

/// Evaluates a checked condition for a household.
pub fn evaluate(e: &Expr, facts: &Facts, terms: &Terms) -> Outcome {
    run(e, facts, terms, None, &NO_MASK)
}

/// The same, reading the fact paths in `mask` (`household.dibao`, `members[0].age`) as unknown.
pub fn evaluate_masked(e: &Expr, facts: &Facts, terms: &Terms, mask: &BTreeSet<String>) -> Outcome {
    run(e, facts, terms, None, mask)
}

/// Evaluates a condition checked as a member condition (`check(…, true)`: member facts without a
/// quantifier) for member `index` of the household; unknown if there is no such member.
pub fn evaluate_member(e: &Expr, facts: &Facts, terms: &Terms, index: usize) -> Outcome {
    match facts.members.as_ref().and_then(|m| m.get(index)) {
        Some(m) => run(e, facts, terms, Some((index, m)), &NO_MASK),
        None => Outcome {
            truth: Truth::Unknown,
            missing: vec!["members".into()],
        },
    }
}

fn run<'a>(
    e: &'a Expr,
    facts: &'a Facts,
    terms: &'a Terms,
    member: Option<(usize, &'a Member)>,
    mask: &'a BTreeSet<String>,
) -> Outcome {
    let ctx = Ctx {
        facts,
        terms,
        member,
        mask,
    };
    let mut missing = Vec::new();
    let truth = match eval(e, &ctx, &mut missing) {
        Val::Bool(true) => Truth::Yes,
        Val::Bool(false) => Truth::No,
        _ => Truth::Unknown,
    };
    if truth == Truth::Unknown {
        missing.sort();
        missing.dedup();
    } else {
        missing.clear();
    }
    Outcome { truth, missing }
}

fn eval<'a>(e: &'a Expr, ctx: &Ctx<'a>, missing: &mut Vec<String>) -> Val<'a> {
    match e {
        Expr::Bool(b) => Val::Bool(*b),
        Expr::Num(n) => Val::Num(*n),
        Expr::Str(s) => Val::Str(s),
        Expr::List(items) => Val::List(items.iter().map(|i| eval(i, ctx, missing)).collect()),
        Expr::Fact(name) => {
            let (value, path) = if let Some(rest) = name.strip_prefix("member.") {
                let (i, m) = ctx
                    .member
                    .expect("member fact outside a quantifier (refused by check)");
                (m.get(name), format!("members[{i}].{rest}"))
            } else {
                (ctx.facts.get(name), name.clone())
            };
            let value: Val = if ctx.mask.contains(&path) {
                Val::Unknown
            } else {
                value.expect("unknown fact (refused by check)").into()
            };
            if value == Val::Unknown {
                // member_count is unknown exactly when the member list is.
                missing.push(if name == "member_count" {
                    "members".into()
                } else {
                    path
                });
            }
            value
        }
        Expr::Term(name) => {
            let terms = if name.starts_with("member.") {
                &ctx.terms.member
            } else {
                &ctx.terms.household
            };
            let body = terms.get(name).expect("unknown term (refused by check)");
            // A household term used inside a quantifier is about the household, not the member.
            let inner = Ctx {
                facts: ctx.facts,
                terms: ctx.terms,
                mask: ctx.mask,
                member: if name.starts_with("member.") {
                    ctx.member
                } else {
                    None
                },
            };
            eval(body, &inner, missing)
        }
        Expr::Not(a) => match eval(a, ctx, missing) {
            Val::Bool(b) => Val::Bool(!b),
            _ => Val::Unknown,
        },
        Expr::And(items) => logic(items, ctx, missing, false),
        Expr::Or(items) => logic(items, ctx, missing, true),
        Expr::Add(a, b) | Expr::Mul(a, b) => {
            let (x, y) = (eval(a, ctx, missing), eval(b, ctx, missing));
            match (x, y) {
                (Val::Num(x), Val::Num(y)) => Val::Num(if matches!(e, Expr::Add(..)) {
                    x + y
                } else {
                    x * y
                }),
                _ => Val::Unknown,
            }
        }
        Expr::Cmp(a, op, b) => {
            let (x, y) = (eval(a, ctx, missing), eval(b, ctx, missing));
            compare(&x, *op, &y)
        }
        Expr::Quant(q, inner) => {
            let Some(members) = ctx.facts.members.as_ref() else {
                missing.push("members".into());
                return Val::Unknown;
            };
            // `any` is yes on the first member that qualifies; `every` and `no` are decided by
            // the first counter-example. Otherwise unknown if any member was undecided.
            let mut local = Vec::new();
            let mut undecided = false;
            for (i, m) in members.iter().enumerate() {
                let c = Ctx {
                    facts: ctx.facts,
                    terms: ctx.terms,
                    mask: ctx.mask,
                    member: Some((i, m)),
                };
                let mut here = Vec::new();
                match (q, eval(inner, &c, &mut here)) {
                    (Quantifier::Any, Val::Bool(true)) => return Val::Bool(true),
                    (Quantifier::No, Val::Bool(true)) => return Val::Bool(false),
                    (Quantifier::Every, Val::Bool(false)) => return Val::Bool(false),
                    (_, Val::Bool(_)) => {}
                    _ => {
                        undecided = true;
                        local.extend(here);
                    }
                }
            }
            if undecided {
                missing.extend(local);
                Val::Unknown
            } else {
                Val::Bool(*q != Quantifier::Any)
            }
        }
    }
}

/// Kleene `and` (`is_or` false) and `or`: a deciding operand wins over unknown ones.
fn logic<'a>(items: &'a [Expr], ctx: &Ctx<'a>, missing: &mut Vec<String>, is_or: bool) -> Val<'a> {
    let mut local = Vec::new();
    let mut undecided = false;
    for item in items {
        let mut here = Vec::new();
        match eval(item, ctx, &mut here) {
            Val::Bool(b) if b == is_or => return Val::Bool(is_or),
            Val::Bool(_) => {}
            _ => {
                undecided = true;
                local.extend(here);
            }
        }
    }
    if undecided {
        missing.extend(local);
        Val::Unknown
    } else {
        Val::Bool(!is_or)
    }
}

fn compare(x: &Val, op: CmpOp, y: &Val) -> Val<'static> {
    if *x == Val::Unknown || *y == Val::Unknown {
        return Val::Unknown;
    }
    let b = match op {
        CmpOp::Eq | CmpOp::Ne => {
            let eq = match (x, y) {
                (Val::Num(a), Val::Num(b)) => (a - b).abs() < 1e-9,
                _ => x == y,
            };
            eq == (op == CmpOp::Eq)
        }
        CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge => {
            let (Val::Num(a), Val::Num(b)) = (x, y) else {
                return Val::Unknown;
            };
            match op {
                CmpOp::Lt => a < b,
                CmpOp::Le => a <= b,
                CmpOp::Gt => a > b,
                _ => a >= b,
            }
        }
        CmpOp::In => match y {
            Val::List(items) => items
                .iter()
                .any(|i| compare(x, CmpOp::Eq, i) == Val::Bool(true)),
            _ => return Val::Unknown,
        },
        CmpOp::Contains => match (x, y) {
            (Val::List(items), _) => items
                .iter()
                .any(|i| compare(i, CmpOp::Eq, y) == Val::Bool(true)),
            (Val::Str(text), Val::Str(part)) => text.contains(part),
            _ => return Val::Unknown,
        },
    };
    Val::Bool(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms() -> Terms {
        let mut t = Terms::default();
        t.household.insert(
            "monitored".into(),
            parse(r#"household.poverty_status == "monitored""#).unwrap(),
        );
        t.member.insert(
            "member.student".into(),
            parse(r#"member.school_stage in ["compulsory", "college"]"#).unwrap(),
        );
        t
    }

    fn run(cond: &str, facts: &str) -> Outcome {
        let t = terms();
        let e = parse(cond).unwrap();
        check(&e, &t, false).unwrap();
        evaluate(&e, &Facts::from_json(facts).unwrap(), &t)
    }

    #[test]
    fn unknown_is_neither_yes_nor_no() {
        let o = run("household.dibao", "{}");
        assert_eq!(o.truth, Truth::Unknown);
        assert_eq!(o.missing, vec!["household.dibao"]);
        assert_eq!(run("not household.dibao", "{}").truth, Truth::Unknown);
    }

    #[test]
    fn kleene_and_or() {
        // A known "no" decides an `and`, a known "yes" decides an `or`, whatever is unknown.
        let no = run(
            "household.dibao and household.tekun",
            r#"{"household":{"tekun":false}}"#,
        );
        assert_eq!((no.truth, no.missing.len()), (Truth::No, 0));
        let yes = run(
            "household.dibao or household.tekun",
            r#"{"household":{"tekun":true}}"#,
        );
        assert_eq!(yes.truth, Truth::Yes);
        let u = run(
            "household.dibao or household.tekun",
            r#"{"household":{"tekun":false}}"#,
        );
        assert_eq!(
            (u.truth, u.missing),
            (Truth::Unknown, vec!["household.dibao".to_string()])
        );
    }

    #[test]
    fn quantifiers_over_members() {
        let cond = "any member (member.age >= 60)";
        assert_eq!(run(cond, "{}").missing, vec!["members"]);
        assert_eq!(run(cond, r#"{"members":[]}"#).truth, Truth::No);
        assert_eq!(
            run(cond, r#"{"members":[{"age":30},{"age":70}]}"#).truth,
            Truth::Yes
        );
        let u = run(cond, r#"{"members":[{"age":30},{}]}"#);
        assert_eq!(
            (u.truth, u.missing),
            (Truth::Unknown, vec!["members[1].age".to_string()])
        );
        assert_eq!(
            run(
                "no member (member.student)",
                r#"{"members":[{"school_stage":"none"}]}"#
            )
            .truth,
            Truth::Yes
        );
        assert_eq!(
            run(
                "every member (member.age < 18)",
                r#"{"members":[{"age":3},{"age":40}]}"#
            )
            .truth,
            Truth::No
        );
    }

    #[test]
    fn terms_comparisons_and_arithmetic() {
        assert_eq!(
            run(
                "monitored",
                r#"{"household":{"poverty_status":"monitored"}}"#
            )
            .truth,
            Truth::Yes
        );
        assert_eq!(
            run(
                r#"household.livelihoods contains "grain""#,
                r#"{"household":{"livelihoods":["grain"]}}"#
            )
            .truth,
            Truth::Yes
        );
        assert_eq!(
            run(
                r#"household.relocation_site contains "邓马营湖""#,
                r#"{"household":{"relocation_site":"邓马营湖一村"}}"#
            )
            .truth,
            Truth::Yes
        );
        assert_eq!(
            run(
                "household.recent_shocks != []",
                r#"{"household":{"recent_shocks":[]}}"#
            )
            .truth,
            Truth::No
        );
        let expense =
            "household.rigid_expense_total >= household.income_per_capita_yuan * member_count";
        let f = r#"{"household":{"rigid_expense":{"medical":9000},"income_per_capita_yuan":4000},"members":[{},{}]}"#;
        assert_eq!(run(expense, f).truth, Truth::Yes);
        assert_eq!(
            run(
                expense,
                r#"{"household":{"rigid_expense":{"medical":9000}}}"#
            )
            .missing,
            vec!["household.income_per_capita_yuan", "members"]
        );
    }

    #[test]
    fn check_refuses_typos_and_misplaced_member_facts() {
        let t = terms();
        let bad = |s: &str| check(&parse(s).unwrap(), &t, false).unwrap_err();
        assert!(bad(r#"household.poverty_status == "lifted-out""#).contains("never"));
        assert!(bad("household.dibaoo").contains("unknown"));
        assert!(bad("member.age > 3").contains("outside"));
        assert!(bad("any member (member.studnet)").contains("unknown"));
        assert!(bad("any member (any member (member.age > 1))").contains("nested"));
    }

    #[test]
    fn parse_errors_say_where() {
        assert!(parse("household.dibao and").is_err());
        assert!(parse("(household.dibao").is_err());
        assert!(parse("household.dibao household.tekun").is_err());
        assert!(parse("any (household.dibao)").is_err());
        assert!(parse("\"open").is_err());
    }
}
