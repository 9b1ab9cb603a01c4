//! CEL attribute rules (ITE-11), evaluated with the `cel` crate (cel-rust) against a statement.
//!
//! Variables: `type` (the statement's `_type`), `subject` (list of resource descriptors as
//! JSON), `predicateType`, `predicate`; for link predicates also the link's fields at the top
//! (`name`, `command`, `materials`, `byproducts`, `environment`), as ITE-11 describes for
//! links.

use std::panic::{AssertUnwindSafe, catch_unwind};

use cel::{Context, ExecutionError, Program, Value as CelValue};
use intoto_model::{Statement, predicate::LINK_V0_3};
use serde_json::Value;

/// Longest rule accepted (bytes) and deepest bracket nesting: the parser and interpreter
/// recurse, and a rule is policy text, not data, so generous bounds suffice.
const MAX_RULE_BYTES: usize = 16 * 1024;
const MAX_NESTING: usize = 64;

/// A compiled rule.
pub struct CelRule {
    text: String,
    program: Program,
}

impl std::fmt::Debug for CelRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CelRule({:?})", self.text)
    }
}

/// What evaluating a rule gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The rule is true.
    True,
    /// The rule is false.
    False,
    /// The rule refers to a field or variable the statement does not have.
    NoClaim(String),
    /// Evaluation failed otherwise, or the result is not a boolean.
    Error(String),
}

impl CelRule {
    /// Parses `text`; the error is the parser's message.
    pub fn compile(text: &str) -> Result<Self, String> {
        if text.len() > MAX_RULE_BYTES {
            return Err(format!("longer than {MAX_RULE_BYTES} bytes"));
        }
        let mut depth = 0usize;
        for c in text.chars() {
            match c {
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
            if depth > MAX_NESTING {
                return Err(format!("nested deeper than {MAX_NESTING} brackets"));
            }
        }
        // The parser is third-party code; a panic there must not take the verifier down.
        match catch_unwind(|| Program::compile(text)) {
            Ok(Ok(program)) => Ok(CelRule {
                text: text.to_owned(),
                program,
            }),
            Ok(Err(e)) => Err(e.to_string().replace('\n', " ")),
            Err(_) => Err("the CEL parser failed on this rule".into()),
        }
    }

    /// The rule as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Evaluates the rule against `activation`.
    pub fn evaluate(&self, activation: &Activation) -> Outcome {
        let run = catch_unwind(AssertUnwindSafe(|| {
            self.program.execute(&activation.context)
        }));
        match run {
            Ok(Ok(CelValue::Bool(true))) => Outcome::True,
            Ok(Ok(CelValue::Bool(false))) => Outcome::False,
            Ok(Ok(other)) => Outcome::Error(format!("the result is {other:?}, not a boolean")),
            Ok(Err(
                e @ (ExecutionError::NoSuchKey(_) | ExecutionError::UndeclaredReference(_)),
            )) => Outcome::NoClaim(e.to_string()),
            Ok(Err(e)) => Outcome::Error(e.to_string()),
            Err(_) => Outcome::Error("the CEL interpreter failed on this rule".into()),
        }
    }
}

/// The variables a statement provides to rules.
pub struct Activation {
    context: Context<'static, 'static>,
}

impl Activation {
    /// The variables of `statement`.
    pub fn new(statement: &Statement) -> Result<Self, String> {
        let mut context = Context::default();
        let mut add = |name: &str, v: Value| {
            context
                .add_variable(name, v)
                .map_err(|e| format!("cannot give {name} to CEL: {e}"))
        };
        let value = statement.to_value();
        let field = |k: &str| value.get(k).cloned().unwrap_or(Value::Null);
        add("type", field("_type"))?;
        add("subject", field("subject"))?;
        add("predicateType", field("predicateType"))?;
        let predicate = field("predicate");
        if statement.predicate_type == LINK_V0_3
            && let Value::Object(fields) = &predicate
        {
            for key in ["name", "command", "materials", "byproducts", "environment"] {
                if let Some(v) = fields.get(key) {
                    add(key, v.clone())?;
                }
            }
        }
        add("predicate", predicate)?;
        Ok(Activation { context })
    }
}
