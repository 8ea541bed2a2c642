//! `eligo plan`: the transfer requests a transitioning partner can submit, and
//! what happens to every subscription it bills (DOMAIN.md section 7).

use super::Failure;
use clap::{Args, ValueEnum};
use miette::Diagnostic;
use std::path::PathBuf;

use super::{stderr_style, EXIT_OK};
use crate::engine::NoPlan;
use crate::plan::view::View;
use crate::plan::write::WriteError;
use crate::plan::{build_plan, choose_parties, json, partner_center, write, yaml, Plan};
use crate::program::Program;
use crate::report::human::{render_diagnostic, Style};
use crate::scenario::{load_scenario, read_scenario, LoadOptions, Scenario};
use crate::source::SourceFile;

/// Plan formats.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// A summary for people: customers ready and blocked, what cannot move, blockers by fix.
    #[default]
    Human,
    /// A `transfers:` list to add to the book.
    Yaml,
    /// Requests, one outcome per subscription, waves, blockers and a summary.
    Json,
    /// One Partner Center create-transfer call per request.
    PartnerCenter,
    /// One self-contained HTML page, rendered from the JSON document.
    Html,
}

/// Arguments of `eligo plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The scenario file (the book).
    #[arg(value_name = "SCENARIO")]
    pub scenario: PathBuf,
    /// The transitioning partner (default: the only direct-bill partner whose
    /// indirect-reseller enrollment has started).
    #[arg(long, value_name = "PARTNER")]
    pub from: Option<String>,
    /// The indirect provider (default: the one with an accepted partnership
    /// with the transitioning partner).
    #[arg(long, value_name = "PROVIDER")]
    pub to: Option<String>,
    /// Group ready customers into waves of at most N subscriptions, largest first.
    #[arg(long, value_name = "N", value_parser = wave_size)]
    pub wave_size: Option<usize>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: PlanFormat,
    /// Add the planned requests to the scenario file itself (every other byte
    /// of the file is kept).
    #[arg(long)]
    pub write: bool,
    /// Where the rules come from, bounds on hostile input, colours.
    #[command(flatten)]
    pub run: super::RunArgs,
    /// Which configuration file to read (its rules, constants, rule selection
    /// and limits apply, as they do to `check`).
    #[command(flatten)]
    pub config: super::settings::ConfigArgs,
}

/// Parses `--wave-size`: a whole number of at least 1.
fn wave_size(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err("expected a whole number of at least 1".into()),
    }
}

/// Runs `eligo plan`.
pub(crate) fn run(args: &PlanArgs) -> Result<u8, Failure> {
    let style = stderr_style(args.run.color);
    plan_command(args, style)?;
    Ok(EXIT_OK)
}

fn fail(e: &dyn Diagnostic, style: Style) -> Failure {
    Failure::input(render_diagnostic(e, style))
}

fn plan_command(args: &PlanArgs, style: Style) -> Result<(), Failure> {
    if args.write && args.scenario.as_os_str() == "-" {
        return Err(Failure::input(
            "error: `--write` needs a scenario file, not standard input\n",
        ));
    }
    let config = args.config.load(style)?;
    let rule_args = super::settings::rule_args(&args.run.rules, config.as_ref());
    let mut program = super::load_rules_with(&rule_args, config.as_ref(), style)?;
    super::settings::select_rules(&mut program, &[], &[], config.as_ref(), style)?;
    let Some(spec) = program.plan.clone() else {
        return Err(fail(&NoPlan, style));
    };
    let options = args.run.limits.load_options_with(config.as_ref());
    let scenario = load(&program, &args.scenario, &options, style)?;
    let store = &scenario.store;
    let parties = choose_parties(
        &program.schema,
        &spec,
        store,
        args.from.as_deref(),
        args.to.as_deref(),
    )
    .map_err(|e| fail(&e, style))?;
    let plan = build_plan(&program, &spec, store, parties, args.wave_size);
    let view = View {
        program: &program,
        spec: &spec,
        store,
        plan: &plan,
    };
    let path = scenario.source.name.clone();
    let name = scenario_name(&program, &scenario);
    let text = match args.format {
        PlanFormat::Json | PlanFormat::Html => None,
        format => Some(render(&view, format, &path).map_err(|e| match e {
            RenderError::Diagnostic(d) => fail(d.as_ref(), style),
            RenderError::Write(text) => Failure::input(text),
        })?),
    };
    if args.write {
        write_back(&program, &plan, &view, &scenario, &options, style)?;
    }
    match text {
        Some(text) => super::print_stdout("the plan", &text),
        None => super::write_stdout("the plan", |out| {
            let doc = json::PlanJson {
                view: &view,
                path: &path,
                scenario: name.as_deref(),
            };
            if args.format == PlanFormat::Html {
                return crate::report::html::write_plan(&doc, out);
            }
            crate::report::json::write_pretty(&doc, out)
        }),
    }
}

