"""The ``kgbuild`` command: a thin layer where each command calls one library function."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from kgbuild import __version__

# kgbuild.query.api's page sizes (ASK_PAGE_SIZE, DEFAULT_LIMIT), repeated here so that the command
# line starts without loading the query engine; a test keeps the two equal
ASK_PAGE_SIZE = 25
QUERY_PAGE_SIZE = 1_000

# Exit codes, the contract scripts rely on (see the README): a build that wrote its outputs exits
# 0, or 1 when some input records or files had errors (each listed in problems.jsonl); 2 means
# nothing usable was produced (bad usage or option values, no readable input, a busy out/).
F = TypeVar("F", bound=Callable[..., Any])

EXIT_BUILT = 0
EXIT_BUILT_WITH_ERRORS = 1
EXIT_NOTHING_BUILT = 2


class NothingBuilt(click.ClickException):
    """An error after which nothing was written: exits 2, like a usage error."""

    exit_code = EXIT_NOTHING_BUILT


def build_dir_option(help_text: str) -> Callable[[F], F]:
    """``-o/--out``: the build directory a command writes or reads (default ``out``)."""
    return click.option(
        "-o", "--out", "out_dir", default="out", show_default=True, type=click.Path(path_type=Path), help=help_text
    )


def page_options(default_limit: int, limit_help: str, all_help: str) -> Callable[[F], F]:
    """``--limit``, ``--offset`` and ``--all``: which page of the answers a command prints."""

    def decorate(command: F) -> F:
        command = click.option("--all", "show_all", is_flag=True, help=all_help)(command)
        command = click.option(
            "--offset", type=click.IntRange(min=0), default=0, help="Skip this many answers (the next page)."
        )(command)
        return click.option(
            "--limit", type=click.IntRange(min=1), default=default_limit, show_default=True, help=limit_help
        )(command)

    return decorate


def _printable(text: str) -> str:
    """``text`` with control characters shown as escapes, so input text cannot drive the terminal."""
    return "".join(ch if ch.isprintable() or ch == "\n" else repr(ch)[1:-1] for ch in text)


def _progress_printer(label: str):
    """A progress callback that prints every 10% on stderr, so long builds show they are alive."""
    state = {"shown": -1}

    def show(done: int, total: int) -> None:
        step = (done * 10) // max(total, 1)
        if step != state["shown"] or done == total:
            state["shown"] = step
            click.echo(f"{label}: {done}/{total} papers", err=True)

    return show


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kgbuild")
def main() -> None:
    """Build a knowledge graph of machine-learning literature from titles and abstracts."""


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@build_dir_option("Directory for graph.ttl, graph.html, extractions.jsonl, problems.jsonl, summary.json, store/.")
@click.option("--base-iri", default="https://w3id.org/kgbuild/", show_default=True, help="Base for the graph's IRIs.")
@click.option(
    "--max-html-nodes",
    default=100,
    show_default=True,
    type=click.IntRange(min=1),
    help="Cap on nodes drawn in graph.html.",
)
@click.option(
    "--processes",
    type=click.IntRange(min=1),
    default=None,
    help="Extraction worker processes (default: one per CPU; 1 extracts in this process). "
    "With --engine dask and no --scheduler: the local cluster's workers.",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Where extraction runs: a local worker pool, or a Dask cluster.",
)
@click.option(
    "--scheduler",
    default=None,
    metavar="ADDRESS",
    help="Dask scheduler to use with --engine dask, e.g. tcp://host:8786 (default: start a local cluster).",
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where extraction records are cached between builds (default: OUT/cache).",
)
@click.option("--no-cache", is_flag=True, help="Extract every paper again; neither read nor write the cache.")
@click.option("--quiet", is_flag=True, help="No progress output.")
def build(
    inputs: tuple[Path, ...],
    out_dir: Path,
    base_iri: str,
    max_html_nodes: int,
    processes: int | None,
    engine: str,
    scheduler: str | None,
    cache_dir: Path | None,
    no_cache: bool,
    quiet: bool,
) -> None:
    """Build the graph of INPUTS (files, directories read recursively, - for standard input; the
    bundled corpus when none).

    Exit status: 0 built; 1 built, but some records or files had errors (see problems.jsonl);
    2 nothing built (bad usage or options, no readable input, another build in the same -o).

    Papers already extracted by an earlier build (same text, same pipeline) come from the cache.

    Example: kgbuild build ~/papers/listings.jsonl.gz -o out/ --processes 2
    """
    from kgbuild.build import BuildError, check_options
    from kgbuild.build import build as run_build
    from kgbuild.engine import EngineError

    if scheduler is not None and engine != "dask":
        raise click.BadParameter("only applies with --engine dask", param_hint="--scheduler")
    try:
        check_options(out_dir, base_iri, max_html_nodes, processes)
    except BuildError as e:
        raise click.UsageError(str(e)) from e
    try:
        report = run_build(
            list(inputs) or None,
            out_dir,
            base_iri=base_iri,
            max_html_nodes=max_html_nodes,
            progress=None if quiet else _progress_printer("extract"),
            processes=processes,
            engine=engine,
            scheduler=scheduler,
            cache_dir=cache_dir,
            use_cache=not no_cache,
        )
    except BuildError as e:
        raise NothingBuilt(str(e)) from e
    except EngineError as e:
        raise NothingBuilt(str(e)) from e
    summary = report.summary
    click.echo(
        f"papers: {report.papers} (from {len(report.files)} files, {report.duplicates} duplicates merged; "
        f"{report.extracted} extracted, {report.cached} from the cache)"
    )
    click.echo(
        "entities: "
        + ", ".join(f"{k} {v}" for k, v in sorted(summary.entities_by_kind.items()))
        + f" (total {summary.entities})"
    )
    click.echo("relations: " + ", ".join(f"{k} {v}" for k, v in sorted(summary.relations_by_kind.items())))
    click.echo(f"results: {summary.results}")
    errors = [p for p in report.problems if p.severity == "error"]
    click.echo(
        f"problems: {len(errors)} errors, {len(report.problems) - len(errors)} warnings"
        + (f" (see {report.outputs['problems']})" if report.problems else "")
    )
    for problem in errors[:10]:
        click.echo(f"  {_printable(str(problem))}", err=True)
    if not quiet:
        click.echo("seconds: " + ", ".join(f"{stage} {s:.1f}" for stage, s in report.seconds.items()), err=True)
    for name in ("turtle", "html", "extractions", "summary"):
        click.echo(f"wrote {report.outputs[name]}")
    if errors:
        sys.exit(EXIT_BUILT_WITH_ERRORS)


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="JSONL file to write (default: standard output).",
)
def extract(inputs: tuple[Path, ...], output: Path | None) -> None:
    """Extract entities and relations, one JSON line per paper in the evaluation gold format.

    INPUTS as for build (- reads standard input). Exit status as for build.

    Example: kgbuild extract listings.jsonl -o preds.jsonl
    """
    from kgbuild.atomic import atomic_write
    from kgbuild.build import extract_papers
    from kgbuild.gold import to_gold_record
    from kgbuild.ingest import load_papers

    loaded = load_papers(list(inputs) or None)
    problems = list(loaded.problems)
    if not loaded.papers:
        for problem in problems:
            click.echo(_printable(str(problem)), err=True)
        raise NothingBuilt("no paper could be read from the inputs")
    lines = (json.dumps(to_gold_record(e), ensure_ascii=False) + "\n" for e in extract_papers(loaded.papers, problems))
    try:
        if output is None:
            for line in lines:
                sys.stdout.write(line)
        else:
            with atomic_write(output) as handle:
                handle.writelines(lines)
            click.echo(f"wrote {len(loaded.papers)} papers to {output}", err=True)
    except OSError as e:
        raise NothingBuilt(f"cannot write {output or 'standard output'}: {e.strerror or e}") from e
    for problem in problems:
        click.echo(_printable(str(problem)), err=True)
    if any(p.severity == "error" for p in problems):
        sys.exit(EXIT_BUILT_WITH_ERRORS)


@main.command()
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--corpus",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Where the gold papers' texts are (default: the bundled corpus). Repeatable.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--predictions", type=click.Path(path_type=Path), default=None, help="Also write the predictions here.")
@click.option("--ablation", is_flag=True, help="Compare rules only, NER only and the combination (F1 table).")
def evaluate(gold: Path, corpus: tuple[Path, ...], as_json: bool, predictions: Path | None, ablation: bool) -> None:
    """Run extraction on the papers of GOLD (JSONL, guideline format) and print P/R/F1.

    Example: kgbuild evaluate eval/annotated/dev.jsonl --corpus eval/annotated/dev.jsonl
    """
    from kgbuild.atomic import write_text_atomic
    from kgbuild.evaluate import GoldFileError, format_ablation
    from kgbuild.evaluate import ablation as run_ablation
    from kgbuild.evaluate import evaluate as run_evaluate
    from kgbuild.scoring import format_table

    if ablation:
        try:
            click.echo(format_ablation(run_ablation(gold, list(corpus) or None)))
        except (GoldFileError, FileNotFoundError) as e:
            raise click.ClickException(str(e)) from e
        return
    try:
        result = run_evaluate(gold, list(corpus) or None)
    except GoldFileError as e:
        raise click.ClickException(str(e)) from e
    if predictions is not None:
        write_text_atomic(predictions, "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in result.predictions))
    if as_json:
        click.echo(
            json.dumps(
                {
                    "gold_papers": result.gold_papers,
                    "missing_texts": result.missing_texts,
                    "scores": {k: v.to_dict() for k, v in sorted(result.scores.items())},
                },
                indent=1,
            )
        )
        return
    click.echo(f"gold papers: {result.gold_papers}, without text in the corpus: {len(result.missing_texts)}")
    for title in result.missing_texts:
        click.echo(f"  no text for: {title}", err=True)
    click.echo(format_table(result.scores))


@main.command()
@build_dir_option("Build directory: reads extractions.jsonl there and writes graph.<suffix> beside it.")
@click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(["turtle", "nt", "json-ld", "trig", "nquads"]),
    help="Format to write; repeatable. Default: turtle, nt, json-ld and trig.",
)
@click.option(
    "--base-iri",
    default=None,
    help="Base for the graph's IRIs. Default: the build's own (summary.json); a different one is refused.",
)
def export(out_dir: Path, formats: tuple[str, ...], base_iri: str | None) -> None:
    """Write the built graph as Turtle, N-Triples, JSON-LD and TriG (one named graph per paper).

    Reads the build's extractions, so no text is processed again; the same build gives the same bytes.

    Example: kgbuild export -o out -f trig -f nt
    """
    from kgbuild.export import ExportError
    from kgbuild.export.files import DEFAULT_FORMATS, BaseIRIMismatch, choose_base_iri, export_extractions

    try:
        base = choose_base_iri(out_dir, base_iri)
        written = export_extractions(out_dir / "extractions.jsonl", out_dir, formats or DEFAULT_FORMATS, base)
    except BaseIRIMismatch as e:
        raise click.UsageError(str(e)) from e
    except ExportError as e:
        raise click.ClickException(str(e)) from e
    for path in written.values():
        click.echo(f"wrote {path}")


@main.command()
@click.argument("query", required=False)
@build_dir_option("Build directory whose store/ is queried.")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Fix a query variable, e.g. target=GPT-3 (names resolve through aliases). Repeatable.",
)
@click.option(
    "-f",
    "--format",
    "fmt",
    default="table",
    show_default=True,
    type=click.Choice(["table", "csv", "json"]),
    help="Result format; JSON and CSV follow the SPARQL 1.1 results formats. CONSTRUCT/DESCRIBE "
    "results: Turtle (table) or JSON-LD (json).",
)
@page_options(
    QUERY_PAGE_SIZE,
    "Keep at most this many answers (rows; a named query that pages counts its answers, "
    "e.g. descendants, each of which may take several rows).",
    "Keep every answer (no --limit).",
)
@click.option("--list", "list_only", is_flag=True, help="List the named queries and their parameters.")
def query(
    query: str | None,
    out_dir: Path,
    params: tuple[str, ...],
    fmt: str,
    limit: int,
    offset: int,
    show_all: bool,
    list_only: bool,
) -> None:
    """Run QUERY against the built store: a named query, a .rq file, or SPARQL text.

    Common prefixes (kgo, rdf, rdfs, dcterms, skos, prov, schema, mls, xsd) need no PREFIX line.

    Example: kgbuild query compares-against -p target=GPT-3 -f csv
    """
    from kgbuild.query import QueryError
    from kgbuild.query.api import query_build
    from kgbuild.query.library import list_queries
    from kgbuild.query.results import FormatError, render
    from kgbuild.query.run import QueryUsageError
    from kgbuild.store import StoreError

    if list_only or not query:
        for named in list_queries():
            args = " ".join(f"-p {p.name}=…" if p.required else f"[-p {p.name}=…]" for p in named.params)
            click.echo(f"{named.name} {args}".rstrip())
            click.echo(f"    {named.description}")
        return
    bindings: dict[str, str] = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{item!r} is not NAME=VALUE", param_hint="--param")
        bindings[name.strip()] = value.strip()
    try:
        outcome = query_build(
            out_dir,
            query,
            bindings,
            limit=None if show_all else limit,
            offset=offset,
            warn=lambda m: click.echo(f"warning: {m}", err=True),
        )
    except QueryUsageError as e:
        raise click.UsageError(str(e)) from e
    except (QueryError, StoreError) as e:
        raise click.ClickException(str(e)) from e
    try:
        text = render(outcome, fmt)
    except FormatError as e:
        raise click.UsageError(str(e)) from e
    click.echo(text, nl=fmt != "csv")
    if outcome.truncated:
        of = f" of {outcome.total:,}" if outcome.total is not None else ""
        click.echo(
            f"(answers {offset + 1:,}–{offset + limit:,}{of}; --offset {offset + limit} for the next page, --all for all)",
            err=True,
        )


@main.command()
@click.argument("question")
@build_dir_option("Build directory whose store/ is queried.")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help='Print {"question", "query", "total", "unit", "offset", "more", "answers": [{"paper_id", "title", "entity": '
    '[names], "evidence"}, ...]}; an error as {"question", "error"} (exit 1).',
)
@page_options(ASK_PAGE_SIZE, "Answers shown at once (the heading counts them all).", "Show every answer.")
def ask(question: str, out_dir: Path, as_json: bool, limit: int, offset: int, show_all: bool) -> None:
    """Answer a QUESTION from the graph, with the paper and evidence sentence of each answer.

    Supported: who compares against X; what does X compare against; what is X based on; what is
    derived from X; which benchmarks was X evaluated on; who proposed X; which models were trained
    on D; what is the best model on B; which papers address task T. Answers come 25 at a time.

    Example: kgbuild ask "who compares against GPT-3?"
    """
    from kgbuild.query.api import ask_build
    from kgbuild.query.ask import AskError, format_answer
    from kgbuild.store import StoreError

    try:
        result = ask_build(
            out_dir,
            question,
            warn=lambda m: click.echo(f"warning: {m}", err=True),
            limit=None if show_all else limit,
            offset=offset,
        )
    except (AskError, StoreError) as e:
        if as_json:  # a script reading JSON gets JSON either way: {"question", "error"}, exit 1
            click.echo(json.dumps({"question": question, "error": str(e)}, indent=1, ensure_ascii=False))
            raise SystemExit(1) from e
        raise click.ClickException(str(e)) from e
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=1, ensure_ascii=False))
    else:
        click.echo(format_answer(result))


@main.command()
@build_dir_option("Build directory whose store/ is served.")
@click.option("--port", default=7878, show_default=True, help="Port on 127.0.0.1 (0: any free port).")
@click.option("--timeout", default=10.0, show_default=True, help="Seconds a query may run before it is stopped.")
@click.option("--max-results", default=10_000, show_default=True, help="Rows (or triples) returned at most.")
@click.option("--workers", default=2, show_default=True, help="Queries answered at the same time.")
def serve(out_dir: Path, port: int, timeout: float, max_results: int, workers: int) -> None:
    """Serve the built store as a read-only SPARQL 1.1 endpoint at http://127.0.0.1:PORT/sparql.

    GET and POST; results as SPARQL JSON, CSV or XML. Updates are refused. Localhost only.

    Example: kgbuild serve -o out --port 7878
    """
    from kgbuild.serve import ServeError, serve_forever

    try:
        serve_forever(
            out_dir,
            port=port,
            timeout=timeout,
            max_results=max_results,
            workers=workers,
            announce=lambda url: click.echo(f"SPARQL endpoint: {url}  (Ctrl-C stops)", err=True),
        )
    except ServeError as e:
        raise click.ClickException(str(e)) from e


@main.command()
@click.argument("source", default="out", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="HTML file to write (default: view.html in the build directory).",
)
@click.option(
    "--focus",
    default=None,
    metavar="NAME",
    help="Show only NAME (any alias, a paper title or arXiv id) and what lies within --hops of it.",
)
@click.option("--hops", default=2, show_default=True, type=click.IntRange(min=0), help="Radius of the --focus view.")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    metavar="KIND",
    help="Show only nodes of this kind: paper, model, dataset, benchmark, metric, task, method, result. Repeatable.",
)
@click.option(
    "--relation",
    "relations",
    multiple=True,
    metavar="RELATION",
    help="Keep only edges of this relation (e.g. based_on, compares_with). Repeatable.",
)
@click.option(
    "--papers",
    is_flag=True,
    help="Draw papers and results as nodes (by default they are folded into the edges as evidence).",
)
@click.option(
    "--max-nodes",
    default=100,
    show_default=True,
    type=click.IntRange(min=1),
    help="Cap on nodes drawn; the page says what was left out.",
)
def viz(
    source: Path,
    output: Path | None,
    focus: str | None,
    hops: int,
    kinds: tuple[str, ...],
    relations: tuple[str, ...],
    papers: bool,
    max_nodes: int,
) -> None:
    """Write an offline interactive HTML view of the graph built in SOURCE (a build directory).

    Example: kgbuild viz out --focus "GPT-3" --hops 2 -o gpt3.html
    """
    from kgbuild.viz import ViewSpec, VizError, view_build

    target = output or (source if source.is_dir() else source.parent) / "view.html"
    spec = ViewSpec(max_nodes=max_nodes, focus=focus, hops=hops, kinds=kinds, relations=relations, papers=papers)
    try:
        summary = view_build(source, target, spec)
    except VizError as e:
        raise click.ClickException(str(e)) from e
    for note in summary.notes:
        click.echo(note)
    click.echo(
        f"wrote {summary.path}: {summary.nodes_shown} of {summary.nodes_total} nodes, {summary.edges_shown} edges"
    )


@main.command()
@click.option(
    "--corpus",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="File or directory of papers (default: $KGBUILD_SHARED/corpus/arxiv-listings-2025/listings.jsonl.gz "
    "when KGBUILD_SHARED is set, else the bundled corpus).",
)
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Use only the first N papers.")
@click.option(
    "--processes",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes for the parallel run (default: the CPU count).",
)
@click.option("--no-build", is_flag=True, help="Skip the end-to-end build (its fields in the JSON are null).")
@click.option(
    "--queries", is_flag=True, help="Instead: time every named query and ask form on the build in -o (p50/p95)."
)
@click.option(
    "--serve",
    "serve_load",
    is_flag=True,
    help="Instead: load the endpoint of the build in -o (started on a free 127.0.0.1 port) with --clients "
    "clients sending cheap queries for --seconds; req/s, p50, p99; exit 1 on any error.",
)
@build_dir_option("Build directory for --queries and --serve.")
@click.option("--repeats", default=7, show_default=True, type=click.IntRange(min=1), help="Runs per query (--queries).")
@click.option("--clients", default=16, show_default=True, type=click.IntRange(min=1, max=256), help="With --serve.")
@click.option(
    "--seconds", default=30.0, show_default=True, type=click.FloatRange(min=0.1, max=3600), help="With --serve."
)
def bench(
    corpus: Path | None,
    limit: int | None,
    processes: int | None,
    no_build: bool,
    queries: bool,
    serve_load: bool,
    out_dir: Path,
    repeats: int,
    clients: int,
    seconds: float,
) -> None:
    """Measure extraction speed against the blank tokenizer, and the end-to-end build's time and memory.

    Prints a table, then one JSON line (floor_words_per_s, pipeline_words_per_s, ratio,
    abstracts_per_s, build_s, peak_rss_mb, docs). With --queries: p50/p95 of every named query
    and ask form on the build in -o, then one JSON line.

    With --serve: the endpoint under --clients concurrent clients for --seconds, then one JSON line
    (requests_per_s, p50_ms, p99_ms, errors).

    Example: kgbuild bench --limit 2000; kgbuild bench --queries -o out; kgbuild bench --serve -o out
    """
    if serve_load:
        from kgbuild.serve import ServeError
        from kgbuild.serve.load import bench_serve, format_load_report

        try:
            load_report = bench_serve(out_dir, clients=clients, seconds=seconds)
        except ServeError as e:
            raise click.ClickException(str(e)) from e
        click.echo(format_load_report(load_report))
        if load_report.errors:
            sys.exit(1)
        return
    if queries:
        from kgbuild.query.bench import QueryBenchError, format_query_report, run_query_bench
        from kgbuild.store import StoreError

        try:
            query_report = run_query_bench(out_dir, repeats, progress=lambda m: click.echo(f"timing {m}", err=True))
            click.echo(format_query_report(query_report))
        except (QueryBenchError, StoreError) as e:
            raise click.ClickException(str(e)) from e
        return
    from kgbuild.bench import BenchError, default_corpus, format_report, run_bench

    try:
        report = run_bench(corpus or default_corpus(), limit, processes, with_build=not no_build)
    except BenchError as e:
        raise click.ClickException(str(e)) from e
    click.echo(format_report(report))


if __name__ == "__main__":
    main()
