//! Compiled rules: the schema plus rules whose names are resolved to slots,
//! fields and enum values, ready for the evaluator.

use crate::schema::{EnumId, FieldId, KindId, Schema};
use crate::source::{SourceFile, Span};
pub(crate) mod lookup;

use crate::vocab::{BinOp, Severity};

/// Everything the loaded rule files define.
#[derive(Debug)]
pub struct Program {
    /// The scenario schema.
    pub schema: Schema,
    /// The rules, in load order.
    pub rules: Vec<Rule>,
    /// The rule files, indexed by `Rule::file`.
    pub files: Vec<SourceFile>,
    /// What `eligo plan` proposes, when a rule file declares a `plan`.
    pub plan: Option<PlanSpec>,
    /// Ids of rules loaded but not run (`--select`/`--ignore`): still known,
    /// so a scenario's `expect` or a waiver may name them.
    pub deselected: Vec<String>,
}

/// A resolved `plan` declaration.
#[derive(Clone, Debug)]
pub struct PlanSpec {
    /// The root collection of the requests (`transfers`).
    pub collection: String,
    /// The kind of a request.
    pub request: KindId,
    /// The kind of a request's item record.
    pub item: KindId,
    /// The kind of the entities a request moves.
    pub moved: KindId,
    /// The request's list of items.
    pub items: FieldId,
    /// The item's reference to the moved entity.
    pub item_ref: FieldId,
    /// The item's link back to its request.
    pub item_parent: Option<FieldId>,
    /// The kind of the group (one request per group).
    pub group_kind: KindId,
    /// The request's group field, and the moved entity's.
    pub group: (FieldId, FieldId),
    /// The kind of the source and target.
    pub party_kind: KindId,
    /// The request's source field, and the moved entity's.
    pub from: (FieldId, FieldId),
    /// The request's target field.
    pub to: FieldId,
    /// Enum fields of the request set to a value.
    pub set: Vec<(FieldId, u32)>,
    /// Item fields copied from fields of the moved entity.
    pub copy: Vec<(FieldId, FieldId)>,
    /// The moved entity's field naming the entity it moves with.
    pub with: Option<FieldId>,
    /// The request's field and the values under which a book request counts.
    pub open: Option<(FieldId, Vec<u32>)>,
}

impl Program {
    /// The ids of all loaded rules, run or not.
    pub fn rule_ids(&self) -> std::collections::HashSet<String> {
        self.rules
            .iter()
            .map(|r| r.id.clone())
            .chain(self.deselected.iter().cloned())
            .collect()
    }

    /// Keeps only the rules for which `keep` holds; the others stay known
    /// (see [`Program::deselected`]) but are not evaluated.
    pub fn retain_rules(&mut self, mut keep: impl FnMut(&Rule) -> bool) {
        let mut dropped = Vec::new();
        self.rules.retain(|r| {
            let kept = keep(r);
            if !kept {
                dropped.push(r.id.clone());
            }
            kept
        });
        self.deselected.extend(dropped);
    }
}

/// A compiled rule.
#[derive(Debug)]
pub struct Rule {
    /// Its id.
    pub id: String,
    /// Error or warning.
    pub severity: Severity,
    /// The one-line summary.
    pub summary: String,
    /// The `##` documentation above it.
    pub doc: String,
    /// Index of its file in [`Program::files`].
    pub file: usize,
    /// Where it is declared.
    pub span: Span,
    /// The body.
    pub clauses: Vec<Clause>,
    /// The condition every binding must meet (for `forbid X`, `not X`).
    pub require: CExpr,
    /// Written as `forbid X` rather than `require`.
    pub forbid: bool,
    /// The entity the finding is about.
    pub subject: CExpr,
    /// What is wrong.
    pub message: Vec<Part>,
    /// What to do.
    pub fix: Option<Vec<Part>>,
    /// Entities to list as related, besides the `for` variables.
    pub related: Vec<CExpr>,
    /// The places to edit (`else s at i, …`): entities or records, or lists of them.
    pub places: Vec<CExpr>,
    /// Slots of `for` variables bound to entities with ids (listed as related).
    pub related_slots: Vec<usize>,
    /// Number of variable slots.
    pub slots: usize,
    /// Names of the variables, by slot (for `explain`).
    pub slot_names: Vec<String>,
}

/// A compiled clause.
#[derive(Debug)]
pub enum Clause {
    /// Bind `slot` to each element of `collection` for which `filter` holds.
    For {
        /// The variable's slot.
        slot: usize,
        /// What it ranges over.
        collection: CExpr,
        /// Optional filter.
        filter: Option<CExpr>,
    },
    /// Bind `slot` to a value.
    Let {
        /// The variable's slot.
        slot: usize,
        /// The value.
        value: CExpr,
    },
    /// Skip bindings where the condition does not hold.
    Where(CExpr),
}

/// A piece of a message.
#[derive(Debug)]
pub enum Part {
    /// Literal text.
    Text(String),
    /// A value to render.
    Expr(CExpr),
}

/// How to read a cell of a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decode {
    /// A string (case-sensitive or not).
    Str(bool),
    /// An integer.
    Int,
    /// A number.
    Num,
    /// A boolean.
    Bool,
    /// A date.
    Date,
    /// An enum value.
    Enum(EnumId),
    /// A row of a kind.
    Entity(KindId),
    /// A range of rows of an owned record kind.
    Rows(KindId),
    /// A list in the pool of rows of a kind.
    RefList(KindId),
    /// A list in the pool of enum values.
    EnumList(EnumId),
    /// A list in the pool of other scalars, each read as the inner decode.
    ScalarList(Prim1),
}