fn load(
    program: &Program,
    path: &std::path::Path,
    options: &LoadOptions,
    style: Style,
) -> Result<Scenario, Failure> {
    let loaded = read_scenario(path, &options.limits)
        .map_err(|e| vec![e])
        .and_then(|source| load_scenario(&program.schema, source, &program.rule_ids(), options));
    loaded.map_err(|errors| {
        Failure::input(
            errors
                .iter()
                .map(|e| render_diagnostic(e, style))
                .collect::<String>(),
        )
    })
}

/// The scenario's display name, when it has one.
fn scenario_name(program: &Program, scenario: &Scenario) -> Option<String> {
    let field = program.schema.root().field("scenario")?;
    let cell = scenario.store.cell(crate::schema::ROOT, field, 0);
    (cell != crate::scenario::store::NONE).then(|| scenario.store.str(cell).to_string())
}

/// Why a plan format could not be rendered.
enum RenderError {
    /// The plan's data is not enough for the format (a missing id).
    Diagnostic(Box<dyn Diagnostic>),
    /// The serializer failed: the message for stderr.
    Write(String),
}

fn render(view: &View<'_>, format: PlanFormat, path: &str) -> Result<String, RenderError> {
    let cannot = |e: &dyn std::fmt::Display| {
        RenderError::Write(format!("error: cannot write the plan: {e}\n"))
    };
    match format {
        PlanFormat::Human => Ok(crate::plan::human::render(view, path)),
        // Streamed by the caller, never held as one string.
        PlanFormat::Json | PlanFormat::Html => Ok(String::new()),
        PlanFormat::PartnerCenter => match partner_center::calls(view, path) {
            Ok(v) => serde_json::to_string_pretty(&v)
                .map(|t| t + "\n")
                .map_err(|e| cannot(&e)),
            Err(e) => Err(RenderError::Diagnostic(Box::new(e))),
        },
        PlanFormat::Yaml => yaml::document(view).map_err(|e| cannot(&e)),
    }
}

/// Inserts the planned requests into the scenario file, after checking that
/// the result loads and holds them.
fn write_back(
    program: &Program,
    plan: &Plan,
    view: &View<'_>,
    scenario: &Scenario,
    options: &LoadOptions,
    style: Style,
) -> Result<(), Failure> {
    let path = scenario.source.name.clone();
    let refuse = |why: String| {
        fail(
            &WriteError {
                path: path.clone(),
                why,
            },
            style,
        )
    };
    if plan.requests.is_empty() {
        eprintln!("nothing to write: no request is planned");
        return Ok(());
    }
    let text = write::with_requests(&scenario.source.text, view).map_err(&refuse)?;
    let source = SourceFile::new(path.clone(), text.clone());
    match load_scenario(&program.schema, source, &program.rule_ids(), options) {
        Ok(s)
            if plan
                .requests
                .iter()
                .all(|r| s.store.find_id(&r.id).is_some()) => {}
        _ => {
            return Err(refuse(
                "the file's layout does not take a block list entry".into(),
            ))
        }
    }
    if let Err(e) = std::fs::write(&path, text) {
        return Err(Failure::input(format!(
            "error: cannot write `{path}`: {e}\n"
        )));
    }
    eprintln!(
        "wrote {} to {path}",
        crate::report::human::plural(plan.requests.len(), "request")
    );
    Ok(())
}
