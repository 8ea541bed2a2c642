//! The abstract syntax of rule files: schema declarations, constants and rules.
//!
//! Every node carries a [`Span`]; spans compare equal whatever their value, so a
//! file and its formatted copy parse to equal trees.

use crate::source::Span;
pub(crate) use crate::vocab::{BinOp, Severity};

/// A parsed rule file.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleFile {
    /// Top-level items in source order.
    pub items: Vec<Item>,
}

/// A name with its position.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ident {
    /// The name as written.
    pub name: String,
    /// Where it was written.
    pub span: Span,
}

/// One top-level item of a rule file.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// `enum name { a b c }`
    Enum(EnumDecl),
    /// `entity name in collection { … }` or `record name { … }`
    Kind(KindDecl),
    /// `root { … }`: fields of the scenario's root mapping.
    Root(RootDecl),
    /// `let name = expr`: a named constant.
    Const(ConstDecl),
    /// `rule id: severity "summary" …`
    Rule(Box<RuleDecl>),
    /// `plan collection { key: path … }`: what `eligo plan` proposes.
    Plan(PlanDecl),
}

impl Item {
    /// The span of the whole item.
    pub fn span(&self) -> Span {
        match self {
            Item::Enum(e) => e.span,
            Item::Kind(k) => k.span,
            Item::Root(r) => r.span,
            Item::Const(c) => c.span,
            Item::Rule(r) => r.span,
            Item::Plan(p) => p.span,
        }
    }
}

/// `plan transfers { items: items.subscription … }`: the requests `eligo plan`
/// adds to `collection`, described by keyed entries (see `crate::lang::plan_spec`).
#[derive(Clone, Debug, PartialEq)]
pub struct PlanDecl {
    /// The root collection that holds the planned requests.
    pub collection: Ident,
    /// The entries in source order.
    pub entries: Vec<PlanEntry>,
    /// The whole declaration.
    pub span: Span,
}

/// `key: path` or `key: path = path` or `key: path in path`.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanEntry {
    /// What the entry says (`items`, `group`, `from`, …).
    pub key: Ident,
    /// The dotted path after `:`.
    pub target: Vec<Ident>,
    /// `=` or `in` and the dotted path after it.
    pub value: Option<(PlanOp, Vec<Ident>)>,
    /// The whole entry.
    pub span: Span,
}

/// The operator between a plan entry's two paths.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanOp {
    /// `=`
    Is,
    /// `in`
    In,
}

impl PlanOp {
    /// As written.
    pub fn as_str(self) -> &'static str {
        match self {
            PlanOp::Is => "=",
            PlanOp::In => "in",
        }
    }
}

/// `enum region { africa asia_pacific … }`
#[derive(Clone, Debug, PartialEq)]
pub struct EnumDecl {
    /// The enum's name.
    pub name: Ident,
    /// Its values in declaration order.
    pub variants: Vec<Ident>,
    /// The whole declaration.
    pub span: Span,
}

/// Whether a kind is a top-level entity or a record nested in one.
#[derive(Clone, Debug, PartialEq)]
pub enum KindForm {
    /// `entity name in collection`: listed under `collection` at the scenario root.
    Entity {
        /// The root key that lists these entities.
        collection: Ident,
    },
    /// `record name`: a mapping nested in the field of exactly one other kind.
    Record,
}

/// `entity subscription in subscriptions { … }` / `record item { … }`
#[derive(Clone, Debug, PartialEq)]
pub struct KindDecl {
    /// Entity or record.
    pub form: KindForm,
    /// The kind's name.
    pub name: Ident,
    /// Its fields in declaration order.
    pub fields: Vec<FieldDecl>,
    /// The whole declaration.
    pub span: Span,
}

/// `root { scenario: string?  as_of: date = today }`
#[derive(Clone, Debug, PartialEq)]
pub struct RootDecl {
    /// Fields allowed at the scenario root besides the collections.
    pub fields: Vec<FieldDecl>,
    /// The whole declaration.
    pub span: Span,
}

/// `name: type[?] [= default] [modifiers]`
#[derive(Clone, Debug, PartialEq)]
pub struct FieldDecl {
    /// The field's key in scenario files.
    pub name: Ident,
    /// Its type.
    pub ty: TypeExpr,
    /// `?`: the field may be absent.
    pub optional: bool,
    /// `= literal`: the value when absent.
    pub default: Option<Expr>,
    /// `nonempty`, `nocase`, `min N`.
    pub modifiers: Vec<Modifier>,
    /// The whole declaration.
    pub span: Span,
}

