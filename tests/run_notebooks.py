"""Execute every notebook with the gophys kernel (nbclient) and export each run to HTML (nbconvert).

Used by `make test` and `make report`: the HTML is exported from the same run that was checked, and any
error output (or a cell that fails) makes the script exit non-zero, naming the notebook and the cell.
"""
import argparse
import pathlib
import re
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert import HTMLExporter
from traitlets.config import Config

# Reports show each widget's static text/html snapshot (gophys widgets carry one: control values, an Output's
# plots as <img>). nbconvert would otherwise pick the live widget view, which needs the widget manager from a
# CDN and shows nothing offline.
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
PRIORITY = [m for m in HTMLExporter().default_config.NbConvertBase.display_data_priority if m != WIDGET_VIEW]
LATENTS = "application/vnd.gophys.latents+json"


def missing_from_html(nb, html: str) -> list[str]:
    """What the notebook displayed as images or latent tables that the exported HTML lacks."""
    images = tables = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" in data or "data:image/png" in str(data.get("text/html", "")):
                images += 1
            tables += LATENTS in data
    problems = []
    shown_images = len(re.findall(r'<img[^>]*\ssrc="data:image/png;base64,', html))
    shown_tables = html.count('class="gophys-latents"')
    if shown_images < images:
        problems.append(f"{images} PNG images displayed, {shown_images} in the HTML")
    if shown_tables < tables:
        problems.append(f"{tables} latent tables displayed, {shown_tables} in the HTML")
    return problems


def run(path: pathlib.Path, out: pathlib.Path, timeout: int) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    kernel = nb.metadata.get("kernelspec", {}).get("name")
    if kernel is None:
        return [f"{path}: no metadata.kernelspec (Lab would ask for a kernel); set it to gophys"]
    client = NotebookClient(nb, kernel_name=kernel, timeout=timeout, resources={"metadata": {"path": str(path.parent)}})
    problems = []
    start = time.monotonic()
    try:
        client.execute()
    except CellExecutionError as exc:
        problems.append(f"{path}: {exc}")
    for i, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                problems.append(f"{path}: cell {i}: {output.get('ename')}: {output.get('evalue')}")
    html, _ = HTMLExporter(config=Config({"NbConvertBase": {"display_data_priority": PRIORITY}})).from_notebook_node(nb)
    problems += [f"{path}: report: {p}" for p in missing_from_html(nb, html)]
    out.mkdir(parents=True, exist_ok=True)
    (out / (path.stem + ".html")).write_text(html, encoding="utf-8")
    nbformat.write(nb, out / path.name)
    print(f"{path.name}: {'FAILED' if problems else 'ok'} in {time.monotonic() - start:.1f}s -> {out / (path.stem + '.html')}")
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("paths", nargs="+", help="notebooks or directories of notebooks")
    ap.add_argument("--out", default="build/reports", help="where executed notebooks and HTML go")
    ap.add_argument("--timeout", type=int, default=600, help="per-cell timeout in seconds")
    args = ap.parse_args()
    notebooks = []
    for p in map(pathlib.Path, args.paths):
        notebooks += sorted(p.glob("*.ipynb")) if p.is_dir() else [p]
    problems = []
    for nb in notebooks:
        problems += run(nb, pathlib.Path(args.out), args.timeout)
    print(f"{len(notebooks) - len({p.split(':')[0] for p in problems})} passed, {len({p.split(':')[0] for p in problems})} failed")
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