/// Scalar decodes for lists of primitives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prim1 {
    /// Strings.
    Str(bool),
    /// Integers.
    Int,
    /// Numbers.
    Num,
    /// Booleans.
    Bool,
    /// Dates.
    Date,
}

/// A constant value.
#[derive(Clone, Debug, PartialEq)]
pub enum Const {
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A number.
    Num(f64),
    /// A string.
    Str(String),
    /// A date.
    Date(i32),
    /// An enum value.
    Enum(EnumId, u32),
    /// A list.
    List(Vec<Const>),
}

/// Built-in functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    /// Number of elements.
    Count,
    /// At least one element.
    Any,
    /// No element.
    None,
    /// Elements without repeats, first occurrence kept.
    Distinct,
}

/// A compiled expression and where it is written.
#[derive(Debug)]
pub struct CExpr {
    /// What it computes.
    pub kind: CExprKind,
    /// Its text in the rule's file, for `explain`; `None` for what was compiled
    /// from a named constant's definition (elsewhere; the constant's use has
    /// the span) and for what the compiler adds.
    pub span: Option<Span>,
}

/// The walk over compiled expressions that the passes reading them share
/// (the plan's affected rules, the cost lint, `explain`): what a node's
/// operands are is said once, here, so a new kind of node cannot be
/// forgotten by one of them.
impl CExpr {
    /// The operands of this node, in evaluation order (a filter's collection
    /// before its condition, a binary operator's left side first).
    pub fn children(&self) -> impl Iterator<Item = &CExpr> {
        let (one, two, list): (Option<&CExpr>, Option<&CExpr>, &[CExpr]) = match &self.kind {
            CExprKind::Const(_) | CExprKind::Var(_) | CExprKind::Root(..) => (None, None, &[]),
            CExprKind::Field { base, .. }
            | CExprKind::MapField { base, .. }
            | CExprKind::Has { base, .. } => (Some(base), None, &[]),
            CExprKind::Not(inner) | CExprKind::Call(_, inner) => (Some(inner), None, &[]),
            CExprKind::Binary { lhs, rhs, .. } => (Some(lhs), Some(rhs), &[]),
            CExprKind::List(items) => (None, None, items),
            CExprKind::Filter {
                collection, cond, ..
            }
            | CExprKind::All {
                collection, cond, ..
            } => (Some(collection), Some(cond), &[]),
        };
        one.into_iter().chain(two).chain(list)
    }

    /// Visits this node and every node under it, each once, with an explicit
    /// stack (no recursion: rule files nest expressions up to the parser's
    /// bound). A node's operands are visited last to first.
    pub fn walk<'a>(&'a self, visit: &mut dyn FnMut(&'a CExpr)) {
        let mut stack = vec![self];
        while let Some(node) = stack.pop() {
            visit(node);
            stack.extend(node.children());
        }
    }

    /// Whether `holds` is true of this node or of any node under it (the
    /// walk of [`CExpr::walk`], stopping at the first).
    pub fn any(&self, holds: &mut dyn FnMut(&CExpr) -> bool) -> bool {
        let mut stack = vec![self];
        while let Some(node) = stack.pop() {
            if holds(node) {
                return true;
            }
            stack.extend(node.children());
        }
        false
    }
}

impl From<CExprKind> for CExpr {
    /// A node without a span yet (the compiler gives it its expression's).
    fn from(kind: CExprKind) -> Self {
        CExpr { kind, span: None }
    }
}

/// What a compiled expression computes.
#[derive(Debug)]
pub enum CExprKind {
    /// A constant.
    Const(Const),
    /// A variable.
    Var(usize),
    /// A field of the scenario root.
    Root(FieldId, Decode),
    /// A field of one entity.
    Field {
        /// The entity.
        base: Box<CExpr>,
        /// Its kind.
        kind: KindId,
        /// The field.
        field: FieldId,
        /// How to read it.
        decode: Decode,
    },
    /// A field of every entity of a list, flattened.
    MapField {
        /// The list.
        base: Box<CExpr>,
        /// The kind of its elements.
        kind: KindId,
        /// The field.
        field: FieldId,
        /// How to read it.
        decode: Decode,
    },
    /// Whether a field of an entity is present.
    Has {
        /// The entity.
        base: Box<CExpr>,
        /// Its kind.
        kind: KindId,
        /// The field.
        field: FieldId,
    },
    /// `not`
    Not(Box<CExpr>),
    /// A binary operator.
    Binary {
        /// Which.
        op: BinOp,
        /// Left operand.
        lhs: Box<CExpr>,
        /// Right operand.
        rhs: Box<CExpr>,
        /// Strings compare without regard to case.
        nocase: bool,
    },
    /// A list of values.
    List(Vec<CExpr>),
    /// A built-in function.
    Call(Func, Box<CExpr>),
    /// The elements of `collection` for which `cond` holds, bound at `slot`.
    Filter {
        /// The slot of the bound variable.
        slot: usize,
        /// What it ranges over.
        collection: Box<CExpr>,
        /// The condition.
        cond: Box<CExpr>,
    },
    /// Whether `cond` holds for every element of `collection`, bound at `slot`.
    All {
        /// The slot of the bound variable.
        slot: usize,
        /// What it ranges over.
        collection: Box<CExpr>,
        /// The condition.
        cond: Box<CExpr>,
    },
}

impl Rule {
    /// 1-based line of the rule in its file.
    pub fn line(&self, program: &Program) -> usize {
        program
            .files
            .get(self.file)
            .map_or(0, |f| f.line_col(self.span.start).0)
    }
}
