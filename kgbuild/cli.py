"""The ``kgbuild`` command: a thin layer where each command calls one library function."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kgbuild import __version__


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
@click.option("-o", "--out", "out_dir", default="out", show_default=True, type=click.Path(path_type=Path),
              help="Directory for graph.ttl, graph.html, extractions.jsonl, problems.jsonl, summary.json.")
@click.option("--base-iri", default="https://w3id.org/kgbuild/", show_default=True, help="Base for the graph's IRIs.")
@click.option("--max-html-nodes", default=400, show_default=True, help="Cap on nodes drawn in graph.html.")
@click.option("--quiet", is_flag=True, help="No progress output.")
def build(inputs: tuple[Path, ...], out_dir: Path, base_iri: str, max_html_nodes: int, quiet: bool) -> None:
    """Build the graph of INPUTS (files or directories; the bundled corpus when none).

    Example: kgbuild build ~/papers/listings.jsonl.gz -o out/
    """
    from kgbuild.build import build as run_build

    report = run_build(list(inputs) or None, out_dir, base_iri=base_iri, max_html_nodes=max_html_nodes,
                       progress=None if quiet else _progress_printer("extract"))
    summary = report.summary
    click.echo(f"papers: {report.papers} (from {len(report.files)} files, {report.duplicates} duplicates merged)")
    click.echo("entities: " + ", ".join(f"{k} {v}" for k, v in sorted(summary.entities_by_kind.items())) + f" (total {summary.entities})")
    click.echo("relations: " + ", ".join(f"{k} {v}" for k, v in sorted(summary.relations_by_kind.items())))
    click.echo(f"results: {summary.results}")
    errors = [p for p in report.problems if p.severity == "error"]
    click.echo(f"problems: {len(errors)} errors, {len(report.problems) - len(errors)} warnings"
               + (f" (see {report.outputs['problems']})" if report.problems else ""))
    for problem in errors[:10]:
        click.echo(f"  {problem}", err=True)
    for name in ("turtle", "html", "extractions", "summary"):
        click.echo(f"wrote {report.outputs[name]}")


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="JSONL file to write (default: standard output).")
def extract(inputs: tuple[Path, ...], output: Path | None) -> None:
    """Extract entities and relations, one JSON line per paper in the evaluation gold format.

    Example: kgbuild extract listings.jsonl -o preds.jsonl
    """
    from kgbuild.atomic import atomic_write
    from kgbuild.build import extract_papers
    from kgbuild.gold import to_gold_record
    from kgbuild.ingest import load_papers

    loaded = load_papers(list(inputs) or None)
    problems = list(loaded.problems)
    lines = (json.dumps(to_gold_record(e), ensure_ascii=False) + "\n" for e in extract_papers(loaded.papers, problems))
    if output is None:
        for line in lines:
            sys.stdout.write(line)
    else:
        with atomic_write(output) as handle:
            handle.writelines(lines)
        click.echo(f"wrote {len(loaded.papers)} papers to {output}", err=True)
    for problem in problems:
        click.echo(str(problem), err=True)


@main.command()
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--corpus", multiple=True, type=click.Path(path_type=Path),
              help="Where the gold papers' texts are (default: the bundled corpus). Repeatable.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--predictions", type=click.Path(path_type=Path), default=None, help="Also write the predictions here.")
def evaluate(gold: Path, corpus: tuple[Path, ...], as_json: bool, predictions: Path | None) -> None:
    """Run extraction on the papers of GOLD (JSONL, guideline format) and print P/R/F1.

    Example: kgbuild evaluate ../shared/eval/dev.jsonl
    """
    from kgbuild.atomic import write_text_atomic
    from kgbuild.evaluate import GoldFileError
    from kgbuild.evaluate import evaluate as run_evaluate
    from kgbuild.scoring import format_table

    try:
        result = run_evaluate(gold, list(corpus) or None)
    except GoldFileError as e:
        raise click.ClickException(str(e)) from e
    if predictions is not None:
        write_text_atomic(predictions, "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in result.predictions))
    if as_json:
        click.echo(json.dumps({"gold_papers": result.gold_papers, "missing_texts": result.missing_texts,
                               "scores": {k: v.to_dict() for k, v in sorted(result.scores.items())}}, indent=1))
        return
    click.echo(f"gold papers: {result.gold_papers}, without text in the corpus: {len(result.missing_texts)}")
    for title in result.missing_texts:
        click.echo(f"  no text for: {title}", err=True)
    click.echo(format_table(result.scores))


if __name__ == "__main__":
    main()