/// A field type as written.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeExpr {
    /// A primitive (`string`, `int`, `number`, `bool`, `date`, `id`), an enum or a kind.
    Named(Ident),
    /// `[T]`
    List(Box<TypeExpr>, Span),
    /// `inverse kind.field`: all entities of `kind` whose `field` refers to this one.
    Inverse {
        /// The referring kind.
        kind: Ident,
        /// Its reference field.
        field: Ident,
        /// The whole type.
        span: Span,
    },
}

/// A field modifier.
#[derive(Clone, Debug, PartialEq)]
pub enum Modifier {
    /// `nonempty`: a list field must have at least one element.
    NonEmpty(Span),
    /// `nocase`: strings compare without regard to case.
    NoCase(Span),
    /// `min N`: the smallest allowed number.
    Min(Expr),
    /// `required if field == value`: required when a sibling enum field has a value.
    RequiredIf {
        /// The sibling field.
        field: Ident,
        /// The enum value that makes this field required.
        value: Ident,
        /// The whole modifier.
        span: Span,
    },
}

/// `let name = expr` at the top level.
#[derive(Clone, Debug, PartialEq)]
pub struct ConstDecl {
    /// The constant's name.
    pub name: Ident,
    /// Its value (a literal or a list of literals).
    pub value: Expr,
    /// The whole declaration.
    pub span: Span,
}

/// A rule: quantifiers, a requirement, and what to report when it does not hold.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleDecl {
    /// The rule id, e.g. `transferable-offer`.
    pub id: Ident,
    /// Error or warning.
    pub severity: Severity,
    /// The one-line summary.
    pub summary: Template,
    /// `for`, `let` and `where` clauses in order.
    pub clauses: Vec<Clause>,
    /// `require cond`, or with [`RuleDecl::forbid`] the condition of `forbid cond`.
    pub require: Expr,
    /// `forbid cond`: every binding where `cond` holds is a violation
    /// (the same as `require not cond`, said the way the violation is described).
    pub forbid: bool,
    /// `else subject: "message"`: the entity the finding is about.
    pub subject: Expr,
    /// `else subject at place, …: "message"`: the entries a user edits to
    /// resolve the finding (a transfer item, a relationship, a partnership);
    /// empty when the rule names none.
    pub places: Vec<Expr>,
    /// What is wrong.
    pub message: Template,
    /// `fix "…"`: what to do.
    pub fix: Option<Template>,
    /// `related a, b`: further entities the finding names.
    pub related: Vec<Expr>,
    /// The whole rule.
    pub span: Span,
}

/// A clause of a rule body.
#[derive(Clone, Debug, PartialEq)]
pub enum Clause {
    /// `for var in collection [where cond]`
    For {
        /// The bound name.
        var: Ident,
        /// What it ranges over.
        collection: Expr,
        /// Optional filter.
        filter: Option<Expr>,
    },
    /// `let var = expr`
    Let {
        /// The bound name.
        var: Ident,
        /// Its value.
        value: Expr,
    },
    /// `where cond`: skip bindings where `cond` is false.
    Where(Expr),
}

/// A string with `{expr}` interpolations.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    /// Text and expressions in order.
    pub parts: Vec<TemplatePart>,
    /// The whole literal, quotes included.
    pub span: Span,
}

/// A piece of a [`Template`].
#[derive(Clone, Debug, PartialEq)]
pub enum TemplatePart {
    /// Literal text (escapes already resolved).
    Text(String),
    /// `{expr}`
    Expr(Expr),
}

/// An expression with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it was written.
    pub span: Span,
}

/// The forms of expression.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// `true` / `false`
    Bool(bool),
    /// `300000`
    Int(i64),
    /// `0.5`
    Num(f64),
    /// `2020-02-01`, as days since 1970-01-01.
    Date(i32),
    /// `"text"` (a template, possibly with interpolations)
    Str(Template),
    /// A variable, constant, root field or enum value.
    Name(Ident),
    /// `expr.field`
    Field(Box<Expr>, Ident),
    /// `expr has field`
    Has(Box<Expr>, Ident),
    /// `not expr`
    Not(Box<Expr>),
    /// `a op b`
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `[a, b, c]`
    List(Vec<Expr>),
    /// `count(…)`, `any(…)`, `none(…)`, `all(…)`, `distinct(…)`
    Call(Ident, Vec<Expr>),
    /// `x in collection where cond`: the elements for which `cond` holds.
    Filter {
        /// The bound name.
        var: Ident,
        /// What it ranges over.
        collection: Box<Expr>,
        /// The condition.
        cond: Box<Expr>,
    },
}
