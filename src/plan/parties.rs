//! Who moves what to whom: `--from` and `--to`, or their defaults.
//!
//! The defaults follow DOMAIN.md section 7 and read the default pack's field
//! names (a partner's `roles` and `enrollment`, a partnership's `provider`,
//! `reseller` and `status`); a schema without them has no default, and the
//! user names the parties.

use miette::Diagnostic;
use thiserror::Error;

use super::propose::Parties;
use crate::program::PlanSpec;
use crate::scenario::store::{Store, NONE};
use crate::schema::{FieldId, FieldType, KindId, Schema};
use crate::suggest::did_you_mean;

/// Why the parties of a plan cannot be chosen (a usage error, exit 2).
#[derive(Debug, Error, Diagnostic)]
pub enum PartyError {
    /// `--from`/`--to` names no entity of the party kind.
    #[error("`{flag} {id}`: no {kind} has this id")]
    #[diagnostic(code(eligo::plan::unknown_party))]
    Unknown {
        /// The flag.
        flag: &'static str,
        /// The id given.
        id: String,
        /// The kind of the parties.
        kind: String,
        /// "did you mean".
        #[help]
        help: Option<String>,
    },
    /// No default could be found.
    #[error("no partner can be the {what}: {why}")]
    #[diagnostic(code(eligo::plan::no_party), help("name it with `{flag} ID`"))]
    None {
        /// What was looked for.
        what: &'static str,
        /// Why none fits.
        why: String,
        /// The flag that names it.
        flag: &'static str,
    },
    /// Several candidates for a default.
    #[error("several partners could be the {what}: {ids}")]
    #[diagnostic(
        code(eligo::plan::ambiguous_party),
        help("choose one with `{flag} ID`")
    )]
    Several {
        /// What was looked for.
        what: &'static str,
        /// The candidates, comma separated.
        ids: String,
        /// The flag that names it.
        flag: &'static str,
    },
    /// Source and target are the same.
    #[error("`--from` and `--to` both name `{id}`")]
    #[diagnostic(
        code(eligo::plan::same_party),
        help("the target must be another partner (the provider)")
    )]
    Same {
        /// The id.
        id: String,
    },
}

/// The source and target rows: the ones named, or the defaults.
pub fn choose_parties(
    schema: &Schema,
    spec: &PlanSpec,
    store: &Store,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Parties, PartyError> {
    let from = match from {
        Some(id) => find(store, schema, spec.party_kind, "--from", id)?,
        None => default_source(schema, spec, store)?,
    };
    let to = match to {
        Some(id) => find(store, schema, spec.party_kind, "--to", id)?,
        None => default_target(schema, spec, store, from)?,
    };
    if from == to {
        let id = store
            .row_id(spec.party_kind, from)
            .unwrap_or_default()
            .to_string();
        return Err(PartyError::Same { id });
    }
    Ok(Parties { from, to })
}

fn find(
    store: &Store,
    schema: &Schema,
    kind: KindId,
    flag: &'static str,
    id: &str,
) -> Result<u32, PartyError> {
    let rows = store.table(kind).len() as u32;
    if let Some(row) = (0..rows).find(|&r| store.row_id(kind, r) == Some(id)) {
        return Ok(row);
    }
    let ids: Vec<&str> = (0..rows).filter_map(|r| store.row_id(kind, r)).collect();
    let help = did_you_mean(id, ids.iter().copied()).or_else(|| {
        (!ids.is_empty())
            .then(|| format!("the {}s are: {}", schema.kind(kind).name, ids.join(", ")))
    });
    Err(PartyError::Unknown {
        flag,
        id: id.to_string(),
        kind: schema.kind(kind).name.clone(),
        help,
    })
}

/// A field of `kind` by name, with its type.
fn field<'s>(schema: &'s Schema, kind: KindId, name: &str) -> Option<(FieldId, &'s FieldType)> {
    let k = schema.kind(kind);
    let f = k.field(name)?;
    Some((f, &k.field_decl(f).ty))
}

