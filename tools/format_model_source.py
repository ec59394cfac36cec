#!/usr/bin/env python3
"""Rewrites interaction_model/source/model.json in its hand-kept layout (one intent per block,
samples wrapped at 118 columns), so a script that edits it leaves a diff of what changed only.

    python tools/format_model_source.py interaction_model/source/model.json
"""

import json
import sys


def dump_list(items, indent):
    parts = [json.dumps(x, ensure_ascii=False) for x in items]
    lines = []
    cur = ""
    for p in parts:
        piece = p + ", "
        if cur and len(indent) + len(cur) + len(p) > 118:
            lines.append(indent + cur.rstrip())
            cur = ""
        cur += piece
    if cur:
        lines.append(indent + cur.rstrip().rstrip(","))
    return "\n".join(lines)


def render(m):
    out = ["{"]
    out.append(f'  "_comment": {json.dumps(m["_comment"], ensure_ascii=False)},')
    out.append(f'  "invocation_name": {json.dumps(m["invocation_name"])},')
    out.append('  "intents": [')
    blocks = []
    for i in m["intents"]:
        if not i["samples"]:
            blocks.append("    " + json.dumps({"name": i["name"], "slots": i["slots"], "samples": []}))
        else:
            b = [
                "    {",
                f'      "name": {json.dumps(i["name"])},',
                f'      "slots": {json.dumps(i["slots"])},',
                '      "samples": [',
                dump_list(i["samples"], "        "),
                "      ]",
                "    }",
            ]
            blocks.append("\n".join(b))
    out.append(",\n".join(blocks))
    out.append("  ],")
    if "types" in m:
        types = json.dumps(m["types"], indent=2, ensure_ascii=False).replace("\n", "\n  ")
        out.append(f'  "types": {types},')
    out.append('  "builtin_utterances": {')
    bu = m["builtin_utterances"]
    out.append(",\n".join(f"    {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in bu.items()))
    out.append("  }")
    out.append("}")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    p = sys.argv[1]
    with open(p) as f:
        m = json.load(f)
    with open(p, "w") as f:
        f.write(render(m))
