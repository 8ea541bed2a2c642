//! The rule language: syntax, parser, schema building and rule compilation.

pub(crate) mod ast;
pub(crate) mod bounds;
pub(crate) mod compile;
pub(crate) mod cost;
pub(crate) mod diag;
pub(crate) mod error;
pub(crate) mod fmt;
pub(crate) mod lint;
pub(crate) mod parse;
pub(crate) mod plan_spec;
pub(crate) mod schema_build;

pub(crate) use error::{RuleCheckError, RuleError};

use crate::program::Program;
use crate::source::SourceFile;

/// How rule files are read (the options of [`load_program_with`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct LoadRules {
    /// Deepest nesting of expressions (at most
    /// [`bounds::MAX_EXPR_DEPTH_CEILING`]; `--max-rule-depth`).
    pub max_depth: usize,
}

impl Default for LoadRules {
    fn default() -> Self {
        LoadRules {
            max_depth: bounds::MAX_EXPR_DEPTH,
        }
    }
}

/// Compiled rule files and the warnings (lints) found on the way.
#[derive(Debug)]
pub(crate) struct Loaded {
    /// The compiled program.
    pub program: Program,
    /// Lints such as an unused `let` or a condition that never holds, which
    /// do not stop loading.
    pub warnings: Vec<RuleCheckError>,
}

/// Parses and checks rule files into a [`Program`] with the default limits,
/// reporting every error found (see `load_program_with`).
pub fn load_program(files: Vec<SourceFile>) -> Result<Program, Vec<RuleError>> {
    load_program_with(files, &LoadRules::default()).map(|loaded| loaded.program)
}

/// Parses and checks rule files into a [`Program`], and gives its warnings.
///
/// Syntax errors stop a file from being checked; if any file has one, the check
/// errors of the others are not reported (they would be guesses).
pub(crate) fn load_program_with(
    files: Vec<SourceFile>,
    options: &LoadRules,
) -> Result<Loaded, Vec<RuleError>> {
    let parsed = parse_files(&files, options.max_depth)?;
    let (program, warnings) = compile_parsed(files, &parsed)?;
    Ok(Loaded { program, warnings })
}

/// Parses every rule file; any syntax error stops here (see [`load_program`]).
/// Callers that change the trees before compiling them (the constants of a
/// configuration file) parse with this and compile with [`compile_parsed`].
pub(crate) fn parse_files(
    files: &[SourceFile],
    max_depth: usize,
) -> Result<Vec<ast::RuleFile>, Vec<RuleError>> {
    let mut parsed = Vec::new();
    let mut errors: Vec<RuleError> = Vec::new();
    for file in files {
        match parse::parse_rule_file_with(file, max_depth) {
            Ok(ast) => parsed.push(ast),
            Err(e) => errors.push(e.into()),
        }
    }
    if errors.is_empty() {
        Ok(parsed)
    } else {
        Err(errors)
    }
}

/// Builds the schema and compiles the rules of parsed files (`parsed[i]` is
/// the tree of `files[i]`), returning the program and its warnings.
pub(crate) fn compile_parsed(
    files: Vec<SourceFile>,
    parsed: &[ast::RuleFile],
) -> Result<(Program, Vec<RuleCheckError>), Vec<RuleError>> {
    let mut diags = diag::Diags::new(&files);
    let schema = schema_build::build_schema(parsed, &mut diags);
    let rules = if diags.errors.is_empty() {
        compile::compile_rules(&schema, parsed, &files, &mut diags)
    } else {
        Vec::new()
    };
    let plan = if diags.errors.is_empty() {
        plan_spec::build_plan_spec(&schema, parsed, &mut diags)
    } else {
        None
    };
    if !diags.errors.is_empty() {
        return Err(diags.errors.into_iter().map(RuleError::from).collect());
    }
    let program = Program {
        schema,
        rules,
        files,
        plan,
        deselected: Vec::new(),
    };
    Ok((program, diags.warnings))
}
