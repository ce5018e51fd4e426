"""Write small files in the DEU III layout (the header of the public copy, a GDP row, then issues)."""

from __future__ import annotations

from pathlib import Path

#: The 30 actors in the column order of the public copy (data/deu3/deu3.tsv, line 1).
ACTOR_CODES = ["com", "ep", "at", "be", "bu", "cr", "cy", "cz", "dk", "ee", "fi", "fr", "de", "el", "hu", "ie",
               "it", "lv", "lt", "lu", "mt", "nl", "pl", "pt", "ro", "si", "sk", "es", "se", "uk"]
HEADER = (["prnrnmc", "isnrnmc", "prnr", "prname", "isnr", "type", "council", "proc", "counvte", "proccde",
           "issues", "intro", "finact"] + [f"p{code}" for code in ACTOR_CODES] + [f"s{code}" for code in ACTOR_CODES]
          + ["rp", "out"])
#: The GDP row of the public copy (line 2), by actor.
GDP = dict(zip(ACTOR_CODES, [4.1, 4.1, 0.48, 0.58, 0.09, 0.08, 0.03, 0.31, 0.37, 0.04, 0.28, 2.8, 4.1, 0.22, 0.2,
                             0.5, 2.09, 0.04, 0.07, 0.08, 0.02, 1.03, 0.75, 0.27, 0.32, 0.06, 0.12, 1.46, 0.55,
                             2.64]))


def issue_row(dossier: str, issue: str, positions: dict[str, object], saliences: dict[str, object] | None = None,
              reference_point: object = "", outcome: object = "", procedure: str = "COD",
              voting_rule: str = "QMV") -> dict[str, str]:
    """One issue as ``{column: text}``; actors left out of ``positions`` have empty cells."""
    row = {name: "" for name in HEADER}
    row.update(prnr=dossier, prname="test dossier", isnr=issue, proc=procedure, counvte=voting_rule,
               rp=str(reference_point), out=str(outcome))
    for actor, value in positions.items():
        row[f"p{actor}"] = str(value)
    for actor, value in (saliences or {}).items():
        row[f"s{actor}"] = str(value)
    return row


def write_deu3(path: Path, rows: list[dict[str, str]], header: list[str] = HEADER,
               gdp: dict[str, object] | None = None) -> Path:
    """Write ``rows`` under ``header``, with the GDP row on line 2, as tab-separated text."""
    gdp = GDP if gdp is None else gdp
    lines = ["\t".join(f'"{name}"' for name in header),
             "\t".join(str(gdp.get(name[1:], "")) if name[:1] == "p" and name[1:] in gdp else "" for name in header)]
    lines += ["\t".join(row.get(name, "") for name in header) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