/// An enum field's value by name.
fn enum_value(schema: &Schema, ty: &FieldType, name: &str) -> Option<u32> {
    let e = match ty {
        FieldType::Enum(e) => *e,
        FieldType::List(inner) => match **inner {
            FieldType::Enum(e) => e,
            _ => return None,
        },
        _ => return None,
    };
    schema.enum_decl(e).variant(name)
}

/// The only party with role `direct_bill` and an enrollment other than `none`.
fn default_source(schema: &Schema, spec: &PlanSpec, store: &Store) -> Result<u32, PartyError> {
    let kind = spec.party_kind;
    let none = |why: &str| PartyError::None {
        what: "source",
        why: why.to_string(),
        flag: "--from",
    };
    let (roles, roles_ty) =
        field(schema, kind, "roles").ok_or_else(|| none("the schema has no `roles`"))?;
    let (enrolled, enrolled_ty) =
        field(schema, kind, "enrollment").ok_or_else(|| none("the schema has no `enrollment`"))?;
    let direct =
        enum_value(schema, roles_ty, "direct_bill").ok_or_else(|| none("no role `direct_bill`"))?;
    let not_enrolled = enum_value(schema, enrolled_ty, "none");
    let rows = store.table(kind).len() as u32;
    let found: Vec<u32> = (0..rows)
        .filter(|&r| {
            let cell = store.cell(kind, roles, r);
            let e = store.cell(kind, enrolled, r);
            cell != NONE
                && store.pool_list(cell).contains(&direct)
                && e != NONE
                && Some(e) != not_enrolled
        })
        .collect();
    one(store, kind, found, "source", "--from", || {
        none("no partner has role `direct_bill` and an `enrollment` other than `none`")
    })
}

/// The only party with an accepted partnership (as provider) with the source.
fn default_target(
    schema: &Schema,
    spec: &PlanSpec,
    store: &Store,
    from: u32,
) -> Result<u32, PartyError> {
    let none = |why: &str| PartyError::None {
        what: "target",
        why: why.to_string(),
        flag: "--to",
    };
    let kind = schema
        .kind_of_collection("partnerships")
        .ok_or_else(|| none("the schema has no `partnerships`"))?;
    let (provider, _) =
        field(schema, kind, "provider").ok_or_else(|| none("no `provider` field"))?;
    let (reseller, _) =
        field(schema, kind, "reseller").ok_or_else(|| none("no `reseller` field"))?;
    let (status, status_ty) =
        field(schema, kind, "status").ok_or_else(|| none("no `status` field"))?;
    let accepted =
        enum_value(schema, status_ty, "accepted").ok_or_else(|| none("no status `accepted`"))?;
    let rows = store.table(kind).len() as u32;
    let mut found: Vec<u32> = (0..rows)
        .filter(|&r| {
            store.cell(kind, reseller, r) == from && store.cell(kind, status, r) == accepted
        })
        .map(|r| store.cell(kind, provider, r))
        .filter(|&p| p != NONE)
        .collect();
    found.sort_unstable();
    found.dedup();
    let source = store
        .row_id(spec.party_kind, from)
        .unwrap_or_default()
        .to_string();
    one(store, spec.party_kind, found, "target", "--to", || {
        none(&format!(
            "no partnership with reseller `{source}` is `accepted`"
        ))
    })
}

fn one(
    store: &Store,
    kind: KindId,
    found: Vec<u32>,
    what: &'static str,
    flag: &'static str,
    none: impl FnOnce() -> PartyError,
) -> Result<u32, PartyError> {
    match found.as_slice() {
        [] => Err(none()),
        [only] => Ok(*only),
        many => Err(PartyError::Several {
            what,
            ids: many
                .iter()
                .filter_map(|&r| store.row_id(kind, r))
                .collect::<Vec<_>>()
                .join(", "),
            flag,
        }),
    }
}
