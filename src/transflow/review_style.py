"""The review page's style sheet (:mod:`transflow.review`), inlined in every page: status
and severity colours whose text passes WCAG AA contrast on their light backgrounds.

Wide screens get the document as a table, source and translation side by side; under
``NARROW`` (phones, narrow windows) every row is a card, source over translation, each
labelled, with the row's status colour down its side, and the drafts list likewise."""

from __future__ import annotations

_COLOURS = {  # name: (strong, light); text in the strong colour on the light one is AA
    "accepted": ("#1a7f37", "#dafbe1"),
    "draft": ("#0550ae", "#ddf4ff"),
    "fuzzy": ("#7d4e00", "#fff8c5"),
    "untranslated": ("#57606a", "#f6f8fa"),
    "error": ("#cf222e", "#ffebe9"),
    "warning": ("#9a3c00", "#fff1e5"),
    "info": ("#6639ba", "#fbefff"),
}
NARROW = "48em"  # under this width (768 px at the default font size), rows become cards
_LABEL = (
    "display:block;direction:ltr;text-align:left;font:600 .68rem/1.6 system-ui,"
    '"DejaVu Sans",sans-serif;color:#57606a;text-transform:uppercase;margin-bottom:.15rem'
)
_NARROW_CSS = (
    f"@media (max-width:{NARROW}){{"
    "body{padding:.6rem .75rem 2rem}"
    "table.document,table.document>tbody,table.drafts,table.drafts>tbody{display:block}"
    "table.document colgroup{display:none}"
    "table.document thead,table.drafts thead{display:none}"  # each cell has its label
    "tbody.block{border-top:0;margin-top:.8rem}"
    "tr.unit{display:grid;grid-template-columns:auto 1fr;border:1px solid #d0d7de;"
    "border-left:6px solid;border-radius:6px;margin:.5rem 0;overflow:hidden}"
    "tr.unit>*{display:block;border:0;padding:.35rem .6rem}"
    "tr.unit th.block{grid-column:1/-1;background:#f6f8fa;padding:.15rem .6rem}"
    "tr.unit th.pos{grid-column:1/-1;border:0;display:flex;gap:.6rem;align-items:baseline}"
    ".kind{display:inline}"
    "tr.unit td.source,tr.unit td.target,tr.unit td.notes{grid-column:1/-1}"
    f'tr.unit td.source::before{{content:"Source (" attr(lang) ")";{_LABEL}}}'
    f'tr.unit td.target::before{{content:"Translation (" attr(lang) ")";{_LABEL}}}'
    "table.drafts tr{display:grid;grid-template-columns:auto 1fr;"
    "border-bottom:1px solid #d0d7de;padding:.3rem 0}"
    "table.drafts td{display:block;border:0;padding:.15rem .6rem}"
    "table.drafts td.source,table.drafts td.target{grid-column:1/-1}"
    'table.drafts td.score::before{content:"score ";'
    "font-size:.68rem;color:#57606a;text-transform:uppercase}"
    'table.drafts td.pos::before{content:"unit ";'
    "font-size:.68rem;color:#57606a;text-transform:uppercase}"
    + "".join(f"tr.unit.st-{k}{{border-left-color:{fg}}}" for k, (fg, _) in _COLOURS.items())
    + "}"
)
CSS = (
    "*{box-sizing:border-box}"
    "body{margin:0 auto;max-width:1500px;padding:1rem 1.5rem 3rem;color:#1f2328;"
    'font:15px/1.5 system-ui,"Segoe UI","DejaVu Sans",sans-serif}'
    "h1{font-size:1.45rem;margin:0}h2{font-size:1.1rem;margin:1.5rem 0 .4rem}"
    "h1 .lang{font-size:1rem;vertical-align:middle;padding:0 .5em;border-radius:4px;"
    "background:#1f2328;color:#fff}"
    ".hint{color:#57606a;font-size:.85rem;margin:.3rem 0}"
    ".panels{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,19rem),1fr));"
    "gap:1rem;margin-top:1rem}"
    ".panel{border:1px solid #d0d7de;border-radius:8px;padding:.6rem 1rem}"
    ".panel h2{margin:0 0 .4rem}"
    ".figures{display:flex;flex-wrap:wrap;gap:.4rem 1rem;margin:0}"
    ".figure{border-left:4px solid #d0d7de;padding:0 .5rem}"
    ".figure dt{font-size:.72rem;color:#57606a;text-transform:uppercase}"
    ".figure dd{margin:0;font-size:1.3rem;font-weight:600}"
    ".bar{display:flex;height:10px;border-radius:5px;overflow:hidden;margin-top:.6rem;"
    "background:#eaeef2}.bar span{display:block;height:100%}"
    ".badge{display:inline-block;padding:0 .5em;border:1px solid;border-radius:1em;"
    "font-size:.75rem;font-weight:600;line-height:1.55;white-space:nowrap}"
    ".legend,.qa-summary,.findings{list-style:none;margin:0;padding:0}.legend li{margin:.15rem 0}"
    ".legend.inline li,.qa-summary li{display:inline-block;margin-right:1rem}"
    ".qa-summary strong{font-size:1.3rem;vertical-align:middle}"
    "table{border-collapse:collapse;width:100%}"
    "th,td{text-align:start;vertical-align:top;padding:.35rem .6rem;"
    "border-bottom:1px solid #d0d7de}"
    "thead th{position:sticky;top:0;z-index:1;background:#f6f8fa;font-size:.75rem;"
    "color:#57606a;text-transform:uppercase;border-bottom:2px solid #8c959f}"
    "table.document{table-layout:fixed}col.c-block{width:3.2rem}col.c-pos{width:6.5rem}"
    "col.c-notes{width:23%}tbody.block{border-top:3px solid #8c959f}"
    "th.block{color:#57606a;background:#f6f8fa}th.pos{border-left:6px solid}"
    ".kind{display:block;font-size:.7rem;font-weight:400;color:#57606a}"
    "td.source,td.target{white-space:pre-wrap;overflow-wrap:break-word}"
    ".change{white-space:normal;margin:.4rem 0 0;font-size:.85rem;color:#57606a}"
    ".change .label{font-size:.7rem;text-transform:uppercase;margin-inline-end:.3em}"
    "del,ins{padding:0 .15em;border-radius:3px}del{background:#ffebe9;color:#82071e}"
    "ins{background:#dafbe1;color:#116329}"
    "td[dir=rtl]{font-size:1.12rem;line-height:1.9}"
    ':lang(ur){font-family:"Noto Nastaliq Urdu","Noto Naskh Arabic","DejaVu Sans",sans-serif}'
    ".missing{font-style:italic;color:#57606a;font-size:.85rem}.notes{font-size:.85rem}"
    ".notes p{margin:.3rem 0 0;color:#57606a;font-size:.75rem;overflow-wrap:anywhere;"
    'font-family:ui-monospace,"DejaVu Sans Mono",monospace}'
    ".finding{margin:.3rem 0 0;padding:.15rem .4rem;border-left:4px solid;border-radius:3px}"
    ".check{font-weight:600}td.score{font-variant-numeric:tabular-nums}"
    "a{color:#0550ae}tr:target td,tr:target th.pos{outline:2px solid #0550ae;outline-offset:-2px}"
    "mark.term{background:#fff8c5;color:inherit;border-bottom:1px dotted #7d4e00}"
    "@media print{thead th{position:static}}"
    + _NARROW_CSS
    + "".join(
        f".badge.st-{k},.badge.sev-{k}{{color:{fg};background:{bg}}}"
        f".bar .st-{k}{{background:{fg}}}.figure.st-{k}{{border-color:{fg}}}"
        f"tr.st-{k} th.pos{{border-left-color:{fg}}}tr.st-{k} td.target{{background:{bg}}}"
        f".finding.sev-{k}{{border-color:{fg};background:{bg}}}"
        for k, (fg, bg) in _COLOURS.items()
    )
    + ".bar .st-untranslated{background:#afb8c1}"
)
